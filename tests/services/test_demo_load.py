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
