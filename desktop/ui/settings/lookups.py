"""纠纷类型与来源: the two lists, add and rename."""

from __future__ import annotations

from typing import TYPE_CHECKING

from desktop.ui import ops
from desktop.ui.qt import (
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    Qt,
    QVBoxLayout,
    QWidget,
)

if TYPE_CHECKING:
    from desktop.domain.enums import LookupEntry
    from desktop.services import Desk


class LookupEditor(QWidget):
    """One list (纠纷类型 or 案件来源): add, rename, deactivate."""

    def __init__(self, desk: Desk, kind: str, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.kind = kind
        self.entries: list[LookupEntry] = []
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

    def load(self, entries: list[LookupEntry]) -> None:
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
         .changes(ops.ChangeKind.LOOKUP).success(lambda _r: self.reload()).run())
