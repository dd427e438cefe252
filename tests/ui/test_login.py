"""Login dialog: wrong password and lockout shown in red inside the dialog; success gives an
Actor and remembers the user name. First-run dialog creates committee and administrator."""

from __future__ import annotations

from desktop.ui.login import FirstRunDialog, LoginDialog
from desktop.ui.settings_store import settings
from tests.helpers.firstrun import to_seal_step
from tests.helpers.qtinput import type_text
from tests.helpers.uidb import ADMIN


def test_wrong_password_then_success(qtbot, ui_app, ui_db):
    dlg = LoginDialog(ui_db)
    qtbot.addWidget(dlg)
    dlg.show()
    type_text(dlg.username, ADMIN[0])
    type_text(dlg.password, "wrong-pass1")
    dlg.login_button.click()
    qtbot.waitUntil(lambda: dlg.error.isVisible(), timeout=10000)
    assert "密码错误" in dlg.error.text()
    assert dlg.login_button.isEnabled()
    dlg.password.clear()
    type_text(dlg.password, ADMIN[1])
    with qtbot.waitSignal(dlg.accepted, timeout=10000):
        dlg.login_button.click()
    assert dlg.actor.username == ADMIN[0]
    assert settings().get("login/last_user") == ADMIN[0]


def test_lockout_message(qtbot, ui_app, ui_db):
    dlg = LoginDialog(ui_db)
    qtbot.addWidget(dlg)
    dlg.show()
    dlg.username.setText(ADMIN[0])
    for _ in range(5):
        dlg.password.setText("nope-nope1")
        dlg.error.hide()
        dlg.submit()
        qtbot.waitUntil(lambda: dlg.error.isVisible() and dlg.login_button.isEnabled(),
                        timeout=10000)
    assert "锁定" in dlg.error.text()


def test_empty_fields(qtbot, ui_app, ui_db):
    dlg = LoginDialog(ui_db)
    qtbot.addWidget(dlg)
    dlg.username.clear()
    dlg.submit()
    assert dlg.error.text() == "请输入用户名和密码。"


def test_first_run_creates_admin(qtbot, ui_app, tmp_path):
    from desktop.services import auth
    from desktop.store.opening import open_database

    db = open_database(f"sqlite:///{tmp_path / 'fresh.sqlite3'}")
    try:
        assert auth.bootstrap_needed(db)
        dlg = FirstRunDialog(db)
        qtbot.addWidget(dlg)
        to_seal_step(qtbot, dlg, display="赵管理")  # the seal step
        with qtbot.waitSignal(dlg.accepted, timeout=10000):
            dlg.skip_button.click()
        assert not auth.bootstrap_needed(db)
        assert auth.login(db, "admin", "Admin#2026").display_name == "赵管理"
    finally:
        db.close()


def test_dialog_opens_the_database_in_the_background(qtbot, ui_app, ui_template_db, tmp_path):
    """The window is there before the database; a submit meanwhile logs in once it is open."""
    import shutil
    import threading

    from desktop.app import _open_for_login

    path = tmp_path / "bg.sqlite3"
    shutil.copy(ui_template_db, path)
    gate = threading.Event()

    def slow_open():
        gate.wait(10)
        return _open_for_login(f"sqlite:///{path}")

    dlg = LoginDialog(open_db=slow_open)
    qtbot.addWidget(dlg)
    dlg.show()
    assert dlg.db is None and dlg.where.text() == "正在打开数据库…"
    dlg.username.setText(ADMIN[0])
    dlg.password.setText(ADMIN[1])
    dlg.submit()
    assert not dlg.login_button.isEnabled()  # waiting for the database, not refused
    gate.set()
    with qtbot.waitSignal(dlg.accepted, timeout=15000):
        pass
    assert dlg.actor.username == ADMIN[0] and "本地数据库" in dlg.where.text()
    dlg.db.close()


def test_first_start_asks_for_setup(qtbot, ui_app, tmp_path):
    from desktop.app import _open_for_login

    dlg = LoginDialog(open_db=lambda: _open_for_login(f"sqlite:///{tmp_path / 'new.sqlite3'}"))
    qtbot.addWidget(dlg)
    with qtbot.waitSignal(dlg.finished, timeout=30000) as sig:
        dlg.show()
    assert sig.args == [LoginDialog.NEEDS_SETUP]
    dlg.db.close()


def test_unopenable_database_offers_retry_and_settings(qtbot, ui_app):
    from desktop.domain.errors import DatabaseError

    calls: list = []

    def broken():
        calls.append(1)
        raise DatabaseError("无法连接局域网数据库服务器，请检查网络和服务器是否开启；您输入的内容没有丢失。")

    dlg = LoginDialog(open_db=broken, db_settings=lambda: calls.append("settings"))
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.waitUntil(lambda: dlg.retry.isVisible(), timeout=10000)
    assert "无法连接" in dlg.error.text() and dlg.settings_button.isVisible()
    dlg.retry.click()
    qtbot.waitUntil(lambda: len(calls) == 2 and dlg.retry.isVisible(), timeout=10000)
    dlg.settings_button.click()
    qtbot.waitUntil(lambda: "settings" in calls and len(calls) == 4, timeout=10000)


def test_initial_password_must_be_changed(qtbot, ui_app, ui_mediator_desk, ui_db):
    """The seed's mediator was created by the administrator: must_change_password is set."""
    import dataclasses

    import pytest

    from desktop.domain.errors import PermissionDenied
    from desktop.services import Desk, auth
    from desktop.ui.login import ChangePasswordDialog, must_change_password
    from tests.helpers.uidb import MEDIATOR

    ui_mediator_desk = Desk(ui_db, dataclasses.replace(ui_mediator_desk.actor,
                                                       must_change_password=True))
    assert must_change_password(ui_mediator_desk)
    with pytest.raises(PermissionDenied, match="请先修改密码"):
        ui_mediator_desk.users.list()
    dlg = ChangePasswordDialog(ui_mediator_desk, forced=True)
    qtbot.addWidget(dlg)
    dlg.show()
    type_text(dlg.old, MEDIATOR[1])
    type_text(dlg.new1, "NewPass#77")
    type_text(dlg.new2, "NewPass#7")
    dlg.submit()
    assert dlg.error.text() == "两次输入的新密码不一致。"
    dlg.new2.setText("NewPass#77")
    with qtbot.waitSignal(dlg.accepted, timeout=10000):
        dlg.submit()
    assert not must_change_password(ui_mediator_desk)
    ui_mediator_desk.users.list()  # the services serve the user again at once
    assert auth.login(ui_db, MEDIATOR[0], "NewPass#77").username == MEDIATOR[0]


def test_wrong_old_password_is_said_in_the_dialog(qtbot, ui_app, ui_mediator_desk):
    from desktop.ui.login import ChangePasswordDialog

    dlg = ChangePasswordDialog(ui_mediator_desk)
    qtbot.addWidget(dlg)
    dlg.show()
    dlg.old.setText("not-it-123")
    dlg.new1.setText("NewPass#77")
    dlg.new2.setText("NewPass#77")
    dlg.submit()
    qtbot.waitUntil(lambda: dlg.error.isVisible(), timeout=10000)
    assert "原密码不正确" in dlg.error.text()
