"""Alembic for the app: the configuration, the schema state and the upgrade itself.

Deciding whether to migrate (and backing up first) is ``desktop.store.opening``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from desktop.store import paths

if TYPE_CHECKING:
    from alembic.config import Config

    from desktop.store.db import Database

# Alembic is imported inside the functions: the GUI opens a current database without it
# (``opening.open_for_desk``), which saves half a second of every start.


def alembic_config(db: Database) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(paths.migrations_dir()))
    cfg.set_main_option("sqlalchemy.url", db.url.replace("%", "%%"))
    return cfg


def current_revision(db: Database) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with db.engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_revision(db: Database) -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config(db)).get_current_head()
    assert head is not None
    return head


def schema_state(db: Database) -> str:
    """'current', 'empty', 'older' or 'newer' compared with this app's migrations."""
    from alembic.script import ScriptDirectory
    from alembic.script.revision import ResolutionError
    from alembic.util.exc import CommandError

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


def upgrade(db: Database, revision: str = "head") -> None:
    """Run Alembic up to ``revision`` in one transaction. Checking the state and backing up
    first is ``desktop.store.opening.migrate_to_head``'s job."""
    from alembic import command

    cfg = alembic_config(db)
    with db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
