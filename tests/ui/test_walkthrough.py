"""The mediator's whole day through the real widgets on a real database.

log in → 新建登记 with two parties (rare characters typed by input-method events) → 受理 →
a joint session with a police officer, a judicial officer and a lawyer → agreement with two
obligations → both parties and the mediator sign on the pad (synthesised pen, mouse and touch
strokes) → preview → print to a PDF file → follow-up → archive. The database is checked through
the services and the printed PDF with pdftotext.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import subprocess
from decimal import Decimal

import pytest
from pytestqt.exceptions import TimeoutError as QtTimeout

from desktop.domain.validators import resident_id_check_char
from desktop.ui import ops
from desktop.ui.case.documents import documents_service
from desktop.ui.qt import QApplication, QDialogButtonBox, QMessageBox, Qt, QtPrintSupport
from tests.helpers.db import PASSWORDS
from tests.helpers.qtinput import commit_text
from tests.helpers.strokes import sign

pytestmark = [pytest.mark.gui, pytest.mark.slow]

SEAL_PASSWORD = "seal-walkthrough-2026"
ID17 = "33010619850312001"
WANG_ID = ID17 + resident_id_check_char(ID17)


def settle(qtbot, condition, timeout: int = 10000) -> None:
    try:
        qtbot.waitUntil(lambda: ops.wait_idle(50) and condition(), timeout=timeout)
    except QtTimeout:
        boxes = [w.text() for w in QApplication.topLevelWidgets()
                 if isinstance(w, QMessageBox) and w.isVisible()]
        raise AssertionError(f"not reached; messages on screen: {boxes}") from None


def activate(qtbot, window) -> None:
    """Make ``window`` the active one, as a click on its title bar would (shortcuts need it)."""
    window.windowHandle().requestActivate()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=3000)


def click(qtbot, button) -> None:
    assert button.isVisible() and button.isEnabled(), button.objectName()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


@pytest.fixture
def sealed_committee(desks, monkeypatch):
    # The seal certificate's password comes from the environment when no keyring exists.
    monkeypatch.setenv("MEDIATIONDESK_SEAL_PASSWORD", SEAL_PASSWORD)
    documents_service(desks["zhuren"]).create_seal_key(password=SEAL_PASSWORD)


def test_the_whole_day(qtbot, db, desks, sealed_committee, tmp_path):
    from desktop.app import start_session
    from desktop.ui.login import LoginDialog

    # ---- log in ------------------------------------------------------------------------
    login = LoginDialog(db)
    qtbot.addWidget(login)
    login.show()
    qtbot.keyClicks(login.username, "zhuren")
    qtbot.keyClicks(login.password, PASSWORDS["zhuren"])
    with qtbot.waitSignal(login.accepted, timeout=15000):
        click(qtbot, login.login_button)
    main = start_session(db, login.actor)
    qtbot.addWidget(main)
    main.show()
    qtbot.waitExposed(main)
    activate(qtbot, main)

    # ---- intake ------------------------------------------------------------------------
    qtbot.keyClick(main, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)  # 新建登记
    page = main.page("intake")
    assert main.stack.currentWidget() is page
    a, b = page.parties.editors
    commit_text(a.name, "王𠮷")
    qtbot.keyClicks(a.id_number, WANG_ID)
    assert a.messages["id_number"].text() == "✓ 出生日期 1985年3月12日，男"
    qtbot.keyClicks(a.phone, "13800138000")
    commit_text(a.address, "青山街道幸福小区3栋402室")
    commit_text(b.name, "刘䶮")
    qtbot.keyClicks(b.phone, "13912345678")
    commit_text(b.address, "青山街道幸福小区3栋502室")
    page.dispute_type.setCurrentIndex(page.dispute_type.findData("neighbor"))
    page.source.setCurrentIndex(page.source.findData("police_110"))
    commit_text(page.referring_unit, "青山派出所")
    qtbot.keyClicks(page.referral_ref, "110-20261127-018")
    commit_text(page.facts, "刘䶮家卫生间漏水，致楼下王𠮷家天花板受损。")
    commit_text(page.requests, "王𠮷要求刘䶮赔偿维修费并赔礼道歉。")
    settle(qtbot, lambda: "未发现" in page.duplicate_status.text())
    with qtbot.waitSignal(page.open_case, timeout=10000) as opened:
        qtbot.keyClick(page.facts, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    case_id = opened.args[0]
    win = main.case_windows[case_id]
    qtbot.waitExposed(win)
    activate(qtbot, win)
    settle(qtbot, lambda: win.detail is not None and win.detail.id == case_id)
    assert win.detail.status == "registered"

    # ---- accept ------------------------------------------------------------------------
    click(qtbot, win.action_buttons["accept"])
    settle(qtbot, lambda: win.detail.status == "accepted")
    number = win.detail.number
    assert number == f"（{dt.date.today().year}）青人调字第0001号"
    assert win.number_label.text() == number
    assert not win.action_buttons["accept"].isVisible()

    # ---- a joint session ---------------------------------------------------------------
    win.tabs.setCurrentWidget(win.sessions_tab)
    click(qtbot, win.sessions_tab.add_button)
    dialog = win.sessions_tab.dialog
    qtbot.waitExposed(dialog)
    people = dialog.participants
    invited = [("police", "赵警官", "青山派出所", "民警", "031234"),
               ("judicial", "钱助理", "青山司法所", "司法助理员", "SF-0907"),
               ("lawyer", "孙律师", "青山律师事务所", "律师", "13301201910123456")]
    for kind, name, unit, title, number_ in invited:
        click(qtbot, people.quick_buttons[kind])
        row = people.table.rowCount() - 1
        commit_text(people.cell(row, 1), name)
        commit_text(people.cell(row, 3), unit)
        commit_text(people.cell(row, 4), title)
        qtbot.keyClicks(people.cell(row, 5), number_)
    commit_text(dialog.content, "民警介绍现场勘查情况，律师释明相邻关系法律规定，双方同意协商赔偿。")
    commit_text(dialog.result, "双方达成一致意见。")
    dialog.agreed.setChecked(True)
    click(qtbot, dialog.buttons.button(QDialogButtonBox.StandardButton.Save))
    settle(qtbot, lambda: len(win.detail.sessions) == 1)
    assert win.detail.status == "mediating"
    assert win.detail.joint_label == "公安+司法+律师"
    assert "孙律师" in win.sessions_tab.record.toPlainText()

    # ---- the agreement with two obligations --------------------------------------------
    win.tabs.setCurrentWidget(win.outcome_tab)
    editor = win.outcome_tab.agreement
    commit_text(editor.responsibilities, "刘䶮对漏水造成的损失承担全部责任。")
    table = editor.obligations
    wang_id, liu_id = (p.id for p in win.detail.parties)
    for content, amount in (("赔偿天花板维修费", "8000"), ("赔偿误工费", "2,000")):
        click(qtbot, table.add_button)
        row = table.table.rowCount() - 1
        table._combo(row, 0).setCurrentIndex(table._combo(row, 0).findData(liu_id))
        table._combo(row, 1).setCurrentIndex(table._combo(row, 1).findData(wang_id))
        commit_text(table._edit(row, 2), content)
        qtbot.keyClicks(table.amount_edit(row), amount)
        commit_text(table._edit(row, 4), "银行转账")
    assert table.total_label.text() == "合计 ¥10,000.00（人民币壹万元整）"
    commit_text(editor.other_terms, "双方就此纠纷再无其他争议。")
    activate(qtbot, win)
    qtbot.keyClick(editor.facts, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    settle(qtbot, lambda: win.detail.agreement is not None)
    assert win.detail.agreement.total_amount == Decimal("10000.00")

    # ---- preview the draft -------------------------------------------------------------
    click(qtbot, editor.preview_button)
    settle(qtbot, lambda: win.preview is not None and win.preview.isVisible())
    assert win.preview.pdf.page_count() >= 1
    win.preview.close()

    # ---- everyone signs on the pad -----------------------------------------------------
    for row, how in ((0, "tablet"), (1, "touch"), (2, "mouse")):
        editor.signers.selectRow(row)
        click(qtbot, editor.sign_button)
        pad_dialog = editor.sign_dialog
        qtbot.waitExposed(pad_dialog)
        sign(pad_dialog.pad, how)
        click(qtbot, pad_dialog.buttons.button(QDialogButtonBox.StandardButton.Ok))
        settle(qtbot, lambda n=row + 1: len(win.detail.signatures) == n)
    assert editor.conclude_button.isEnabled()
    click(qtbot, editor.conclude_button)
    settle(qtbot, lambda: win.detail.status == "succeeded")

    # ---- the final agreement: preview, then print to a PDF file -------------------------
    win.preview = None
    activate(qtbot, win)
    qtbot.keyClick(editor.facts, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    settle(qtbot, lambda: win.preview is not None and win.preview.isVisible(), timeout=20000)
    view = win.preview.pdf
    assert view.copies == 3  # two parties + one for the file
    printer = view.make_printer()
    assert printer.copyCount() == 3
    out = tmp_path / "协议书.pdf"
    printer.setOutputFormat(QtPrintSupport.QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(out))
    view.print_to(printer)
    text = subprocess.run(["pdftotext", "-layout", str(out), "-"], check=True,
                          capture_output=True, text=True).stdout
    flat = "".join(text.split())
    for expected in ("人民调解协议书", number, "王𠮷", "刘䶮", "赔偿天花板维修费",
                     "人民币捌仟元整", "人民币贰仟元整", "周主任"):
        assert expected in flat, expected
    images = subprocess.run(["pdfimages", "-list", str(out)], check=True, capture_output=True,
                            text=True).stdout.splitlines()[2:]
    kinds = [line.split()[2] for line in images]
    # The pad signatures of both parties and the mediator, printed with their transparency.
    assert kinds.count("image") >= 3 and kinds.count("smask") >= 3
    win.preview.close()

    # ---- follow-up ---------------------------------------------------------------------
    win.tabs.setCurrentWidget(win.followup_tab)
    assert "申请期限" in win.followup_tab.deadline_label.text()
    click(qtbot, win.followup_tab.add_button)
    follow = win.followup_tab.dialog
    qtbot.waitExposed(follow)
    follow.performance.setCurrentIndex(follow.performance.findData("full"))
    commit_text(follow.findings, "刘䶮已于当日转账一万元，王𠮷确认收到。")
    click(qtbot, follow.buttons.button(QDialogButtonBox.StandardButton.Save))
    settle(qtbot, lambda: len(win.detail.follow_ups) == 1)

    # ---- identity scan, then archive ---------------------------------------------------
    scan = tmp_path / "身份证复印件.png"
    scan.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    win.attachments_tab.add_files([scan], "identity")
    settle(qtbot, lambda: len(win.detail.attachments) == 1)
    click(qtbot, win.action_buttons["archive"])
    settle(qtbot, lambda: win.detail.status == "archived")
    assert not any(b.isVisible() for b in win.action_buttons.values())

    # ---- what the database says ----------------------------------------------------------
    detail = desks["zhuren"].cases.get(case_id, unmask=True)
    assert detail.number == number and detail.status == "archived"
    assert [(p.name, p.side) for p in detail.parties] == [("王𠮷", "applicant"),
                                                           ("刘䶮", "respondent")]
    assert detail.parties[0].id_number == WANG_ID
    assert detail.referring_unit == "青山派出所" and detail.source == "police_110"
    kinds = {p.kind: p for p in detail.sessions[0].participants}
    assert kinds["police"].unit == "青山派出所" and kinds["police"].number == "031234"
    assert kinds["lawyer"].number == "13301201910123456"
    assert kinds["judicial"].name == "钱助理"
    agreement = detail.agreement
    assert agreement is not None and agreement.status != "draft"
    assert [(o.content, o.amount, o.payer_name, o.payee_name) for o in agreement.obligations] == [
        ("赔偿天花板维修费", Decimal("8000.00"), "刘䶮", "王𠮷"),
        ("赔偿误工费", Decimal("2000.00"), "刘䶮", "王𠮷")]
    signers = sorted((s.signer_kind, s.signer_name, s.png_sha256 is not None)
                     for s in detail.signatures)
    assert signers == [("mediator", "周主任", True), ("party", "刘䶮", True),
                       ("party", "王𠮷", True)]
    assert detail.follow_ups[0].performance == "full"
    final = [d for d in detail.documents if d.final and d.form == "agreement"]
    assert len(final) == 1
    assert final[0].sha256 == hashlib.sha256(out.read_bytes()).hexdigest()
    history = " ".join(e.summary for e in desks["zhuren"].cases.history(case_id))
    for step in ("登记纠纷", "受理", "民警赵警官", "保存调解协议", "电子签名（签名板）", "调解成功", "回访",
                 "归档"):
        assert step in history, step
    main.close()
    QApplication.processEvents()
