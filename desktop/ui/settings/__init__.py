"""设置: one tab per file — committee details (``committee``), the electronic seal
(``seal``), dispute-type and source lists (``lookups``), users and roles (``users``), backup
and restore (``data``) and this computer's database profile (``database``).

Each section is a small widget with ``load(view)`` / ``save() -> values`` (Picard's option
pages); the services decide and persist, through ``ops``. Office-wide data lives in the
database; the database profile lives in the ini file (``settings_store``) and passwords only
in the system keyring.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from desktop.domain.enums import Role
from desktop.ui.qt import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from desktop.ui.settings.committee import CommitteeForm
from desktop.ui.settings.common import TestConnection
from desktop.ui.settings.database import DatabaseProfile, DatabaseProfileDialog
from desktop.ui.settings.lookups import LookupEditor
from desktop.ui.settings.users import NewUserDialog, UsersPanel

if TYPE_CHECKING:
    from desktop.services import Desk

#: The tabs' names, as messages elsewhere name them ("设置→电子印章"): tests check both ways.
TAB_NAMES = ("调解委员会", "电子印章", "纠纷类型与来源", "用户与角色", "数据", "数据库")


class SettingsPage(QWidget):
    def __init__(self, desk: Desk, parent: QWidget | None = None, *,
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
            from desktop.ui.settings.seal import SealPage

            self.committee = CommitteeForm(desk)
            self.tabs.addTab(self.committee, self.tr("调解委员会"))
            self.seal = SealPage(desk)
            self.tabs.addTab(self.seal, self.tr("电子印章"))
            lists = QWidget()
            row = QHBoxLayout(lists)
            row.addWidget(LookupEditor(desk, "dispute_type", self.tr("纠纷类型")))
            row.addWidget(LookupEditor(desk, "source", self.tr("案件来源")))
            self.tabs.addTab(lists, self.tr("纠纷类型与来源"))
        if is_admin:
            from desktop.ui.settings.data import DataPage

            self.users = UsersPanel(desk)
            self.tabs.addTab(self.users, self.tr("用户与角色"))
            self.data = DataPage(desk)
            self.tabs.addTab(self.data, self.tr("数据"))
        self.database = DatabaseProfile(test_connection)
        current = getattr(getattr(desk, "db", None), "sqlite_path", None)
        if current:
            self.database.path.setPlaceholderText(
                self.tr("留空使用默认位置（当前使用：{path}）").format(path=current))
        # the LAN profile (server, replica, PgBouncer) is the tallest tab: it scrolls on a
        # 1366×768 screen rather than push the page past the screen's bottom edge
        database_scroll = QScrollArea(objectName="databaseScroll")
        database_scroll.setWidgetResizable(True)
        database_scroll.setFrameShape(QFrame.Shape.NoFrame)
        database_scroll.setWidget(self.database)
        self.tabs.addTab(database_scroll, self.tr("数据库"))
        layout = QVBoxLayout(self)
        # tighter than the other pages: with its tallest tab the page must still fit
        # 1280×720 (1920×1080 at 150 %)
        layout.setContentsMargins(28, 14, 28, 10)
        layout.setSpacing(10)
        layout.addWidget(title)
        layout.addWidget(self.tabs, 1)

    def show_tab(self, name: str) -> QWidget | None:
        """Bring the tab called ``name`` (as in TAB_NAMES) to the front."""
        for i in range(self.tabs.count()):
            if self.tabs.tabText(i) == name:
                self.tabs.setCurrentIndex(i)
                return self.tabs.widget(i)
        return None


__all__ = ["TAB_NAMES", "CommitteeForm", "DatabaseProfile", "DatabaseProfileDialog",
           "LookupEditor", "NewUserDialog", "SettingsPage", "TestConnection", "UsersPanel"]
