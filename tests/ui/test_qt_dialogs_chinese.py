"""Qt's own dialogs as the app opens them are all Chinese (issue 11, point 5): file open/save
(Qt's widget dialog, as on a Linux desktop without a native one), message boxes, input
dialogs, the print dialog with its options, the wizard buttons. Every visible label, button,
combo item, header and the file list's size/type/date cells are read; no English word may
remain (file names, paths and patterns like *.pdf are allowed)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from desktop.ui import filedialogs
from desktop.ui.qt import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QFileDialog,
    QGroupBox,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QStandardPaths,
    QtPrintSupport,
    QTreeView,
    QWidget,
)

pytestmark = pytest.mark.gui

ALLOWED = {"PDF", "Excel", "CSV", "PNG",
           "xlsx", "csv", "pdf", "png", "jpg", "jpeg", "tif", "tiff"}  # formats, extensions
PATTERN = re.compile(r"\([^)]*\*\.[^)]*\)")  # (*.pdf *.png)
WORD = re.compile(r"[A-Za-z]{2,}")


def english_words(text: str) -> list[str]:
    text = PATTERN.sub("", text.replace("&", ""))
    if text.startswith("/") or re.match(r"^[A-Za-z]:\\", text):
        return []  # a path
    return [w for w in WORD.findall(text) if w not in ALLOWED]


def visible_texts(root: QWidget) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = [("title", root.windowTitle())]
    for w in root.findChildren(QWidget):
        if not w.isVisibleTo(root):
            continue
        name = f"{type(w).__name__}#{w.objectName()}"
        if isinstance(w, (QLabel, QAbstractButton)):
            out.append((name, w.text()))
        elif isinstance(w, QGroupBox):
            out.append((name, w.title()))
        elif isinstance(w, QComboBox):
            out += [(name, w.itemText(i)) for i in range(w.count())]
        if isinstance(w, QTreeView) and w.model() is not None:
            m = w.model()
            out += [(name + ":header", str(m.headerData(c, _horizontal())))
                    for c in range(m.columnCount())]
            root_index = w.rootIndex()
            for r in range(m.rowCount(root_index)):
                # column 0 is the file name itself; the rest is Qt's (size, type, date)
                out += [(name + ":cell", str(m.index(r, c, root_index).data()))
                        for c in range(1, m.columnCount())]
    return out


def _horizontal():
    from desktop.ui.qt import Qt

    return Qt.Orientation.Horizontal


def assert_chinese(root: QWidget, what: str) -> list[tuple[str, str]]:
    texts = visible_texts(root)
    bad = [(n, t) for n, t in texts if english_words(t)]
    assert not bad, f"{what}: English left in {bad}"
    # and not blank either (a translator answering "" blanks every text)
    buttons = [t for n, t in texts if n.startswith("QPushButton")]
    assert buttons and all(buttons), f"{what}: blank buttons {buttons}"
    return texts


def documents() -> Path:
    return Path(QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation))


def test_english_word_check_can_fail():
    assert english_words("&Look in:") == ["Look", "in"]
    assert english_words("PDF 文件 (*.pdf)") == []
    assert english_words("/tmp/x/Documents") == []


@pytest.mark.parametrize("save", [True, False])
def test_file_dialog_widget_version_is_chinese(qtbot, ui_app, save):
    folder = filedialogs.documents_dir()
    (folder / "旧协议.pdf").write_bytes(b"%PDF-1.4 x")
    (folder / "材料").mkdir(exist_ok=True)
    dialog = filedialogs.build_dialog(None, "另存为", "pdf_save", "PDF 文件 (*.pdf)",
                                      save=save, name="（2026）青人调字第0001号-调解协议书.pdf",
                                      native=False)
    qtbot.addWidget(dialog)
    dialog.setViewMode(QFileDialog.ViewMode.Detail)
    dialog.show()
    qtbot.waitExposed(dialog)
    tree = dialog.findChild(QTreeView, "treeView")
    qtbot.waitUntil(lambda: tree.model().rowCount(tree.rootIndex()) >= 2, timeout=5000)
    texts = assert_chinese(dialog, "file dialog")
    assert Path(dialog.directory().absolutePath()) == folder == documents()
    joined = " ".join(t for _n, t in texts)
    for word in ("查找范围", "文件类型", "大小", "文件夹"):
        assert word in joined
    # the main window's dark sidebar rule no longer reaches the dialog's list of places
    sidebar = dialog.findChild(QWidget, "sidebar")
    assert sidebar.grab().toImage().pixelColor(4, sidebar.height() - 4).lightness() > 160
    if save:
        name = dialog.findChild(QLineEdit, "fileNameEdit").text()
        assert name == "（2026）青人调字第0001号-调解协议书.pdf"


def test_message_and_input_dialogs_are_chinese(qtbot):
    for icon, buttons in (
            (QMessageBox.Icon.Question, QMessageBox.StandardButton.Yes
             | QMessageBox.StandardButton.No | QMessageBox.StandardButton.Cancel),
            (QMessageBox.Icon.Warning, QMessageBox.StandardButton.Ok),
            (QMessageBox.Icon.Critical, QMessageBox.StandardButton.Ok
             | QMessageBox.StandardButton.Cancel),
            (QMessageBox.Icon.Information, QMessageBox.StandardButton.Save
             | QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Close)):
        box = QMessageBox(icon, "提示", "记录已保存。", buttons)
        qtbot.addWidget(box)
        box.show()
        texts = assert_chinese(box, f"message box {icon}")
        assert len([t for n, t in texts if n.startswith("QPushButton")]) >= 1
        box.close()
    for combo in (False, True):
        dialog = QInputDialog()
        qtbot.addWidget(dialog)
        dialog.setWindowTitle("新增")
        dialog.setLabelText("名称：")
        if combo:
            dialog.setComboBoxItems(["调解员", "管理员"])
        dialog.show()
        assert_chinese(dialog, "input dialog")
        dialog.close()


def test_print_dialog_with_options_is_chinese(qtbot):
    import shiboken6

    printer = QtPrintSupport.QPrinter()
    dialog = QtPrintSupport.QPrintDialog(printer)
    try:
        dialog.show()
        more = next(b for b in dialog.findChildren(QPushButton) if "选项" in b.text())
        more.click()
        QApplication.processEvents()
        texts = assert_chinese(dialog, "print dialog")
        assert any("份数" in t for _n, t in texts)
    finally:
        # the dialog points at the printer: it must go first (a later restyle crashed)
        shiboken6.delete(dialog)


def test_wizard_buttons_are_chinese(qtbot, ui_admin_desk):
    import shiboken6

    from desktop.ui.ledger_wizard import LedgerWizard

    wizard = LedgerWizard(ui_admin_desk)
    try:
        wizard.show()
        assert_chinese(wizard, "ledger wizard")
    finally:
        # deleted now, not left for a later test's restyle to trip over (it crashed there)
        shiboken6.delete(wizard)


# -- the helper's behaviour -------------------------------------------------------------------

def test_remembers_the_last_folder_per_purpose_and_proposes_names(qtbot, tmp_path, monkeypatch):
    seen: list[QFileDialog] = []
    target = tmp_path / "导出"
    target.mkdir()

    def answer(dialog: QFileDialog) -> list[str]:
        seen.append(dialog)
        return [str(target / "报表.xlsx")]

    monkeypatch.setattr(filedialogs, "before_exec", answer)
    name = filedialogs.suggest_name("2026年11月统计报表", suffix=".xlsx")
    assert name == "2026年11月统计报表.xlsx"
    assert filedialogs.suggest_name("（2026）青人调字第0001号", "调解协议书", suffix=".pdf") == (
        "（2026）青人调字第0001号-调解协议书.pdf")
    assert filedialogs.suggest_name('a/b:c*?"<>|', suffix=".pdf") == "abc.pdf"
    first = filedialogs.save_file(None, "导出报表", "report_export", name, "Excel 工作簿 (*.xlsx)")
    assert first == str(target / "报表.xlsx")
    assert Path(seen[0].directory().absolutePath()) == documents()
    filedialogs.save_file(None, "导出报表", "report_export", name, "Excel 工作簿 (*.xlsx)")
    assert Path(seen[1].directory().absolutePath()) == target  # remembered
    filedialogs.open_file(None, "选择印章图片", "seal_image", "PNG 图片 (*.png)")
    assert Path(seen[2].directory().absolutePath()) == documents()  # another purpose


def test_pdf_preview_proposes_number_and_form(qtbot, monkeypatch, tmp_path):
    from desktop.ui.pdfview import PdfPreviewDialog

    proposed: list[str] = []

    def answer(dialog: QFileDialog) -> list[str]:
        edit = dialog.findChild(QLineEdit, "fileNameEdit")
        proposed.append(edit.text() if edit is not None else dialog.selectedFiles()[0])
        return [str(tmp_path / "out.pdf")]

    monkeypatch.setattr(filedialogs, "before_exec", answer)
    preview = PdfPreviewDialog()
    qtbot.addWidget(preview)
    preview.load(b"%PDF-1.4\n%%EOF\n", "（2026）青人调字第0001号调解协议书", 3,
                 file_stem="（2026）青人调字第0001号-调解协议书")
    preview.pdf.save_as()
    assert Path(proposed[0]).name == "（2026）青人调字第0001号-调解协议书.pdf"
    assert (tmp_path / "out.pdf").read_bytes().startswith(b"%PDF")
