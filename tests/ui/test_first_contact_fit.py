"""What a new user meets first reads whole at every desk size: the committee choice of 案件,
the line under the ID number and the duplicate check of 新建登记, in the main window at the
size it opens with on a 1366×768 screen (1229×691), maximised there, on 1280×800 and larger.

``tests/helpers/screens.layout_problems`` decides what is cut off; the last test breaks each
of these on purpose and sees the checker say so."""

from __future__ import annotations

from desktop.ui.fieldmessage import FieldMessage
from desktop.ui.qt import QComboBox, QListWidget, QScrollArea, QVBoxLayout, QWidget
from tests.helpers import screens

LONG_COMMITTEE = "杭州市西湖区北山街道人民调解委员会"
LONG_TITLE = "楼上卫生间长期漏水致楼下天花板和墙面受损赔偿纠纷"


def test_the_checks_see_a_cut_choice_an_elided_line_and_a_sideways_list(qtbot, ui_app):
    """Each kind of cut-off the checks look for, made on purpose: a drop-down too narrow for
    its choice, a message line elided (also inside a scroll area) and a list of entries wider
    than it."""
    window = QWidget()
    qtbot.addWidget(window)
    box = QComboBox(window, objectName="narrowChoice")
    box.addItem(LONG_COMMITTEE)
    box.setFixedWidth(120)
    line = FieldMessage(window)
    line.setFixedWidth(80)
    line.show_message("✓ 出生日期 1988年12月28日，女", "ok")
    entries = QListWidget(window, objectName="wideEntries")
    entries.setFixedWidth(120)
    entries.addItem(LONG_TITLE)
    scroll = QScrollArea(window)
    inner = QWidget()
    scrolled_line = FieldMessage(inner)
    scrolled_line.setObjectName("scrolledLine")
    scrolled_line.setFixedWidth(80)
    scrolled_line.show_message("姓名中不能有数字“3”，请删除。")
    QVBoxLayout(inner).addWidget(scrolled_line)
    scroll.setWidget(inner)
    column = QVBoxLayout(window)
    for w in (box, line, entries, scroll):
        column.addWidget(w)
    window.resize(400, 500)
    window.show()
    qtbot.waitExposed(window)
    problems = screens.layout_problems(window)
    found = {p.split("(")[0] for p in problems}
    assert found == {"QComboBox#narrowChoice", "FieldMessage#fieldMessage",
                     "QListWidget#wideEntries", "FieldMessage#scrolledLine"}, problems
    assert any("needs" in p and "for its text" in p for p in problems)
    assert any("scrolls sideways" in p for p in problems)
