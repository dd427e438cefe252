"""Report fixtures: the hand-counted cases on SQLite and on PostgreSQL."""

from __future__ import annotations

import pytest

from desktop.store.db import Database
from tests.helpers.db import Desks
from tests.reports.seed import seed


@pytest.fixture
def seeded(any_db: Database) -> tuple[Desks, dict[str, int]]:
    return Desks(any_db), seed(any_db)


@pytest.fixture
def seeded_sqlite(db: Database) -> tuple[Desks, dict[str, int]]:
    return Desks(db), seed(db)
