"""Eight processes accepting cases at once on one SQLite file: numbers unique and gapless."""

from __future__ import annotations

import multiprocessing as mp
import re
from pathlib import Path

import pytest
from sqlalchemy import select

CASES_PER_WORKER = 12


def worker(url: str, username: str, start: mp.synchronize.Event, out: mp.Queue) -> None:  # type: ignore[name-defined]
    from desktop.services import Desk
    from desktop.services.dto import CaseDraft, PartyInput
    from desktop.store.db import Database
    from tests.helpers.db import Desks

    try:
        db = Database.connect(url)
        desk: Desk = Desks(db)[username]
        refs = []
        for i in range(CASES_PER_WORKER):
            refs.append(desk.intake.register(CaseDraft(
                [PartyInput("甲" + "一二三四五六七八九十壹贰"[i]), PartyInput("乙某", side="respondent")],
                "neighbor", "party_apply", facts="并发测试")).id)
        start.wait()
        numbers = [desk.intake.accept(cid).number for cid in refs]
        db.close()
    except Exception as err:  # noqa: BLE001 - reported to the parent, which fails the test
        out.put(("error", f"{type(err).__name__}: {err}"))
    else:
        out.put(("ok", numbers))


@pytest.mark.slow
def test_eight_processes_accepting_get_unique_gapless_numbers(db_file: Path) -> None:
    url = f"sqlite:///{db_file}"
    ctx = mp.get_context("spawn")
    start, out = ctx.Event(), ctx.Queue()
    users = ["admin", "zhuren"] * 4
    procs = [ctx.Process(target=worker, args=(url, u, start, out)) for u in users]
    for p in procs:
        p.start()
    start.set()
    # A hang guard, not a speed limit: at load 15 on two cores a run took over five minutes.
    results = [out.get(timeout=900) for _ in procs]
    assert [r for r in results if r[0] != "ok"] == []
    numbers = [n for _, got in results for n in got]
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0
    seqs = sorted(int(re.search(r"第(\d+)号", n).group(1)) for n in numbers)  # type: ignore[union-attr]
    assert seqs == list(range(1, 8 * CASES_PER_WORKER + 1))
    from desktop.store.models import Case
    from desktop.store.opening import open_database

    db = open_database(url)
    with db.read() as s:
        stored = sorted(s.scalars(select(Case.number_seq).where(Case.number_seq.is_not(None))))
    assert stored == seqs
    db.close()
