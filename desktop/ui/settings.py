"""设置: committee details, dispute-type and source lists, users and roles (administrators),
and this computer's database profile.

Each section is a small widget with ``load(view)`` / ``save() -> values`` (Picard's option
pages); the services decide and persist, through ``ops``. Office-wide data lives in the
database; the database profile lives in the ini file (``settings_store``) and the LAN
password only in the system keyring.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from desktop.domain.enums import Role
from desktop.ui import ops
from desktop.ui.qt import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPixmap,
    QPushButton,
    QRadioButton,
    QSpinBox,
    Qt,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
    translate,
)
from desktop.ui.settings_store import (
    NO_KEYRING_MESSAGE,
    get_db_password,
    keyring_available,
    lan_url,
    set_db_password,
    settings,
)

TestConnection = Callable[[str], str]


def _primary(text: str, name: str) -> QPushButton:
    b = QPushButton(text, objectName=name)
    b.setProperty("role", "primary")
    return b


class CommitteeForm(QWidget):
    """调委会信息: name, short name, numbering pattern, address, seal image."""

    def __init__(self, desk: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.view: Any = None
        self.seal_png: bytes | None = None
        self.name = QLineEdit(objectName="committeeName")
        self.short_name = QLineEdit(objectName="committeeShort")
        self.pattern = QLineEdit(objectName="numberPattern")
        self.pattern.setToolTip(self.tr("案号格式，例如（{year}）{short}人调字第{seq:04d}号"))
        self.region = QLineEdit(objectName="region")
        self.address = QLineEdit(objectName="address")
        self.phone = QLineEdit(objectName="committeePhone")
        self.director = QLineEdit(objectName="directorName")
        self.seal = QLabel(self.tr("未设置\n印章图片"), objectName="sealPreview")
        self.seal.setFixedSize(112, 112)
        self.seal.setAlignment(Qt.AlignmentFlag.AlignCenter)
        pick = QPushButton(self.tr("选择印章图片…"), objectName="pickSeal")
        pick.clicked.connect(self.pick_seal)
        self.save_button = _primary(self.tr("保存"), "saveCommittee")
        self.save_button.clicked.connect(self.save)

        form = QFormLayout()
        form.setSpacing(10)
        form.addRow(self.tr("调解委员会名称"), self.name)
        form.addRow(self.tr("简称（用于案号）"), self.short_name)
        form.addRow(self.tr("案号格式"), self.pattern)
        form.addRow(self.tr("所属地区"), self.region)
        form.addRow(self.tr("地址"), self.address)
        form.addRow(self.tr("联系电话"), self.phone)
        form.addRow(self.tr("主任"), self.director)
        seal_row = QHBoxLayout()
        seal_row.setSpacing(12)
        seal_row.addWidget(self.seal)
        seal_row.addWidget(pick, 0, Qt.AlignmentFlag.AlignBottom)
        seal_row.addStretch(1)
        form.addRow(self.tr("印章"), seal_row)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        hint = QLabel(self.tr("这些信息印在调解协议书等文书上；案号格式修改后只影响新受理的案件。"),
                      objectName="pageHint")
        hint.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 18, 20, 16)
        layout.setSpacing(14)
        layout.addWidget(hint)
        narrow = QHBoxLayout()
        narrow.addLayout(form, 3)
        narrow.addStretch(1)
        layout.addLayout(narrow)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.save_button)
        layout.addLayout(row)
        layout.addStretch(1)
        self.reload()

    def reload(self) -> None:
        desk = self.desk
        ops.LatestQuery(self).submit(lambda: (desk.committees.get(), desk.committees.seal_png()),
                                     lambda pair: self.load(*pair))

    def load(self, view: Any, seal_png: bytes | None = None) -> None:
        self.view = view
        self.name.setText(view.name)
        self.short_name.setText(view.short_name)
        self.pattern.setText(view.number_pattern)
        self.region.setText(view.region)
        self.address.setText(view.address)
        self.phone.setText(view.phone)
        self.director.setText(view.director_name)
        if seal_png:
            self._show_seal(seal_png)

    def _show_seal(self, data: bytes) -> None:
        pix = QPixmap()
        if pix.loadFromData(data):
            self.seal.setPixmap(pix.scaled(96, 96, Qt.AspectRatioMode.KeepAspectRatio,
                                           Qt.TransformationMode.SmoothTransformation))

    def pick_seal(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("选择印章图片"), "",
                                              self.tr("PNG 图片 (*.png)"))
        if path:
            with open(path, "rb") as fh:
                self.seal_png = fh.read()
            self._show_seal(self.seal_png)

    def values(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "name": self.name.text(), "short_name": self.short_name.text(),
            "number_pattern": self.pattern.text(), "region": self.region.text(),
            "address": self.address.text(), "phone": self.phone.text(),
            "director_name": self.director.text()}
        if self.seal_png is not None:
            out["seal_png"] = self.seal_png
        return out

    def save(self) -> None:
        if self.view is None:
            return
        view, values = self.view, self.values()
        (ops.Op(self, lambda: self.desk.committees.update(view.id, view.version, **values),
                label=self.tr("正在保存…"))
         .changes("committee", [view.id])
         .success(self.load)
         .conflict(reload=self.reload)
         .run())

    def focus_field(self, name: str) -> None:
        widget = {"name": self.name, "short_name": self.short_name,
                  "number_pattern": self.pattern}.get(name)
        if widget is not None:
            widget.setFocus()


class LookupEditor(QWidget):
    """One list (纠纷类型 or 案件来源): add, rename, deactivate."""

    def __init__(self, desk: Any, kind: str, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.kind = kind
        self.entries: list[Any] = []
        box = QGroupBox(title)
        self.list = QListWidget(objectName=f"lookup_{kind}")
        add = QPushButton(self.tr("新增…"), objectName=f"add_{kind}")
        rename = QPushButton(self.tr("改名…"))
        add.clicked.connect(self.add)
        rename.clicked.connect(self.rename)
        buttons = QHBoxLayout()
        buttons.addWidget(add)
        buttons.addWidget(rename)
        buttons.addStretch(1)
        inner = QVBoxLayout(box)
        inner.addWidget(self.list)
        inner.addLayout(buttons)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(box)
        self.reload()

    def reload(self) -> None:
        ops.LatestQuery(self).submit(lambda: self.desk.lookups.list(self.kind), self.load)

    def load(self, entries: list[Any]) -> None:
        self.entries = list(entries)
        self.list.clear()
        for e in self.entries:
            item = QListWidgetItem(e.name)
            item.setData(Qt.ItemDataRole.UserRole, e.code)
            self.list.addItem(item)

    def add(self) -> None:
        name, ok = QInputDialog.getText(self, self.tr("新增"), self.tr("名称："))
        if ok and name.strip():
            import time

            code = f"c{int(time.time() * 1000) % 10**11}"  # codes are opaque, never reused
            self._save(code, name.strip())

    def rename(self) -> None:
        item = self.list.currentItem()
        if item is None:
            return
        name, ok = QInputDialog.getText(self, self.tr("改名"), self.tr("新名称："),
                                        text=item.text())
        if ok and name.strip():
            self._save(item.data(Qt.ItemDataRole.UserRole), name.strip())

    def _save(self, code: str, name: str) -> None:
        kind = self.kind
        (ops.Op(self, lambda: self.desk.lookups.save(kind, code, name))
         .changes("lookup").success(lambda _r: self.reload()).run())


class UsersPanel(QWidget):
    """Users and roles; only administrators see it (the service refuses others anyway)."""

    def __init__(self, desk: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.users: list[Any] = []
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
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addLayout(row)
        self.reload()

    def reload(self) -> None:
        ops.LatestQuery(self).submit(self.desk.users.list, self.load)

    def load(self, users: list[Any]) -> None:
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

    def selected(self) -> Any:
        row = self.table.currentRow()
        return self.users[row] if 0 <= row < len(self.users) else None

    def add(self) -> None:
        dlg = NewUserDialog(self)
        if dlg.exec():
            v = dlg.values()
            (ops.Op(self, lambda: self.desk.users.add(**v), label=self.tr("正在创建用户…"))
             .changes("user").success(lambda _u: self.reload()).run())

    def reset_password(self) -> None:
        user = self.selected()
        if user is None:
            return
        pw, ok = QInputDialog.getText(
            self, self.tr("重置密码"),
            self.tr("为 {name} 设置新密码（下次登录时须修改）：").format(name=user.display_name),
            QLineEdit.EchoMode.Password)
        if ok and pw:
            (ops.Op(self, lambda: self.desk.users.reset_password(user.id, pw))
             .changes("user", [user.id]).success(lambda _r: self.reload()).run())

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

    def set_role(self, user: Any, role: str) -> None:
        (ops.Op(self, lambda: self.desk.users.update(user.id, user.version, role=role))
         .changes("user", [user.id]).success(lambda _r: self.reload())
         .conflict(reload=self.reload).run())

    def toggle(self) -> None:
        user = self.selected()
        if user is None:
            return
        (ops.Op(self, lambda: self.desk.users.update(user.id, user.version,
                                                     active=not user.active))
         .changes("user", [user.id]).success(lambda _r: self.reload())
         .conflict(reload=self.reload).run())


class NewUserDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
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
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def _role_changed(self, *_args: Any) -> None:
        readonly = self.role.currentData() == Role.READONLY.value
        self.county.setEnabled(readonly)
        if not readonly:
            self.county.setChecked(False)

    def values(self) -> dict[str, Any]:
        return {"username": self.username.text().strip(), "display_name": self.display.text(),
                "password": self.password.text(), "role": self.role.currentData(),
                "county": self.county.isChecked()}


class DatabaseProfile(QWidget):
    """本机 (embedded SQLite) or 局域网 (PostgreSQL): saved to the ini file; password to the
    keyring only. "测试连接" opens and closes the database off the UI thread."""

    def __init__(self, test_connection: TestConnection | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.test_connection = test_connection
        self.embedded = QRadioButton(self.tr("本机数据库（单机使用，默认）"), objectName="modeEmbedded")
        self.lan = QRadioButton(self.tr("局域网数据库服务器（多台电脑共用）"), objectName="modeLan")
        group = QButtonGroup(self)
        group.addButton(self.embedded)
        group.addButton(self.lan)
        self.path = QLineEdit(objectName="sqlitePath")
        self.path.setPlaceholderText(self.tr("留空使用默认位置"))
        self.host = QLineEdit(objectName="dbHost")
        self.host.setPlaceholderText(self.tr("例如 192.168.1.10"))
        self.port = QSpinBox(objectName="dbPort")
        self.port.setRange(1, 65535)
        self.port.setFixedWidth(140)
        self.name = QLineEdit(objectName="dbName")
        self.user = QLineEdit(objectName="dbUser")
        self.password = QLineEdit(objectName="dbPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.keyring_note = QLabel(objectName="pageHint")
        self.keyring_note.setWordWrap(True)
        self.result = QLabel(objectName="okLabel")
        self.result.setWordWrap(True)
        self.test_button = QPushButton(self.tr("测试连接"), objectName="testConnection")
        self.test_button.clicked.connect(self.test)
        self.save_button = _primary(self.tr("保存（重新启动后生效）"), "saveProfile")
        self.save_button.clicked.connect(self.save)

        lan_box = QGroupBox(self.tr("局域网服务器"))
        lan_form = QFormLayout(lan_box)
        lan_form.addRow(self.tr("服务器地址"), self.host)
        lan_form.addRow(self.tr("端口"), self.port)
        lan_form.addRow(self.tr("数据库名"), self.name)
        lan_form.addRow(self.tr("用户名"), self.user)
        lan_form.addRow(self.tr("密码"), self.password)
        lan_form.addRow("", self.keyring_note)
        self.lan_box = lan_box
        local_box = QGroupBox(self.tr("本机数据库"))
        local_form = QFormLayout(local_box)
        local_form.addRow(self.tr("数据库文件"), self.path)
        self.local_box = local_box

        buttons = QHBoxLayout()
        buttons.addWidget(self.test_button)
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 18, 20, 16)
        layout.setSpacing(10)
        layout.addWidget(self.embedded)
        layout.addWidget(self.lan)
        layout.addWidget(local_box)
        layout.addWidget(lan_box)
        layout.addWidget(self.result)
        layout.addLayout(buttons)
        layout.addStretch(1)
        self.embedded.toggled.connect(self._mode_changed)
        self.load(settings().database_profile())

    def load(self, profile: dict[str, Any]) -> None:
        (self.lan if profile["mode"] == "lan" else self.embedded).setChecked(True)
        self.path.setText(profile["sqlite_path"])
        self.host.setText(profile["host"])
        self.port.setValue(int(profile["port"]))
        self.name.setText(profile["name"])
        self.user.setText(profile["user"])
        if keyring_available():
            self.keyring_note.setText(self.tr("密码保存在系统密钥环中，不写入配置文件。"))
            self.password.setText(get_db_password(profile) or "")
        else:
            self.keyring_note.setText(translate("settings", NO_KEYRING_MESSAGE))
            self.keyring_note.setObjectName("errorLabel")
        self._mode_changed()

    def profile(self) -> dict[str, Any]:
        return {"mode": "lan" if self.lan.isChecked() else "embedded",
                    "sqlite_path": self.path.text().strip(), "host": self.host.text().strip(),
                    "port": self.port.value(), "name": self.name.text().strip(),
                    "user": self.user.text().strip()}

    def url(self) -> str:
        p = self.profile()
        if p["mode"] == "lan":
            return lan_url(p, self.password.text())
        return f"sqlite:///{p['sqlite_path']}" if p["sqlite_path"] else ""

    def _mode_changed(self, *_args: Any) -> None:
        lan = self.lan.isChecked()
        self.lan_box.setEnabled(lan)
        self.local_box.setEnabled(not lan)

    def test(self) -> None:
        if self.test_connection is None:
            return
        if self.lan.isChecked() and not self.host.text().strip():
            self._say(self.tr("请填写服务器地址。"), ok=False)
            return
        url = self.url() or None
        fn = self.test_connection
        self.test_button.setEnabled(False)
        self._say(self.tr("正在连接…"), ok=True)

        def failed(err: BaseException) -> bool:
            self.test_button.setEnabled(True)
            self._say(ops.error_text(err), ok=False)
            return True

        def done(desc: str) -> None:
            self.test_button.setEnabled(True)
            self._say(self.tr("连接成功：") + desc, ok=True)

        ops.Op(self, lambda: fn(url or ""), label=self.tr("正在测试连接…")).success(
            done).failure(failed).run()

    def _say(self, text: str, *, ok: bool) -> None:
        self.result.setObjectName("okLabel" if ok else "errorLabel")
        self.result.style().unpolish(self.result)
        self.result.style().polish(self.result)
        self.result.setText(text)

    def save(self) -> bool:
        p = self.profile()
        s = settings()
        for key, value in p.items():
            s.set(f"db/{key}", value)
        s.sync()
        if p["mode"] == "lan" and self.password.text():
            try:
                set_db_password(p, self.password.text())
            except Exception as err:  # noqa: BLE001 - MediationError with the keyring message
                self._say(ops.error_text(err), ok=False)
                return False
        self._say(self.tr("已保存，重新启动调解台后生效。"), ok=True)
        ops.notify("settings")
        return True


class DatabaseProfileDialog(QDialog):
    """The profile on its own, for when the database cannot be opened at start-up."""

    def __init__(self, test_connection: TestConnection | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("数据库设置"))
        self.setMinimumWidth(520)
        self.profile = DatabaseProfile(test_connection, self)
        self.profile.save_button.setText(self.tr("保存并重试"))
        self.profile.save_button.clicked.disconnect()
        self.profile.save_button.clicked.connect(lambda: self.profile.save() and self.accept())
        layout = QVBoxLayout(self)
        layout.addWidget(self.profile)


class SettingsPage(QWidget):
    def __init__(self, desk: Any, parent: QWidget | None = None, *,
                 test_connection: TestConnection | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.setObjectName("page")
        role = getattr(desk.actor, "role", None)
        is_admin = role == Role.ADMIN
        may_edit_office = role in (Role.ADMIN, Role.DIRECTOR)
        title = QLabel(self.tr("设置"), objectName="pageTitle")
        self.tabs = QTabWidget(objectName="settingsTabs")
        if may_edit_office:
            self.committee = CommitteeForm(desk)
            self.tabs.addTab(self.committee, self.tr("调解委员会"))
            lists = QWidget()
            row = QHBoxLayout(lists)
            row.addWidget(LookupEditor(desk, "dispute_type", self.tr("纠纷类型")))
            row.addWidget(LookupEditor(desk, "source", self.tr("案件来源")))
            self.tabs.addTab(lists, self.tr("纠纷类型与来源"))
        if is_admin:
            self.users = UsersPanel(desk)
            self.tabs.addTab(self.users, self.tr("用户与角色"))
        self.database = DatabaseProfile(test_connection)
        current = getattr(getattr(desk, "db", None), "sqlite_path", None)
        if current:
            self.database.path.setPlaceholderText(
                self.tr("留空使用默认位置（当前使用：{path}）").format(path=current))
        self.tabs.addTab(self.database, self.tr("数据库"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 24, 28, 20)
        layout.setSpacing(14)
        layout.addWidget(title)
        layout.addWidget(self.tabs, 1)
