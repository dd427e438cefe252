"""Small pieces the case tabs share: a non-blocking "reason" dialog, read-only tables, dates."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from desktop.domain.dates import format_date
from desktop.ui.qt import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QSplitter,
    Qt,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
    translate,
)


def tr(text: str) -> str:
    return translate("case", text)


def fmt_date(value: dt.date | dt.datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return f"{format_date(value)} {value:%H:%M}"
    return format_date(value)


def sentences(*parts: str) -> str:
    """Join free-text fields as sentences: "推搡。" + "已通知民警" → "推搡。已通知民警。"."""
    out = []
    for part in (p.strip() for p in parts):
        if part:
            out.append(part if part.endswith(("。", "！", "？", "；")) else part + "。")
    return "".join(out)


class ReasonDialog(QDialog):
    """Asks for a reason (and optionally more fields) before a workflow step.

    Opened with ``open()`` (window-modal, not blocking the event loop); ``on_ok`` receives the
    text. Tests find it by objectName ``reasonDialog``.
    """

    def __init__(self, parent: QWidget | None, title: str, prompt: str,
                 extra: Sequence[tuple[str, QWidget]] = (), text: str = "") -> None:
        super().__init__(parent)
        self.setObjectName("reasonDialog")
        self.setWindowTitle(title)
        self.resize(520, 300)
        self.prompt = QLabel(prompt, self)
        self.prompt.setWordWrap(True)
        self.text = QPlainTextEdit(self)
        self.text.setObjectName("reason")
        self.text.setTabChangesFocus(True)
        self.text.setPlainText(text)
        form = QFormLayout()
        for label, widget in extra:
            form.addRow(label, widget)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(tr("确定"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(tr("取消"))
        self.buttons.accepted.connect(self._ok)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.prompt)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.buttons)
        self.text.setFocus()

    def _ok(self) -> None:
        if not self.text.toPlainText().strip():
            self.prompt.setText(tr("请填写原因。"))
            self.prompt.setObjectName("errorLabel")
            self.prompt.style().unpolish(self.prompt)
            self.prompt.style().polish(self.prompt)
            self.text.setFocus()
            return
        self.accept()

    def reason(self) -> str:
        return self.text.toPlainText().strip()


class MediatorDialog(QDialog):
    """分配调解员: pick the case's mediator (承办调解员) from the committee's mediators and
    directors. Opened with ``open()``; ``mediator_id()`` is the choice once accepted."""

    def __init__(self, parent: QWidget | None, choices: Sequence[tuple[int, str]],
                 current: int | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mediatorDialog")
        self.setWindowTitle(tr("分配调解员"))
        self.combo = QComboBox(self)
        self.combo.setObjectName("mediator_id")
        for user_id, name in choices:
            self.combo.addItem(name, user_id)
        if current is not None and self.combo.findData(current) >= 0:
            self.combo.setCurrentIndex(self.combo.findData(current))
        self.note = QLabel(self)
        self.note.setWordWrap(True)
        if not choices:
            self.note.setText(tr("本调委会还没有可分配的调解员：请管理员在“设置 → 用户与角色”"
                                 "中添加调解员或主任。"))
        form = QFormLayout()
        form.addRow(tr("承办调解员"), self.combo)
        self.buttons = save_cancel_buttons(self, tr("分配"))
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setEnabled(bool(choices))
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.note)
        layout.addWidget(self.buttons)
        self.combo.setFocus()

    def mediator_id(self) -> int | None:
        data = self.combo.currentData()
        return int(data) if data is not None else None


def set_read_only(widgets: Sequence[Any], read_only: bool) -> None:
    """Make text fields read-only (or editable again) and restyle them at once: the style
    sheet's [readOnly="true"] look is only recomputed when the widget is re-polished."""
    for w in widgets:
        if w.isReadOnly() != read_only:
            w.setReadOnly(read_only)
            w.style().unpolish(w)
            w.style().polish(w)


def save_cancel_buttons(dialog: QDialog, save_text: str = "") -> QDialogButtonBox:
    """The Save/Cancel row every case dialog ends with, wired to accept/reject."""
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                               | QDialogButtonBox.StandardButton.Cancel, dialog)
    buttons.button(QDialogButtonBox.StandardButton.Save).setText(save_text or tr("保存"))
    buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(tr("取消"))
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    return buttons


def ask_reason(parent: QWidget, title: str, prompt: str, on_ok: Callable[[ReasonDialog], None],
               extra: Sequence[tuple[str, QWidget]] = (), text: str = "") -> ReasonDialog:
    dialog = ReasonDialog(parent, title, prompt, extra, text)
    dialog.accepted.connect(lambda: on_ok(dialog))
    dialog.finished.connect(lambda _r: dialog.deleteLater())
    dialog.open()
    return dialog


def open_editor(tab: Any, dialog: Any, write: Callable[[Any], object], label: str) -> Any:
    """Open a case tab's record dialog window-modal (kept as ``tab.dialog`` for tests); on OK
    ``write(dialog.save())`` runs through the case window: off the UI thread, then the
    window reloads."""
    window = tab.window_

    def save() -> None:
        value = dialog.save()
        window.run(lambda: write(value), label)

    dialog.accepted.connect(save)
    dialog.finished.connect(lambda _r: dialog.deleteLater())
    dialog.open()
    tab.dialog = dialog
    return dialog


def side_by_side(parent: QWidget, left: QWidget, right: QWidget,
                 sizes: tuple[int, int]) -> QSplitter:
    """A list and the selected item's detail, the divider draggable."""
    splitter = QSplitter(Qt.Orientation.Horizontal, parent)
    splitter.addWidget(left)
    splitter.addWidget(right)
    splitter.setSizes(list(sizes))
    return splitter


def make_table(headers: Sequence[str], parent: QWidget | None = None,
               stretch: int = -1) -> QTableWidget:
    table = QTableWidget(0, len(headers), parent)
    table.setHorizontalHeaderLabels(list(headers))
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setAlternatingRowColors(True)
    table.verticalHeader().hide()
    # Rows follow their wrapped text as columns resize (a one-off resize while the tab is
    # hidden would measure against the wrong widths).
    table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.setWordWrap(True)
    table.setTextElideMode(Qt.TextElideMode.ElideMiddle)  # long SHA-256 values keep both ends
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    if stretch < 0:
        stretch = len(headers) - 1
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    return table


def fill_table(table: QTableWidget, rows: Sequence[Sequence[Any]],
               ids: Sequence[Any] | None = None) -> None:
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            text = "" if value is None else str(value)
            item = QTableWidgetItem(text)
            if len(text) > 24:
                item.setToolTip(text)
            if ids is not None:
                item.setData(Qt.ItemDataRole.UserRole, ids[r])
            table.setItem(r, c, item)


def selected_id(table: QTableWidget) -> Any:
    row = table.currentRow()
    item = table.item(row, 0) if row >= 0 else None
    if item is None:
        return None
    return item.data(Qt.ItemDataRole.UserRole)
