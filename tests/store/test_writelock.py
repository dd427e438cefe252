"""The SQLite writers' queue: one writer at a time across lock holders, a Chinese refusal
after the timeout, and the next writer in as soon as the first is done."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from desktop.domain.errors import DatabaseError
from desktop.store.writelock import WriterLock


def test_a_second_holder_waits_and_is_refused_in_chinese(tmp_path: Path) -> None:
    db = tmp_path / "desk.sqlite3"
    first, second = WriterLock(db, timeout=5), WriterLock(db, timeout=0.3)
    with first:
        assert first.path.exists() and first.path.name == "desk.sqlite3-writer.lock"
        with pytest.raises(DatabaseError) as err, second:
            pass
        assert err.value.message.startswith("数据库正忙")
    with second:  # free again: no stale lock after the refusal or the release
        pass


def test_the_waiting_writer_gets_in_when_the_first_is_done(tmp_path: Path) -> None:
    db = tmp_path / "desk.sqlite3"
    first, second = WriterLock(db, timeout=5), WriterLock(db, timeout=30)
    order: list[str] = []
    entered = threading.Event()

    def other_desk() -> None:
        entered.wait(5)
        with second:
            order.append("second")

    t = threading.Thread(target=other_desk)
    t.start()
    with first:
        entered.set()
        time.sleep(0.2)  # the other desk is waiting now
        order.append("first")
    t.join(10)
    assert order == ["first", "second"]


def test_threads_of_one_process_take_turns(tmp_path: Path) -> None:
    lock = WriterLock(tmp_path / "desk.sqlite3", timeout=30)
    inside = 0
    most = 0
    guard = threading.Lock()

    def write() -> None:
        nonlocal inside, most
        for _ in range(20):
            with lock:
                with guard:
                    inside += 1
                    most = max(most, inside)
                time.sleep(0.001)
                with guard:
                    inside -= 1

    threads = [threading.Thread(target=write) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert most == 1
