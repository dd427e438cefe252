"""Opening a database: connect, check the schema, back up, migrate — the one place that does it.

``store.db`` only connects (engine and sessions); ``store.migrate`` only talks to Alembic. What
happens between them lives here:

- ``open_database``: the CLI's and the tests' open. Embedded and on first start: created and
  migrated, no questions; an older SQLite file is copied to ``backups/before-migrate-*.sqlite3``
  first; then the day's automatic copy. A schema newer than the app is refused, untouched.
- ``refresh_statistics``: SQLite's planner statistics, gathered at every open when missing or
  out of date (both opens call it).
- ``open_for_desk``: the GUI's start-up open, with a fast path that does not load Alembic when the
  file is already current; a LAN server is never created or migrated by a desk.
- ``check_database``: the settings page's "测试连接" for a URL (opens and closes, never migrates).
- ``probe`` / ``test_connection`` / ``open_profile``: the same for a saved ``Profile``; an
  administrator's migration of a LAN server writes a portable archive first.
"""

from __future__ import annotations

import logging
import re
import sqlite3
from dataclasses import asdict
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, OperationalError

from desktop.domain.errors import DatabaseError, MediationError
from desktop.store import backup as store_backup
from desktop.store import migrate as store_migrate
from desktop.store import paths, server
from desktop.store.db import (
    BUSY_TIMEOUT_MS,
    Database,
    resolve_url,
    sqlite_backup,
    timestamp,
    translate_db_error,
)
from desktop.store.profiles import (
    PasswordNeeded,
    Profile,
    SchemaEmpty,
    SchemaNewer,
    SchemaOlder,
    explain,
    resolve_password,
)

log = logging.getLogger(__name__)


# -- a URL --------------------------------------------------------------------------------------
def open_database(url: str | None = None, *, migrate: bool = True, backup: bool = True,
                  allow_upgrade: bool = True) -> Database:
    """Open (and on first start create) the database, migrating it to this app's schema.

    A backup is taken before any migration of an existing SQLite file, and the day's copy
    after opening. A schema newer than the app is refused and left untouched.
    ``allow_upgrade=False`` refuses an older schema instead of migrating it (LAN mode: only
    administrators migrate). ``migrate=False`` only connects (``Database.connect``).
    """
    db = Database.connect(url)
    if not migrate:
        return db
    try:
        migrate_to_head(db, backup=backup, allow_upgrade=allow_upgrade)
        if backup and db.is_sqlite:
            daily_backup(db)
        refresh_statistics(db)
        finish_interrupted_load(db)
    except DatabaseError:
        db.close()
        raise
    except (OperationalError, DBAPIError, sqlite3.Error) as err:
        db.close()
        raise translate_db_error(err) from err
    return db


def migrate_to_head(db: Database, *, backup: bool = True, allow_upgrade: bool = True) -> str:
    """Bring the schema to this app's head; returns the state it found.

    'empty' is created, 'older' is copied first (SQLite, ``backup``) then upgraded unless
    ``allow_upgrade`` is False, 'newer' is refused untouched."""
    state = store_migrate.schema_state(db)
    if state == "current":
        return state
    if state == "newer":
        raise DatabaseError(
            f"该数据库由更新版本的调解台创建（结构版本 {store_migrate.current_revision(db)}），本程序无法打开。"
            "请升级调解台后再使用；数据库未做任何改动。"
        )
    if state == "older":
        if not allow_upgrade:
            raise DatabaseError("数据库结构版本较旧，需要由管理员升级（升级前会自动备份）。")
        if backup and db.is_sqlite:
            src = db.sqlite_path
            assert src is not None
            sqlite_backup(src, src.parent / "backups" / f"before-migrate-{timestamp()}.sqlite3")
    store_migrate.upgrade(db)
    return state


STATS_MIN_CASES = 1_000  # below this the planner does well without statistics
STATS_GROWTH = 2  # gathered again once the cases are this many times what they were
STATS_SAMPLE = 1_000  # PRAGMA analysis_limit: rows sampled per index (about 12 ms at 100,000)


def finish_interrupted_load(db: Database) -> int:
    """Build the indexes and foreign keys a big load dropped and did not get to build again,
    because it was killed (``desktop.store.bulk``); returns how many. A load still
    running is left to finish its own. A failure only warns: the desk works without them
    (slower), and the next open tries again."""
    from desktop.store import bulk

    try:
        with db.engine.begin() as conn:
            if not bulk.has_record(conn):
                return 0
            if bulk.load_running(conn):
                return 0
            log.warning("上次载入数据未完成，正在补建它暂时去掉的索引和外键约束")
            return bulk.rebuild_deferred(conn)
    except (OperationalError, DBAPIError, sqlite3.Error) as err:
        log.warning("补建索引和外键约束未完成（下次打开时再试）：%s", err)
        return 0
    except bulk.RecordRefused as err:
        log.warning("数据库里“未完成的载入”记录不是本程序写的，没有执行，请管理员检查 app_setting 表中的 "
                    "%s：%s", bulk.DEFERRED_KEY, err)
        return 0


def refresh_statistics(db: Database) -> bool:
    """Gather SQLite's planner statistics (``sqlite_stat1``) when they are missing or the
    cases have grown ``STATS_GROWTH``-fold since; returns whether it did. PostgreSQL's own
    autovacuum does this on a server.

    Without statistics SQLite guessed its plans from the indexes' shapes alone, and a search
    for digits (a phone or ID tail) walked the case list instead of the term index: 560 ms a
    keystroke at 100,000 cases, 20–35 ms with statistics (``bench/ui_list.py``). A desk's
    database starts empty and nothing else ever gathered them. Sampled (``analysis_limit``),
    so it takes milliseconds at any size. A failure (another program holds the database)
    only warns: the next open tries again."""
    if not db.is_sqlite:
        return False
    try:
        with db.engine.connect() as conn:
            cases = conn.exec_driver_sql(
                "SELECT coalesce(max(id), 0) FROM mediation_case").scalar() or 0
            if cases < STATS_MIN_CASES:
                return False
            known = 0
            if conn.exec_driver_sql("SELECT 1 FROM sqlite_master WHERE type = 'table' "
                                    "AND name = 'sqlite_stat1'").first():
                for (stat,) in conn.exec_driver_sql(
                        "SELECT stat FROM sqlite_stat1 WHERE tbl = 'mediation_case'"):
                    rows = str(stat).split(" ", 1)[0]  # a damaged row counts as missing
                    known = max(known, int(rows) if rows.isdigit() else 0)
            if known and cases < STATS_GROWTH * known:
                return False
            conn.exec_driver_sql(f"PRAGMA analysis_limit={STATS_SAMPLE}")
            # optional: never wait out the busy timeout for it (the next open tries again)
            conn.exec_driver_sql("PRAGMA busy_timeout=200")
            try:
                conn.exec_driver_sql("ANALYZE")
                conn.commit()
            finally:
                conn.rollback()
                conn.exec_driver_sql(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            return True
    except (DBAPIError, sqlite3.Error) as err:
        log.warning("更新 SQLite 查询统计信息失败：%s", err)
        return False


def daily_backup(db: Database) -> None:
    """Embedded mode's automatic daily copy; a failure warns but never blocks the desk."""
    try:
        store_backup.daily_backup(db)
    except (OSError, sqlite3.Error) as err:
        log.warning("每日自动备份失败：%s", err)


def head_revision() -> str | None:
    """The newest migration id, read from the scripts' ``revision``/``down_revision`` lines
    without importing Alembic (half a second of every start). None when unsure."""
    revs: set[str] = set()
    downs: set[str] = set()
    pattern = re.compile(r"^(down_revision|revision)\s*(?::[^=]*)?=\s*(.+)$", re.MULTILINE)
    for path in (paths.migrations_dir() / "versions").glob("*.py"):
        for key, value in pattern.findall(path.read_text(encoding="utf-8")):
            ids = re.findall(r"['\"]([^'\"]+)['\"]", value)
            (revs if key == "revision" else downs).update(ids)
    heads = revs - downs
    return heads.pop() if len(heads) == 1 else None


def open_for_desk(url: str | None) -> Database:
    """The GUI's open. Embedded: created or migrated when needed (backup before migrating);
    a file already at the newest revision is opened without loading Alembic; either way what a
    killed load left unbuilt is built (``finish_interrupted_load``). LAN: a desk never
    creates or migrates a server's schema (its login role may not, and several desks must not
    race to): anything but the current schema is explained, and what a killed load left is the
    administrator's ``db init``."""
    if make_url(resolve_url(url)).get_backend_name() != "sqlite":
        return _open_lan_for_desk(url)
    head = head_revision()
    if head is not None:
        db = Database.connect(url)
        try:
            with db.engine.connect() as conn:
                current = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
        except Exception:  # noqa: BLE001 - no table yet, unreachable, …: the full path decides
            current = None
        if current == head:
            if db.is_sqlite:
                daily_backup(db)  # what open_database does after migrating
            refresh_statistics(db)
            finish_interrupted_load(db)
            return db
        db.close()
    return open_database(url)


def _open_lan_for_desk(url: str | None) -> Database:
    db = Database.connect(url)
    try:
        state = store_migrate.schema_state(db)
    except Exception as err:
        db.close()
        raise translate_db_error(err) from err
    if state != "current":
        db.close()
        raise DatabaseError(store_migrate.describe_state(state))
    return db


def check_database(url: str) -> str:
    """Open, check and close a database without migrating it: the settings page's
    "测试连接". Returns a Chinese description; raises MediationError."""
    db = Database.connect(url or None)
    try:
        with db.engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1")
        state = store_migrate.schema_state(db)
        if state == "empty" and db.is_sqlite:
            return f"{db.describe()}（新数据库，首次打开时自动创建）"
        if state != "current" and not (state == "older" and db.is_sqlite):
            raise DatabaseError(store_migrate.describe_state(state))
        return str(db.describe())
    except MediationError:
        raise
    except Exception as err:
        raise translate_db_error(err) from err
    finally:
        db.close()


# -- a saved profile ----------------------------------------------------------------------------
def _schema_message(state: str, profile: Profile) -> str:
    return store_migrate.describe_state(state, profile.describe())


def probe(profile: Profile, password: str | None = None) -> str:
    """Connect and return the schema state ('current', 'empty', 'older', 'newer').

    Raises DatabaseError with a Chinese message when the server cannot be used at all.
    """
    profile.validate()
    try:
        db = Database.connect(profile.url(password))
        try:
            return store_migrate.schema_state(db)
        finally:
            db.close()
    except DatabaseError as err:
        cause = err.__cause__ or err
        raise DatabaseError(explain(cause, profile)) from err
    except (OperationalError, DBAPIError) as err:
        raise DatabaseError(explain(err, profile)) from err


def test_connection(profile: Profile, password: str | None = None) -> tuple[bool, str]:
    """For the "测试连接" button: (usable as is, a Chinese sentence to show)."""
    try:
        password = resolve_password(profile, password)
        state = probe(profile, password)
    except MediationError as err:
        return False, err.message
    except Exception as err:  # noqa: BLE001 - the button must answer, never crash
        return False, explain(err, profile)
    return state == "current", _schema_message(state, profile)


test_connection.__test__ = False  # type: ignore[attr-defined]  # not a pytest test


def open_profile(profile: Profile, password: str | None = None, *,
                 migrate_if_older: bool = False, backup_dir: Path | None = None,
                 owner: tuple[str, str] | None = None) -> Database:
    """Open the profile's database for the app.

    Embedded: created and migrated on first start, no questions (backup before migrating).
    LAN: never created here; an older schema raises SchemaOlder unless ``migrate_if_older``
    (the caller checked the person is an administrator), in which case a portable backup is
    written first; a newer schema raises SchemaNewer and nothing is touched. The desks' role
    may not change the schema: ``owner`` = (database owner, password) runs the migration and
    refreshes the desks' grants.
    """
    profile.validate()
    if not profile.is_lan:
        return open_database(profile.url())
    password = resolve_password(profile, password)
    state = probe(profile, password)
    if state == "empty":
        raise SchemaEmpty(_schema_message(state, profile))
    if state == "newer":
        raise SchemaNewer(_schema_message(state, profile))
    db = Database.connect(profile.url(password))
    if state == "older":
        if not migrate_if_older:
            db.close()
            raise SchemaOlder(_schema_message(state, profile))
        folder = backup_dir or paths.backup_dir()
        store_backup.backup_archive(db, folder / f"before-migrate-{profile.name}-{timestamp()}.mdbackup")
        if owner is None:
            migrate_to_head(db, backup=False, allow_upgrade=True)
        else:
            as_owner = Profile(**{**asdict(profile), "user": owner[0]})
            odb = Database.connect(as_owner.url(owner[1]))
            try:
                migrate_to_head(odb, backup=False, allow_upgrade=True)
                server.grant_app_role(odb, profile.user, None)
            except DatabaseError:
                raise
            except Exception as err:
                raise DatabaseError(explain(err, as_owner)) from err
            finally:
                odb.close()
    return db


__all__ = ["PasswordNeeded", "check_database", "daily_backup", "head_revision", "migrate_to_head",
           "open_database", "open_for_desk", "open_profile", "probe", "test_connection"]
