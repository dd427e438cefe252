"""Tab 风险与移送: risk flags with their escalation record (《人民调解法》第二十五条),
referrals to other bodies, and extensions of the time limit."""

from __future__ import annotations

from typing import TYPE_CHECKING

from desktop.domain.enums import RiskKind, RiskLevel
from desktop.services.dto import CaseDetail, RiskInput
from desktop.ui.case.common import (
    fill_table,
    fmt_date,
    make_table,
    open_editor,
    save_cancel_buttons,
    selected_id,
    sentences,
)
from desktop.ui.case.followup import combo
from desktop.ui.dialogs import text_box
from desktop.ui.qt import (
    QCheckBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

if TYPE_CHECKING:
    from desktop.ui.case.window import CaseWindow


class RiskDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("riskDialog")
        self.setWindowTitle(self.tr("登记风险"))
        self.resize(560, 440)
        self.kind = combo(self, RiskKind, "kind")
        self.level = combo(self, RiskLevel, "level")
        self.people = QSpinBox(self)
        self.people.setRange(0, 100000)
        self.people.setSuffix(self.tr(" 人"))
        self.description = text_box(self, "description")
        self.measures = text_box(self, "measures", self.tr("已采取的预防措施"))
        self.police = QCheckBox(self.tr("已报告公安机关"), self)
        form = QFormLayout()
        form.addRow(self.tr("风险类型"), self.kind)
        form.addRow(self.tr("风险等级"), self.level)
        form.addRow(self.tr("涉及人数"), self.people)
        form.addRow(self.tr("情况"), self.description)
        form.addRow(self.tr("措施"), self.measures)
        form.addRow("", self.police)
        buttons = save_cancel_buttons(self)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def load(self, inp: RiskInput) -> None:
        self.kind.setCurrentIndex(max(0, self.kind.findData(inp.kind)))
        self.level.setCurrentIndex(max(0, self.level.findData(inp.level)))
        self.people.setValue(inp.people)
        self.description.setPlainText(inp.description)
        self.measures.setPlainText(inp.measures)
        self.police.setChecked(inp.reported_to_police)

    def save(self) -> RiskInput:
        return RiskInput(kind=self.kind.currentData(), level=self.level.currentData(),
                         description=self.description.toPlainText().strip(),
                         people=self.people.value(), measures=self.measures.toPlainText().strip(),
                         reported_to_police=self.police.isChecked())


class RisksTab(QWidget):
    def __init__(self, window: CaseWindow) -> None:
        super().__init__(window)
        self.window_ = window
        self.detail: CaseDetail | None = None
        self.risks = make_table([self.tr("登记日期"), self.tr("类型"), self.tr("等级"),
                                 self.tr("人数"), self.tr("报告公安"), self.tr("状态"),
                                 self.tr("情况与措施")], self)
        self.flag_button = QPushButton(self.tr("登记风险…"), self)
        self.flag_button.setObjectName("flagRisk")
        self.resolve_button = QPushButton(self.tr("所选风险已化解…"), self)
        self.resolve_button.setObjectName("resolveRisk")
        self.flag_button.clicked.connect(self.flag)
        self.resolve_button.clicked.connect(self.resolve)
        risk_box = QGroupBox(self.tr("风险预警"), self)
        rl = QVBoxLayout(risk_box)
        rb = QHBoxLayout()
        rb.addWidget(self.flag_button)
        rb.addWidget(self.resolve_button)
        rb.addStretch(1)
        rl.addLayout(rb)
        rl.addWidget(self.risks, 1)
        self.referrals = make_table([self.tr("日期"), self.tr("移送至"), self.tr("原因")], self)
        self.extensions = make_table([self.tr("延长天数"), self.tr("原期限"), self.tr("新期限"),
                                      self.tr("原因")], self)
        ref_box = QGroupBox(self.tr("移送/转办"), self)
        QVBoxLayout(ref_box).addWidget(self.referrals)
        ext_box = QGroupBox(self.tr("期限延长"), self)
        QVBoxLayout(ext_box).addWidget(self.extensions)
        bottom = QHBoxLayout()
        bottom.addWidget(ref_box)
        bottom.addWidget(ext_box)
        layout = QVBoxLayout(self)
        layout.addWidget(risk_box, 3)
        layout.addLayout(bottom, 2)
        self.dialog: RiskDialog | None = None

    def load(self, detail: CaseDetail) -> None:
        self.detail = detail
        can = "flag_risk" in detail.allowed_actions
        self.flag_button.setVisible(can)
        self.resolve_button.setVisible(can and any(r.resolved_on is None for r in detail.risks))
        rows = []
        for r in detail.risks:
            state = self.tr("未化解") if r.resolved_on is None else (
                self.tr("{d} 化解").format(d=fmt_date(r.resolved_on))
                + (self.tr("，成功防止激化") if r.prevented else ""))
            rows.append([fmt_date(r.flagged_on), r.kind_label, RiskLevel(r.level).label, r.people,
                         self.tr("是") if r.reported_to_police else self.tr("否"), state,
                         sentences(r.description, r.measures)])
        fill_table(self.risks, rows, [r.id for r in detail.risks])
        fill_table(self.referrals, [[fmt_date(r.referred_on), r.to_body, r.reason]
                                    for r in detail.referrals])
        fill_table(self.extensions, [[e.days, fmt_date(e.old_deadline), fmt_date(e.new_deadline),
                                      e.reason] for e in detail.extensions])

    def flag(self) -> RiskDialog | None:
        if self.detail is None:
            return None
        dialog = RiskDialog(self)
        dialog.load(RiskInput(kind="criminal"))
        cid, desk = self.detail.id, self.window_.desk
        return open_editor(self, dialog, lambda inp: desk.risks.flag(cid, inp),
                           self.tr("正在登记风险…"))

    def resolve(self) -> None:
        risk_id = selected_id(self.risks)
        view = next((r for r in (self.detail.risks if self.detail else []) if r.id == risk_id),
                    None)
        if view is None or view.resolved_on is not None:
            return
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("风险已化解"),
                          self.tr("是否成功防止了纠纷激化（计入“防止民转刑/防止群体性上访”统计）？"),
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No
                          | QMessageBox.StandardButton.Cancel, self)
        box.setObjectName("resolveRiskBox")
        box.button(QMessageBox.StandardButton.Yes).setText(self.tr("是，成功防止激化"))
        box.button(QMessageBox.StandardButton.No).setText(self.tr("否"))
        box.button(QMessageBox.StandardButton.Cancel).setText(self.tr("取消"))
        yes, no = box.button(QMessageBox.StandardButton.Yes), box.button(
            QMessageBox.StandardButton.No)
        desk = self.window_.desk

        def clicked(button: object) -> None:
            if button is yes or button is no:
                prevented = button is yes
                self.window_.run(lambda: desk.risks.resolve(view.id, prevented, view.version),
                                 self.tr("正在保存…"))

        box.buttonClicked.connect(clicked)
        box.open()
