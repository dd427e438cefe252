"""Tab 材料: scans and photos of the case file — add by file dialog or drag and drop, preview
images and PDFs beside the list."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from desktop.domain.enums import AttachmentCategory
from desktop.services.backups import human_size
from desktop.services.dto import AttachmentView, CaseDetail
from desktop.ui import filedialogs
from desktop.ui.case.common import fill_table, fmt_date, make_table, selected_id, side_by_side
from desktop.ui.pdfview import PdfView
from desktop.ui.qt import (
    QT_TRANSLATE_NOOP,
    QComboBox,
    QDragEnterEvent,
    QDropEvent,
    QHBoxLayout,
    QLabel,
    QPixmap,
    QPushButton,
    QResizeEvent,
    QStackedWidget,
    Qt,
    QVBoxLayout,
    QWidget,
)

if TYPE_CHECKING:
    from desktop.ui.case.window import CaseWindow

FILTER = QT_TRANSLATE_NOOP(
    "AttachmentsTab",
    "扫描件或照片 (*.pdf *.png *.jpg *.jpeg *.tif *.tiff *.bmp *.gif *.webp);;所有文件 (*)")


class ImagePreview(QLabel):
    """An image scaled to fit, rescaled when the pane is resized."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setMinimumSize(200, 200)
        self._pixmap = QPixmap()

    def set_data(self, data: bytes) -> bool:
        self._pixmap = QPixmap()
        ok = self._pixmap.loadFromData(data)
        self._rescale()
        return ok

    def _rescale(self) -> None:
        if self._pixmap.isNull():
            self.clear()
            return
        self.setPixmap(self._pixmap.scaled(self.size(), Qt.AspectRatioMode.KeepAspectRatio,
                                           Qt.TransformationMode.SmoothTransformation))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._rescale()


class AttachmentsTab(QWidget):
    def __init__(self, window: CaseWindow) -> None:
        super().__init__(window)
        self.window_ = window
        self.detail: CaseDetail | None = None
        self.setAcceptDrops(True)
        self.category = QComboBox(self)
        self.category.setObjectName("category")
        for c in AttachmentCategory:
            self.category.addItem(self.tr(c.label), c.value)
        self.category.setCurrentIndex(self.category.findData(AttachmentCategory.EVIDENCE.value))
        self.add_button = QPushButton(self.tr("添加文件…"), self)
        self.add_button.setObjectName("addAttachment")
        self.add_button.clicked.connect(self.choose_files)
        self.drop_hint = QLabel(self.tr("也可以把扫描件或照片直接拖到这里"), self)
        self.drop_hint.setObjectName("pageHint")
        self.table = make_table([self.tr("类别"), self.tr("文件名"), self.tr("大小"),
                                 self.tr("添加时间"), self.tr("SHA-256")], self)
        self.table.itemSelectionChanged.connect(self.preview_selected)
        self.image = ImagePreview(self)
        self.image.setObjectName("imagePreview")
        self.pdf = PdfView(self)
        self.pdf.setObjectName("attachmentPdf")
        self.none = QLabel(self.tr("选择一份材料以预览"), self)
        self.none.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.none.setObjectName("pageHint")
        self.preview = QStackedWidget(self)
        for w in (self.none, self.image, self.pdf):
            self.preview.addWidget(w)
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("类别"), self))
        top.addWidget(self.category)
        top.addWidget(self.add_button)
        top.addWidget(self.drop_hint, 1)
        splitter = side_by_side(self, self.table, self.preview, (560, 560))
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)
        self.last_data: bytes = b""

    def load(self, detail: CaseDetail) -> None:
        self.detail = detail
        can = "attach" in detail.allowed_actions
        self.add_button.setVisible(can)
        self.category.setVisible(can)
        self.drop_hint.setVisible(can)
        self.setAcceptDrops(can)
        labels = {c.value: c.label for c in AttachmentCategory}
        rows = [[labels.get(a.category, a.category), a.filename, human_size(a.size),
                 fmt_date(a.added_at), a.sha256] for a in detail.attachments]
        fill_table(self.table, rows, [a.id for a in detail.attachments])

    # ---- adding ------------------------------------------------------------------------
    def choose_files(self) -> None:
        names = filedialogs.open_files(self, self.tr("选择材料"), "attachments", self.tr(FILTER))
        self.add_files([Path(n) for n in names])

    def add_files(self, paths: list[Path], category: str | None = None) -> None:
        if not paths or self.detail is None:
            return
        cid = self.detail.id
        cat = category or self.category.currentData()
        files = self.window_.desk.files

        def add() -> list[AttachmentView]:
            # Read on the worker: a 50 MB scan must not freeze the window.
            return [files.add_attachment(cid, p.name, p.read_bytes(), cat) for p in paths]

        self.window_.run(add, self.tr("正在添加材料…"))

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls() and all(u.isLocalFile() for u in event.mimeData().urls()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        self.add_files([p for p in paths if p.is_file()])
        event.acceptProposedAction()

    # ---- preview -----------------------------------------------------------------------
    def preview_selected(self) -> None:
        attachment_id = selected_id(self.table)
        if attachment_id is None:
            self.preview.setCurrentWidget(self.none)
            return

        def show(result: tuple[AttachmentView, bytes]) -> None:
            view, data = result
            self.last_data = data
            if view.mime == "application/pdf":
                self.pdf.load(data, view.filename)
                self.preview.setCurrentWidget(self.pdf)
            elif self.image.set_data(data):
                self.preview.setCurrentWidget(self.image)
            else:
                self.none.setText(self.tr("无法预览此文件"))
                self.preview.setCurrentWidget(self.none)

        self.window_.fetch(lambda: self.window_.desk.files.attachment_data(attachment_id), show)


__all__ = ["Any", "AttachmentsTab"]
