"""导入排查台账: choose the file, map its columns (guessed from the Chinese headers), preview
and check every row, then import all rows or none (``LedgerService``)."""

from __future__ import annotations

from typing import Any

from desktop.domain.errors import MediationError
from desktop.services.ledger import (
    FIELDS,
    LedgerError,
    LedgerFile,
    LedgerService,
    guess_mapping,
    open_ledger,
)
from desktop.ui import ops
from desktop.ui.qt import (
    QComboBox,
    QFileDialog,
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
    set_busy_cursor,
)

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

    def _browse(self) -> None:
        path, _f = QFileDialog.getOpenFileName(self, self.tr("选择排查台账"), "",
                                               self.tr("表格文件 (*.xlsx *.csv);;所有文件 (*)"))
        if path:
            self.path.setText(path)

    def isComplete(self) -> bool:
        return bool(self.path.text().strip())

    def validatePage(self) -> bool:
        set_busy_cursor(True)
        try:
            self.wiz.ledger = open_ledger(self.path.text().strip())
        except MediationError as err:
            self.error.setText(err.message)
            return False
        finally:
            set_busy_cursor(False)
        self.error.setText("")
        return True


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
        lay.addWidget(self.preview, 2)
        lay.addWidget(self.status)
        lay.addWidget(self.problems, 1)
        self.ok = False

    def initializePage(self) -> None:
        ledger, mapping = self.wiz.ledger, self.wiz.mapping_page.mapping()
        assert ledger is not None
        fields = list(mapping)
        self.preview.clear()
        self.preview.setColumnCount(len(fields) + 1)
        self.preview.setHorizontalHeaderLabels([self.tr("行号")] + [FIELDS[f][0] for f in fields])
        rows = ledger.rows[:PREVIEW_ROWS]
        self.preview.setRowCount(len(rows))
        shown = ledger.preview(PREVIEW_ROWS)
        for i, (row_no, _cells) in enumerate(rows):
            self.preview.setItem(i, 0, QTableWidgetItem(str(row_no)))
            for j, f in enumerate(fields, start=1):
                self.preview.setItem(i, j, QTableWidgetItem(shown[i][mapping[f]]))
        self.preview.resizeColumnsToContents()
        self.problems.clear()
        set_busy_cursor(True)
        try:
            checked = self.wiz.service.check(ledger, mapping)
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
        except LedgerError as err:
            self.ok = False
            for p in err.problems:
                self.problems.addItem(str(p))
            self.status.setText(err.message)
        finally:
            set_busy_cursor(False)
        self.problems.setVisible(not self.ok)
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return self.ok


class LedgerWizard(QWizard):
    imported = Signal()

    def __init__(self, desk: Any, parent: QWidget | None = None) -> None:
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
        self.setButtonText(QWizard.WizardButton.NextButton, self.tr("下一步"))
        self.setButtonText(QWizard.WizardButton.BackButton, self.tr("上一步"))
        self.setButtonText(QWizard.WizardButton.CancelButton, self.tr("取消"))

    def accept(self) -> None:
        ledger, mapping = self.ledger, self.mapping_page.mapping()

        def done(result: Any) -> None:
            self.result = result
            self.imported.emit()
            super(LedgerWizard, self).accept()

        ops.Op(self, lambda: self.service.import_ledger(ledger, mapping),
               label=self.tr("正在导入台账…")).changes("sweep").success(done).run()
