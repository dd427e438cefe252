"""Honest defaults and records (issue 11, point 7): a follow-up starts with nothing chosen;
操作记录 names people as they are known, records 显示完整 only when it was clicked, and says
how each person actually signed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from desktop.domain.errors import ValidationError
from desktop.services.dto import (
    AgreementInput,
    CaseDraft,
    FollowUpInput,
    ObligationInput,
    OralAgreementInput,
    PartyInput,
)
from desktop.ui import ops
from desktop.ui.qt import QDialogButtonBox, Qt
from tests.helpers.qtinput import commit_text
from tests.helpers.strokes import sign
from tests.helpers.windows import open_case_window

pytestmark = pytest.mark.gui

UNMASK = "查看了当事人完整个人信息"


def register(desk) -> int:
    ref = desk.intake.register(CaseDraft(
        parties=[PartyInput("王𠮷", phone="13800138000"), PartyInput("李四", side="respondent")],
        dispute_type="neighbor", source="party_apply", facts="邻里噪音纠纷。",
        requests="停止夜间噪音。"))
    desk.intake.accept(ref.id, ref.version)
    return ref.id


def with_agreement(desk) -> int:
    cid = register(desk)
    a, b = desk.cases.get(cid).parties
    desk.outcomes.save_agreement(cid, AgreementInput(
        facts="噪音", disputed_matters="噪音",
        obligations=[ObligationInput("支付补偿", b.id, a.id, Decimal(500))]))
    return cid


def settle(qtbot, condition, timeout: int = 10000) -> None:
    qtbot.waitUntil(lambda: ops.wait_idle(50) and condition(), timeout=timeout)


def summaries(desk, cid) -> list[str]:
    return [e.summary for e in desk.cases.history(cid)]


def test_follow_up_starts_empty_and_must_be_chosen(qtbot, desks):
    desk = desks["wang"]
    cid = with_agreement(desk)
    a, b = desk.cases.get(cid).parties
    for p in (a, b):
        desk.outcomes.sign(cid, signer_kind="party", signer_name=p.name, png=b"\x89PNG",
                           party_id=p.id)
    desk.outcomes.sign(cid, signer_kind="mediator", signer_name="王建国", png=b"\x89PNG",
                       user_id=desk.actor.user_id)
    desk.outcomes.conclude_written(cid)
    win = open_case_window(qtbot, desk, cid)
    win.tabs.setCurrentWidget(win.followup_tab)
    qtbot.mouseClick(win.followup_tab.add_button, Qt.MouseButton.LeftButton)
    dialog = win.followup_tab.dialog
    qtbot.waitExposed(dialog)
    assert dialog.performance.currentData() is None
    assert dialog.performance.currentText() == "（请选择）"
    assert dialog.satisfaction.currentData() is None
    y_before = dialog.satisfaction.mapTo(dialog, dialog.satisfaction.rect().topLeft()).y()
    save = dialog.buttons.button(QDialogButtonBox.StandardButton.Save)
    qtbot.mouseClick(save, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()  # nothing chosen: the dialog stays, saying what is missing
    assert dialog.messages["performance"].full_text() == "请选择履行情况"
    assert dialog.messages["satisfaction"].full_text() == "请选择满意度"
    assert dialog.performance.property("invalid") is True
    # The messages took their reserved lines: the field below did not move.
    assert dialog.satisfaction.mapTo(dialog, dialog.satisfaction.rect().topLeft()).y() == y_before
    dialog.performance.setCurrentIndex(dialog.performance.findData("partial"))
    assert dialog.messages["performance"].full_text() == ""
    dialog.satisfaction.setCurrentIndex(dialog.satisfaction.findData("basic"))
    commit_text(dialog.findings, "已付一半。")
    qtbot.mouseClick(save, Qt.MouseButton.LeftButton)
    settle(qtbot, lambda: len(win.detail.follow_ups) == 1)
    f = win.detail.follow_ups[0]
    assert (f.performance, f.satisfaction) == ("partial", "basic")


def test_the_service_refuses_a_follow_up_without_outcome_or_satisfaction(desks):
    desk = desks["wang"]
    cid = register(desk)
    desk.outcomes.record_oral(cid, OralAgreementInput("当场赔偿500元"))
    with pytest.raises(ValidationError) as err:
        desk.followups.add(cid, FollowUpInput(dt.date.today()))
    assert err.value.errors == {"performance": "请选择履行情况。",
                                "satisfaction": "请选择当事人满意度。"}
    with pytest.raises(ValidationError) as err:
        desk.followups.add(cid, FollowUpInput(dt.date.today(), performance="full",
                                              satisfaction="很好"))
    assert err.value.field == "satisfaction" and "满意度无效" in err.value.message
    assert desk.cases.get(cid).follow_ups == []


def test_history_shows_display_names(qtbot, desks):
    desk = desks["wang"]
    cid = register(desk)
    win = open_case_window(qtbot, desk, cid)
    win.tabs.setCurrentWidget(win.history_tab)
    table = win.history_tab.table
    people = {table.item(r, 1).text() for r in range(table.rowCount())}
    assert people == {"王建国"}  # not the login name "wang"
    assert all(e.username == "wang" for e in desk.cases.history(cid))  # the log itself keeps it


def test_unmask_is_recorded_only_when_clicked(qtbot, desks):
    desk = desks["wang"]
    cid = with_agreement(desk)
    win = open_case_window(qtbot, desk, cid)
    # Loading the window, previewing and printing the agreement show full particulars on
    # paper; they are recorded as documents, not as the user asking to see them.
    win.tabs.setCurrentWidget(win.outcome_tab)
    qtbot.mouseClick(win.outcome_tab.agreement.preview_button, Qt.MouseButton.LeftButton)
    settle(qtbot, lambda: win.preview is not None and len(win.detail.documents) == 1,
           timeout=15000)
    win.preview.close()
    win.reload()
    settle(qtbot, lambda: win.detail is not None)
    assert UNMASK not in summaries(desk, cid)
    win.tabs.setCurrentWidget(win.parties_tab)
    assert win.parties_tab.table.item(0, 3).text() == "138****8000"
    qtbot.mouseClick(win.parties_tab.unmask_button, Qt.MouseButton.LeftButton)
    settle(qtbot, lambda: win.parties_tab.table.item(0, 3).text() == "13800138000")
    assert summaries(desk, cid).count(UNMASK) == 1


def test_history_names_the_signature_kind_used(qtbot, desks, tmp_path):
    desk = desks["wang"]
    cid = with_agreement(desk)
    win = open_case_window(qtbot, desk, cid)
    win.tabs.setCurrentWidget(win.outcome_tab)
    editor = win.outcome_tab.agreement
    scan = tmp_path / "李四签字页.pdf"
    scan.write_bytes(b"%PDF-1.4\n% signed on paper\n%%EOF\n")
    for row, paper in ((0, False), (1, True), (2, False)):
        editor.signers.selectRow(row)
        dialog = editor.sign_selected()
        qtbot.waitExposed(dialog)
        if paper:
            dialog.paper_check.setChecked(True)
            dialog.set_scan(scan)
        else:
            sign(dialog.pad, "mouse")
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
        settle(qtbot, lambda n=row + 1: len(win.detail.signatures) == n)
    assert "纸质签名" in editor.signers.item(1, 2).text()
    assert "电子签名" in editor.signers.item(0, 2).text()
    qtbot.mouseClick(editor.conclude_button, Qt.MouseButton.LeftButton)
    settle(qtbot, lambda: win.detail.status == "succeeded")
    history = summaries(desk, cid)
    assert "王𠮷 电子签名（签名板）" in history
    assert "李四 纸质签名（在打印的协议书上）" in history
    assert "王建国 电子签名（签名板）" in history
    done = next(s for s in history if s.startswith("调解成功"))
    assert "电子签名：王𠮷、王建国" in done and "纸质签名：李四" in done
