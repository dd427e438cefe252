"""设置→数据: backup to a file and restore from it through the real page, round-tripping a
real SQLite database; damaged and missing archives give one Chinese message."""

from __future__ import annotations

import datetime as dt
import zipfile

import pytest

from desktop.services import connection
from desktop.store.backup import checksums, read_manifest
from desktop.store.db import Database
from desktop.ui import ops
from desktop.ui.qt import QApplication, QMessageBox
from desktop.ui.settings.data import CONFIRM_WORD, DataPage
from tests.helpers.qtinput import type_text

pytestmark = pytest.mark.gui


def visible(name: str) -> list:
    return [w for w in QApplication.topLevelWidgets() if w.objectName() == name and w.isVisible()]


def test_backup_then_restore_round_trips_the_database(qtbot, ui_app, ui_admin_desk, ui_db,
                                                      tmp_path):
    restarts: list[int] = []
    page = DataPage(ui_admin_desk, restart=lambda: restarts.append(1))
    qtbot.addWidget(page)
    page.show()
    out = tmp_path / "备份" / "调解台备份.mdbackup"
    page.backup(str(out))
    qtbot.waitUntil(lambda: ops.wait_idle(50) and page.backup_button.isEnabled(), timeout=30000)
    assert out.is_file()
    text = page.backup_result.text()
    assert text.startswith(f"已备份到 {out}") and "KB" in text and "秒" in text
    today = dt.date.today()
    assert f"{today.year}年{today.month}月{today.day}日" in text
    before = checksums(ui_db)

    page.check_restore(str(out))
    qtbot.waitUntil(lambda: bool(visible("restoreConfirm")), timeout=30000)
    confirm = visible("restoreConfirm")[0]
    assert not confirm.ok.isEnabled()  # nothing happens until 恢复 is typed
    type_text(confirm.word, CONFIRM_WORD)
    assert confirm.ok.isEnabled()
    confirm.ok.click()
    qtbot.waitUntil(lambda: page.restored is not None, timeout=60000)
    done = visible("restoreDone")
    assert done and "核对一致" in done[0].text()
    done[0].button(QMessageBox.StandardButton.Ok).click()
    assert restarts == [1]

    target = page.restored.target
    assert target != ui_db.sqlite_path and target.parent == ui_db.sqlite_path.parent
    assert connection.load_profile()["sqlite_path"] == str(target)
    restored = Database.connect(f"sqlite:///{target}")
    try:
        after = checksums(restored)
    finally:
        restored.close()
    archived = read_manifest(out).tables
    assert {k: (v.count, v.sha256) for k, v in after.tables.items()} == \
        {k: (v.count, v.sha256) for k, v in archived.items()}
    # the backup's rows are the database's rows at backup time (the audit log grew since)
    assert before.tables["mediation_case"] == after.tables["mediation_case"]
    assert after.tables["mediation_case"].count == 5


def test_damaged_or_missing_archive_is_one_chinese_message(qtbot, ui_app, ui_admin_desk,
                                                           tmp_path):
    page = DataPage(ui_admin_desk, restart=lambda: None)
    qtbot.addWidget(page)
    page.check_restore(str(tmp_path / "没有这个文件.mdbackup"))
    qtbot.waitUntil(lambda: ops.wait_idle(50) and page.restore_button.isEnabled(), timeout=10000)
    assert page.restore_result.text().startswith("找不到备份文件：")

    good = tmp_path / "good.mdbackup"
    ui_admin_desk_backup = page.service.backup(good)
    assert ui_admin_desk_backup.rows > 0
    bad = tmp_path / "bad.mdbackup"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(bad, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "tables/mediation_case.jsonl":
                data = data.replace("张三丰".encode(), "张三".encode())
            dst.writestr(item, data)
    page.check_restore(str(bad))
    qtbot.waitUntil(lambda: ops.wait_idle(50) and page.restore_button.isEnabled(), timeout=10000)
    assert "已损坏" in page.restore_result.text() and "Traceback" not in page.restore_result.text()
    assert not visible("restoreConfirm")

    junk = tmp_path / "junk.mdbackup"
    junk.write_bytes(b"not a zip at all")
    page.check_restore(str(junk))
    qtbot.waitUntil(lambda: ops.wait_idle(50) and page.restore_button.isEnabled(), timeout=10000)
    assert page.restore_result.text().startswith("备份文件已损坏或不是调解台的备份文件")
    assert "数据库未作任何改动" in page.restore_result.text()


def test_daily_backups_are_listed_with_their_folder(qtbot, ui_app, ui_admin_desk, ui_db):
    from desktop.store.backup import daily_backup

    daily_backup(ui_db, today=dt.date(2026, 11, 27))
    page = DataPage(ui_admin_desk, restart=lambda: None)
    qtbot.addWidget(page)
    folder = ui_db.sqlite_path.parent / "backups"
    assert str(folder) in page.folder_label.text()
    qtbot.waitUntil(lambda: page.daily.rowCount() >= 1, timeout=10000)
    days = [page.daily.item(r, 0).text() for r in range(page.daily.rowCount())]
    assert "2026年11月27日" in days
    assert page.open_folder.isEnabled()


def test_only_administrators_see_the_data_page(qtbot, ui_app, ui_mediator_desk):
    from desktop.domain.errors import PermissionDenied
    from desktop.services.backups import BackupService

    with pytest.raises(PermissionDenied):
        BackupService(ui_mediator_desk.db, ui_mediator_desk.actor).backup("x.mdbackup")
