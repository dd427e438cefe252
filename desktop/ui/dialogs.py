"""Building blocks of forms and small dialogs (login, passwords, seal, restore, the case
tabs' records): the multi-line field, the primary button, the red error line, the layout
with the buttons at the bottom right, and a mixin that shows a service's refusal in the
dialog's own error line instead of the app-wide box."""

from __future__ import annotations

from collections.abc import Sequence

from desktop.domain.errors import MediationError
from desktop.ui.qt import (
    QBoxLayout,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLayout,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)


def text_box(parent: QWidget, name: str, placeholder: str = "", *, min_height: int = 0,
             max_height: int = 0) -> QPlainTextEdit:
    """A multi-line field of a form: Tab moves on to the next field (a tab character in a
    case text is never wanted), found by tests and error messages under ``name``."""
    edit = QPlainTextEdit(parent)
    edit.setObjectName(name)
    edit.setPlaceholderText(placeholder)
    edit.setTabChangesFocus(True)
    if min_height:
        edit.setMinimumHeight(min_height)
    if max_height:
        edit.setMaximumHeight(max_height)
    return edit


def primary_button(text: str, name: str) -> QPushButton:
    """The one button the dialog is for (styled by the app's ``role`` property)."""
    button = QPushButton(text, objectName=name)
    button.setProperty("role", "primary")
    return button


def error_label() -> QLabel:
    """The red line under a form, hidden until there is something to say."""
    label = QLabel(objectName="errorLabel")
    label.setWordWrap(True)
    label.hide()
    return label


def dialog_layout(dialog: QDialog, parts: Sequence[QWidget | QLayout],
                  buttons: Sequence[QPushButton], *,
                  margins: tuple[int, int, int, int] = (24, 20, 24, 16),
                  spacing: int = 12) -> QBoxLayout:
    """``parts`` top to bottom, then ``buttons`` at the bottom right (cancel first, the
    primary button last, as on Windows and the Chinese desktops)."""
    row = QHBoxLayout()
    row.addStretch(1)
    for button in buttons:
        row.addWidget(button)
    layout = QVBoxLayout(dialog)
    layout.setContentsMargins(*margins)
    layout.setSpacing(spacing)
    for part in parts:
        if isinstance(part, QLayout):
            layout.addLayout(part)
        else:
            layout.addWidget(part)
    layout.addLayout(row)
    return layout


class InlineErrors:
    """Mixed into a form dialog (``class X(InlineErrors, QDialog)``): its service errors show
    in its own red label (``self.error``) and re-enable its submit button (``self.ok``),
    instead of the app-wide error box, so the user corrects the field right there. A mixin,
    not a QDialog subclass, so the dialog inventory of the tests lists only real dialogs."""

    ok: QPushButton
    error: QLabel

    def failed(self, err: BaseException) -> bool:
        """An ``ops.Op`` failure handler: True (handled) for a MediationError."""
        self.ok.setEnabled(True)
        if isinstance(err, MediationError):
            self.show_error(err.message)
            # the field the message names gets the cursor (as ops.show_error does)
            focus = getattr(self, "focus_field", None)
            field = getattr(err, "field", None)
            if field and callable(focus):
                focus(field)
            return True
        return False  # unexpected: ops shows it with the details

    def show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()
