"""Tab 当事人与纠纷: the case's facts (editable while the case is open) and its parties."""

from __future__ import annotations

from typing import TYPE_CHECKING

from desktop.domain.enums import REFERRAL_SOURCES
from desktop.domain.errors import ValidationError
from desktop.services.dto import CaseDetail, CaseUpdate, PartyInput, PartyView
from desktop.ui import ops
from desktop.ui.case.common import (
    fill_table,
    fmt_date,
    make_table,
    save_cancel_buttons,
    selected_id,
    set_read_only,
)
from desktop.ui.dialogs import text_box
from desktop.ui.party import PartyEditor
from desktop.ui.qt import (
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QKeySequence,
    QLabel,
    QLineEdit,
    QPushButton,
    QShortcut,
    Qt,
    QVBoxLayout,
    QWidget,
)

if TYPE_CHECKING:
    from desktop.ui.case.window import CaseWindow


def party_input(view: PartyView) -> PartyInput:
    return PartyInput(
        name=view.name, side=view.side, kind=view.kind, sex=view.sex, ethnicity=view.ethnicity,
        birth_date=view.birth_date, id_type=view.id_type, id_number=view.id_number,
        occupation=view.occupation, address=view.address, phone=view.phone,
        credit_code=view.credit_code, legal_rep=view.legal_rep,
        legal_rep_title=view.legal_rep_title, agent_name=view.agent_name,
        agent_phone=view.agent_phone, agent_relation=view.agent_relation, id=view.id,
        version=view.version)


class PartyDialog(QDialog):
    """Edit or add one party: the same card as at intake."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("partyDialog")
        self.setWindowTitle(self.tr("当事人信息"))
        self.resize(1000, 380)
        self.editor = PartyEditor(self)
        self.editor.remove_button.hide()
        buttons = save_cancel_buttons(self)
        self.buttons = buttons
        layout = QVBoxLayout(self)
        layout.addWidget(self.editor)
        layout.addWidget(buttons)

    def load(self, party: PartyInput) -> None:
        self.editor.load(party)
        self.editor.set_ordinal(0)
        self.editor.heading.setText(party.name or self.tr("新当事人"))

    def save(self) -> PartyInput:
        return self.editor.save()

    def accept(self) -> None:
        # a mistyped birth date is said here, never saved as the date held before
        try:
            self.editor.birth_date.check(self.tr("出生日期"))
        except ValidationError as exc:
            self.editor.birth_date.edit.setFocus()
            ops.show_error(self, exc)
            return
        super().accept()


class PartiesTab(QWidget):
    def __init__(self, window: CaseWindow) -> None:
        super().__init__(window)
        self.window_ = window
        self.detail: CaseDetail | None = None
        self.dirty = False
        self._loading = False
        self.base_version: int | None = None

        self.case_box = QGroupBox(self.tr("纠纷情况"), self)
        self.title = QLineEdit(self)
        self.title.setObjectName("title")
        self.referring_unit = QLineEdit(self)
        self.referring_unit.setObjectName("referring_unit")
        self.referral_ref = QLineEdit(self)
        self.referral_ref.setObjectName("referral_ref")
        self.facts = text_box(self, "facts", max_height=110)
        self.requests = text_box(self, "requests", max_height=110)
        self.source_label = QLabel(self)
        self.save_button = QPushButton(self.tr("保存修改 (Ctrl+S)"), self)
        self.save_button.setObjectName("saveCase")
        self.save_button.setProperty("role", "primary")
        self.save_button.clicked.connect(self.save_case)
        QShortcut(QKeySequence.StandardKey.Save, self, self.save_case,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        case_layout = QVBoxLayout(self.case_box)
        form = QFormLayout()
        case_layout.addLayout(form)
        case_layout.addStretch(1)
        form.addRow(self.tr("案由"), self.title)
        form.addRow(self.tr("来源"), self.source_label)
        self.referral_rows = [QLabel(self.tr("移送单位")), QLabel(self.tr("移送文号"))]
        form.addRow(self.referral_rows[0], self.referring_unit)
        form.addRow(self.referral_rows[1], self.referral_ref)
        form.addRow(self.tr("纠纷简要情况"), self.facts)
        form.addRow(self.tr("当事人请求"), self.requests)
        form.addRow("", self.save_button)
        for line in (self.title, self.referring_unit, self.referral_ref):
            line.textEdited.connect(self._edited)
        for text in (self.facts, self.requests):
            text.textChanged.connect(self._edited)

        self.table = make_table([self.tr("身份"), self.tr("姓名/名称"), self.tr("证件号码"),
                                 self.tr("联系电话"), self.tr("代理人"), self.tr("住址")], self)
        self.table.doubleClicked.connect(lambda _i: self.edit_party())
        self.add_button = QPushButton(self.tr("添加当事人"), self)
        self.add_button.setObjectName("addParty")
        self.edit_button = QPushButton(self.tr("修改所选当事人"), self)
        self.edit_button.setObjectName("editParty")
        self.unmask_button = QPushButton(self.tr("显示完整证件号和电话"), self)
        self.unmask_button.setObjectName("unmask")
        self.unmask_button.setToolTip(self.tr("查看完整个人信息会记入操作记录"))
        self.add_button.clicked.connect(self.add_party)
        self.edit_button.clicked.connect(self.edit_party)
        self.unmask_button.clicked.connect(self.unmask)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.edit_button)
        buttons.addStretch(1)
        buttons.addWidget(self.unmask_button)
        party_box = QGroupBox(self.tr("当事人"), self)
        party_layout = QVBoxLayout(party_box)
        party_layout.addWidget(self.table, 1)
        party_layout.addLayout(buttons)

        layout = QHBoxLayout(self)
        layout.addWidget(party_box, 3)
        layout.addWidget(self.case_box, 2)

    def load(self, detail: CaseDetail) -> None:
        self.detail = detail
        editable = "edit" in detail.allowed_actions
        # Unsaved edits survive a reload (another window saved): they keep the version they
        # were started on, so saving them over newer data is reported as a conflict.
        if not self.dirty:
            self._loading = True
            self.title.setText(detail.title)
            self.referring_unit.setText(detail.referring_unit)
            self.referral_ref.setText(detail.referral_ref)
            self.facts.setPlainText(detail.facts)
            self.requests.setPlainText(detail.requests)
            self._loading = False
            self.base_version = detail.version
        self.source_label.setText(f"{detail.source_label}　{detail.dispute_type_label}")
        referral = detail.source in REFERRAL_SOURCES or bool(detail.referring_unit)
        for widget in (*self.referral_rows, self.referring_unit, self.referral_ref):
            widget.setVisible(referral)
        set_read_only((self.title, self.referring_unit, self.referral_ref, self.facts,
                       self.requests), not editable)
        self.save_button.setVisible(editable)
        self.add_button.setVisible(editable)
        self.edit_button.setVisible(editable)
        self.show_parties(detail.parties)

    def show_parties(self, parties: list[PartyView]) -> None:
        rows = []
        for p in parties:
            ident = p.credit_code if p.kind == "organization" else p.id_number
            agent = p.agent_name + (f"（{p.agent_relation}）" if p.agent_relation else "")
            extra = ""
            if p.kind == "person" and p.birth_date:
                extra = self.tr("，{sex}，{born}生").format(
                    sex={"male": self.tr("男"), "female": self.tr("女")}.get(p.sex or "", ""),
                    born=fmt_date(p.birth_date))
            elif p.kind == "organization" and p.legal_rep:
                extra = self.tr("，法定代表人 {n}").format(n=p.legal_rep)
            rows.append([p.side_label, p.name + extra, ident, p.phone, agent, p.address])
        fill_table(self.table, rows, [p.id for p in parties])

    # ---- edits -------------------------------------------------------------------------
    def case_update(self) -> CaseUpdate:
        return CaseUpdate(title=self.title.text(), referring_unit=self.referring_unit.text(),
                          referral_ref=self.referral_ref.text(),
                          facts=self.facts.toPlainText(), requests=self.requests.toPlainText())

    def _edited(self, *_args: object) -> None:
        if not self._loading:
            self.dirty = True

    def save_case(self) -> None:
        detail = self.detail
        if detail is None or self.base_version is None or "edit" not in detail.allowed_actions:
            return
        changes, cid, version = self.case_update(), detail.id, self.base_version
        desk = self.window_.desk

        def saved(_ref: object) -> None:
            self.dirty = False

        def reload() -> None:
            self.dirty = False
            self.window_.reload()

        def reapply() -> None:
            # Keep my text and save it over the version that is current now.
            self.window_.run(
                lambda: desk.intake.update_case(cid, desk.cases.get(cid).version, changes),
                self.tr("正在保存…"), saved)

        self.window_.run(lambda: desk.intake.update_case(cid, version, changes),
                         self.tr("正在保存…"), saved, reapply=reapply, reload=reload)

    def _open_dialog(self, party: PartyInput) -> None:
        dialog = PartyDialog(self)
        dialog.load(party)
        cid = self.window_.case_id
        desk = self.window_.desk

        def save() -> None:
            data = dialog.save()
            self.window_.run(lambda: desk.intake.save_party(cid, data), self.tr("正在保存…"))

        dialog.accepted.connect(save)
        dialog.open()

    def add_party(self) -> None:
        self._open_dialog(PartyInput(name="", side="respondent"))

    def edit_party(self) -> None:
        party_id = selected_id(self.table)
        if party_id is None or self.detail is None or self.edit_button.isHidden():
            return
        cid = self.window_.case_id
        desk = self.window_.desk

        # Editing needs the full ID number and phone, not the masked ones (audited as an
        # edit, not as 显示完整).
        self.window_.fetch(lambda: desk.cases.party_for_edit(cid, party_id),
                           lambda view: self._open_dialog(party_input(view)))

    def unmask(self) -> None:
        cid = self.window_.case_id
        desk = self.window_.desk
        self.window_.fetch(lambda: desk.cases.get(cid, unmask=True),
                           lambda d: self.show_parties(d.parties))

    def focus_field(self, name: str) -> None:
        widget = self.findChild(QWidget, name)
        if widget is not None:
            widget.setFocus()


__all__ = ["PartiesTab", "PartyDialog", "party_input"]
