"""The desk through a real PgBouncer in transaction mode: with ``pgbouncer = yes`` (psycopg's
server-side prepared statements off) searches and saves work however many times they repeat;
without it, PgBouncer 1.18 lets two clients' prepared statements collide on one server
connection."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from desktop.services.dto import CaseQuery, PartyInput
from desktop.store import pooler
from desktop.store.db import Database
from tests.helpers.cases import draft
from tests.helpers.db import Desks
from tests.helpers.pg import PgServer
from tests.helpers.pgbouncer import start_pgbouncer

pytestmark = pytest.mark.postgres


@pytest.fixture
def bounced_url(pg_server: PgServer, pg_url: str) -> Iterator[str]:
    """``pg_url`` (a fresh migrated database) reached through PgBouncer with one server
    connection: every desk's transactions share it, one after the other."""
    folder = Path(tempfile.mkdtemp(prefix="md-pgb-", dir="/tmp"))
    proc, port = start_pgbouncer(pg_server, folder, pool=1)
    try:
        yield make_url(pg_url).set(port=port).render_as_string(hide_password=False)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        shutil.rmtree(folder, ignore_errors=True)


def two_desks(url: str, *, setting: bool) -> list[Database]:
    dbs = [Database.connect(url) for _ in range(2)]
    if setting:
        for db in dbs:
            pooler.through_pgbouncer(db)
    return dbs


def work(dbs: list[Database], rounds: int) -> None:
    """Two desks (two processes' worth of connections) search and save in turn, each
    repeating its statements past psycopg's prepare threshold (5)."""
    desks = [Desks(db)[u] for db, u in zip(dbs, ("wang", "li"), strict=True)]
    for i in range(rounds):
        for k, d in enumerate(desks):
            d.cases.search(CaseQuery(text="王"))
            d.intake.register(draft(parties=[
                PartyInput(f"王{'一二三四五六七八九十'[i % 10]}{'甲乙'[k]}", side="applicant"),
                PartyInput("李四", side="respondent")]))


def test_the_desk_works_through_pgbouncer_with_the_setting(bounced_url: str) -> None:
    dbs = two_desks(bounced_url, setting=True)
    try:
        work(dbs, 8)
        assert Desks(dbs[0])["admin"].cases.count(CaseQuery(text="王")) == 2 * 8
        with dbs[1].engine.connect() as conn:
            assert conn.connection.dbapi_connection.prepare_threshold is None  # type: ignore[union-attr]
    finally:
        for db in dbs:
            db.close()


def test_why_the_setting_is_needed(bounced_url: str) -> None:
    """psycopg's default (prepare after 5 runs) through PgBouncer 1.18 in transaction mode:
    two clients sharing one server connection both PREPARE "_pg3_0" on it."""
    import psycopg

    u = make_url(bounced_url)
    conninfo = (f"host={u.host} port={u.port} dbname={u.database} user={u.username} "
                f"password={u.password}")
    with psycopg.connect(conninfo) as a, psycopg.connect(conninfo) as b:
        for i in range(6):
            a.execute("SELECT %s::int + 1", (i,)).fetchone()
        a.commit()
        with pytest.raises(psycopg.errors.DuplicatePreparedStatement, match="_pg3_0"):
            for i in range(6):
                b.execute("SELECT %s::int + 2", (i,)).fetchone()
    with psycopg.connect(conninfo, prepare_threshold=None) as a, \
            psycopg.connect(conninfo, prepare_threshold=None) as b:
        for c in (a, b, a, b):
            for i in range(6):
                assert c.execute("SELECT %s::int + 1", (i,)).fetchone() == (i + 1,)
            c.commit()


def test_the_setting_is_read_from_the_profile(tmp_path: Path) -> None:
    from desktop.services.connection import to_profile
    from desktop.store import profiles

    ini = tmp_path / "mediationdesk.ini"
    profiles.save_profile(profiles.Profile(mode="lan", host="pgb", port=6432, pgbouncer=True),
                          ini)
    assert profiles.load_profile(ini).pgbouncer is True
    assert to_profile({"mode": "lan", "host": "h", "pgbouncer": True}).pgbouncer is True
    assert to_profile({"mode": "lan", "host": "h"}).pgbouncer is False
    assert pooler.wanted("yes") and pooler.wanted("1") and not pooler.wanted("")
