"""The 报表 screen and the ledger wizard, offscreen, on the hand-counted fixture."""

from __future__ import annotations

import pytest

from desktop.reports.period import Period
from desktop.services import Desk
from desktop.ui import ops
from desktop.ui.qt import Qt
from tests.reports.ledgers import sweep_rows, write_xlsx

NOV = Period.parse("2026-11")


@pytest.fixture
def page_for(qtbot, seeded_sqlite):  # type: ignore[no-untyped-def]
    desks, ids = seeded_sqlite
    made = []

    def make(username: str = "admin"):  # type: ignore[no-untyped-def]
        from desktop.ui.reports import ReportsPage

        page = ReportsPage(Desk(desks.db, desks.actor(username)))
        qtbot.addWidget(page)
        made.append(page)
        ops.wait_idle(10000)
        qtbot.waitUntil(lambda: page.report is not None, timeout=10000)
        show(qtbot, page, NOV)
        return page

    yield make, ids
    ops.wait_idle(10000)


def show(qtbot, page, period: Period) -> None:  # type: ignore[no-untyped-def]
    """Show ``period`` and wait for *its* report: changing the period pickers starts reports of
    their own, and the first report shown may be one of those (on the first day of a month the
    page opens on a different month than the one the tests ask for)."""
    page.set_period(period)
    page.refresh()
    qtbot.waitUntil(lambda: page.report is not None and page.report.period == period,
                    timeout=10000)
    ops.wait_idle(10000)


def cell(page, key: str, row_label: str, column: str) -> str:  # type: ignore[no-untyped-def]
    w, table, _b = page.tables[key]
    r = [row[0] for row in table.rows].index(row_label)
    c = table.header.index(column)
    return w.item(r, c).text()


def test_figures_rates_tables_and_chart(page_for) -> None:  # type: ignore[no-untyped-def]
    make, _ids = page_for
    page = make()
    assert "2026年11月" in page.title.text()
    assert "4 ÷ 7 = <b>57.14%</b>" in page.rates.text()
    assert "3 ÷ 5 = <b>60.00%</b>" in page.rates.text()
    assert cell(page, "dispute_type", "邻里", "受理") == "3"
    assert cell(page, "dispute_type", "邻里", "调解成功率") == "66.67%"
    assert cell(page, "dispute_type", "合同", "调解成功率") == "—"
    assert cell(page, "joint", "公安+司法+律师", "协议涉及金额") == "30,000.00"
    assert cell(page, "mediator", "未分配", "未结") == "1"
    assert page.tabs.count() == 9  # 汇总, 6 breakdowns, 12-month trend, 排查化解
    assert page.tabs.tabText(0) == "汇总"
    from desktop.ui.qt import QtCharts

    views = page.chart_holder.findChildren(QtCharts.QChartView)
    assert {v.objectName() for v in views} == {"typeChart", "trendChart"}
    bars = page.chart.series()[0].barSets()
    assert [b.label() for b in bars] == ["受理", "调解成功"]
    assert sum(bars[0].at(i) for i in range(bars[0].count())) == 7


def test_drill_down_lists_the_cases_and_opens_one(page_for, qtbot) -> None:  # type: ignore[no-untyped-def]
    make, ids = page_for
    page = make()
    _w, table, _b = page.tables["dispute_type"]
    r = [row[0] for row in table.rows].index("邻里")
    page.drill("dispute_type", r, table.header.index("受理"))
    ops.wait_idle(10000)
    qtbot.waitUntil(lambda: page.drill_dialog is not None, timeout=5000)
    dlg = page.drill_dialog
    assert sorted(dlg.case_ids()) == sorted([ids["c1"], ids["c2"], ids["c8"]])
    assert dlg.count_label.text() == "共 3 件"
    with qtbot.waitSignal(page.open_case, timeout=2000) as sig:
        dlg.table.cellDoubleClicked.emit(0, 1)
    assert sig.args[0] in (ids["c1"], ids["c2"], ids["c8"])
    # the summary's 超期 value and a rate cell (not a count: no drill-down)
    _s, st, _ = page.tables["summary"]
    assert page.drill_target("summary", [r[0] for r in st.rows].index("超期"), 1) == \
        ("overdue", "total", "")
    assert page.drill_target("dispute_type", r, table.header.index("调解成功率")) is None


def test_committee_pick_and_mediator_scope(page_for, qtbot) -> None:  # type: ignore[no-untyped-def]
    make, ids = page_for
    page = make("admin")
    assert page.committee_button.isEnabled()
    page.set_committees([ids["B"]])
    show(qtbot, page, NOV)
    assert "河西镇" in page.title.text()
    assert "1 ÷ 2 = <b>50.00%</b>" in page.rates.text()
    assert "调委会" not in [page.tabs.tabText(i) for i in range(page.tabs.count())]
    mediator = make("zhao")
    assert not mediator.committee_button.isEnabled()
    assert "河西镇" in mediator.title.text()


def test_export_buttons_write_files(page_for, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import openpyxl

    make, _ids = page_for
    page = make()
    for fmt in ("xlsx", "csv", "pdf"):
        target = tmp_path / f"r.{fmt}"
        page.export_to(fmt, str(target))
        ops.wait_idle(30000)
        assert target.exists() and page.last_export == str(target)
    assert openpyxl.load_workbook(tmp_path / "r.xlsx")["纠纷类型"]["B3"].value == "受理"


def test_ledger_wizard_imports_and_refuses_bad_files(page_for, qtbot, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from desktop.ui.ledger_wizard import LedgerWizard
    from desktop.ui.qt import QWizard

    make, _ids = page_for
    page = make("zhuren")
    good = write_xlsx(tmp_path / "台账.xlsx", sweep_rows(12, 9))
    wiz = LedgerWizard(page.desk, page)
    qtbot.addWidget(wiz)
    wiz.show()
    wiz.file_page.path.setText(str(good))
    wiz.next()  # the file is read off the UI thread; the page advances when it is done
    qtbot.waitUntil(lambda: wiz.currentPage() is wiz.mapping_page, timeout=10000)
    assert wiz.mapping_page.mapping()["found_on"] == 1
    assert wiz.mapping_page.isComplete()
    wiz.next()
    qtbot.waitUntil(lambda: not wiz.busy(), timeout=10000)
    assert wiz.currentPage() is wiz.check_page and wiz.check_page.isComplete()
    assert "全部检查通过" in wiz.check_page.status.text()
    assert wiz.check_page.preview.rowCount() == 12
    with qtbot.waitSignal(wiz.imported, timeout=10000):
        wiz.button(QWizard.WizardButton.FinishButton).click()
    assert (wiz.result.new, wiz.result.resolved) == (12, 9)

    rows = sweep_rows(3, 1)
    rows[1][3] = "外星人纠纷"
    bad = write_xlsx(tmp_path / "bad.xlsx", rows)
    wiz2 = LedgerWizard(page.desk, page)
    qtbot.addWidget(wiz2)
    wiz2.show()
    wiz2.file_page.path.setText(str(tmp_path / "nope.xlsx"))
    wiz2.next()
    qtbot.waitUntil(lambda: not wiz2.busy(), timeout=10000)
    assert wiz2.currentPage() is wiz2.file_page and "找不到文件" in wiz2.file_page.error.text()
    wiz2.file_page.path.setText(str(bad))
    wiz2.next()
    qtbot.waitUntil(lambda: wiz2.currentPage() is wiz2.mapping_page, timeout=10000)
    wiz2.next()
    qtbot.waitUntil(lambda: not wiz2.busy(), timeout=10000)
    assert wiz2.currentPage() is wiz2.check_page and not wiz2.check_page.isComplete()
    assert wiz2.check_page.problems.item(0).text().startswith("第 4 行“纠纷类型”列")
    # a required column unmapped: the mapping page will not let the user go on
    wiz2.back()
    wiz2.mapping_page.combos["parties"].setCurrentIndex(0)
    assert not wiz2.mapping_page.isComplete()


def test_refreshes_when_data_changes(page_for, qtbot) -> None:  # type: ignore[no-untyped-def]
    make, _ids = page_for
    page = make()
    page.show()
    with qtbot.waitSignal(page.report_shown, timeout=10000):
        ops.notify(ops.ChangeKind.CASE, [1])  # an outcome is a case change
    page.hide()
    with qtbot.assertNotEmitted(page.report_shown, wait=300):
        ops.notify(ops.ChangeKind.CASE, [1])  # hidden pages do not recompute


def test_charts_read_with_all_15_types_at_1366x768(qtbot, ui_app, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """With the 15 real dispute types no category label is elided and the count axes show
    numbers (they showed "婚…/生…" and "…" when the chart sat under the tables). With the
    app's own font and theme (ui_app): without them the test passed alone and failed after
    any test that had set them up, which is what a user sees."""
    import datetime as dt

    from desktop.services import auth
    from desktop.services.demo import ensure_demo_accounts, generate
    from desktop.store.opening import open_database
    from desktop.ui.qt import QFontMetrics, QtCharts
    from desktop.ui.reports import ReportsPage

    db = open_database(f"sqlite:///{tmp_path / 'demo.sqlite3'}")
    try:
        user, password = ensure_demo_accounts(db)
        generate(db, 2500, months=12, today=dt.date(2026, 11, 30))
        page = ReportsPage(Desk(db, auth.login(db, user, password)))
        qtbot.addWidget(page)
        page.resize(1366 - 180, 768 - 90)  # the page beside the sidebar, under the title bar
        page.show()
        ops.wait_idle(10000)
        qtbot.waitUntil(lambda: page.report is not None, timeout=20000)
        show(qtbot, page, Period.parse("2026-10"))
        page.views.setCurrentWidget(page.chart_scroll)
        qtbot.waitUntil(lambda: page.chart.plotArea().height() > 0, timeout=5000)
        cats = page.chart.axes(Qt.Orientation.Vertical)[0]
        labels = list(cats.categories())
        assert len(labels) == 15
        assert not cats.truncateLabels()  # Qt's default elides whatever the room
        # every type name fits in the room left of the plot area, with the axis' own font
        room = page.chart.plotArea().left() - page.chart.geometry().left()
        widest = max(QFontMetrics(cats.labelsFont()).horizontalAdvance(t) for t in labels)
        assert widest < room
        # 15 groups of two bars need at least a readable line each
        assert page.chart.plotArea().height() / 15 >= QFontMetrics(cats.labelsFont()).height()
        values = page.chart.axes(Qt.Orientation.Horizontal)[0]
        assert values.labelFormat() == "%d" and values.tickCount() >= 2
        assert not values.truncateLabels()
        top = max(r.counts["accepted"] for r in page.report.breakdown("dispute_type").rows)
        assert values.max() >= top and values.max() % (values.tickCount() - 1) == 0
        trend = next(v for v in page.chart_holder.findChildren(QtCharts.QChartView)
                 if v.objectName() == "trendChart").chart()
        months = trend.axes(Qt.Orientation.Horizontal)[0].categoriesLabels()
        assert months[-1] == "10月" and len(months) == 12
        assert not trend.axes(Qt.Orientation.Horizontal)[0].truncateLabels()
        trend_values = trend.axes(Qt.Orientation.Vertical)[0]
        assert trend_values.labelFormat() == "%d" and trend_values.tickCount() >= 2
    finally:
        ops.wait_idle(10000)
        db.close()



def test_official_table_button_writes_pdf_and_xlsx(page_for, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import openpyxl

    make, _ids = page_for
    page = make()
    assert page.official_button.text() == "导出月报表…"
    for fmt in ("xlsx", "pdf"):
        target = tmp_path / f"月报表.{fmt}"
        page.export_official_to(fmt, str(target))
        ops.wait_idle(30000)
        assert target.exists() and page.last_export == str(target)
    ws = openpyxl.load_workbook(tmp_path / "月报表.xlsx").active
    assert ws["A1"].value == "人民调解工作统计月报表" and ws["A20"].value == "合计"
    assert (tmp_path / "月报表.pdf").read_bytes().startswith(b"%PDF")
