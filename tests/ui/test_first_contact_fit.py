"""What a new user meets first reads whole at every desk size: the committee choice of 案件,
the line under the ID number and the duplicate check of 新建登记, in the main window at the
size it opens with on a 1366×768 screen (1229×691), maximised there, on 1280×800 and larger.

``tests/helpers/screens.layout_problems`` decides what is cut off; the last test breaks each
of these on purpose and sees the checker say so."""

from __future__ import annotations

import pytest

from desktop.app import start_session
from desktop.domain.validators import resident_id_check_char
from desktop.services import Desk
from desktop.services.dto import CaseDraft, PartyInput
from desktop.ui import ops
from desktop.ui.fieldmessage import FieldMessage
from desktop.ui.qt import (
    QComboBox,
    QListWidget,
    QScrollArea,
    Qt,
    QVBoxLayout,
    QWidget,
)
from tests.helpers import screens
from tests.helpers.qtinput import commit_text

# the window: opened on a 1366×768 screen (90 % of it), maximised there, on 1280×800, larger
SIZES = [(1229, 691), (1366, 768), (1280, 800), (1700, 950)]
# 1152×720 is the window a 1280×800 screen opens with: the case list is checked there too
# (the intake form scrolls sideways at that size, as it did before these checks)
CASE_LIST_SIZES = [*SIZES, (1152, 720)]
LONG_COMMITTEE = "杭州市西湖区北山街道人民调解委员会"
ID17 = "11010519881228002"  # born 28 December: the longest date a check line can show
ID = ID17 + resident_id_check_char(ID17)
HITS = 8
LONG_TITLE = "楼上卫生间长期漏水致楼下天花板和墙面受损赔偿纠纷"


def settle(qtbot) -> None:
    ops.wait_idle(10000)
    qtbot.wait(60)
    ops.wait_idle(10000)


def main_window(qtbot, ui_db, actor):  # type: ignore[no-untyped-def]
    win = start_session(ui_db, actor)
    qtbot.addWidget(win)
    win.setWindowState(Qt.WindowState.WindowNoState)
    win.show()
    qtbot.waitExposed(win)
    return win


def at(qtbot, win, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    win.resize(*size)
    settle(qtbot)
    assert (win.width(), win.height()) == size


@pytest.mark.slow
def test_the_committee_choice_reads_whole(qtbot, ui_app, ui_db, ui_actors):
    desk = Desk(ui_db, ui_actors["admin"])
    desk.committees.add(LONG_COMMITTEE, "北")
    win = main_window(qtbot, ui_db, ui_actors["admin"])
    page = win.show_page("cases")
    qtbot.waitUntil(lambda: page.lookups_ready and page.committee.count() == 3, timeout=10000)
    for size in CASE_LIST_SIZES:
        for text in (LONG_COMMITTEE, "青山街道人民调解委员会", "全部调委会（2 个）"):
            page.committee.setCurrentIndex(page.committee.findText(text))
            at(qtbot, win, size)
            assert page.committee.currentText() == text
            assert screens.layout_problems(win) == [], (size, text)
    # it is the scope, beside 范围： in the page's head
    assert page.scope_prefix.isVisible() and not page.scope_label.isVisible()
    assert page.scope_text() == "范围：全部调委会（2 个）"


@pytest.mark.slow
def test_the_id_line_and_the_duplicates_read_whole(qtbot, ui_app, ui_db, ui_actors):
    desk = Desk(ui_db, ui_actors["admin"])
    for _ in range(HITS):  # enough for the list to need its vertical scroll bar
        desk.intake.register(CaseDraft(
            parties=[PartyInput("王𠮷祥", id_number=ID, phone="13800138000"),
                     PartyInput("青山物业服务有限公司第二分公司", side="respondent",
                                kind="organization", legal_rep="张三")],
            dispute_type="neighbor", source="party_apply", title=LONG_TITLE,
            facts="此前登记的纠纷"))
    win = main_window(qtbot, ui_db, ui_actors["admin"])
    page = win.show_page("intake")
    settle(qtbot)
    card = page.parties.editors[0]
    commit_text(card.name, "王𠮷祥")
    qtbot.keyClicks(card.id_number, ID)
    qtbot.waitUntil(lambda: page.duplicate_list.count() == HITS, timeout=10000)
    line = card.messages["id_number"]
    for size in SIZES:
        at(qtbot, win, size)
        page.form_scroll.verticalScrollBar().setValue(0)
        assert screens.layout_problems(win) == [], size
        assert line.text() == line.full_text()
        # the vertical scroll bar narrows the list: its entries wrap narrower
        assert page.duplicate_list.verticalScrollBar().isVisible(), size
    assert line.full_text() == "✓ 女，1988年12月28日生"  # as a judgment introduces a party


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


def _inked_runs(button: QWidget) -> list[tuple[int, int]]:
    """Runs of pixel columns inside the button's frame where something is drawn (text, arrow):
    a pixel differs clearly from the button's background at its left inner edge."""
    img = button.grab().toImage()
    w, h = img.width(), img.height()
    background = img.pixelColor(3, h // 2)
    runs: list[tuple[int, int]] = []
    start = None
    for x in range(3, w - 3):
        inked = any(abs(img.pixelColor(x, y).lightness() - background.lightness()) > 40
                    for y in range(3, h - 3))
        if inked and start is None:
            start = x
        if not inked and start is not None:
            runs.append((start, x - 1))
            start = None
    if start is not None:
        runs.append((start, w - 4))
    return runs


def test_reports_committee_choice_draws_its_arrow_clear_of_the_name(qtbot, ui_app, ui_db,
                                                                     ui_actors) -> None:
    """报表's committee choice is a menu button: its arrow stands apart from the committee's
    name, as the drop-downs' arrows do (Fusion's own sat over the last character of
    东湖街道人民调解委员会 on a fresh install at 1366×768)."""
    from desktop.ui.reports import ReportsPage

    desk = Desk(ui_db, ui_actors["admin"])
    desk.committees.add("河西镇人民调解委员会", "河")  # two: the choice is open, 全部调委会
    page = ReportsPage(desk)
    qtbot.addWidget(page)
    page.resize(1033, 691)  # the window a 1366×768 screen opens with, less the sidebar
    page.show()
    qtbot.waitExposed(page)
    qtbot.waitUntil(lambda: page.committee_button.isEnabled(), timeout=10000)
    for label in (None, LONG_COMMITTEE):
        if label is not None:  # as a mediator's page names its only committee
            page._update_committee_label([(1, label)])
        settle(qtbot)
        button = page.committee_button
        runs = _inked_runs(button)
        assert len(runs) >= 2, (button.text(), runs)
        arrow, text_end = runs[-1], runs[-2][1]
        assert arrow[1] - arrow[0] <= 12, (button.text(), runs)  # the arrow alone, 10 px wide
        assert arrow[0] - text_end >= 6, (button.text(), runs)  # a clear gap before it
