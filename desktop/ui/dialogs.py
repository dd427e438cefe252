"""Building blocks of forms and small dialogs (login, passwords, seal, restore, the case
tabs' records): the multi-line field, the primary button, the red error line, the layout
with the buttons at the bottom right, and a mixin that shows a service's refusal in the
dialog's own error line instead of the app-wide box."""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast

from desktop.domain.errors import MediationError
from desktop.ui.qt import (
    QAbstractSpinBox,
    QApplication,
    QBoxLayout,
    QComboBox,
    QDialog,
    QEvent,
    QHBoxLayout,
    QKeyEvent,
    QLabel,
    QLayout,
    QObject,
    QPlainTextEdit,
    QPushButton,
    Qt,
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


class EnterMovesOn(QObject):
    """Installed on choice fields (combo and spin boxes) of a form: Enter moves on to the
    next field, as it does from the form's text fields (``returnPressed`` →
    ``focusNextChild``), instead of doing nothing. A combo box with its list open keeps
    Enter for picking the item."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.KeyPress or not isinstance(watched, QWidget):
            return False
        key = cast(QKeyEvent, event)
        if key.key() not in (Qt.Key.Key_Return, Qt.Key.Key_Enter) or key.modifiers() not in (
                Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.KeypadModifier):
            return False
        if isinstance(watched, QComboBox) and watched.view().isVisible():
            return False
        if isinstance(watched, QAbstractSpinBox):
            watched.interpretText()  # what was typed counts before moving on
        # a Tab press: the same way on, through the form's own tab order
        tab = QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_Tab, Qt.KeyboardModifier.NoModifier)
        QApplication.sendEvent(watched, tab)
        return True


def enter_moves_on(owner: QObject, *fields: QWidget) -> None:
    """Enter on each of ``fields`` moves on (one filter, owned by ``owner``)."""
    mover = EnterMovesOn(owner)
    for field in fields:
        field.installEventFilter(mover)


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
