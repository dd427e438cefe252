"""A big demo load makes and encodes its rows in a producer process (``demo._produced_elsewhere``):
the database gets exactly what the producer thread gives it, and the process never outlives
the load -- not on an error there, not when it dies, not when the load stops early."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import random
import signal

import pytest
from sqlalchemy import text

from desktop.domain.errors import DatabaseError
from desktop.services import demo
from desktop.services.reports import ReportService
from desktop.store.db import Database
from desktop.store.opening import open_database
from tests.helpers.db import Desks
from tests.services.test_demo_load import _count, _sqlite_copy, load_url  # noqa: F401 - fixture

TODAY = dt.date(2026, 11, 27)
# every table a load writes, every column but the ids the database assigns where the load
# gives none (they follow the insert order)
TABLES = ("mediation_case", "party", "search_term", "mediation_session", "session_participant",
          "agreement", "obligation", "oral_agreement", "termination", "follow_up",
          "judicial_confirmation", "risk_flag", "number_counter")
OWN_IDS = {"mediation_case", "party", "mediation_session", "agreement"}


def _contents(db: Database) -> dict[str, list[str]]:
    from desktop.store.models import Base

    out = {}
    with db.read() as s:
        for t in TABLES:
            cols = [c.name for c in Base.metadata.tables[t].columns
                    if c.name != "id" or t in OWN_IDS]
            rows = s.execute(text(f"SELECT {', '.join(cols)} FROM {t}"))
            out[t] = sorted(repr(tuple(r)) for r in rows)
    return out


def _children() -> list[str]:
    return [p.name for p in multiprocessing.active_children()]


def test_a_load_made_in_a_producer_process_writes_what_a_thread_writes(
        load_url: str, request, tmp_path, template_db_file) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    seen = []
    for process in (True, False):
        if process:
            db = open_database(load_url)
        elif load_url.startswith("sqlite"):
            db = open_database(_sqlite_copy(tmp_path, template_db_file))
        else:
            from tests.helpers.db import populate

            server = request.node.pg_server
            db = open_database(server.url(server.create_database()))
            populate(db)
        # the process's load also builds its indexes at the end, and on PostgreSQL copies the
        # terms with their fill trigger off: the rows must not tell
        stats = demo.generate(db, 900, seed=7, batch=200, today=TODAY, process=process,
                              defer=process)
        assert (stats.cases, _count(db, text("mediation_case"))) == (900, 900)
        assert stats.parties == len(_contents(db)["party"]) and stats.sessions > 0
        assert ReportService(db, Desks(db).actor("admin")).verify_aggregates() == []
        seen.append((_contents(db), (stats.cases, stats.parties, stats.sessions)))
        db.close()
    assert seen[0] == seen[1]
    assert {t: len(rows) for t, rows in seen[0][0].items() if not rows} == {}  # every table
    assert _children() == []


def test_the_default_makes_a_big_load_in_a_process_and_a_small_one_on_a_thread(
        db: Database, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    used: list[str] = []
    real_thread, real_process = demo._produced, demo._produced_elsewhere

    def thread(*a):  # type: ignore[no-untyped-def]
        used.append("thread")
        return real_thread(*a)

    def process(*a):  # type: ignore[no-untyped-def]
        used.append("process")
        return real_process(*a)

    monkeypatch.setattr(demo, "_produced", thread)
    monkeypatch.setattr(demo, "_produced_elsewhere", process)
    monkeypatch.setattr(demo, "PROCESS_AT", 300)
    demo.generate(db, 299, batch=100, today=TODAY)
    demo.generate(db, 300, batch=100, today=TODAY)
    expected = ["thread", "process"] if (os.cpu_count() or 1) > 1 else ["thread", "thread"]
    assert used == expected and _count(db, text("mediation_case")) == 599


def _plan(committees: list[tuple[int, str, str]]) -> demo._Plan:
    return demo._Plan(random.Random(1), committees, {1: [(1, "王")]}, TODAY,
                      {"case": 1, "party": 1, "session": 1, "agreement": 1}, {},
                      demo.DemoStats())


def test_an_error_in_the_producer_process_is_raised_in_the_loader() -> None:
    days = demo._Days([50], TODAY - dt.timedelta(days=3), 10)
    with pytest.raises(IndexError, match="empty sequence"):  # no committee to choose from
        list(demo._produced_elsewhere(_plan([]), days, "sqlite"))
    assert _children() == []


def test_a_producer_process_that_dies_stops_the_load_with_a_message() -> None:
    committees = [(1, "青", demo.DEFAULT_PATTERN)]
    batches = demo._produced_elsewhere(_plan(committees), demo._Days([400], TODAY, 10),
                                       "postgresql")
    first = next(batches)
    assert first.cases == 10 and first.payloads and not first.rows
    (worker,) = multiprocessing.active_children()
    os.kill(worker.pid or 0, signal.SIGKILL)
    with pytest.raises(DatabaseError, match=r"生成演示数据的进程意外退出（代码 -9）.*已提交的批次都保留"):
        for _ in batches:  # what was already in the pipe, then the end
            pass
    assert _children() == []


def test_a_load_left_early_stops_its_producer_process(db: Database) -> None:
    committees = [(1, "青", demo.DEFAULT_PATTERN)]
    batches = demo._produced_elsewhere(_plan(committees), demo._Days([400], TODAY, 10),
                                       "sqlite")
    next(batches)
    assert _children() == ["demo-producer"]
    batches.close()
    assert _children() == []

    def progress(done: int, total: int) -> None:
        if done == 200:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        demo.generate(db, 1000, batch=100, today=TODAY, progress=progress, process=True)
    assert _count(db, text("mediation_case")) == 200 and _children() == []


def test_the_selftest_starts_a_producer_process() -> None:
    from desktop import selftest

    result = selftest.check_worker()
    assert result.status == selftest.PASS and "收到" in result.detail
    assert demo.probe_producer("postgresql", cases=6) > 6  # a case is many rows


def _fill_trigger(db: Database) -> str:
    with db.read() as s:
        return str(s.scalar(text("SELECT tgenabled FROM pg_trigger "
                                 "WHERE tgname = 'search_term_fill'")))


@pytest.mark.postgres
def test_the_terms_fill_trigger_is_off_only_inside_a_batch(pg_url: str, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from desktop.store import bulk

    db = open_database(pg_url)
    seen: list[str] = []
    real = bulk.write_payload

    def write(conn, payload):  # type: ignore[no-untyped-def]
        if payload.table == "search_term":
            seen.append(conn.exec_driver_sql("SELECT tgenabled FROM pg_trigger "
                                             "WHERE tgname = 'search_term_fill'").scalar())
            if len(seen) == 2:
                raise OSError("disk full")
        real(conn, payload)

    monkeypatch.setattr(bulk, "write_payload", write)
    with pytest.raises(OSError, match="disk full"):
        demo.generate(db, 400, batch=200, today=TODAY, defer=True, process=True)
    assert seen == ["D", "D"]  # off in each batch's COPY
    assert _fill_trigger(db) == "O"  # on after the batch that committed and the one that failed
    assert _count(db, text("mediation_case")) == 200
    # a term written without its case's columns is still filled in
    with db.write() as s:
        s.execute(text("INSERT INTO search_term (case_id, term) VALUES (1, 'zz')"))
    with db.read() as s:
        filled = s.execute(text("SELECT committee_id IS NOT NULL AND status IS NOT NULL "
                                "FROM search_term WHERE term = 'zz'")).scalar()
    assert filled is True
    db.close()


@pytest.mark.slow
def test_ctrl_c_on_a_big_load_at_the_terminal_stops_both_processes_with_one_line(
        tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Ctrl+C reaches every process of the terminal's foreground group: the loader says
    已中断 and the producer goes with it, no traceback from either."""
    import subprocess
    import sys
    import time

    env = {k: v for k, v in os.environ.items() if not k.startswith("MEDIATIONDESK")}
    env["MEDIATIONDESK_CONFIG_DIR"] = str(tmp_path / "config")
    path = tmp_path / "big.sqlite3"  # a new database: the demo makes its own accounts
    # `python -m desktop demo …` as a terminal starts it: with Ctrl+C live. A test run started
    # in the background of a script inherits SIGINT ignored (and `-m` would keep it so).
    start = ("import runpy, signal, sys; signal.signal(signal.SIGINT, signal.default_int_handler);"
             " sys.argv[0] = 'desktop'; runpy.run_module('desktop', run_name='__main__',"
             " alter_sys=True)")
    proc = subprocess.Popen(
        [sys.executable, "-c", start, "demo", "--cases", "30000", "--batch", "1000",
         "--db", f"sqlite:///{path}"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL, env=env, text=True, encoding="utf-8", start_new_session=True)
    assert proc.stdout is not None
    for line in proc.stdout:  # the second committed batch: the producer is running
        if line.startswith("已提交 2000/"):
            break
    else:
        raise AssertionError(f"no second batch: {proc.wait()} {proc.stderr.read()}")  # type: ignore[union-attr]
    os.killpg(proc.pid, signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert err.strip() == "已中断。"
    assert "正在建立" in out  # the interrupted load built the indexes it had dropped
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:  # nothing of the group is left
        try:
            os.killpg(proc.pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.1)
    else:
        raise AssertionError("a process of the load outlived it")
    db = Database.connect(f"sqlite:///{path}")
    assert _count(db, text("mediation_case")) % 1000 == 0  # whole batches, nothing half
    db.close()
