"""工作台: what needs the mediator today. Six cards filled by ``desk.cases.dashboard()``
off the UI thread; each line opens its case (double-click or Enter). Refreshes itself when
``ops.changes()`` reports a change to cases, sessions, outcomes or follow-ups.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from desktop.domain.dates import format_date
from desktop.ui import ops
from desktop.ui.qt import (
    QColor,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPainter,
    QPushButton,
    QRect,
    QSize,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    Qt,
    QTimer,
    QVBoxLayout,
    QWidget,
    Signal,
    translate,
)

if TYPE_CHECKING:
    from collections.abc import Callable

    from desktop.services import Desk
    from desktop.services.dto import CaseRow, Dashboard
    from desktop.ui.qt import QModelIndex, QPersistentModelIndex

WEEKDAYS = "一二三四五六日"
MAX_LINES = 50
#: every card (open cases, deadlines, sessions, follow-ups, confirmations, risks) is about cases
REFRESH_KINDS = {ops.ChangeKind.CASE}


SUB_ROLE = Qt.ItemDataRole.UserRole + 1
BADGE_ROLE = Qt.ItemDataRole.UserRole + 2
ALERT_ROLE = Qt.ItemDataRole.UserRole + 3


@dataclass(frozen=True)
class Line:
    """One dashboard entry: two lines of text and an optional badge on the right."""

    case_id: int
    main: str
    sub: str = ""
    badge: str = ""
    alert: bool = False


def unaccepted_label(row: CaseRow) -> str:
    """What stands where a case number will be: an unaccepted case is named by the day it was
    registered, never by its internal row id."""
    when = row.registered_at
    day = translate("dashboard", "{m}月{d}日").format(m=when.month, d=when.day) if when else ""
    return translate("dashboard", "未受理（{day}登记）").format(day=day)


def case_line(row: CaseRow) -> Line:
    number = row.number or unaccepted_label(row)
    main = "  ·  ".join(p for p in (row.party_names or row.title, row.dispute_type_label) if p)
    mediator = row.mediator_name or translate("dashboard", "调解员未分配")
    sub = "  ·  ".join(p for p in (number, row.status_label, mediator) if p)
    badge, alert = "", False
    if row.deadline is not None and row.due_state in ("overdue", "due_soon"):
        days = (row.deadline - dt.date.today()).days
        if days < 0:
            badge, alert = translate("dashboard", "超期 {n} 天").format(n=-days), True
        elif days == 0:
            badge, alert = translate("dashboard", "今天到期"), True
        else:
            badge = translate("dashboard", "剩 {n} 天").format(n=days)
    return Line(row.id, main, sub, badge, alert)


class LineDelegate(QStyledItemDelegate):
    """Paints a Line: main text, grey sub-line, coloured badge; elides instead of scrolling."""

    def sizeHint(self, option: QStyleOptionViewItem,
                 index: QModelIndex | QPersistentModelIndex) -> QSize:
        fm = option.fontMetrics
        return QSize(100, fm.height() * 2 + 14)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        painter.save()
        rect = option.rect
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        hover = bool(option.state & QStyle.StateFlag.State_MouseOver)
        if selected or hover:
            painter.fillRect(rect, QColor("#dbe8f6" if selected else "#f0f5fb"))
        painter.setPen(QColor("#eef1f5"))
        painter.drawLine(rect.bottomLeft(), rect.bottomRight())
        fm = option.fontMetrics
        badge = index.data(BADGE_ROLE) or ""
        inner = rect.adjusted(4, 6, -4, -6)
        badge_w = fm.horizontalAdvance(badge) + 14 if badge else 0
        if badge:
            alert = bool(index.data(ALERT_ROLE))
            box = QRect(inner.right() - badge_w, inner.top(), badge_w, fm.height() + 2)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor("#fde8e6" if alert else "#fff4e5"))
            painter.drawRoundedRect(box, 4, 4)
            painter.setPen(QColor("#b42318" if alert else "#b54708"))
            painter.drawText(box, Qt.AlignmentFlag.AlignCenter, badge)
        text_w = inner.width() - badge_w - (8 if badge else 0)
        main = fm.elidedText(index.data(Qt.ItemDataRole.DisplayRole) or "",
                             Qt.TextElideMode.ElideRight, text_w)
        painter.setPen(QColor("#1f2933"))
        painter.drawText(QRect(inner.left(), inner.top(), text_w, fm.height() + 2),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, main)
        sub = fm.elidedText(index.data(SUB_ROLE) or "", Qt.TextElideMode.ElideRight,
                            inner.width())
        painter.setPen(QColor("#66788a"))
        painter.drawText(QRect(inner.left(), inner.top() + fm.height() + 3, inner.width(),
                               fm.height() + 2),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, sub)
        painter.restore()


class Card(QFrame):
    activated = Signal(int)

    def __init__(self, key: str, title: str, empty: str, *, alert: bool = False,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("card")
        self.key = key
        self.alert = alert
        self.empty_text = empty
        col = QVBoxLayout(self)
        col.setContentsMargins(16, 14, 16, 10)
        col.setSpacing(6)
        head = QHBoxLayout()
        self.title = QLabel(title, objectName="cardTitle")
        self.count = QLabel("—", objectName="cardCount")
        head.addWidget(self.title)
        head.addStretch(1)
        head.addWidget(self.count)
        col.addLayout(head)
        self.list = QListWidget(objectName="cardList")
        self.list.setObjectName("cardList")
        self.list.setAccessibleName(title)
        self.list.setItemDelegate(LineDelegate(self.list))
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setMouseTracking(True)
        # One click opens the case (as a link would); Enter does the same from the keyboard.
        self.list.itemClicked.connect(self._activated)
        self.list.itemActivated.connect(self._activated)
        # Until the first answer arrives the card says it is loading, not "nothing due".
        self.empty = QLabel(translate("dashboard", "正在加载…"), objectName="cardEmpty")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        col.addWidget(self.list, 1)
        col.addWidget(self.empty, 1)
        self.action: QPushButton | None = None
        self.list.hide()

    def set_empty_action(self, text: str, slot: Callable[[], object]) -> None:
        """A button under the empty text (e.g. 新建登记 when there is nothing open)."""
        self.action = QPushButton(text, objectName="cardAction")
        self.action.setProperty("role", "primary")
        self.action.clicked.connect(slot)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.action)
        row.addStretch(1)
        layout = self.layout()
        assert isinstance(layout, QVBoxLayout)
        layout.addLayout(row)
        self.action.hide()

    def fill(self, lines: list[Line]) -> None:
        self.empty.setText(self.empty_text)
        self.list.clear()
        for line in lines[:MAX_LINES]:
            item = QListWidgetItem(line.main)
            item.setData(Qt.ItemDataRole.UserRole, line.case_id)
            item.setData(SUB_ROLE, line.sub)
            item.setData(BADGE_ROLE, line.badge)
            item.setData(ALERT_ROLE, line.alert)
            item.setToolTip(f"{line.main}\n{line.sub}")
            self.list.addItem(item)
        self.count.setText(str(len(lines)))
        self.count.setProperty("alert", "true" if (self.alert and lines) else "false")
        self.count.style().unpolish(self.count)
        self.count.style().polish(self.count)
        self.list.setVisible(bool(lines))
        self.empty.setVisible(not lines)
        if self.action is not None:
            self.action.setVisible(not lines)

    def _activated(self, item: QListWidgetItem) -> None:
        self.activated.emit(int(item.data(Qt.ItemDataRole.UserRole)))


class DashboardPage(QWidget):
    open_case = Signal(int)
    new_case = Signal()
    loaded = Signal()

    def __init__(self, desk: Desk, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.setObjectName("page")
        self.data: Dashboard | None = None
        self.query = ops.LatestQuery(self)

        title = QLabel(self.tr("工作台"), objectName="pageTitle")
        today = dt.date.today()
        name = getattr(desk.actor, "display_name", "")
        self.hint = QLabel(
            self.tr("{name}，您好。今天是 {date} 星期{weekday}。").format(
                name=name, date=format_date(today), weekday=WEEKDAYS[today.weekday()]),
            objectName="pageHint")
        refresh = QPushButton(self.tr("刷新 (F5)"), objectName="refreshButton")
        refresh.clicked.connect(self.refresh)
        head = QHBoxLayout()
        text = QVBoxLayout()
        text.addWidget(title)
        text.addWidget(self.hint)
        head.addLayout(text)
        head.addStretch(1)
        head.addWidget(refresh, 0, Qt.AlignmentFlag.AlignBottom)

        self.cards = {
            "my_open": Card("my_open", self.tr("我的未结案件"), self.tr("暂无未结案件")),
            "deadlines": Card("deadlines", self.tr("期限提醒（已超期 / 3 天内到期）"),
                              self.tr("没有即将到期的案件"), alert=True),
            "today_sessions": Card("today_sessions", self.tr("今日调解安排"),
                                   self.tr("今天没有安排调解")),
            "followups_due": Card("followups_due", self.tr("待回访"), self.tr("没有待回访的案件")),
            "confirmation_closing": Card("confirmation_closing",
                                         self.tr("司法确认申请期限将届满"),
                                         self.tr("没有临近期限的案件"), alert=True),
            "risk_flagged": Card("risk_flagged", self.tr("矛盾风险预警"),
                                 self.tr("没有风险预警"), alert=True),
        }
        self.cards["my_open"].set_empty_action(self.tr("新建登记 (Ctrl+N)"), self.new_case.emit)
        grid = QGridLayout()
        grid.setSpacing(16)
        for i, card in enumerate(self.cards.values()):
            grid.addWidget(card, i // 3, i % 3)
            card.activated.connect(self.open_case)
        for r in range(2):
            grid.setRowStretch(r, 1)
        for c in range(3):
            grid.setColumnStretch(c, 1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 24, 28, 24)
        layout.setSpacing(18)
        layout.addLayout(head)
        layout.addLayout(grid, 1)

        self._again = QTimer(self)
        self._again.setSingleShot(True)
        self._again.setInterval(300)
        self._again.timeout.connect(self.refresh)
        ops.changes().changed.connect(self._changed)
        self.refresh()

    def _changed(self, kind: ops.ChangeKind, _ids: list[int]) -> None:
        if kind in REFRESH_KINDS:
            self._again.start()

    def refresh(self) -> None:
        self.query.submit(self.desk.cases.dashboard, self.show_data)

    def show_data(self, d: Dashboard) -> None:
        self.data = d

        def rows(items: list[CaseRow]) -> list[Line]:
            return [case_line(r) for r in items]

        self.cards["my_open"].fill(rows(d.my_open))
        self.cards["deadlines"].fill(rows(list(d.overdue) + list(d.due_soon)))
        self.cards["today_sessions"].fill([
            Line(s.case_id, s.title, "  ·  ".join(p for p in (s.case_number, s.place) if p),
                 f"{s.started_at:%H:%M}") for s in d.today_sessions])
        self.cards["followups_due"].fill(rows(d.followups_due))
        self.cards["confirmation_closing"].fill(rows(d.confirmation_closing))
        self.cards["risk_flagged"].fill(rows(d.risk_flagged))
        self.loaded.emit()
