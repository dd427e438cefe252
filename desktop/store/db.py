"""Engine and sessions for both data modes (creating and migrating: ``store.opening``).

Embedded mode is one SQLite file (WAL, foreign keys on, busy timeout, ``synchronous=FULL`` so an
acknowledged save survives a power cut). Write transactions on SQLite start with
``BEGIN IMMEDIATE``: two desks never both read-then-upgrade into a deadlock; the second waits
up to the busy timeout. LAN mode is PostgreSQL through psycopg 3.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from desktop.domain.errors import ConflictError, DatabaseError
from desktop.store import guard as _guard  # noqa: F401 - registers the before_flush check
from desktop.store import paths
from desktop.store.writelock import WriterLock

DB_FILE_NAME = "mediationdesk.sqlite3"
BUSY_TIMEOUT_MS = 30_000


def default_database_url() -> str:
    return f"sqlite:///{paths.data_dir() / DB_FILE_NAME}"


def resolve_url(url: str | None) -> str:
    """``--db`` beats ``MEDIATIONDESK_DB`` beats the embedded default file."""
    import os

    url = url or os.environ.get("MEDIATIONDESK_DB") or default_database_url()
    if "://" not in url:  # a plain path is an SQLite file
        url = f"sqlite:///{Path(url).expanduser().resolve()}"
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        url = parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    return url


def _safe(url: str | None) -> str:
    """A URL fit to show: the password hidden, and short."""
    text = str(url or "")
    try:
        text = make_url(text).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        text = re.sub(r"(://[^:/@]*:)[^@]*@", r"\1***@", text)
    return text if len(text) <= 120 else text[:117] + "…"


def _make_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False}
        )

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
            dbapi_conn.isolation_level = None  # we issue BEGIN ourselves (see below)
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            cur.execute("PRAGMA synchronous=FULL")
            cur.close()

        @event.listens_for(engine, "begin")
        def _on_begin(conn: Any) -> None:
            immediate = conn.get_execution_options().get("sqlite_immediate", False)
            conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

        return engine
    return create_engine(
        url,
        pool_pre_ping=True,
        pool_size=5,
        max_overflow=5,
        connect_args={"connect_timeout": 10, "application_name": "mediationdesk"},
    )


_CONNECTION_LOST = (
    "connection refused", "could not connect", "timeout", "server closed the connection",
    "connection failed", "terminating connection", "no route to host", "connection is closed",
    "connection is lost", "the connection is bad", "consuming input failed",
    "ssl connection has been closed", "database system is shutting down",
    "database system is starting up", "database system is in recovery",
    "connection reset", "broken pipe", "server conn crashed",
)


def translate_db_error(err: BaseException, *, committing: bool = False) -> DatabaseError:
    """A Chinese sentence for what went wrong with the database, and what to do about it.

    ``committing``: the fault came while committing, so the server may or may not have kept
    the change; the user must check rather than be told nothing was saved.
    """
    text = str(getattr(err, "orig", err) or err)
    low = text.lower()
    lost = bool(getattr(err, "connection_invalidated", False)) or any(
        w in low for w in _CONNECTION_LOST)
    if lost and committing:
        return DatabaseError("保存时与局域网数据库服务器的连接中断，无法确认这次保存是否成功。"
                             "请重新加载该记录核对后再操作。")
    if "database is locked" in low or "database is busy" in low:
        return DatabaseError("数据库正忙（其他工作台正在保存），请稍候几秒再试。您输入的内容没有丢失。")
    if "disk is full" in low or "no space left" in low or "database or disk is full" in low:
        return DatabaseError("磁盘空间已满，无法保存。请清理磁盘后再试，您输入的内容仍保留在界面中。")
    if "password authentication failed" in low or "authentication failed" in low:
        return DatabaseError("数据库服务器拒绝了用户名或密码，请在“设置 → 数据库”中核对。")
    if "does not exist" in low and "database" in low:
        return DatabaseError("数据库服务器上没有这个数据库，请管理员先运行 mediationdesk db init。")
    if lost:
        return DatabaseError("无法连接局域网数据库服务器，请检查网络和服务器是否开启；您输入的内容没有丢失。")
    if "append-only" in low:
        return DatabaseError("审计记录只能追加，不能修改或删除。")
    if "permission denied" in low or "must be owner" in low:
        return DatabaseError("数据库账号没有执行该操作的权限（各工作台的账号不能修改数据结构和审计记录）。"
                             "如需升级数据库，请管理员运行 mediationdesk db upgrade；"
                             "否则请管理员运行 mediationdesk db init 重新授权。")
    if "unable to open database file" in low or "readonly database" in low:
        return DatabaseError("无法打开数据库文件，请检查文件位置和读写权限。")
    if "malformed" in low or "not a database" in low:
        return DatabaseError("数据库文件已损坏或不是调解台数据库，请从备份恢复（mediationdesk restore）。")
    if "value too long" in low or "string data right truncation" in low or "too long:" in low:
        field = _column_of(text)
        return DatabaseError(f"{field}内容过长，超出数据库允许的长度，未保存。请删减后再试。")
    if "unique constraint" in low or "duplicate key" in low:
        return DatabaseError("已有相同的记录（名称、编号或账号重复），未保存。请修改后再试。")
    if "not null constraint" in low or "null value in column" in low:
        return DatabaseError(f"{_column_of(text)}不能为空，未保存。")
    if "foreign key constraint" in low or "violates foreign key" in low:
        return DatabaseError("引用的记录不存在或仍被其他记录使用，未保存。")
    if "check constraint" in low or "out of range" in low or "overflow" in low:
        return DatabaseError(f"{_column_of(text)}超出允许的范围，未保存。")
    if "no such file" in low or "errno 2" in low:
        return DatabaseError("找不到所需的文件，请检查路径是否正确。")
    # never show the server's English text: it goes to the log, the user gets a sentence
    import logging

    logging.getLogger(__name__).warning("database error: %s", text)
    return DatabaseError("数据库操作失败，未保存任何内容。请稍后再试；如一再出现，请联系技术支持。")


def _column_of(text: str) -> str:
    """The Chinese label of the column a database message names, or "输入"."""
    from desktop.domain.limits import LABELS

    m = re.search(r'column "?(\w+)"?|\.(\w+)\b|too long: \w+\.(\w+)', text)
    name = next((g for g in (m.groups() if m else ()) if g), "")
    return LABELS.get(name, "输入")


@dataclass
class Database:
    """An opened database: engine plus read/write session factories."""

    url: str
    engine: Engine

    def __post_init__(self) -> None:
        self._read = sessionmaker(bind=self.engine, expire_on_commit=False)
        write_engine = self.engine.execution_options(sqlite_immediate=True)
        self._write = sessionmaker(bind=write_engine, expire_on_commit=False)
        path = self.sqlite_path
        self._writers: contextlib.AbstractContextManager[object] = (
            WriterLock(path, BUSY_TIMEOUT_MS / 1000) if path and path.name not in ("", ":memory:")
            else contextlib.nullcontext())

    # -- connecting ------------------------------------------------------------------------
    @classmethod
    def connect(cls, url: str | None = None) -> Database:
        """An engine for ``url`` (``resolve_url``'s rules); nothing is created or migrated
        here — opening for use is ``desktop.store.opening.open_database``."""
        try:
            resolved = resolve_url(url)
            engine = _make_engine(resolved)
        except (ArgumentError, NoSuchModuleError, ValueError) as err:
            raise DatabaseError(
                f"数据库地址“{_safe(url)}”无法识别：请写 sqlite:///文件路径、文件路径，"
                "或 postgresql://用户@服务器/数据库。") from err
        except OSError as err:
            raise DatabaseError(f"无法创建数据库文件所在的文件夹：{err.strerror}。") from err
        return cls(resolved, engine)

    def close(self) -> None:
        self.engine.dispose()

    # -- facts -----------------------------------------------------------------------------
    @property
    def parsed_url(self) -> URL:
        return make_url(self.url)

    @property
    def is_sqlite(self) -> bool:
        return self.parsed_url.get_backend_name() == "sqlite"

    @property
    def sqlite_path(self) -> Path | None:
        return Path(self.parsed_url.database or "") if self.is_sqlite else None

    def describe(self) -> str:
        """Chinese description for the status bar and diagnostics."""
        u = self.parsed_url
        if self.is_sqlite:
            return f"本地数据库：{u.database}"
        return f"局域网服务器：{u.host}:{u.port or 5432}/{u.database}"

    def safe_url(self) -> str:
        return self.parsed_url.render_as_string(hide_password=True)

    def has_tables(self) -> bool:
        return bool(inspect(self.engine).get_table_names())

    # -- sessions --------------------------------------------------------------------------
    @contextlib.contextmanager
    def read(self) -> Iterator[Session]:
        """A read-only transaction. A connection lost at any point (checkout, a query, the
        closing rollback) ends as the app's DatabaseError; the dead connection is dropped
        from the pool so the next call gets a fresh one."""
        session = self._read()
        try:
            yield session
        except _DB_ERRORS as err:
            _discard(session)
            raise translate_db_error(err) from err
        except BaseException:
            _discard(session)
            raise
        # The reads are done and consistent; only ending the transaction remains. If the
        # connection died just now, nothing is lost: drop it quietly.
        _end(session)

    @contextlib.contextmanager
    def write(self) -> Iterator[Session]:
        """One transaction: committed when the block ends, rolled back on any error.

        On SQLite the app's writers queue on a lock file first (``store.writelock``), so a
        desk that saves twice in a row cannot starve another desk's save."""
        with self._writers:
            yield from self._write_transaction()

    def _write_transaction(self) -> Iterator[Session]:
        session = self._write()
        try:
            yield session
        except _DB_ERRORS as err:
            _discard(session)
            raise translate_db_error(err) from err
        except StaleDataError as err:  # a versioned row saved by another desk meanwhile
            _discard(session)
            raise ConflictError() from err
        except BaseException:
            _discard(session)
            raise
        try:
            session.commit()
        except StaleDataError as err:
            _discard(session)
            raise ConflictError() from err
        except _DB_ERRORS as err:
            _discard(session)
            raise translate_db_error(err, committing=True) from err
        except BaseException:
            _discard(session)
            raise
        _end(session)


# A database fault as the drivers raise it; SQLAlchemy wraps most in DBAPIError, but the
# sqlite3 module's own errors can surface from the online-backup and connect paths.
_DB_ERRORS: tuple[type[BaseException], ...] = (DBAPIError, sqlite3.Error)


def _discard(session: Session) -> None:
    """Roll back and close after a failure without letting a second fault (the connection is
    gone, so the ROLLBACK itself fails) replace the first error."""
    try:
        session.rollback()
    except _DB_ERRORS:
        _invalidate(session)
        return
    try:
        session.close()
    except _DB_ERRORS:
        _invalidate(session)


def _end(session: Session) -> None:
    """Close a session whose work is done (committed, or a finished read)."""
    try:
        session.rollback()
        session.close()
    except _DB_ERRORS:
        _invalidate(session)


def _invalidate(session: Session) -> None:
    """Throw away the session's connections: the pool will not hand them out again."""
    import logging

    logging.getLogger(__name__).info("数据库连接已断开，已丢弃该连接")
    with contextlib.suppress(Exception):
        session.invalidate()
    with contextlib.suppress(Exception):
        session.close()


def sqlite_backup(src: Path, dest: Path) -> Path:
    """Consistent copy of a live SQLite file with the online-backup API."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_suffix(dest.suffix + ".part")
    with contextlib.closing(sqlite3.connect(str(src), timeout=BUSY_TIMEOUT_MS / 1000)) as s, \
            contextlib.closing(sqlite3.connect(str(tmp))) as d:
        s.backup(d)
    tmp.replace(dest)
    return dest


def timestamp() -> str:
    return dt.datetime.now().strftime("%Y%m%d-%H%M%S")
