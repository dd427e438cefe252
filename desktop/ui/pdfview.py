"""Preview a generated PDF inside the app, print it, save it as a file.

Printing: to a paper printer each page is rendered by QtPdf at the printer's resolution (capped
at 600 dpi) and painted on the page; copies are left to the driver when it can do them, else
repeated here. "Print to file" (QPrinter's PDF output, which every print dialog offers) writes
the document's own bytes: the file keeps its text, its embedded fonts, its digital signature and
so its recorded SHA-256 — a re-rendered copy would have none of these.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from desktop.ui import filedialogs, qt
from desktop.ui.qt import (
    QAction,
    QBuffer,
    QByteArray,
    QDialog,
    QIODevice,
    QKeySequence,
    QLabel,
    QMessageBox,
    QPainter,
    QRect,
    QSize,
    QSpinBox,
    Qt,
    QToolBar,
    QVBoxLayout,
    QWidget,
    Signal,
)

if TYPE_CHECKING:
    from desktop.ui.qt import QtPdf, QtPrintSupport

MAX_PRINT_DPI = 600


def load_document(data: bytes, parent: qt.QObject | None = None) -> QtPdf.QPdfDocument:
    """A QPdfDocument over ``data``; the buffer is parented to the document to keep it alive."""
    pdf = qt.QtPdf
    document = pdf.QPdfDocument(parent) if parent is not None else pdf.QPdfDocument()
    buffer = QBuffer(document)
    buffer.setData(QByteArray(data))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    document.load(buffer)
    return document


def print_pdf(data: bytes, printer: QtPrintSupport.QPrinter, *,
              raster: bool | None = None) -> int:
    """Print ``data`` on ``printer``; returns the number of pages sent (all copies).

    ``raster=None`` chooses: the document's bytes for PDF-file output, rendered pages for a
    printer. Tests pass ``raster=True`` to exercise the paper path into a PDF file.
    """
    printer_cls = qt.QtPrintSupport.QPrinter
    to_file = printer.outputFormat() == printer_cls.OutputFormat.PdfFormat and bool(
        printer.outputFileName())
    if raster is None:
        raster = not to_file
    if not raster:
        Path(printer.outputFileName()).write_bytes(data)
        return load_document(data).pageCount()

    document = load_document(data)
    count = document.pageCount()
    first, last = 0, count - 1
    if printer.printRange() == printer_cls.PrintRange.PageRange and printer.fromPage() > 0:
        first = max(0, printer.fromPage() - 1)
        last = min(count - 1, max(first, printer.toPage() - 1))
    copies = 1 if printer.supportsMultipleCopies() else max(1, printer.copyCount())
    dpi = min(printer.resolution(), MAX_PRINT_DPI)
    painter = QPainter()
    if not painter.begin(printer):
        raise OSError(qt.translate("PdfView", "无法开始打印：打印机不可用。"))
    sent = 0
    try:
        for _copy in range(copies):
            for index in range(first, last + 1):
                if sent:
                    printer.newPage()
                size_pt = document.pagePointSize(index)
                pixels = QSize(round(size_pt.width() / 72 * dpi), round(size_pt.height() / 72 * dpi))
                image = document.render(index, pixels)
                target = painter.viewport()
                scaled = image.size().scaled(target.size(), Qt.AspectRatioMode.KeepAspectRatio)
                painter.drawImage(QRect(target.topLeft(), scaled), image)
                sent += 1
    finally:
        painter.end()
    return sent


class PdfView(QWidget):
    """A toolbar (pages, zoom, print, save as) over QtPdf's QPdfView."""

    printed = Signal(int)  # pages sent

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        widgets = qt.QtPdfWidgets
        self._data = b""
        self._title = ""
        self.file_stem = ""  # proposed file name without .pdf (else the title)
        self._buffer: QBuffer | None = None
        self.copies = 1
        self.document = qt.QtPdf.QPdfDocument(self)
        self.view = widgets.QPdfView(self)
        self.view.setDocument(self.document)
        self.view.setPageMode(widgets.QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(widgets.QPdfView.ZoomMode.FitToWidth)
        self.view.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.view.setAccessibleName(self.tr("文书预览"))

        self.toolbar = QToolBar(self)
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.print_action = QAction(self.tr("打印…"), self)
        self.print_action.setShortcut(QKeySequence.StandardKey.Print)
        self.print_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.print_action.triggered.connect(self.print_with_dialog)
        self.save_action = QAction(self.tr("另存为…"), self)
        self.save_action.setShortcut(QKeySequence.StandardKey.SaveAs)
        self.save_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.save_action.triggered.connect(self.save_as)
        self.fit_action = QAction(self.tr("适合宽度"), self)
        self.fit_action.triggered.connect(
            lambda: self.view.setZoomMode(widgets.QPdfView.ZoomMode.FitToWidth))
        self.whole_action = QAction(self.tr("整页"), self)
        self.whole_action.triggered.connect(
            lambda: self.view.setZoomMode(widgets.QPdfView.ZoomMode.FitInView))
        zoom_in = QAction(self.tr("放大"), self)
        zoom_in.setShortcut(QKeySequence.StandardKey.ZoomIn)
        zoom_in.triggered.connect(lambda: self._zoom(1.25))
        zoom_out = QAction(self.tr("缩小"), self)
        zoom_out.setShortcut(QKeySequence.StandardKey.ZoomOut)
        zoom_out.triggered.connect(lambda: self._zoom(0.8))
        self.page_spin = QSpinBox(self)
        self.page_spin.setMinimum(1)
        self.page_spin.setMaximumWidth(80)
        self.page_spin.setAccessibleName(self.tr("页码"))
        self.page_spin.valueChanged.connect(self._go_to_page)
        self.page_label = QLabel(self)
        for action in (self.print_action, self.save_action):
            self.toolbar.addAction(action)
        self.toolbar.addSeparator()
        self.toolbar.addWidget(QLabel(self.tr("第"), self))
        self.toolbar.addWidget(self.page_spin)
        self.toolbar.addWidget(self.page_label)
        self.toolbar.addSeparator()
        for action in (zoom_out, zoom_in, self.fit_action, self.whole_action):
            self.toolbar.addAction(action)
        self.addActions([self.print_action, self.save_action, zoom_in, zoom_out])

        self.placeholder = QLabel(self.tr("文书尚未生成"), self)
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setStyleSheet("color: #667; font-size: 15px;")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.placeholder, 1)
        self.view.pageNavigator().currentPageChanged.connect(
            lambda page: self.page_spin.setValue(page + 1))
        self._show_placeholder(True)

    # ---- content -----------------------------------------------------------------------
    def load(self, data: bytes, title: str = "", copies: int = 1, file_stem: str = "") -> None:
        """Show ``data``. ``copies``: what the print dialog proposes (parties + 1 for an
        agreement); ``file_stem``: the name 另存为 proposes."""
        self._data = data
        self._title = title
        self.file_stem = file_stem
        self.copies = max(1, copies)
        old = self._buffer
        self._buffer = QBuffer(self.document)
        self._buffer.setData(QByteArray(data))
        self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.document.load(self._buffer)
        if old is not None:
            old.deleteLater()
        pages = self.document.pageCount()
        self.page_spin.setMaximum(max(1, pages))
        self.page_label.setText(self.tr("页 共 {n} 页").format(n=pages))
        self._show_placeholder(pages == 0)

    def show_placeholder(self, text: str) -> None:
        self._data = b""
        self.document.close()
        self.placeholder.setText(text)
        self._show_placeholder(True)

    def data(self) -> bytes:
        return self._data

    def page_count(self) -> int:
        return self.document.pageCount()

    def _show_placeholder(self, on: bool) -> None:
        self.placeholder.setVisible(on)
        self.view.setVisible(not on)
        for action in (self.print_action, self.save_action, self.fit_action, self.whole_action):
            action.setEnabled(not on)
        self.page_spin.setEnabled(not on)

    def _zoom(self, factor: float) -> None:
        self.view.setZoomMode(qt.QtPdfWidgets.QPdfView.ZoomMode.Custom)
        self.view.setZoomFactor(max(0.2, min(5.0, self.view.zoomFactor() * factor)))

    def _go_to_page(self, number: int) -> None:
        navigator = self.view.pageNavigator()
        if 0 < number <= self.document.pageCount() and navigator.currentPage() != number - 1:
            navigator.jump(number - 1, qt.QPointF(), navigator.currentZoom())

    # ---- output ------------------------------------------------------------------------
    def make_printer(self) -> QtPrintSupport.QPrinter:
        printer_cls = qt.QtPrintSupport.QPrinter
        printer = printer_cls(printer_cls.PrinterMode.HighResolution)
        printer.setCopyCount(self.copies)
        printer.setDocName(self._title or self.tr("调解文书"))
        printer.setFullPage(True)  # the PDF carries its own margins
        return printer

    def print_to(self, printer: QtPrintSupport.QPrinter) -> int:
        pages = print_pdf(self._data, printer)
        self.printed.emit(pages)
        return pages

    def print_with_dialog(self) -> None:
        if not self._data:
            return
        printer = self.make_printer()
        dialog = qt.QtPrintSupport.QPrintDialog(printer, self)
        dialog.setWindowTitle(self.tr("打印 {title}（{n} 份）").format(
            title=self._title, n=self.copies))
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        try:
            self.print_to(printer)
        except OSError as exc:
            QMessageBox.warning(self, self.tr("打印失败"), str(exc))

    def save_as(self) -> None:
        if not self._data:
            return
        suggested = filedialogs.suggest_name(self.file_stem or self._title or self.tr("调解文书"),
                                             suffix=".pdf")
        name = filedialogs.save_file(self, self.tr("另存为"), "pdf_save", suggested,
                                     self.tr("PDF 文件 (*.pdf)"))
        if name:
            try:
                Path(name).write_bytes(self._data)
            except OSError as exc:
                QMessageBox.warning(self, self.tr("保存失败"), str(exc))


class PdfPreviewDialog(QDialog):
    """A window around PdfView; Esc closes it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("文书预览"))
        self.resize(900, 760)
        self.pdf = PdfView(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.pdf)

    def load(self, data: bytes, title: str = "", copies: int = 1, file_stem: str = "") -> None:
        self.setWindowTitle(self.tr("文书预览 — {title}").format(title=title) if title
                            else self.tr("文书预览"))
        self.pdf.load(data, title, copies, file_stem)
