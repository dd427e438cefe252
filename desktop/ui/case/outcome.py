"""Tab 调解结果: the written agreement (editor, obligations with the total in 大写, signatures,
preview and print), the oral agreement, or termination with its reason."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from desktop.domain.errors import ValidationError
from desktop.domain.money import parse_money
from desktop.services.dto import (
    AgreementInput,
    AgreementView,
    CaseDetail,
    ObligationInput,
    OralAgreementInput,
    SignatureView,
)
from desktop.ui.case.common import fill_table, fmt_date, make_table, set_read_only
from desktop.ui.case.documents import show_document
from desktop.ui.case.drafts import agreement_draft
from desktop.ui.case.obligations import ObligationsTable
from desktop.ui.datefield import DateField
from desktop.ui.dialogs import text_box
from desktop.ui.drafts import DraftBanner
from desktop.ui.qt import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QKeySequence,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QShortcut,
    Qt,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from desktop.ui.signature import SignatureCapture, SignatureDialog, Signer

if TYPE_CHECKING:
    from desktop.ui.case.window import CaseWindow



def _text(parent: QWidget, name: str, placeholder: str, height: int = 90) -> QPlainTextEdit:
    return text_box(parent, name, placeholder, min_height=height, max_height=height + 60)


class AgreementEditor(QWidget):
    """人民调解协议书: text, obligations, signatures, and the buttons that follow the steps."""

    def __init__(self, tab: OutcomeTab) -> None:
        super().__init__(tab)
        self.tab = tab
        self.view: AgreementView | None = None
        self.facts = _text(self, "facts", self.tr("纠纷的主要事实"))
        self.disputed = _text(self, "disputed_matters", self.tr("争议事项"), 60)
        self.responsibilities = _text(self, "responsibilities", self.tr("各方责任"), 60)
        self.obligations = ObligationsTable(self)
        self.other_terms = _text(self, "other_terms", self.tr("其他约定，如：双方就此纠纷再无其他争议"),
                                 50)
        self.manner = QLineEdit(self)
        self.manner.setObjectName("performance_manner")
        self.deadline = DateField(self, optional=True, placeholder=self.tr("（各项分别约定）"))
        self.deadline.setObjectName("performance_deadline")
        self.obligations.anchor = self.deadline.value
        self.status = QLabel(self)
        self.status.setObjectName("agreementStatus")

        self.save_button = QPushButton(self.tr("保存协议 (Ctrl+S)"), self)
        self.save_button.setObjectName("saveAgreement")
        self.save_button.setProperty("role", "primary")
        self.preview_button = QPushButton(self.tr("预览协议书"), self)
        self.preview_button.setObjectName("previewAgreement")
        self.final_button = QPushButton(self.tr("打印正式协议书… (Ctrl+P)"), self)
        self.final_button.setObjectName("printAgreement")
        self.save_button.clicked.connect(self.save)
        self.preview_button.clicked.connect(lambda: self.tab.window_and_doc(final=False))
        self.final_button.clicked.connect(lambda: self.tab.window_and_doc(final=True))
        QShortcut(QKeySequence.StandardKey.Save, self, self.save,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        QShortcut(QKeySequence.StandardKey.Print, self,
                  lambda: self.tab.window_and_doc(final=True),
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)

        self.signers = make_table([self.tr("签名人"), self.tr("身份"), self.tr("签名情况")], self)
        self.signers.setMinimumHeight(120)
        self.sign_all_button = QPushButton(self.tr("依次签名…"), self)
        self.sign_all_button.setObjectName("signAllButton")
        self.sign_all_button.setProperty("role", "primary")
        self.sign_all_button.setToolTip(self.tr("当事人和调解员在一个窗口里依次签名"))
        self.sign_all_button.clicked.connect(self.sign_all)
        self.sign_button = QPushButton(self.tr("所选一人签名…"), self)
        self.sign_button.setObjectName("signButton")
        self.sign_button.clicked.connect(self.sign_selected)
        self.signers.doubleClicked.connect(lambda _i: self.sign_selected())
        self.conclude_button = QPushButton(self.tr("全部签名完毕，协议生效"), self)
        self.conclude_button.setObjectName("concludeAgreement")
        self.conclude_button.setProperty("role", "primary")
        self.conclude_button.clicked.connect(self.conclude)

        form = QFormLayout()
        form.addRow(self.tr("主要事实"), self.facts)
        form.addRow(self.tr("争议事项"), self.disputed)
        form.addRow(self.tr("各方责任"), self.responsibilities)
        form.addRow(self.tr("履行义务"), self.obligations)
        form.addRow(self.tr("其他约定"), self.other_terms)
        form.addRow(self.tr("履行方式"), self.manner)
        form.addRow(self.tr("履行期限"), self.deadline)
        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.preview_button)
        buttons.addWidget(self.final_button)
        sign_box = QGroupBox(self.tr("签名（当事人、调解员）"), self)
        sign_layout = QVBoxLayout(sign_box)
        sign_layout.addWidget(self.signers)
        sign_buttons = QHBoxLayout()
        sign_buttons.addWidget(self.sign_all_button)
        sign_buttons.addWidget(self.sign_button)
        sign_buttons.addStretch(1)
        sign_buttons.addWidget(self.conclude_button)
        sign_layout.addLayout(sign_buttons)

        self.banner = DraftBanner(self)
        inner = QWidget(self)
        inner_layout = QVBoxLayout(inner)
        inner_layout.addWidget(self.banner)
        inner_layout.addLayout(form)
        inner_layout.addWidget(sign_box)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(inner)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll, 1)
        layout.addLayout(buttons)
        self._signer_rows: list[Signer] = []
        self.sign_dialog: SignatureDialog | None = None
        self._walk = _Walk(on_paper=[])
        self.dirty = False
        self._loading = False
        self.base_version: int | None = None
        for edit in (self.facts, self.disputed, self.responsibilities, self.other_terms):
            edit.textChanged.connect(self._edited)
        self.manner.textEdited.connect(self._edited)
        self.deadline.dateChanged.connect(self._edited)
        self.obligations.changed.connect(self._edited)
        window = tab.window_
        self.draft = agreement_draft(self, window.desk, window.case_id, self._draft_input,
                                     self._restore, self.banner)
        self._draft_offered = False

    def _edited(self, *_args: object) -> None:
        if not self._loading:
            self.dirty = True
            self.draft.edited()

    def _draft_input(self) -> AgreementInput | None:
        try:
            return self.agreement_input()
        except ValidationError:
            return None  # a half-typed amount: the next keystroke saves

    def _restore(self, inp: AgreementInput) -> None:
        self._fill(inp)
        self.dirty = True
        self.draft.edited()

    def _fill(self, inp: AgreementInput) -> None:
        self._loading = True
        self.facts.setPlainText(inp.facts)
        self.disputed.setPlainText(inp.disputed_matters)
        self.responsibilities.setPlainText(inp.responsibilities)
        self.other_terms.setPlainText(inp.other_terms)
        self.manner.setText(inp.performance_manner)
        d = inp.performance_deadline
        self.deadline.setValue(d)
        self.obligations.load(inp.obligations)
        self._loading = False

    # ---- load / save -------------------------------------------------------------------
    def load(self, detail: CaseDetail) -> None:
        view = detail.agreement
        editable = "edit_agreement" in detail.allowed_actions and (
            view is None or view.status == "draft")
        self.view = view
        self.obligations.set_parties([(p.id, p.name) for p in detail.parties])
        if not editable:
            self.dirty = False
        # Unsaved edits survive a reload; they keep the version they started from, so saving
        # them over someone else's newer agreement is reported as a conflict.
        if not self.dirty:
            self._loading = True
            if view is None:
                if not self.facts.toPlainText():
                    self.facts.setPlainText(detail.facts)
                    self.disputed.setPlainText(detail.requests)
                if not self.obligations.table.rowCount():
                    # A first obligation with its payer and payee taken from the sides; an
                    # untouched stub is not saved.
                    self.obligations.load([_obligation_stub(detail)])
            else:
                self._fill(AgreementInput(
                    view.facts, view.disputed_matters, view.responsibilities,
                    [ObligationInput(o.content, o.payer_party_id, o.payee_party_id, o.amount,
                                     o.manner, o.deadline) for o in view.obligations],
                    view.other_terms, view.performance_manner, view.performance_deadline))
            self._loading = False
            self.base_version = view.version if view else None
        if editable and not self._draft_offered:
            self._draft_offered = True
            self.draft.offer()
        if not editable:
            self.banner.hide()
        set_read_only((self.facts, self.disputed, self.responsibilities, self.other_terms,
                       self.manner), not editable)
        self.deadline.setEnabled(editable)
        self.obligations.setEnabled(editable)
        self.save_button.setVisible(editable)
        self.preview_button.setEnabled(view is not None)
        self.final_button.setEnabled(view is not None)
        status = {None: self.tr("尚未保存协议"), "draft": self.tr("协议草稿（未签署）"),
                  "signed": self.tr("协议已签署生效"), "final": self.tr("协议已签署生效")}
        text = status.get(view.status if view else None, "")
        if view is not None and view.effective_on:
            text += self.tr("，生效日期 {d}").format(d=fmt_date(view.effective_on))
        self.status.setText(text)
        self._load_signers(detail)

    def _load_signers(self, detail: CaseDetail) -> None:
        sigs = [s for s in detail.signatures if s.form == "agreement"]
        signers = [Signer("party", p.name, party_id=p.id) for p in detail.parties]
        mediator = detail.mediator_name or self.tab.window_.desk.actor.display_name
        signers.append(Signer("mediator", mediator,
                              user_id=detail.mediator_id or self.tab.window_.desk.actor.user_id))
        self._signer_rows = signers
        rows = []
        for s in signers:
            done = self._signature_of(s, sigs)
            role = self.tr("当事人") if s.role == "party" else self.tr("调解员")
            state = self.tr("未签名")
            if done is not None:
                how = self.tr("纸质签名") if done.on_paper else self.tr("电子签名")
                state = self.tr("已签名（{how}，{t}）").format(how=how, t=fmt_date(done.signed_at))
            rows.append([s.name, role, state])
        fill_table(self.signers, rows, list(range(len(signers))))
        can_sign = "sign" in detail.allowed_actions and detail.agreement is not None and (
            detail.agreement.status == "draft")
        self.sign_button.setVisible(can_sign)
        self.sign_all_button.setVisible(can_sign)
        self.sign_all_button.setEnabled(not all(self._signature_of(s, sigs) for s in signers))
        self.conclude_button.setVisible(can_sign and "succeed" in detail.allowed_actions)
        self.conclude_button.setEnabled(all(self._signature_of(s, sigs) for s in signers))

    @staticmethod
    def _signature_of(signer: Signer, sigs: list[SignatureView]) -> SignatureView | None:
        for s in reversed(sigs):
            if signer.role == "party" and s.signer_kind == "party" and (
                    s.party_id == signer.party_id):
                return s
            if signer.role == "mediator" and s.signer_kind == "mediator" and (
                    s.signer_name == signer.name):
                return s
        return None

    def agreement_input(self) -> AgreementInput:
        return AgreementInput(
            facts=self.facts.toPlainText().strip(),
            disputed_matters=self.disputed.toPlainText().strip(),
            responsibilities=self.responsibilities.toPlainText().strip(),
            obligations=self.obligations.save(),
            other_terms=self.other_terms.toPlainText().strip(),
            performance_manner=self.manner.text().strip(),
            performance_deadline=self.deadline.value())

    def save(self) -> None:
        if self.save_button.isHidden():
            return
        try:
            # a mistyped date is said, never saved as the date the field held before
            self.deadline.check(self.tr("履行期限"))
            self.obligations.check_dates()
            inp = self.agreement_input()
        except ValidationError as exc:
            if exc.field == self.deadline.objectName():
                self.deadline.edit.setFocus()
            self.obligations.focus_field(exc.field or "")
            from desktop.ui import ops

            ops.show_error(self, exc)
            return
        window = self.tab.window_
        cid = window.case_id
        version = self.base_version
        desk = window.desk

        def saved(_id: object) -> None:
            self.dirty = False
            self.draft.clear()

        def reload() -> None:
            self.dirty = False
            window.reload()

        def reapply() -> None:
            def current() -> int | None:
                fresh = desk.cases.get(cid).agreement
                return fresh.version if fresh else None

            window.run(lambda: desk.outcomes.save_agreement(cid, inp, current()),
                       self.tr("正在保存协议…"), saved)

        window.run(lambda: desk.outcomes.save_agreement(cid, inp, version),
                   self.tr("正在保存协议…"), saved, reapply=reapply, reload=reload)

    # ---- signatures --------------------------------------------------------------------
    def sign_selected(self) -> SignatureDialog | None:
        row = self.signers.currentRow()
        if row < 0 or row >= len(self._signer_rows) or self.sign_button.isHidden():
            return None
        return self.sign(self._signer_rows[row])

    def sign(self, signer: Signer) -> SignatureDialog:
        dialog = SignatureDialog(self)
        dialog.load(signer)
        dialog.accepted.connect(lambda: self._store_signature(dialog.save()))
        dialog.finished.connect(lambda _r: dialog.deleteLater())
        dialog.open()
        self.sign_dialog = dialog
        return dialog

    def sign_all(self) -> SignatureDialog | None:
        """One dialog walks everyone who has not signed yet: the parties in order, then the
        mediator; after the last, the agreement takes effect and the final copy opens to
        print (unless the mediator unticks that)."""
        detail = self.tab.window_.detail
        if detail is None or self.sign_all_button.isHidden():
            return None
        sigs = [s for s in detail.signatures if s.form == "agreement"]
        pending = [s for s in self._signer_rows if self._signature_of(s, sigs) is None]
        if not pending:
            return None
        dialog = SignatureDialog(self)
        self._walk = _Walk(on_paper=[s.on_paper for s in sigs])
        dialog.signed.connect(self._walk_signed)
        dialog.accepted.connect(lambda: self._walk_finished(dialog.then_print.isChecked()))
        dialog.finished.connect(lambda _r: dialog.deleteLater())
        dialog.walk(pending)
        dialog.open()
        self.sign_dialog = dialog
        return dialog

    def _walk_signed(self, capture: SignatureCapture) -> None:
        walk = self._walk
        walk.open += 1
        walk.on_paper.append(capture.on_paper)

        def stored(_id: object) -> None:
            walk.open -= 1
            self._walk_next_step(walk)

        def failed(_exc: BaseException) -> bool:
            walk.failed = True
            return False  # the error box says what went wrong

        self._store_signature(capture, stored, failed)

    def _walk_finished(self, then_print: bool) -> None:
        self._walk.complete, self._walk.then_print = True, then_print
        self._walk_next_step(self._walk)

    def _walk_next_step(self, walk: _Walk) -> None:
        if not (walk.complete and walk.then_print and walk.open == 0 and not walk.failed):
            return
        walk.then_print = False  # once
        window = self.tab.window_
        cid, on_paper = window.case_id, bool(walk.on_paper) and all(walk.on_paper)
        window.run(lambda: window.desk.outcomes.conclude_written(cid, on_paper=on_paper),
                   self.tr("正在确认协议生效…"),
                   lambda _r: self.tab.window_and_doc(final=True))

    def _store_signature(self, capture: SignatureCapture,
                         done: Any = None, failed: Any = None) -> None:
        window = self.tab.window_
        desk, cid, who = window.desk, window.case_id, capture.signer

        def store() -> int:
            if capture.on_paper and capture.scan_data:
                return desk.outcomes.sign_with_scan(
                    cid, signer_kind=who.role, signer_name=who.name,
                    scan_filename=capture.scan_filename, scan_data=capture.scan_data,
                    png=capture.png, party_id=who.party_id, user_id=who.user_id)
            return desk.outcomes.sign(cid, signer_kind=who.role, signer_name=who.name,
                                      png=capture.png, party_id=who.party_id,
                                      user_id=who.user_id, on_paper=capture.on_paper)

        window.run(store, self.tr("正在保存签名…"), done, failed)

    def conclude(self) -> None:
        window = self.tab.window_
        detail = window.detail
        if detail is None:
            return
        sigs = [s for s in detail.signatures if s.form == "agreement"]
        on_paper = bool(sigs) and all(s.on_paper for s in sigs)
        cid = window.case_id
        window.run(lambda: window.desk.outcomes.conclude_written(cid, on_paper=on_paper),
                   self.tr("正在确认协议生效…"))

    def focus_field(self, name: str) -> None:
        if name.startswith("obligations"):
            self.obligations.focus_field(name.replace(".", "[", 1).replace(".", "].", 1))
            return
        widget = self.findChild(QWidget, name)
        if widget is not None:
            widget.setFocus()


class _Walk:
    """Where a signing walk stands: stores still running, and what to do at the end."""

    def __init__(self, on_paper: list[bool]) -> None:
        self.open = 0
        self.on_paper = on_paper
        self.complete = False
        self.then_print = False
        self.failed = False


def _obligation_stub(detail: CaseDetail) -> ObligationInput:
    """Payer: the first respondent; payee: the first applicant (the usual direction)."""
    def first(side: str) -> int | None:
        return next((p.id for p in detail.parties if p.side == side), None)

    return ObligationInput("", first("respondent"), first("applicant"))


class OralEditor(QWidget):
    def __init__(self, tab: OutcomeTab) -> None:
        super().__init__(tab)
        self.tab = tab
        self.facts = _text(self, "oral_facts", self.tr("纠纷事实"))
        self.content = _text(self, "oral_content", self.tr("口头协议内容"))
        self.performance = _text(self, "oral_performance", self.tr("履行方式、时限"), 50)
        self.amount = QLineEdit(self)
        self.amount.setObjectName("oral_amount")
        self.amount.setPlaceholderText(self.tr("协议金额（元），可不填"))
        self.record_button = QPushButton(self.tr("登记口头协议"), self)
        self.record_button.setObjectName("recordOral")
        self.record_button.setProperty("role", "primary")
        self.record_button.clicked.connect(self.record)
        self.view_label = QLabel(self)
        self.view_label.setWordWrap(True)
        form = QFormLayout(self)
        form.addRow(QLabel(self.tr("当事人认为无需制作书面协议的，可以采用口头协议，调解员记录协议内容"
                                   "（《人民调解法》第二十八条）。"), self))
        form.addRow(self.tr("纠纷事实"), self.facts)
        form.addRow(self.tr("协议内容"), self.content)
        form.addRow(self.tr("履行"), self.performance)
        form.addRow(self.tr("金额"), self.amount)
        form.addRow("", self.record_button)
        form.addRow(self.view_label)

    def load(self, detail: CaseDetail) -> None:
        can = "succeed" in detail.allowed_actions and detail.agreement is None
        for w in (self.facts, self.content, self.performance, self.amount):
            w.setEnabled(can)
        self.record_button.setVisible(can)
        oral = detail.oral_agreement
        self.view_label.setText(self.tr("已于 {d} 达成口头协议：{c}").format(
            d=fmt_date(oral.reached_on), c=oral.content) if oral else "")
        if not self.facts.toPlainText():
            self.facts.setPlainText(detail.facts)

    def record(self) -> None:
        window = self.tab.window_
        text = self.amount.text().strip()
        try:
            amount = parse_money(text, field="oral_amount") if text else None
        except ValidationError as exc:
            from desktop.ui import ops

            ops.show_error(self, exc)
            return
        inp = OralAgreementInput(content=self.content.toPlainText(),
                                 facts=self.facts.toPlainText(),
                                 performance=self.performance.toPlainText(), amount=amount)
        cid = window.case_id
        window.run(lambda: window.desk.outcomes.record_oral(cid, inp),
                   self.tr("正在登记口头协议…"))


class TerminationEditor(QWidget):
    def __init__(self, tab: OutcomeTab) -> None:
        super().__init__(tab)
        self.tab = tab
        self.reason = _text(self, "termination_reason", self.tr("终止调解的原因，如：一方当事人明确拒绝继续调解"))
        self.remedies = _text(self, "remedies", self.tr("告知当事人的其他救济途径（不填则使用标准告知内容）"))
        self.button = QPushButton(self.tr("终止调解"), self)
        self.button.setObjectName("terminateCase")
        self.button.setProperty("role", "danger")
        self.button.clicked.connect(self.terminate)
        self.list_label = QLabel(self)
        self.list_label.setWordWrap(True)
        form = QFormLayout(self)
        form.addRow(self.tr("原因"), self.reason)
        form.addRow(self.tr("救济途径"), self.remedies)
        form.addRow("", self.button)
        form.addRow(self.list_label)

    def load(self, detail: CaseDetail) -> None:
        can = "terminate" in detail.allowed_actions
        self.reason.setEnabled(can)
        self.remedies.setEnabled(can)
        self.button.setVisible(can)
        self.list_label.setText("\n".join(
            self.tr("{d} 终止调解：{r}").format(d=fmt_date(t.terminated_on), r=t.reason)
            for t in detail.terminations))

    def terminate(self) -> None:
        window = self.tab.window_
        detail = window.detail
        if detail is None:
            return
        cid, version = detail.id, detail.version
        reason, remedies = self.reason.toPlainText(), self.remedies.toPlainText()
        window.run(lambda: window.desk.outcomes.terminate(cid, reason, remedies, version),
                   self.tr("正在终止调解…"))


class OutcomeTab(QWidget):
    def __init__(self, window: CaseWindow) -> None:
        super().__init__(window)
        self.window_ = window
        self.inner = QTabWidget(self)
        self.inner.setObjectName("outcomeKinds")
        self.agreement = AgreementEditor(self)
        self.oral = OralEditor(self)
        self.termination = TerminationEditor(self)
        self.inner.addTab(self.agreement, self.tr("书面协议"))
        self.inner.addTab(self.oral, self.tr("口头协议"))
        self.inner.addTab(self.termination, self.tr("终止调解"))
        layout = QVBoxLayout(self)
        layout.addWidget(self.inner)

    def load(self, detail: CaseDetail) -> None:
        self.agreement.load(detail)
        self.oral.load(detail)
        self.termination.load(detail)
        if detail.oral_agreement is not None:
            self.inner.setCurrentWidget(self.oral)
        elif detail.terminations and detail.agreement is None:
            self.inner.setCurrentWidget(self.termination)

    def window_and_doc(self, final: bool) -> None:
        """Preview (draft) or issue the final agreement, then show it to print."""
        window = self.window_
        detail = window.detail
        copies = len(detail.parties) + 1 if detail else 1
        show_document(window, "agreement", final=final, copies=copies)

    def focus_field(self, name: str) -> None:
        self.agreement.focus_field(name)


__all__ = ["Any", "OutcomeTab"]
