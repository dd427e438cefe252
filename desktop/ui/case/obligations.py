"""The agreement's obligations: who pays whom what, how much, how and by when.

The total is shown live in figures and in 大写 (``desktop.domain.money``), as it will be printed
on the agreement, so the mediator can read it out to the parties before printing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import cast

from desktop.domain.errors import ValidationError
from desktop.domain.money import format_money, parse_money, to_chinese_upper
from desktop.services.dto import ObligationInput
from desktop.ui.datefield import DateField
from desktop.ui.fieldmessage import FieldMessage
from desktop.ui.qt import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    Qt,
    QTableWidget,
    QVBoxLayout,
    QWidget,
    Signal,
)

COL_PAYER, COL_PAYEE, COL_CONTENT, COL_AMOUNT, COL_MANNER, COL_DEADLINE = range(6)


class ObligationsTable(QWidget):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._parties: list[tuple[int, str]] = []
        #: where an empty 履行期限's calendar opens (a callable giving a date, or None: today)
        self.anchor: Callable[[], dt.date | None] | None = None
        self.table = QTableWidget(0, 6, self)
        self.table.setObjectName("obligations")
        self.table.setHorizontalHeaderLabels([
            self.tr("履行方"), self.tr("接收方"), self.tr("履行内容"), self.tr("金额（元）"),
            self.tr("履行方式"), self.tr("履行期限")])
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(COL_CONTENT, QHeaderView.ResizeMode.Stretch)
        # the deadline column as wide as its date field needs, and room for the clear button
        # a set date shows (at 165 px it showed "026年12月27日" on an X server)
        probe = DateField(self, optional=True)
        deadline_width = max(165, probe.minimumSizeHint().width() + 28)
        probe.deleteLater()
        for col, width in ((COL_PAYER, 120), (COL_PAYEE, 120), (COL_AMOUNT, 130),
                           (COL_MANNER, 140), (COL_DEADLINE, deadline_width)):
            self.table.setColumnWidth(col, width)
        self.table.verticalHeader().setDefaultSectionSize(36)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setTabKeyNavigation(False)  # Tab moves through the cell editors instead
        self.table.setMinimumHeight(150)

        self.add_button = QPushButton(self.tr("＋ 添加一项义务"), self)
        self.add_button.setObjectName("addObligation")
        self.remove_button = QPushButton(self.tr("删除所选"), self)
        self.add_button.clicked.connect(lambda: self.add_row())
        self.remove_button.clicked.connect(self.remove_selected)
        self.total_label = QLabel(self)
        self.total_label.setObjectName("obligationTotal")
        self.total_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # The reserved line (one mechanism app-wide): the buttons below never move.
        self.error_label = FieldMessage(self)

        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        buttons.addWidget(self.total_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.error_label)
        layout.addLayout(buttons)
        self._update_total()

    # ---- parties -----------------------------------------------------------------------
    def set_parties(self, parties: list[tuple[int, str]]) -> None:
        self._parties = list(parties)
        for row in range(self.table.rowCount()):
            for col in (COL_PAYER, COL_PAYEE):
                combo = self._combo(row, col)
                current = combo.currentData()
                self._fill_parties(combo)
                combo.setCurrentIndex(max(0, combo.findData(current)))

    def _fill_parties(self, combo: QComboBox) -> None:
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(self.tr("（未指定）"), None)
        for party_id, name in self._parties:
            combo.addItem(name, party_id)
        combo.blockSignals(False)

    # ---- rows --------------------------------------------------------------------------
    def add_row(self, item: ObligationInput | None = None) -> int:
        row = self.table.rowCount()
        self.table.insertRow(row)
        payer, payee = QComboBox(), QComboBox()
        for combo in (payer, payee):
            self._fill_parties(combo)
            combo.currentIndexChanged.connect(self._emit)
        content = QLineEdit()
        content.setPlaceholderText(self.tr("如：赔偿医疗费、误工费"))
        amount = QLineEdit()
        amount.setObjectName("amount")
        amount.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        amount.setPlaceholderText(self.tr("0.00"))
        manner = QLineEdit()
        manner.setPlaceholderText(self.tr("如：一次性银行转账"))
        # an empty deadline's calendar opens at the agreement's 履行期限, else today
        deadline = DateField(optional=True, placeholder=self.tr("（未定）"),
                             anchor=lambda: self.anchor() if self.anchor else None)
        deadline.setObjectName("obligationDeadline")
        for edit in (content, amount, manner):
            edit.textChanged.connect(self._emit)
        deadline.dateChanged.connect(self._emit)
        for col, widget in ((COL_PAYER, payer), (COL_PAYEE, payee), (COL_CONTENT, content),
                            (COL_AMOUNT, amount), (COL_MANNER, manner),
                            (COL_DEADLINE, deadline)):
            self.table.setCellWidget(row, col, widget)
        if item is None and row > 0:
            # A further obligation is most often between the same two parties.
            for col, combo in ((COL_PAYER, payer), (COL_PAYEE, payee)):
                combo.setCurrentIndex(self._combo(row - 1, col).currentIndex())
        if item is not None:
            payer.setCurrentIndex(max(0, payer.findData(item.payer_party_id)))
            payee.setCurrentIndex(max(0, payee.findData(item.payee_party_id)))
            content.setText(item.content)
            amount.setText(f"{item.amount:.2f}" if item.amount is not None else "")
            manner.setText(item.manner)
            deadline.setValue(item.deadline)
        self._emit()
        return row

    def remove_selected(self) -> None:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()},
                      reverse=True)
        if not rows and self.table.currentRow() >= 0:
            rows = [self.table.currentRow()]
        for row in rows:
            self.table.removeRow(row)
        self._emit()

    # The cells' widgets are the ones add_row puts there.
    def _combo(self, row: int, col: int) -> QComboBox:
        return cast(QComboBox, self.table.cellWidget(row, col))

    def _edit(self, row: int, col: int) -> QLineEdit:
        return cast(QLineEdit, self.table.cellWidget(row, col))

    def amount_edit(self, row: int) -> QLineEdit:
        return self._edit(row, COL_AMOUNT)

    # ---- totals ------------------------------------------------------------------------
    def _emit(self, *_args: object) -> None:
        self._update_total()
        self.changed.emit()

    def errors(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for row in range(self.table.rowCount()):
            text = self._edit(row, COL_AMOUNT).text().strip()
            if text:
                try:
                    parse_money(text)
                except ValidationError as exc:
                    out[f"obligations[{row}].amount"] = exc.message
        return out

    def total(self) -> Decimal:
        total = Decimal("0.00")
        for row in range(self.table.rowCount()):
            text = self._edit(row, COL_AMOUNT).text().strip()
            try:
                total += parse_money(text) if text else Decimal("0.00")
            except ValidationError:
                continue
        return total

    def _update_total(self) -> None:
        errors = self.errors()
        for row in range(self.table.rowCount()):
            edit = self._edit(row, COL_AMOUNT)
            edit.setProperty("invalid", f"obligations[{row}].amount" in errors)
            edit.style().unpolish(edit)
            edit.style().polish(edit)
        if errors:
            first = min(errors)
            row = int(first[first.index("[") + 1:first.index("]")])
            self.error_label.show_message(self.tr("第 {n} 项：{msg}").format(
                n=row + 1, msg=errors[first]))
        else:
            self.error_label.clear_message()
        total = self.total()
        self.total_label.setText(self.tr("合计 {figures}（{upper}）").format(
            figures=format_money(total), upper=to_chinese_upper(total)))

    # ---- load / save -------------------------------------------------------------------
    def load(self, items: list[ObligationInput]) -> None:
        self.table.setRowCount(0)
        for item in items:
            self.add_row(item)
        self._update_total()

    def save(self) -> list[ObligationInput]:
        out: list[ObligationInput] = []
        for row in range(self.table.rowCount()):
            text = self._edit(row, COL_AMOUNT).text().strip()
            try:
                amount = parse_money(text) if text else None
            except ValidationError as exc:
                raise ValidationError(exc.message, field=f"obligations[{row}].amount") from None
            date = cast(DateField, self.table.cellWidget(row, COL_DEADLINE)).value()
            content = self._edit(row, COL_CONTENT).text().strip()
            manner = self._edit(row, COL_MANNER).text().strip()
            if not content and amount is None and not manner and date is None:
                continue  # the prefilled payer/payee stub, left unused
            out.append(ObligationInput(
                content=content,
                payer_party_id=self._combo(row, COL_PAYER).currentData(),
                payee_party_id=self._combo(row, COL_PAYEE).currentData(),
                amount=amount,
                manner=manner,
                deadline=date,
            ))
        return out

    def check_dates(self) -> None:
        """Raise for the first 履行期限 whose text is not a date (field
        ``obligations[row].deadline``)."""
        for row in range(self.table.rowCount()):
            field = cast(DateField, self.table.cellWidget(row, COL_DEADLINE))
            try:
                field.check(self.tr("第 {n} 项义务的履行期限").format(n=row + 1))
            except ValidationError as exc:
                raise ValidationError(exc.message,
                                      field=f"obligations[{row}].deadline") from None

    def focus_field(self, name: str) -> bool:
        if name.startswith("obligations[") and "]" in name:
            row = int(name[len("obligations["):name.index("]")])
            if row < self.table.rowCount():
                if name.endswith(".deadline"):
                    cast(DateField, self.table.cellWidget(row, COL_DEADLINE)).edit.setFocus()
                else:
                    self.amount_edit(row).setFocus()
                return True
        return False
