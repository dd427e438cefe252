"""The demo load: batches made on a producer thread while the previous one is written."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from desktop.domain.errors import DatabaseError
from desktop.services import demo
from desktop.services.reports import ReportService
from desktop.store.db import Database
from desktop.store.models import Case, Party, SearchTerm
from tests.helpers.cases import draft
from tests.helpers.db import Desks


def _count(db: Database, model: object) -> int:
    with db.read() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def test_a_desk_saving_during_the_load_stops_it_and_keeps_its_committed_batches(
        any_db: Database) -> None:
    desks = Desks(any_db)
    wang = desks["wang"]
    calls: list[int] = []

    def progress(done: int, total: int) -> None:
        calls.append(done)
        if len(calls) == 1:  # another desk registers a case between two batches
            wang.intake.register(draft())

    with pytest.raises(DatabaseError, match="其他工作台"):
        demo.generate(any_db, 600, batch=200, progress=progress)
    assert calls == [200]
    assert _count(any_db, Case) == 201  # the first batch and the desk's case, nothing half
    with any_db.read() as s:
        orphans = s.scalar(select(func.count()).select_from(Party).where(
            Party.case_id.not_in(select(Case.id))))
        numbers = s.execute(select(Case.number).where(Case.number.is_not(None))).scalars().all()
    assert orphans == 0 and len(numbers) == len(set(numbers))
    assert ReportService(any_db, desks.actor("admin")).verify_aggregates() == []
    assert not [t for t in threading.enumerate() if t.name == "demo-producer"]


def test_an_interrupted_load_stops_its_producer(db: Database) -> None:
    def progress(done: int, total: int) -> None:
        if done == 300:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        demo.generate(db, 3000, batch=150, progress=progress)
    assert _count(db, Case) == 300
    assert not [t for t in threading.enumerate() if t.name == "demo-producer"]


def test_the_same_seed_loads_the_same_cases_in_one_batch_or_many(tmp_path, db_file) -> None:  # type: ignore[no-untyped-def]
    import datetime as dt
    import shutil

    from desktop.store.opening import open_database

    rows = []
    for batch in (1000, 97):
        path = tmp_path / f"b{batch}.sqlite3"
        shutil.copy(db_file, path)
        db = open_database(f"sqlite:///{path}")
        stats = demo.generate(db, 400, seed=5, batch=batch, today=dt.date(2026, 11, 27))
        with db.read() as s:
            rows.append((
                s.execute(select(Case.id, Case.number, Case.status, Case.party_names,
                                 Case.accepted_on, Case.agreed_amount).order_by(Case.id)).all(),
                s.execute(select(SearchTerm.case_id, SearchTerm.term)
                          .order_by(SearchTerm.case_id, SearchTerm.term)).all()))
        db.close()
        assert stats.cases == 400
    assert rows[0] == rows[1] and len(rows[0][0]) == 400


@pytest.mark.parametrize(("args", "field"), [
    (["--cases", "-1"], "--cases"), (["--cases", "100000001"], "--cases"),
    (["--cases", "10", "--batch", "0"], "--batch"), (["--cases", "10", "--months", "0"], "--months"),
    (["--cases", "10", "--months", "99999999"], "--months")])
def test_a_load_that_cannot_be_meant_is_refused_before_anything_is_written(
        tmp_path, args, field, capsys) -> None:  # type: ignore[no-untyped-def]
    from desktop.cli import main as cli

    path = tmp_path / "empty.sqlite3"
    assert cli(["demo", *args, "--db", f"sqlite:///{path}"]) == 1
    assert field in capsys.readouterr().err
    # refused before the database is opened: no file, so not even the demo accounts
    assert not path.exists()


# -- a big load: indexes (and on PostgreSQL references) built once, at the end -------------------
@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def load_url(request, tmp_path, template_db_file) -> str:  # type: ignore[no-untyped-def]
    """A URL of a fresh migrated database with the fixture users; ``another(url)`` makes one
    more of the same backend."""
    if request.param == "sqlite":
        return _sqlite_copy(tmp_path, template_db_file)
    request.node.pg_server = request.getfixturevalue("pg_server")
    return str(request.getfixturevalue("pg_url"))


def _sqlite_copy(tmp_path, template) -> str:  # type: ignore[no-untyped-def]
    import shutil

    path = tmp_path / f"load-{len(list(tmp_path.glob('load-*.sqlite3')))}.sqlite3"
    shutil.copy(template, path)
    return f"sqlite:///{path}"


def _schema(db: Database) -> tuple[set[str], set[str], bool]:
    """The index definitions, the foreign keys, and whether a load's record of what it
    dropped is there."""
    from sqlalchemy import text

    with db.engine.connect() as c:
        if db.is_sqlite:
            indexes = set(c.execute(text(
                "SELECT sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"))
                .scalars())
            fks = {f"{t} {r}" for t in c.execute(text(
                "SELECT name FROM sqlite_master WHERE type = 'table'")).scalars()
                for r in c.exec_driver_sql(f'PRAGMA foreign_key_list("{t}")').all()}
        else:
            indexes = set(c.execute(text(
                "SELECT indexdef FROM pg_indexes WHERE schemaname = 'public'")).scalars())
            fks = set(c.execute(text(
                "SELECT conrelid::regclass || ' ' || conname || ' ' || pg_get_constraintdef(oid) "
                "FROM pg_constraint WHERE contype = 'f'")).scalars())
        record = c.execute(text("SELECT 1 FROM app_setting WHERE key = 'bulk/deferred'")).first()
    return indexes, fks, record is not None


def test_a_deferring_load_drops_the_indexes_and_references_and_builds_them_again(
        load_url: str, request, tmp_path, template_db_file) -> None:  # type: ignore[no-untyped-def]
    import datetime as dt

    from desktop.store.opening import open_database

    db = open_database(load_url)
    before = _schema(db)
    during: list[tuple[set[str], set[str], bool]] = []
    notes: list[str] = []
    day = dt.date(2026, 11, 27)
    stats = demo.generate(db, 300, seed=5, batch=100, today=day, defer=True, note=notes.append,
                          progress=lambda done, total: during.append(_schema(db)))
    indexes, fks, recorded = during[0]
    assert recorded and not before[2]  # the record, committed before the first batch
    assert not any("ix_search_term_list" in i for i in indexes)
    assert not any("ix_party_" in i for i in indexes)
    if db.is_sqlite:
        assert fks == before[1]  # SQLite cannot drop them: they stay, checked row by row
    else:
        assert any("uq_case_number" in i for i in indexes)  # unique keys stay
        assert any("pk_search_term" in i for i in indexes)
        assert not any(" search_term " in f for f in fks) and not any(" party " in f for f in fks)
    assert len(notes) == 1 and "索引" in notes[0] and stats.rebuild_seconds > 0
    assert _schema(db) == before
    # the same rows as a load that kept them, and the figures agree with a rebuild
    if db.is_sqlite:
        other = open_database(_sqlite_copy(tmp_path, template_db_file))
    else:
        from tests.helpers.db import populate

        server = request.node.pg_server
        other = open_database(server.url(server.create_database()))
        populate(other)
    demo.generate(other, 300, seed=5, batch=100, today=day, defer=False)
    assert _schema(other) == before
    rows = []
    for d in (db, other):
        with d.read() as s:
            rows.append((s.execute(select(Case.id, Case.number, Case.status, Case.party_names)
                                   .order_by(Case.id)).all(),
                         s.execute(select(SearchTerm.case_id, SearchTerm.term, SearchTerm.status)
                                   .order_by(SearchTerm.case_id, SearchTerm.term)).all()))
        assert ReportService(d, Desks(d).actor("admin")).verify_aggregates() == []
    assert rows[0] == rows[1] and len(rows[0][0]) == 300
    other.close()
    db.close()


def test_a_deferring_load_that_stops_builds_what_it_dropped_before_it_returns(
        load_url: str) -> None:
    from desktop.store.opening import open_database

    db = open_database(load_url)
    before = _schema(db)

    def progress(done: int, total: int) -> None:
        if done == 200:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        demo.generate(db, 600, batch=100, defer=True, progress=progress)
    assert _count(db, Case) == 200
    assert _schema(db) == before
    db.close()


def _load_and_get_killed(url: str) -> None:
    """A deferring load in a process of its own, killed (SIGKILL) after its first batch:
    nothing of it runs after that."""
    import os
    import signal
    import subprocess
    import sys

    script = (
        "import os, signal, sys\n"
        "from desktop.services import demo\n"
        "from desktop.store.db import Database\n"
        "db = Database.connect(sys.argv[1])\n"
        "demo.generate(db, 3000, batch=100, defer=True,\n"
        "              progress=lambda d, t: os.kill(os.getpid(), signal.SIGKILL))\n")
    done = subprocess.run([sys.executable, "-c", script, url], check=False, cwd=os.getcwd(),
                          capture_output=True, timeout=120)
    assert done.returncode == -signal.SIGKILL, done.stderr.decode()[-2000:]


def test_a_killed_load_leaves_what_it_dropped_to_the_next_open_unless_a_load_runs(
        load_url: str) -> None:
    """The next desk to open the database builds what a killed load dropped, but not while
    another load says it is running."""
    from desktop.store import bulk
    from desktop.store.opening import open_database, open_for_desk

    db = open_database(load_url)
    before = _schema(db)
    db.close()
    _load_and_get_killed(load_url)
    db = Database.connect(load_url)
    indexes, fks, recorded = _schema(db)
    assert recorded and indexes < before[0] and fks <= before[1]
    assert _count(db, Case) == 100
    # another load running: an open leaves them to it
    with bulk.loading_lock(db.engine):
        open_database(load_url).close()
        assert _schema(db) == (indexes, fks, True)
    # the desk's own open on an embedded file (the GUI's), the administrator's on a server
    reopened = (open_for_desk if load_url.startswith("sqlite") else open_database)(load_url)
    assert _schema(reopened) == before
    assert ReportService(reopened, Desks(reopened).actor("admin")).verify_aggregates() == []
    reopened.close()
    db.close()


def test_a_load_after_a_killed_one_builds_what_both_dropped(load_url: str) -> None:
    """A second load started without an open in between (a script on the service) takes the
    first one's record over: at its end every index and reference is back."""
    from desktop.store.opening import open_database

    db = open_database(load_url)
    before = _schema(db)
    db.close()
    _load_and_get_killed(load_url)
    db = Database.connect(load_url)
    assert _schema(db)[2]
    demo.generate(db, 300, batch=100, defer=True)
    assert _schema(db) == before
    assert _count(db, Case) == 400
    db.close()


@pytest.mark.parametrize("create", [
    "DROP TABLE party",
    "CREATE INDEX ix_x ON party (name); DROP TABLE party",
    "CREATE INDEX ix_x ON party ((length(name)))",
    ("ALTER TABLE party ADD CONSTRAINT fk_x FOREIGN KEY (case_id) REFERENCES "
     "mediation_case(id) ON DELETE CASCADE; DELETE FROM party"),
    12345,
])
def test_a_record_holding_what_no_load_wrote_is_refused_and_nothing_runs(
        load_url: str, create: object, caplog: pytest.LogCaptureFixture) -> None:
    """The record is a row any desk account can write, and the next desk to open may own the
    schema: only a plain index or reference is built from it, anything else is left alone."""
    import json

    from sqlalchemy import text

    from desktop.store import bulk
    from desktop.store.opening import open_database

    db = open_database(load_url)
    wang = Desks(db)["wang"]
    wang.intake.register(draft())
    with db.engine.begin() as c:
        c.execute(text("INSERT INTO app_setting (key, value) VALUES (:k, :v)"),
                  {"k": bulk.DEFERRED_KEY, "v": json.dumps([
                      {"table": "party", "name": "ix_party_name", "kind": "index",
                       "create": "CREATE INDEX ix_party_name ON party (name)"},
                      {"table": "party", "name": "ix_x", "kind": "index", "create": create}])})
    before = _schema(db)
    db.close()
    reopened = open_database(load_url)
    assert _schema(reopened) == before  # nothing built, the record kept for the administrator
    assert _count(reopened, Party) == 2
    assert "不是本程序写的" in caplog.text
    reopened.close()
