"""Database fixtures: a migrated template SQLite file built once per session and copied per
test (which also proves the migrations run), with two committees and a user of every role."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import select

from desktop.domain.enums import Role
from desktop.services import Actor, Desk
from desktop.store.db import Database
from desktop.store.models import User
from desktop.store.opening import open_database

PASSWORDS = {
    "admin": "admin1234",
    "zhuren": "director123",
    "wang": "mediator123",
    "li": "mediator123",
    "zhao": "mediator123",
    "ducha": "readonly123",
}
COMMITTEE_A = "青山街道人民调解委员会"
COMMITTEE_B = "河西镇人民调解委员会"


def populate(db: Database) -> None:
    """Two committees and one user of every role (the fixture data used across suites)."""
    from desktop.services import auth

    admin = auth.first_run(db, committee_name=COMMITTEE_A, short_name="青",
                           admin_username="admin", admin_password=PASSWORDS["admin"])
    desk = Desk(db, admin)
    b = desk.committees.add(COMMITTEE_B, "河")
    desk.users.add("zhuren", "周主任", PASSWORDS["zhuren"], "director")
    desk.users.add("wang", "王建国", PASSWORDS["wang"], "mediator")
    desk.users.add("li", "李秀英", PASSWORDS["li"], "mediator")
    desk.users.add("zhao", "赵志红", PASSWORDS["zhao"], "mediator", committee_id=b.id)
    desk.users.add("ducha", "县司法局督查", PASSWORDS["ducha"], "readonly", committee_id=admin.committee_id)
    # established desks: the fixture users changed their initial passwords long ago (the
    # forced change itself is tested with a user added in the test)
    from sqlalchemy import update

    with db.write() as s:
        s.execute(update(User).values(must_change_password=False))


@dataclass
class Desks:
    """Desks for every fixture user, built without the (slow) password check."""

    db: Database

    def actor(self, username: str) -> Actor:
        with self.db.read() as s:
            u = s.scalars(select(User).where(User.username == username)).one()
            return Actor(u.id, u.username, u.display_name, Role(u.role), u.committee_id)

    def __getitem__(self, username: str) -> Desk:
        return Desk(self.db, self.actor(username))


@pytest.fixture(scope="session")
def template_db_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    db = open_database(f"sqlite:///{path}")
    populate(db)
    with db.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    return path


@pytest.fixture
def db_file(template_db_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("MEDIATIONDESK_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("MEDIATIONDESK_CONFIG_DIR", str(tmp_path / "config"))
    path = tmp_path / "desk.sqlite3"
    shutil.copy(template_db_file, path)
    return path


@pytest.fixture
def db(db_file: Path) -> Database:
    database = open_database(f"sqlite:///{db_file}")
    yield database  # type: ignore[misc]
    database.close()


@pytest.fixture
def desks(db: Database) -> Desks:
    return Desks(db)


@pytest.fixture
def desk(desks: Desks) -> Desk:
    """The administrator's desk."""
    return desks["admin"]


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def url_db(request: pytest.FixtureRequest) -> Iterator[tuple[str, Database]]:
    """The fixture users' database on each backend, with its URL (PostgreSQL from
    tests/helpers/pg.py)."""
    if request.param == "sqlite":
        url = f"sqlite:///{request.getfixturevalue('db_file')}"
    else:
        url = request.getfixturevalue("pg_url")
    database = open_database(url)
    yield url, database
    database.close()


@pytest.fixture
def any_db(url_db: tuple[str, Database]) -> Database:
    """The fixture users' database on each backend."""
    return url_db[1]
