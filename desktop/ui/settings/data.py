"""数据 (administrators): 备份 to a file, 恢复 from one, and the automatic daily copies.

Both run off the UI thread through ``ops`` with a progress bar (table by table). A restore
never overwrites the database in use: it goes into a new database file, is checked against
the archive, the settings are pointed at it and the app restarts on the restored data (the
old file stays where it was; 设置→数据库 can switch back).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from desktop.domain.dates import format_date, format_datetime
from desktop.services import connection
from desktop.services.backups import BackupService, human_size, suggested_name
from desktop.ui import filedialogs, ops
from desktop.ui.dialogs import dialog_layout
from desktop.ui.qt import (
    QAbstractItemView,
    QApplication,
    QDesktopServices,
    QDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProcess,
    QPushButton,
    Qt,
    QTableWidget,
    QTableWidgetItem,
    QUrl,
    QVBoxLayout,
    QWidget,
)
from desktop.ui.settings.common import _primary

if TYPE_CHECKING:
    from collections.abc import Callable

    from desktop.services import Desk
    from desktop.services.backups import ArchiveInfo, BackupResult, DailyBackup, RestoreResult

CONFIRM_WORD = "恢复"


def restart_app() -> None:
    """Start a new instance of the app and quit this one (it reads the new settings)."""
    if getattr(sys, "frozen", False):
        program, args = sys.executable, sys.argv[1:]
    else:
        program, args = sys.executable, ["-m", "desktop", *sys.argv[1:]]
    QProcess.startDetached(program, args)
    QApplication.quit()


class _Counter:
    """Where the worker writes its progress (two ints) and the UI thread reads it."""

    def __init__(self) -> None:
        self.done, self.total = 0, 0

    def __call__(self, done: int, total: int) -> None:
        self.done, self.total = done, total

    def read(self) -> tuple[int, int]:
        return self.done, self.total


class RestoreConfirmDialog(QDialog):
    """Says what a restore does and wants the word 恢复 typed before it goes ahead."""

    def __init__(self, info: ArchiveInfo, target: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("restoreConfirm")
        self.setWindowTitle(self.tr("确认恢复"))
        self.setMinimumWidth(560)
        text = QLabel(self.tr(
            "<b>即将从备份恢复全部数据。</b><br><br>"
            "备份文件：{file}<br>备份时间：{created}<br>内容：{rows} 条记录，其中案件 {cases} 件<br><br>"
            "恢复会写入一个<b>新的空数据库</b>：{target}<br>"
            "当前数据库不会被改动或删除，仍保留在原处；恢复完成并核对无误后，调解台将重新启动并打开恢复后的数据。"
            "备份之后录入的内容不在恢复后的数据中；需要时可在“设置→数据库”中改回原数据库。"
            "<br><br>请输入“{word}”两个字确认：").format(
                file=info.path.name, created=info.created_at or self.tr("（未记录）"),
                rows=info.rows, cases=info.cases, target=target, word=CONFIRM_WORD))
        text.setWordWrap(True)
        text.setTextFormat(Qt.TextFormat.RichText)
        self.word = QLineEdit(objectName="restoreWord")
        self.word.setPlaceholderText(CONFIRM_WORD)
        self.ok = _primary(self.tr("恢复并重新启动"), "restoreGo")
        self.ok.setEnabled(False)
        self.ok.clicked.connect(self.accept)
        cancel = QPushButton(self.tr("取消"), objectName="restoreCancel")
        cancel.setDefault(True)
        cancel.clicked.connect(self.reject)
        self.word.textChanged.connect(
            lambda t: self.ok.setEnabled(t.strip() == CONFIRM_WORD))
        dialog_layout(self, [text, self.word], [cancel, self.ok])


class DataPage(QWidget):
    def __init__(self, desk: Desk, parent: QWidget | None = None, *,
                 restart: Callable[[], None] | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.service = BackupService(desk.db, desk.actor)
        self.restart = restart or restart_app
        self.last_result: BackupResult | None = None
        self.restored: RestoreResult | None = None
        self.query = ops.LatestQuery(self)  # kept: see SealPage.reload

        backup_box = QGroupBox(self.tr("备份"))
        b_col = QVBoxLayout(backup_box)
        b_hint = QLabel(self.tr(
            "把整个数据库（案件、当事人、文书、附件、用户和操作记录）导出为一个备份文件（.mdbackup）。"
            "请定期备份到U盘或另一台电脑并妥善保管（含当事人个人信息）。"),
            objectName="pageHint")
        b_hint.setWordWrap(True)
        self.backup_button = _primary(self.tr("备份到文件…"), "backupButton")
        self.backup_button.clicked.connect(self.pick_backup)
        self.backup_result = QLabel(objectName="backupResult")
        self.backup_result.setWordWrap(True)
        self.backup_result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        b_col.addWidget(b_hint)
        b_row = QHBoxLayout()
        b_row.addWidget(self.backup_button)
        b_row.addWidget(self.backup_result, 1)
        b_col.addLayout(b_row)

        restore_box = QGroupBox(self.tr("恢复"))
        r_col = QVBoxLayout(restore_box)
        r_hint = QLabel(self.tr(
            "从备份文件恢复：数据写入一个新的空数据库，核对无误后调解台重新启动并打开恢复后的数据；"
            "当前数据库保留在原处，不会被覆盖。"), objectName="pageHint")
        r_hint.setWordWrap(True)
        self.restore_button = QPushButton(self.tr("从备份文件恢复…"), objectName="restoreButton")
        self.restore_button.clicked.connect(self.pick_restore)
        self.restore_result = QLabel(objectName="restoreResult")
        self.restore_result.setWordWrap(True)
        r_col.addWidget(r_hint)
        r_row = QHBoxLayout()
        r_row.addWidget(self.restore_button)
        r_row.addWidget(self.restore_result, 1)
        r_col.addLayout(r_row)
        if not self.service.can_restore():
            self.restore_button.setEnabled(False)
            self.restore_result.setText(self.tr(
                "当前使用局域网数据库：恢复须在服务器上由管理员完成（mediationdesk restore）。"))

        daily_box = QGroupBox(self.tr("自动备份（每天首次启动时）"))
        d_col = QVBoxLayout(daily_box)
        folder = self.service.daily_folder()
        self.folder_label = QLabel(objectName="dailyFolder")
        self.folder_label.setWordWrap(True)
        self.folder_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.folder_label.setText(
            self.tr("存放位置：{folder}").format(folder=folder) if folder
            else self.tr("局域网数据库由服务器负责备份，本机不做每日自动备份。"))
        self.open_folder = QPushButton(self.tr("打开所在文件夹"), objectName="openBackupFolder")
        self.open_folder.setEnabled(folder is not None)
        self.open_folder.clicked.connect(self.open_daily_folder)
        self.daily = QTableWidget(0, 3, objectName="dailyBackups")
        self.daily.setHorizontalHeaderLabels([self.tr("日期"), self.tr("大小"), self.tr("文件")])
        self.daily.verticalHeader().hide()
        self.daily.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.daily.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        header = self.daily.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        d_row = QHBoxLayout()
        d_row.addWidget(self.folder_label, 1)
        d_row.addWidget(self.open_folder)
        d_col.addLayout(d_row)
        d_col.addWidget(self.daily, 1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 18, 20, 16)
        layout.setSpacing(12)
        layout.addWidget(backup_box)
        layout.addWidget(restore_box)
        layout.addWidget(daily_box, 1)
        self.reload()

    def reload(self) -> None:
        self.query.submit(self.service.daily_backups, self.load_daily)

    def load_daily(self, rows: list[DailyBackup]) -> None:
        self.daily.setRowCount(len(rows))
        for r, b in enumerate(rows):
            for c, text in enumerate((format_date(b.day), human_size(b.size), b.path.name)):
                self.daily.setItem(r, c, QTableWidgetItem(text))

    def open_daily_folder(self) -> None:
        folder = self.service.daily_folder()
        if folder is not None:
            folder.mkdir(parents=True, exist_ok=True)
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))

    # -- backup ------------------------------------------------------------------------------
    def pick_backup(self) -> None:
        name = suggested_name()
        path = filedialogs.save_file(self, self.tr("备份到文件"), "backup", name,
                                     self.tr("调解台备份 (*.mdbackup)"))
        if path:
            self.backup(path)

    def backup(self, path: str) -> ops.Op[BackupResult]:
        counter = _Counter()
        service = self.service
        self.backup_button.setEnabled(False)
        self.backup_result.setObjectName("pageHint")
        self.backup_result.setText(self.tr("正在备份…"))
        return (ops.Op(self, lambda: service.backup(path, counter), label=self.tr("正在备份数据…"))
                .progress(counter.read).success(self._backed_up).failure(self._backup_failed)
                .run())

    def _backed_up(self, result: BackupResult) -> None:
        self.last_result = result
        self.backup_button.setEnabled(True)
        self._say(self.backup_result, self.tr(
            "已备份到 {path}（{size}，{rows} 条记录，用时 {secs:.1f} 秒，{when}）").format(
                path=result.path, size=human_size(result.size), rows=result.rows,
                secs=result.seconds, when=format_datetime(result.finished_at)), ok=True)

    def _backup_failed(self, err: BaseException) -> bool:
        self.backup_button.setEnabled(True)
        self._say(self.backup_result, ops.error_text(err), ok=False)
        return True

    # -- restore -----------------------------------------------------------------------------
    def pick_restore(self) -> None:
        path = filedialogs.open_file(self, self.tr("选择备份文件"), "backup",
                                     self.tr("调解台备份 (*.mdbackup);;所有文件 (*)"))
        if path:
            self.check_restore(path)

    def check_restore(self, path: str) -> ops.Op[tuple[ArchiveInfo, Path]]:
        """Check the archive first (off the UI thread), then ask for confirmation."""
        service = self.service
        self.restore_button.setEnabled(False)

        def both() -> tuple[ArchiveInfo, Path]:
            return service.inspect(path), service.restore_target()

        return (ops.Op(self, both, label=self.tr("正在检查备份文件…"))
                .success(lambda pair: self.confirm_restore(*pair))
                .failure(self._restore_failed).run())

    def confirm_restore(self, info: ArchiveInfo, target: Path) -> RestoreConfirmDialog:
        self.restore_button.setEnabled(True)
        dlg = RestoreConfirmDialog(info, target, self)
        dlg.accepted.connect(lambda: self.restore(str(info.path), target))
        dlg.finished.connect(lambda _r: dlg.deleteLater())
        dlg.open()
        return dlg

    def restore(self, path: str, target: Path) -> ops.Op[RestoreResult]:
        counter = _Counter()
        service = self.service
        self.restore_button.setEnabled(False)
        self._say(self.restore_result, self.tr("正在恢复…"), ok=True)
        return (ops.Op(self, lambda: service.restore(path, target, counter),
                       label=self.tr("正在恢复数据，请勿关闭调解台…"))
                .progress(counter.read).success(self._restored)
                .failure(self._restore_failed).run())

    def _restored(self, result: RestoreResult) -> None:
        self.restored = result
        connection.use_embedded_file(str(result.target))
        self._say(self.restore_result, self.tr(
            "已恢复 {rows} 条记录到 {target}，核对一致。调解台即将重新启动。").format(
                rows=result.rows, target=result.target), ok=True)
        from desktop.ui.qt import QMessageBox

        box = QMessageBox(QMessageBox.Icon.Information, self.tr("恢复完成"), self.tr(
            "已从备份恢复 {rows} 条记录，各表条数与校验值核对一致。\n"
            "恢复后的数据库：{target}\n\n点击“重新启动”后，调解台将打开恢复后的数据，请重新登录。")
            .format(rows=result.rows, target=result.target),
            QMessageBox.StandardButton.Ok, self)
        box.setObjectName("restoreDone")
        box.button(QMessageBox.StandardButton.Ok).setText(self.tr("重新启动"))
        box.finished.connect(lambda _r: self.restart())
        box.open()

    def _restore_failed(self, err: BaseException) -> bool:
        self.restore_button.setEnabled(True)
        self._say(self.restore_result, ops.error_text(err), ok=False)
        return True

    @staticmethod
    def _say(label: QLabel, text: str, *, ok: bool) -> None:
        label.setObjectName("okLabel" if ok else "errorLabel")
        label.style().unpolish(label)
        label.style().polish(label)
        label.setText(text)
