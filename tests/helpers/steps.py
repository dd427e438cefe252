"""Counting what a person does while a test drives the real widgets.

Every method performs the real action (a qtbot mouse click, a key press, typing into a field,
strokes on the signature pad) and counts it, so the figures come from what was done, not from a
constant. What counts:

- a **click**: a mouse click on a button, tab, check box, table row, a combo box or one of its
  items (choosing from a combo box is two: open it, pick the item), and a shortcut key press
  (Ctrl+S, Ctrl+N: an action a click would otherwise do);
- a **typed field**: going into one field and typing its value (getting there by click or Tab
  is part of typing it);
- a **signature**: one person signing on the pad (their pen strokes are not clicks).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from desktop.ui.qt import (
    QApplication,
    QComboBox,
    QPoint,
    QStyle,
    QStyleOptionButton,
    Qt,
    QTabWidget,
    QWidget,
)
from tests.helpers.qtinput import type_text
from tests.helpers.strokes import sign

LEFT = Qt.MouseButton.LeftButton
# Messages the offscreen platform prints when a combo box opens its popup.
POPUP_WARNINGS = ("does not support raise", "grabbing the keyboard")


@dataclass
class Steps:
    qtbot: Any
    clicks: int = 0
    typed: int = 0
    signatures: int = 0
    log: list[str] = field(default_factory=list)

    def _count(self, kind: str, what: str) -> None:
        if kind == "click":
            self.clicks += 1
        elif kind == "typed":
            self.typed += 1
        else:
            self.signatures += 1
        self.log.append(f"{kind}: {what}")

    # ---- clicks ------------------------------------------------------------------------
    def click(self, widget: QWidget, what: str = "", pos: QPoint | None = None) -> None:
        assert widget.isVisible() and widget.isEnabled(), widget.objectName() or what
        if pos is None:
            self.qtbot.mouseClick(widget, LEFT)
        else:
            self.qtbot.mouseClick(widget, LEFT, pos=pos)
        text = widget.text() if hasattr(widget, "text") and callable(widget.text) else ""
        self._count("click", what or text or widget.objectName() or type(widget).__name__)

    def check(self, box: Any) -> None:
        """Click a check box on its box (a click beside its text does nothing)."""
        option = QStyleOptionButton()
        box.initStyleOption(option)
        rect = box.style().subElementRect(QStyle.SubElement.SE_CheckBoxIndicator, option, box)
        before = box.isChecked()
        self.click(box, box.text(), rect.center())
        assert box.isChecked() != before

    def shortcut(self, widget: QWidget, key: Qt.Key,
                 modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.ControlModifier,
                 what: str = "") -> None:
        self.qtbot.keyClick(widget, key, modifier)
        self._count("click", what or f"shortcut {key.name}")

    def tab(self, tabs: QTabWidget, page: QWidget) -> None:
        bar = tabs.tabBar()
        index = tabs.indexOf(page)
        self.click(bar, f"tab {tabs.tabText(index)}", bar.tabRect(index).center())
        assert tabs.currentWidget() is page

    def row(self, table: Any, row: int, column: int = 0) -> None:
        rect = table.visualRect(table.model().index(row, column))
        self.click(table.viewport(), f"row {row}", rect.center())

    def choose(self, combo: QComboBox, data: Any) -> None:
        """Open the combo box with a click and click the item whose data is ``data``."""
        index = combo.findData(data)
        assert index >= 0, data
        self.click(combo, f"open {combo.objectName()}")
        view = combo.view()
        self.qtbot.waitUntil(view.isVisible, timeout=3000)
        # The popup ignores a release that comes too soon after it opened (a press-drag-
        # release selects): wait as a person's second click would.
        self.qtbot.wait(QApplication.doubleClickInterval() + 50)
        rect = view.visualRect(combo.model().index(index, combo.modelColumn()))
        self.qtbot.mouseClick(view.viewport(), LEFT, pos=rect.center())
        self._count("click", f"pick {combo.itemText(index)}")
        self.qtbot.waitUntil(lambda: not view.isVisible(), timeout=3000)
        assert combo.currentIndex() == index

    # ---- typing and signing ------------------------------------------------------------
    def type(self, widget: QWidget, text: str) -> None:
        type_text(widget, text)
        self._count("typed", f"{widget.objectName() or type(widget).__name__} = {text}")

    def keys(self, widget: QWidget, text: str, what: str) -> None:
        """Type ASCII ``text`` by key clicks into the widget as it is focused now (a date
        field's selected section), without moving the focus first."""
        self.qtbot.keyClicks(widget, text)
        self._count("typed", f"{what} = {text}")

    def sign(self, pad: QWidget, how: str) -> None:
        sign(pad, how)
        self._count("signature", how)

    # ---- report ------------------------------------------------------------------------
    def report(self, title: str) -> str:
        return (f"{title}: {self.clicks} 次点击（含快捷键）, {self.typed} 个输入项, "
                f"{self.signatures} 个签名")
