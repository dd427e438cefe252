"""调解委员会: name, short name, numbering pattern, address, seal image."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from desktop.ui import filedialogs, ops
from desktop.ui.qt import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPixmap,
    QPushButton,
    Qt,
    QVBoxLayout,
    QWidget,
)
from desktop.ui.settings.common import _primary

if TYPE_CHECKING:
    from desktop.services import Desk
    from desktop.services.dto import CommitteeView


class CommitteeForm(QWidget):
    """调委会信息: name, short name, numbering pattern, address, seal image."""

    def __init__(self, desk: Desk, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.view: CommitteeView | None = None
        self.seal_png: bytes | None = None
        self.name = QLineEdit(objectName="committeeName")
        self.short_name = QLineEdit(objectName="committeeShort")
        self.pattern = QLineEdit(objectName="numberPattern")
        self.pattern.setToolTip(self.tr(
            "案号格式：{year} 是受理年度，{short} 是调委会简称，{seq:04d} 是补零到 4 位的序号"))
        # What a number will look like, under the field: nobody should have to read the
        # {year}{short}… notation to know what will be printed on the documents.
        self.pattern_example = QLabel("", objectName="numberExample")
        self.pattern.textChanged.connect(self._show_example)
        self.short_name.textChanged.connect(self._show_example)
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
        form.addRow("", self.pattern_example)
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

    def load(self, view: CommitteeView, seal_png: bytes | None = None) -> None:
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

    def _show_example(self, *_args: Any) -> None:
        import datetime as dt

        from desktop.domain.errors import ValidationError
        from desktop.domain.numbering import format_case_number, validate_pattern

        try:
            pattern = validate_pattern(self.pattern.text())
            example = format_case_number(pattern, year=dt.date.today().year,
                                         short=self.short_name.text().strip() or "青", seq=1)
        except ValidationError as err:
            self.pattern_example.setProperty("invalid", True)
            self.pattern_example.setText(err.message)
        else:
            self.pattern_example.setProperty("invalid", False)
            self.pattern_example.setText(self.tr("示例：{number}").format(number=example))
        self.pattern_example.style().unpolish(self.pattern_example)
        self.pattern_example.style().polish(self.pattern_example)

    def pick_seal(self) -> None:
        path = filedialogs.open_file(self, self.tr("选择印章图片"), "seal_image",
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
         .changes(ops.ChangeKind.COMMITTEE, [view.id])
         .success(self.load)
         .conflict(reload=self.reload)
         .run())

    def focus_field(self, name: str) -> None:
        widget = {"name": self.name, "short_name": self.short_name,
                  "number_pattern": self.pattern}.get(name)
        if widget is not None:
            widget.setFocus()
