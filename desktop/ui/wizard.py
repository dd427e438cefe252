"""What the import wizards (排查台账, 工单) share: the file page that reads off the UI thread and
advances itself, the column-mapping combos, pages that drop answers arriving after the user
went back, and a wizard that cannot be cancelled or taken back while its import runs."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from desktop.domain.errors import MediationError
from desktop.ui import filedialogs, ops
from desktop.ui.qt import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    Qt,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
    Signal,
)

# (label, required, header aliases) per field, as the services declare them
Fields = Mapping[str, tuple[str, bool, Any]]


def error_label(name: str) -> QLabel:
    label = QLabel(objectName=name)
    label.setWordWrap(True)
    label.setStyleSheet("color: #B22222;")
    return label


def wrap_items(view: QListWidget) -> None:
    """Long messages wrap inside the list instead of running off to the right."""
    view.setWordWrap(True)
    view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    view.setResizeMode(QListWidget.ResizeMode.Adjust)


class JobPage(QWizardPage):
    """A page whose work runs in the background: ``busy`` keeps 下一步 disabled meanwhile,
    and ``begin()`` hands out a generation so an answer for an older request is dropped."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.wiz = wizard
        self.busy = False
        self._ready = False  # lets the page's own wiz.next() through validatePage
        self._generation = 0

    def begin(self) -> int:
        self._generation += 1
        self.busy = True
        self.completeChanged.emit()
        return self._generation

    def current(self, gen: int) -> bool:
        return gen == self._generation

    def _settle(self) -> None:
        self.busy = False
        self.completeChanged.emit()

    def cleanupPage(self) -> None:
        super().cleanupPage()
        self._generation += 1  # 上一步 while working: drop that answer
        self.busy = False

    def advance(self) -> None:
        """Go to the next page from a background answer (validatePage said False before)."""
        self._ready = True
        self.wiz.next()
        self._ready = False


class FilePage(JobPage):
    """Choose a file; 下一步 reads it in the background (``read``, on a worker thread) and the
    page advances itself when it is read (``keep`` stores the result on the UI thread). Every
    click re-reads, so a file corrected in Excel meanwhile is picked up."""

    purpose = ""  # the remembered folder of filedialogs
    dialog_title = ""  # set by the subclass, translated
    reading = ""  # the progress text while the file is read

    def __init__(self, wizard: ImportWizard, *, path_name: str) -> None:
        super().__init__(wizard)
        outer = QVBoxLayout(self)
        row = QHBoxLayout()
        self.path = QLineEdit(objectName=path_name)
        self.path.textChanged.connect(self._path_changed)
        browse = QPushButton(self.tr("浏览…"))
        browse.clicked.connect(self._browse)
        row.addWidget(self.path, 1)
        row.addWidget(browse)
        outer.addLayout(row)
        self.error = error_label("fileError")
        outer.addWidget(self.error)
        outer.addStretch(1)

    def read(self, path: str) -> Any:  # worker thread: no widgets
        raise NotImplementedError

    def keep(self, result: Any) -> None:
        raise NotImplementedError

    def _browse(self) -> None:
        path = filedialogs.open_file(self, self.dialog_title, self.purpose,
                                     self.tr("表格文件 (*.xlsx *.csv);;所有文件 (*)"))
        if path:
            self.path.setText(path)

    def _path_changed(self) -> None:
        self._generation += 1  # a file still being read is no longer the one asked for
        self._ready = False
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return bool(self.path.text().strip()) and not self.busy

    def validatePage(self) -> bool:
        if self._ready:
            self._ready = False
            return True
        if self.busy:
            return False
        path = self.path.text().strip()
        gen = self.begin()

        def done(result: Any) -> None:
            self._settle()
            if not self.current(gen) or self.wiz.currentPage() is not self:
                return
            self.keep(result)
            self.error.setText("")
            self.advance()

        def failed(err: BaseException) -> bool:
            self._settle()
            if not self.current(gen):
                return True  # about a file nobody asks for any more
            self.error.setText(ops.error_text(err))
            return isinstance(err, MediationError)  # unexpected: ops shows the details

        ops.Op(self.wiz, lambda: self.read(path), label=self.reading) \
            .success(done).failure(failed).run()
        return False


class MappingPage(QWizardPage):
    """One combo per field (``*`` when required) choosing a column of the file; ``offer``
    fills them with the file's headers and selects the guessed columns."""

    def __init__(self, wiz: ImportWizard, fields: Fields) -> None:
        super().__init__()
        self.wiz = wiz
        self.fields = fields
        self.setSubTitle(self.tr("已按表头自动对应，请核对；带 * 的为必填项。"))
        self.combos: dict[str, QComboBox] = {}
        self.labels: dict[str, str] = {}
        for name, (label, required, _aliases) in fields.items():
            combo = QComboBox(objectName=f"map_{name}")
            combo.currentIndexChanged.connect(self.completeChanged)
            self.combos[name] = combo
            self.labels[name] = label + (" *" if required else "")

    def offer(self, headers: list[str], guess: Mapping[str, int]) -> None:
        for fname, combo in self.combos.items():
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(self.tr("（不导入）"), -1)
            for i, h in enumerate(headers):
                combo.addItem(self.tr("第 {n} 列：{h}").format(n=i + 1, h=h or self.tr("（无表头）")),
                              i)
            combo.setCurrentIndex(guess.get(fname, -1) + 1)
            combo.blockSignals(False)
        self.completeChanged.emit()

    def columns(self) -> dict[str, int]:
        return {f: int(c.currentData()) for f, c in self.combos.items()
                if c.currentData() is not None and int(c.currentData()) >= 0}

    def isComplete(self) -> bool:
        chosen = self.columns()
        return all(f in chosen for f, (_l, required, _a) in self.fields.items() if required)


class CheckPage(JobPage):
    """Every row checked in the background; 导入 is offered only when all of them passed."""

    def __init__(self, wiz: ImportWizard, *, problems_name: str) -> None:
        super().__init__(wiz)
        self.status = QLabel(objectName="checkStatus")
        self.status.setWordWrap(True)
        self.problems = QListWidget(objectName=problems_name)
        wrap_items(self.problems)
        self.ok = False

    def start(self, status: str) -> int:
        self.problems.clear()
        self.status.setText(status)
        self.ok = False
        return self.begin()

    def refused(self, gen: int, err: BaseException) -> bool:
        """The check failed: every bad row listed (an error with ``problems``), or why."""
        if not self.current(gen):
            return True  # the user went back meanwhile
        self.ok = False
        problems = getattr(err, "problems", None)
        if isinstance(err, MediationError) and problems is not None:
            for p in problems:
                self.problems.addItem(str(p))
            self.status.setText(self.tr("发现 {n} 处问题，不能导入：").format(
                n=getattr(err, "total", len(problems))))
        else:
            self.status.setText(ops.error_text(err))
        self._settle()
        return isinstance(err, MediationError)  # unexpected: ops shows the details

    def cleanupPage(self) -> None:
        super().cleanupPage()
        self.ok = False

    def isComplete(self) -> bool:
        return self.ok and not self.busy and not self.wiz.importing


class ImportWizard(QWizard):
    """Buttons in Chinese; while the import runs (one transaction, all rows or none) it can
    be neither cancelled nor taken back."""

    imported = Signal()
    file_page: FilePage
    check_page: CheckPage

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.importing = False
        self.setButtonText(QWizard.WizardButton.NextButton, self.tr("下一步"))
        self.setButtonText(QWizard.WizardButton.BackButton, self.tr("上一步"))
        self.setButtonText(QWizard.WizardButton.CancelButton, self.tr("取消"))

    def busy(self) -> bool:
        """A background read, check or import is running (tests wait on this)."""
        return self.file_page.busy or self.check_page.busy or self.importing

    def set_importing(self, on: bool) -> None:
        self.importing = on
        self.check_page.completeChanged.emit()  # 导入 follows isComplete()
        for which in (QWizard.WizardButton.BackButton, QWizard.WizardButton.CancelButton):
            self.button(which).setEnabled(not on)

    def reject(self) -> None:
        if self.importing:
            return  # Esc / closing the window while the import runs
        super().reject()
