"""Synthesised pen, mouse and touch strokes for the signature pad (and any drawing widget).

Real events go through ``QApplication.sendEvent`` so the widget's own handlers run, exactly as
when a person signs. ``QTest.mouseMove`` carries no pressed buttons in Qt 6, so mouse strokes
are built from ``QMouseEvent`` directly.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import (
    QEventPoint,
    QInputDevice,
    QMouseEvent,
    QPointingDevice,
    QTabletEvent,
    QTouchEvent,
)
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

_PEN: QPointingDevice | None = None
_TOUCH: QPointingDevice | None = None


def pen_device() -> QPointingDevice:
    global _PEN
    if _PEN is None:
        caps = (QInputDevice.Capability.Position | QInputDevice.Capability.Pressure
                | QInputDevice.Capability.XTilt | QInputDevice.Capability.YTilt)
        _PEN = QPointingDevice("test stylus", 4242, QInputDevice.DeviceType.Stylus,
                               QPointingDevice.PointerType.Pen, caps, 1, 2)
    return _PEN


def touch_device() -> QPointingDevice:
    global _TOUCH
    if _TOUCH is None:
        _TOUCH = QTest.createTouchDevice()
    return _TOUCH


def wave(x0: float, y0: float, width: float, height: float, n: int = 24) -> list[QPointF]:
    """A handwriting-like squiggle: a sine wave across ``width``."""
    return [QPointF(x0 + width * i / (n - 1), y0 + height * math.sin(i / (n - 1) * 3 * math.pi))
            for i in range(n)]


def mouse_stroke(widget: QWidget, points: Sequence[QPointF]) -> None:
    def send(kind: QEvent.Type, p: QPointF, button: Qt.MouseButton,
             buttons: Qt.MouseButton) -> None:
        glob = QPointF(widget.mapToGlobal(p.toPoint()))
        QApplication.sendEvent(widget, QMouseEvent(kind, p, glob, button, buttons,
                                                   Qt.KeyboardModifier.NoModifier))

    left = Qt.MouseButton.LeftButton
    send(QEvent.Type.MouseButtonPress, points[0], left, left)
    for p in points[1:]:
        send(QEvent.Type.MouseMove, p, Qt.MouseButton.NoButton, left)
    send(QEvent.Type.MouseButtonRelease, points[-1], left, Qt.MouseButton.NoButton)


def tablet_stroke(widget: QWidget, points: Sequence[QPointF],
                  pressures: Iterable[float] | None = None) -> None:
    """A pen stroke; pressure rises then falls unless given."""
    n = len(points)
    pressures = list(pressures) if pressures is not None else [
        0.2 + 0.7 * math.sin(math.pi * i / max(1, n - 1)) for i in range(n)]
    device = pen_device()

    def send(kind: QEvent.Type, p: QPointF, pressure: float, button: Qt.MouseButton,
             buttons: Qt.MouseButton) -> None:
        glob = QPointF(widget.mapToGlobal(p.toPoint()))
        event = QTabletEvent(kind, device, p, glob, pressure, 0.0, 0.0, 0.0, 0.0, 0.0,
                             Qt.KeyboardModifier.NoModifier, button, buttons)
        QApplication.sendEvent(widget, event)

    left = Qt.MouseButton.LeftButton
    send(QEvent.Type.TabletPress, points[0], pressures[0], left, left)
    for p, pr in zip(points[1:-1], pressures[1:-1]):
        send(QEvent.Type.TabletMove, p, pr, Qt.MouseButton.NoButton, left)
    send(QEvent.Type.TabletRelease, points[-1], pressures[-1], left, Qt.MouseButton.NoButton)


def touch_stroke(widget: QWidget, points: Sequence[QPointF]) -> None:
    # QTest.touchEvent's chained sequence object trips a PySide6 refcount bug at exit, so the
    # events are built by hand: one finger, pressed, moved, released.
    device = touch_device()
    states = ([(QEvent.Type.TouchBegin, QEventPoint.State.Pressed)]
              + [(QEvent.Type.TouchUpdate, QEventPoint.State.Updated)] * (len(points) - 2)
              + [(QEvent.Type.TouchEnd, QEventPoint.State.Released)])
    for (kind, state), p in zip(states, points):
        glob = QPointF(widget.mapToGlobal(p.toPoint()))
        point = QEventPoint(1, state, p, glob)
        event = QTouchEvent(kind, device, Qt.KeyboardModifier.NoModifier, [point])
        QApplication.sendEvent(widget, event)


def sign(widget: QWidget, how: str = "tablet") -> None:
    """Two strokes that look like a signature, by the given input kind."""
    w, h = widget.width(), widget.height()
    first = wave(w * 0.15, h * 0.5, w * 0.35, h * 0.15)
    second = wave(w * 0.55, h * 0.45, w * 0.3, h * 0.2, n=16)
    stroke = {"tablet": tablet_stroke, "mouse": mouse_stroke, "touch": touch_stroke}[how]
    stroke(widget, first)
    stroke(widget, second)


__all__ = ["QPoint", "mouse_stroke", "sign", "tablet_stroke", "touch_stroke", "wave"]
