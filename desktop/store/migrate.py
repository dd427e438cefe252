"""Run Alembic at start-up: create, upgrade after a backup, or refuse a newer schema."""

from __future__ import annotations

from typing import TYPE_CHECKING

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.script.revision import ResolutionError
from alembic.util.exc import CommandError

from desktop.domain.errors import DatabaseError
from desktop.store import paths

if TYPE_CHECKING:
    from desktop.store.db import Database


def alembic_config(db: Database) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(paths.migrations_dir()))
    cfg.set_main_option("sqlalchemy.url", db.url.replace("%", "%%"))
    return cfg


def current_revision(db: Database) -> str | None:
    with db.engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_revision(db: Database) -> str:
    head = ScriptDirectory.from_config(alembic_config(db)).get_current_head()
    assert head is not None
    return head


def schema_state(db: Database) -> str:
    """'current', 'empty', 'older' or 'newer' compared with this app's migrations."""
    cfg = alembic_config(db)
    script = ScriptDirectory.from_config(cfg)
    current = current_revision(db)
    if current is None:
        return "empty"
    if current == script.get_current_head():
        return "current"
    try:
        script.get_revision(current)
    except (ResolutionError, CommandError):  # a revision this app's scripts do not know: a newer app made it
        return "newer"
    return "older"


def describe_state(state: str, where: str = "") -> str:
    """What a schema state means for the person at the desk (and what to do)."""
    return {
        "current": f"连接成功：{where}，数据库结构为最新版本。",
        "empty": "已连接服务器，但数据库尚未初始化，请管理员先运行 mediationdesk db init。",
        "older": "数据库结构版本较旧，需要管理员升级后才能使用（升级前会先自动备份）。",
        "newer": "该数据库由更新版本的调解台创建，本程序无法使用，请先升级本机的调解台；数据库未做任何改动。",
    }[state]


def upgrade_to_head(db: Database, *, backup: bool = True, allow_upgrade: bool = True) -> str:
    state = schema_state(db)
    if state == "current":
        return state
    if state == "newer":
        raise DatabaseError(
            f"该数据库由更新版本的调解台创建（结构版本 {current_revision(db)}），本程序无法打开。"
            "请升级调解台后再使用；数据库未做任何改动。"
        )
    if state == "older":
        if not allow_upgrade:
            raise DatabaseError("数据库结构版本较旧，需要由管理员升级（升级前会自动备份）。")
        if backup and db.is_sqlite:
            from desktop.store.db import sqlite_backup, timestamp

            src = db.sqlite_path
            assert src is not None
            sqlite_backup(src, src.parent / "backups" / f"before-migrate-{timestamp()}.sqlite3")
    cfg = alembic_config(db)
    with db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    return state
