"""The pause of the app's periodic garbage collection, before and after the objects that live
all day are frozen out of it (``desktop.app.freeze_what_lives_all_day``), in one run.

    .venv/bin/python bench/gc_pause.py                  # a 2,000-case demo in bench/out/
    .venv/bin/python bench/gc_pause.py --cases 20000 --rounds 7

The app turns automatic collection off and collects every 30 s on the UI thread (a cycle that
holds a Qt object must not be freed on a worker). Each collection stops the UI for as long as
it walks the objects it tracks. Here: the main window after login, as at the desk, with
工作台 filled: the collection's pause is timed (median and max of --rounds, the baseline), the
objects are frozen as the app does then, three case windows are opened and closed (the day
goes on) and the pause is timed again. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def pauses(rounds: int) -> list[float]:
    out = []
    for _ in range(rounds):
        t = time.perf_counter()
        gc.collect()
        out.append((time.perf_counter() - t) * 1000)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cases", type=int, default=2000)
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    out = ROOT / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"gc-{args.cases}.sqlite3"
    from bench.ui_list import ensure_db

    ensure_db(path, args.cases)

    from desktop.app import create_application, freeze_what_lives_all_day, start_session
    from desktop.cli.common import demo_login
    from desktop.services import auth
    from desktop.services.dto import CaseQuery
    from desktop.store.opening import open_database
    from desktop.ui import ops

    app = create_application()
    db = open_database(f"sqlite:///{path}", backup=False)
    login = demo_login(db)
    if not login:
        print("no demo account in this database", file=sys.stderr)
        return 2
    actor = auth.login(db, "mediator1", login[1])
    window = start_session(db, actor)
    window.resize(1366, 768)
    window.show()
    prepared: list[bool] = []
    window.prepare_pages(done=lambda: prepared.append(True))  # as the app does after login
    while not prepared:
        app.processEvents()
    ops.wait_idle(60000)
    app.processEvents()
    ids = [r.id for r in window.desk.cases.search(CaseQuery(limit=10)).rows]

    def cases_come_and_go(some: list[int]) -> None:
        for case_id in some:
            win = window.open_case(case_id)
            ops.wait_idle(60000)
            app.processEvents()
            win.close()
            app.processEvents()

    gc.collect()
    before = pauses(args.rounds)
    tracked = len(gc.get_objects())
    freeze_what_lives_all_day()  # as the app does, once 工作台 is shown and 案件 prepared
    frozen = gc.get_freeze_count()
    cases_come_and_go(ids[:3])  # the day goes on: the case module loads, windows come and go
    after = pauses(args.rounds)
    grown = len(gc.get_objects())
    print(f"database: {db.describe()}  cases: {args.cases:,}; the main window after login "
          f"with 工作台 filled and 案件 prepared")
    print(f"objects tracked by the collector at that moment: {tracked:,} (frozen: {frozen:,});"
          f" after 3 case windows opened and closed: {grown:,} not frozen")
    print(f"collection pause at that moment, all objects walked (baseline): median "
          f"{statistics.median(before):.1f} ms, max {max(before):.1f} ms")
    print(f"collection pause after freezing and 3 case windows: median "
          f"{statistics.median(after):.1f} ms, max {max(after):.1f} ms "
          f"({statistics.median(after) / statistics.median(before):.2f}× the baseline)")
    window.close()
    db.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
