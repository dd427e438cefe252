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


def since_launch() -> float:
    """ms since the parent launched this process (wall clock handed over in the env)."""
    return (time.time() - float(os.environ["MD_LAUNCH"])) * 1000


def child_bare() -> dict:
    from PySide6.QtWidgets import QApplication, QMainWindow

    app = QApplication(sys.argv[:1])
    w = QMainWindow()
    w.resize(1280, 800)
    w.show()
    while not w.isVisible():
        app.processEvents()
    app.processEvents()
    return {"ready_ms": since_launch(), "rss": rss_mb()}


def child_app(data_dir: str, big_db: str | None, typing_ms: int) -> dict:
    sys.path.insert(0, str(ROOT))
    os.environ["MEDIATIONDESK_DATA_DIR"] = data_dir
    os.environ["MEDIATIONDESK_CONFIG_DIR"] = os.path.join(data_dir, "config")
    from desktop.app import _open_for_login, create_application, start_session
    from desktop.ui.login import LoginDialog

    app = create_application()
    url = f"sqlite:///{big_db}" if big_db else None
    dlg = LoginDialog(open_db=lambda: _open_for_login(url))
    dlg.show()
    while not dlg.isVisible():
        app.processEvents()
    app.processEvents()
    out: dict = {"dialog_ms": since_launch()}
    if big_db:
        user, password = "mediator1", "demo1234"
    else:
        user, password = "admin", "Admin#2026"
    end = time.perf_counter() + typing_ms / 1000
    while time.perf_counter() < end:  # the person types the password
        app.processEvents()
        time.sleep(0.002)
    dlg.username.setText(user)
    dlg.password.setText(password)
    submit = since_launch()
    result = [None]
    dlg.finished.connect(lambda r: result.__setitem__(0, r))
    dlg.submit()
    while result[0] is None:
        app.processEvents()
        time.sleep(0.0005)
    if result[0] == LoginDialog.NEEDS_SETUP:  # first start: the bench plays the administrator
        from desktop.services import auth

        auth.first_run(dlg.db, committee_name="青山街道人民调解委员会", short_name="青",
                       admin_username=user, admin_password=password, display_name="赵管理")
        out["first_start"] = True
        return out | {"ready_ms": since_launch(), "rss": rss_mb()}
    win = start_session(dlg.db, dlg.actor)
    win.show()
    dash = win.pages["dashboard"]
    while dash.data is None:
        app.processEvents()
        time.sleep(0.0005)
    app.processEvents()
    out |= {"ready_ms": since_launch(), "after_submit_ms": since_launch() - submit,
            "heavy_loaded": [m for m in HEAVY if m in sys.modules]}
    if big_db:
        page = win.show_page("cases")
        while page.model.rowCount() == 0 or page.model.total is None:
            app.processEvents()
            time.sleep(0.001)
        out["cases_total"] = page.model.total
    out["rss"] = rss_mb()
    return out


def run_child(mode: str, *extra: str) -> dict:
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from bench.compiled import compiled_env

    env = compiled_env()  # modules compiled, as installed (else each start compiles them all)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    env["MD_LAUNCH"] = repr(time.time())
    proc = subprocess.run([sys.executable, __file__, "--child", mode, *extra], env=env,
                          capture_output=True, text=True, check=True)
    line = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")][-1]
    return json.loads(line)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--big-db", default=str(ROOT / "bench" / "out" / "cases-1m.sqlite3"))
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--data-dir", help=argparse.SUPPRESS)
    ap.add_argument("--typing-ms", type=int, default=0, help=argparse.SUPPRESS)
    args = ap.parse_args()

    if args.child:
        out = child_bare() if args.child == "bare" else child_app(
            args.data_dir, args.big_db if args.child == "big" else None, args.typing_ms)
        print(json.dumps(out), flush=True)
        os._exit(0)  # skip teardown: we measure start-up, not shutdown

    tmp = tempfile.mkdtemp(prefix="md-startup-")
    first = run_child("app", "--data-dir", tmp, "--typing-ms", "0")  # creates + migrates
    bare, dialog, ready, typed_after = [], [], [], []
    last: dict = {}
    for _ in range(args.rounds):
        bare.append(run_child("bare")["ready_ms"])
        a = run_child("app", "--data-dir", tmp, "--typing-ms", "0")
        dialog.append(a["dialog_ms"])
        ready.append(a["ready_ms"])
        t = run_child("app", "--data-dir", tmp, "--typing-ms", "1500")
        typed_after.append(t["after_submit_ms"])
        last = a
    mb = statistics.median(bare)
    md, mr, mt = (statistics.median(x) for x in (dialog, ready, typed_after))
    print(f"cold start, median of {args.rounds} fresh processes (process launch → usable):")
    print(f"  bare QMainWindow shown                      {mb:6.0f} ms")
    print(f"  login dialog shown (database opening behind) {md:6.0f} ms = {md / mb:.2f}× bare")
    print(f"  main window + dashboard, password submitted at once "
          f"{mr:6.0f} ms = {mr / mb:.2f}× bare (includes the Argon2 check)")
    print(f"  after 1.5 s of typing: submit → main window + dashboard {mt:6.0f} ms")
    print(f"  first start (create + migrate the database) → first-run form: "
          f"{first['ready_ms']:.0f} ms")
    print(f"  heavy modules loaded at the first screen: {last.get('heavy_loaded') or 'none'}")
    big = Path(args.big_db)
    b = run_child("bare")
    if big.exists():
        g = run_child("big", "--data-dir", tmp, "--big-db", str(big), "--typing-ms", "0")
        print(f"memory: bare window {b['rss']:.0f} MB; app with the case list open on "
              f"{g['cases_total']:,} cases {g['rss']:.0f} MB → {g['rss'] - b['rss']:.0f} MB "
              "above bare")
    else:
        print(f"memory: bare window {b['rss']:.0f} MB; app (small database) {last['rss']:.0f} MB;"
              f" big database {big} missing (bench/ui_list.py builds it)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
