"""The main window: sidebar navigation (工作台 / 案件 / 新建登记 / 报表 / 设置) over a
QStackedWidget, status bar with the database in use and the logged-in user.

Pages are built on first visit (only the dashboard at start: cold start stays small), except
案件: once the window is up, ``prepare_pages`` builds it in short steps while the user reads
工作台, so the first click on 案件 only shows it. Pages owned by other screens are imported
lazily and replaced by a placeholder when their module is not installed yet:

    desktop.ui.intake.IntakePage(desk, parent)      新建登记
    desktop.ui.reports.ReportsPage(desk, parent)    报表
    desktop.ui.case.CaseWindow(desk, case_id, parent)   opened by ``open_case``

A page may offer ``refresh()`` (F5), ``focus_search()`` (Ctrl+F) and a signal
``open_case(int)``; the main window connects what is there.
"""

from __future__ import annotations

import functools
import importlib
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from desktop.ui import ops, screenfit
from desktop.ui.qt import (
    QCloseEvent,
    QHBoxLayout,
    QKeySequence,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QPushButton,
    QShortcut,
    QSize,
    QStackedWidget,
    Qt,
    QTimer,
    QVBoxLayout,
    QWidget,
    Signal,
)
from desktop.ui.settings_store import settings

if TYPE_CHECKING:
    from desktop.services import Actor, Desk

log = logging.getLogger(__name__)

PAGES = ("dashboard", "cases", "intake", "reports", "settings")
# built after login, in this order, by prepare_pages; the module of each, imported as a step
# of its own so no step holds the UI thread much longer than the page's construction
PREPARED = {"cases": "desktop.ui.caselist"}


def role_label(actor: Actor) -> str:
    role = getattr(actor, "role", "")
    return str(getattr(role, "label", role))


class Placeholder(QWidget):
    """Stands where a screen would be when its module cannot be loaded (a damaged or partial
    installation): the user is told in Chinese what to do, the detail is selectable to pass
    on, and the rest of the window keeps working."""

    def __init__(self, title: str, detail: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("page")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 28, 32, 28)
        head = QLabel(title, objectName="pageTitle")
        body = QLabel(self.tr("“{title}”无法打开：调解台的程序文件不完整或已损坏。"
                              "其他功能不受影响；请重新安装调解台，或将下面的信息告知管理员。")
                      .format(title=title), objectName="pageHint")
        body.setWordWrap(True)
        small = QLabel(detail, objectName="pageHint")
        small.setWordWrap(True)
        small.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(head)
        layout.addSpacing(8)
        layout.addWidget(body)
        layout.addWidget(small)
        layout.addStretch(1)


def lazy_widget(module: str, attr: str, title: str, *args: Any) -> QWidget:
    """``module.attr(*args)``, or a Placeholder when the module cannot be loaded.

    The screens are imported when first shown so start-up stays fast; a failure here means
    a broken installation, so it is logged as an error (the log reaches the administrator)
    while the user sees a Chinese explanation where the screen would have been."""
    try:
        cls = getattr(importlib.import_module(module), attr)
    except (ImportError, AttributeError) as err:
        log.error("screen %s.%s cannot be loaded: %s", module, attr, err)
        return Placeholder(title, f"{module}.{attr}: {err}")
    return cls(*args)


class MainWindow(QMainWindow):
    page_changed = Signal(str)

    def __init__(self, desk: Desk, *, db_label: str = "", is_local: bool = True,
                 test_connection: Callable[[str], str] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.test_connection = test_connection
        self.case_windows: dict[int, QWidget] = {}
        self.pages: dict[str, QWidget] = {}
        self.setObjectName("mainWindow")
        self.setWindowTitle(self.tr("调解台 — 人民调解案件管理"))
        screenfit.cap_minimum(self, 1024, 680)

        self.titles = {
            "dashboard": self.tr("工作台"),
            "cases": self.tr("案件"),
            "intake": self.tr("新建登记"),
            "reports": self.tr("报表"),
            "settings": self.tr("设置"),
        }
        self.stack = QStackedWidget(objectName="stack")
        self.nav = QListWidget(objectName="nav")
        self.nav.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        for key in PAGES:
            item = QListWidgetItem(self.titles[key])
            item.setData(Qt.ItemDataRole.UserRole, key)
            item.setSizeHint(QSize(170, 44))
            self.nav.addItem(item)
        self.nav.currentRowChanged.connect(lambda row: self.show_page(PAGES[row]))

        central = QWidget()
        row = QHBoxLayout(central)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        row.addWidget(self._sidebar())
        row.addWidget(self.stack, 1)
        self.setCentralWidget(central)

        self._status(db_label, is_local)
        self._shortcuts()
        self._restore_geometry()
        ops.changes().busy.connect(self._busy)
        self.nav.setCurrentRow(0)

    # -- layout ------------------------------------------------------------------------------
    def _sidebar(self) -> QWidget:
        side = QWidget(objectName="sidebar")
        side.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        side.setProperty("appSidebar", True)  # the style rule must not reach Qt's file dialog
        side.setFixedWidth(196)
        col = QVBoxLayout(side)
        col.setContentsMargins(0, 22, 0, 0)
        col.setSpacing(4)
        brand = QLabel(self.tr("调解台"), objectName="brandTitle")
        sub = QLabel(self.tr("人民调解案件管理"), objectName="brandSub")
        for w in (brand, sub):
            w.setContentsMargins(24, 0, 12, 0)
        col.addWidget(brand)
        col.addWidget(sub)
        col.addSpacing(22)
        col.addWidget(self.nav, 1)
        actor = self.desk.actor
        who = QLabel(f"{getattr(actor, 'display_name', '')}\n{role_label(actor)}",
                     objectName="sidebarUser")
        col.addWidget(who)
        change = QPushButton(self.tr("修改密码"), objectName="sidebarLink")
        change.setCursor(Qt.CursorShape.PointingHandCursor)
        change.clicked.connect(self.change_password)
        col.addWidget(change)
        col.addSpacing(10)
        return side

    def change_password(self) -> None:
        from desktop.ui.login import ChangePasswordDialog

        ChangePasswordDialog(self.desk, self).open()

    def _status(self, db_label: str, is_local: bool) -> None:
        bar = self.statusBar()
        self.db_status = QLabel(db_label, objectName="dbStatus")
        self.is_local = is_local
        self.db_status.setToolTip(db_label)
        actor = self.desk.actor
        self.user_status = QLabel(
            self.tr("当前用户：") + f"{getattr(actor, 'display_name', '')}（{role_label(actor)}）",
            objectName="userStatus")
        self.busy_status = QLabel("", objectName="busyStatus")
        # LAN with a read replica: where the last report/search/dashboard read came from
        self.read_status = QLabel("", objectName="readStatus")
        bar.addWidget(self.db_status, 1)
        bar.addPermanentWidget(self.read_status)
        bar.addPermanentWidget(self.busy_status)
        bar.addPermanentWidget(self.user_status)

    def _busy(self, running: int) -> None:
        self.busy_status.setText(self.tr("正在处理…") if running else "")
        if not running:  # a read has just finished: say where it came from
            note = getattr(self.desk, "read_note", lambda: "")()
            self.read_status.setText(note)
            self.read_status.setToolTip(note)

    def _shortcuts(self) -> None:
        def add(seq: QKeySequence | QKeySequence.StandardKey | str,
                fn: Callable[[], object]) -> None:
            sc = QShortcut(QKeySequence(seq), self)
            sc.setContext(Qt.ShortcutContext.WindowShortcut)
            sc.activated.connect(fn)

        add(QKeySequence.StandardKey.New, lambda: self.show_page("intake"))
        add(QKeySequence.StandardKey.Find, self.focus_search)
        add("F5", self.refresh)  # not StandardKey.Refresh: it is also F5 → ambiguous, dead
        for i, key in enumerate(PAGES, start=1):
            add(f"Ctrl+{i}", functools.partial(self.show_page, key))

    # -- pages -------------------------------------------------------------------------------
    def _build(self, key: str, ahead: bool = False) -> QWidget:
        """The page ``key``; ``ahead`` (prepare_pages) builds 案件 without its first queries,
        which a step of their own starts."""
        title = self.titles[key]
        if key == "dashboard":
            from desktop.ui.dashboard import DashboardPage

            return DashboardPage(self.desk, self.stack)
        if key == "cases":
            from desktop.ui.caselist import CaseListPage

            return CaseListPage(self.desk, self.stack, load=not ahead)
        if key == "intake":
            return lazy_widget("desktop.ui.intake", "IntakePage", title, self.desk, self.stack)
        if key == "reports":
            return lazy_widget("desktop.ui.reports", "ReportsPage", title, self.desk, self.stack)
        from desktop.ui.settings import SettingsPage

        return SettingsPage(self.desk, self.stack, test_connection=self.test_connection)

    def prepare_pages(self, done: Callable[[], object] | None = None) -> None:
        """Build the pages in ``PREPARED`` ahead of their first visit, one step per turn of the
        event loop: import the module, build the page, polish and lay it out at the stack's
        size, start its first queries (on workers; started during the build, their threads
        competed with it for the interpreter). Events (the dashboard's results, a click)
        are handled between steps; the longest, building 案件, holds the UI thread 30–44 ms on
        this machine, once, while the user reads 工作台. A page the user opens before it is
        prepared is simply built then, as before. The click on 案件 then costs showing and
        painting a page whose rows are already there: 16–20 ms instead of 78–83 ms
        (`bench/ui_list.py`). ``done`` runs after the last step, also when a step failed:
        that page is then built on its first visit, where the failure is shown as always."""
        steps: list[Callable[[], object]] = []
        for key, module in PREPARED.items():
            steps += [functools.partial(importlib.import_module, module),
                      functools.partial(self.page, key, True),
                      functools.partial(self._lay_out, key),
                      functools.partial(self._start_loading, key)]

        def step() -> None:
            try:
                steps.pop(0)()
            except Exception:  # ahead of time only: the visit builds it again and shows why
                log.exception("preparing a page ahead of its first visit failed")
                steps.clear()
            if steps:
                QTimer.singleShot(1, self, step)
            elif done is not None:
                done()

        QTimer.singleShot(0, self, step)

    def _start_loading(self, key: str) -> None:
        start = getattr(self.pages.get(key), "start_loading", None)
        if callable(start):
            start()

    def _lay_out(self, key: str) -> None:
        """What showing a page would do first: polish its widgets (the style sheet) and lay
        them out at the size the stack will give it."""
        widget = self.pages.get(key)
        if widget is None or widget.isVisible():
            return
        widget.ensurePolished()
        widget.resize(self.stack.size())
        layout = widget.layout()
        if layout is not None:
            layout.activate()

    def page(self, key: str, ahead: bool = False) -> QWidget:
        if key not in self.pages:
            widget = self._build(key, ahead)
            widget.setObjectName(widget.objectName() or f"page_{key}")
            opener = getattr(widget, "open_case", None)
            if opener is not None and hasattr(opener, "connect"):
                opener.connect(self.open_case)
            new_case = getattr(widget, "new_case", None)
            if new_case is not None and hasattr(new_case, "connect"):
                new_case.connect(lambda: self.show_page("intake"))
            self.pages[key] = widget
            self.stack.addWidget(widget)
        return self.pages[key]

    def show_page(self, key: str) -> QWidget:
        widget = self.page(key)
        self.stack.setCurrentWidget(widget)
        row = PAGES.index(key)
        if self.nav.currentRow() != row:
            self.nav.blockSignals(True)
            self.nav.setCurrentRow(row)
            self.nav.blockSignals(False)
        settings().set("ui/last_page", key)
        self.page_changed.emit(key)
        return widget

    def current_key(self) -> str:
        current = self.stack.currentWidget()
        return next((k for k, w in self.pages.items() if w is current), "")

    def focus_search(self) -> None:
        page = self.show_page("cases")
        focus = getattr(page, "focus_search", None)
        if callable(focus):
            focus()

    def refresh(self) -> None:
        page = self.stack.currentWidget()
        fn = getattr(page, "refresh", None)
        if callable(fn):
            fn()

    def open_case(self, case_id: int) -> QWidget:
        """Open (or raise) the case window (``desktop.ui.case.CaseWindow``), one per case."""
        existing = self.case_windows.get(case_id)
        if existing is not None:
            try:
                existing.show()
                existing.raise_()
                existing.activateWindow()
                return existing
            except RuntimeError:  # the C++ window was deleted when it closed
                del self.case_windows[case_id]
        win = lazy_widget("desktop.ui.case", "CaseWindow", self.tr("案件详情"),
                          self.desk, case_id, self)
        if isinstance(win, Placeholder):
            win.setParent(self, Qt.WindowType.Window)
            win.resize(720, 480)
        win.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        win.destroyed.connect(lambda *_: self.case_windows.pop(case_id, None))
        self.case_windows[case_id] = win
        win.show()
        return win

    # -- geometry ----------------------------------------------------------------------------
    def _restore_geometry(self) -> None:
        # 1280×800 where there is room; 90 % of a smaller screen; saved geometry only if it
        # still fits this screen
        if not screenfit.restore_geometry(self, settings().get("ui/geometry")):
            self.resize(screenfit.default_size(1280, 800, self))
            screenfit.center_on_screen(self)
        state = settings().get("ui/state")
        if state:
            self.restoreState(state)

    def save_geometry(self) -> None:
        s = settings()
        s.set("ui/geometry", bytes(self.saveGeometry().data()))
        s.set("ui/state", bytes(self.saveState().data()))
        s.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_geometry()
        for win in list(self.case_windows.values()):
            try:
                win.close()
            except RuntimeError:
                pass
        super().closeEvent(event)
