"""Tab 回访与司法确认: follow-up visits on performance, and the judicial-confirmation window
(30 days from the agreement taking effect, 《人民调解法》第三十三条)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from desktop.domain.enums import ConfirmationRuling, FollowUpMethod, Performance, Satisfaction
from desktop.domain.errors import ValidationError
from desktop.services.dto import CaseDetail, FollowUpInput
from desktop.ui import ops
from desktop.ui.case.common import (
    fill_table,
    fmt_date,
    make_table,
    open_editor,
    save_cancel_buttons,
    sentences,
)
from desktop.ui.datefield import DateField
from desktop.ui.dialogs import text_box
from desktop.ui.fieldmessage import FieldMessage
from desktop.ui.qt import (
    QCheckBox,
    QComboBox,
    QDate,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

if TYPE_CHECKING:
    from desktop.domain.enums import LabeledEnum
    from desktop.ui.case.window import CaseWindow


def qdate(d: dt.date) -> QDate:
    return QDate(d.year, d.month, d.day)


def pydate(d: QDate) -> dt.date:
    return dt.date(d.year(), d.month(), d.day())


def combo(parent: QWidget, enum: type[LabeledEnum], name: str, choose: bool = False
          ) -> QComboBox:
    """A box of ``enum``'s labels; with ``choose`` it starts on "（请选择）" (no value), so the
    user has to pick one rather than accept a preset."""
    box = QComboBox(parent)
    box.setObjectName(name)
    if choose:
        box.addItem(parent.tr("（请选择）"), None)
    for member in enum:
        box.addItem(parent.tr(member.label), member.value)
    return box


def _with_message(field: QWidget, message: FieldMessage) -> QWidget:
    """``field`` with its reserved message line under it."""
    holder = QWidget(field.parentWidget())
    box = QVBoxLayout(holder)
    box.setContentsMargins(0, 0, 0, 0)
    box.setSpacing(2)
    box.addWidget(field)
    box.addWidget(message)
    return holder


class FollowUpDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("followUpDialog")
        self.setWindowTitle(self.tr("回访记录"))
        self.resize(620, 520)
        self.visited_on = DateField(self)
        self.visited_on.setObjectName("visitedOn")
        self.method = combo(self, FollowUpMethod, "method")
        # Outcome and satisfaction start empty: a preset "已全部履行/满意" would be saved
        # unread and inflate the figures.
        self.performance = combo(self, Performance, "performance", choose=True)
        self.satisfaction = combo(self, Satisfaction, "satisfaction", choose=True)
        self.messages = {key: FieldMessage(self, box) for key, box in (
            ("performance", self.performance), ("satisfaction", self.satisfaction))}
        for key, box in (("performance", self.performance),
                         ("satisfaction", self.satisfaction)):
            box.currentIndexChanged.connect(lambda _i, k=key: self.messages[k].clear_message())
        self.lawsuit = QCheckBox(self.tr("当事人已就此纠纷起诉"), self)
        self.escalation = QCheckBox(self.tr("有激化风险"), self)
        self.findings = text_box(self, "findings", self.tr("回访了解到的情况"))
        self.action = text_box(self, "action", self.tr("采取的措施"))
        self.visitor = QLineEdit(self)
        self.visitor.setObjectName("visitor")
        self.has_next = QCheckBox(self.tr("安排下次回访"), self)
        self.next_due = DateField(self, anchor=lambda: (self.visited_on.value() or dt.date.today())
                                  + dt.timedelta(days=30))
        self.next_due.setObjectName("nextDue")
        self.next_due.setEnabled(False)
        self.has_next.toggled.connect(self.next_due.setEnabled)
        nxt = QHBoxLayout()
        nxt.addWidget(self.has_next)
        nxt.addWidget(self.next_due, 1)
        form = QFormLayout()
        form.addRow(self.tr("回访日期"), self.visited_on)
        form.addRow(self.tr("回访方式"), self.method)
        form.addRow(self.tr("履行情况"), _with_message(self.performance,
                                                   self.messages["performance"]))
        form.addRow(self.tr("满意度"), _with_message(self.satisfaction,
                                                  self.messages["satisfaction"]))
        form.addRow("", self.lawsuit)
        form.addRow("", self.escalation)
        form.addRow(self.tr("回访情况"), self.findings)
        form.addRow(self.tr("处理措施"), self.action)
        form.addRow(self.tr("回访人"), self.visitor)
        form.addRow(self.tr("下次回访"), nxt)
        buttons = save_cancel_buttons(self)
        buttons.accepted.disconnect()
        buttons.accepted.connect(self._save_clicked)
        self.buttons = buttons
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def _save_clicked(self) -> None:
        """Close only once outcome and satisfaction were chosen (the service checks again)."""
        missing = {"performance": self.tr("请选择履行情况"),
                   "satisfaction": self.tr("请选择满意度")}
        empty = [k for k in missing if getattr(self, k).currentData() is None]
        for key in empty:
            self.messages[key].show_message(missing[key])
        if empty:
            getattr(self, empty[0]).setFocus()
            return
        if not self._dates_ok():
            return
        self.accept()

    def _dates_ok(self) -> bool:
        """A mistyped date is said and kept for correcting, never saved as the date the
        field held before it was typed."""
        fields = [(self.visited_on, self.tr("回访日期"))]
        if self.has_next.isChecked():
            fields.append((self.next_due, self.tr("下次回访日期")))
        for field, label in fields:
            try:
                field.check(label)
            except ValidationError as exc:
                field.edit.setFocus()
                ops.show_error(self, exc)
                return False
        return True

    def load(self, inp: FollowUpInput) -> None:
        self.visited_on.setDate(qdate(inp.visited_on))
        for box, value in ((self.method, inp.method), (self.performance, inp.performance),
                           (self.satisfaction, inp.satisfaction)):
            box.setCurrentIndex(max(0, box.findData(value or None)))
        self.lawsuit.setChecked(inp.lawsuit)
        self.escalation.setChecked(inp.escalation_risk)
        self.findings.setPlainText(inp.findings)
        self.action.setPlainText(inp.action)
        self.visitor.setText(inp.visitor)
        self.has_next.setChecked(inp.next_due is not None)
        self.next_due.setDate(qdate(inp.next_due or inp.visited_on + dt.timedelta(days=30)))

    def save(self) -> FollowUpInput:
        return FollowUpInput(
            visited_on=pydate(self.visited_on.date()), method=self.method.currentData(),
            performance=self.performance.currentData() or "",
            satisfaction=self.satisfaction.currentData() or "", lawsuit=self.lawsuit.isChecked(),
            escalation_risk=self.escalation.isChecked(),
            findings=self.findings.toPlainText().strip(), action=self.action.toPlainText().strip(),
            visitor=self.visitor.text().strip(),
            next_due=pydate(self.next_due.date()) if self.has_next.isChecked() else None)


class FollowUpTab(QWidget):
    def __init__(self, window: CaseWindow) -> None:
        super().__init__(window)
        self.window_ = window
        self.detail: CaseDetail | None = None
        self.table = make_table([self.tr("回访日期"), self.tr("方式"), self.tr("履行情况"),
                                 self.tr("满意度"), self.tr("回访人"), self.tr("情况")], self)
        self.add_button = QPushButton(self.tr("添加回访…"), self)
        self.add_button.setObjectName("addFollowUp")
        self.add_button.setProperty("role", "primary")
        self.add_button.clicked.connect(self.add_followup)
        follow_box = QGroupBox(self.tr("回访记录"), self)
        fl = QVBoxLayout(follow_box)
        row = QHBoxLayout()
        row.addWidget(self.add_button)
        row.addStretch(1)
        fl.addLayout(row)
        fl.addWidget(self.table, 1)

        confirm_box = QGroupBox(self.tr("司法确认"), self)
        confirm_box.setMinimumWidth(360)
        self.deadline_label = QLabel(confirm_box)
        self.deadline_label.setObjectName("confirmationDeadline")
        self.deadline_label.setWordWrap(True)
        self.state_label = QLabel(confirm_box)
        self.state_label.setWordWrap(True)
        self.court = QLineEdit(confirm_box)
        self.court.setObjectName("court")
        self.court.setPlaceholderText(self.tr("如：青山区人民法院"))
        self.filed_on = DateField(confirm_box)
        self.filed_on.setObjectName("filedOn")
        self.apply_button = QPushButton(self.tr("登记司法确认申请"), confirm_box)
        self.apply_button.setObjectName("applyConfirmation")
        self.apply_button.clicked.connect(self.apply)
        self.ruling = combo(confirm_box, ConfirmationRuling, "ruling")
        self.ruling_on = DateField(confirm_box)
        self.ruling_on.setObjectName("rulingOn")
        self.ruling_number = QLineEdit(confirm_box)
        self.ruling_number.setPlaceholderText(self.tr("裁定书文号"))
        self.ruling_button = QPushButton(self.tr("登记裁定结果"), confirm_box)
        self.ruling_button.setObjectName("recordRuling")
        self.ruling_button.clicked.connect(self.record_ruling)
        self.apply_form = QWidget(confirm_box)
        af = QFormLayout(self.apply_form)
        af.setContentsMargins(0, 0, 0, 0)
        af.addRow(self.tr("人民法院"), self.court)
        af.addRow(self.tr("申请日期"), self.filed_on)
        af.addRow("", self.apply_button)
        self.ruling_form = QWidget(confirm_box)
        rf = QFormLayout(self.ruling_form)
        rf.setContentsMargins(0, 0, 0, 0)
        rf.addRow(self.tr("裁定结果"), self.ruling)
        rf.addRow(self.tr("裁定日期"), self.ruling_on)
        rf.addRow(self.tr("文号"), self.ruling_number)
        rf.addRow("", self.ruling_button)
        cl = QVBoxLayout(confirm_box)
        cl.addWidget(self.deadline_label)
        cl.addWidget(self.state_label)
        cl.addWidget(self.apply_form)
        cl.addWidget(self.ruling_form)
        cl.addStretch(1)

        layout = QHBoxLayout(self)
        layout.addWidget(follow_box, 3)
        layout.addWidget(confirm_box, 2)
        self.dialog: FollowUpDialog | None = None

    def load(self, detail: CaseDetail) -> None:
        self.detail = detail
        self.add_button.setVisible("follow_up" in detail.allowed_actions)
        labels = (FollowUpMethod, Performance, Satisfaction)
        rows = [[fmt_date(f.visited_on), labels[0](f.method).label, labels[1](f.performance).label,
                 labels[2](f.satisfaction).label, f.visitor,
                 sentences(f.findings, f.action)] for f in detail.follow_ups]
        fill_table(self.table, rows, [f.id for f in detail.follow_ups])
        self._load_confirmation(detail)

    def _load_confirmation(self, detail: CaseDetail) -> None:
        last = detail.confirmation_deadline
        today = dt.date.today()
        if last is None:
            self.deadline_label.setText(self.tr("协议生效后，双方当事人可在 30 日内共同向人民法院申请司法确认。"))
        else:
            left = (last - today).days
            self.deadline_label.setText(
                self.tr("申请期限：{d} 前（还剩 {n} 天）").format(d=fmt_date(last), n=left)
                if left >= 0 else self.tr("申请期限已于 {d} 届满").format(d=fmt_date(last)))
            self.deadline_label.setProperty("due", "due_soon" if 0 <= left <= 3 else
                                            ("overdue" if left < 0 else "ok"))
        c = detail.confirmation
        can = "confirm" in detail.allowed_actions
        self.apply_form.setVisible(can and c is None and last is not None and today <= last)
        self.ruling_form.setVisible(can and c is not None and c.ruling == "pending")
        self.filed_on.setDate(qdate(today))
        self.ruling_on.setDate(qdate(today))
        if c is None:
            self.state_label.setText("")
        else:
            text = self.tr("{d} 向{court}申请，{ruling}").format(
                d=fmt_date(c.filed_on), court=c.court, ruling=ConfirmationRuling(c.ruling).label)
            if c.ruling_on:
                text += self.tr("（{d} {n}）").format(d=fmt_date(c.ruling_on), n=c.ruling_number)
            self.state_label.setText(text)

    def add_followup(self) -> FollowUpDialog | None:
        if self.detail is None:
            return None
        dialog = FollowUpDialog(self)
        dialog.load(FollowUpInput(visited_on=dt.date.today(),
                                  visitor=self.window_.desk.actor.display_name))
        cid, desk = self.detail.id, self.window_.desk
        return open_editor(self, dialog, lambda inp: desk.followups.add(cid, inp),
                           self.tr("正在保存回访…"))

    def apply(self) -> None:
        cid = self.window_.case_id
        desk = self.window_.desk
        try:
            self.filed_on.check(self.tr("申请日期"))
        except ValidationError as exc:
            ops.show_error(self, exc)
            return
        court, filed = self.court.text(), pydate(self.filed_on.date())
        self.window_.run(lambda: desk.confirmations.apply(cid, court, filed),
                         self.tr("正在登记…"))

    def record_ruling(self) -> None:
        detail = self.detail
        if detail is None or detail.confirmation is None:
            return
        cid, version = detail.id, detail.confirmation.version
        try:
            self.ruling_on.check(self.tr("裁定日期"))
        except ValidationError as exc:
            ops.show_error(self, exc)
            return
        ruling, on = self.ruling.currentData(), pydate(self.ruling_on.date())
        number = self.ruling_number.text()
        desk = self.window_.desk
        self.window_.run(lambda: desk.confirmations.record_ruling(cid, ruling, on, number,
                                                                   version),
                         self.tr("正在登记…"))
