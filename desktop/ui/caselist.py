"""案件 (case list): a table model paged in SQL through ``desk.cases.search``.

Nothing here holds the whole table: the model asks for ``FIRST_PAGE`` rows, then ``PAGE`` at
a time (``canFetchMore``/``fetchMore`` as the view scrolls), stops at ``MAX_ROWS`` and asks the user
to narrow the search instead. Filtering, sorting and the search itself run in SQL, in a
worker thread (``ops.LatestQuery``), so a keystroke costs the UI thread only a timer restart;
a result that arrives after a newer query was issued is dropped. The total ("共 N 件") is
counted by a second query so the first rows appear before the count is known.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
from typing import TYPE_CHECKING, Any

from desktop.domain.dates import format_date
from desktop.domain.enums import OPEN_STATUSES, CaseStatus, Role
from desktop.services.dto import CasePage, CaseQuery, CaseRow
from desktop.ui import ops
from desktop.ui.dashboard import unaccepted_label
from desktop.ui.datefield import DateField
from desktop.ui.qt import (
    QT_TRANSLATE_NOOP,
    QAbstractTableModel,
    QBrush,
    QCheckBox,
    QColor,
    QComboBox,
    QDate,
    QEvent,
    QHBoxLayout,
    QHeaderView,
    QKeyEvent,
    QLabel,
    QLineEdit,
    QModelIndex,
    QObject,
    QPaintEvent,
    QPersistentModelIndex,
    QPushButton,
    QRect,
    QShowEvent,
    QStackedWidget,
    QStyle,
    QStyleOptionComboBox,
    QStylePainter,
    Qt,
    QTableView,
    QTimer,
    QVBoxLayout,
    QWidget,
    Signal,
    translate,
)
from desktop.ui.settings_store import settings

if TYPE_CHECKING:
    from desktop.domain.enums import LookupEntry
    from desktop.services import Desk
    from desktop.services.dto import CommitteeView, UserView

    Lookups = tuple[list[LookupEntry], list[LookupEntry], list[UserView] | None,
                    list[CommitteeView]]

PAGE = 200
# a screen and a half at 1366×768: a broad search's first page costs in proportion to the
# rows it asks for (its cases are walked in list order until the page is full)
FIRST_PAGE = 50
MAX_ROWS = 20_000
# A page built ahead of its first visit (MainWindow.prepare_pages) queried at login: shown for
# the first time later than this, it queries again, so the first look is as fresh as it was
# when the click built the page (colleagues' desks register cases meanwhile)
FRESH_S = 60.0

# (CaseRow attribute, header, service sort key or None when the column cannot be sorted, width)
COLUMNS: list[tuple[str, str, str | None, int]] = [
    ("number", QT_TRANSLATE_NOOP("caselist", "案号"), "number", 188),
    ("party_names", QT_TRANSLATE_NOOP("caselist", "当事人"), "party_names", 200),
    ("dispute_type_label", QT_TRANSLATE_NOOP("caselist", "纠纷类型"), "dispute_type", 90),
    ("source_label", QT_TRANSLATE_NOOP("caselist", "来源"), "source", 112),
    ("status_label", QT_TRANSLATE_NOOP("caselist", "状态"), "status", 72),
    ("mediator_name", QT_TRANSLATE_NOOP("caselist", "调解员"), "mediator", 70),
    ("registered_at", QT_TRANSLATE_NOOP("caselist", "登记日期"), "registered_at", 116),
    ("deadline", QT_TRANSLATE_NOOP("caselist", "办理期限"), "deadline", 116),
    ("joint_label", QT_TRANSLATE_NOOP("caselist", "联合调解"), None, 84),
]

OVERDUE = QColor("#b42318")
DUE_SOON = QColor("#b54708")
OVERDUE_BRUSH = QBrush(OVERDUE)
DUE_SOON_BRUSH = QBrush(DUE_SOON)
DEADLINE_COLUMN = next(i for i, c in enumerate(COLUMNS) if c[0] == "deadline")

Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()


def search_text(typed: str) -> str:
    """What is sent to the search: a single Latin letter or digit matches nearly every phone
    number or pinyin key, so ASCII queries start at two characters (a surname like 王 is
    already a useful search on its own), and digits at three (two digits match a slice of
    every phone number and case number; people search phone and ID tails of four)."""
    text = typed.strip()
    if text.isascii() and len(text) < (3 if text.isdigit() else 2):
        return ""
    return text


UNASSIGNED_FILTER = "unassigned"  # the mediator filter's data for 未分配


def display_row(row: CaseRow) -> tuple[str, ...]:
    out = []
    for attr, _h, _s, _w in COLUMNS:
        value = getattr(row, attr)
        if attr == "number":
            out.append(value or unaccepted_label(row))
        elif attr == "mediator_name":
            out.append(value or translate("caselist", "未分配"))  # no 承办调解员 yet
        elif isinstance(value, (dt.date, dt.datetime)):
            out.append(format_date(value))
        else:
            out.append("" if value is None else str(value))
    return tuple(out)


class CaseTableModel(QAbstractTableModel):
    """Rows of ``CaseRow`` fetched page by page; ``set_query`` starts over."""

    page_loaded = Signal(int)  # rows now loaded
    total_known = Signal(int)
    loading_changed = Signal(int)  # 1 while a page is being fetched

    def __init__(self, desk: Desk, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.rows: list[CaseRow] = []
        self.display: list[tuple[str, ...]] = []  # cell texts, formatted off the UI thread
        self.query = CaseQuery(limit=PAGE, with_total=False)
        self.total: int | None = None
        self.exhausted = False
        self.loading = False
        self.loaded_at: float | None = None  # time.monotonic() of the last first page
        self.pages = ops.LatestQuery(self)
        # Counting 1,000,000 rows for "王" takes longer than a page: its own thread, so it
        # never sits in front of the page the user is waiting for.
        self.counts = ops.LatestQuery(self, threads=1)
        self.headers = [translate("caselist", h) for _a, h, _s, _w in COLUMNS]
        self.active = False  # sort() before the page is ready would query for nothing

    # -- Qt model API ------------------------------------------------------------------------
    def rowCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if role == Qt.ItemDataRole.DisplayRole:  # the hot path while painting: a tuple lookup
            return self.display[index.row()][index.column()]
        if role == Qt.ItemDataRole.ForegroundRole:
            if index.column() == DEADLINE_COLUMN:
                due = self.rows[index.row()].due_state
                if due == "overdue":
                    return OVERDUE_BRUSH
                if due == "due_soon":
                    return DUE_SOON_BRUSH
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            row = self.rows[index.row()]
            return f"{row.title}\n{row.party_names}"
        if role == Qt.ItemDataRole.UserRole:
            return self.rows[index.row()].id
        return None

    def canFetchMore(self, parent: Index = _ROOT) -> bool:
        return (not parent.isValid() and not self.exhausted and not self.loading
                and len(self.rows) < MAX_ROWS)

    def fetchMore(self, parent: Index = _ROOT) -> None:
        if self.canFetchMore(parent):
            self._load(len(self.rows))

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        key = COLUMNS[column][2]
        if key is None or not self.active:
            return
        self.set_query(dataclasses.replace(
            self.query, sort_key=key, sort_desc=order == Qt.SortOrder.DescendingOrder))

    # -- loading -----------------------------------------------------------------------------
    def set_query(self, query: CaseQuery) -> None:
        self.query = dataclasses.replace(query, offset=0, limit=PAGE, with_total=False)
        self.beginResetModel()
        self.rows = []
        self.display = []
        self.total = None
        self.exhausted = False
        self.endResetModel()
        self._load(0)
        count_q = self.query
        self.counts.submit(lambda: self.desk.cases.count(count_q), self._counted,
                           on_error=lambda _e: None)

    def refresh(self) -> None:
        self.set_query(self.query)

    def _load(self, offset: int) -> None:
        q = dataclasses.replace(self.query, offset=offset,
                                limit=FIRST_PAGE if offset == 0 else PAGE)
        self._set_loading(True)
        search = self.desk.cases.search

        def fetch() -> tuple[CasePage, list[tuple[str, ...]]]:
            page = search(q)
            # Cell texts are formatted here, in the worker, so painting never formats.
            return page, [display_row(r) for r in page.rows]

        self.pages.submit(fetch, self._page, self._failed)

    def _set_loading(self, on: bool) -> None:
        if self.loading != on:
            self.loading = on
            self.loading_changed.emit(int(on))

    def _page(self, result: tuple[CasePage, list[tuple[str, ...]]]) -> None:
        page, texts = result
        self._set_loading(False)
        rows = list(page.rows)
        if page.offset != len(self.rows):  # a reset happened in between: not ours
            return
        if page.offset == 0:
            self.loaded_at = time.monotonic()
        if rows:
            first = len(self.rows)
            self.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
            self.rows.extend(rows)
            self.display.extend(texts)
            self.endInsertRows()
        self.exhausted = len(rows) < page.limit
        if self.exhausted and self.total is None:
            self._counted(len(self.rows))
        self.page_loaded.emit(len(self.rows))

    def _counted(self, total: int) -> None:
        self.total = int(total)
        self.total_known.emit(self.total)

    def _failed(self, err: BaseException) -> None:
        self._set_loading(False)
        self.exhausted = True
        parent = QObject.parent(self)
        ops.show_error(parent if isinstance(parent, QWidget) else None, err)

    def case_id(self, row: int) -> int:
        return self.rows[row].id


def _combo(name: str, items: list[tuple[str, Any]]) -> QComboBox:
    box = QComboBox(objectName=name)
    for text, value in items:
        box.addItem(text, value)
    # AdjustToContents ignores the style sheet's padding and arrow: size from the first
    # ("全部…") entry instead, which is what the box shows until the user picks.
    box.setMinimumWidth(box.fontMetrics().horizontalAdvance(items[0][0]) + 64)
    box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    return box


class ScopeBox(QComboBox):
    """The committee choice of a deployment-wide user, beside 范围： in the page's head: as wide
    as its longest committee name, up to ``MAX_CHARS`` characters' worth; a longer name is
    elided, whole in the tooltip (Qt itself would cut it off mid-character)."""

    MAX_CHARS = 26

    def fit(self) -> None:
        """Width for the longest entry: the text plus what the style draws around it."""
        fm = self.fontMetrics()
        longest = max((fm.horizontalAdvance(self.itemText(i)) for i in range(self.count())),
                      default=0)
        cap = fm.horizontalAdvance("调") * self.MAX_CHARS
        self.setMinimumWidth(min(longest, cap) + self.chrome() + 2)
        self.setToolTip(self.currentText())

    def _field(self, opt: QStyleOptionComboBox) -> QRect:
        """Where the style draws the current text in a box laid out as ``opt``."""
        return self.style().subControlRect(QStyle.ComplexControl.CC_ComboBox, opt,
                                           QStyle.SubControl.SC_ComboBoxEditField, self)

    def chrome(self) -> int:
        """Frame, padding and arrow: the box's width less its text field (as the style sheet
        lays them out, which AdjustToContents does not count)."""
        opt = QStyleOptionComboBox()
        self.initStyleOption(opt)
        opt.rect = QRect(0, 0, 400, max(self.height(), 30))
        return 400 - self._field(opt).width()

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QStylePainter(self)
        opt = QStyleOptionComboBox()
        self.initStyleOption(opt)
        painter.drawComplexControl(QStyle.ComplexControl.CC_ComboBox, opt)
        opt.currentText = self.fontMetrics().elidedText(
            opt.currentText, Qt.TextElideMode.ElideRight, self._field(opt).width())
        painter.drawControl(QStyle.ControlElement.CE_ComboBoxLabel, opt)


class CaseListPage(QWidget):
    open_case = Signal(int)

    def __init__(self, desk: Desk, parent: QWidget | None = None, *, load: bool = True) -> None:
        """``load=False`` builds the page without its first queries; ``start_loading`` (or the
        page's first show) starts them. MainWindow.prepare_pages builds it so: the queries'
        worker threads then do not compete with the construction for the interpreter."""
        super().__init__(parent)
        self.desk = desk
        self.setObjectName("page")
        self.model = CaseTableModel(desk, self)

        title = QLabel(self.tr("案件"), objectName="pageTitle")
        self.count_label = QLabel("", objectName="pageHint")
        self.status_label = QLabel("", objectName="pageHint")
        # Which committees the list covers is always on screen: a user who spans several
        # committees must never wonder why a case the dashboard shows is not found.
        self.scope_label = QLabel("", objectName="scopeLabel")
        self.scope_label.setProperty("class", "pageHint")
        self.search = QLineEdit(objectName="searchBox")
        self.search.setPlaceholderText(self.tr(
            "搜索：案号、当事人姓名、拼音首字母（如 zsf）、证件号后 4 位以上、电话"))
        self.search.setClearButtonEnabled(True)
        self.debounce = QTimer(self)
        self.debounce.setSingleShot(True)
        self.debounce.setInterval(int(settings().get("caselist/debounce_ms")))
        self.debounce.timeout.connect(self.apply)
        self.search.textEdited.connect(lambda _t: self.debounce.start())
        self.search.returnPressed.connect(self.apply_now)
        self.search.installEventFilter(self)

        status_items: list[tuple[str, Any]] = [(self.tr("全部状态"), []),
                                               (self.tr("未结案件"), [s.value for s in OPEN_STATUSES])]
        status_items += [(s.label, [s.value]) for s in CaseStatus]
        self.status = _combo("statusFilter", status_items)
        self.dispute = _combo("typeFilter", [(self.tr("全部类型"), [])])
        self.source = _combo("sourceFilter", [(self.tr("全部来源"), [])])
        self.mediator = _combo("mediatorFilter", [(self.tr("全部调解员"), None)])
        # Deployment-wide users (county administrators) pick a committee; their own by default,
        # which is also what the (committee, date) index serves fastest. The choice is the
        # scope, so it stands where the others read 范围：… (in the head, which has room for a
        # whole committee name: in the filter row its name was cut off at 1366×768, and at
        # 1280×800 it overlapped the next filter).
        spans = bool(getattr(desk.actor, "spans_deployment", False))
        self.committee = ScopeBox()
        self.committee.setObjectName("committeeFilter")
        self.committee.addItem(self.tr("全部调委会"), None)
        self.committee.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.committee.fit()
        self.committee.setVisible(spans)
        self.scope_prefix = QLabel(self.tr("范围："), objectName="scopePrefix")
        self.scope_prefix.setBuddy(self.committee)
        self.scope_prefix.setVisible(spans)
        self.scope_label.setVisible(not spans)
        self.joint = _combo("jointFilter", [
            (self.tr("联合调解"), None), (self.tr("无联合调解"), ("mask", 0)),
            (self.tr("含公安"), ("any", 1)), (self.tr("含司法"), ("any", 2)),
            (self.tr("含律师"), ("any", 4)), (self.tr("含法院"), ("any", 8)),
            (self.tr("公安+司法+律师"), ("all", 7))])
        self.use_dates = QCheckBox(self.tr("登记日期"), objectName="dateFilter")
        today = QDate.currentDate()
        self.date_from = DateField(self)
        self.date_from.setObjectName("dateFrom")
        self.date_from.setDate(today.addMonths(-1))
        self.date_to = DateField(self)
        self.date_to.setObjectName("dateTo")
        self.date_to.setDate(today)
        for d in (self.date_from, self.date_to):
            d.setEnabled(False)
        self.use_dates.toggled.connect(self.date_from.setEnabled)
        self.use_dates.toggled.connect(self.date_to.setEnabled)
        clear = QPushButton(self.tr("清除筛选"), objectName="clearFilters")
        clear.clicked.connect(self.clear_filters)
        for w in (self.committee, self.status, self.dispute, self.source, self.mediator,
                  self.joint):
            w.currentIndexChanged.connect(self.apply_now)
        self.committee.currentIndexChanged.connect(self._show_scope)
        self.use_dates.toggled.connect(self.apply_now)
        self.date_from.dateChanged.connect(self.apply_now)
        self.date_to.dateChanged.connect(self.apply_now)

        self.view = QTableView(objectName="caseTable")
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.view.setAlternatingRowColors(True)
        self.view.setSortingEnabled(True)
        self.view.setWordWrap(False)
        self.view.setShowGrid(False)
        self.view.verticalHeader().hide()
        self.view.verticalHeader().setDefaultSectionSize(34)
        header = self.view.horizontalHeader()
        header.setHighlightSections(False)
        header.setSortIndicator(6, Qt.SortOrder.DescendingOrder)
        for i, (_a, _h, _s, width) in enumerate(COLUMNS):
            header.resizeSection(i, width)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        saved = settings().get("caselist/header")
        if saved:
            header.restoreState(saved)
        header.sectionResized.connect(self._save_header)
        header.sortIndicatorChanged.connect(self._save_header)
        self.view.activated.connect(lambda idx: self.open_case.emit(self.model.case_id(idx.row())))
        self.view.doubleClicked.connect(lambda idx: None)  # activated already covers it

        # Shown instead of the table when nothing matches: why, and how to widen.
        self.empty_text = QLabel("", objectName="emptyText")
        self.empty_text.setWordWrap(True)
        self.empty_text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.widen_filters = QPushButton(self.tr("清除筛选和搜索"), objectName="widenFilters")
        self.widen_filters.clicked.connect(self.clear_filters)
        self.widen_scope = QPushButton(self.tr("在全部调委会中查找"), objectName="widenScope")
        self.widen_scope.clicked.connect(lambda: self.committee.setCurrentIndex(0))
        empty = QWidget(objectName="emptyPanel")
        empty_col = QVBoxLayout(empty)
        empty_col.addStretch(1)
        empty_col.addWidget(self.empty_text)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.widen_filters)
        buttons.addWidget(self.widen_scope)
        buttons.addStretch(1)
        empty_col.addLayout(buttons)
        empty_col.addStretch(2)
        self.stack = QStackedWidget(objectName="caseStack")
        self.stack.addWidget(self.view)
        self.stack.addWidget(empty)

        head = QHBoxLayout()
        head.addWidget(title)
        head.addSpacing(12)
        head.addWidget(self.count_label, 0, Qt.AlignmentFlag.AlignBottom)
        head.addSpacing(12)
        head.addWidget(self.scope_label, 0, Qt.AlignmentFlag.AlignBottom)
        head.addWidget(self.scope_prefix)
        head.addWidget(self.committee)
        head.addStretch(1)
        head.addWidget(self.status_label, 0, Qt.AlignmentFlag.AlignBottom)
        self.referral_button = QPushButton(self.tr("导入工单…"), objectName="importReferrals")
        self.referral_button.setToolTip(self.tr("把 12345 热线、网格平台、派出所或法院的工单清单登记为案件"))
        self.referral_button.clicked.connect(self.open_referral_wizard)
        # inspectors (read-only) cannot register cases
        self.referral_button.setVisible(getattr(desk.actor, "role", None) != Role.READONLY)
        head.addSpacing(12)
        head.addWidget(self.referral_button)
        search_row = QHBoxLayout()
        search_row.setSpacing(8)
        search_row.addWidget(self.search, 1)
        search_row.addSpacing(8)
        for widget in (self.use_dates, self.date_from, QLabel("—"), self.date_to):
            search_row.addWidget(widget)
        filters = QHBoxLayout()
        filters.setSpacing(8)
        for w in (self.status, self.dispute, self.source, self.mediator, self.joint):
            filters.addWidget(w)
        filters.addStretch(1)
        filters.addWidget(clear)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 24, 28, 20)
        layout.setSpacing(12)
        layout.addLayout(head)
        layout.addLayout(search_row)
        layout.addLayout(filters)
        layout.addWidget(self.stack, 1)

        self.model.total_known.connect(self._show_total)
        self.model.page_loaded.connect(self._show_loaded)
        self.model.loading_changed.connect(
            lambda on: self.status_label.setText(self.tr("正在查询…") if on else ""))
        ops.changes().changed.connect(self._changed)
        self.lookups_ready = False
        self.shown_once = False
        self.loading_started = False
        self.model.active = True
        if load:
            self.start_loading()

    def start_loading(self) -> None:
        """The page's first queries: the filters' choices, and the list (for a deployment-wide
        user, once the committee choice is filled). Once only."""
        if self.loading_started:
            return
        self.loading_started = True
        self._load_lookups()
        if self.committee.isHidden():
            self.apply_now()  # deployment-wide users: first query once their committee is set

    # -- filters -----------------------------------------------------------------------------
    def _load_lookups(self) -> None:
        desk = self.desk

        def fetch() -> Lookups:
            types = list(desk.lookups.list("dispute_type"))
            sources = list(desk.lookups.list("source"))
            users: list[UserView] | None
            try:
                users = list(desk.users.mediators())
            except Exception:  # noqa: BLE001 - a mediator may not list users: no filter then
                users = None
            committees = list(desk.committees.list())
            return types, sources, users, committees

        ops.LatestQuery(self).submit(fetch, self._fill_lookups, on_error=self._lookups_failed)

    def _lookups_failed(self, _err: BaseException) -> None:
        self.lookups_ready = True
        if not self.committee.isHidden():
            self.apply_now()

    def _fill_lookups(self, data: Lookups) -> None:
        types, sources, users, committees = data
        self.committee_names = [c.name for c in committees]
        if not self.committee.isHidden():
            self.committee.blockSignals(True)
            for c in committees:
                self.committee.addItem(c.name, c.id)
            mine = self.committee.findData(getattr(self.desk.actor, "committee_id", None))
            if mine > 0:
                self.committee.setCurrentIndex(mine)
            self.committee.blockSignals(False)
            self.apply_now()
        for box, entries in ((self.dispute, types), (self.source, sources)):
            box.blockSignals(True)
            for e in entries:
                box.addItem(e.name, [e.code])
            box.blockSignals(False)
        if users is None:
            self.mediator.hide()
        else:
            self.mediator.blockSignals(True)
            # the cases nobody mediates yet, for the director to assign
            self.mediator.addItem(self.tr("未分配"), UNASSIGNED_FILTER)
            for u in users:
                if getattr(u, "active", True):
                    self.mediator.addItem(u.display_name, u.id)
            self.mediator.blockSignals(False)
        self.lookups_ready = True
        self._show_scope()

    def scope_text(self) -> str:
        """The committees the list covers, in words."""
        if not self.committee.isHidden():
            if self.committee.currentData() is None:
                n = self.committee.count() - 1
                return self.tr("范围：全部调委会（{n} 个）").format(n=n)
            return self.tr("范围：{name}").format(name=self.committee.currentText())
        names = getattr(self, "committee_names", [])
        return self.tr("范围：{name}").format(name="、".join(names)) if names else ""

    def _show_scope(self, *_args: Any) -> None:
        self.scope_label.setText(self.scope_text())
        if not self.committee.isHidden():
            # 全部调委会 says how many, as the scope line does for the others
            self.committee.setItemText(0, self.tr("全部调委会（{n} 个）").format(
                n=self.committee.count() - 1))
            self.committee.fit()

    def active_filters(self) -> list[str]:
        """The conditions narrowing the list now, as the user would name them."""
        out = []
        for box, what in ((self.status, self.tr("状态")), (self.dispute, self.tr("纠纷类型")),
                          (self.source, self.tr("来源")), (self.mediator, self.tr("调解员")),
                          (self.joint, self.tr("联合调解"))):
            if box.currentIndex() > 0 and not box.isHidden():
                out.append(self.tr("{what}“{value}”").format(what=what, value=box.currentText()))
        if self.use_dates.isChecked():
            out.append(self.tr("登记日期 {a} 至 {b}").format(
                a=format_date(self.date_from.value()),
                b=format_date(self.date_to.value())))
        if self.search.text().strip():
            out.append(self.tr("搜索“{text}”").format(text=self.search.text().strip()))
        return out

    def _show_empty(self, empty: bool) -> None:
        if not empty:
            self.stack.setCurrentIndex(0)
            return
        filters = self.active_filters()
        lines = [self.tr("没有找到符合条件的案件。"), self.scope_text() + self.tr("。")]
        if filters:
            lines.append(self.tr("已用的条件：{f}。").format(f="、".join(filters)))
        # only where there are other committees to look in: with one committee (a new
        # install) "其他调委会的案件…" and 在全部调委会中查找 would send the user looking for
        # committees that do not exist
        narrower_scope = (not self.committee.isHidden() and self.committee.currentData() is not None
                          and self.committee.count() > 2)
        if narrower_scope:
            lines.append(self.tr("其他调委会的案件不在此范围内。"))
        self.empty_text.setText("\n".join(lines))
        self.widen_filters.setVisible(bool(filters))
        self.widen_scope.setVisible(narrower_scope)
        self.stack.setCurrentIndex(1)

    def current_query(self) -> CaseQuery:
        joint = self.joint.currentData()
        mask = any_ = None
        if joint is not None:
            how, bits = joint
            if how == "any":
                any_ = bits
            else:
                mask = bits
        mediator = self.mediator.currentData()
        header = self.view.horizontalHeader()
        sort_col = header.sortIndicatorSection()
        sort_key = COLUMNS[sort_col][2] if 0 <= sort_col < len(COLUMNS) else None
        return CaseQuery(
            text=search_text(self.search.text()),
            statuses=list(self.status.currentData() or []),
            dispute_types=list(self.dispute.currentData() or []),
            sources=list(self.source.currentData() or []),
            mediator_id=(None if mediator == UNASSIGNED_FILTER else mediator),
            unassigned=mediator == UNASSIGNED_FILTER,
            committee_id=self.committee.currentData(),
            joint_mask=mask,
            joint_any=any_,
            date_from=self.date_from.value() if self.use_dates.isChecked() else None,
            date_to=self.date_to.value() if self.use_dates.isChecked() else None,
            sort_key=sort_key or "registered_at",
            sort_desc=header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder,
            limit=PAGE,
        )

    def apply(self) -> None:
        self.model.set_query(self.current_query())

    def apply_now(self, *_args: Any) -> None:
        self.debounce.stop()
        self.apply()

    def clear_filters(self) -> None:
        for w in (self.status, self.dispute, self.source, self.mediator, self.joint):
            w.blockSignals(True)
            w.setCurrentIndex(0)
            w.blockSignals(False)  # the committee choice stays: it is where the user works
        self.use_dates.blockSignals(True)
        self.use_dates.setChecked(False)
        self.use_dates.blockSignals(False)
        self.date_from.setEnabled(False)
        self.date_to.setEnabled(False)
        self.search.clear()
        self.apply_now()

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        # ↓ in the search box goes to the first result, so the keyboard alone finds and opens
        # a case: type, ↓, Enter.
        if (obj is self.search and event.type() == QEvent.Type.KeyPress
                and isinstance(event, QKeyEvent) and event.key() == Qt.Key.Key_Down
                and self.model.rowCount()):
            self.view.setFocus(Qt.FocusReason.OtherFocusReason)
            self.view.selectRow(0)
            return True
        return super().eventFilter(obj, event)

    # -- page API used by the main window ----------------------------------------------------
    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self.shown_once:
            self.shown_once = True
            if not self.loading_started:  # built ahead, shown before its queries' step came
                self.start_loading()
                return
            loaded = self.model.loaded_at
            if loaded is not None and time.monotonic() - loaded > FRESH_S:
                self.model.refresh()

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def refresh(self) -> None:
        self.model.refresh()

    def _changed(self, kind: ops.ChangeKind, _ids: list[int]) -> None:
        if kind is ops.ChangeKind.CASE:  # parties, status, deadlines: all written as a case change
            self.model.refresh()

    def _show_total(self, total: int) -> None:
        text = self.tr("共 {n} 件").format(n=f"{total:,}")
        typed = self.search.text().strip()
        if typed and not search_text(typed):  # typed, but too short to be searched yet
            text += self.tr("（数字从第 3 位、字母从第 2 位起开始搜索）")
        self.count_label.setText(text)
        self._show_empty(total == 0)

    def _show_loaded(self, loaded: int) -> None:
        if loaded >= MAX_ROWS:
            self.status_label.setText(self.tr("已显示前 {n} 件，请用搜索或筛选缩小范围").format(
                n=f"{MAX_ROWS:,}"))

    def _save_header(self, *_args: Any) -> None:
        settings().set("caselist/header",
                       bytes(self.view.horizontalHeader().saveState().data()))

    def open_referral_wizard(self) -> None:
        from desktop.ui.referral_wizard import ReferralWizard

        wizard = ReferralWizard(self.desk, self)
        wizard.imported.connect(self.refresh)
        self.referral_wizard = wizard
        wizard.open()
