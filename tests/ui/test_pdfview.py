"""Preview and print a real PDF: the printed file is read back with poppler."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import pytest
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from desktop.ui import qt
from desktop.ui.pdfview import PdfPreviewDialog, PdfView, print_pdf
from desktop.ui.qt import Qt

pytestmark = pytest.mark.gui

_FONT_CANDIDATES = [
    Path(__file__).resolve().parents[2] / "resources" / "fonts" / "wqy-microhei.ttc",
    Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
]


def small_agreement_pdf(pages: int = 2) -> bytes:
    font = next(p for p in _FONT_CANDIDATES if p.exists())
    if "TestWQY" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("TestWQY", str(font), subfontIndex=0))
    out = io.BytesIO()
    c = canvas.Canvas(out)
    for page in range(1, pages + 1):
        c.setFont("TestWQY", 16)
        c.drawString(72, 760, "人民调解协议书")
        c.setFont("TestWQY", 11)
        c.drawString(72, 730, f"第 {page} 页 共 {pages} 页 赔偿金人民币壹万贰仟元整")
        c.showPage()
    c.save()
    return out.getvalue()


def pdftotext(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout


def pdf_pages(path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True,
                          text=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def pdf_printer(path: Path):
    printer_cls = qt.QtPrintSupport.QPrinter
    printer = printer_cls(printer_cls.PrinterMode.HighResolution)
    printer.setOutputFormat(printer_cls.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    return printer


def test_preview_shows_pages_and_prints_to_pdf_file_with_text(qtbot, tmp_path):
    data = small_agreement_pdf(pages=2)
    view = PdfView()
    qtbot.addWidget(view)
    view.load(data, "协议书", copies=3)
    view.resize(800, 700)
    view.show()
    qtbot.waitExposed(view)
    assert view.page_count() == 2
    assert view.page_label.text() == "页 共 2 页"
    assert view.print_action.isEnabled()
    printer = view.make_printer()
    assert printer.copyCount() == 3  # parties + 1, proposed to the print dialog

    out = tmp_path / "printed.pdf"
    printer = pdf_printer(out)
    with qtbot.waitSignal(view.printed) as blocker:
        view.print_to(printer)
    assert blocker.args == [2]
    text = pdftotext(out)
    assert "人民调解协议书" in text and "壹万贰仟元整" in text
    assert out.read_bytes() == data  # print-to-file keeps the recorded document byte for byte


def test_raster_printing_path_renders_every_page(qtbot, tmp_path):
    data = small_agreement_pdf(pages=2)
    out = tmp_path / "raster.pdf"
    printer = pdf_printer(out)
    printer.setResolution(150)
    sent = print_pdf(data, printer, raster=True)
    assert sent == 2
    assert pdf_pages(out) == 2
    # The rendered page carries ink where the title was drawn (top left), not a blank sheet.
    png = tmp_path / "page"
    subprocess.run(["pdftoppm", "-r", "30", "-f", "1", "-l", "1", "-png", str(out), str(png)],
                   check=True)
    image = qt.QImage(str(next(tmp_path.glob("page*.png"))))
    dark = sum(1 for y in range(image.height() // 4) for x in range(image.width())
               if image.pixelColor(x, y).lightness() < 128)
    assert dark > 20


def test_raster_repeats_copies_when_the_printer_cannot(qtbot, tmp_path):
    out = tmp_path / "copies.pdf"
    printer = pdf_printer(out)
    printer.setResolution(72)
    printer.setCopyCount(3)
    assert not printer.supportsMultipleCopies()
    assert print_pdf(small_agreement_pdf(pages=1), printer, raster=True) == 3
    assert pdf_pages(out) == 3


def test_placeholder_until_a_document_exists_and_escape_closes(qtbot):
    dialog = PdfPreviewDialog()
    qtbot.addWidget(dialog)
    dialog.pdf.show_placeholder("文书尚未生成")
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.pdf.placeholder.isVisible() and not dialog.pdf.print_action.isEnabled()
    dialog.load(small_agreement_pdf(pages=1), "协议书")
    assert not dialog.pdf.placeholder.isVisible() and dialog.pdf.print_action.isEnabled()
    assert "协议书" in dialog.windowTitle()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()


def test_print_dialog_proposes_the_copies_and_prints(qtbot, tmp_path, monkeypatch):
    from desktop.ui.qt import QApplication, QSpinBox, QTimer

    data = small_agreement_pdf(pages=1)
    view = PdfView()
    qtbot.addWidget(view)
    view.load(data, "协议书", copies=3)
    view.show()
    out = tmp_path / "dialog.pdf"
    make = view.make_printer

    def pdf_file_printer():
        printer = make()
        printer.setOutputFormat(qt.QtPrintSupport.QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(out))
        return printer

    monkeypatch.setattr(view, "make_printer", pdf_file_printer)
    seen: dict[str, object] = {}

    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(50, answer)
            return
        seen["title"] = dialog.windowTitle()
        seen["copies"] = [s.value() for s in dialog.findChildren(QSpinBox) if s.value() == 3]
        dialog.accept()

    QTimer.singleShot(100, answer)
    with qtbot.waitSignal(view.printed, timeout=10000):
        view.print_with_dialog()
    assert seen["title"] == "打印 协议书（3 份）"
    assert seen["copies"]  # the dialog's copies box shows parties + 1
    assert "人民调解协议书" in pdftotext(out)
