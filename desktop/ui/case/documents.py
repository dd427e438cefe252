"""Tab 文书: every generated PDF with its SHA-256; generate a form, preview, print, save."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from desktop.domain.enums import DocumentForm
from desktop.domain.errors import MediationError
from desktop.services.dto import CaseDetail, DocumentView
from desktop.ui.case.common import fill_table, fmt_date, make_table, selected_id
from desktop.ui.pdfview import PdfPreviewDialog
from desktop.ui.qt import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

if TYPE_CHECKING:
    from desktop.services import Desk
    from desktop.services.documents import DocumentService, IssuedDocument
    from desktop.ui.case.window import CaseWindow


def documents_service(desk: Desk) -> DocumentService:
    service = getattr(desk, "documents", None)
    if service is None:
        from desktop.services.documents import DocumentService

        service = DocumentService(desk.db, desk.actor)
    return service


def open_preview(parent: QWidget, data: bytes, title: str, copies: int,
                 file_stem: str = "") -> PdfPreviewDialog:
    """A window-modal preview; its print dialog proposes ``copies`` copies."""
    dialog = PdfPreviewDialog(parent)
    dialog.setObjectName("pdfPreview")
    dialog.load(data, title, copies, file_stem)
    dialog.finished.connect(lambda _r: dialog.deleteLater())
    dialog.open()
    return dialog


@dataclass(frozen=True)
class _Before:
    """What to know before printing a final: signatures, glyphs, the seal image."""

    missing_signatures: str  # "" = complete (or a form that needs none)
    glyphs: list[str]
    seal_image: bool


def _before_final(service: DocumentService, case_id: int, form: str) -> _Before:
    state = service.signing_state(case_id, form)
    missing = state.missing_text() if state is not None and not state.complete else ""
    return _Before(missing, service.missing_glyphs(case_id),
                   service.seal_image_configured(case_id))


def show_document(window: CaseWindow, form: str, *, final: bool, copies: int = 1) -> None:
    """Issue ``form`` for the case and show it. ``final`` is the print action: a form that
    takes effect on signature comes out as the 待签署 version until every signature is there,
    then as the sealed final (which is recorded)."""
    cid = window.case_id
    service = documents_service(window.desk)
    label = DocumentForm(form).label
    title = f"{window.detail.number or ''}{label}" if window.detail else label

    def shown(issued: IssuedDocument) -> None:
        suffix = {"final": "", "unsigned": window.tr("（待签署）")}.get(
            getattr(issued, "kind", ""), window.tr("（草稿）"))
        number = window.detail.number if window.detail else ""
        window.preview = open_preview(window, issued.data, title + suffix, copies,
                                      file_stem=f"{number or ''}-{label}{suffix}".strip("-"))

    def issue(kind: str) -> None:
        from desktop.ui.seal import seal_service, unlock_and_retry

        # no seal password at hand (no keyring, first seal of this session): ask, then retry
        # glyphs: the check before (checked) showed any missing character and was confirmed
        window.run(lambda: service.issue(cid, form, final=kind == "final",
                                         unsigned=kind == "unsigned", glyphs_confirmed=True),
                   window.tr("正在生成{form}…").format(form=label), shown,
                   failed=lambda err: unlock_and_retry(window, seal_service(window.desk),
                                                       err, lambda: issue(kind)))

    if not final:
        issue("draft")
        return

    def confirm(name: str, title_: str, text: str, ok_text: str, then: Callable[[], None]
                ) -> None:
        box = QMessageBox(QMessageBox.Icon.Warning, title_, text,
                          QMessageBox.StandardButton.Ok | QMessageBox.StandardButton.Cancel,
                          window)
        box.setObjectName(name)
        box.button(QMessageBox.StandardButton.Ok).setText(ok_text)
        box.button(QMessageBox.StandardButton.Cancel).setText(window.tr("取消"))
        ok = box.button(QMessageBox.StandardButton.Ok)
        box.buttonClicked.connect(lambda button: then() if button is ok else None)
        box.open()

    def checked(before: _Before) -> None:
        kind = "unsigned" if before.missing_signatures else "final"

        def seal_check() -> None:
            if kind == "final" and not before.seal_image:
                confirm("noSealImage", window.tr("没有印章图像"), window.tr(
                    "调委会没有设置印章图像：正式文书上只印“（调委会印章）”的位置，打印后须加盖"
                    "实物印章。\n也可以取消，先在“设置→电子印章”中上传印章图像。"),
                    window.tr("仍然生成"), lambda: issue(kind))
            else:
                issue(kind)

        if not before.glyphs:
            seal_check()
            return
        # A rare name character the fonts lack would print as a blank: say which, first.
        confirm("missingGlyphs", window.tr("字体缺字"), window.tr(
            "文书字体中没有以下字符，打印出来将是空白：{chars}\n"
            "可以先生成文书，打印后在空白处手写补正；或取消后核对当事人姓名。").format(
                chars="　".join(before.glyphs)), window.tr("仍然生成"), seal_check)

    window.fetch(lambda: _before_final(service, cid, form), checked,
                 window.tr("正在检查签名和文书字体…"))


class DocumentsTab(QWidget):
    def __init__(self, window: CaseWindow) -> None:
        super().__init__(window)
        self.window_ = window
        self.detail: CaseDetail | None = None
        self.table = make_table([self.tr("文书"), self.tr("类别"), self.tr("页数"),
                                 self.tr("生成时间"), self.tr("核验码"), self.tr("SHA-256")],
                                self)
        self.table.doubleClicked.connect(lambda _i: self.preview_selected())
        self.form = QComboBox(self)
        self.form.setObjectName("documentForm")
        for form in DocumentForm:
            self.form.addItem(self.tr(form.label), form.value)
        self.draft_button = QPushButton(self.tr("生成草稿预览"), self)
        self.draft_button.setObjectName("issueDraft")
        # Its text says what printing gives now: the 待签署 version or the sealed final.
        self.final_button = QPushButton(self.tr("生成正式文书（盖章）"), self)
        self.final_button.setObjectName("issueFinal")
        self.form.currentIndexChanged.connect(lambda _i: self.refresh_state())
        self.preview_button = QPushButton(self.tr("预览/打印所选…"), self)
        self.preview_button.setObjectName("previewDocument")
        self.draft_button.clicked.connect(lambda: self.issue(final=False))
        self.final_button.clicked.connect(lambda: self.issue(final=True))
        self.preview_button.clicked.connect(self.preview_selected)
        self.hint = QLabel(self.tr("正式文书加盖调委会电子印章，并记录 SHA-256 以便日后核验。"), self)
        self.hint.setObjectName("pageHint")
        self.hint.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(self.form)
        top.addWidget(self.draft_button)
        top.addWidget(self.final_button)
        top.addStretch(1)
        top.addWidget(self.preview_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.hint)
        layout.addWidget(self.table, 1)

    def load(self, detail: CaseDetail) -> None:
        self.detail = detail
        rows = []
        for doc in detail.documents:
            label = DocumentForm(doc.form).label if doc.form in DocumentForm._value2member_map_ \
                else doc.form
            kind = {"final": self.tr("正式（已盖章）"), "unsigned": self.tr("待签署")}.get(
                doc.kind, self.tr("草稿"))
            rows.append([label, kind, doc.pages, fmt_date(doc.created_at),
                         doc.verification_code, doc.sha256])
        fill_table(self.table, rows, [d.id for d in detail.documents])
        self.preview_button.setEnabled(bool(detail.documents))
        self.refresh_state()

    def refresh_state(self) -> None:
        """Label the print button for the chosen form: 待签署 until everyone signed."""
        from desktop.services.documents import SIGN_FORMS

        form = DocumentForm(self.form.currentData())
        if form not in SIGN_FORMS or self.detail is None:
            self.final_button.setText(self.tr("生成正式文书（盖章）"))
            self.hint.setText(self.tr("正式文书加盖调委会电子印章，并记录 SHA-256 以便日后核验。"))
            return
        service = documents_service(self.window_.desk)
        cid = self.window_.case_id

        def shown(missing: str | None) -> None:
            if self.form.currentData() != form.value:
                return  # the user picked another form meanwhile
            if missing is None:  # the form's data is not there yet
                self.final_button.setText(self.tr("打印待签署文本"))
                self.hint.setText(self.tr("{form}须各方签名后才能加盖印章生效。").format(
                    form=self.tr(form.label)))
            elif missing:
                self.final_button.setText(self.tr("打印待签署文本"))
                self.hint.setText(self.tr(
                    "尚缺：{missing}。签名齐全（签名板签名，或上传签字后的纸质原件扫描件）后"
                    "才能加盖调委会印章生成正式文书。").format(missing=missing))
            else:
                self.final_button.setText(self.tr("盖章生成正式文书"))
                self.hint.setText(self.tr("各方签名齐全：加盖调委会电子印章生成生效的正式文书，"
                                          "并记录 SHA-256 以便日后核验。"))

        def fetch() -> str | None:
            try:
                state = service.signing_state(cid, form.value)
            except MediationError:
                return None
            return state.missing_text() if state is not None else ""

        self.window_.fetch(fetch, shown, self.tr("正在检查签名…"))

    def _copies(self, form: str) -> int:
        if form == DocumentForm.AGREEMENT.value and self.detail is not None:
            return len(self.detail.parties) + 1
        return 1

    def issue(self, final: bool) -> None:
        form = self.form.currentData()
        show_document(self.window_, form, final=final, copies=self._copies(form))

    def selected(self) -> DocumentView | None:
        doc_id = selected_id(self.table)
        if self.detail is None:
            return None
        return next((d for d in self.detail.documents if d.id == doc_id), None)

    def preview_selected(self) -> None:
        doc = self.selected()
        if doc is None:
            return
        window = self.window_
        label = DocumentForm(doc.form).label
        number = window.detail.number if window.detail and window.detail.number else ""
        title = f"{number}{label}"

        def shown(data: bytes) -> None:
            window.preview = open_preview(window, data, title, self._copies(doc.form))

        window.fetch(lambda: window.desk.files.blob(doc.sha256), shown)
