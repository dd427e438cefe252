"""Cold start and memory of the GUI against a bare PySide6 QMainWindow, in the same run.

    .venv/bin/python bench/startup.py                 # 5 rounds, embedded DB in a temp dir
    .venv/bin/python bench/startup.py --big-db bench/out/reports-1m.sqlite3

Each sample is a fresh process (cold interpreter, warm OS file cache):
* bare: import PySide6 → QApplication → QMainWindow shown and exposed.
* app:  ``desktop.app`` bootstrap (translators, font, theme) → database opened and migrated
  (first round creates it) → login (Argon2, as at the desk) → main window shown with the
  dashboard filled. Reported with and without the deliberate Argon2 cost.
* memory: resident set size of the bare window vs the app with the case list open on the big
  database (first page and total loaded).

Prints figures; asserts nothing (targets from issue #4: ≤ 1.5× the bare start; ≤ 150 MB above
the bare window). Offscreen unless QT_QPA_PLATFORM says otherwise.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("PySide6.QtCharts", "PySide6.QtPdf", "PySide6.QtPdfWidgets", "reportlab", "pyhanko",
         "openpyxl", "PySide6.QtPrintSupport")


def rss_mb() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def child_bare() -> dict:
    from PySide6.QtWidgets import QApplication, QMainWindow

    app = QApplication(sys.argv[:1])
    w = QMainWindow()
    w.resize(1280, 800)
    w.show()
    while not w.isVisible():
        app.processEvents()
    app.processEvents()
    return {"rss": rss_mb()}


def child_app(data_dir: str, big_db: str | None) -> dict:
    sys.path.insert(0, str(ROOT))
    os.environ["MEDIATIONDESK_DATA_DIR"] = data_dir
    os.environ["MEDIATIONDESK_CONFIG_DIR"] = os.path.join(data_dir, "config")
    from desktop.app import create_application, open_database, start_session
    from desktop.services import auth

    app = create_application()
    url = f"sqlite:///{big_db}" if big_db else None
    db = open_database(url)
    if auth.bootstrap_needed(db):
        auth.first_run(db, committee_name="青山街道人民调解委员会", short_name="青",
                       admin_username="admin", admin_password="Admin#2026",
                       display_name="赵管理")
    t_login = time.perf_counter()
    if big_db:
        from desktop.cli.common import demo_login

        actor = auth.login(db, "mediator1", demo_login(db)[1])
    else:
        actor = auth.login(db, "admin", "Admin#2026")
    login_ms = (time.perf_counter() - t_login) * 1000
    win = start_session(db, actor)
    win.show()
    dash = win.pages["dashboard"]
    while dash.data is None:
        app.processEvents()
        time.sleep(0.0005)
    app.processEvents()
    out = {"login_ms": login_ms,
           "heavy_loaded": [m for m in HEAVY if m in sys.modules]}
    if big_db:
        page = win.show_page("cases")
        while page.model.rowCount() == 0 or page.model.total is None:
            app.processEvents()
            time.sleep(0.001)
        out["cases_total"] = page.model.total
    out["rss"] = rss_mb()
    return out


def run_child(mode: str, *extra: str) -> tuple[float, dict]:
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, __file__, "--child", mode, *extra], env=env,
                          capture_output=True, text=True, check=True)
    wall = (time.perf_counter() - t0) * 1000
    line = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")][-1]
    data = json.loads(line)
    return data["ready_ms"], data | {"wall_ms": wall}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--big-db", default=str(ROOT / "bench" / "out" / "cases-1m.sqlite3"))
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--data-dir", help=argparse.SUPPRESS)
    args = ap.parse_args()

    if args.child:
        # time from interpreter start (the parent's clock is the honest one; this is close)
        out = child_bare() if args.child == "bare" else child_app(
            args.data_dir, args.big_db if args.child == "big" else None)
        out["ready_ms"] = (time.perf_counter() - T0) * 1000
        print(json.dumps(out), flush=True)
        os._exit(0)  # skip teardown: we measure start-up, not shutdown

    tmp = tempfile.mkdtemp(prefix="md-startup-")
    bare, app, app_no_hash, first = [], [], [], None
    for i in range(args.rounds + 1):
        _, b = run_child("bare")
        _, a = run_child("app", "--data-dir", tmp)
        if i == 0:
            first = a  # first start: creates and migrates the database
            continue
        bare.append(b["wall_ms"])
        app.append(a["wall_ms"])
        app_no_hash.append(a["wall_ms"] - a["login_ms"])
    mb, ma, mn = statistics.median(bare), statistics.median(app), statistics.median(app_no_hash)
    assert first is not None
    print(f"cold start, median of {args.rounds} fresh processes (wall clock, process launch → "
          f"window usable):")
    print(f"  bare QMainWindow              {mb:7.0f} ms")
    print(f"  调解台 main window + dashboard {ma:7.0f} ms  = {ma / mb:.2f}× bare "
          f"(login hash {a['login_ms']:.0f} ms included)")
    print(f"  … without the Argon2 login    {mn:7.0f} ms  = {mn / mb:.2f}× bare")
    print(f"  first start (create + migrate the database): {first['wall_ms']:.0f} ms")
    print(f"  heavy modules loaded at first screen: {a['heavy_loaded'] or 'none'}")
    big = Path(args.big_db)
    if big.exists():
        _, b = run_child("bare")
        _, g = run_child("big", "--data-dir", tmp, "--big-db", str(big))
        print(f"memory: bare window {b['rss']:.0f} MB; app with the case list open on "
              f"{g['cases_total']:,} cases {g['rss']:.0f} MB → {g['rss'] - b['rss']:.0f} MB above bare")
    else:
        print(f"memory: bare window {b['rss']:.0f} MB; app (small database) {a['rss']:.0f} MB; "
              f"big database {big} missing (bench/ui_list.py builds it)")
    return 0


T0 = time.perf_counter()

if __name__ == "__main__":
    raise SystemExit(main())
