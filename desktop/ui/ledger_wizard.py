"""导入排查台账: choose the file, map its columns (guessed from the Chinese headers), preview
and check every row, then import all rows or none (``LedgerService``).

Reading the file, checking every row and the import run off the UI thread through ``ops.Op``
(a 10,000-row workbook takes seconds). While a job runs, the page reports itself incomplete,
so 下一步/导入 stay disabled and nobody advances on stale data; an answer that arrives after
the user changed the file, the mapping or the page is dropped."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from desktop.domain.errors import MediationError
from desktop.services.ledger import (
    FIELDS,
    Checked,
    LedgerError,
    LedgerFile,
    LedgerService,
    guess_mapping,
    open_ledger,
)
from desktop.ui import filedialogs, ops
from desktop.ui.qt import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
    Signal,
)

if TYPE_CHECKING:
    from desktop.services import Desk

PREVIEW_ROWS = 20


class FilePage(QWizardPage):
    def __init__(self, wizard: LedgerWizard) -> None:
        super().__init__()
        self.wiz = wizard
        self.setTitle(self.tr("选择台账文件"))
        self.setSubTitle(self.tr("支持 Excel（.xlsx）和 CSV 文件；表头上方的标题行、合并单元格会自动识别。"))
        lay = QHBoxLayout(self)
        self.path = QLineEdit(objectName="ledgerPath")
        self.path.setPlaceholderText(self.tr("台账文件路径"))
        self.path.textChanged.connect(self.completeChanged)
        browse = QPushButton(self.tr("浏览…"))
        browse.clicked.connect(self._browse)
        lay.addWidget(self.path, 1)
        lay.addWidget(browse)
        self.error = QLabel(objectName="fileError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #B22222;")
        outer = QVBoxLayout()
        outer.addWidget(self.error)
        lay.addLayout(outer)
        self.busy = False  # the file is being read: 下一步 stays disabled
        self._ready = False
        self._generation = 0
        self.path.textChanged.connect(self._path_changed)

    def _browse(self) -> None:
        path = filedialogs.open_file(self, self.tr("选择排查台账"), "ledger_import",
                                     self.tr("表格文件 (*.xlsx *.csv);;所有文件 (*)"))
        if path:
            self.path.setText(path)

    def isComplete(self) -> bool:
        return bool(self.path.text().strip()) and not self.busy

    def _path_changed(self) -> None:
        self._generation += 1  # a file still being read is no longer the one asked for
        self._ready = False

    def validatePage(self) -> bool:
        """下一步 reads the file in the background and answers False; when the read succeeds
        the page advances itself (``_ready`` lets that second ``validatePage`` through). Every
        click re-reads, so a ledger corrected in Excel meanwhile is picked up."""
        if self._ready:
            self._ready = False
            return True
        if self.busy:
            return False
        path = self.path.text().strip()
        self._generation += 1
        gen = self._generation
        self.busy = True
        self.completeChanged.emit()

        def done(ledger: LedgerFile) -> None:
            self._settle()
            if gen != self._generation or self.wiz.currentPage() is not self:
                return
            self.wiz.ledger = ledger
            self.error.setText("")
            self._ready = True
            self.wiz.next()
            self._ready = False

        def failed(err: BaseException) -> bool:
            self._settle()
            if gen != self._generation:
                return True  # about a file nobody asks for any more
            if isinstance(err, MediationError):
                self.error.setText(err.message)
                return True
            self.error.setText(ops.error_text(err))
            return False  # unexpected: ops shows it with the details

        ops.Op(self.wiz, lambda: open_ledger(path), label=self.tr("正在读取台账文件…")) \
            .success(done).failure(failed).run()
        return False

    def _settle(self) -> None:
        self.busy = False
        self.completeChanged.emit()


class MappingPage(QWizardPage):
    def __init__(self, wizard: LedgerWizard) -> None:
        super().__init__()
        self.wiz = wizard
        self.setTitle(self.tr("对应表格中的列"))
        self.setSubTitle(self.tr("已按表头自动对应，请核对；带 * 的为必填项。"))
        self.form = QFormLayout(self)
        self.combos: dict[str, QComboBox] = {}
        for fname, (label, required, _aliases) in FIELDS.items():
            combo = QComboBox(objectName=f"map_{fname}")
            combo.currentIndexChanged.connect(self.completeChanged)
            self.combos[fname] = combo
            self.form.addRow(label + (" *" if required else ""), combo)

    def initializePage(self) -> None:
        ledger = self.wiz.ledger
        assert ledger is not None
        guess = guess_mapping(ledger.headers)
        for fname, combo in self.combos.items():
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(self.tr("（不导入）"), -1)
            for i, h in enumerate(ledger.headers):
                combo.addItem(self.tr("第 {n} 列：{h}").format(n=i + 1, h=h or "（无表头）"), i)
            combo.setCurrentIndex(guess.get(fname, -1) + 1)
            combo.blockSignals(False)

    def mapping(self) -> dict[str, int]:
        return {f: int(c.currentData()) for f, c in self.combos.items()
                if c.currentData() is not None and int(c.currentData()) >= 0}

    def isComplete(self) -> bool:
        m = self.mapping()
        return all(f in m for f, (_l, req, _a) in FIELDS.items() if req)


class CheckPage(QWizardPage):
    def __init__(self, wizard: LedgerWizard) -> None:
        super().__init__()
        self.wiz = wizard
        self.setTitle(self.tr("预览并检查"))
        self.setSubTitle(self.tr("逐行检查全部数据；有任何问题时不会导入，请改正台账后重新选择文件。"))
        lay = QVBoxLayout(self)
        self.preview = QTableWidget(objectName="ledgerPreview")
        self.status = QLabel(objectName="checkStatus")
        self.status.setWordWrap(True)
        self.problems = QListWidget(objectName="ledgerProblems")
        self.busy = False  # checking: 导入 stays disabled
        self._generation = 0
        lay.addWidget(self.preview, 2)
        lay.addWidget(self.status)
        lay.addWidget(self.problems, 1)
        self.ok = False

    def initializePage(self) -> None:
        ledger, mapping = self.wiz.ledger, self.wiz.mapping_page.mapping()
        assert ledger is not None
        service = self.wiz.service
        fields = list(mapping)
        self.preview.clear()
        self.preview.setColumnCount(len(fields) + 1)
        self.preview.setHorizontalHeaderLabels([self.tr("行号")] + [FIELDS[f][0] for f in fields])
        self.preview.setRowCount(0)
        self.problems.clear()
        self.problems.setVisible(False)
        self.status.setText(self.tr("正在检查全部 {n} 行数据，请稍候…").format(n=len(ledger.rows)))
        self.ok = False
        self._generation += 1
        gen = self._generation
        self.busy = True
        self.completeChanged.emit()

        def work() -> tuple[list[tuple[int, list[str]]], Checked]:  # worker thread: no widgets
            rows = [row_no for row_no, _cells in ledger.rows[:PREVIEW_ROWS]]
            shown = list(zip(rows, ledger.preview(PREVIEW_ROWS), strict=True))
            return shown, service.check(ledger, mapping)

        def done(result: tuple[list[tuple[int, list[str]]], Checked]) -> None:
            if gen != self._generation:
                return  # the user went back meanwhile: a newer check (or none) applies
            shown, checked = result
            self.preview.setRowCount(len(shown))
            for i, (row_no, cells) in enumerate(shown):
                self.preview.setItem(i, 0, QTableWidgetItem(str(row_no)))
                for j, f in enumerate(fields, start=1):
                    self.preview.setItem(i, j, QTableWidgetItem(cells[mapping[f]]))
            self.preview.resizeColumnsToContents()
            self.ok = checked.problem_count == 0
            for p in checked.problems:
                self.problems.addItem(str(p))
            if self.ok:
                self.status.setText(self.tr("共 {n} 行数据，全部检查通过（其中文件内重复 {d} 行将只导入一次；"
                                            "跳过空行 {b} 行）。点击“导入”写入。").format(
                    n=len(ledger.rows), d=checked.duplicates_in_file, b=ledger.blank_rows))
            else:
                self.status.setText(self.tr("发现 {n} 处问题，不能导入：").format(
                    n=checked.problem_count))
            self._settle()

        def failed(err: BaseException) -> bool:
            if gen != self._generation:
                return True
            self.ok = False
            if isinstance(err, LedgerError):
                for p in err.problems:
                    self.problems.addItem(str(p))
                self.status.setText(err.message)
                self._settle()
                return True
            self.status.setText(ops.error_text(err))
            self._settle()
            return False  # ops shows it (with the details when unexpected)

        ops.Op(self.wiz, work, label=self.tr("正在检查台账数据…")).success(done) \
            .failure(failed).run()

    def cleanupPage(self) -> None:
        super().cleanupPage()
        self._generation += 1  # 上一步 while checking: drop that answer
        self.busy = False
        self.ok = False

    def _settle(self) -> None:
        self.busy = False
        self.problems.setVisible(not self.ok)
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return self.ok and not self.busy and not self.wiz.importing


class LedgerWizard(QWizard):
    imported = Signal()

    def __init__(self, desk: Desk, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ledgerWizard")
        self.setWindowTitle(self.tr("导入矛盾纠纷排查台账"))
        self.resize(760, 540)
        self.service = LedgerService(desk.db, desk.actor)
        self.ledger: LedgerFile | None = None
        self.result: Any = None
        self.importing = False
        self.file_page = FilePage(self)
        self.mapping_page = MappingPage(self)
        self.check_page = CheckPage(self)
        for page in (self.file_page, self.mapping_page, self.check_page):
            self.addPage(page)
        self.setButtonText(QWizard.WizardButton.FinishButton, self.tr("导入"))
        self.setButtonText(QWizard.WizardButton.NextButton, self.tr("下一步"))
        self.setButtonText(QWizard.WizardButton.BackButton, self.tr("上一步"))
        self.setButtonText(QWizard.WizardButton.CancelButton, self.tr("取消"))

    def busy(self) -> bool:
        """A background read, check or import is running (tests wait on this)."""
        return self.file_page.busy or self.check_page.busy or self.importing

    def _set_importing(self, on: bool) -> None:
        self.importing = on
        self.check_page.completeChanged.emit()  # 导入 follows isComplete()
        # all or nothing, in one transaction: it cannot be taken back or cancelled midway
        for which in (QWizard.WizardButton.BackButton, QWizard.WizardButton.CancelButton):
            self.button(which).setEnabled(not on)

    def accept(self) -> None:
        if self.importing or not self.check_page.isComplete():
            return  # a second 导入 (Enter, double click) while one runs, or not checked yet
        ledger, mapping = self.ledger, self.mapping_page.mapping()
        assert ledger is not None
        service = self.service

        def done(result: Any) -> None:
            self._set_importing(False)
            self.result = result
            self.imported.emit()
            super(LedgerWizard, self).accept()

        def failed(_err: BaseException) -> bool:
            self._set_importing(False)
            return False  # ops shows the message (which row and column, or why)

        self._set_importing(True)
        ops.Op(self, lambda: service.import_ledger(ledger, mapping),
               label=self.tr("正在导入台账…")).changes("sweep").success(done) \
            .failure(failed).run()

    def reject(self) -> None:
        if self.importing:
            return  # Esc / closing the window while the import runs
        super().reject()
