"""用户与角色 (administrators only)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from desktop.domain.enums import Role
from desktop.services.auth import one_time_password
from desktop.ui import ops
from desktop.ui.dialogs import InlineErrors, dialog_layout, error_label
from desktop.ui.qt import (
    QAbstractItemView,
    QApplication,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    Qt,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
    Signal,
)
from desktop.ui.settings.common import _primary

if TYPE_CHECKING:
    from desktop.services import Desk
    from desktop.services.dto import UserView


class UsersPanel(QWidget):
    """Users and roles; only administrators see it (the service refuses others anyway)."""

    def __init__(self, desk: Desk, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.users: list[UserView] = []
        self.table = QTableWidget(0, 5, objectName="usersTable")
        self.table.setHorizontalHeaderLabels(
            [self.tr("用户名"), self.tr("姓名"), self.tr("角色"), self.tr("所属调委会"),
             self.tr("状态")])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        add = _primary(self.tr("新增用户…"), "addUser")
        reset = QPushButton(self.tr("重置密码…"), objectName="resetPassword")
        toggle = QPushButton(self.tr("停用 / 启用"), objectName="toggleUser")
        role = QPushButton(self.tr("修改角色…"), objectName="changeRole")
        role.clicked.connect(self.change_role)
        add.clicked.connect(self.add)
        reset.clicked.connect(self.reset_password)
        toggle.clicked.connect(self.toggle)
        row = QHBoxLayout()
        row.addWidget(add)
        row.addWidget(role)
        row.addWidget(reset)
        row.addWidget(toggle)
        row.addStretch(1)
        self.hint = QLabel(objectName="pageHint")
        self.hint.hide()
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addLayout(row)
        layout.addWidget(self.hint)
        self.reload()

    def reload(self) -> None:
        ops.LatestQuery(self).submit(self.desk.users.list, self.load)

    def load(self, users: list[UserView]) -> None:
        self.users = list(users)
        self.table.setRowCount(len(self.users))
        for r, u in enumerate(self.users):
            state = self.tr("正常") if u.active else self.tr("已停用")
            if u.locked_until:
                state = self.tr("已锁定")
            cells = (u.username, u.display_name, u.role_label,
                     u.committee_name or self.tr("（全县）"), state)
            for c, text in enumerate(cells):
                self.table.setItem(r, c, QTableWidgetItem(text))

    def selected(self) -> UserView | None:
        row = self.table.currentRow()
        return self.users[row] if 0 <= row < len(self.users) else None

    def add(self) -> NewUserDialog:
        """新增用户: the dialog stays open until the account exists, so a refusal (a user
        name with a space, a weak password) is corrected in place instead of retyped."""
        dlg = NewUserDialog(self, create=lambda v: self.desk.users.add(**v))
        dlg.accepted.connect(self.reload)
        dlg.finished.connect(lambda _r: dlg.deleteLater())
        self.new_user_dialog = dlg
        dlg.open()
        return dlg

    def reset_password(self) -> ResetPasswordDialog | None:
        """重置密码: a one-time password is offered (or typed), shown in clear so it can be
        handed on, and the dialog stays open until the service has taken it. It used to be a
        blind one-line prompt that closed first: a refused password (too weak) came as a
        message box over the page, with what was typed gone, and a typo set a password
        nobody knew."""
        user = self.selected()
        if user is None:
            self.hint.setText(self.tr("请先在表格中选中要重置密码的用户。"))
            self.hint.show()
            return None
        self.hint.hide()
        dlg = ResetPasswordDialog(
            user.display_name, user.username, self,
            reset=lambda pw: self.desk.users.reset_password(user.id, pw), user_id=user.id)
        dlg.done_reset.connect(self.reload)
        dlg.finished.connect(lambda _r: dlg.deleteLater())
        self.reset_dialog = dlg
        dlg.open()
        return dlg

    def change_role(self) -> None:
        user = self.selected()
        if user is None:
            return
        roles = list(Role)
        labels = [r.label for r in roles]
        current = next((i for i, r in enumerate(roles) if r.value == user.role), 0)
        label, ok = QInputDialog.getItem(
            self, self.tr("修改角色"), self.tr("{name} 的角色：").format(name=user.display_name),
            labels, current, False)
        if ok and label != user.role_label:
            self.set_role(user, roles[labels.index(label)].value)

    def set_role(self, user: UserView, role: str) -> None:
        (ops.Op(self, lambda: self.desk.users.update(user.id, user.version, role=role))
         .changes(ops.ChangeKind.USER, [user.id]).success(lambda _r: self.reload())
         .conflict(reload=self.reload).run())

    def toggle(self) -> None:
        user = self.selected()
        if user is None:
            return
        (ops.Op(self, lambda: self.desk.users.update(user.id, user.version,
                                                     active=not user.active))
         .changes(ops.ChangeKind.USER, [user.id]).success(lambda _r: self.reload())
         .conflict(reload=self.reload).run())


class ResetPasswordDialog(InlineErrors, QDialog):
    """重置密码 for one user: a generated one-time password, shown in clear (it is handed on,
    and the user must change it at the next login), or one the administrator types. OK
    resets and the dialog stays open with the password to pass on; a refusal shows in the red
    line with what was typed kept."""

    done_reset = Signal()

    def __init__(self, name: str, username: str, parent: QWidget | None, *,
                 reset: Callable[[str], object], user_id: int) -> None:
        super().__init__(parent)
        self.setObjectName("resetPasswordDialog")
        self.setWindowTitle(self.tr("重置密码"))
        self.reset_user = reset
        self.user_id = user_id
        self.name = name
        self.prompt = QLabel(self.tr(
            "为 {name}（{username}）设置一次性密码。请当面或电话告知本人，"
            "对方下次登录时须改为自己的密码。").format(name=name, username=username))
        self.prompt.setWordWrap(True)
        self.password = QLineEdit(objectName="resetNewPassword")
        self.password.setText(one_time_password())
        # bigger and in clear: it is read out or copied, not hidden from the administrator
        font = self.password.font()
        font.setPointSizeF(font.pointSizeF() * 1.2)
        self.password.setFont(font)
        self.password.setMinimumWidth(260)
        self.again = QPushButton(self.tr("重新生成"), objectName="regeneratePassword")
        self.again.clicked.connect(lambda: self.password.setText(one_time_password()))
        self.copy = QPushButton(self.tr("复制"), objectName="copyPassword")
        self.copy.clicked.connect(
            lambda: QApplication.clipboard().setText(self.password.text()))
        line = QHBoxLayout()
        line.addWidget(self.password, 1)
        line.addWidget(self.again)
        line.addWidget(self.copy)
        form = QFormLayout()
        form.addRow(self.tr("新密码"), line)
        self.rule = QLabel(self.tr("可以改成自己设定的密码：至少 8 位，含字母、数字、符号中的两类。"),
                           objectName="pageHint")
        self.rule.setWordWrap(True)
        self.error = error_label()
        self.done_label = QLabel(objectName="okLabel")
        self.done_label.setWordWrap(True)
        self.done_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.done_label.hide()
        self.ok = _primary(self.tr("重置"), "resetOk")
        self.ok.setDefault(True)
        self.cancel = QPushButton(self.tr("取消"), objectName="resetCancel")
        self.ok.clicked.connect(self.submit)
        self.cancel.clicked.connect(self.reject)
        dialog_layout(self, [self.prompt, form, self.rule, self.error, self.done_label],
                      [self.cancel, self.ok])
        self.password.setFocus()
        self.password.selectAll()

    def submit(self) -> None:
        password, reset = self.password.text().strip(), self.reset_user
        self.password.setText(password)
        self.ok.setEnabled(False)
        self.error.hide()
        (ops.Op(self, lambda: reset(password), label=self.tr("正在重置密码…"))
         .changes(ops.ChangeKind.USER, [self.user_id])
         .success(lambda _r: self._done(password)).failure(self.failed).run())

    def _done(self, password: str) -> None:
        """Reset: the password stays on screen to be handed on; 关闭 ends the dialog."""
        self.password.setReadOnly(True)
        self.again.setEnabled(False)
        self.rule.hide()
        self.done_label.setText(self.tr(
            "已重置。请把一次性密码 {pw} 告知 {name}；账号如被锁定，也已解锁。").format(
                pw=password, name=self.name))
        self.done_label.show()
        self.ok.hide()
        self.cancel.setText(self.tr("关闭"))
        self.cancel.setDefault(True)
        self.cancel.setFocus()
        self.done_reset.emit()

    def focus_field(self, name: str) -> None:
        if name == "password":
            self.password.setFocus()
            self.password.selectAll()


class NewUserDialog(InlineErrors, QDialog):
    """With ``create`` (UsersPanel.add) OK creates the account and closes only once it
    exists; the service's refusal shows in the dialog's red line, the field it names focused."""

    def __init__(self, parent: QWidget | None = None,
                 create: Callable[[dict[str, Any]], object] | None = None) -> None:
        super().__init__(parent)
        self.create_user = create
        self.setWindowTitle(self.tr("新增用户"))
        self.username = QLineEdit(objectName="newUsername")
        self.display = QLineEdit(objectName="newDisplayName")
        self.role = QComboBox(objectName="newRole")
        for r in Role:
            self.role.addItem(r.label, r.value)
        self.password = QLineEdit(objectName="newPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        # a county-level read-only (督查) account belongs to no committee and sees them all
        self.county = QCheckBox(self.tr("全县（不属于任何调委会，可查看全部调委会）"),
                                objectName="newCounty")
        self.role.currentIndexChanged.connect(self._role_changed)
        form = QFormLayout(self)
        form.addRow(self.tr("用户名"), self.username)
        form.addRow(self.tr("姓名"), self.display)
        form.addRow(self.tr("角色"), self.role)
        form.addRow(self.tr("调委会"), self.county)
        form.addRow(self.tr("初始密码"), self.password)
        self._role_changed()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)
        self.buttons = buttons
        self.ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.error = error_label()
        form.addRow(self.error)
        form.addRow(buttons)

    def submit(self) -> None:
        if self.create_user is None:
            self.accept()
            return
        values, create = self.values(), self.create_user
        self.ok.setEnabled(False)
        self.error.hide()
        (ops.Op(self, lambda: create(values), label=self.tr("正在创建用户…"))
         .changes(ops.ChangeKind.USER).success(lambda _u: self.accept())
         .failure(self.failed).run())

    def focus_field(self, name: str) -> None:
        widget = {"username": self.username, "display_name": self.display,
                  "password": self.password, "role": self.role}.get(name)
        if widget is not None:
            widget.setFocus()

    def _role_changed(self, *_args: Any) -> None:
        readonly = self.role.currentData() == Role.READONLY.value
        self.county.setEnabled(readonly)
        if not readonly:
            self.county.setChecked(False)

    def values(self) -> dict[str, Any]:
        return {"username": self.username.text().strip(), "display_name": self.display.text(),
                "password": self.password.text(), "role": self.role.currentData(),
                "county": self.county.isChecked()}
