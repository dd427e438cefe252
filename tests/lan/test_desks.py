"""Many desks as separate processes on one database: nothing lost, nothing overwritten,
case numbers unique and gapless, every lost race reported, the audit chain intact."""

from __future__ import annotations

import random
import signal
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from desktop.store.db import Database
from desktop.store.models import Case
from tests.lan.conftest import (
    Acks,
    check_history,
    desk_seconds,
    run_desks,
    spawn_desk,
    start_desks,
    wait_desks,
)
from tests.lan.desk import draft

# 20 desks of committee A (director, mediators, administrator) and of committee B
DESK_USERS = ["zhuren"] * 10 + ["wang"] * 3 + ["li"] * 3 + ["admin"] * 2 + ["zhao"] * 2


@pytest.mark.slow
@pytest.mark.postgres
def test_twenty_desks_on_postgresql(pg_url: str, tmp_path: Path) -> None:
    logs = run_desks(pg_url, DESK_USERS, tmp_path, desk_seconds(15), min_steps=8)
    acks = Acks.read(logs)
    db = Database.connect(pg_url)
    try:
        counts = check_history(db, acks)
    finally:
        db.close()
    print("20 desks on PostgreSQL:", counts)
    assert counts.get("accept", 0) >= 5 and counts.get("update", 0) >= 5
    assert counts.get("lost", 0) >= 1, "no race happened: the test proves nothing"
    assert counts.get("dberror", 0) == 0


@pytest.mark.slow
def test_four_desks_on_one_sqlite_file(db_file: Path, tmp_path: Path) -> None:
    url = f"sqlite:///{db_file}"
    logs = run_desks(url, ["zhuren", "zhuren", "wang", "admin"], tmp_path, desk_seconds(10),
                     min_steps=8)
    acks = Acks.read(logs)
    db = Database.connect(url)
    try:
        counts = check_history(db, acks)
    finally:
        db.close()
    print("4 desks on SQLite:", counts)
    assert counts.get("accept", 0) >= 3 and counts.get("update", 0) >= 3
    for r in acks.of("dberror"):  # busy: a clear Chinese message, and the desk carried on
        assert "数据库" in r["msg"]


def _sigkill_mid_transaction(url: str, tmp_path: Path, seconds: float) -> None:
    holder = spawn_desk(url, "zhuren", tmp_path / "holder.jsonl", hold=True)
    assert holder.stdout is not None
    line = holder.stdout.readline()
    assert line.startswith("HOLDING"), holder.stderr.read() if holder.stderr else line
    held_case = int(line.split()[1])
    mark = tmp_path / "killed"
    desks, logs = start_desks(url, ["zhuren", "wang", "admin"], tmp_path, seconds,
                              until_after=mark)
    time.sleep(1.5)  # the desks are working; those needing the held rows wait
    holder.send_signal(signal.SIGKILL)
    holder.wait(timeout=10)
    killed_at = time.time()
    mark.touch()  # each desk works on until it has saved after this (however loaded the box)
    wait_desks(desks, seconds, open_ended=True)
    acks = Acks.read(logs)
    db = Database.connect(url)
    try:
        check_history(db, acks)
        with db.read() as s:
            case = s.get(Case, held_case)
            assert case is not None and case.title != "HALF-WRITTEN"
            assert not (case.number or "").startswith("HALF-")  # may be accepted since, properly
            assert not s.scalars(select(Case).where(Case.title == "HALF-WRITTEN")).first()
    finally:
        db.close()
    after = [r for r in acks.records if r["op"] in ("register", "accept", "update", "session")
             and r["t"] > killed_at]
    assert len({r["pid"] for r in after}) == 3, "a desk did not carry on after the kill"


@pytest.mark.slow
@pytest.mark.postgres
def test_sigkill_of_a_desk_mid_transaction_postgresql(pg_url: str, tmp_path: Path) -> None:
    _sigkill_mid_transaction(pg_url, tmp_path, desk_seconds(8))


@pytest.mark.slow
def test_sigkill_of_a_desk_mid_transaction_sqlite(db_file: Path, tmp_path: Path) -> None:
    _sigkill_mid_transaction(f"sqlite:///{db_file}", tmp_path, desk_seconds(8))


@pytest.mark.slow
@pytest.mark.postgres
def test_postgresql_restart_mid_session(pg_server, pg_url: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from desktop.domain.errors import DatabaseError
    from tests.helpers.db import Desks

    seconds = desk_seconds(10)
    # this process is a desk too, holding pooled connections across the restart
    db = Database.connect(pg_url)
    desk = Desks(db)["zhuren"]
    ref = desk.intake.register(draft(random.Random(7)))
    mark = tmp_path / "restarted"
    desks, logs = start_desks(pg_url, ["zhuren", "zhuren", "wang", "zhao"], tmp_path, seconds,
                              until_after=mark)
    time.sleep(seconds / 3)
    pg_server.restart()
    restarted_at = time.time()
    mark.touch()  # each desk works on until it has saved a second after this
    # the first call after the restart may fail, in Chinese; the next one must work
    try:
        after_ref = desk.intake.register(draft(random.Random(8)))
    except DatabaseError as err:
        assert "服务器" in err.message or "数据库" in err.message
        after_ref = desk.intake.register(draft(random.Random(8)))
    assert desk.cases.get(after_ref.id).version == after_ref.version
    assert desk.cases.get(ref.id).id == ref.id  # committed before the restart: still there
    wait_desks(desks, seconds, open_ended=True)
    acks = Acks.read(logs)
    try:
        check_history(db, acks, exact=False)
    finally:
        db.close()
    for r in acks.of("dberror"):
        assert any("\u4e00" <= ch <= "\u9fff" for ch in r["msg"]), r
    after = [r for r in acks.records if r["op"] in ("register", "accept", "update", "session")
             and r["t"] > restarted_at + 1]
    assert len({r["pid"] for r in after}) == 4, "a desk did not reconnect after the restart"


def test_sqlite_busy_is_a_clear_message_and_the_next_save_works(
        db_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Another desk holds the file's write lock longer than the busy timeout: the save fails
    with a Chinese sentence (nothing typed is lost), and succeeds once the lock is gone."""
    import sqlite3

    from desktop.domain.errors import DatabaseError
    from desktop.store import db as store_db
    from tests.helpers.db import Desks

    monkeypatch.setattr(store_db, "BUSY_TIMEOUT_MS", 300)
    db = Database.connect(f"sqlite:///{db_file}")
    try:
        desk = Desks(db)["wang"]
        other = sqlite3.connect(str(db_file), isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        with pytest.raises(DatabaseError) as err:
            desk.intake.register(draft(random.Random(1)))
        assert "数据库正忙" in err.value.message and "没有丢失" in err.value.message
        other.execute("ROLLBACK")
        other.close()
        ref = desk.intake.register(draft(random.Random(1)))
        assert desk.cases.get(ref.id).status == "registered"
    finally:
        db.close()
