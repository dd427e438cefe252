"""A connection lost at every point of a transaction ends as the app's DatabaseError with a
Chinese message (never a raw driver error), and the next call works.

The faults are real: the server ends this desk's backends (pg_terminate_backend), exactly
what a restart or a network drop does to a connection in use.
"""

from __future__ import annotations

import random

import pytest
from sqlalchemy import func, select, text

from desktop.domain.errors import DatabaseError
from desktop.store.db import Database
from desktop.store.models import Case
from tests.helpers.db import Desks
from tests.lan.desk import draft

pytestmark = pytest.mark.postgres


def _kill_backends(pg_server, database: str) -> int:  # type: ignore[no-untyped-def]
    """End every connection of the app to ``database`` (from the server's side)."""
    out = pg_server.psql(
        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
        f"WHERE datname = '{database}' AND application_name = 'mediationdesk'")
    return int(out.strip() or 0)


def _chinese(msg: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in msg)


@pytest.fixture
def pg_db(pg_url: str):  # type: ignore[no-untyped-def]
    db = Database.connect(pg_url)
    yield db
    db.close()


def _dbname(db: Database) -> str:
    return str(db.parsed_url.database)


def test_lost_during_a_read_query(pg_server, pg_db: Database) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(DatabaseError) as err, pg_db.read() as s:
        s.execute(text("SELECT 1")).scalar()
        assert _kill_backends(pg_server, _dbname(pg_db)) >= 1
        s.execute(text("SELECT 1")).scalar()
    assert _chinese(err.value.message) and "服务器" in err.value.message
    with pg_db.read() as s:  # the next call works
        assert s.scalar(select(func.count()).select_from(Case)) == 0


def test_lost_before_the_closing_rollback_of_a_read(pg_server, pg_db: Database) -> None:  # type: ignore[no-untyped-def]
    """The reads completed; the connection dies before the read transaction ends (the crash
    seen in CI). The result stands; no error escapes; the next call works."""
    with pg_db.read() as s:
        n = s.scalar(select(func.count()).select_from(Case))
        assert _kill_backends(pg_server, _dbname(pg_db)) >= 1
    assert n == 0
    with pg_db.read() as s:
        assert s.scalar(select(func.count()).select_from(Case)) == 0


def test_lost_during_a_write_rolls_back_and_is_translated(pg_server, pg_db: Database) -> None:  # type: ignore[no-untyped-def]
    desk = Desks(pg_db)["zhuren"]
    before = desk.intake.register(draft(random.Random(1)))
    with pytest.raises(DatabaseError) as err, pg_db.write() as s:
        s.execute(text("UPDATE mediation_case SET title = 'HALF' WHERE id = :i"), {"i": before.id})
        _kill_backends(pg_server, _dbname(pg_db))
        s.execute(text("SELECT 1"))
    assert _chinese(err.value.message)
    assert desk.cases.get(before.id).title != "HALF"
    assert desk.intake.register(draft(random.Random(2))).id > before.id


def test_lost_at_commit_says_the_save_is_uncertain(pg_server, pg_db: Database) -> None:  # type: ignore[no-untyped-def]
    desk = Desks(pg_db)["zhuren"]
    ref = desk.intake.register(draft(random.Random(3)))
    with pytest.raises(DatabaseError) as err, pg_db.write() as s:
        s.execute(text("UPDATE mediation_case SET title = 'AFTER' WHERE id = :i"), {"i": ref.id})
        _kill_backends(pg_server, _dbname(pg_db))
    assert "无法确认" in err.value.message and "重新加载" in err.value.message
    assert desk.cases.get(ref.id).title != "AFTER"  # the backend died before COMMIT arrived


def test_pooled_connections_dead_after_a_restart_are_replaced(pg_server, pg_db: Database) -> None:  # type: ignore[no-untyped-def]
    """Idle pooled connections die with the server; pool_pre_ping replaces them at checkout,
    so the first call after the restart already works."""
    desk = Desks(pg_db)["wang"]
    for i in range(3):
        desk.intake.register(draft(random.Random(10 + i)))
    pg_server.restart()
    ref = desk.intake.register(draft(random.Random(20)))
    assert desk.cases.get(ref.id).id == ref.id


def test_server_down_is_a_chinese_message_then_recovers(pg_server, pg_db: Database) -> None:  # type: ignore[no-untyped-def]
    desk = Desks(pg_db)["wang"]
    desk.intake.register(draft(random.Random(30)))
    pg_server.stop("fast")
    try:
        with pytest.raises(DatabaseError) as err:
            desk.intake.register(draft(random.Random(31)))
        assert "无法连接" in err.value.message
        with pytest.raises(DatabaseError):
            desk.cases.get(1)
    finally:
        pg_server.start()
    assert desk.intake.register(draft(random.Random(32))).id
