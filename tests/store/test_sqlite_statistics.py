"""SQLite's planner statistics: gathered at open when missing or out of date.

A desk's database starts empty and nothing gathered ``sqlite_stat1``: without it SQLite chose
to walk the case list for a digit search (560 ms a keystroke at 100,000 cases). Both opens —
the CLI's ``open_database`` and the GUI's ``open_for_desk`` — now gather them, sampled, when
the cases pass STATS_MIN_CASES and again each time they have doubled."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from desktop.services import demo
from desktop.store import opening
from desktop.store.opening import STATS_MIN_CASES, open_database, open_for_desk, refresh_statistics

TODAY = dt.date(2026, 11, 30)


def _stats(path: Path) -> dict[str, int]:
    """Rows per index of mediation_case in sqlite_stat1 ({} when there are none)."""
    con = sqlite3.connect(path)
    try:
        if not con.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").fetchone():
            return {}
        return {idx: int(stat.split()[0]) for idx, stat in con.execute(
            "SELECT idx, stat FROM sqlite_stat1 WHERE tbl = 'mediation_case'")}
    finally:
        con.close()


def test_statistics_are_gathered_once_the_cases_are_many_and_again_when_they_double(
        tmp_path: Path) -> None:
    path = tmp_path / "desk.sqlite3"
    db = open_database(f"sqlite:///{path}", backup=False)
    demo.ensure_demo_accounts(db)
    try:
        demo.generate(db, STATS_MIN_CASES // 2, today=TODAY)
        assert refresh_statistics(db) is False  # few cases: the planner does well without
        assert _stats(path) == {}
        demo.generate(db, STATS_MIN_CASES, seed=2, today=TODAY)
        assert refresh_statistics(db) is True
        first = _stats(path)
        assert first and "ix_search_term_list" not in first  # this table's indexes only
        assert max(first.values()) >= STATS_MIN_CASES  # sampled, but the row count is whole
        assert refresh_statistics(db) is False  # up to date: not gathered again
        demo.generate(db, 2 * max(first.values()), seed=3, today=TODAY)
        assert refresh_statistics(db) is True  # doubled
        assert max(_stats(path).values()) > 2 * max(first.values())
    finally:
        db.close()


def test_both_opens_gather_them(tmp_path: Path) -> None:
    for opener in (lambda url: open_database(url, backup=False), open_for_desk):
        path = tmp_path / f"{opener.__name__}.sqlite3"
        db = open_database(f"sqlite:///{path}", backup=False)
        demo.ensure_demo_accounts(db)
        demo.generate(db, STATS_MIN_CASES + 200, today=TODAY)
        db.close()
        assert _stats(path) == {}
        db = opener(f"sqlite:///{path}")
        db.close()
        assert _stats(path), opener


def test_a_database_another_program_holds_still_opens(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "held.sqlite3"
    db = open_database(f"sqlite:///{path}", backup=False)
    demo.ensure_demo_accounts(db)
    demo.generate(db, STATS_MIN_CASES + 200, today=TODAY)
    db.close()
    holder = sqlite3.connect(path, timeout=0)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        db = opening.Database.connect(f"sqlite:///{path}")
        # the holder keeps the lock throughout: the refresh gives up at once (no 30 s busy
        # wait), warns, and the caller carries on
        assert refresh_statistics(db) is False
        db.close()
    finally:
        holder.rollback()
        holder.close()
    assert _stats(path) == {}
    assert "统计信息" in caplog.text


def test_damaged_statistics_are_gathered_again(tmp_path: Path) -> None:
    path = tmp_path / "damaged.sqlite3"
    db = open_database(f"sqlite:///{path}", backup=False)
    demo.ensure_demo_accounts(db)
    demo.generate(db, STATS_MIN_CASES + 200, today=TODAY)
    assert refresh_statistics(db) is True
    db.close()
    con = sqlite3.connect(path)
    con.execute("UPDATE sqlite_stat1 SET stat = 'abc xyz' WHERE tbl = 'mediation_case'")
    con.commit()
    con.close()
    db = open_database(f"sqlite:///{path}", backup=False)  # no traceback, and mended
    db.close()
    assert _stats(path) and min(_stats(path).values()) > 0
