"""Screenshot of the 报表 screen for people (docs/screenshots/reports.png).

Run under a real X server, e.g.::

    xvfb-run -a -s "-screen 0 1280x800x24" .venv/bin/python -m tests.reports.screenshot
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def main() -> int:
    os.environ.setdefault("MEDIATIONDESK_CONFIG_DIR", tempfile.mkdtemp())
    from desktop.app import create_application
    from desktop.reports.period import Period
    from desktop.services import Desk
    from desktop.store.db import Database
    from desktop.ui import ops
    from desktop.ui.reports import ReportsPage
    from tests.helpers.db import Desks, populate
    from tests.reports.seed import seed

    app = create_application()
    db = Database.open(f"sqlite:///{Path(tempfile.mkdtemp()) / 'shot.sqlite3'}")
    populate(db)
    seed(db)
    page = ReportsPage(Desk(db, Desks(db).actor("admin")))
    page.resize(1280, 760)
    page.show()
    page.set_period(Period.parse("2026-11"))
    page.refresh()
    for _ in range(200):
        app.processEvents()
        ops.wait_idle(50)
        if page.report is not None and page.report.period.slug == "2026-11":
            break
    page.tabs.setCurrentIndex(2)  # 按纠纷类型
    for _ in range(50):
        app.processEvents()
    out = REPO / "docs" / "screenshots" / "reports.png"
    out.parent.mkdir(parents=True, exist_ok=True)
    page.grab().save(str(out))
    print(out)
    db.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
