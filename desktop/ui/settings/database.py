"""数据库: this computer's database profile (ini file; the LAN password in the keyring only)."""

from __future__ import annotations

from typing import Any

from desktop.services import connection
from desktop.ui import ops
from desktop.ui.qt import (
    QButtonGroup,
    QCheckBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)
from desktop.ui.settings.common import TestConnection, _primary


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
        # reports, search and the dashboard may read a streaming replica (docs/lan.md)
        self.replica = QLineEdit(objectName="dbReplica")
        self.replica.setPlaceholderText(self.tr("可不填；例如 192.168.1.11:5432"))
        self.replica_max_lag = QSpinBox(objectName="dbReplicaMaxLag")
        self.replica_max_lag.setRange(1, 86400)
        self.replica_max_lag.setSuffix(self.tr(" 秒"))
        self.replica_max_lag.setFixedWidth(140)
        self.replica_max_lag.setToolTip(self.tr("只读副本落后主服务器超过这个时间时，统计和查询改从主服务器读取。"))
        self.pgbouncer = QCheckBox(self.tr("经 PgBouncer（事务模式）连接"), objectName="dbPgbouncer")
        self.pgbouncer.setToolTip(self.tr("服务器地址填的是 PgBouncer 时勾选（100 台以上工作台时使用，见管理员手册）。"))
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
        lan_form.addRow(self.tr("只读副本"), self.replica)
        lan_form.addRow(self.tr("副本最大延迟"), self.replica_max_lag)
        lan_form.addRow("", self.pgbouncer)
        lan_form.addRow("", self.keyring_note)
        self.lan_box = lan_box
        self.lan_form = lan_form
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
        self.load(connection.load_profile())

    def load(self, profile: dict[str, Any]) -> None:
        self.loaded = dict(profile)  # keeps what the form does not show (the TLS mode)
        (self.lan if profile["mode"] == "lan" else self.embedded).setChecked(True)
        self.path.setText(profile["sqlite_path"])
        self.host.setText(profile["host"])
        self.port.setValue(int(profile["port"]))
        self.name.setText(profile["name"])
        self.user.setText(profile["user"])
        self.replica.setText(profile.get("replica", ""))
        self.replica_max_lag.setValue(int(profile.get("replica_max_lag", 30)))
        self.pgbouncer.setChecked(bool(profile.get("pgbouncer", False)))
        if connection.keyring_available():
            self.keyring_note.setText(self.tr("密码保存在系统密钥环中，不写入配置文件。"))
            self.password.setText(connection.stored_password(profile) or "")
        else:
            self.keyring_note.setText(connection.NO_KEYRING)
            self.keyring_note.setObjectName("errorLabel")
        self._mode_changed()

    def profile(self) -> dict[str, Any]:
        return {**self.loaded, "mode": "lan" if self.lan.isChecked() else "embedded",
                "sqlite_path": self.path.text().strip(), "host": self.host.text().strip(),
                "port": self.port.value(), "name": self.name.text().strip(),
                "user": self.user.text().strip(), "replica": self.replica.text().strip(),
                "replica_max_lag": self.replica_max_lag.value(),
                "pgbouncer": self.pgbouncer.isChecked()}

    def url(self) -> str:
        p = self.profile()
        if p["mode"] == "lan" or p["sqlite_path"]:
            return connection.database_url(p, self.password.text())
        return ""

    def _mode_changed(self, *_args: Any) -> None:
        lan = self.lan.isChecked()
        self.lan_box.setEnabled(lan)
        self.local_box.setEnabled(not lan)
        # the note is about the server's password: in local mode there is none, and a red
        # "no keyring" warning there alarmed a new user for nothing
        self.lan_form.setRowVisible(self.keyring_note, lan)

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
        try:
            connection.save_profile(self.profile(), self.password.text())
        except Exception as err:  # noqa: BLE001 - MediationError: invalid profile, no keyring
            self._say(ops.error_text(err), ok=False)
            return False
        self._say(self.tr("已保存，重新启动调解台后生效。"), ok=True)
        ops.notify(ops.ChangeKind.SETTINGS)
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
        self.profile.save_button.clicked.connect(self._save_and_retry)
        layout = QVBoxLayout(self)
        layout.addWidget(self.profile)

    def _save_and_retry(self) -> None:
        if self.profile.save():
            self.accept()
