"""Run in a subprocess with a given screen (tests/ui/test_screen_fit.py): opens the main window
with every page, a case window and every dialog as the app would, and prints one JSON line per
window: its frame, the available area, its minimum size hint."""

from __future__ import annotations

import json
import sys


def main(db_path: str) -> None:
    from desktop.app import create_application

    app = create_application()
    from desktop.services import Desk, auth
    from desktop.store.db import Database
    from desktop.ui.case import CaseWindow
    from desktop.ui.mainwindow import PAGES, MainWindow
    from desktop.ui.qt import QWidget
    from tests.helpers.uidb import ADMIN
    from tests.ui import app_surfaces

    db = Database.connect(f"sqlite:///{db_path}")
    desk = Desk(db, auth.login(db, *ADMIN))
    out = []

    def record(name: str, win: QWidget) -> None:
        win.show()
        for _ in range(5):
            app.processEvents()
        area = win.screen().availableGeometry()
        frame = win.frameGeometry()
        hint = win.minimumSizeHint()
        out.append({"name": name, "frame": [frame.x(), frame.y(), frame.width(), frame.height()],
                    "available": [area.x(), area.y(), area.width(), area.height()],
                    "min_hint": [hint.width(), hint.height()],
                    "minimum": [win.minimumWidth(), win.minimumHeight()]})

    main_window = MainWindow(desk, db_label="测试库", is_local=True)
    for key in PAGES:
        main_window.show_page(key)
        record(f"main:{key}", main_window)
    case = CaseWindow(desk, app_surfaces.accepted_case(desk))
    for i in range(case.tabs.count()):
        case.tabs.setCurrentIndex(i)
        record(f"case:{case.tabs.tabText(i)}", case)
    for key, dialog in app_surfaces.make_dialogs(desk, main_window):
        record(key, dialog)
        if key.endswith("SessionDialog"):
            dialog.participants.add(app_surfaces.justice_officer())
            app.processEvents()
            combo = dialog.participants.cell(0, 0)
            out.append({"name": "session kind combo", "text": combo.currentText(),
                        "width": combo.width(), "needed": combo.sizeHint().width()})
        dialog.hide()
    print(json.dumps(out, ensure_ascii=False))
    main_window.close()
    case.close()
    db.close()


if __name__ == "__main__":
    main(sys.argv[1])
