"""The one message line under a form field, and the red border of a field in error.

One mechanism for the whole app: every field that can be wrong gets a ``FieldMessage`` under it
that always takes exactly one line, empty or not. Showing or clearing a message therefore never
moves the rows below (the next click lands where the user aimed). A text longer than the line
is elided; the full text is the tooltip, and the field itself gets a red border
(``invalid=true`` in the style sheet) so the error is visible even when the text is cut.
"""

from __future__ import annotations

from desktop.ui.qt import QLabel, QResizeEvent, QSize, QSizePolicy, Qt, QWidget


def mark_invalid(widget: QWidget, invalid: bool) -> None:
    """Red border (style sheet ``[invalid="true"]``) on ``widget``; re-polished at once."""
    if bool(widget.property("invalid")) == invalid:
        return
    widget.setProperty("invalid", invalid)
    widget.style().unpolish(widget)
    widget.style().polish(widget)


class FieldMessage(QLabel):
    """A reserved line for a field's message: ``state`` is "error", "hint", "ok" or ""."""

    def __init__(self, parent: QWidget | None = None, field: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("fieldMessage")
        self.field = field
        self._full = ""
        self.setWordWrap(False)
        # Never wider than its column and never taller than one line, whatever the text.
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)

    def sizeHint(self) -> QSize:
        return QSize(0, self.fontMetrics().height() + 2)

    def minimumSizeHint(self) -> QSize:
        return self.sizeHint()

    def full_text(self) -> str:
        return self._full

    def show_message(self, text: str, state: str = "error") -> None:
        self._full = text
        self.setProperty("state", state)
        self.setToolTip(text if text else "")
        self.style().unpolish(self)
        self.style().polish(self)
        self.setFixedHeight(self.sizeHint().height())
        self._elide()
        if self.field is not None:
            mark_invalid(self.field, state == "error" and bool(text))

    def clear_message(self) -> None:
        self.show_message("", "")

    def is_error(self) -> bool:
        return bool(self._full) and self.property("state") == "error"

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        width = max(0, self.width())
        text = self.fontMetrics().elidedText(self._full, Qt.TextElideMode.ElideRight, width) \
            if width > 0 else self._full
        super().setText(text)
