"""Screenshots of the 报表 screen for people (docs/screenshots/reports.png and
reports-chart.png), on realistic demo data: two committees, all 15 dispute types, a year of
cases, at 1366×768.

Run under a real X server, e.g.::

    xvfb-run -a -s "-screen 0 1366x768x24" .venv/bin/python -m tests.reports.screenshot
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def main() -> int:
    os.environ.setdefault("MEDIATIONDESK_CONFIG_DIR", tempfile.mkdtemp())
    from desktop.app import create_application
    from desktop.reports.period import Period
    from desktop.services import Desk, auth
    from desktop.services.demo import ensure_demo_accounts, generate
    from desktop.store.opening import open_database
    from desktop.ui import ops
    from desktop.ui.reports import ReportsPage

    app = create_application()
    db = open_database(f"sqlite:///{Path(tempfile.mkdtemp()) / 'shot.sqlite3'}")
    user, password = ensure_demo_accounts(db) or ("", "")
    today = dt.date.today()
    generate(db, 6000, months=13, today=today)
    page = ReportsPage(Desk(db, auth.login(db, user, password)))
    page.resize(1366 - 180, 768 - 60)  # the page beside the sidebar of a 1366×768 window
    page.show()
    last = today.replace(day=1) - dt.timedelta(days=1)
    page.set_period(Period.parse(f"{last:%Y-%m}"))
    page.refresh()

    def settle(until: object = None) -> None:
        for _ in range(300):
            app.processEvents()
            ops.wait_idle(50)
            if until is None or until():  # type: ignore[operator]
                break

    settle(lambda: page.report is not None and page.report.period.slug == f"{last:%Y-%m}")
    out = REPO / "docs" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    page.tabs.setCurrentIndex(2)  # 按纠纷类型
    settle()
    page.grab().save(str(out / "reports.png"))
    page.views.setCurrentWidget(page.chart_scroll)
    settle()
    for _ in range(30):
        app.processEvents()
    page.grab().save(str(out / "reports-chart.png"))
    print(out / "reports.png", out / "reports-chart.png")
    db.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
