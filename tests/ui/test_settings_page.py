"""设置: role-dependent sections, committee save through the service, the DB profile with
"测试连接", password only in the keyring."""

from __future__ import annotations

import keyring
from keyring.backends import fail

from desktop.app import check_connection
from desktop.ui import ops
from desktop.ui.settings import DatabaseProfile, SettingsPage
from desktop.ui.settings_store import settings
from tests.helpers.qtinput import type_text


def _tabs(page):
    return [page.tabs.tabText(i) for i in range(page.tabs.count())]


def test_mediator_sees_only_the_database_profile(qtbot, ui_app, ui_mediator_desk):
    page = SettingsPage(ui_mediator_desk)
    qtbot.addWidget(page)
    assert _tabs(page) == ["数据库"]


def test_admin_edits_the_committee(qtbot, ui_app, ui_admin_desk):
    page = SettingsPage(ui_admin_desk, test_connection=check_connection)
    qtbot.addWidget(page)
    assert _tabs(page) == ["调解委员会", "电子印章", "纠纷类型与来源", "用户与角色", "数据", "数据库"]
    form = page.committee
    qtbot.waitUntil(lambda: form.view is not None, timeout=10000)
    assert form.name.text() == "青山街道人民调解委员会"
    form.address.clear()
    type_text(form.address, "青山街道综治中心二楼")
    seen: list = []
    ops.changes().changed.connect(lambda kind, ids: seen.append(kind))
    form.save()
    qtbot.waitUntil(lambda: ops.ChangeKind.COMMITTEE in seen, timeout=10000)
    assert ui_admin_desk.committees.get().address == "青山街道综治中心二楼"
    users = page.users
    qtbot.waitUntil(lambda: users.table.rowCount() == 2, timeout=10000)
    assert {users.table.item(r, 1).text() for r in range(2)} == {"赵管理", "王丽"}


def test_lan_profile_password_goes_to_keyring_only(qtbot, ui_app, memory_keyring):
    prof = DatabaseProfile(check_connection)
    qtbot.addWidget(prof)
    prof.lan.setChecked(True)
    type_text(prof.host, "192.168.1.10")
    type_text(prof.password, "S3cret-pw")
    assert prof.save()
    ini = settings().path.read_text()
    assert "192.168.1.10" in ini and "S3cret-pw" not in ini
    assert "S3cret-pw" in memory_keyring.store.values()
    again = DatabaseProfile()
    qtbot.addWidget(again)
    assert again.lan.isChecked() and again.password.text() == "S3cret-pw"


def test_no_keyring_is_explained_and_nothing_is_written(qtbot, ui_app, monkeypatch):
    monkeypatch.setattr(keyring, "get_keyring", lambda: fail.Keyring())
    prof = DatabaseProfile(check_connection)
    qtbot.addWidget(prof)
    assert "密钥环" in prof.keyring_note.text()
    prof.lan.setChecked(True)
    prof.host.setText("10.0.0.2")
    prof.password.setText("pw-123456")
    assert not prof.save()
    assert "密钥环" in prof.result.text()
    assert "pw-123456" not in settings().path.read_text()


def test_test_connection(qtbot, ui_app, ui_db):
    prof = DatabaseProfile(check_connection)
    qtbot.addWidget(prof)
    prof.path.setText(ui_db.sqlite_path.as_posix())
    prof.test()
    qtbot.waitUntil(lambda: prof.test_button.isEnabled(), timeout=10000)
    assert prof.result.text().startswith("连接成功")
    prof.lan.setChecked(True)
    prof.host.setText("127.0.0.1")
    prof.port.setValue(9)  # nothing listens there
    prof.test()
    qtbot.waitUntil(lambda: prof.test_button.isEnabled(), timeout=20000)
    assert prof.result.objectName() == "errorLabel"
    assert "无法连接局域网数据库服务器" in prof.result.text()


def test_admin_changes_a_role_and_disables_a_user(qtbot, ui_app, ui_admin_desk):
    page = SettingsPage(ui_admin_desk)
    qtbot.addWidget(page)
    users = page.users
    qtbot.waitUntil(lambda: users.table.rowCount() == 2, timeout=10000)
    row = next(r for r in range(2) if users.table.item(r, 0).text() == "wangli")
    users.table.selectRow(row)
    users.set_role(users.selected(), "director")
    qtbot.waitUntil(lambda: users.table.rowCount() == 2
                    and users.table.item(row, 2).text() == "主任", timeout=10000)
    users.table.selectRow(row)
    users.toggle()
    qtbot.waitUntil(lambda: users.table.item(row, 4).text() == "已停用", timeout=10000)
    [me] = [u for u in ui_admin_desk.users.list() if u.username == "wangli"]
    assert me.role == "director" and not me.active


def test_admin_creates_a_county_read_only_user(qtbot, ui_app, ui_admin_desk, monkeypatch):
    """新增用户: the 全县 box is offered for 只读 only, and makes an account of no committee."""
    from desktop.domain.enums import Role
    from desktop.ui.settings import NewUserDialog

    dlg = NewUserDialog()
    qtbot.addWidget(dlg)
    dlg.role.setCurrentIndex(dlg.role.findData(Role.MEDIATOR.value))
    assert not dlg.county.isEnabled()
    dlg.role.setCurrentIndex(dlg.role.findData(Role.READONLY.value))
    assert dlg.county.isEnabled()
    dlg.county.setChecked(True)
    dlg.username.setText("xian")
    type_text(dlg.display, "县司法局督查")
    dlg.password.setText("County#2026")
    values = dlg.values()
    assert values["county"] and values["role"] == "readonly"

    page = SettingsPage(ui_admin_desk)
    qtbot.addWidget(page)
    users = page.users
    qtbot.waitUntil(lambda: users.table.rowCount() == 2, timeout=10000)
    monkeypatch.setattr(NewUserDialog, "values", lambda self: values)
    users.add().ok.click()  # the panel's dialog creates the account, then closes
    qtbot.waitUntil(lambda: users.table.rowCount() == 3, timeout=10000)
    row = next(r for r in range(3) if users.table.item(r, 0).text() == "xian")
    assert users.table.item(row, 3).text() == "（全县）"
    [xian] = [u for u in ui_admin_desk.users.list() if u.username == "xian"]
    assert xian.committee_id is None and xian.role == "readonly"


def test_case_number_format_shows_an_example(qtbot, ui_app, ui_admin_desk):
    """案号格式 shows what a number looks like, not only the {year}{short}… notation."""
    import datetime as dt

    from desktop.ui.settings.committee import CommitteeForm

    form = CommitteeForm(ui_admin_desk)
    qtbot.addWidget(form)
    form.short_name.setText("青")
    form.pattern.setText("（{year}）{short}人调字第{seq:04d}号")
    assert form.pattern_example.text() == f"示例：（{dt.date.today().year}）青人调字第0001号"
    form.pattern.setText("（{year}）{short}人调字第号")
    assert "{seq}" in form.pattern_example.text()  # says what is missing
    assert form.pattern_example.property("invalid") is True
