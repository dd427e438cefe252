"""Backups: the automatic daily SQLite copy, and the portable archive for both backends.

Daily (embedded mode): the SQLite online-backup API copies the live file into
``backups/daily-YYYYMMDD.sqlite3`` beside it, once a day at start-up; the newest ``keep`` are
kept (``MEDIATIONDESK_BACKUP_KEEP`` or ``[backup] keep`` in the ini, default 14).

Portable archive (``mediationdesk backup/restore/migrate-data``): a zip holding
``manifest.json`` and one JSON-lines file per table, tables in foreign-key order, rows in
primary-key order, values in a canonical text form (ISO dates, decimals at the column's scale,
base64 bytes). The manifest carries each table's row count and the SHA-256 of its file. A
restore goes into an empty migrated database of the same schema revision, then the restored
tables are dumped again the same way and must give the same counts and checksums — so an
archive from SQLite restored on PostgreSQL (and back) is proven identical, row by row.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import datetime as dt
import hashlib
import json
import os
import re
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import Table, func, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.types import Boolean, Date, DateTime, Integer, LargeBinary, Numeric, String

from desktop import __version__
from desktop.domain.errors import DatabaseError, ValidationError
from desktop.store import bulk, ini
from desktop.store.bulk import bulk_insert
from desktop.store.db import Database, sqlite_backup
from desktop.store.models import Base

FORMAT = "mediationdesk-archive/1"
DEFAULT_KEEP = 14
_BATCH = 500
# tables a fresh migration seeds (dictionaries, the audit chain head); a restore replaces them
SEEDED = ("lookup", "audit_head", "app_setting")
# tables whose rows mean "someone has worked here": a restore refuses to overwrite them
WORK_TABLES = ("app_user", "mediation_case", "audit_log")


# -- daily SQLite backups --------------------------------------------------------------------
def retention() -> int:
    env = os.environ.get("MEDIATIONDESK_BACKUP_KEEP")
    if env and env.isdigit():
        return max(1, int(env))
    try:
        keep = ini.option("backup", "keep")
        if keep is not None:
            return max(1, int(keep))
    except (ValueError, OSError):
        pass
    return DEFAULT_KEEP


def daily_backup(db: Database, *, keep: int | None = None, today: dt.date | None = None,
                 folder: Path | None = None) -> Path | None:
    """Copy the embedded database once a day (online-backup API) and prune old copies."""
    src = db.sqlite_path
    if src is None or not src.exists() or str(src) in ("", ":memory:"):
        return None
    folder = folder or src.parent / "backups"
    day = today or dt.date.today()
    dest = folder / f"daily-{day:%Y%m%d}.sqlite3"
    made = None
    if not dest.exists():
        made = sqlite_backup(src, dest)
    keep = keep or retention()
    dailies = sorted(folder.glob("daily-*.sqlite3"))
    for old in dailies[:-keep] if len(dailies) > keep else []:
        old.unlink(missing_ok=True)
    return made


# -- canonical row text ----------------------------------------------------------------------
def _tables(conn: Connection | None = None) -> list[Table]:
    """The model's tables; with ``conn``, as the database at hand has them: an older schema
    (backed up before an upgrade, or restored before being upgraded) lacks the tables and
    columns later migrations added."""
    tables = list(Base.metadata.sorted_tables)
    if conn is None:
        return tables
    from sqlalchemy import Column, MetaData, inspect

    insp = inspect(conn)
    names = set(insp.get_table_names())
    live: list[Table] = []
    older = MetaData()
    for t in tables:
        if t.name not in names:
            continue
        cols = {c["name"] for c in insp.get_columns(t.name)}
        if all(c.name in cols for c in t.columns):
            live.append(t)
        else:
            live.append(Table(t.name, older, *[Column(c.name, c.type, primary_key=c.primary_key)
                                                for c in t.columns if c.name in cols]))
    return live


def _encode(col: Any, value: Any) -> Any:
    if value is None:
        return None
    t = col.type
    if isinstance(t, LargeBinary):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(t, DateTime):
        return value.isoformat(timespec="microseconds")
    if isinstance(t, Date):
        return value.isoformat()
    if isinstance(t, Numeric) and not isinstance(t, Integer):
        scale = t.scale if t.scale is not None else 2
        return format(Decimal(str(value)).quantize(Decimal(1).scaleb(-scale)), "f")
    if isinstance(t, Boolean):
        return bool(value)
    if isinstance(t, Integer):
        return int(value)
    return value


def _decode(col: Any, value: Any) -> Any:
    """The column's value from its canonical text; ``ValueError`` when it is not one."""
    if value is None:
        return None
    t = col.type
    if isinstance(t, Boolean):
        if not isinstance(value, bool):
            raise TypeError("not a boolean")
        return value
    if isinstance(t, Integer):
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError("not an integer")
        return value
    if isinstance(t, (LargeBinary, DateTime, Date, Numeric, String)) and not isinstance(value, str):
        raise TypeError("not a text")
    if isinstance(t, LargeBinary):
        return base64.b64decode(value, validate=True)
    if isinstance(t, DateTime):
        return dt.datetime.fromisoformat(value)
    if isinstance(t, Date):
        return dt.date.fromisoformat(value)
    if isinstance(t, Numeric):
        try:
            return Decimal(value)
        except ArithmeticError:
            raise ValueError("not a number") from None
    return value


def _line(table: Table, row: Any) -> bytes:
    data = {c.name: _encode(c, row._mapping[c.name]) for c in table.columns}
    return (json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
            + "\n").encode("utf-8")


def _rows(conn: Connection, table: Table) -> Iterator[bytes]:
    order = list(table.primary_key.columns) or list(table.columns)
    result = conn.execution_options(yield_per=_BATCH).execute(select(table).order_by(*order))
    for row in result:
        yield _line(table, row)


@dataclass
class TableSum:
    count: int = 0
    sha256: str = ""


@dataclass
class Manifest:
    revision: str
    tables: dict[str, TableSum] = field(default_factory=dict)
    created_at: str = ""
    source: str = ""
    app_version: str = __version__

    def to_json(self) -> str:
        return json.dumps({
            "format": FORMAT, "app_version": self.app_version, "revision": self.revision,
            "created_at": self.created_at, "source": self.source,
            "tables": {k: {"count": v.count, "sha256": v.sha256} for k, v in self.tables.items()},
        }, ensure_ascii=False, indent=1)

    @classmethod
    def from_json(cls, raw: str) -> Manifest:
        try:
            data = json.loads(raw)
        except ValueError:
            raise ValidationError("备份文件的清单（manifest.json）已损坏，不能用于恢复。") from None
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise ValidationError("这不是调解台的备份文件，或备份格式不受支持。")
        try:
            tables = {str(k): TableSum(int(v["count"]), str(v["sha256"]))
                      for k, v in data["tables"].items()}
            revision = data["revision"]
            if not isinstance(revision, str) or not revision:
                raise TypeError("revision")
        except (KeyError, TypeError, ValueError, AttributeError):
            raise ValidationError("备份文件的清单（manifest.json）不完整，不能用于恢复。") from None
        return cls(revision, tables, str(data.get("created_at", "")),
                   str(data.get("source", "")), str(data.get("app_version", "")))


def _snapshot(db: Database) -> Connection:
    """A connection in one consistent read snapshot (REPEATABLE READ on PostgreSQL)."""
    conn = db.engine.connect()
    if not db.is_sqlite:
        conn = conn.execution_options(isolation_level="REPEATABLE READ")
    conn.begin()
    return conn


def _revision(conn: Connection) -> str:
    try:
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar() or ""
    except Exception as err:
        raise DatabaseError("该数据库还没有调解台的数据结构，无法备份。") from err


def checksums(db: Database) -> Manifest:
    """Counts and SHA-256 of every table, in the archive's canonical form."""
    with _snapshot(db) as conn:
        man = Manifest(_revision(conn))
        for table in _tables(conn):
            h, n = hashlib.sha256(), 0
            for line in _rows(conn, table):
                h.update(line)
                n += 1
            man.tables[table.name] = TableSum(n, h.hexdigest())
        conn.rollback()
    return man


def backup_archive(db: Database, out: Path,
                   progress: Callable[[int, int], None] | None = None) -> Manifest:
    """Write the portable archive of ``db`` to ``out`` (atomically: a .part file renamed).
    ``progress(done, total)`` is called after each table (from the calling thread)."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".part")
    try:
        with _snapshot(db) as conn, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
            man = Manifest(_revision(conn), created_at=dt.datetime.now().isoformat(
                timespec="seconds"), source=db.safe_url())
            tables = _tables(conn)
            for i, table in enumerate(tables):
                if progress is not None:
                    progress(i, len(tables))
                h, n = hashlib.sha256(), 0
                with zf.open(f"tables/{table.name}.jsonl", "w", force_zip64=True) as fh:
                    for line in _rows(conn, table):
                        fh.write(line)
                        h.update(line)
                        n += 1
                man.tables[table.name] = TableSum(n, h.hexdigest())
            conn.rollback()
            zf.writestr("manifest.json", man.to_json())
        tmp.replace(out)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return man


DAMAGED = "备份文件已损坏或不是调解台的备份文件（{}），不能用于恢复；数据库未作任何改动。"


def read_manifest(archive: Path) -> Manifest:
    try:
        with zipfile.ZipFile(archive) as zf:
            return Manifest.from_json(zf.read("manifest.json").decode("utf-8"))
    except KeyError as err:
        raise ValidationError(DAMAGED.format("缺少清单 manifest.json")) from err
    except UnicodeDecodeError as err:
        raise ValidationError(DAMAGED.format("清单不是文字")) from err
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError) as err:
        if isinstance(err, FileNotFoundError):
            raise ValidationError(f"找不到备份文件 {archive}。") from err
        raise ValidationError(DAMAGED.format("压缩包无法读取")) from err


def verify_archive(archive: Path) -> Manifest:
    """Everything a restore will read, checked before anything is written: the zip, the
    manifest, exactly the table files it lists (no more, no fewer), each file's count and
    checksum, and every row — known columns, values of the column's type, within the limits
    the store enforces (``desktop.store.guard``)."""
    from desktop.store.guard import check_row

    man = read_manifest(archive)
    known = {t.name: t for t in _tables()}
    unknown = set(man.tables) - set(known)
    if unknown:
        raise ValidationError(f"备份中有本程序不认识的表：{'、'.join(sorted(unknown))}；数据库未作任何改动。")
    try:
        with zipfile.ZipFile(archive) as zf:
            expected = {"manifest.json"} | {f"tables/{n}.jsonl" for n in man.tables}
            names = set(zf.namelist())
            if names != expected:
                extra, lost = sorted(names - expected), sorted(expected - names)
                what = (f"缺少 {'、'.join(lost)}" if lost else "") + \
                       ("；" if lost and extra else "") + (f"多出 {'、'.join(extra)}" if extra else "")
                raise ValidationError(DAMAGED.format(what))
            for name, expect in man.tables.items():
                _verify_table(zf, known[name], expect, check_row)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError) as err:
        raise ValidationError(DAMAGED.format("压缩包内容无法读取")) from err
    return man


def _verify_table(zf: zipfile.ZipFile, table: Table, expect: TableSum, check_row: Any) -> None:
    h, n = hashlib.sha256(), 0
    columns = {c.name: c for c in table.columns}
    with zf.open(f"tables/{table.name}.jsonl") as fh:
        for line in fh:
            h.update(line)
            n += 1
            where = f"表 {table.name} 第 {n} 行"
            try:
                data = json.loads(line)
                if not isinstance(data, dict) or not set(data) <= set(columns):
                    raise ValueError("columns")
                row = {k: _decode(columns[k], v) for k, v in data.items()}
            except (ValueError, TypeError, binascii.Error):
                raise ValidationError(DAMAGED.format(f"{where}的数据无法识别")) from None
            try:
                check_row(table, row)
            except ValidationError as err:
                raise ValidationError(f"备份文件{where}的数据不合规定（{err.message}），"
                                      "不能用于恢复；数据库未作任何改动。") from None
    if (n, h.hexdigest()) != (expect.count, expect.sha256):
        raise ValidationError(DAMAGED.format(f"表 {table.name} 的条数或校验值不符"))


def _resequence(conn: Connection, table: Table) -> None:
    """After explicit-id inserts, move a PostgreSQL serial/identity sequence past the max id."""
    pk = list(table.primary_key.columns)
    if len(pk) != 1 or not isinstance(pk[0].type, Integer) or not pk[0].autoincrement:
        return
    seq = conn.execute(text("SELECT pg_get_serial_sequence(:t, :c)"),
                       {"t": table.name, "c": pk[0].name}).scalar()
    if not seq:
        return
    conn.execute(text(f'SELECT setval(:s, COALESCE((SELECT MAX("{pk[0].name}") FROM '
                      f'"{table.name}"), 1), (SELECT COUNT(*) FROM "{table.name}") > 0)'),
                 {"s": seq})


DEFER_ROWS = 300_000  # about 10,000 cases


def restore_archive(db: Database, archive: Path,
                    progress: Callable[[int, int], None] | None = None,
                    defer: bool | None = None) -> Manifest:
    """Restore into an empty, migrated database of the archive's revision; verify afterwards.

    A restore of ``DEFER_ROWS`` rows or more (or ``defer``) drops the secondary indexes (on
    PostgreSQL the foreign keys too) first and builds each once at the end
    (``desktop.store.bulk``), in the restore's one transaction: a restore that stops leaves
    the empty database it found."""
    from desktop.store import migrate

    man = verify_archive(archive)
    current = migrate.current_revision(db)
    if current != man.revision:
        raise ValidationError(
            f"备份的数据结构版本（{man.revision}）与目标数据库（{current or '未初始化'}）不同。"
            "请用与备份时相同版本的调解台恢复，或先将目标数据库初始化为同一版本。")
    engine = db.engine.execution_options(sqlite_immediate=True) if db.is_sqlite else db.engine
    with engine.begin() as conn:
        live = _tables(conn)  # the target is at the archive's (maybe older) revision
        known = {t.name: t for t in live}
        missing = set(man.tables) - set(known)
        if missing:
            raise ValidationError(f"备份中有本程序不认识的表：{'、'.join(sorted(missing))}。")
        for name in WORK_TABLES:
            if conn.execute(select(func.count()).select_from(known[name])).scalar():
                raise ValidationError("目标数据库中已有数据（用户、案件或审计记录），"
                                      "只能恢复到新建的空数据库，以免覆盖现有数据。")
        for table in reversed(live):
            if table.name in SEEDED:
                conn.execute(table.delete())
        if defer is None:
            defer = sum(s.count for s in man.tables.values()) >= DEFER_ROWS
        deferred = bulk.deferrable(conn, list(known), list(known)) if defer else []
        bulk.drop_deferred(conn, deferred, record=False)
        steps = len(live) + (1 if deferred else 0)
        with zipfile.ZipFile(archive) as zf:
            for i, table in enumerate(live):
                if progress is not None:
                    progress(i, steps)
                if table.name not in man.tables:
                    continue
                batch: list[dict[str, Any]] = []
                with zf.open(f"tables/{table.name}.jsonl") as fh:
                    for raw in fh:
                        data = json.loads(raw)
                        batch.append({c.name: _decode(c, data.get(c.name))
                                      for c in table.columns})
                        if len(batch) >= _BATCH:
                            bulk_insert(conn, table, batch)
                            batch = []
                if batch:
                    bulk_insert(conn, table, batch)
                if not db.is_sqlite:
                    _resequence(conn, table)
            if deferred:  # one more step: the indexes, each one sort
                if progress is not None:
                    progress(len(live), steps)
                bulk.rebuild_deferred(conn, deferred, forget=False)
            if progress is not None:
                progress(steps, steps)
    after = checksums(db)
    bad = [n for n, s in man.tables.items()
           if (after.tables[n].count, after.tables[n].sha256) != (s.count, s.sha256)]
    if bad:
        raise DatabaseError(f"恢复后核对不一致：{'、'.join(bad)}。请勿使用该数据库，并保留备份文件。")
    return man


def migrate_data(src_url: str, dest_url: str, workdir: Path | None = None,
                 progress: Callable[[int, int], None] | None = None) -> Manifest:
    """Move every row from one database to another (e.g. embedded → LAN server and back)."""
    import tempfile

    src = Database.connect(src_url)
    try:
        from desktop.store import migrate

        if migrate.schema_state(src) != "current":
            raise ValidationError("源数据库不是本版本调解台的数据结构，请先用本程序打开（升级）源数据库。")
        folder = Path(tempfile.mkdtemp(prefix="md-migrate-", dir=workdir))
        archive = folder / "migrate.mdbackup"
        backup_archive(src, archive)
    finally:
        src.close()
    try:
        return restore_to(dest_url, archive, progress)
    finally:
        archive.unlink(missing_ok=True)
        folder.rmdir()


def restore_to(url: str, archive: Path,
               progress: Callable[[int, int], None] | None = None) -> Manifest:
    """Restore ``archive`` into the database at ``url`` (new or empty, any backend).

    An empty database is first built at the archive's schema revision, the rows restored and
    verified there, and then migrated to this app's schema — so an archive written by an older
    version of the app still restores. An archive from a newer app is refused.
    """
    from alembic import command
    from alembic.script import ScriptDirectory

    from desktop.store import migrate

    man = verify_archive(archive)
    new_file = _new_sqlite_file(url)
    db = Database.connect(url)
    built = False
    try:
        script = ScriptDirectory.from_config(migrate.alembic_config(db))
        try:
            script.get_revision(man.revision)
        except Exception as err:
            raise ValidationError(
                f"该备份由更新版本的调解台生成（结构版本 {man.revision}），请先升级调解台再恢复。") from err
        if migrate.schema_state(db) == "empty":
            built = True
            cfg = migrate.alembic_config(db)
            engine = (db.engine.execution_options(sqlite_immediate=True) if db.is_sqlite
                      else db.engine)
            with engine.begin() as conn:
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, man.revision)
        restore_archive(db, archive, progress)
        migrate.upgrade(db)
        return man
    except BaseException:
        # total or nothing: a schema this restore built is taken down again
        if built:
            _unbuild(db)
        raise
    finally:
        db.close()
        if new_file is not None and not _restored(new_file):
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(str(new_file) + suffix).unlink(missing_ok=True)


def _new_sqlite_file(url: str) -> Path | None:
    """The SQLite file a restore is about to create (None when it exists or is a server)."""
    from desktop.store.db import resolve_url

    resolved = resolve_url(url)
    if not resolved.startswith("sqlite:///"):
        return None
    path = Path(resolved.removeprefix("sqlite:///"))
    return None if path.exists() or str(path) in ("", ":memory:") else path


def _restored(path: Path) -> bool:
    """Whether the restore into a new file finished (its schema is there)."""
    import sqlite3

    if not path.exists():
        return False
    try:
        with contextlib.closing(sqlite3.connect(str(path))) as conn:
            return bool(conn.execute("SELECT count(*) FROM sqlite_master WHERE name='mediation_case'")
                        .fetchone()[0])
    except sqlite3.Error:
        return False


def _unbuild(db: Database) -> None:
    from alembic import command

    from desktop.store import migrate

    try:
        cfg = migrate.alembic_config(db)
        with db.engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "base")
            conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
    except Exception:
        import logging

        logging.getLogger(__name__).warning("could not take down a partly restored schema",
                                            exc_info=True)


def archive_name(prefix: str = "mediationdesk") -> str:
    return f"{re.sub(r'[^A-Za-z0-9_-]', '', prefix)}-{dt.datetime.now():%Y%m%d-%H%M%S}.mdbackup"


__all__ = ["DEFAULT_KEEP", "Manifest", "archive_name", "backup_archive", "checksums",
           "daily_backup", "migrate_data", "read_manifest", "restore_archive", "restore_to",
           "retention",
           "verify_archive"]
