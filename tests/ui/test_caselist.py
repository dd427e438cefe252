"""案件: SQL paging through the model, debounced search off the UI thread, filters, sort."""

from __future__ import annotations

import pytest

from desktop.ui import caselist, ops
from desktop.ui.caselist import CaseListPage
from desktop.ui.qt import Qt
from tests.helpers.qtinput import type_text


@pytest.fixture
def page(qtbot, ui_app, ui_admin_desk):
    p = CaseListPage(ui_admin_desk)
    qtbot.addWidget(p)
    p.resize(1200, 700)
    p.show()
    qtbot.waitUntil(lambda: p.lookups_ready and not p.model.loading
                    and p.model.rowCount() == 5 and p.model.total == 5, timeout=10000)
    return p


def _settled(qtbot, page):
    qtbot.waitUntil(lambda: not page.debounce.isActive() and ops.running() == 0
                    and not page.model.loading, timeout=10000)


def test_first_page_newest_first(page):
    numbers = [page.model.index(r, 0).data() for r in range(5)]
    assert numbers[0].startswith("未受理（") and "登记）" in numbers[0]
    assert page.count_label.text() == "共 5 件"


def test_pinyin_initials_search_is_debounced(qtbot, page):
    calls: list = []
    real = page.desk.cases.search
    page.desk.cases.search = lambda q: (calls.append(q.text), real(q))[1]
    type_text(page.search, "zsf")
    assert page.debounce.isActive()  # typing costs the UI thread only a timer restart
    _settled(qtbot, page)
    assert calls == ["zsf"]  # one query for three keystrokes
    assert page.model.rowCount() == 1
    assert page.model.index(0, 1).data() == "张三丰 与 李四"


def test_chinese_name_search(qtbot, page):
    type_text(page.search, "王五")
    _settled(qtbot, page)
    assert [page.model.index(r, 1).data() for r in range(page.model.rowCount())] == ["王五 与 赵六"]


def test_phone_search(qtbot, page):
    type_text(page.search, "13800130002")
    _settled(qtbot, page)
    assert page.model.rowCount() == 1 and "陈静" in page.model.index(0, 1).data()


def test_status_filter_and_clear(qtbot, page):
    page.status.setCurrentIndex(page.status.findText("已受理"))
    _settled(qtbot, page)
    assert page.model.rowCount() == 3
    page.clear_filters()
    _settled(qtbot, page)
    assert page.model.rowCount() == 5


def test_sort_by_number(qtbot, page):
    page.view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    _settled(qtbot, page)
    numbers = [page.model.index(r, 0).data() for r in range(page.model.rowCount())]
    accepted = [n for n in numbers if "号" in n and not n.startswith("（未")]
    assert accepted == sorted(accepted)


def test_pages_are_fetched_as_the_view_scrolls(qtbot, page, monkeypatch):
    monkeypatch.setattr(caselist, "FIRST_PAGE", 1)
    monkeypatch.setattr(caselist, "PAGE", 2)
    asked: list[tuple[int, int]] = []
    search = page.desk.cases.search

    def recording(q):  # the real search, noting the page asked for
        asked.append((q.offset, q.limit))
        return search(q)

    monkeypatch.setattr(page.desk.cases, "search", recording)
    page.apply_now()
    qtbot.waitUntil(lambda: not page.model.loading and page.model.rowCount() >= 1, timeout=10000)
    while page.model.canFetchMore():
        page.model.fetchMore()
        qtbot.waitUntil(lambda: not page.model.loading, timeout=10000)
    assert page.model.rowCount() == 5 and page.model.exhausted
    assert asked == [(0, 1), (1, 2), (3, 2), (5, 2)]  # the first page is the smaller one


def test_stale_results_are_dropped(qtbot, page):
    for text in ("王", "张", "zs"):
        page.search.setText(text)
        page.apply_now()
    _settled(qtbot, page)
    assert page.model.query.text == "zs"
    assert [page.model.index(r, 1).data() for r in range(page.model.rowCount())] == ["张三丰 与 李四"]


def test_enter_opens_the_case(qtbot, page):
    with qtbot.waitSignal(page.open_case, timeout=2000) as sig:
        page.view.activated.emit(page.model.index(0, 0))
    assert sig.args == [page.model.case_id(0)]


def test_committee_filter_only_for_deployment_wide_users(qtbot, page, ui_app, ui_mediator_desk):
    qtbot.waitUntil(lambda: page.committee.count() == 2, timeout=10000)
    assert not page.committee.isHidden()
    assert page.committee.currentText() == "青山街道人民调解委员会"  # the admin's own, by default
    assert page.current_query().committee_id == page.desk.actor.committee_id
    other = CaseListPage(ui_mediator_desk)
    qtbot.addWidget(other)
    assert other.committee.isHidden() and other.current_query().committee_id is None
    ops.wait_idle()


def test_one_latin_letter_or_digit_does_not_search(qtbot, page):
    from desktop.ui.caselist import search_text

    assert search_text(" z ") == "" and search_text("1") == "" and search_text("90") == ""
    assert search_text("王") == "王" and search_text("zs") == "zs" and search_text("901") == "901"
    assert search_text("z9") == "z9"
    type_text(page.search, "z")
    _settled(qtbot, page)
    assert page.model.rowCount() == 5
    # the count says why everything is still listed, until the text is searched
    assert "字母从第 2 位起开始搜索" in page.count_label.text()
    page.search.clear()
    type_text(page.search, "90")
    _settled(qtbot, page)
    assert page.model.rowCount() == 5 and "数字从第 3 位" in page.count_label.text()
    type_text(page.search, "1")
    _settled(qtbot, page)
    assert "开始搜索" not in page.count_label.text()


def test_keyboard_alone_finds_and_opens_a_case(qtbot, page):
    type_text(page.search, "zsf")
    _settled(qtbot, page)
    qtbot.keyClick(page.search, Qt.Key.Key_Down)
    assert page.view.hasFocus() and page.view.currentIndex().row() == 0
    with qtbot.waitSignal(page.open_case, timeout=2000) as sig:
        qtbot.keyClick(page.view, Qt.Key.Key_Return)
    assert sig.args == [page.model.case_id(0)]


# -- scope: which committees the list covers, and an empty result that says why ------------

def test_scope_is_named(page):
    assert page.scope_text() == "范围：青山街道人民调解委员会"
    # an administrator may choose 全部调委会: the choice stands beside 范围： instead of the line
    assert not page.committee.isHidden() and not page.scope_prefix.isHidden()
    assert page.scope_prefix.text() == "范围：" and page.scope_label.isHidden()
    assert page.committee.currentText() == "青山街道人民调解委员会"
    assert page.committee.itemText(0) == "全部调委会（1 个）"


def test_empty_result_with_one_committee_sends_nobody_to_other_committees(qtbot, page):
    """A new install has one committee: nothing found says why, and does not offer to look
    in 全部调委会 or speak of other committees' cases."""
    assert page.committee.count() == 2  # 全部调委会 and the one committee
    type_text(page.search, "欧阳不存在")
    _settled(qtbot, page)
    qtbot.waitUntil(lambda: page.model.total == 0 and page.stack.currentIndex() == 1,
                    timeout=10000)
    text = page.empty_text.text()
    assert "没有找到符合条件的案件" in text and "搜索“欧阳不存在”" in text
    assert "其他调委会" not in text
    assert not page.widen_scope.isVisibleTo(page) and page.widen_filters.isVisibleTo(page)


def test_empty_result_says_why_and_widens_to_all_committees(qtbot, page):
    from desktop.services.dto import CaseDraft, PartyInput

    other = page.desk.committees.add("河西镇人民调解委员会", "河")
    page.desk.intake.register(CaseDraft(
        parties=[PartyInput("杨兰", side="applicant"), PartyInput("孔明", side="respondent")],
        dispute_type="neighbor", source="party_apply", committee_id=other.id,
        facts="杨兰与孔明因排水发生纠纷。"))
    # the combo learns of a new committee at its next load of the lookups: as that load would
    page.committee.addItem(other.name, other.id)
    type_text(page.search, "杨兰")
    _settled(qtbot, page)
    qtbot.waitUntil(lambda: page.model.total == 0 and page.stack.currentIndex() == 1,
                    timeout=10000)
    text = page.empty_text.text()
    assert "没有找到符合条件的案件" in text
    assert "青山街道人民调解委员会" in text and "搜索“杨兰”" in text
    assert "其他调委会的案件不在此范围内" in text
    assert page.widen_scope.isVisibleTo(page) and page.widen_filters.isVisibleTo(page)
    qtbot.mouseClick(page.widen_scope, Qt.MouseButton.LeftButton)
    _settled(qtbot, page)
    qtbot.waitUntil(lambda: page.model.total == 1, timeout=10000)
    assert page.stack.currentIndex() == 0
    assert page.scope_text() == "范围：全部调委会（2 个）"
    assert page.committee.currentText() == "全部调委会（2 个）"
    assert "杨兰" in page.model.index(0, 1).data()


def test_empty_result_without_filters_offers_no_clearing(qtbot, ui_app, ui_mediator_desk):
    p = CaseListPage(ui_mediator_desk)
    qtbot.addWidget(p)
    p.show()
    qtbot.waitUntil(lambda: p.lookups_ready and p.model.total is not None, timeout=10000)
    assert p.committee.isHidden()  # a mediator works in their own committee only
    assert p.scope_label.text() == "范围：青山街道人民调解委员会"
    assert not p.scope_label.isHidden() and p.scope_prefix.isHidden()
    p.status.setCurrentIndex(p.status.findText("已归档"))
    _settled(qtbot, p)
    qtbot.waitUntil(lambda: p.model.total == 0, timeout=10000)
    assert p.stack.currentIndex() == 1
    assert "状态“已归档”" in p.empty_text.text()
    assert p.widen_filters.isVisibleTo(p) and not p.widen_scope.isVisibleTo(p)
    qtbot.mouseClick(p.widen_filters, Qt.MouseButton.LeftButton)
    _settled(qtbot, p)
    qtbot.waitUntil(lambda: (p.model.total or 0) > 0, timeout=10000)
    assert p.stack.currentIndex() == 0
