"""导入排查台账: choose the file, map its columns (guessed from the Chinese headers), preview
and check every row, then import all rows or none (``LedgerService``).

Reading the file, checking every row and the import run off the UI thread through ``ops.Op``
(a 10,000-row workbook takes seconds). While a job runs, the page reports itself incomplete,
so 下一步/导入 stay disabled and nobody advances on stale data; an answer that arrives after
the user changed the file, the mapping or the page is dropped."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from desktop.services.ledger import (
    FIELDS,
    Checked,
    LedgerFile,
    LedgerService,
    guess_mapping,
    open_ledger,
)
from desktop.ui import ops, wizard
from desktop.ui.qt import (
    QFormLayout,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
    QWizard,
)

if TYPE_CHECKING:
    from desktop.services import Desk

PREVIEW_ROWS = 20


class FilePage(wizard.FilePage):
    purpose = "ledger_import"

    def __init__(self, wiz: LedgerWizard) -> None:
        super().__init__(wiz, path_name="ledgerPath")
        self.wiz: LedgerWizard = wiz
        self.path.setPlaceholderText(self.tr("台账文件路径"))
        self.dialog_title = self.tr("选择排查台账")
        self.reading = self.tr("正在读取台账文件…")
        self.setTitle(self.tr("选择台账文件"))
        self.setSubTitle(self.tr("支持 Excel（.xlsx）和 CSV 文件；表头上方的标题行、合并单元格会自动识别。"))

    def read(self, path: str) -> LedgerFile:
        return open_ledger(path)

    def keep(self, result: LedgerFile) -> None:
        self.wiz.ledger = result


class MappingPage(wizard.MappingPage):
    def __init__(self, wiz: LedgerWizard) -> None:
        super().__init__(wiz, FIELDS)
        self.wiz: LedgerWizard = wiz
        self.setTitle(self.tr("对应表格中的列"))
        self.form = QFormLayout(self)
        for fname, combo in self.combos.items():
            self.form.addRow(self.labels[fname], combo)

    def initializePage(self) -> None:
        ledger = self.wiz.ledger
        assert ledger is not None
        self.offer(ledger.headers, guess_mapping(ledger.headers))

    def mapping(self) -> dict[str, int]:
        return self.columns()


class CheckPage(wizard.CheckPage):
    def __init__(self, wiz: LedgerWizard) -> None:
        super().__init__(wiz, problems_name="ledgerProblems")
        self.wiz: LedgerWizard = wiz
        self.setTitle(self.tr("预览并检查"))
        self.setSubTitle(self.tr("逐行检查全部数据；有任何问题时不会导入，请改正台账后重新选择文件。"))
        lay = QVBoxLayout(self)
        self.preview = QTableWidget(objectName="ledgerPreview")
        lay.addWidget(self.preview, 2)
        lay.addWidget(self.status)
        lay.addWidget(self.problems, 1)

    def initializePage(self) -> None:
        ledger, mapping = self.wiz.ledger, self.wiz.mapping_page.mapping()
        assert ledger is not None
        service = self.wiz.service
        fields = list(mapping)
        self.preview.clear()
        self.preview.setColumnCount(len(fields) + 1)
        self.preview.setHorizontalHeaderLabels([self.tr("行号")] + [FIELDS[f][0] for f in fields])
        self.preview.setRowCount(0)
        self.problems.setVisible(False)
        gen = self.start(self.tr("正在检查全部 {n} 行数据，请稍候…").format(n=len(ledger.rows)))

        def work() -> tuple[list[tuple[int, list[str]]], Checked]:  # worker thread: no widgets
            rows = [row_no for row_no, _cells in ledger.rows[:PREVIEW_ROWS]]
            shown = list(zip(rows, ledger.preview(PREVIEW_ROWS), strict=True))
            return shown, service.check(ledger, mapping)

        def done(result: tuple[list[tuple[int, list[str]]], Checked]) -> None:
            if not self.current(gen):
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

        ops.Op(self.wiz, work, label=self.tr("正在检查台账数据…")).success(done) \
            .failure(lambda err: self.refused(gen, err)).run()

    def _settle(self) -> None:
        self.problems.setVisible(not self.ok)
        super()._settle()


class LedgerWizard(wizard.ImportWizard):
    def __init__(self, desk: Desk, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ledgerWizard")
        self.setWindowTitle(self.tr("导入矛盾纠纷排查台账"))
        self.resize(760, 540)
        self.service = LedgerService(desk.db, desk.actor)
        self.ledger: LedgerFile | None = None
        self.result: Any = None
        self.file_page = FilePage(self)
        self.mapping_page = MappingPage(self)
        self.check_page = CheckPage(self)
        for page in (self.file_page, self.mapping_page, self.check_page):
            self.addPage(page)
        self.setButtonText(QWizard.WizardButton.FinishButton, self.tr("导入"))

    def accept(self) -> None:
        if self.importing or not self.check_page.isComplete():
            return  # a second 导入 (Enter, double click) while one runs, or not checked yet
        ledger, mapping = self.ledger, self.mapping_page.mapping()
        assert ledger is not None
        service = self.service

        def done(result: Any) -> None:
            self.set_importing(False)
            self.result = result
            self.imported.emit()
            super(LedgerWizard, self).accept()

        def failed(_err: BaseException) -> bool:
            self.set_importing(False)
            return False  # ops shows the message (which row and column, or why)

        self.set_importing(True)
        ops.Op(self, lambda: service.import_ledger(ledger, mapping),
               label=self.tr("正在导入台账…")).changes(ops.ChangeKind.SWEEP).success(done) \
            .failure(failed).run()
