"""电子印章 (director / administrator): the committee's certificate and seal image.

Shows the holder, the SHA-256 fingerprint, the validity (a warning under 90 days) and the
seal image; generates or renews the certificate, imports a replacement .p12/.pfx, replaces
the image, changes the seal password. A renewal keeps the old certificate for verification.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from desktop.domain.dates import format_date
from desktop.services.seal import NO_KEYRING
from desktop.ui import filedialogs, ops
from desktop.ui.dialogs import InlineErrors, dialog_layout, error_label, primary_button
from desktop.ui.qt import (
    QCheckBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    Qt,
    QVBoxLayout,
    QWidget,
)
from desktop.ui.seal import (
    SealSetupForm,
    keyring_available,
    preview_label,
    seal_preview,
    seal_service,
)
from desktop.ui.settings.common import _primary

if TYPE_CHECKING:
    from collections.abc import Callable

    from desktop.services import Desk
    from desktop.services.seal import SealInfo, SealService


class _ErrorDialog(InlineErrors, QDialog):
    """A small seal form; its service errors show in its own red label."""

    info: SealInfo | None

    def _build(self, body: QWidget, ok_text: str) -> None:
        self.error = error_label()
        self.ok = primary_button(ok_text, "sealDialogOk")
        self.ok.setDefault(True)
        cancel = QPushButton(self.tr("取消"))
        cancel.clicked.connect(self.reject)
        dialog_layout(self, [body, self.error], [cancel, self.ok])

    def run(self, fn: Callable[[], SealInfo], label: str) -> None:
        self.ok.setEnabled(False)
        self.error.hide()
        (ops.Op(self, fn, label=label).changes(ops.ChangeKind.COMMITTEE)
         .success(self.finish).failure(self.failed).run())

    def finish(self, info: SealInfo) -> None:
        self.info = info
        self.accept()


class SealKeyDialog(_ErrorDialog):
    """Generate / renew (``mode="generate"``) or import a replacement (``"import"``)."""

    def __init__(self, service: SealService, mode: str, parent: QWidget | None = None, *,
                 renew: bool = False) -> None:
        super().__init__(parent)
        self.setObjectName("sealKeyDialog")
        self.service = service
        self.info: SealInfo | None = None
        titles = {"generate": self.tr("更新电子印章证书") if renew else self.tr("生成电子印章证书"),
                  "import": self.tr("导入电子印章证书")}
        self.setWindowTitle(titles[mode])
        self.setMinimumWidth(560)
        body = QWidget()
        col = QVBoxLayout(body)
        col.setContentsMargins(0, 0, 0, 0)
        note = QLabel(self.tr(
            "新证书启用后，以前盖章的文书仍可核验（旧证书保留用于核验，不再用于盖章）。"),
            objectName="pageHint")
        note.setWordWrap(True)
        col.addWidget(note)
        self.form = SealSetupForm(body, with_image=False, modes=(mode,))
        col.addWidget(self.form)
        self._build(body, self.tr("生成并启用") if mode == "generate" else self.tr("导入并启用"))
        self.ok.clicked.connect(lambda: self.run(self.form.job(service),
                                                 self.tr("正在设置电子印章…")))

    def focus_field(self, name: str) -> None:
        self.form.focus_field(name)


class SealPasswordChangeDialog(_ErrorDialog):
    def __init__(self, service: SealService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sealPasswordChange")
        self.setWindowTitle(self.tr("修改印章密码"))
        self.setMinimumWidth(460)
        self.info: SealInfo | None = None
        self.service = service
        self.old = QLineEdit(objectName="oldSealPassword")
        self.new1 = QLineEdit(objectName="newSealPassword1")
        self.new2 = QLineEdit(objectName="newSealPassword2")
        for w in (self.old, self.new1, self.new2):
            w.setEchoMode(QLineEdit.EchoMode.Password)
        self.remember = QCheckBox(self.tr("在本机系统密钥环中记住新密码"), objectName="sealRemember")
        ring = keyring_available()
        self.remember.setChecked(ring)
        self.remember.setVisible(ring)
        body = QWidget()
        form = QFormLayout(body)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow(self.tr("原印章密码"), self.old)
        form.addRow(self.tr("新印章密码"), self.new1)
        form.addRow(self.tr("再次输入新密码"), self.new2)
        rule = QLabel(self.tr("至少 8 位，须包含字母、数字、符号中的至少两类。证书本身不变。"),
                      objectName="pageHint")
        rule.setWordWrap(True)
        form.addRow("", rule)
        form.addRow("", self.remember)
        self._build(body, self.tr("修改"))
        self.ok.clicked.connect(self.submit)

    def submit(self) -> None:
        old, new1, new2 = self.old.text(), self.new1.text(), self.new2.text()
        remember, service = self.remember.isChecked(), self.service
        self.run(lambda: service.change_password(old, new1, new2, remember=remember),
                 self.tr("正在修改印章密码…"))


class SealPage(QWidget):
    def __init__(self, desk: Desk, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.info: SealInfo | None = None
        self.service = seal_service(desk)
        self.query = ops.LatestQuery(self)
        hint = QLabel(self.tr(
            "正式调解协议书等文书加盖本调委会的电子印章：证书证明文书出自本调委会且盖章后未被改动，"
            "印章图片印在落款处。"), objectName="pageHint")
        hint.setWordWrap(True)

        self.status = QLabel(objectName="sealStatus")
        self.status.setWordWrap(True)
        self.holder = QLabel(objectName="sealHolder")
        self.issuer = QLabel(objectName="sealIssuer")
        self.fingerprint = QLabel(objectName="sealFingerprint")
        self.fingerprint.setWordWrap(True)
        self.fingerprint.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.fingerprint.setStyleSheet("font-family: monospace;")
        self.validity = QLabel(objectName="sealValidity")
        self.expiry_warning = QLabel(objectName="errorLabel")
        self.expiry_warning.setWordWrap(True)
        self.expiry_warning.hide()
        self.older = QLabel(objectName="pageHint")
        self.older.setWordWrap(True)
        self.password_state = QLabel(objectName="sealPasswordState")
        self.password_state.setWordWrap(True)
        cert_box = QGroupBox(self.tr("印章证书"))
        form = QFormLayout(cert_box)
        form.setSpacing(8)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        form.addRow(self.tr("状态"), self.status)
        form.addRow(self.tr("持有者"), self.holder)
        form.addRow(self.tr("颁发者"), self.issuer)
        form.addRow(self.tr("SHA-256 指纹"), self.fingerprint)
        form.addRow(self.tr("有效期"), self.validity)
        form.addRow("", self.expiry_warning)
        form.addRow(self.tr("印章密码"), self.password_state)
        form.addRow("", self.older)
        self.generate_button = _primary(self.tr("更新证书（重新生成）…"), "renewSeal")
        self.generate_button.clicked.connect(self.generate)
        self.import_button = QPushButton(self.tr("导入替换证书…"), objectName="importSeal")
        self.import_button.clicked.connect(self.import_)
        self.password_button = QPushButton(self.tr("修改印章密码…"), objectName="changeSealPassword")
        self.password_button.clicked.connect(self.change_password)
        buttons = QHBoxLayout()
        buttons.addWidget(self.generate_button)
        buttons.addWidget(self.import_button)
        buttons.addWidget(self.password_button)
        buttons.addStretch(1)
        form.addRow("", buttons)

        image_box = QGroupBox(self.tr("印章图片"))
        image_col = QVBoxLayout(image_box)
        self.preview = preview_label("sealImagePreview", 140)
        self.image_button = QPushButton(self.tr("更换印章图片…"), objectName="replaceSealImage")
        self.image_button.clicked.connect(self.pick_image)
        image_note = QLabel(self.tr("PNG 格式，建议透明背景"), objectName="pageHint")
        image_col.addWidget(self.preview, 0, Qt.AlignmentFlag.AlignHCenter)
        image_col.addWidget(image_note, 0, Qt.AlignmentFlag.AlignHCenter)
        image_col.addWidget(self.image_button, 0, Qt.AlignmentFlag.AlignHCenter)
        image_col.addStretch(1)

        row = QHBoxLayout()
        row.setSpacing(16)
        row.addWidget(cert_box, 3)
        row.addWidget(image_box, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 18, 20, 16)
        layout.setSpacing(14)
        layout.addWidget(hint)
        layout.addLayout(row)
        layout.addStretch(1)
        self.reload()

    def reload(self) -> None:
        # kept on self: a query object referenced only by its job would be freed on the
        # worker thread (a crash)
        self.query.submit(self.service.info, self.load)

    def load(self, info: SealInfo) -> None:
        self.info = info
        seal_preview(self.preview, info.seal_png, 128)
        self.password_button.setEnabled(info.configured)
        self.import_button.setText(self.tr("导入替换证书…") if info.configured
                                   else self.tr("导入证书…"))
        if not info.configured:
            self.status.setText(self.tr("尚未设置电子印章证书：不能生成盖章的正式文书。"))
            self.status.setObjectName("errorLabel")
            self.generate_button.setText(self.tr("生成证书…"))
            for w in (self.holder, self.issuer, self.fingerprint, self.validity,
                      self.password_state):
                w.setText("—")
            self.expiry_warning.hide()
            self.older.setText("")
            self._repolish(self.status)
            return
        self.generate_button.setText(self.tr("更新证书（重新生成）…"))
        self.status.setObjectName("okLabel" if not info.warning else "errorLabel")
        self.status.setText(self.tr("已启用，正式文书盖章时使用。"))
        self._repolish(self.status)
        self.holder.setText(info.holder)
        self.issuer.setText(info.issuer)
        self.fingerprint.setText(info.fingerprint)
        self.validity.setText(self.tr("{start} 至 {end}（还剩 {days} 天）").format(
            start=format_date(info.not_before), end=info.expiry_text, days=max(0, info.days_left)))
        self.expiry_warning.setText(info.warning)
        self.expiry_warning.setVisible(bool(info.warning))
        if info.older_keys:
            self.older.setText(self.tr("另保留 {n} 份以前的证书，用于核验以前盖章的文书。")
                               .format(n=info.older_keys))
        else:
            self.older.setText("")
        if not info.keyring:
            state = self.tr(NO_KEYRING)
            if info.unlocked:
                state = self.tr("本次运行已输入（只保存在内存中）。") + state
        elif info.password_saved:
            state = self.tr("已保存在本机系统密钥环中。")
        elif info.unlocked:
            state = self.tr("本次运行已输入；未保存在系统密钥环中，下次启动后首次盖章时需输入。")
        else:
            state = self.tr("本机未保存，首次盖章时需输入（可选择记住在系统密钥环中）。")
        self.password_state.setText(state)

    @staticmethod
    def _repolish(w: QWidget) -> None:
        w.style().unpolish(w)
        w.style().polish(w)

    def _open(self, dialog: _ErrorDialog) -> _ErrorDialog:
        dialog.accepted.connect(lambda: self.load(dialog.info) if dialog.info else self.reload())
        # (no deleteLater here: the page owns its few dialogs)
        dialog.open()
        return dialog

    def generate(self) -> _ErrorDialog:
        renew = bool(self.info and self.info.configured)
        return self._open(SealKeyDialog(self.service, "generate", self, renew=renew))

    def import_(self) -> _ErrorDialog:
        return self._open(SealKeyDialog(self.service, "import", self))

    def change_password(self) -> _ErrorDialog:
        return self._open(SealPasswordChangeDialog(self.service, self))

    def pick_image(self) -> None:
        path = filedialogs.open_file(self, self.tr("选择印章图片"), "seal_image",
                                     self.tr("PNG 图片 (*.png)"))
        if path:
            self.replace_image(path)

    def replace_image(self, path: str) -> None:
        from desktop.domain.errors import ValidationError

        service = self.service

        def run() -> SealInfo:
            try:
                with open(path, "rb") as fh:
                    data = fh.read()
            except OSError:
                raise ValidationError(f"无法读取图片文件：{path}", field="seal_image") from None
            return service.replace_image(data)

        (ops.Op(self, run, label=self.tr("正在保存印章图片…")).changes(ops.ChangeKind.COMMITTEE)
         .success(self.load).run())
