"""Tab 文书: every generated PDF with its SHA-256; generate a form, preview, print, save."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from desktop.domain.enums import DocumentForm
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
    from desktop.ui.case.window import CaseWindow


def documents_service(desk: Any) -> Any:
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


def show_document(window: CaseWindow, form: str, *, final: bool, copies: int = 1) -> None:
    """Issue ``form`` for the case (a final one is sealed and recorded) and show it."""
    cid = window.case_id
    service = documents_service(window.desk)
    label = DocumentForm(form).label
    title = f"{window.detail.number or ''}{label}" if window.detail else label

    def shown(issued: Any) -> None:
        draft = "" if issued.final else window.tr("（草稿）")
        number = window.detail.number if window.detail else ""
        window.preview = open_preview(window, issued.data, title + draft, copies,
                                      file_stem=f"{number or ''}-{label}{draft}".strip("-"))

    def issue() -> None:
        window.run(lambda: service.issue(cid, form, final=final),
                   window.tr("正在生成{form}…").format(form=label), shown)

    if not final:
        issue()
        return

    def checked(missing: list[str]) -> None:
        if not missing:
            issue()
            return
        # A rare name character the fonts lack would print as a blank: say which, first.
        box = QMessageBox(QMessageBox.Icon.Warning, window.tr("字体缺字"), window.tr(
            "文书字体中没有以下字符，打印出来将是空白：{chars}\n"
            "可以先生成文书，打印后在空白处手写补正；或取消后核对当事人姓名。").format(
                chars="　".join(missing)),
            QMessageBox.StandardButton.Ok | QMessageBox.StandardButton.Cancel, window)
        box.setObjectName("missingGlyphs")
        box.button(QMessageBox.StandardButton.Ok).setText(window.tr("仍然生成"))
        box.button(QMessageBox.StandardButton.Cancel).setText(window.tr("取消"))
        ok = box.button(QMessageBox.StandardButton.Ok)
        box.buttonClicked.connect(lambda button: issue() if button is ok else None)
        box.open()

    window.fetch(lambda: service.missing_glyphs(cid), checked,
                 window.tr("正在检查文书字体…"))


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
        self.final_button = QPushButton(self.tr("生成正式文书（盖章）"), self)
        self.final_button.setObjectName("issueFinal")
        self.preview_button = QPushButton(self.tr("预览/打印所选…"), self)
        self.preview_button.setObjectName("previewDocument")
        self.draft_button.clicked.connect(lambda: self.issue(final=False))
        self.final_button.clicked.connect(lambda: self.issue(final=True))
        self.preview_button.clicked.connect(self.preview_selected)
        self.hint = QLabel(self.tr("正式文书加盖调委会电子印章，并记录 SHA-256 以便日后核验。"), self)
        self.hint.setObjectName("pageHint")
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
            rows.append([label, self.tr("正式") if doc.final else self.tr("草稿"), doc.pages,
                         fmt_date(doc.created_at), doc.verification_code, doc.sha256])
        fill_table(self.table, rows, [d.id for d in detail.documents])
        self.preview_button.setEnabled(bool(detail.documents))

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
