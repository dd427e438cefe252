"""Login dialog: wrong password and lockout shown in red inside the dialog; success gives an
Actor and remembers the user name. First-run dialog creates committee and administrator."""

from __future__ import annotations

from desktop.ui.login import FirstRunDialog, LoginDialog
from desktop.ui.settings_store import settings
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
    from desktop.store.db import Database

    db = Database.open(f"sqlite:///{tmp_path / 'fresh.sqlite3'}")
    try:
        assert auth.bootstrap_needed(db)
        dlg = FirstRunDialog(db)
        qtbot.addWidget(dlg)
        type_text(dlg.committee, "青山街道人民调解委员会")
        type_text(dlg.short_name, "青")
        type_text(dlg.display, "赵管理")
        type_text(dlg.pw1, "Admin#2026")
        type_text(dlg.pw2, "Admin#2026")
        with qtbot.waitSignal(dlg.accepted, timeout=10000):
            dlg.ok.click()
        assert not auth.bootstrap_needed(db)
        assert auth.login(db, "admin", "Admin#2026").display_name == "赵管理"
    finally:
        db.close()
