"""报表: the period's statistics on screen, a chart, drill-down to the cases behind any number,
and the exports (XLSX, PDF, CSV) with progress.

All figures come from ``ReportService`` off the UI thread (``ops``); the tables are built from
``desktop.reports.tables`` so the screen shows exactly what the exports contain. QtCharts is
imported on first use only.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from desktop.reports.figures import Rate, Report
from desktop.reports.period import Period
from desktop.reports.tables import Table, breakdown_table, summary_table, sweep_table, trend_table
from desktop.services.reports import ReportService
from desktop.ui import filedialogs, ops
from desktop.ui import qt as qtmod
from desktop.ui.datefield import DateField
from desktop.ui.qt import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFontMetrics,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPainter,
    QPushButton,
    QScrollArea,
    QSpinBox,
    Qt,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
    Signal,
)

if TYPE_CHECKING:
    from pathlib import Path

    from desktop.services import Desk
    from desktop.services.reports import Drill
    from desktop.ui.qt import QAction, QtCharts

KINDS = ("month", "quarter", "year", "range")
#: what the figures count (cases, the sweep ledger) or name (committees, dispute types …)
REFRESH_KINDS = {ops.ChangeKind.CASE, ops.ChangeKind.SWEEP, ops.ChangeKind.COMMITTEE,
                 ops.ChangeKind.LOOKUP}
KEY_ROLE = Qt.ItemDataRole.UserRole + 10


def fill_table(widget: QTableWidget, table: Table) -> None:
    """Show a report table; numbers right-aligned, rates with numerator ÷ denominator tips."""
    widget.clear()
    widget.setColumnCount(len(table.header))
    widget.setRowCount(len(table.rows))
    widget.setHorizontalHeaderLabels(table.header)
    for i, row in enumerate(table.rows):
        for j, cell in enumerate(row):
            if isinstance(cell, Rate):
                item = QTableWidgetItem(cell.text)
                item.setToolTip(f"{cell.label} = {cell.numerator} ÷ {cell.denominator}\n"
                                f"{cell.definition}")
            elif isinstance(cell, (int, float)) or type(cell).__name__ == "Decimal":
                text = f"{cell:,.2f}" if type(cell).__name__ == "Decimal" else str(cell)
                item = QTableWidgetItem(text)
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            else:
                item = QTableWidgetItem("" if cell is None else str(cell))
            item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
            widget.setItem(i, j, item)
    widget.resizeColumnsToContents()
    if table.rows and table.rows[-1][0] == "合计":
        font = widget.font()
        font.setBold(True)
        for j in range(len(table.header)):
            it = widget.item(len(table.rows) - 1, j)
            if it:
                it.setFont(font)


class DrillDialog(QDialog):
    """The cases behind one number; double-click (or Enter) opens the case."""

    open_case = Signal(int)

    def __init__(self, title: str, drill: Drill, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("drillDialog")
        self.setWindowTitle(title)
        self.resize(820, 460)
        lay = QVBoxLayout(self)
        shown = len(drill.rows)
        note = self.tr("共 {n} 件").format(n=drill.total)
        if shown < drill.total:
            note += self.tr("，显示前 {m} 件").format(m=shown)
        self.count_label = QLabel(note)
        lay.addWidget(self.count_label)
        self.table = QTableWidget(shown, 6)
        self.table.setObjectName("drillTable")
        self.table.setHorizontalHeaderLabels([self.tr("案号"), self.tr("当事人"), self.tr("纠纷类型"),
                                              self.tr("状态"), self.tr("调解员"), self.tr("受理日期")])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        for i, r in enumerate(drill.rows):
            cells = [r.number or self.tr("（未受理）"), r.party_names, r.dispute_type_label,
                     r.status_label, r.mediator_name,
                     f"{r.accepted_on:%Y-%m-%d}" if r.accepted_on else ""]
            for j, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(KEY_ROLE, r.id)
                self.table.setItem(i, j, item)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.cellDoubleClicked.connect(lambda row, _col: self._open(row))
        lay.addWidget(self.table)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)

    def _open(self, row: int) -> None:
        item = self.table.item(row, 0)
        if item is not None:
            self.open_case.emit(int(item.data(KEY_ROLE)))

    def case_ids(self) -> list[int]:
        items = (self.table.item(i, 0) for i in range(self.table.rowCount()))
        return [int(item.data(KEY_ROLE)) for item in items if item is not None]


class ReportsPage(QWidget):
    open_case = Signal(int)
    report_shown = Signal()

    def __init__(self, desk: Desk, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reportsPage")
        self.desk = desk
        self.service = ReportService(desk.db, desk.actor)
        self.report: Report | None = None
        self.tables: dict[str, tuple[QTableWidget, Table, str]] = {}
        self.query = ops.LatestQuery(self)
        self.selected_committees: list[int] = []
        self.last_export: str = ""
        self.drill_dialog: DrillDialog | None = None
        self.committee_actions: list[QAction] = []
        self._build()
        self._load_committees()
        self.refresh()
        ops.changes().changed.connect(self._data_changed)

    def _data_changed(self, kind: ops.ChangeKind, _ids: list[int]) -> None:
        """Figures follow the data: refresh when something counted changed and we are shown."""
        if kind in REFRESH_KINDS and self.isVisible():
            self.refresh()

    # -- layout ----------------------------------------------------------------------------
    def _build(self) -> None:
        lay = QVBoxLayout(self)
        # the same margins and title as 设置 (the other tall page): the page had no title and
        # was the only one that did not say where the user was
        lay.setContentsMargins(28, 14, 28, 10)
        page_title = QLabel(self.tr("报表"), objectName="pageTitle")
        title_row = QHBoxLayout()
        title_row.addWidget(page_title)
        title_row.addStretch(1)
        bar = QHBoxLayout()
        self.kind = QComboBox(objectName="periodKind")
        for key, label in zip(KINDS, (self.tr("月度"), self.tr("季度"), self.tr("年度"),
                                      self.tr("自定义期间")), strict=True):
            self.kind.addItem(label, key)
        today = dt.date.today()
        last = today.replace(day=1) - dt.timedelta(days=1)
        self.year = QSpinBox(objectName="periodYear")
        self.year.setRange(2000, 2100)
        self.year.setValue(last.year)
        self.year.setSuffix(self.tr(" 年"))
        self.sub = QComboBox(objectName="periodSub")
        self.date_from = DateField(self)
        self.date_from.setObjectName("dateFrom")
        self.date_from.setValue(last.replace(day=1))
        self.date_to = DateField(self)
        self.date_to.setObjectName("dateTo")
        self.date_to.setValue(last)
        self.committee_button = QToolButton(objectName="committeeButton")
        self.committee_button.setMinimumWidth(160)
        self.committee_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.committee_menu = QMenu(self)
        self.committee_button.setMenu(self.committee_menu)
        self.run_button = QPushButton(self.tr("统计"), objectName="runReport")
        self.run_button.clicked.connect(self.refresh)
        bar.addWidget(QLabel(self.tr("统计期间：")))
        for w in (self.kind, self.year, self.sub, self.date_from, self.date_to):
            bar.addWidget(w)
        bar.addSpacing(12)
        bar.addWidget(QLabel(self.tr("调委会：")))
        bar.addWidget(self.committee_button)
        bar.addWidget(self.run_button)
        bar.addStretch(1)
        # exports on a row of their own, beside the page's title: in one row with the period
        # the page needed 1150 px and did not fit 1920×1080 at 150 % (1280 logical pixels
        # less the sidebar)
        period_bar = bar
        bar = title_row
        self.export_buttons: dict[str, QPushButton] = {}
        for fmt in ("xlsx", "pdf", "csv"):
            b = QPushButton(self.tr("导出 {fmt}").format(fmt=fmt.upper()), objectName=f"export_{fmt}")
            b.clicked.connect(lambda _=False, f=fmt: self.ask_export(f))
            bar.addWidget(b)
            self.export_buttons[fmt] = b
        self.official_button = QPushButton(self.tr("导出月报表…"), objectName="exportOfficial")
        self.official_button.setToolTip(self.tr("人民调解工作统计月报表（按纠纷类型，xlsx 或 pdf）"))
        self.official_button.clicked.connect(self.ask_official)
        bar.addWidget(self.official_button)
        self.ledger_button = QPushButton(self.tr("导入排查台账…"), objectName="importLedger")
        self.ledger_button.clicked.connect(self.open_ledger_wizard)
        bar.addWidget(self.ledger_button)
        lay.addLayout(title_row)
        lay.addLayout(period_bar)

        self.title = QLabel(objectName="reportTitle")
        self.title.setStyleSheet("font-size: 16px; font-weight: bold;")
        self.subtitle = QLabel(objectName="reportSubtitle")
        self.rates = QLabel(objectName="reportRates")
        self.rates.setTextFormat(Qt.TextFormat.RichText)
        # where the figures were read: a read replica (and how far behind) or the primary
        self.read_note = QLabel(objectName="readNote")
        self.read_note.setVisible(False)
        head = QFrame()
        hl = QVBoxLayout(head)
        hl.setContentsMargins(0, 0, 0, 0)
        for heading in (self.title, self.subtitle, self.read_note, self.rates):
            hl.addWidget(heading)
        lay.addWidget(head)

        # The tables and the charts each get the whole height (a page of its own): with the 15
        # dispute types a chart squeezed under the tables elides its labels on a 768-pixel
        # screen.
        self.views = QTabWidget(objectName="reportViews")
        self.views.setDocumentMode(True)
        self.tabs = QTabWidget(objectName="reportTabs")
        self.views.addTab(self.tabs, self.tr("统计表"))
        self.chart_holder = QWidget(objectName="chartHolder")
        self.chart_layout = QHBoxLayout(self.chart_holder)
        self.chart_layout.setContentsMargins(0, 0, 0, 0)
        # The type chart needs a readable line per dispute type: on a short screen with the
        # app's font the charts scroll rather than squeeze the bars into unlabeled slivers.
        self.chart_scroll = QScrollArea(objectName="chartScroll")
        self.chart_scroll.setWidgetResizable(True)
        self.chart_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.chart_scroll.setWidget(self.chart_holder)
        self.views.addTab(self.chart_scroll, self.tr("统计图"))
        lay.addWidget(self.views, 1)
        self.hint = QLabel(self.tr("提示：双击表格中的数字，可查看其对应的案件清单。"))
        self.hint.setStyleSheet("color: #666;")
        lay.addWidget(self.hint)

        self.kind.currentIndexChanged.connect(self._kind_changed)
        self._kind_changed()
        self.sub.setCurrentIndex(last.month - 1)

    def _kind_changed(self) -> None:
        kind = self.kind.currentData()
        self.sub.clear()
        if kind == "month":
            for m in range(1, 13):
                self.sub.addItem(self.tr("{m} 月").format(m=m), m)
        elif kind == "quarter":
            for q in range(1, 5):
                self.sub.addItem(self.tr("第 {q} 季度").format(q=q), q)
        self.sub.setVisible(kind in ("month", "quarter"))
        self.year.setVisible(kind != "range")
        self.date_from.setVisible(kind == "range")
        self.date_to.setVisible(kind == "range")

    # -- committees ------------------------------------------------------------------------
    def _load_committees(self) -> None:
        ops.LatestQuery(self).submit(self.service.committees, self._fill_committees)

    def _fill_committees(self, rows: list[tuple[int, str]]) -> None:
        self.committee_menu.clear()
        self.committee_actions = []
        if len(rows) > 1:
            everything = self.committee_menu.addAction(self.tr("全部调委会"))
            everything.triggered.connect(lambda: self.set_committees([]))
            self.committee_menu.addSeparator()
        for cid, name in rows:
            act = self.committee_menu.addAction(name)
            act.setCheckable(True)
            act.setData(cid)
            act.toggled.connect(self._committees_toggled)
            self.committee_actions.append(act)
        self.committee_button.setEnabled(len(rows) > 1)
        self._update_committee_label(rows)

    def _committees_toggled(self) -> None:
        self.selected_committees = [int(a.data()) for a in self.committee_actions if a.isChecked()]
        self._update_committee_label()

    def set_committees(self, ids: list[int]) -> None:
        """Pick committees (empty = all visible); the menu follows."""
        for a in self.committee_actions:
            a.blockSignals(True)
            a.setChecked(int(a.data()) in ids)
            a.blockSignals(False)
        self._committees_toggled()

    def _update_committee_label(self, rows: list[tuple[int, str]] | None = None) -> None:
        names = [a.text() for a in self.committee_actions if a.isChecked()]
        if rows is not None and len(rows) == 1:
            names = [rows[0][1]]
        text = "、".join(names) if names else self.tr("全部调委会")
        self.committee_button.setText(text if len(text) <= 24 else text[:23] + "…")
        self.committee_button.setToolTip(text)

    # -- period ----------------------------------------------------------------------------
    def period(self) -> Period:
        kind = self.kind.currentData()
        y = self.year.value()
        if kind == "month":
            return Period.month(y, int(self.sub.currentData()))
        if kind == "quarter":
            return Period.quarter(y, int(self.sub.currentData()))
        if kind == "year":
            return Period.year(y)
        return Period.range(self.date_from.value() or dt.date.today(),
                            self.date_to.value() or dt.date.today())

    def set_period(self, period: Period) -> None:
        self.kind.setCurrentIndex(KINDS.index(period.kind))
        self.year.setValue(period.start.year)
        if period.kind == "month":
            self.sub.setCurrentIndex(period.start.month - 1)
        elif period.kind == "quarter":
            self.sub.setCurrentIndex((period.start.month - 1) // 3)
        elif period.kind == "range":
            s, e = period.start, period.end
            self.date_from.setValue(s)
            self.date_to.setValue(e)

    # -- loading ---------------------------------------------------------------------------
    def refresh(self) -> None:
        try:
            period = self.period()
        except Exception as err:  # noqa: BLE001 - a bad range is shown like any error
            ops.show_error(self, err)
            return
        ids = list(self.selected_committees) or None
        self.subtitle.setText(self.tr("正在统计……"))
        self.query.submit(lambda: self.service.report(period, ids), self.show_report)

    def show_report(self, report: Report) -> None:
        self.report = report
        self.title.setText(report.title)
        self.subtitle.setText(report.range_text)
        self.show_read_note(self.desk.read_note())
        sr, rr = report.success_rate, report.resolve_rate
        self.rates.setText(
            self.tr("<b>{a}</b>：{an} ÷ {ad} = <b>{av}</b>　　<b>{b}</b>：{bn} ÷ {bd} = <b>{bv}</b>")
            .format(a=sr.label, an=sr.numerator, ad=sr.denominator, av=sr.text,
                    b=rr.label, bn=rr.numerator, bd=rr.denominator, bv=rr.text))
        self.rates.setToolTip(f"{sr.definition}\n{rr.definition}")
        current = self.tabs.currentIndex()
        self.tabs.clear()
        self.tables.clear()
        self._add_table("summary", self.tr("汇总"), summary_table(report), "total")
        for b in report.breakdowns:
            self._add_table(b.key, b.title, breakdown_table(b, report.total), b.key)
        if report.trend:
            self._add_table("trend", self.tr("近12个月"), trend_table(report), "")
        self._add_table("sweep", self.tr("排查化解"), sweep_table(report), "")
        if 0 <= current < self.tabs.count():
            self.tabs.setCurrentIndex(current)
        self._draw_chart(report)
        self.report_shown.emit()

    def show_read_note(self, note: str) -> None:
        """The replica note ("数据来自只读副本，延迟约 2 秒"); amber when the read fell back."""
        self.read_note.setText(note)
        self.read_note.setVisible(bool(note))
        fallback = bool(note) and not note.startswith("数据来自只读副本")
        self.read_note.setStyleSheet("color: #9a5b00;" if fallback else "color: #555;")

    def _add_table(self, key: str, title: str, table: Table, breakdown: str) -> None:
        w = QTableWidget(objectName=f"table_{key}")
        w.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        w.verticalHeader().setVisible(False)
        w.setAlternatingRowColors(True)
        fill_table(w, table)
        if key == "summary":
            w.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        w.cellDoubleClicked.connect(lambda r, c, k=key: self.drill(k, r, c))
        self.tables[key] = (w, table, breakdown)
        self.tabs.addTab(w, title)

    # -- chart -----------------------------------------------------------------------------
    def _draw_chart(self, report: Report) -> None:
        charts = qtmod.QtCharts  # imported on first use
        lay = self.chart_layout
        while lay.count():
            item = lay.takeAt(0)
            old = item.widget() if item is not None else None
            if old is not None:
                old.deleteLater()
        rows = [r for r in report.breakdown("dispute_type").rows
                if r.counts["accepted"] or r.counts["succeeded"]]
        chart = charts.QChart()
        chart.setTitle(self.tr("按纠纷类型：受理与调解成功（件）"))
        # Horizontal bars: the type names stand in full on the left, one per line, however
        # many types the committee's list has; the first type is drawn at the top.
        rows = list(reversed(rows))
        accepted = charts.QBarSet(self.tr("受理"))
        succeeded = charts.QBarSet(self.tr("调解成功"))
        accepted.append([float(r.counts["accepted"]) for r in rows])
        succeeded.append([float(r.counts["succeeded"]) for r in rows])
        series = charts.QHorizontalBarSeries()
        series.append(accepted)
        series.append(succeeded)
        chart.addSeries(series)
        cats = charts.QBarCategoryAxis()
        cats.append([r.label for r in rows] or [self.tr("（无数据）")])
        cats.setTruncateLabels(False)  # Qt elides to "婚…" by default, whatever the room
        chart.addAxis(cats, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(cats)
        values = self._count_axis(charts, [int(r.counts["accepted"]) for r in rows])
        chart.addAxis(values, Qt.AlignmentFlag.AlignBottom)
        series.attachAxis(values)
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        view = charts.QChartView(chart)
        view.setObjectName("typeChart")
        view.setRenderHint(QPainter.RenderHint.Antialiasing)
        # one and a half lines per type, plus the title, the count axis and the legend
        line = QFontMetrics(cats.labelsFont()).height()
        view.setMinimumHeight(int(max(len(rows), 1) * line * 1.5 + 9 * line))
        lay.addWidget(view, 3)
        if report.trend:
            lay.addWidget(self._trend_chart(report, charts), 2)
        self.chart = chart

    def _trend_chart(self, report: Report, charts: Any) -> QWidget:  # charts: the QtCharts module
        chart = charts.QChart()
        chart.setTitle(self.tr("近12个月趋势（按月）"))
        acc, suc = charts.QLineSeries(), charts.QLineSeries()
        acc.setName(self.tr("受理"))
        suc.setName(self.tr("调解成功"))
        for i, t in enumerate(report.trend):
            acc.append(float(i), float(t.accepted))
            suc.append(float(i), float(t.succeeded))
        chart.addSeries(acc)
        chart.addSeries(suc)
        cats = charts.QCategoryAxis()
        for i, t in enumerate(report.trend):
            cats.append(self.tr("{m}月").format(m=t.period.start.month), float(i))
        cats.setRange(0, float(max(len(report.trend) - 1, 1)))
        cats.setTruncateLabels(False)
        cats.setLabelsPosition(charts.QCategoryAxis.AxisLabelsPosition.AxisLabelsPositionOnValue)
        values = self._count_axis(charts, [t.accepted for t in report.trend])
        chart.addAxis(cats, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(values, Qt.AlignmentFlag.AlignLeft)
        for s in (acc, suc):
            s.attachAxis(cats)
            s.attachAxis(values)
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        view = charts.QChartView(chart)
        view.setObjectName("trendChart")
        view.setRenderHint(QPainter.RenderHint.Antialiasing)
        return view

    @staticmethod
    def _count_axis(charts: Any, counts: list[int]) -> QtCharts.QValueAxis:
        """A count axis that always shows whole numbers: a round top with one tick per step,
        so Qt never has to elide a label (it drew "…" on a short axis with a free range)."""
        top = max([*counts, 1])
        step = 1
        while top / step > 8:  # 1, 2, 5, 10, 20, 50 …
            step = step * 5 // 2 if str(step)[0] == "2" else step * 2
        ticks = -(-top // step)  # ceil
        axis = charts.QValueAxis()
        axis.setRange(0, float(ticks * step))
        axis.setTickCount(ticks + 1)
        axis.setLabelFormat("%d")
        axis.setTruncateLabels(False)
        return axis

    # -- drill-down ------------------------------------------------------------------------
    def drill_target(self, key: str, row: int, col: int) -> tuple[str, str, str] | None:
        """(metric, breakdown, row key) behind a cell, or None when the cell is not a count."""
        if key not in self.tables or self.report is None:
            return None
        _w, table, breakdown = self.tables[key]
        if not breakdown or table.col_metrics is None or table.row_keys is None:
            return None
        if key == "summary":
            metric = table.row_keys[row] if col == 1 else None
            return (metric, "total", "") if metric else None
        metric = table.col_metrics[col] if col < len(table.col_metrics) else None
        if metric is None or row >= len(table.row_keys):
            return None
        return metric, breakdown, table.row_keys[row]

    def drill(self, key: str, row: int, col: int) -> None:
        target = self.drill_target(key, row, col)
        if target is None or self.report is None:
            return
        metric, breakdown, row_key = target
        period = self.report.period
        ids = list(self.selected_committees) or None
        _w, table, _b = self.tables[key]
        header = table.header[col] if key != "summary" else table.rows[row][0]
        label = table.rows[row][0] if key != "summary" else ""
        title = self.tr("{period} {label} {what} 的案件").format(
            period=period.label, label=label if label != "合计" else "", what=header)
        ops.Op(self, lambda: self.service.cases_behind(period, ids, str(metric), breakdown,
                                                       row_key),
               label=self.tr("正在查找案件…")).success(
            lambda drill: self._show_drill(" ".join(title.split()), drill)).run()

    def _show_drill(self, title: str, drill: Drill) -> None:
        dlg = DrillDialog(title, drill, self)
        dlg.open_case.connect(self.open_case)
        self.drill_dialog = dlg
        dlg.open()

    # -- exports ---------------------------------------------------------------------------
    def ask_export(self, fmt: str) -> None:
        if self.report is None:
            return
        name = filedialogs.suggest_name(
            self.tr("{period}统计报表").format(period=self.report.period.label), suffix=f".{fmt}")
        filters = {"xlsx": self.tr("Excel 工作簿 (*.xlsx)"), "pdf": self.tr("PDF 文件 (*.pdf)"),
                   "csv": self.tr("CSV 文件 (*.csv)")}
        path = filedialogs.save_file(self, self.tr("导出报表"), "report_export", name,
                                     filters[fmt])
        if path:
            self.export_to(fmt, path)

    def export_to(self, fmt: str, path: str) -> None:
        report = self.report
        if report is None:
            return

        def done(p: Path) -> None:
            self.last_export = str(p)
            self.subtitle.setText(self.tr("{range}　已导出：{path}").format(
                range=report.range_text, path=p))

        ops.Op(self, lambda: self.service.export(report, fmt, path),
               label=self.tr("正在导出 {fmt}…").format(fmt=fmt.upper())).success(done).run()

    def ask_official(self) -> None:
        if self.report is None:
            return
        xlsx, pdf = self.tr("Excel 工作簿 (*.xlsx)"), self.tr("PDF 文件 (*.pdf)")
        name = filedialogs.suggest_name(
            self.tr("人民调解工作统计月报表（{period}）").format(period=self.report.period.label),
            suffix=".xlsx")
        path = filedialogs.save_file(self, self.tr("导出月报表"), "report_export", name,
                                     f"{xlsx};;{pdf}")
        if path:
            fmt = "pdf" if path.lower().endswith(".pdf") else "xlsx"
            if not path.lower().endswith(f".{fmt}"):
                path += f".{fmt}"
            self.export_official_to(fmt, path)

    def export_official_to(self, fmt: str, path: str) -> None:
        report = self.report
        if report is None:
            return
        period, ids = report.period, list(self.selected_committees) or None

        def work() -> Path:
            return self.service.export_official(self.service.official_table(period, ids), fmt,
                                                path)

        def done(p: Path) -> None:
            self.last_export = str(p)
            self.subtitle.setText(self.tr("{range}　已导出：{path}").format(
                range=report.range_text, path=p))

        ops.Op(self, work, label=self.tr("正在导出月报表…")).success(done).run()

    def open_ledger_wizard(self) -> None:
        from desktop.ui.ledger_wizard import LedgerWizard

        wizard = LedgerWizard(self.desk, self)
        wizard.imported.connect(self.refresh)
        self.ledger_wizard = wizard
        wizard.open()
