"""What the input guards (desktop.ui.guards: wheel guard on value widgets, fit guard on
windows) cost per event, against the same app without them, in one run.

    .venv/bin/python bench/event_filters.py

Sends the events a busy screen sees (paint-like user events to a form with combo boxes and
spin boxes, wheel events over them) and reports microseconds per event. Asserts nothing.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from desktop.ui.qt import (
    QApplication,
    QComboBox,
    QEvent,
    QFormLayout,
    QLineEdit,
    QPoint,
    QPointF,
    QSpinBox,
    Qt,
    QWheelEvent,
    QWidget,
)

N = 20_000


def form() -> tuple[QWidget, list[QWidget], list[QWidget]]:
    root = QWidget()
    lay = QFormLayout(root)
    widgets: list[QWidget] = []
    plain = [QLineEdit() for _ in range(20)]
    for w in plain:
        lay.addRow("文本", w)
    for i in range(20):
        w = QComboBox() if i % 2 else QSpinBox()
        if isinstance(w, QComboBox):
            w.addItems(["甲", "乙", "丙"])
        lay.addRow(f"{i}", w)
        widgets.append(w)
    root.show()
    return root, plain, widgets


USER = QEvent.Type(QEvent.registerEventType())


def per_event(targets: list[QWidget]) -> float:
    t0 = time.perf_counter()
    for i in range(N):
        QApplication.sendEvent(targets[i % len(targets)], QEvent(USER))
    return (time.perf_counter() - t0) / N * 1e6


def rounds(plain_widgets: list[QWidget], widgets: list[QWidget]) -> tuple[float, float, float]:
    other = per_event(plain_widgets)
    plain = per_event(widgets)
    t0 = time.perf_counter()
    for i in range(N // 10):
        w = widgets[i % len(widgets)]
        ev = QWheelEvent(QPointF(5, 5), QPointF(5, 5), QPoint(0, 0), QPoint(0, 0),
                         Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier,
                         Qt.ScrollPhase.NoScrollPhase, False)  # zero delta: values stay
        QApplication.sendEvent(w, ev)
    wheel = (time.perf_counter() - t0) / (N // 10) * 1e6
    return other, plain, wheel


def main() -> None:
    app = QApplication([])
    _root, plain, widgets = form()
    app.processEvents()
    base = [rounds(plain, widgets) for _ in range(5)]
    from desktop.ui import guards

    guards.install(app)
    guarded = [rounds(plain, widgets) for _ in range(5)]
    for name, i in (("event, line edit", 0), ("event, combo/spin", 1),
                    ("wheel, combo/spin", 2)):
        b = statistics.median(r[i] for r in base)
        g = statistics.median(r[i] for r in guarded)
        print(f"{name:18s}: without filters {b:6.2f} µs, with {g:6.2f} µs (+{g - b:.2f} µs)")


if __name__ == "__main__":
    main()
