"""Report fixtures: the hand-counted cases on SQLite and on PostgreSQL."""

from __future__ import annotations

import pytest

from desktop.store.db import Database
from desktop.store.opening import open_database
from tests.helpers.db import Desks
from tests.reports.seed import seed


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def any_db(request: pytest.FixtureRequest) -> Database:
    """The fixture users' database on each backend (PostgreSQL from tests/helpers/pg.py)."""
    if request.param == "sqlite":
        return request.getfixturevalue("db")
    database = open_database(request.getfixturevalue("pg_url"))
    request.addfinalizer(database.close)
    return database


@pytest.fixture
def seeded(any_db: Database) -> tuple[Desks, dict[str, int]]:
    return Desks(any_db), seed(any_db)


@pytest.fixture
def seeded_sqlite(db: Database) -> tuple[Desks, dict[str, int]]:
    return Desks(db), seed(db)
