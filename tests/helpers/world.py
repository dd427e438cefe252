"""A real SQLite database with a committee and its people, for tests that drive the GUI.

The database is migrated once per test session into a template (which also proves the
migrations run) and copied for each test, as Anki does with its empty collection.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from desktop.services import Desk
from desktop.services.auth import first_run, login
from desktop.store.db import Database

PASSWORD = "Tiaojie-2026!"
_TEMPLATE: Path | None = None


@dataclass
class World:
    db: Database
    path: Path
    admin: Desk
    director: Desk
    mediator: Desk

    def desk(self, username: str) -> Desk:
        """A second, independent Desk for the same user (another window, another PC)."""
        return Desk(self.db, login(self.db, username, PASSWORD))

    def other_db_desk(self, username: str) -> Desk:
        """A Desk on its own connection pool: a second desk on the LAN."""
        db = Database.open(f"sqlite:///{self.path}", migrate=False)
        return Desk(db, login(db, username, PASSWORD))


def _template() -> Path:
    global _TEMPLATE
    if _TEMPLATE is None or not _TEMPLATE.exists():
        folder = Path(tempfile.mkdtemp(prefix="md-template-"))
        path = folder / "template.sqlite3"
        db = Database.open(f"sqlite:///{path}", backup=False)
        admin = Desk(db, first_run(db, committee_name="青山街道人民调解委员会", short_name="青",
                                   admin_username="admin", admin_password=PASSWORD))
        admin.users.add("zhuren", "陈主任", PASSWORD, "director")
        admin.users.add("tiaojie", "李调解", PASSWORD, "mediator")
        db.close()
        _TEMPLATE = path
    return _TEMPLATE


def make_world(tmp_path: Path) -> World:
    path = tmp_path / "mediationdesk.sqlite3"
    shutil.copyfile(_template(), path)
    db = Database.open(f"sqlite:///{path}", migrate=False)
    admin = Desk(db, login(db, "admin", PASSWORD))
    return World(db, path, admin, Desk(db, login(db, "zhuren", PASSWORD)),
                 Desk(db, login(db, "tiaojie", PASSWORD)))
