"""A form that keeps still (issue 11, point 4): messages take a reserved line and optional
rows are disabled, not hidden, so no field moves while the user works — measured as the y of
every field below, in the page's coordinates, before and after."""

from __future__ import annotations

import datetime as dt

import pytest

from desktop.services.dto import CaseDraft, PartyInput
from desktop.ui import ops
from desktop.ui.intake import IntakePage
from desktop.ui.qt import QDialogButtonBox, QLineEdit, QPlainTextEdit, Qt, QWidget
from tests.helpers.qtinput import commit_text

pytestmark = pytest.mark.gui


def make_page(qtbot, desk) -> IntakePage:
    page = IntakePage(desk)
    qtbot.addWidget(page)
    page.resize(1366 - 220, 768 - 60)  # the main window's page area at 1366×768
    page.show()
    qtbot.waitExposed(page)
    ops.wait_idle()
    return page


def positions(top: QWidget, fields: list[QWidget]) -> list[tuple[int, int]]:
    QWidget.update(top)
    return [(f.mapTo(top, f.rect().topLeft()).y(), f.height()) for f in fields]


def intake_fields(page: IntakePage) -> list[QWidget]:
    """Every input of the page: both party cards, then the dispute rows."""
    out: list[QWidget] = []
    for editor in page.parties.editors:
        out += [w for w in editor.findChildren(QWidget)
                if isinstance(w, (QLineEdit, QPlainTextEdit)) or w.objectName() in (
                    "dispute_type", "source")]
    return out + [page.dispute_type, page.source, page.referring_unit, page.referral_ref,
                  page.title_edit, page.amount, page.facts, page.requests]


def settle_layout(qtbot) -> None:
    qtbot.wait(30)  # let the layouts run, as they would between two key presses


def test_an_inline_error_never_moves_the_fields_below(qtbot, desks):
    page = make_page(qtbot, desks["wang"])
    a, _b = page.parties.editors
    fields = intake_fields(page)
    before = positions(page, fields)
    qtbot.keyClicks(a.phone, "12345678901")  # not a phone number: error under the field
    a.phone.editingFinished.emit()
    settle_layout(qtbot)
    message = a.messages["phone"]
    assert message.is_error() and message.full_text() == "手机11位或带区号固话"
    assert message.height() == message.sizeHint().height()  # one line, not four
    assert a.phone.property("invalid") is True
    assert positions(page, fields) == before
    qtbot.keyClicks(a.id_number, "1101051949")  # a long validator text: elided, same line
    a.id_number.editingFinished.emit()
    settle_layout(qtbot)
    assert a.messages["id_number"].is_error()
    assert a.messages["id_number"].toolTip() == a.messages["id_number"].full_text()
    assert positions(page, fields) == before
    a.phone.clear()
    a.id_number.clear()
    settle_layout(qtbot)
    assert not message.is_error() and a.phone.property("invalid") is False
    assert positions(page, fields) == before


def test_service_errors_take_their_reserved_lines(qtbot, desks):
    page = make_page(qtbot, desks["wang"])
    page.source.setCurrentIndex(page.source.findData("police_110"))
    settle_layout(qtbot)
    fields = intake_fields(page)
    before = positions(page, fields)
    page.register()  # everything missing: the service names the fields
    assert ops.wait_idle()
    settle_layout(qtbot)
    assert page.field_messages["facts"].full_text() == "请填写纠纷简要情况。"
    assert page.facts.property("invalid") is True
    assert positions(page, fields) == before
    for box in [w for w in page.window().findChildren(QWidget) if w.objectName() == "errorBox"]:
        box.close()


def test_choosing_the_source_disables_rows_instead_of_removing_them(qtbot, desks):
    page = make_page(qtbot, desks["wang"])
    fields = intake_fields(page)
    page.source.setCurrentIndex(page.source.findData("police_110"))
    settle_layout(qtbot)
    before = positions(page, fields)
    assert page.referring_unit.isEnabled()
    commit_text(page.referring_unit, "青山派出所")
    page.source.setCurrentIndex(page.source.findData("party_apply"))
    settle_layout(qtbot)
    assert page.referring_unit.isVisible() and not page.referring_unit.isEnabled()
    assert positions(page, fields) == before
    assert page.draft().referring_unit == ""  # a disabled row is not saved
    page.source.setCurrentIndex(page.source.findData("court_pre"))
    settle_layout(qtbot)
    assert page.referring_unit.isEnabled() and page.referring_unit.text() == "青山派出所"
    assert positions(page, fields) == before


def test_person_or_organisation_keeps_the_card_still(qtbot, desks):
    page = make_page(qtbot, desks["wang"])
    a = page.parties.editors[0]
    fields = intake_fields(page)
    before = positions(page, fields)
    qtbot.mouseClick(a.org_radio, Qt.MouseButton.LeftButton)
    settle_layout(qtbot)
    assert not a.id_number.isEnabled() and a.credit_code.isEnabled()
    assert positions(page, fields) == before
    qtbot.mouseClick(a.person_radio, Qt.MouseButton.LeftButton)
    settle_layout(qtbot)
    assert positions(page, fields) == before


def test_lawyer_licence_is_checked_as_typed(qtbot, desks):
    from desktop.ui.case import CaseWindow

    desk = desks["wang"]
    ref = desk.intake.register(CaseDraft(
        parties=[PartyInput("王𠮷"), PartyInput("李四", side="respondent")],
        dispute_type="neighbor", source="party_apply", facts="噪音。"))
    desk.intake.accept(ref.id, ref.version)
    win = CaseWindow(desk, ref.id)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    qtbot.waitUntil(lambda: ops.wait_idle(50) and win.detail is not None, timeout=5000)
    win.tabs.setCurrentWidget(win.sessions_tab)
    qtbot.mouseClick(win.sessions_tab.add_button, Qt.MouseButton.LeftButton)
    dialog = win.sessions_tab.dialog
    qtbot.waitExposed(dialog)
    people = dialog.participants
    qtbot.mouseClick(people.quick_buttons["lawyer"], Qt.MouseButton.LeftButton)
    row = people.table.rowCount() - 1
    commit_text(people.cell(row, 1), "孙律师")
    below = [dialog.content, dialog.result_text, dialog.recorder]
    before = positions(dialog, below)
    number = people.cell(row, 5)
    qtbot.keyClicks(number, "133012019")
    assert people.message.full_text() == "孙律师：执业证号已输入 9/17 位"
    assert people.message.property("state") == "hint"
    qtbot.keyClicks(number, "1A")
    assert people.message.full_text() == "孙律师：律师执业证号只能是数字。"
    assert number.property("invalid") is True
    assert positions(dialog, below) == before
    qtbot.keyClick(number, Qt.Key.Key_Backspace)
    qtbot.keyClick(number, Qt.Key.Key_Backspace)
    # Leaving the field with 9 digits: an error now, and Save does not close the dialog.
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Save),
                     Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    assert people.message.full_text() == "孙律师：律师执业证号应为17位数字，当前为9位。"
    assert positions(dialog, below) == before
    qtbot.keyClicks(number, "10123456")
    assert people.message.full_text() == "" and number.property("invalid") is False
    commit_text(people.cell(row, 3), "青山律师事务所")
    commit_text(dialog.content, "律师释明相邻关系的法律规定。")  # 调解过程 is required
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Save),
                     Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: ops.wait_idle(50) and len(win.detail.sessions) == 1, timeout=5000)
    lawyer = next(p for p in win.detail.sessions[0].participants if p.kind == "lawyer")
    assert lawyer.number == "13301201910123456"
    assert dt.date.today() == win.detail.sessions[0].started_at.date()
