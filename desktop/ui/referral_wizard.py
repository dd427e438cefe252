"""导入工单: the hotline's, the grid platform's, a police station's or a court's work-order list
becomes registered cases (``ReferralService``), in the ledger wizard's style.

Pages: choose the file → choose the source and the referring unit → preview with the guessed
column mapping (editable) → check every row (errors as 第 N 行“列名”列) → import (all or nothing)
→ summary with the possible duplicates of open cases. Reading, checking and importing run off
the UI thread through ``ops.Op``; while a job runs its page reports itself incomplete, and an
answer that arrives after the user went back is dropped."""

from __future__ import annotations

from typing import TYPE_CHECKING

from desktop.services.referrals import (
    FIELDS,
    ReferralMapping,
    ReferralResult,
    ReferralService,
    guess_mapping,
    open_referrals,
)
from desktop.services.sheets import Sheet
from desktop.ui import ops, wizard
from desktop.ui.qt import (
    QComboBox,
    QFormLayout,
    QGridLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

if TYPE_CHECKING:
    from desktop.services import Desk

PREVIEW_ROWS = 8
# the sources a work-order list comes from, offered first (any active source may be chosen)
LIST_SOURCES = ("hotline_12345", "grid", "police_station", "police_110", "court_pre",
                "court_during", "petition")


class FilePage(wizard.FilePage):
    purpose = "referral_import"

    def __init__(self, wiz: ReferralWizard) -> None:
        super().__init__(wiz, path_name="referralPath")
        self.wiz: ReferralWizard = wiz
        self.path.setPlaceholderText(self.tr("工单文件路径"))
        self.dialog_title = self.tr("选择工单文件")
        self.reading = self.tr("正在读取工单文件…")
        self.setTitle(self.tr("选择工单文件"))
        self.setSubTitle(self.tr("12345 热线、网格平台、派出所或法院的工单/移送清单，Excel（.xlsx）或 CSV"
                                 "（UTF-8 或 GBK）；表头上方的标题行会自动跳过。"))

    def read(self, path: str) -> Sheet:
        return open_referrals(path)

    def keep(self, result: Sheet) -> None:
        self.wiz.sheet = result


class SourcePage(QWizardPage):
    def __init__(self, wiz: ReferralWizard) -> None:
        super().__init__()
        self.wiz = wiz
        self.setTitle(self.tr("工单来源"))
        self.setSubTitle(self.tr("同一来源的同一工单号只登记一次：重复导入同一文件或有重叠的新清单不会重复建案。"))
        form = QFormLayout(self)
        self.source = QComboBox(objectName="referralSource")
        self.unit = QLineEdit(objectName="referringUnit")
        self.unit.setPlaceholderText(self.tr("如：青山区12345热线、青山派出所（表格中有“移送单位”列时以表格为准）"))
        form.addRow(self.tr("来源 *"), self.source)
        form.addRow(self.tr("移送单位"), self.unit)
        self.source.currentIndexChanged.connect(self.completeChanged)

    def initializePage(self) -> None:
        if self.source.count():
            return
        choices = self.wiz.choices
        first = [c for c in LIST_SOURCES if c in choices]
        self.source.addItem(self.tr("（请选择）"), None)
        for code in first + sorted(c for c in choices if c not in first):
            self.source.addItem(choices[code], code)

    def isComplete(self) -> bool:
        return self.source.currentData() is not None


class MappingPage(wizard.MappingPage):
    """The first rows as read, and one column choice per field (guessed, editable)."""

    def __init__(self, wiz: ReferralWizard) -> None:
        super().__init__(wiz, FIELDS)
        self.wiz: ReferralWizard = wiz
        self.setTitle(self.tr("预览与列对应"))
        lay = QVBoxLayout(self)
        self.preview = QTableWidget(objectName="referralPreview")
        self.preview.setMaximumHeight(170)
        self.preview.verticalHeader().setVisible(False)  # the 行号 column is Excel's own number
        lay.addWidget(self.preview)
        grid = QGridLayout()
        for n, (fname, combo) in enumerate(self.combos.items()):
            grid.addWidget(QLabel(self.labels[fname]), n // 2, (n % 2) * 2)
            grid.addWidget(combo, n // 2, (n % 2) * 2 + 1)
        lay.addLayout(grid)

    def initializePage(self) -> None:
        sheet = self.wiz.sheet
        assert sheet is not None
        self.preview.clear()
        self.preview.setColumnCount(len(sheet.headers) + 1)
        self.preview.setHorizontalHeaderLabels([self.tr("行号")] + [h or "—" for h in sheet.headers])
        rows = sheet.preview(PREVIEW_ROWS)
        self.preview.setRowCount(len(rows))
        for i, ((row_no, _cells), cells) in enumerate(zip(sheet.rows, rows, strict=False)):
            self.preview.setItem(i, 0, QTableWidgetItem(str(row_no)))
            for j, text in enumerate(cells, start=1):
                self.preview.setItem(i, j, QTableWidgetItem(text))
        self.preview.resizeColumnsToContents()
        self.offer(sheet.headers, guess_mapping(sheet.headers))


class CheckPage(wizard.CheckPage):
    """Checks every row; 导入 runs the import and advances to the summary when it is done."""

    def __init__(self, wiz: ReferralWizard) -> None:
        super().__init__(wiz, problems_name="referralProblems")
        self.wiz: ReferralWizard = wiz
        self.setTitle(self.tr("检查"))
        self.setSubTitle(self.tr("逐行检查全部工单；有任何问题时不会导入，请改正文件后重新选择。"))
        lay = QVBoxLayout(self)
        lay.addWidget(self.status)
        lay.addWidget(self.problems, 1)

    def initializePage(self) -> None:
        sheet, mapping, source = self.wiz.sheet, self.wiz.mapping(), self.wiz.source()
        assert sheet is not None
        service = self.wiz.service
        gen = self.start(self.tr("正在检查全部 {n} 行工单，请稍候…").format(n=len(sheet.rows)))

        def done(result: ReferralResult) -> None:
            if not self.current(gen):
                return
            self.ok = True
            self.status.setText(self.tr(
                "共 {rows} 行，全部检查通过：将新登记 {new} 件，此前已导入 {old} 件（不再重复登记），"
                "文件内重复 {dup} 行，跳过空行 {blank} 行。点击“导入”写入。").format(
                rows=result.rows, new=result.new, old=result.already,
                dup=result.duplicates_in_file, blank=result.blank_rows))
            for w in result.warnings:
                self.problems.addItem(self.tr("可能重复：{w}").format(w=w))
            self._settle()

        # a dry run is the full check plus the count of new and already-imported work orders
        ops.Op(self.wiz, lambda: service.import_referrals(sheet, mapping, source, dry_run=True),
               label=self.tr("正在检查工单…")).success(done) \
            .failure(lambda err: self.refused(gen, err)).run()

    def validatePage(self) -> bool:
        if self._ready:
            self._ready = False
            return True
        if self.busy or not self.ok:
            return False
        sheet, mapping, source = self.wiz.sheet, self.wiz.mapping(), self.wiz.source()
        assert sheet is not None  # the check page is reached only with a file read
        service = self.wiz.service
        self.busy = True
        self.wiz.set_importing(True)

        def done(result: ReferralResult) -> None:
            self.busy = False
            self.wiz.set_importing(False)
            self.wiz.result = result
            self.wiz.imported.emit()
            self.advance()

        def failed(_err: BaseException) -> bool:
            self.busy = False
            self.wiz.set_importing(False)
            self.completeChanged.emit()
            return False  # ops shows which row and column, or why

        ops.Op(self.wiz, lambda: service.import_referrals(sheet, mapping, source),
               label=self.tr("正在导入工单…")).changes(ops.ChangeKind.CASE).success(done) \
            .failure(failed).run()
        return False


class SummaryPage(QWizardPage):
    def __init__(self, wiz: ReferralWizard) -> None:
        super().__init__()
        self.wiz = wiz
        self.setTitle(self.tr("导入完成"))
        lay = QVBoxLayout(self)
        self.summary = QLabel(objectName="importSummary")
        self.summary.setWordWrap(True)
        self.duplicates = QListWidget(objectName="importDuplicates")
        wizard.wrap_items(self.duplicates)
        lay.addWidget(self.summary)
        lay.addWidget(QLabel(self.tr("与未结案件可能重复（请在案件中核实）：")))
        lay.addWidget(self.duplicates, 1)

    def initializePage(self) -> None:
        r = self.wiz.result
        assert r is not None
        self.summary.setText(self.tr(
            "已登记 {new} 件新案件（状态：登记，待受理）；此前已导入 {old} 件未重复登记；"
            "文件内重复 {dup} 行；跳过空行 {blank} 行。").format(
            new=r.new, old=r.already, dup=r.duplicates_in_file, blank=r.blank_rows))
        self.duplicates.clear()
        for w in r.warnings:
            self.duplicates.addItem(w)
        if not r.warnings:
            self.duplicates.addItem(self.tr("（无）"))


class ReferralWizard(wizard.ImportWizard):
    def __init__(self, desk: Desk, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("referralWizard")
        self.setWindowTitle(self.tr("导入工单"))
        self.resize(900, 620)
        self.service = ReferralService(desk.db, desk.actor)
        self.choices = self.service.source_choices()
        self.sheet: Sheet | None = None
        # hides QDialog.result() (the exit code), which nothing here calls
        self.result: ReferralResult | None = None  # type: ignore[assignment]
        self.file_page = FilePage(self)
        self.source_page = SourcePage(self)
        self.mapping_page = MappingPage(self)
        self.check_page = CheckPage(self)
        self.summary_page = SummaryPage(self)
        for page in (self.file_page, self.source_page, self.mapping_page, self.check_page,
                     self.summary_page):
            self.addPage(page)
        self.setButtonText(QWizard.WizardButton.FinishButton, self.tr("完成"))
        self.currentIdChanged.connect(self._page_changed)

    def _page_changed(self, _id: int) -> None:
        on_check = self.currentPage() is self.check_page
        self.setButtonText(QWizard.WizardButton.NextButton,
                           self.tr("导入") if on_check else self.tr("下一步"))
        if self.currentPage() is self.summary_page:
            # the import is written: going back would offer to import again
            self.button(QWizard.WizardButton.BackButton).setEnabled(False)
            self.button(QWizard.WizardButton.CancelButton).setEnabled(False)

    def source(self) -> str:
        return str(self.source_page.source.currentData() or "")

    def mapping(self) -> ReferralMapping:
        return ReferralMapping(self.mapping_page.columns(), source=self.source(),
                               referring_unit=self.source_page.unit.text().strip())
