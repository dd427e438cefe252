"""One date field for every date input of the app, so every date is typed, shown and
validated the same way.

``DateField`` is a line edit with a calendar button instead of a ``QDateEdit``:

- it can be empty (shown blank, with a placeholder) — no 2000-01-01 / 1900-01-01 sentinel;
- it understands what people type: 20261218, 2026-12-18, 2026/12/18, 2026.12.18,
  2026年12月18日 and, for this year, 12.18 / 12-18 / 12/18 / 12月18日; it always shows
  2026年12月18日 (``desktop.domain.dates.format_date``) once the text is accepted;
- its calendar opens at the field's date, else at an anchor the caller gives (today by default,
  the case deadline where that is natural), kept inside the available screen area, in Chinese
  with weeks starting on Monday.

The value API mirrors QDateEdit where callers used it (``date()``/``setDate()``/
``dateChanged``/``setMinimumDate``) plus Python-date ``value()``/``setValue()``. An empty
field's ``date()`` is a null ``QDate``.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable
from typing import Any

from desktop.domain.dates import format_date
from desktop.domain.dates import parse_date as parse_full_date
from desktop.domain.errors import ValidationError
from desktop.ui.qt import (
    QApplication,
    QCalendarWidget,
    QDate,
    QDateTime,
    QEvent,
    QFrame,
    QHBoxLayout,
    QKeySequence,
    QLineEdit,
    QLocale,
    QPoint,
    QRect,
    QShortcut,
    Qt,
    QTime,
    QTimeEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
    Signal,
)

_SHORT = re.compile(r"(\d{1,2})[-./月](\d{1,2})日?")

Anchor = dt.date | Callable[[], dt.date | None] | None


def parse_date(text: str, today: dt.date | None = None) -> dt.date | None:
    """The date a person typed; None for blank. Raises ValidationError (Chinese) otherwise.
    Month.day without a year means this year."""
    raw = "".join(unicodedata.normalize("NFKC", text).split())
    if not raw:
        return None
    short = _SHORT.fullmatch(raw)
    if short:
        year = (today or dt.date.today()).year
        month, day = int(short.group(1)), int(short.group(2))
        try:
            return dt.date(year, month, day)
        except ValueError:
            raise ValidationError(f"日期“{raw}”不存在（{year}年没有{month}月{day}日），请核对。",
                                  field="date") from None
    return parse_full_date(raw)


def to_pydate(value: Any) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, QDate):
        return dt.date(value.year(), value.month(), value.day()) if value.isValid() else None
    if isinstance(value, dt.datetime):
        return value.date()
    return value  # a dt.date


def to_qdate(value: dt.date | None) -> QDate:
    return QDate(value.year, value.month, value.day) if value else QDate()


def popup_position(field: QRect, popup_size: Any, available: QRect) -> QPoint:
    """Top-left for a popup under ``field`` (global coordinates), flipped above it when there
    is no room below and pushed left/up so that it stays inside ``available``."""
    w, h = popup_size.width(), popup_size.height()
    x = field.left()
    y = field.bottom() + 1
    if y + h > available.bottom() + 1 and field.top() - h >= available.top():
        y = field.top() - h
    x = max(available.left(), min(x, available.right() + 1 - w))
    y = max(available.top(), min(y, available.bottom() + 1 - h))
    return QPoint(x, y)


class CalendarPopup(QFrame):
    """The calendar in a popup window; ``picked`` when the user clicks or presses Enter."""

    picked = Signal(QDate)

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent, Qt.WindowType.Popup)
        self.setObjectName("datePopup")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.calendar = QCalendarWidget(self)
        self.calendar.setObjectName("dateCalendar")
        self.calendar.setLocale(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
        self.calendar.setFirstDayOfWeek(Qt.DayOfWeek.Monday)
        self.calendar.setGridVisible(False)
        self.calendar.setVerticalHeaderFormat(
            QCalendarWidget.VerticalHeaderFormat.NoVerticalHeader)
        self.calendar.setHorizontalHeaderFormat(
            QCalendarWidget.HorizontalHeaderFormat.ShortDayNames)  # 周一 … 周日
        self.today_button = QToolButton(self)
        self.today_button.setObjectName("dateToday")
        self.today_button.setText(self.tr("今天"))
        self.today_button.clicked.connect(lambda: self.picked.emit(QDate.currentDate()))
        lay = QVBoxLayout(self)
        lay.setContentsMargins(2, 2, 2, 2)
        lay.setSpacing(2)
        lay.addWidget(self.calendar)
        lay.addWidget(self.today_button, 0, Qt.AlignmentFlag.AlignRight)
        self.calendar.activated.connect(self.picked)
        self.calendar.clicked.connect(self.picked)

    def page(self) -> tuple[int, int]:
        """(year, month) shown."""
        return self.calendar.yearShown(), self.calendar.monthShown()


def _compound(owner: QWidget, main: QWidget, side: QWidget, *, spacing: int) -> None:
    """``main`` stretched with ``side`` beside it, flush with the owner's edges so the
    compound lines up with plain fields in a form; focus goes to ``main``."""
    lay = QHBoxLayout(owner)
    lay.setContentsMargins(0, 0, 0, 0)
    lay.setSpacing(spacing)
    lay.addWidget(main, 1)
    lay.addWidget(side)
    owner.setFocusProxy(main)


class DateField(QWidget):
    """See the module doc. ``optional`` fields may be left blank (a clear button is shown)."""

    dateChanged = Signal(QDate)  # null QDate when cleared

    def __init__(self, parent: QWidget | None = None, *, optional: bool = False,
                 anchor: Anchor = None, placeholder: str = "") -> None:
        super().__init__(parent)
        self.optional = optional
        self._anchor: Anchor = anchor
        self._value: dt.date | None = None
        self._minimum: dt.date | None = None
        self._maximum: dt.date | None = None
        self.popup: CalendarPopup | None = None
        self.edit = QLineEdit(self)
        self.edit.setObjectName("dateText")
        self.edit.setPlaceholderText(placeholder or self.tr("年-月-日，如 2026-12-18"))
        self.edit.setClearButtonEnabled(optional)
        self.edit.setToolTip(self.tr("可直接输入：20261218、2026-12-18、2026年12月18日；"
                                     "今年的日期可只输入 12.18"))
        self.edit.editingFinished.connect(self._commit_text)
        self.edit.textEdited.connect(lambda _t: self._set_invalid(""))
        self.button = QToolButton(self)
        self.button.setObjectName("dateButton")
        self.button.setText("▾")
        self.button.setToolTip(self.tr("选择日期（Alt+↓）"))
        self.button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.button.clicked.connect(self.show_popup)
        _compound(self, self.edit, self.button, spacing=2)
        for keys in ("Alt+Down", "F4"):
            sc = QShortcut(QKeySequence(keys), self.edit)
            sc.setContext(Qt.ShortcutContext.WidgetShortcut)
            sc.activated.connect(self.show_popup)
        # width for "2026年12月18日" plus the clear button
        self.edit.setMinimumWidth(self.edit.fontMetrics().horizontalAdvance("2026年12月28日") + 40)

    # -- value -------------------------------------------------------------------------------
    def value(self) -> dt.date | None:
        """The last date accepted. Text still being typed, or text that is not a date, is
        not in it: a form calls ``check()`` before saving."""
        return self._value

    def check(self, label: str = "") -> dt.date | None:
        """Accept the text as typed so far (a Ctrl+S pressed inside the field comes before
        ``editingFinished``) and return the date, or raise a ValidationError naming the
        field (``label``, else "日期") when the text is not a date: a
        mistyped date is never saved as the date the field held before."""
        if self.edit.text() != format_date(self._value) and not self.error():
            self._commit_text()
        value = self._value
        if self.error():
            raise ValidationError(f"{label or self.tr('日期')}：{self.error()}",
                                  field=self.objectName())
        return value

    def setValue(self, value: dt.date | None) -> None:
        value = to_pydate(value)
        self._set_invalid("")
        changed = value != self._value
        self._value = value
        self.edit.setText(format_date(value))
        if changed:
            self.dateChanged.emit(to_qdate(value))

    def date(self) -> QDate:
        return to_qdate(self._value)

    def setDate(self, value: Any) -> None:
        self.setValue(to_pydate(value))

    def clear(self) -> None:
        self.setValue(None)

    def isEmpty(self) -> bool:
        return self._value is None

    def setMinimumDate(self, value: Any) -> None:
        self._minimum = to_pydate(value)

    def setMaximumDate(self, value: Any) -> None:
        self._maximum = to_pydate(value)

    def setAnchor(self, anchor: Anchor) -> None:
        """Where an empty field's calendar opens: a date, or a callable giving one (asked at
        each opening, e.g. the case's current deadline); today when None."""
        self._anchor = anchor

    def anchor(self) -> dt.date:
        anchor = self._anchor() if callable(self._anchor) else self._anchor
        return to_pydate(anchor) or dt.date.today()

    def setReadOnly(self, on: bool) -> None:
        self.edit.setReadOnly(on)
        self.button.setEnabled(not on)

    def error(self) -> str:
        """The Chinese message for text that could not be read ("" when fine)."""
        return str(self.edit.property("error") or "")

    # -- typing ------------------------------------------------------------------------------
    def _commit_text(self) -> None:
        text = self.edit.text()
        try:
            value = parse_date(text)
            if value is None and not self.optional:
                raise ValidationError(self.tr("请填写日期。"), field="date")
            if value is not None and self._minimum and value < self._minimum:
                raise ValidationError(self.tr("日期不能早于 {d}。").format(
                    d=format_date(self._minimum)), field="date")
            if value is not None and self._maximum and value > self._maximum:
                raise ValidationError(self.tr("日期不能晚于 {d}。").format(
                    d=format_date(self._maximum)), field="date")
        except ValidationError as err:
            self._set_invalid(err.message if hasattr(err, "message") else str(err))
            return
        self.setValue(value)

    def _set_invalid(self, message: str) -> None:
        if str(self.edit.property("error") or "") == message:
            return
        self.edit.setProperty("error", message)
        self.edit.setProperty("invalid", bool(message))
        self.edit.setToolTip(message or self.tr(
            "可直接输入：20261218、2026-12-18、2026年12月18日；今年的日期可只输入 12.18"))
        self.edit.style().unpolish(self.edit)
        self.edit.style().polish(self.edit)

    # -- calendar ----------------------------------------------------------------------------
    def show_popup(self) -> CalendarPopup:
        if self.popup is None:
            self.popup = CalendarPopup(self)
            self.popup.picked.connect(self._picked)
        cal = self.popup.calendar
        cal.setMinimumDate(to_qdate(self._minimum) if self._minimum else QDate(1900, 1, 1))
        cal.setMaximumDate(to_qdate(self._maximum) if self._maximum else QDate(2100, 12, 31))
        start = self._value or self.anchor()
        cal.setSelectedDate(to_qdate(start))
        cal.setCurrentPage(start.year, start.month)
        self.popup.adjustSize()
        screen = self.screen() or QApplication.primaryScreen()
        field = QRect(self.mapToGlobal(QPoint(0, 0)), self.size())
        area = screen.availableGeometry()
        self.popup.move(popup_position(field, self.popup.sizeHint(), area))
        self.popup.show()
        # once shown the window frame is known: place the whole frame inside the screen
        self.popup.move(popup_position(field, self.popup.frameGeometry().size(), area))
        cal.setFocus()
        return self.popup

    def _picked(self, day: QDate) -> None:
        if self.popup is not None:
            self.popup.hide()
        self.setValue(to_pydate(day))
        self.edit.setFocus()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.EnabledChange and self.popup is not None:
            self.popup.hide()
        super().changeEvent(event)


class DateTimeField(QWidget):
    """A ``DateField`` and a 24-hour ``QTimeEdit``; ``dateTime()``/``setDateTime()`` as on
    QDateTimeEdit."""

    dateTimeChanged = Signal(QDateTime)

    def __init__(self, parent: QWidget | None = None, *, anchor: Anchor = None) -> None:
        super().__init__(parent)
        self.date_field = DateField(self, anchor=anchor)
        self.time_edit = QTimeEdit(self)
        self.time_edit.setObjectName("timeEdit")
        self.time_edit.setDisplayFormat("HH:mm")
        _compound(self, self.date_field, self.time_edit, spacing=4)
        self.date_field.dateChanged.connect(lambda _d: self.dateTimeChanged.emit(self.dateTime()))
        self.time_edit.timeChanged.connect(lambda _t: self.dateTimeChanged.emit(self.dateTime()))

    def dateTime(self) -> QDateTime:
        day = self.date_field.date()
        return QDateTime(day, self.time_edit.time()) if day.isValid() else QDateTime()

    def setDateTime(self, value: QDateTime) -> None:
        self.date_field.setDate(value.date())
        self.time_edit.setTime(value.time() if value.isValid() else QTime(9, 0))
