"""Opening the app's pages and windows in a test the way a desk does, and finding what they
show: the intake page at the size it has in a 1366×768 window, a case window with its case
loaded, the message boxes that are open."""

from __future__ import annotations

from typing import Any

from tests.helpers.qtinput import commit_text


def open_boxes(name: str, parent: Any = None) -> list[Any]:
    """Open message boxes of that name (over ``parent`` when given: an earlier test's box
    may still be about)."""
    from desktop.ui.qt import QApplication, QMessageBox

    return [w for w in QApplication.topLevelWidgets()
            if isinstance(w, QMessageBox) and w.objectName() == name and w.isVisible()
            and (parent is None or w.parentWidget() is parent)]


def make_intake(qtbot: Any, desk: Any, size: tuple[int, int] = (1000, 620)) -> Any:
    """The 新建登记 page, shown and with its lists loaded; by default at the size it has in a
    1366×768 window (the form scrolls)."""
    from desktop.ui import ops
    from desktop.ui.intake import IntakePage

    page = IntakePage(desk)
    qtbot.addWidget(page)
    page.resize(*size)
    page.show()
    qtbot.waitExposed(page)
    ops.wait_idle()
    return page


def fill_intake(page: Any, first: str = "王𠮷祥") -> None:
    """Two parties, a dispute type and the facts: enough to register."""
    a, b = page.parties.editors
    commit_text(a.name, first)
    commit_text(b.name, "李四")
    page.dispute_type.setCurrentIndex(page.dispute_type.findData("neighbor"))
    commit_text(page.facts, "楼上漏水，损坏楼下天花板。")


def open_case_window(qtbot: Any, desk: Any, case_id: int) -> Any:
    """A case window, shown, once its case has loaded."""
    from desktop.ui.case import CaseWindow

    win = CaseWindow(desk, case_id)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    qtbot.waitUntil(lambda: win.detail is not None, timeout=5000)
    return win
