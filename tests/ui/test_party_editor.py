"""Party cards: messages next to the fields as the user types, Chinese typed by input method."""

from __future__ import annotations

import datetime as dt

import pytest

from desktop.domain.validators import credit_code_check_char, resident_id_check_char
from desktop.services.dto import PartyInput
from desktop.ui.party import PartyEditor, PartyList, party_from_dict, party_to_dict
from desktop.ui.qt import Qt
from tests.helpers.qtinput import commit_text

pytestmark = pytest.mark.gui

ID17 = "11010519491231002"
GOOD_ID = ID17 + resident_id_check_char(ID17)  # born 1949-12-31, 17th digit 2 → female
BAD_ID = ID17 + ("0" if GOOD_ID[-1] != "0" else "1")
CREDIT17 = "91350100M000100Y4"
GOOD_CREDIT = CREDIT17 + credit_code_check_char(CREDIT17)


@pytest.fixture
def card(qtbot):
    editor = PartyEditor()
    qtbot.addWidget(editor)
    editor.resize(1100, 360)
    editor.show()
    qtbot.waitExposed(editor)
    return editor


def message(card: PartyEditor, key: str) -> str:
    label = card.messages[key]
    assert label.isVisible()  # the line is reserved, empty or not
    return label.full_text()


def test_resident_id_progress_error_and_derived_birth_date(qtbot, card):
    qtbot.keyClicks(card.id_number, GOOD_ID[:10])
    assert message(card, "id_number") == "已输入 10/18 位"
    assert card.messages["id_number"].property("state") == "hint"
    qtbot.keyClicks(card.id_number, BAD_ID[10:])
    assert "校验位错误" in message(card, "id_number")
    assert card.id_number.property("invalid") is True
    card.id_number.clear()
    qtbot.keyClicks(card.id_number, GOOD_ID)
    assert message(card, "id_number") == "✓ 女，1949年12月31日生"
    assert card.id_number.property("invalid") is False
    saved = card.save()
    assert saved.birth_date == dt.date(1949, 12, 31) and saved.sex == "female"
    assert saved.id_number == GOOD_ID


def test_short_id_is_an_error_once_the_user_leaves_the_field(qtbot, card):
    qtbot.keyClicks(card.id_number, "1101051949")
    card.id_number.editingFinished.emit()
    assert message(card, "id_number") == "应为18位，当前为10位。"
    assert card.errors() == {"name": "请填写姓名。", "id_number": "应为18位，当前为10位。"}


def test_names_with_rare_characters_and_middle_dot_typed_by_input_method(qtbot, card):
    commit_text(card.name, "王𠮷")
    assert card.name.text() == "王𠮷"
    assert message(card, "name") == ""
    card.name.clear()
    commit_text(card.name, "买买提·艾力")
    assert message(card, "name") == "" and card.errors() == {}
    card.name.clear()
    commit_text(card.name, "张3")
    assert message(card, "name") == "姓名中不能有数字“3”，请删除。"
    card.name.clear()
    commit_text(card.name, "刘䶮")
    assert card.save().name == "刘䶮"


def test_phone_messages(qtbot, card):
    qtbot.keyClicks(card.phone, "1380013")
    assert message(card, "phone") == "已输入 7/11 位"
    qtbot.keyClicks(card.phone, "8000")
    assert message(card, "phone") == "✓ 手机"
    card.phone.clear()
    qtbot.keyClicks(card.phone, "12345678901")
    assert message(card, "phone") == "手机11位或带区号固话"
    card.phone.clear()
    qtbot.keyClicks(card.phone, "0571-87654321")
    assert message(card, "phone") == "✓ 0571-87654321"


def test_organisation_with_credit_code(qtbot, card):
    qtbot.mouseClick(card.org_radio, Qt.MouseButton.LeftButton)
    # Disabled, not hidden: the card keeps its shape.
    assert not card.id_number.isEnabled() and card.credit_code.isEnabled()
    commit_text(card.name, "青山物业服务有限公司")
    assert message(card, "name") == ""  # an organisation's name is not a person's name
    qtbot.keyClicks(card.credit_code, CREDIT17 + "I")
    assert "无效（代码中不使用字母 I、O、Z、S、V）" in message(card, "credit_code")
    card.credit_code.clear()
    qtbot.keyClicks(card.credit_code, GOOD_CREDIT.lower())
    assert message(card, "credit_code") == ""
    assert card.errors() == {}
    commit_text(card.legal_rep, "赵四")
    saved = card.save()
    assert saved.kind == "organization" and saved.credit_code == GOOD_CREDIT.lower()
    assert saved.legal_rep == "赵四" and saved.id_number == "" and saved.sex is None


def test_other_id_type_has_no_checksum_but_a_format(qtbot, card):
    card.id_type.setCurrentIndex(card.id_type.findData("hk_macao"))
    qtbot.keyClicks(card.id_number, "H1234567")
    card.id_number.editingFinished.emit()
    assert "H 或 M 开头" in message(card, "id_number")
    qtbot.keyClicks(card.id_number, "8")
    assert message(card, "id_number") == ""


def test_list_adds_any_number_keeps_two_and_round_trips_through_a_dict(qtbot):
    parties = PartyList()
    qtbot.addWidget(parties)
    parties.show()
    with qtbot.waitSignal(parties.changed):
        parties.add()
    parties.add()
    parties.add()
    assert [e.heading.text() for e in parties.editors] == ["当事人甲", "当事人乙", "当事人丙"]
    assert [e.save().side for e in parties.editors] == ["applicant", "respondent", "respondent"]
    parties.remove(parties.editors[2])
    assert len(parties.editors) == 2
    assert not parties.editors[0].remove_button.isEnabled()

    commit_text(parties.editors[0].name, "王𠮷")
    qtbot.keyClicks(parties.editors[0].id_number, GOOD_ID)
    commit_text(parties.editors[1].name, "李四")
    qtbot.keyClicks(parties.editors[1].phone, "138001")
    parties.editors[1].phone.editingFinished.emit()
    assert list(parties.errors()) == ["parties[1].phone"]
    assert parties.focus_field("parties[1].phone")

    data = [party_to_dict(p) for p in parties.save()]
    assert data[0]["birth_date"] == "1949-12-31"
    again = PartyList()
    qtbot.addWidget(again)
    again.load([party_from_dict(d) for d in data])
    assert again.save() == parties.save()
    assert again.save()[0] == PartyInput(name="王𠮷", side="applicant", sex="female",
                                         birth_date=dt.date(1949, 12, 31), id_number=GOOD_ID)


def test_tab_order_follows_the_card(qtbot, card):
    card.name.setFocus()
    order = []
    widget = card.name
    for _ in range(8):
        widget = widget.nextInFocusChain()
        while not (widget.isVisible() and widget.isEnabled()) or not (
                widget.focusPolicy() & Qt.FocusPolicy.TabFocus):
            widget = widget.nextInFocusChain()
        order.append(widget.objectName() or type(widget).__name__)
    assert order[:3] == ["QComboBox", "id_number", "QComboBox"]  # id type, number, then sex
    assert "phone" in order
