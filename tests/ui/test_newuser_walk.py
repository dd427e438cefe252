"""What a new user tripped over on a first walk through the app (1366×768, no keyring), each
driven through the real widgets on a real database: a mistyped date saved as the date the
field held before, a save that said nothing while the bad field sat below the fold, 清空
wiping the form and its draft without asking, a pasted line break hidden in a one-line field,
"第 2 位当事人：请…" cut off under a party's own field, and the first-run seal step's rows
overlapping where no keyring exists."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from desktop.domain.validators import resident_id_check_char
from desktop.services.dto import (
    AgreementInput,
    CaseDraft,
    FollowUpInput,
    ObligationInput,
    PartyInput,
    SessionInput,
)
from desktop.ui import ops
from desktop.ui.qt import QApplication, QDialogButtonBox, QMessageBox, Qt, QWidget

pytestmark = pytest.mark.gui

ID17 = "33010619850312001"
WANG_ID = ID17 + resident_id_check_char(ID17)
LEFT = Qt.MouseButton.LeftButton


def open_boxes(name: str, parent: QWidget | None = None) -> list[QMessageBox]:
    """Open message boxes of that name (over ``parent`` when given: an earlier test's box
    may still be about)."""
    return [w for w in QApplication.topLevelWidgets()
            if isinstance(w, QMessageBox) and w.objectName() == name and w.isVisible()
            and (parent is None or w.parentWidget() is parent)]


def retype(qtbot, edit, text: str) -> None:
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClicks(edit, text)


# -- dates: a mistyped date is refused, never saved as the one held before --------------------

def test_followup_with_a_mistyped_date_is_refused_and_a_typed_one_is_kept(qtbot, ui_app):
    from desktop.ui.case.followup import FollowUpDialog

    dlg = FollowUpDialog()
    qtbot.addWidget(dlg)
    dlg.load(FollowUpInput(visited_on=dt.date(2026, 11, 20), visitor="李秀兰"))
    dlg.show()
    qtbot.waitExposed(dlg)
    dlg.performance.setCurrentIndex(1)
    dlg.satisfaction.setCurrentIndex(1)
    accepted: list[int] = []
    dlg.accepted.connect(lambda: accepted.append(1))
    save = dlg.buttons.button(QDialogButtonBox.StandardButton.Save)

    retype(qtbot, dlg.visited_on.edit, "20271301")  # there is no 13th month
    qtbot.mouseClick(save, LEFT)
    assert not accepted and dlg.isVisible()
    box = open_boxes("errorBox", dlg)[0]
    assert box.text().startswith("回访日期：") and "13月" in box.text()
    box.close()

    # typed and saved with Ctrl+S-like haste: the field never lost focus
    retype(qtbot, dlg.visited_on.edit, "20261127")
    qtbot.mouseClick(save, LEFT)
    assert accepted
    assert dlg.save().visited_on == dt.date(2026, 11, 27)


def test_session_keeps_the_date_typed_just_before_ctrl_s(qtbot, ui_app):
    from desktop.ui.case.sessions import SessionDialog

    dlg = SessionDialog()
    qtbot.addWidget(dlg)
    dlg.load(SessionInput(started_at=dt.datetime(2026, 11, 30, 9, 30), place="调解室"))
    dlg.show()
    qtbot.waitExposed(dlg)
    dlg.activateWindow()  # Ctrl+S is the dialog's shortcut: it needs the active window
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dlg, timeout=2000)
    accepted: list[int] = []
    dlg.accepted.connect(lambda: accepted.append(1))
    date_edit = dlg.started_at.date_field.edit
    retype(qtbot, date_edit, "2026-11-31")
    qtbot.keyClick(date_edit, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert not accepted
    assert dlg.message.full_text().startswith("开始时间：")
    retype(qtbot, date_edit, "20261127")
    qtbot.keyClick(date_edit, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert accepted
    assert dlg.save().started_at == dt.datetime(2026, 11, 27, 9, 30)


def test_agreement_with_a_mistyped_deadline_is_not_saved(qtbot, desks):
    from desktop.ui.case import CaseWindow

    desk = desks["wang"]
    ref = desk.intake.register(CaseDraft(
        parties=[PartyInput("王𠮷"), PartyInput("李四", side="respondent")],
        dispute_type="neighbor", source="party_apply", facts="楼上漏水。"))
    desk.intake.accept(ref.id, ref.version)
    a, b = desk.cases.get(ref.id).parties
    desk.outcomes.save_agreement(ref.id, AgreementInput(
        facts="漏水", disputed_matters="修复费", obligations=[
            ObligationInput("赔偿修复费", b.id, a.id, Decimal("12345.50"),
                            deadline=dt.date(2026, 12, 20))]))
    win = CaseWindow(desk, ref.id)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    qtbot.waitUntil(lambda: win.detail is not None, timeout=5000)
    win.tabs.setCurrentWidget(win.outcome_tab)
    editor = win.outcome_tab.agreement
    deadline = editor.obligations.table.cellWidget(0, 5)
    retype(qtbot, deadline.edit, "2026.13.27")
    editor.save()
    box = open_boxes("errorBox", editor)[0]
    assert box.text().startswith("第 1 项义务的履行期限：")
    assert ops.wait_idle()
    saved = desk.cases.get(ref.id).agreement
    assert saved.obligations[0].deadline == dt.date(2026, 12, 20)  # unchanged, not "未定"


# -- 新建登记 ---------------------------------------------------------------------------------

# -- one-line fields and the first run --------------------------------------------------------

