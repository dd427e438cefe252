"""The case window: actions the user may not take are not offered (and the service refuses
them anyway, in Chinese); two desks editing the same case get a conflict message, not a silent
overwrite."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from desktop.services.dto import (
    AgreementInput,
    CaseDraft,
    ObligationInput,
    ParticipantInput,
    PartyInput,
    SessionInput,
)
from desktop.ui import ops
from desktop.ui.case import CaseWindow
from desktop.ui.qt import QApplication, QMessageBox, QPushButton, Qt, QWidget
from tests.helpers.qtinput import commit_text
from tests.helpers.windows import open_case_window

pytestmark = pytest.mark.gui


def register(desk, names=("王𠮷", "李四")):
    return desk.intake.register(CaseDraft(
        parties=[PartyInput(names[0]), PartyInput(names[1], side="respondent")],
        dispute_type="neighbor", source="party_apply", facts="邻里噪音纠纷。",
        requests="停止夜间噪音。"))


def succeeded_case(desk) -> int:
    ref = register(desk)
    ref = desk.intake.accept(ref.id, ref.version)
    detail = desk.cases.get(ref.id)
    desk.sessions.add(ref.id, SessionInput(
        started_at=dt.datetime(2026, 11, 27, 9, 30), place="调解室", content="双方陈述。",
        participants=[ParticipantInput("mediator", desk.actor.display_name, "host")]))
    a, b = detail.parties
    desk.outcomes.save_agreement(ref.id, AgreementInput(
        facts="噪音", disputed_matters="噪音", obligations=[
            ObligationInput("支付补偿", b.id, a.id, Decimal(500))]))
    for p in detail.parties:
        desk.outcomes.sign(ref.id, signer_kind="party", signer_name=p.name, png=b"\x89PNG x",
                           party_id=p.id)
    desk.outcomes.sign(ref.id, signer_kind="mediator", signer_name=desk.actor.display_name,
                       png=b"\x89PNG y", user_id=desk.actor.user_id)
    desk.outcomes.conclude_written(ref.id)
    return ref.id


def append(edit, text: str) -> None:
    """Type at the end of a text box, by input method."""
    edit.setFocus()
    edit.moveCursor(edit.textCursor().MoveOperation.End)
    QApplication.sendEvent(edit, _commit(text))


def _commit(text: str):
    from desktop.ui.qt import QInputMethodEvent

    event = QInputMethodEvent("", [])
    event.setCommitString(text)
    return event


def boxes(name: str) -> list[QMessageBox]:
    return [w for w in QApplication.topLevelWidgets()
            if isinstance(w, QMessageBox) and w.objectName() == name and w.isVisible()]


def visible_actions(win: CaseWindow) -> set[str]:
    return {a for a, b in win.action_buttons.items() if b.isVisibleTo(win)}


def test_registered_case_offers_accept_and_refuse_only(qtbot, desks):
    mediator = desks["wang"]
    ref = register(mediator)
    win = open_case_window(qtbot, mediator, ref.id)
    assert visible_actions(win) == {"accept", "refuse", "refer"}
    assert win.sessions_tab.add_button.isHidden()  # no session before acceptance
    assert win.number_label.text() == "（未受理）"


def test_archive_is_for_the_director_and_the_service_refuses_the_mediator(qtbot, desks):
    case_id = succeeded_case(desks["wang"])
    mediator_win = open_case_window(qtbot, desks["wang"], case_id)
    assert "archive" not in visible_actions(mediator_win)
    outcome = mediator_win.outcome_tab.agreement
    assert outcome.save_button.isHidden()  # signed: read-only now
    assert outcome.sign_button.isHidden()
    assert not mediator_win.followup_tab.add_button.isHidden()

    # Even if the mediator got at the action (a stale window, a script), the service refuses.
    mediator_win.do_action("archive")
    qtbot.waitUntil(lambda: _reason_dialog(mediator_win) is not None, timeout=5000)
    dialog = _reason_dialog(mediator_win)
    commit_text(dialog.text, "补充说明")
    dialog.buttons.accepted.emit()
    qtbot.waitUntil(lambda: bool(boxes("errorBox")), timeout=5000)
    assert "只有主任或管理员可以归档" in boxes("errorBox")[0].text()
    assert desks["wang"].cases.get(case_id).status == "succeeded"

    director_win = open_case_window(qtbot, desks["zhuren"], case_id)
    assert visible_actions(director_win) == {"archive"}


def test_readonly_user_sees_the_case_but_no_action(qtbot, desks):
    case_id = succeeded_case(desks["wang"])
    win = open_case_window(qtbot, desks["ducha"], case_id)
    assert visible_actions(win) == set()
    hidden = [win.sessions_tab.add_button, win.followup_tab.add_button,
              win.risks_tab.flag_button, win.attachments_tab.add_button,
              win.parties_tab.save_button, win.outcome_tab.termination.button]
    assert all(w.isHidden() for w in hidden)
    assert win.parties_tab.facts.isReadOnly()
    assert win.history_tab.table.rowCount() > 0


def test_archive_without_identity_asks_for_a_reason(qtbot, desks):
    case_id = succeeded_case(desks["wang"])
    win = open_case_window(qtbot, desks["zhuren"], case_id)
    QPushButton.click(win.action_buttons["archive"])
    qtbot.waitUntil(lambda: _reason_dialog(win) is not None, timeout=5000)
    dialog = _reason_dialog(win)
    assert "身份证明" in dialog.prompt.text()
    commit_text(dialog.text, "当事人未携带身份证，已核对户口簿。")
    dialog.buttons.accepted.emit()
    qtbot.waitUntil(lambda: ops.wait_idle(50) and win.detail.status == "archived", timeout=5000)
    history = " ".join(e.summary for e in desks["zhuren"].cases.history(case_id))
    assert "缺少身份证明" in history and "已核对户口簿" in history


def _reason_dialog(win):
    from desktop.ui.case.common import ReasonDialog

    found = [d for d in win.findChildren(ReasonDialog) if d.isVisible()]
    return found[0] if found else None


def test_concurrent_edit_shows_the_conflict_and_keeps_my_text(qtbot, desks):
    ref = register(desks["wang"])
    # Two desks of the same mediator (two PCs on the LAN): separate Desk objects.
    desk_a, desk_b = desks["wang"], desks["wang"]
    win_a = open_case_window(qtbot, desk_a, ref.id)
    win_b = open_case_window(qtbot, desk_b, ref.id)
    tab_a, tab_b = win_a.parties_tab, win_b.parties_tab

    append(tab_b.facts, "（B 补充：噪音持续三个月）")
    append(tab_a.facts, "（A 补充：已调取物业记录）")
    qtbot.mouseClick(tab_a.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: ops.wait_idle(50) and not tab_a.dirty, timeout=5000)
    # B reloaded when A saved, but kept B's unsaved text and the version B started from.
    assert tab_b.facts.toPlainText().endswith("（B 补充：噪音持续三个月）")

    qtbot.mouseClick(tab_b.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(boxes("conflictBox")), timeout=5000)
    box = boxes("conflictBox")[0]
    assert "该案件已被wang修改" in box.text() and "修改人：wang" in box.text()
    assert "纠纷简要情况：邻里噪音纠纷。（A 补充：已调取物业记录）" in box.text()
    assert desks["wang"].cases.get(ref.id).facts.endswith("（A 补充：已调取物业记录）")

    box.findChild(QPushButton, "conflictReapply").click()
    qtbot.waitUntil(lambda: ops.wait_idle(50) and not tab_b.dirty, timeout=5000)
    assert desks["wang"].cases.get(ref.id).facts.endswith("（B 补充：噪音持续三个月）")


def test_conflict_reload_discards_mine(qtbot, desks):
    ref = register(desks["wang"])
    win_a = open_case_window(qtbot, desks["wang"], ref.id)
    win_b = open_case_window(qtbot, desks["wang"], ref.id)
    append(win_b.parties_tab.requests, "B 的修改")
    append(win_a.parties_tab.requests, "A 的修改")
    qtbot.mouseClick(win_a.parties_tab.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: ops.wait_idle(50) and not win_a.parties_tab.dirty, timeout=5000)
    qtbot.mouseClick(win_b.parties_tab.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(boxes("conflictBox")), timeout=5000)
    boxes("conflictBox")[0].findChild(QPushButton, "conflictReload").click()
    qtbot.waitUntil(lambda: ops.wait_idle(50) and not win_b.parties_tab.dirty, timeout=5000)
    qtbot.waitUntil(lambda: win_b.parties_tab.requests.toPlainText().endswith("A 的修改"),
                    timeout=5000)


def test_drop_a_scan_onto_the_attachments_tab_and_preview_it(qtbot, desks, tmp_path):
    from desktop.ui.qt import QDragEnterEvent, QDropEvent, QImage, QMimeData, QPointF, QUrl

    ref = register(desks["wang"])
    win = open_case_window(qtbot, desks["wang"], ref.id)
    win.tabs.setCurrentWidget(win.attachments_tab)
    photo = tmp_path / "现场照片.png"
    image = QImage(320, 200, QImage.Format.Format_RGB32)
    image.fill(0x3366AA)
    assert image.save(str(photo))
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(photo))])
    enter = QDragEnterEvent(QPointF(50, 50), Qt.DropAction.CopyAction, mime,
                            Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    drop = QDropEvent(QPointF(50, 50), Qt.DropAction.CopyAction, mime,
                      Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    # Qt only routes drops that come from a real drag manager: call the handlers directly.
    assert win.attachments_tab.acceptDrops()
    win.attachments_tab.dragEnterEvent(enter)
    assert enter.isAccepted()
    win.attachments_tab.dropEvent(drop)
    qtbot.waitUntil(lambda: ops.wait_idle(50) and len(win.detail.attachments) == 1, timeout=5000)
    saved = desks["wang"].cases.get(ref.id).attachments[0]
    assert saved.filename == "现场照片.png" and saved.mime == "image/png"
    assert saved.category == "evidence"
    win.attachments_tab.table.selectRow(0)
    qtbot.waitUntil(lambda: win.attachments_tab.preview.currentWidget()
                    is win.attachments_tab.image, timeout=5000)
    assert not win.attachments_tab.image.pixmap().isNull()


def test_judicial_confirmation_deadline_and_application(qtbot, desks):
    case_id = succeeded_case(desks["wang"])
    win = open_case_window(qtbot, desks["wang"], case_id)
    tab = win.followup_tab
    last = dt.date.today() + dt.timedelta(days=30)
    assert tab.deadline_label.text() == (
        f"申请期限：{last.year}年{last.month}月{last.day}日 前（还剩 30 天）")
    assert not tab.apply_form.isHidden() and tab.ruling_form.isHidden()
    commit_text(tab.court, "青山区人民法院")
    qtbot.mouseClick(tab.apply_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: ops.wait_idle(50) and win.detail.confirmation is not None,
                    timeout=5000)
    assert "向青山区人民法院申请，审查中" in tab.state_label.text()
    assert tab.apply_form.isHidden() and not tab.ruling_form.isHidden()


def test_terminate_with_reason_then_refer(qtbot, desks):
    ref = register(desks["wang"])
    desks["wang"].intake.accept(ref.id, ref.version)
    win = open_case_window(qtbot, desks["wang"], ref.id)
    win.tabs.setCurrentWidget(win.outcome_tab)
    termination = win.outcome_tab.termination
    win.outcome_tab.inner.setCurrentWidget(termination)
    qtbot.mouseClick(termination.button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(boxes("errorBox")), timeout=5000)
    assert "必须填写原因" in boxes("errorBox")[0].text()  # the service's rule, in Chinese
    boxes("errorBox")[0].close()
    commit_text(termination.reason, "被申请人明确拒绝继续调解。")
    qtbot.mouseClick(termination.button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: ops.wait_idle(50) and win.detail.status == "terminated", timeout=5000)
    assert "终止调解：被申请人明确拒绝继续调解。" in termination.list_label.text()
    assert termination.button.isHidden()
    assert visible_actions(win) == {"refer"}  # reopening is for the director

    win.do_action("refer")
    dialog = _reason_dialog(win)
    to_body = dialog.findChild(QWidget, "to_body")
    commit_text(to_body, "青山区人民法院")
    commit_text(dialog.text, "当事人要求诉讼解决。")
    dialog.buttons.accepted.emit()
    qtbot.waitUntil(lambda: ops.wait_idle(50) and win.detail.status == "referred", timeout=5000)
    assert win.risks_tab.referrals.item(0, 1).text() == "青山区人民法院"


def test_flag_and_resolve_a_risk(qtbot, desks):
    ref = register(desks["wang"])
    win = open_case_window(qtbot, desks["wang"], ref.id)
    win.tabs.setCurrentWidget(win.risks_tab)
    qtbot.mouseClick(win.risks_tab.flag_button, Qt.MouseButton.LeftButton)
    dialog = win.risks_tab.dialog
    dialog.kind.setCurrentIndex(dialog.kind.findData("criminal"))
    dialog.level.setCurrentIndex(dialog.level.findData("high"))
    dialog.people.setValue(2)
    commit_text(dialog.description, "双方曾发生推搡，扬言报复。")
    dialog.police.setChecked(True)
    dialog.accept()
    qtbot.waitUntil(lambda: ops.wait_idle(50) and len(win.detail.risks) == 1, timeout=5000)
    row = [win.risks_tab.risks.item(0, c).text() for c in range(6)]
    assert row[1:6] == ["可能激化为刑事案件（民转刑）", "重大", "2", "是", "未化解"]
    win.risks_tab.risks.selectRow(0)
    win.risks_tab.resolve()
    box = boxes("resolveRiskBox")[0]
    box.button(QMessageBox.StandardButton.Yes).click()
    qtbot.waitUntil(lambda: ops.wait_idle(50) and win.detail.risks[0].resolved_on is not None,
                    timeout=5000)
    assert win.detail.risks[0].prevented
    assert "成功防止激化" in win.risks_tab.risks.item(0, 5).text()


def test_generate_a_form_and_see_its_sha256(qtbot, desks):
    import hashlib

    ref = register(desks["wang"])
    win = open_case_window(qtbot, desks["wang"], ref.id)
    tab = win.documents_tab
    win.tabs.setCurrentWidget(tab)
    tab.form.setCurrentIndex(tab.form.findData("registration"))
    qtbot.mouseClick(tab.draft_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: ops.wait_idle(50) and win.preview is not None
                    and len(win.detail.documents) == 1, timeout=15000)
    doc = win.detail.documents[0]
    assert tab.table.item(0, 0).text() == "人民调解受理登记表"
    assert tab.table.item(0, 5).text() == doc.sha256
    assert hashlib.sha256(win.preview.pdf.data()).hexdigest() == doc.sha256
    win.preview.close()
    win.preview = None
    tab.table.selectRow(0)
    qtbot.mouseClick(tab.preview_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: win.preview is not None, timeout=5000)
    assert hashlib.sha256(win.preview.pdf.data()).hexdigest() == doc.sha256


def test_oral_agreement(qtbot, desks):
    ref = register(desks["wang"])
    desks["wang"].intake.accept(ref.id, ref.version)
    win = open_case_window(qtbot, desks["wang"], ref.id)
    oral = win.outcome_tab.oral
    win.tabs.setCurrentWidget(win.outcome_tab)
    win.outcome_tab.inner.setCurrentWidget(oral)
    commit_text(oral.content, "李四保证晚十点后不再制造噪音。")
    qtbot.keyClicks(oral.amount, "12.345")
    qtbot.mouseClick(oral.record_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(boxes("errorBox")), timeout=3000)
    assert "两位小数" in boxes("errorBox")[0].text()
    boxes("errorBox")[0].close()
    oral.amount.clear()
    qtbot.mouseClick(oral.record_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: ops.wait_idle(50) and win.detail.status == "succeeded", timeout=5000)
    assert win.detail.outcome == "oral"
    assert "李四保证晚十点后不再制造噪音。" in oral.view_label.text()
    assert oral.record_button.isHidden()


def test_edit_a_party_sees_full_numbers_and_saves(qtbot, desks):
    from desktop.ui.case.parties import PartyDialog

    ref = desks["wang"].intake.register(CaseDraft(
        parties=[PartyInput("王𠮷", phone="13800138000"), PartyInput("李四", side="respondent")],
        dispute_type="neighbor", source="party_apply", facts="噪音"))
    win = open_case_window(qtbot, desks["wang"], ref.id)
    tab = win.parties_tab
    assert tab.table.item(0, 3).text() == "138****8000"  # masked in the list
    tab.table.selectRow(0)
    qtbot.mouseClick(tab.edit_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool([d for d in tab.findChildren(PartyDialog) if d.isVisible()]),
                    timeout=5000)
    dialog = next(d for d in tab.findChildren(PartyDialog) if d.isVisible())
    assert dialog.editor.phone.text() == "13800138000"  # editing needs the real number
    dialog.editor.phone.clear()
    qtbot.keyClicks(dialog.editor.phone, "13911112222")
    dialog.accept()
    qtbot.waitUntil(lambda: ops.wait_idle(50) and win.detail.parties[0].phone == "139****2222",
                    timeout=5000)
    history = [e.summary for e in desks["wang"].cases.history(ref.id)]
    # Opening the editor is audited as what it was, not as the user's 显示完整.
    assert "打开当事人 王𠮷 的信息修改（显示其完整证件号和电话）" in history
    assert "查看了当事人完整个人信息" not in history
    assert desks["wang"].cases.get(ref.id, unmask=True).parties[0].phone == "13911112222"


def test_agreement_edited_on_two_desks_reports_the_conflict(qtbot, desks):
    ref = register(desks["wang"])
    desks["wang"].intake.accept(ref.id, ref.version)
    desk_a, desk_b = desks["wang"], desks["wang"]
    desk_a.outcomes.save_agreement(ref.id, AgreementInput(
        facts="噪音", disputed_matters="夜间噪音", other_terms="初稿"))
    win_a = open_case_window(qtbot, desk_a, ref.id)
    win_b = open_case_window(qtbot, desk_b, ref.id)
    ed_a, ed_b = win_a.outcome_tab.agreement, win_b.outcome_tab.agreement
    append(ed_b.responsibilities, "B：双方各自承担一半责任。")
    append(ed_a.responsibilities, "A：李四承担全部责任。")
    ed_a.save()
    qtbot.waitUntil(lambda: ops.wait_idle(50) and not ed_a.dirty, timeout=5000)
    ed_b.save()
    qtbot.waitUntil(lambda: bool(boxes("conflictBox")), timeout=5000)
    assert "调解协议已被" in boxes("conflictBox")[0].text()
    assert desks["wang"].cases.get(ref.id).agreement.responsibilities == "A：李四承担全部责任。"


def test_signed_on_paper_with_the_scan_attached(qtbot, desks, tmp_path):
    from desktop.ui.qt import QDialogButtonBox

    ref = register(desks["wang"])
    desk = desks["wang"]
    desk.intake.accept(ref.id, ref.version)
    detail = desk.cases.get(ref.id)
    a, b = detail.parties
    desk.outcomes.save_agreement(ref.id, AgreementInput(
        facts="噪音", disputed_matters="噪音", obligations=[
            ObligationInput("赔礼道歉", b.id, a.id)]))
    win = open_case_window(qtbot, desk, ref.id)
    win.tabs.setCurrentWidget(win.outcome_tab)
    editor = win.outcome_tab.agreement
    scan = tmp_path / "协议书签字页.pdf"
    scan.write_bytes(b"%PDF-1.4\n% signed on paper\n%%EOF\n")
    for row in range(3):
        editor.signers.selectRow(row)
        dialog = editor.sign_selected()
        qtbot.waitExposed(dialog)
        dialog.paper_check.setChecked(True)
        if row == 0:
            dialog.set_scan(scan)
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
        qtbot.waitUntil(lambda n=row + 1: ops.wait_idle(50) and len(win.detail.signatures) == n,
                        timeout=5000)
    assert all(s.on_paper and s.png_sha256 is None for s in win.detail.signatures)
    assert "纸质签名" in editor.signers.item(0, 2).text()
    qtbot.mouseClick(editor.conclude_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: ops.wait_idle(50) and win.detail.status == "succeeded", timeout=5000)
    assert win.detail.agreement.signed_on_paper
    assert [(x.category, x.filename) for x in win.detail.attachments] == [
        ("signed_scan", "协议书签字页.pdf")]


def test_missing_glyph_is_named_before_the_final_document(qtbot, desks, monkeypatch):
    from desktop.ui.case.documents import documents_service

    monkeypatch.setenv("MEDIATIONDESK_SEAL_PASSWORD", "seal-test-2026")
    documents_service(desks["zhuren"]).create_seal_key(password="seal-test-2026")
    ref = register(desks["wang"], names=("王\U0002EBF0", "李四"))  # CJK Ext. I: no font has it
    win = open_case_window(qtbot, desks["wang"], ref.id)
    win.tabs.setCurrentWidget(win.documents_tab)
    win.documents_tab.form.setCurrentIndex(win.documents_tab.form.findData("registration"))
    qtbot.mouseClick(win.documents_tab.final_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(boxes("missingGlyphs")), timeout=10000)
    box = boxes("missingGlyphs")[0]
    assert "\U0002EBF0" in box.text()
    box.button(QMessageBox.StandardButton.Cancel).click()
    ops.wait_idle()
    assert desks["wang"].cases.get(ref.id).documents == []  # nothing issued
    qtbot.mouseClick(win.documents_tab.final_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(boxes("missingGlyphs")), timeout=10000)
    boxes("missingGlyphs")[0].button(QMessageBox.StandardButton.Ok).click()
    # No seal image configured: the final needs a physical stamp, and the user is asked.
    qtbot.waitUntil(lambda: bool(boxes("noSealImage")), timeout=10000)
    assert "实物印章" in boxes("noSealImage")[0].text()
    boxes("noSealImage")[0].button(QMessageBox.StandardButton.Ok).click()
    qtbot.waitUntil(lambda: ops.wait_idle(50) and len(win.detail.documents) == 1, timeout=20000)
    assert win.detail.documents[0].final


def test_keyboard_tabs_and_escape(qtbot, desks):
    ref = register(desks["wang"])
    desks["wang"].intake.accept(ref.id, ref.version)
    win = open_case_window(qtbot, desks["wang"], ref.id)
    win.windowHandle().requestActivate()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is win, timeout=3000)
    qtbot.keyClick(win, Qt.Key.Key_3, Qt.KeyboardModifier.AltModifier)
    assert win.tabs.currentWidget() is win.outcome_tab
    qtbot.keyClick(win, Qt.Key.Key_2, Qt.KeyboardModifier.AltModifier)
    assert win.tabs.currentWidget() is win.sessions_tab
    dialog = win.sessions_tab.add_session()
    qtbot.waitExposed(dialog)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    assert win.detail.sessions == []


def test_unsaved_agreement_survives_the_window_and_is_offered_back(qtbot, desks):
    ref = register(desks["wang"])
    desk = desks["wang"]
    desk.intake.accept(ref.id, ref.version)
    win = open_case_window(qtbot, desk, ref.id)
    editor = win.outcome_tab.agreement
    append(editor.responsibilities, "李四承担全部责任。")
    editor.obligations.add_row()
    commit_text(editor.obligations._edit(0, 2), "赔礼道歉")
    qtbot.keyClicks(editor.obligations.amount_edit(0), "300")
    qtbot.waitUntil(lambda: desk.drafts.load(f"agreement/{ref.id}") is not None, timeout=5000)
    append(editor.other_terms, "双方再无争议。")
    win.close()  # the last edit is saved on close, not lost with the timer
    saved = desk.drafts.load(f"agreement/{ref.id}")
    assert saved["other_terms"] == "双方再无争议。"
    assert saved["obligations"][0]["amount"] == "300.00"

    again = open_case_window(qtbot, desk, ref.id)
    editor = again.outcome_tab.agreement
    qtbot.waitUntil(lambda: not editor.banner.isHidden(), timeout=5000)
    qtbot.mouseClick(editor.banner.restore_button, Qt.MouseButton.LeftButton)
    assert editor.responsibilities.toPlainText() == "李四承担全部责任。"
    assert editor.obligations.total_label.text() == "合计 ¥300.00（人民币叁佰元整）"
    editor.save()
    qtbot.waitUntil(lambda: ops.wait_idle(50) and again.detail.agreement is not None,
                    timeout=5000)
    assert again.detail.agreement.other_terms == "双方再无争议。"
    qtbot.waitUntil(lambda: desk.drafts.load(f"agreement/{ref.id}") is None, timeout=5000)


def test_a_session_record_being_written_is_never_lost(qtbot, desks):
    from desktop.ui.qt import QDialogButtonBox

    ref = register(desks["wang"])
    desk = desks["wang"]
    desk.intake.accept(ref.id, ref.version)
    win = open_case_window(qtbot, desk, ref.id)
    win.tabs.setCurrentWidget(win.sessions_tab)
    dialog = win.sessions_tab.add_session()
    qtbot.waitExposed(dialog)
    commit_text(dialog.content, "双方各自陈述，申请人情绪激动。")
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)  # closed by mistake
    key = f"session/{ref.id}/new"
    assert desk.drafts.load(key)["content"] == "双方各自陈述，申请人情绪激动。"

    dialog = win.sessions_tab.add_session()
    qtbot.waitUntil(lambda: not dialog.banner.isHidden(), timeout=5000)
    qtbot.mouseClick(dialog.banner.restore_button, Qt.MouseButton.LeftButton)
    assert dialog.content.toPlainText() == "双方各自陈述，申请人情绪激动。"
    dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    qtbot.waitUntil(lambda: ops.wait_idle(50) and len(win.detail.sessions) == 1, timeout=5000)
    assert win.detail.sessions[0].content == "双方各自陈述，申请人情绪激动。"
    assert desk.drafts.load(key) is None


def _background(widget) -> tuple[int, int, int]:
    img = widget.grab().toImage()
    c = img.pixelColor(img.width() - 6, img.height() // 2)
    return c.red(), c.green(), c.blue()


def test_read_only_text_of_a_signed_agreement_does_not_look_editable(qtbot, ui_app, desks):
    ref = register(desks["wang"])
    editable_win = open_case_window(qtbot, desks["wang"],
                               desks["wang"].intake.accept(ref.id, ref.version).id)
    editable = editable_win.parties_tab.facts
    assert not editable.isReadOnly() and _background(editable) == (255, 255, 255)
    win = open_case_window(qtbot, desks["wang"], succeeded_case(desks["wang"]))
    win.tabs.setCurrentWidget(win.outcome_tab)
    facts = win.outcome_tab.agreement.facts
    qtbot.waitUntil(facts.isVisible, timeout=5000)
    assert facts.isReadOnly()
    assert _background(facts) == (0xf1, 0xf3, 0xf5)  # the style sheet's read-only grey


def test_an_overlong_case_title_is_named_as_the_form_names_it(qtbot, desks, tmp_path):
    """The case form's save is a Core UPDATE held to the column limits by the store guard: 205
    characters typed into 案由 come back as one message about 案由 (the form's word, not the
    column's), the text stays in the box, and nothing is written."""
    desk = desks["wang"]
    cid = register(desk).id
    before = desk.cases.get(cid)
    win = open_case_window(qtbot, desk, cid)
    tab = win.parties_tab
    win.tabs.setCurrentWidget(tab)
    tab.title.clear()
    commit_text(tab.title, "案" * 205)
    qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(boxes("errorBox")), timeout=5000)
    (box,) = boxes("errorBox")
    win.grab().save(str(tmp_path / "case-title-too-long.png"))
    box.grab().save(str(tmp_path / "case-title-too-long-box.png"))
    assert box.text() == "案由：最长 200 个字，当前为 205 个，请删减。"
    box.accept()
    assert tab.title.text() == "案" * 205 and tab.dirty
    after = desk.cases.get(cid)
    assert (after.version, after.title) == (before.version, before.title)
