"""Application-wide input guards, installed once on the QApplication.

``WheelGuard``: a combo box, spin box, date/time edit or slider reacts to the mouse wheel only
while it has keyboard focus. Scrolling a long form used to change 案件来源 under the pointer
silently (issue 11, point 2). One event filter on the application instead of a subclass per
widget, so widgets built anywhere (dialogs, delegates, other engineers' pages) are covered.
An unfocused widget's wheel event goes on to its parent instead, so the surrounding scroll area
still scrolls. Guarded widgets also get ``StrongFocus`` (tab and click, never the wheel).
"""

from __future__ import annotations

from typing import Any

from desktop.ui.qt import (
    QAbstractSpinBox,
    QComboBox,
    QEvent,
    QObject,
    QScrollBar,
    QSlider,
    Qt,
)

#: Widgets whose value the wheel would change. Scroll bars are sliders too, but scrolling is
#: their job.
GUARDED: tuple[type, ...] = (QComboBox, QAbstractSpinBox, QSlider)

_WHEEL = QEvent.Type.Wheel
_POLISH = QEvent.Type.Polish


def is_guarded(obj: object) -> bool:
    return isinstance(obj, GUARDED) and not isinstance(obj, QScrollBar)


class WheelGuard(QObject):
    """Swallows wheel events of unfocused value widgets and hands them to the parent."""

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == _POLISH:
            if is_guarded(obj):
                widget: Any = obj
                if widget.focusPolicy() == Qt.FocusPolicy.WheelFocus:
                    widget.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
            return False
        if kind != _WHEEL or not is_guarded(obj):
            return False
        if obj.hasFocus():  # type: ignore[attr-defined]
            return False
        # Filtered but not accepted: QApplication::notify then offers the same wheel event to
        # the parent widget (positions mapped), up the chain until a scroll area takes it.
        event.ignore()
        return True


def install(app: Any) -> WheelGuard:
    """Install the guards on ``app`` once (safe to call again: returns the existing one)."""
    existing = getattr(app, "_wheel_guard", None)
    if existing is not None:
        return existing
    guard = WheelGuard(app)
    guard.setObjectName("wheelGuard")
    app.installEventFilter(guard)
    app._wheel_guard = guard  # keep the wrapper alive with the application
    # Widgets polished before the filter existed keep WheelFocus otherwise.
    for widget in app.allWidgets():
        if is_guarded(widget) and widget.focusPolicy() == Qt.FocusPolicy.WheelFocus:
            widget.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
    return guard
