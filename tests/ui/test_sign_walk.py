"""Signing in one dialog that walks the signers (issue 11, point 10): what was signed before a
cancel is kept, the walk resumes with whoever is left, and concluding plus printing after the
last signature is the mediator's choice."""

from __future__ import annotations

from decimal import Decimal

import pytest

from desktop.ui import ops
from desktop.ui.case import CaseWindow
from desktop.ui.qt import QDialogButtonBox, Qt, is_alive
from tests.helpers.cases import agreed_case
from tests.helpers.strokes import sign

pytestmark = pytest.mark.gui


def settle(qtbot, condition, timeout: int = 10000) -> None:
    qtbot.waitUntil(lambda: ops.wait_idle(50) and condition(), timeout=timeout)


def test_walk_resumes_after_cancel_and_printing_is_optional(qtbot, desks):
    desk = desks["wang"]
    ref = agreed_case(desk, "王𠮷", "李四", dispute_type="neighbor", facts="噪音。",
                      agreement_facts="噪音", disputed="噪音", obligation="支付补偿",
                      amount=Decimal(500))
    win = CaseWindow(desk, ref.id)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    settle(qtbot, lambda: win.detail is not None)
    win.tabs.setCurrentWidget(win.outcome_tab)
    editor = win.outcome_tab.agreement

    dialog = editor.sign_all()
    qtbot.waitExposed(dialog)
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert not ok.isEnabled()  # nothing on the pad yet
    sign(dialog.pad, "mouse")
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    assert "李四" in dialog.title.text() and dialog.pad.is_empty()  # the pad is fresh
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel),
                     Qt.MouseButton.LeftButton)
    settle(qtbot, lambda: len(win.detail.signatures) == 1)
    assert win.detail.signatures[0].signer_name == "王𠮷"
    assert win.detail.status == "accepted"  # not concluded

    dialog = editor.sign_all()  # only those still missing
    qtbot.waitExposed(dialog)
    assert "李四" in dialog.title.text()
    assert dialog.step_label.text() == "第 1/2 位，下一位：王建国"
    dialog.then_print.click()
    assert not dialog.then_print.isChecked()
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    for text in ("签好了，下一位", "签好了，完成"):
        assert ok.text() == text
        sign(dialog.pad, "touch")
        qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    settle(qtbot, lambda: len(win.detail.signatures) == 3)
    assert not (is_alive(dialog) and dialog.isVisible())  # closed after the last signer
    # Not concluded: the mediator unticked it; the step stays on its button.
    assert win.detail.status == "accepted" and win.preview is None
    assert editor.conclude_button.isEnabled() and not editor.sign_all_button.isEnabled()
