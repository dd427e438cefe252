"""Application-wide guards, installed once on the QApplication (``install``).

``WheelGuard``: a combo box, spin box, date/time edit or slider reacts to the mouse wheel only
while it has keyboard focus, because scrolling a long form would otherwise change a field
such as 案件来源 under the pointer without the user noticing. One hook for the whole
application (``GuardStyle.polish``, which every widget passes through once) instead of a
subclass per widget, so widgets built anywhere (dialogs, delegates, any page) are covered
without each remembering to opt in; the hook also puts the
window fit guard (desktop.ui.screenfit) on every window.
An unfocused widget's wheel event goes on to its parent instead, so the surrounding scroll area
still scrolls. Guarded widgets also get ``StrongFocus`` (tab and click, never the wheel).

``OneLineValidator``: a single-line field (``QLineEdit``) keeps whatever is pasted or dropped
into it on one line. Qt lets a pasted line break into a QLineEdit, where it shows as a space;
the services then refuse the value ("不能换行…") and the person cannot see what to delete.
Line breaks between two Chinese characters are dropped (text copied from a document or a chat
is broken anywhere), other runs become one space, and in a password field they are dropped.
The same polish hook puts it on every line edit that has no validator of its own.
"""

from __future__ import annotations

import re
from typing import Any

from desktop.ui.qt import (
    QAbstractSpinBox,
    QComboBox,
    QEvent,
    QLineEdit,
    QObject,
    QProxyStyle,
    QScrollBar,
    QSlider,
    Qt,
    QValidator,
    QWidget,
)

#: Widgets whose value the wheel would change. Scroll bars are sliders too, but scrolling is
#: their job.
GUARDED: tuple[type, ...] = (QComboBox, QAbstractSpinBox, QSlider)

_WHEEL = QEvent.Type.Wheel


def is_guarded(obj: object) -> bool:
    return isinstance(obj, GUARDED) and not isinstance(obj, QScrollBar)


class WheelGuard(QObject):
    """Installed on each guarded widget: swallows the wheel unless the widget has focus."""

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        # installed on guarded widgets only (install below), so obj has hasFocus()
        if event.type() != _WHEEL or obj.hasFocus():  # type: ignore[attr-defined]
            return False
        # Filtered but not accepted: QApplication::notify then offers the same wheel event to
        # the parent widget (positions mapped), up the chain until a scroll area takes it.
        event.ignore()
        return True


_BREAK = "\r\n\t\v\f\u0085\u2028\u2029"
_BREAKS = re.compile(f"[{_BREAK}]+")
# CJK ideographs (BMP and the supplementary planes) and full-width punctuation
_HAN = "\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\U00020000-\U0003ffff"
_HAN_BREAK = re.compile(f"(?<=[{_HAN}])[{_BREAK}]+(?=[{_HAN}])")


def one_line(text: str, *, secret: bool = False) -> str:
    """``text`` without line breaks (see OneLineValidator)."""
    if secret:
        return _BREAKS.sub("", text)
    text = _HAN_BREAK.sub("", text.strip(_BREAK))
    return _BREAKS.sub(" ", text)


class OneLineValidator(QValidator):
    """Installed on line edits: pasted or dropped line breaks never reach the text."""

    def validate(self, text: str, pos: int) -> tuple[QValidator.State, str, int]:
        if not _BREAKS.search(text):
            return QValidator.State.Acceptable, text, pos
        edit = self.parent()
        secret = isinstance(edit, QLineEdit) and (
            edit.echoMode() != QLineEdit.EchoMode.Normal)
        fixed = one_line(text, secret=secret)
        return (QValidator.State.Acceptable, fixed,
                min(len(fixed), len(one_line(text[:pos], secret=secret))))


def wants_one_line(widget: QWidget) -> bool:
    """A plain line edit without a validator (spin boxes and combo boxes check their own)."""
    return (isinstance(widget, QLineEdit) and widget.validator() is None
            and not isinstance(widget.parent(), (QAbstractSpinBox, QComboBox)))


class GuardStyle(QProxyStyle):
    """The application style, unchanged, except that every widget passes through
    ``polish`` once: guarded widgets get ``StrongFocus`` and the wheel guard, windows the fit
    guard (desktop.ui.screenfit). Hooking polish instead of filtering every event of the
    application keeps the Python cost to the few widgets concerned (an application-wide
    filter added ~50 µs to every event, bench/event_filters.py)."""

    def __init__(self, base: str, wheel: WheelGuard, fit: QObject) -> None:
        super().__init__(base)
        self.setObjectName(STYLE_NAME)
        self._wheel = wheel
        self._fit = fit

    def polish(self, obj: Any) -> Any:  # QWidget, QApplication or QPalette overloads
        result = super().polish(obj)
        if isinstance(obj, QWidget):
            self.hook(obj)
        return result

    def hook(self, widget: QWidget) -> None:
        if is_guarded(widget):
            if widget.focusPolicy() == Qt.FocusPolicy.WheelFocus:
                widget.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
            widget.installEventFilter(self._wheel)
        if widget.isWindow():
            widget.installEventFilter(self._fit)
        if isinstance(widget, QLineEdit) and wants_one_line(widget):
            widget.setValidator(OneLineValidator(widget))


STYLE_NAME = "mediationdeskGuardStyle"


def install(app: Any) -> GuardStyle:
    """Wrap the application's style in ``GuardStyle`` (again after any ``setStyle``; the
    guards themselves are made once per application)."""
    current = app.style()
    if current.objectName() == STYLE_NAME:
        return current
    from desktop.ui.screenfit import FitGuard

    wheel = getattr(app, "_wheel_guard", None) or WheelGuard(app)
    wheel.setObjectName("wheelGuard")
    fit = getattr(app, "_fit_guard", None) or FitGuard(app)
    fit.setObjectName("fitGuard")
    app._wheel_guard, app._fit_guard = wheel, fit  # keep the wrappers alive with the app
    style = GuardStyle(current.name(), wheel, fit)
    app._guard_style = style
    app.setStyle(style)  # re-polishes every existing widget, so they are hooked too
    for widget in app.allWidgets():  # (and in case a widget's own style skipped us)
        style.hook(widget)
    return style
