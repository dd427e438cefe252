"""The committee's electronic seal in the GUI: the set-up form (first run, 设置→电子印章) and
the password prompt when a final document is sealed.

``SealSetupForm`` collects: generate a new certificate or import a .p12/.pfx, the scanned
seal image (PNG), the seal password (twice when generating) and whether the keyring should
remember it. ``apply(service)`` performs it (call it in a worker through ``ops``).

``unlock_and_retry(parent, service, err, retry)``: when sealing failed with
``SealPasswordNeeded``, ask for the password once, keep it in this process's memory (and
the keyring when the person wants and there is one), then call ``retry``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desktop.services.seal import SealPasswordNeeded, keyring_available
from desktop.ui import filedialogs, ops
from desktop.ui.dialogs import InlineErrors, dialog_layout, error_label, primary_button
from desktop.ui.qt import (
    QButtonGroup,
    QCheckBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPixmap,
    QPushButton,
    QRadioButton,
    QStandardPaths,
    Qt,
    QVBoxLayout,
    QWidget,
)

if TYPE_CHECKING:
    from desktop.services import Desk
    from desktop.services.seal import SealInfo, SealService

RULE = "至少 8 位，须包含字母、数字、符号中的至少两类。"


def start_folder() -> str:
    return QStandardPaths.writableLocation(
        QStandardPaths.StandardLocation.DocumentsLocation) or str(Path.home())


def seal_preview(label: QLabel, data: bytes | None, size: int = 0) -> None:
    size = size or label.width() - 8
    pix = QPixmap()
    if data and pix.loadFromData(data):
        label.setPixmap(pix.scaled(size, size, Qt.AspectRatioMode.KeepAspectRatio,
                                   Qt.TransformationMode.SmoothTransformation))
    else:
        label.setPixmap(QPixmap())
        label.setText(label.tr("未设置\n印章图片"))


def preview_label(name: str = "sealPreview", size: int = 112) -> QLabel:
    label = QLabel(objectName=name)
    label.setFixedSize(size, size)
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    label.setProperty("role", "sealPreview")
    label.setStyleSheet("QLabel { border: 1px dashed #b8c2cc; border-radius: 6px; }")
    seal_preview(label, None)
    return label


class SealSetupForm(QWidget):
    """Generate or import the certificate, the seal image, the password."""

    def __init__(self, parent: QWidget | None = None, *, with_image: bool = True,
                 modes: tuple[str, ...] = ("generate", "import")) -> None:
        super().__init__(parent)
        self.pkcs12_path = ""
        self.image: bytes | None = None
        self.generate = QRadioButton(self.tr("生成本调委会的证书（推荐，有效期 10 年）"), self,
                                     objectName="sealGenerate")
        self.import_ = QRadioButton(self.tr("导入已有证书文件（.p12 / .pfx）"), self,
                                    objectName="sealImport")
        group = QButtonGroup(self)
        group.addButton(self.generate)
        group.addButton(self.import_)
        self.generate.setChecked(True)
        self.p12_label = QLineEdit(objectName="sealP12Path")
        self.p12_label.setReadOnly(True)
        self.p12_label.setPlaceholderText(self.tr("未选择证书文件"))
        self.p12_button = QPushButton(self.tr("选择证书文件…"), objectName="pickP12")
        self.p12_button.clicked.connect(self.pick_pkcs12)
        self.preview = preview_label(size=84)
        self.image_button = QPushButton(self.tr("选择印章图片…"), objectName="pickSealImage")
        self.image_button.clicked.connect(self.pick_image)
        self.pw1 = QLineEdit(objectName="sealPassword1")
        self.pw2 = QLineEdit(objectName="sealPassword2")
        for w in (self.pw1, self.pw2):
            w.setEchoMode(QLineEdit.EchoMode.Password)
        self.pw1_label = QLabel(self.tr("印章密码"))
        self.pw2_label = QLabel(self.tr("再次输入印章密码"))
        self.rule = QLabel(self.tr(RULE), objectName="pageHint")
        self.remember = QCheckBox(self.tr("在本机系统密钥环中记住印章密码（盖章时不再询问）"),
                                  objectName="sealRemember")
        # explicit line breaks, no word wrap: a word-wrapped label in a form row under-reports
        # its height, and in the first-run dialog the seal image row then overlapped the
        # password rows (seen on a machine without a keyring, where this note shows)
        self.keyring_note = QLabel(objectName="pageHint")
        if keyring_available():
            self.remember.setChecked(True)
            self.keyring_note.hide()
        else:
            self.remember.setChecked(False)
            self.remember.setEnabled(False)
            self.remember.hide()
            self.keyring_note.setText(self.tr(
                "本机没有系统密钥环，印章密码不会保存，\n每次启动后首次盖章时需输入。"))

        form = QFormLayout()
        form.setSpacing(10)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        choice = QVBoxLayout()
        choice.setSpacing(4)
        choice.addWidget(self.generate)
        choice.addWidget(self.import_)
        self.choice_label = QLabel(self.tr("印章证书"))
        form.addRow(self.choice_label, choice)
        if len(modes) == 1:  # the dialog already says which: no choice to show
            (self.generate if modes[0] == "generate" else self.import_).setChecked(True)
            for choice_widget in (self.generate, self.import_, self.choice_label):
                choice_widget.hide()
        p12_row = QHBoxLayout()
        p12_row.addWidget(self.p12_label, 1)
        p12_row.addWidget(self.p12_button)
        self.p12_row_label = QLabel(self.tr("证书文件"))
        form.addRow(self.p12_row_label, p12_row)
        if not with_image:
            self.preview.setParent(self)
            self.image_button.setParent(self)
        if with_image:
            image_row = QHBoxLayout()
            image_row.setSpacing(12)
            image_row.addWidget(self.preview)
            col = QVBoxLayout()
            col.addStretch(1)
            # one short line: a word-wrapped label inside a form row mis-sizes the row
            note = QLabel(self.tr("扫描的公章，PNG 格式，建议透明背景"), objectName="pageHint")
            col.addWidget(note)
            col.addWidget(self.image_button, 0, Qt.AlignmentFlag.AlignLeft)
            image_wrap = QWidget()
            image_wrap.setMinimumHeight(self.preview.height())
            inner = QHBoxLayout(image_wrap)
            inner.setContentsMargins(0, 0, 0, 0)
            inner.addLayout(image_row)
            image_row.addLayout(col, 1)
            form.addRow(self.tr("印章图片"), image_wrap)
        else:
            self.preview.hide()
            self.image_button.hide()
        form.addRow(self.pw1_label, self.pw1)
        form.addRow(self.pw2_label, self.pw2)
        form.addRow("", self.rule)
        form.addRow("", self.remember)
        form.addRow("", self.keyring_note)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(form)
        self.generate.toggled.connect(self._mode_changed)
        self._mode_changed()

    def is_import(self) -> bool:
        return self.import_.isChecked()

    def _mode_changed(self, *_args: Any) -> None:
        imp = self.is_import()
        # disabled rather than hidden: the form keeps still while the mode changes
        for w in (self.p12_label, self.p12_button, self.p12_row_label):
            w.setEnabled(imp)
        self.pw2.setEnabled(not imp)
        self.pw2_label.setEnabled(not imp)
        self.pw1_label.setText(self.tr("证书文件密码") if imp else self.tr("印章密码"))
        self.rule.setText(self.tr("导入后印章密码即证书文件的密码。") if imp else self.tr(RULE))

    # -- files --------------------------------------------------------------------------------
    def pick_pkcs12(self) -> None:
        path = filedialogs.open_file(self, self.tr("选择证书文件"), "seal_pkcs12",
                                     self.tr("证书文件 (*.p12 *.pfx)"))
        if path:
            self.set_pkcs12_file(path)

    def set_pkcs12_file(self, path: str) -> None:
        self.pkcs12_path = path
        self.p12_label.setText(path)
        self.import_.setChecked(True)

    def pick_image(self) -> None:
        path = filedialogs.open_file(self, self.tr("选择印章图片"), "seal_image",
                                     self.tr("PNG 图片 (*.png)"))
        if path:
            self.set_image_file(path)

    def set_image_file(self, path: str) -> None:
        with open(path, "rb") as fh:
            self.image = fh.read()
        seal_preview(self.preview, self.image)

    # -- doing it -----------------------------------------------------------------------------
    def job(self, service: SealService) -> Callable[[], SealInfo]:
        """What to run in the worker: read the widgets now (UI thread), act later."""
        from desktop.domain.errors import ValidationError
        from desktop.services.seal import check_png, check_seal_password

        imp, path, image = self.is_import(), self.pkcs12_path, self.image
        pw1, pw2, remember = self.pw1.text(), self.pw2.text(), self.remember.isChecked()

        def run() -> SealInfo:
            if image is not None:
                check_png(image)  # before the certificate: nothing half-done on bad input
            if imp:
                if not path:
                    raise ValidationError("请选择证书文件（.p12 或 .pfx）。", field="pkcs12")
                try:
                    data = Path(path).read_bytes()
                except OSError:
                    raise ValidationError(f"无法读取证书文件：{path}", field="pkcs12") from None
                info = service.import_pkcs12(data, pw1, remember=remember)
            else:
                check_seal_password(pw1, pw2)
                info = service.generate(pw1, pw2, remember=remember)
            if image is not None:
                info = service.replace_image(image)
            return info

        return run

    def focus_field(self, name: str) -> None:
        widget = {"seal_password": self.pw1, "seal_password2": self.pw2,
                  "pkcs12": self.p12_button, "seal_image": self.image_button}.get(name)
        if widget is not None:
            widget.setFocus()


class SealPasswordDialog(InlineErrors, QDialog):
    """Asked when sealing and no password is at hand; says why."""

    def __init__(self, reason: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sealPasswordDialog")
        self.setWindowTitle(self.tr("电子印章密码"))
        self.setMinimumWidth(440)
        why = QLabel(reason, objectName="pageHint")
        why.setWordWrap(True)
        self.password = QLineEdit(objectName="sealPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.remember = QCheckBox(self.tr("在本机系统密钥环中记住（以后不再询问）"),
                                  objectName="sealRemember")
        if not keyring_available():
            self.remember.hide()
        self.error = error_label()
        self.ok = primary_button(self.tr("盖章"), "sealUnlock")
        self.ok.setDefault(True)
        cancel = QPushButton(self.tr("取消"))
        cancel.clicked.connect(self.reject)
        form = QFormLayout()
        form.addRow(self.tr("印章密码"), self.password)
        form.addRow("", self.remember)
        dialog_layout(self, [why, form, self.error], [cancel, self.ok], spacing=6)
        self.password.setFocus()


def unlock_and_retry(parent: QWidget, service: SealService, err: BaseException,
                     retry: Callable[[], None]) -> bool:
    """An Op failure handler: True when ``err`` was a missing seal password (handled)."""
    from desktop.domain.errors import MediationError

    if not isinstance(err, SealPasswordNeeded):
        return False
    dlg = SealPasswordDialog(err.message, parent)
    committee_id = err.committee_id

    def submit() -> None:
        password, remember = dlg.password.text(), dlg.remember.isChecked()
        dlg.ok.setEnabled(False)

        def failed(e: BaseException) -> bool:
            dlg.ok.setEnabled(True)
            if isinstance(e, MediationError):
                dlg.show_error(e.message)
                dlg.password.selectAll()
                dlg.password.setFocus()
                return True
            return False

        def done(_r: Any) -> None:
            dlg.accept()
            retry()

        (ops.Op(dlg, lambda: service.unlock(password, remember=remember,
                                           committee_id=committee_id),
                label=dlg.tr("正在核对印章密码…"))
         .success(done).failure(failed).run())

    dlg.ok.clicked.connect(submit)
    dlg.finished.connect(lambda _r: dlg.deleteLater())
    dlg.open()
    return True


def seal_service(desk: Desk) -> SealService:
    from desktop.services.seal import SealService

    return SealService(desk.db, desk.actor)
