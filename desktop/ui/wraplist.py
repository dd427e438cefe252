"""A list whose entries wrap to its width: the reader never scrolls sideways.

``QListView.setWordWrap(True)`` alone does not do it: the view asks its delegate for an entry's
size with no width to wrap at, so a long line came back wider than the list (the duplicate
check's entries needed a horizontal scroll bar to be read at 1366×768). Here the delegate wraps
at the width of the list's viewport, and the list lays its entries out again when that width
changes (a vertical scroll bar appearing, the window resized).
"""

from __future__ import annotations

from desktop.ui.qt import (
    QListView,
    QListWidget,
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    QSize,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)


class WrapDelegate(QStyledItemDelegate):
    """Sizes each entry for the width of ``view``'s viewport, its text wrapped to fit."""

    def __init__(self, view: QListView) -> None:
        super().__init__(view)
        self.view = view

    def sizeHint(self, option: QStyleOptionViewItem,
                 index: QModelIndex | QPersistentModelIndex) -> QSize:
        room = self.view.viewport().width() - 2 * self.view.spacing()
        wrap = room
        hint = QSize()
        # The style wraps the text at the option's width, then adds the style sheet's item
        # padding around it: wrap narrower by what came back too wide, until the entry fits.
        for _ in range(4):
            opt = QStyleOptionViewItem(option)
            # the style wraps at the option's width only when the rectangle is valid
            opt.rect = QRect(0, 0, max(wrap, 1), 1)
            hint = super().sizeHint(opt, index)
            if hint.width() <= room or wrap <= 1:
                break
            wrap -= hint.width() - room
        return hint


class WrappingList(QListWidget):
    """A ``QListWidget`` of multi-line entries wrapped to its width."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setResizeMode(QListView.ResizeMode.Adjust)  # lay out again on every resize
        self.setItemDelegate(WrapDelegate(self))
