"""Login and first-run dialogs.

``LoginDialog(db)``: user name + password; a wrong password, a locked or disabled account, or
an unreachable LAN server is shown in red inside the dialog (no message box to dismiss).
After ``exec()`` returns Accepted, ``dialog.actor`` is the logged-in Actor.

``FirstRunDialog(db)``: no users yet → create the committee and the first administrator.
Both call the services through ``ops`` so hashing (argon2, deliberately slow) and LAN round
trips never freeze the window.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from desktop.domain.errors import MediationError
from desktop.ui import ops
from desktop.ui.dialogs import InlineErrors, dialog_layout, error_label, primary_button
from desktop.ui.qt import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QIcon,
    QLabel,
    QLayout,
    QLineEdit,
    QPushButton,
    QShowEvent,
    QStackedWidget,
    Qt,
    QTimer,
    QVBoxLayout,
    QWidget,
    translate,
)
from desktop.ui.settings_store import settings

if TYPE_CHECKING:
    from desktop.services import Actor, Database, Desk
    from desktop.services.seal import SealInfo


def bootstrap_needed(db: Database) -> bool:
    from desktop.services import auth

    return bool(auth.bootstrap_needed(db))


def _brand(subtitle: str) -> QWidget:
    from desktop.resources import resource_path

    box = QWidget()
    row = QHBoxLayout(box)
    row.setContentsMargins(0, 0, 0, 8)
    icon = QLabel()
    icon.setPixmap(QIcon(str(resource_path("resources", "icons", "mediationdesk.svg")))
                   .pixmap(48, 48))
    row.addWidget(icon)
    col = QVBoxLayout()
    title = QLabel(translate("LoginDialog", "调解台"))
    title.setObjectName("pageTitle")
    sub = QLabel(subtitle)
    sub.setObjectName("pageHint")
    col.addWidget(title)
    col.addWidget(sub)
    row.addLayout(col)
    row.addStretch(1)
    return box


class LoginDialog(InlineErrors, QDialog):
    """With ``open_db`` the dialog appears before the database is open: the opening (and
    migration) runs in a worker while the user types, so the window is there at once. A
    submit before the database is ready waits for it; a first start (no users yet) ends the
    dialog with ``NEEDS_SETUP``; an opening error is shown with 重试 / 数据库设置…"""

    NEEDS_SETUP = 2

    def __init__(self, db: Database | None = None, parent: QWidget | None = None,
                 db_label: str | None = None, *,
                 open_db: Callable[[], tuple[Database, bool]] | None = None,
                 db_settings: Callable[[], None] | None = None,
                 username: str | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.actor: Actor | None = None
        self.open_db = open_db
        self.db_settings = db_settings
        self._pending = False
        self.setObjectName("loginDialog")
        self.setWindowTitle(self.tr("登录 — 调解台"))
        self.setMinimumWidth(420)

        self.username = QLineEdit(objectName="username")
        self.username.setPlaceholderText(self.tr("用户名"))
        self.password = QLineEdit(objectName="password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(self.tr("密码"))
        self.error = error_label()
        self.login_button = primary_button(self.tr("登录"), "loginButton")
        self.login_button.setDefault(True)
        self.ok = self.login_button  # re-enabled by failed()
        cancel = QPushButton(self.tr("退出"))
        cancel.clicked.connect(self.reject)
        self.login_button.clicked.connect(self.submit)

        form = QFormLayout()
        form.setSpacing(10)
        form.addRow(self.tr("用户名"), self.username)
        form.addRow(self.tr("密码"), self.password)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(cancel)
        buttons.addWidget(self.login_button)
        where = QLabel(db_label if db_label is not None else _describe(db))
        where.setObjectName("pageHint")
        where.setWordWrap(True)
        self.where = where
        self.retry = QPushButton(self.tr("重试"), objectName="retryOpen")
        self.retry.clicked.connect(self._open)
        self.settings_button = QPushButton(self.tr("数据库设置…"), objectName="dbSettings")
        self.settings_button.clicked.connect(self._settings)
        for b in (self.retry, self.settings_button):
            b.hide()
            buttons.insertWidget(0, b)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 24, 28, 20)
        layout.setSpacing(12)
        layout.addWidget(_brand(self.tr("人民调解案件管理")))
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        layout.addWidget(where)

        last = username or settings().get("login/last_user")
        self.username.setText(last)
        (self.password if last else self.username).setFocus()
        self._focus = self.password if last else self.username
        self._open_started = False
        if db is None and open_db is not None:
            self.where.setText(self.tr("正在打开数据库…"))

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._focus.setFocus(Qt.FocusReason.OtherFocusReason)
        if self.db is None and self.open_db is not None and not self._open_started:
            # After the first paint: the worker's imports would otherwise compete with
            # building and painting the dialog for the interpreter lock.
            self._open_started = True
            QTimer.singleShot(30, self._open)

    # -- opening the database in the background ------------------------------------------------
    def _open(self) -> None:
        assert self.open_db is not None
        self.retry.hide()
        self.settings_button.hide()
        self.error.hide()
        self.where.setText(self.tr("正在打开数据库…"))
        (ops.Op(self, self.open_db, label=self.tr("正在打开数据库…"))
         .success(self._opened).failure(self._open_failed).run())

    def _opened(self, result: tuple[Database, bool]) -> None:
        self.db, needs_setup = result
        self.where.setText(_describe(self.db))
        if needs_setup:
            self.done(self.NEEDS_SETUP)
        elif self._pending:
            self._pending = False
            self.submit()

    def _open_failed(self, err: BaseException) -> bool:
        self._pending = False
        self.login_button.setEnabled(True)
        self.where.setText("")
        self.show_error(ops.error_text(err))
        self.retry.show()
        if self.db_settings is not None:
            self.settings_button.show()
        return True

    def _settings(self) -> None:
        if self.db_settings is not None:
            self.db_settings()
        self._open()

    def submit(self) -> None:
        user = self.username.text().strip()
        pw = self.password.text()
        if not user or not pw:
            self.show_error(self.tr("请输入用户名和密码。"))
            return
        if self.db is None:
            self._pending = True  # logs in as soon as the database is open
            self.login_button.setEnabled(False)
            return
        from desktop.services import auth

        db = self.db
        self.login_button.setEnabled(False)
        self.error.hide()
        (ops.Op(self, lambda: auth.login(db, user, pw), label=self.tr("正在登录…"))
         .success(self._logged_in).failure(self.failed).run())

    def _logged_in(self, actor: Actor) -> None:
        self.actor = actor
        settings().set("login/last_user", self.username.text().strip())
        self.accept()

    def failed(self, err: BaseException) -> bool:
        handled = super().failed(err)
        if handled:  # wrong password, locked account: retype the password at once
            self.password.selectAll()
            self.password.setFocus()
        return handled


def _describe(db: Database | None) -> str:
    if db is None:
        return ""
    try:
        return str(db.describe())
    except Exception:  # noqa: BLE001 - a label only
        return ""


class FirstRunDialog(InlineErrors, QDialog):
    """First start, two steps: (1) the committee and its first administrator; (2) the
    committee's electronic seal — generate or import the certificate, the seal image, the
    seal password. Step 2 may be skipped (设置→电子印章 does the same later)."""

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.actor: Actor | None = None
        self.seal_info: SealInfo | None = None
        self.setObjectName("loginDialog")
        self.setWindowTitle(self.tr("首次使用 — 调解台"))
        self.setMinimumWidth(560)
        self.committee = QLineEdit(objectName="committee")
        self.committee.setPlaceholderText(self.tr("例如：青山街道人民调解委员会"))
        self.short_name = QLineEdit(objectName="shortName")
        self.short_name.setPlaceholderText(self.tr("用于案号，例如：青"))
        self.short_name.setMaxLength(4)
        self.admin = QLineEdit("admin", objectName="adminUser")
        self.display = QLineEdit(objectName="displayName")
        self.display.setPlaceholderText(self.tr("管理员姓名"))
        self.pw1 = QLineEdit(objectName="password1")
        self.pw2 = QLineEdit(objectName="password2")
        for w in (self.pw1, self.pw2):
            w.setEchoMode(QLineEdit.EchoMode.Password)
        self.error = error_label()
        ok = primary_button(self.tr("创建，下一步"), "createButton")
        ok.setDefault(True)
        ok.clicked.connect(self.submit)
        self.ok = ok
        self.create_button = ok

        form = QFormLayout()
        form.setSpacing(10)
        form.addRow(self.tr("调解委员会名称"), self.committee)
        form.addRow(self.tr("简称"), self.short_name)
        form.addRow(self.tr("管理员用户名"), self.admin)
        form.addRow(self.tr("管理员姓名"), self.display)
        form.addRow(self.tr("密码"), self.pw1)
        form.addRow(self.tr("再次输入密码"), self.pw2)
        step1 = QWidget(objectName="firstRunAccount")
        col = QVBoxLayout(step1)
        col.setContentsMargins(0, 0, 0, 0)
        col.setSpacing(12)
        col.addWidget(QLabel(self.tr("第 1 步，共 2 步：调解委员会和管理员账号"), objectName="stepTitle"))
        col.addLayout(form)
        rule = QLabel(self.tr("密码至少 8 位，须包含字母、数字、符号中的至少两类。"),
                      objectName="pageHint")
        rule.setWordWrap(True)
        col.addWidget(rule)
        col.addStretch(1)

        from desktop.ui.seal import SealSetupForm

        step2 = QWidget(objectName="firstRunSeal")
        col2 = QVBoxLayout(step2)
        col2.setContentsMargins(0, 0, 0, 0)
        col2.setSpacing(10)
        col2.addWidget(QLabel(self.tr("第 2 步，共 2 步：调解委员会电子印章"), objectName="stepTitle"))
        # explicit line breaks: word-wrapped labels under-report their height in a dialog
        # layout, and the rows below then overlap
        intro = QLabel(self.tr(
            "正式文书加盖电子印章后，他人可核验其出自本调委会且未被改动。\n可以跳过，"
            "稍后在 设置→电子印章 中设置（设置前不能生成正式文书）。"),
            objectName="pageHint")
        col2.addWidget(intro)
        self.seal_form = SealSetupForm(step2)
        col2.addWidget(self.seal_form)
        col2.addStretch(1)

        self.steps = QStackedWidget(objectName="firstRunSteps")
        self.steps.addWidget(step1)
        self.steps.addWidget(step2)
        self.skip_button = QPushButton(self.tr("跳过，稍后设置"), objectName="skipSeal")
        self.skip_button.setToolTip(self.tr("稍后在 设置→电子印章 中设置"))
        self.skip_button.clicked.connect(self.accept)
        self.skip_button.hide()
        self.seal_button = QPushButton(self.tr("设置印章并开始使用"), objectName="sealButton")
        self.seal_button.setProperty("role", "primary")
        self.seal_button.clicked.connect(self.submit_seal)
        self.seal_button.hide()
        layout = QVBoxLayout(self)
        # never smaller than its rows need: on a 768-pixel screen rows must not overlap
        layout.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)
        layout.setContentsMargins(28, 20, 28, 16)
        layout.setSpacing(10)
        layout.addWidget(_brand(self.tr("首次使用：请建立调解委员会、管理员账号和电子印章")))
        layout.addWidget(self.steps, 1)
        layout.addWidget(self.error)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.skip_button)
        row.addWidget(ok)
        row.addWidget(self.seal_button)
        layout.addLayout(row)

    @property
    def admin_username(self) -> str:
        return self.admin.text().strip()

    def submit(self) -> None:
        if self.pw1.text() != self.pw2.text():
            self.show_error(self.tr("两次输入的密码不一致。"))
            return
        from desktop.services import auth

        kwargs = {"committee_name": self.committee.text().strip(),
                  "short_name": self.short_name.text().strip(),
                  "admin_username": self.admin.text().strip(),
                  "admin_password": self.pw1.text(),
                  "display_name": self.display.text().strip() or self.tr("系统管理员")}
        self.ok.setEnabled(False)
        (ops.Op(self, lambda: auth.first_run(self.db, **kwargs), label=self.tr("正在创建…"))
         .success(self._created).failure(self.failed).run())

    def _created(self, actor: Actor) -> None:
        self.actor = actor
        self.error.hide()
        self.steps.setCurrentIndex(1)
        self.ok.hide()
        self.ok = self.seal_button  # _failed re-enables the current step's button
        self.seal_button.show()
        self.seal_button.setDefault(True)
        self.skip_button.show()
        self.seal_form.pw1.setFocus()

    def submit_seal(self) -> None:
        from desktop.services.seal import SealService

        assert self.actor is not None  # step 2 comes after _created
        job = self.seal_form.job(SealService(self.db, self.actor))
        self.seal_button.setEnabled(False)
        self.error.hide()
        (ops.Op(self, job, label=self.tr("正在生成电子印章证书…"))
         .success(self._sealed).failure(self.failed).run())

    def _sealed(self, info: SealInfo) -> None:
        self.seal_info = info
        self.accept()

    def focus_field(self, name: str) -> None:
        if self.steps.currentIndex() == 1:
            self.seal_form.focus_field(name)
            return
        widget = {"committee_name": self.committee, "short_name": self.short_name,
                  "username": self.admin, "password": self.pw1,
                  "display_name": self.display}.get(name)
        if widget is not None:
            widget.setFocus(Qt.FocusReason.OtherFocusReason)


class ChangePasswordDialog(InlineErrors, QDialog):
    """修改密码: asked right after login when an administrator set or reset the password
    (``must_change_password``), and from the sidebar at any time."""

    def __init__(self, desk: Desk, parent: QWidget | None = None, *, forced: bool = False) -> None:
        super().__init__(parent)
        self.desk = desk
        self.setObjectName("loginDialog")
        self.setWindowTitle(self.tr("修改密码"))
        self.setMinimumWidth(440)
        self.old = QLineEdit(objectName="oldPassword")
        self.new1 = QLineEdit(objectName="newPassword1")
        self.new2 = QLineEdit(objectName="newPassword2")
        for w in (self.old, self.new1, self.new2):
            w.setEchoMode(QLineEdit.EchoMode.Password)
        self.error = error_label()
        self.ok = primary_button(self.tr("修改密码"), "changePassword")
        self.ok.setDefault(True)
        self.ok.clicked.connect(self.submit)
        cancel = QPushButton(self.tr("以后再说") if not forced else self.tr("退出"))
        cancel.clicked.connect(self.reject)
        form = QFormLayout()
        form.setSpacing(10)
        form.addRow(self.tr("原密码"), self.old)
        form.addRow(self.tr("新密码"), self.new1)
        form.addRow(self.tr("再次输入新密码"), self.new2)
        hint = QLabel(self.tr("管理员为您设置了初始密码，请先改成只有您知道的密码。") if forced
                      else self.tr("密码至少 8 位，须包含字母、数字、符号中的至少两类。"),
                      objectName="pageHint")
        hint.setWordWrap(True)
        dialog_layout(self, [hint, form, self.error], [cancel, self.ok],
                      margins=(28, 24, 28, 20))

    def submit(self) -> None:
        if self.new1.text() != self.new2.text():
            self.show_error(self.tr("两次输入的新密码不一致。"))
            return
        old, new = self.old.text(), self.new1.text()
        self.ok.setEnabled(False)
        (ops.Op(self, lambda: self.desk.users.change_own_password(old, new),
                label=self.tr("正在修改密码…"))
         .changes(ops.ChangeKind.USER, [getattr(self.desk.actor, "user_id", 0)])
         .success(lambda _r: self.accept()).failure(self.failed).run())



def must_change_password(desk: Desk) -> bool:
    """Whether an administrator set this user's password and it is not changed yet (the
    services refuse every other call until then)."""
    from desktop.domain.errors import PermissionDenied

    if not getattr(desk.actor, "must_change_password", False):
        return False
    me = getattr(desk.actor, "user_id", None)
    try:
        return any(u.id == me and u.must_change_password for u in desk.users.list())
    except PermissionDenied:
        return True
    except MediationError:
        return False
