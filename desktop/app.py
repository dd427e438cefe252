"""GUI bootstrap: QApplication (high-DPI, Chinese translators, CJK font, theme), open and
migrate the database, first-run set-up, login, main window.

``desktop.cli.main`` with no arguments calls ``run_gui``. This module sits above ``desktop.ui``
and is the one GUI module allowed to touch ``desktop.store`` (to open the database); the
screens receive the opened ``Database`` only as an opaque object inside ``Desk``.

Heavy modules (QtCharts, QtPdf, reportlab, pyhanko) are not imported here: the first screen
does not need them (see ``bench/startup.py``).
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, cast

from desktop import APP_NAME, APP_NAME_ZH
from desktop.resources import resource_path

if TYPE_CHECKING:  # imported where used, to keep them off the start-up path
    from desktop.services import Actor
    from desktop.store.db import Database
    from desktop.ui.mainwindow import MainWindow
    from desktop.ui.qt import QApplication, QTranslator

log = logging.getLogger(__name__)

#: Families tried in order for the interface font; the bundled WenQuanYi Micro Hei is the
#: fallback when the system has no CJK sans font (a bare Debian/UOS install may not).
CJK_SANS = (
    "Microsoft YaHei UI", "Microsoft YaHei", "PingFang SC", "Noto Sans CJK SC",
    "Source Han Sans SC", "WenQuanYi Micro Hei", "Droid Sans Fallback",
)
BUNDLED_SANS = ("resources", "fonts", "wqy-microhei.ttc")


def _before_qapplication() -> None:
    from desktop.ui.qt import QGuiApplication, Qt

    # Fractional scaling (125 %, 150 % on office laptops) without blurry rounding.
    QGuiApplication.setHighDpiScaleFactorRoundingPolicy(
        Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)


def install_translators(app: QApplication) -> list[QTranslator]:
    """Qt's own zh_CN strings (standard buttons, context menus) plus ours."""
    from desktop.ui.qt import QLibraryInfo, QLocale, QTranslator

    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    for old in getattr(app, "_translators", []):  # create_application may run again (tests)
        app.removeTranslator(old)
    loaded: list[QTranslator] = []
    qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    # Of the zh_CN catalogues PySide6 ships, only qtbase applies: it holds every widget,
    # standard dialog and print dialog string. The others are for QML, multimedia, serial
    # ports, Designer/Assistant/Linguist; ``qt_zh_CN`` is a meta file that just loads them.
    for name, directory in (("qtbase_zh_CN", qt_dir),
                            ("mediationdesk_zh_CN", str(resource_path("resources", "translations")))):
        tr = QTranslator(app)
        if tr.load(name, directory):
            app.installTranslator(tr)
            loaded.append(tr)
        else:
            log.info("translation %s not found in %s", name, directory)
    from desktop.ui.qt_zh import QtChineseFixes

    fixes = QtChineseFixes(app)  # installed last: asked first, for qtbase's few gaps
    app.installTranslator(fixes)
    loaded.append(fixes)
    app._translators = loaded  # type: ignore[attr-defined]  # on the wrapper: keeps them alive
    return loaded


def install_behaviour(app: QApplication) -> None:
    """What every QApplication of ours has, the tests' one included: the Chinese locale and
    translators, the wheel guard (no value changes under the mouse) and the fit guard (no
    window larger than the screen)."""
    from desktop.ui import guards

    install_translators(app)
    guards.install(app)


def choose_font(app: QApplication) -> str:
    """A CJK sans family for the whole interface; the bundled one only when the system has
    none. Asks the font matcher about our candidates instead of listing every installed font
    (QFontDatabase.families() costs tens of milliseconds of each start)."""
    from desktop.ui.qt import QFont, QFontDatabase, QFontInfo

    font = QFont(app.font())
    font.setFamilies(list(CJK_SANS))
    family = QFontInfo(font).family()
    if family not in CJK_SANS:
        fid = QFontDatabase.addApplicationFont(str(resource_path(*BUNDLED_SANS)))
        loaded = QFontDatabase.applicationFontFamilies(fid) if fid >= 0 else []
        if loaded:
            font.setFamilies([loaded[0], *CJK_SANS])
            family = loaded[0]
    from desktop.ui.settings_store import settings

    size = settings().get("ui/font_point_size")
    font.setPointSizeF(float(size) if size > 0 else max(font.pointSizeF(), 10.0))
    font.setStyleStrategy(QFont.StyleStrategy.PreferAntialias)
    app.setFont(font)
    return family


def apply_theme(app: QApplication) -> None:
    qss = resource_path("resources", "style", "mediationdesk.qss")
    try:
        app.setStyle("Fusion")  # same look on Windows, UOS/Kylin and the test machine
        style_dir = qss.parent.as_posix()
        app.setStyleSheet(qss.read_text(encoding="utf-8").replace("@STYLE_DIR@", style_dir))
    except OSError:
        log.warning("style sheet missing: %s", qss)


def collect_garbage_on_the_ui_thread(app: QApplication, interval_ms: int = 30_000) -> None:
    """Python's cycle collector runs in whichever thread allocates; a cycle holding a Qt
    wrapper freed on an ops worker thread deletes a widget off the GUI thread and crashes
    (seen in the UI tests). As Anki does: no automatic collection, collect on a UI timer."""
    import gc

    from desktop.ui.qt import QTimer

    gc.disable()
    timer = QTimer(app)
    timer.setObjectName("garbageCollector")
    timer.timeout.connect(gc.collect)
    timer.start(interval_ms)


def freeze_what_lives_all_day() -> None:
    """Collect once, then move every object still alive (the modules, the main window and its
    pages, the services) out of the periodic collections. Each collection would otherwise walk
    them all: 313,000 objects after login, a pause of 106 ms every 30 s on this machine (more
    on an old office PC), twice the 50 ms a stall may take. After this a collection walks only
    what was made since (`bench/gc_pause.py` prints both). Called once, after the main window
    has been shown and 案件 prepared; a cycle among the frozen objects is never freed, so
    nothing that comes and goes during the day (a case window, a dialog) is alive then."""
    import gc

    gc.collect()
    gc.freeze()


def create_application(argv: Sequence[str] | None = None) -> QApplication:
    """The QApplication with everything a screen expects (also used by tests/benches)."""
    from desktop.ui.qt import QApplication, QIcon, QObject

    app = cast("QApplication | None", QApplication.instance())
    if app is None:
        _before_qapplication()
        app = QApplication(list(argv or [sys.argv[0]]))
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName(APP_NAME_ZH)
    app.setOrganizationName(APP_NAME)
    app.setDesktopFileName("mediationdesk")
    app.setWindowIcon(QIcon(str(resource_path("resources", "icons", "mediationdesk.svg"))))
    choose_font(app)
    apply_theme(app)
    install_behaviour(app)  # after apply_theme: the guards wrap the style it sets
    if app.findChild(QObject, "garbageCollector") is None:
        collect_garbage_on_the_ui_thread(app)
    return app


# -- database ---------------------------------------------------------------------------------

def database_url_from_settings(
        ask_password: Callable[[dict[str, Any]], str | None] | None = None) -> str | None:
    """The URL the settings describe; None = embedded default (or ``MEDIATIONDESK_DB``)."""
    from desktop.services import connection

    if os.environ.get("MEDIATIONDESK_DB"):
        return None  # explicit override for tests, portable installs and support staff
    profile = connection.load_profile()
    if profile["mode"] != "lan":
        return connection.database_url(profile) if profile["sqlite_path"] else None
    password = connection.stored_password(profile)
    if password is None and ask_password is not None:
        password = ask_password(profile)
    return connection.database_url(profile, password or "")


def head_revision() -> str | None:
    """The newest migration id, read without importing Alembic (``store.opening``)."""
    from desktop.services import connection

    return connection.head_revision()


def open_database(url: str | None) -> Database:
    """Open the database for the GUI (``store.opening.open_for_desk``: created or migrated
    when needed, with the store's backup before migrating; a LAN schema only checked)."""
    from desktop.services import connection

    return connection.open_for_desk(url)


def use_replica(db: Database) -> None:
    """The LAN profile's connection options: PgBouncer in transaction mode (no server-side
    prepared statements, desktop.store.pooler) and the read replica that reports, search and
    the dashboard read when it names one (desktop.store.replica). A bad replica setting never
    keeps the desk from starting: reads then simply stay on the primary."""
    if os.environ.get("MEDIATIONDESK_DB") or db.is_sqlite:
        return
    from desktop.domain.errors import MediationError
    from desktop.services.connection import load_profile, to_profile
    from desktop.store import replica

    try:
        profile = to_profile(load_profile())
        if profile.pgbouncer:
            from desktop.store.pooler import through_pgbouncer

            through_pgbouncer(db)
        replica.attach_profile(db, profile)
    except (MediationError, ValueError) as err:
        logging.getLogger(__name__).warning("只读副本设置无效，统计和查询从主服务器读取：%s", err)


def _ask_lan_password(profile: dict[str, Any]) -> str | None:
    from desktop.ui.qt import QInputDialog, QLineEdit, translate

    text, ok = QInputDialog.getText(
        None, translate("app", "局域网数据库密码"),
        translate("app", "系统密钥环中没有保存 {user}@{host} 的密码，请输入：").format(
            user=profile["user"], host=profile["host"]),
        QLineEdit.EchoMode.Password)
    return text if ok else None


def _open_for_login(url: str | None) -> tuple[Database, bool]:
    """Worker thread, while the login dialog is up: open/migrate the database, ask whether
    this is a first start, and load the services the main window will need."""
    from desktop.services import SYSTEM, Desk, auth

    db = open_database(url)
    use_replica(db)
    needs_setup = bool(auth.bootstrap_needed(db))
    Desk(db, SYSTEM)  # imports every service module now rather than after the password
    import desktop

    _ = desktop.__version__  # reads package metadata (~60 ms) here, not on the UI thread
    import desktop.ui.dashboard
    import desktop.ui.mainwindow
    return db, needs_setup


def _database_settings() -> None:
    from desktop.ui.settings import DatabaseProfileDialog

    DatabaseProfileDialog(test_connection=check_connection).exec()


def check_connection(url: str) -> str:
    """Open, check and close a database without migrating it: the settings page's
    "测试连接". Returns a Chinese description; raises MediationError."""
    from desktop.services import connection

    return connection.check_connection(url)


def start_session(db: Database, actor: Actor) -> MainWindow:
    """Desk + main window for a logged-in actor (tests and the bench call this too)."""
    import desktop
    from desktop.services import Desk
    from desktop.ui.mainwindow import MainWindow
    from desktop.ui.qt import QApplication

    QApplication.setApplicationVersion(desktop.__version__)
    desk = Desk(db, actor)
    _warm_pinyin()
    return MainWindow(desk, db_label=db.describe(), is_local=bool(db.is_sqlite),
                      test_connection=check_connection)


def _warm_pinyin() -> None:
    """Load pypinyin's tables while the user reads the dashboard: otherwise the day's first
    save pays for it (half a second on an idle PC, seconds on a busy old one). Plain Python on
    a daemon thread, no Qt object: automatic garbage collection is off in the app."""
    import threading

    from desktop.domain.search import load_pinyin

    threading.Thread(target=load_pinyin, name="warm-pinyin", daemon=True).start()


def run_gui(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(level=os.environ.get("MEDIATIONDESK_LOG", "WARNING"))
    app = create_application(argv)
    from desktop.ui.login import FirstRunDialog, LoginDialog

    # The LAN password prompt (when the keyring has none) must run here, on the UI thread.
    state = {"url": database_url_from_settings(_ask_lan_password)}

    def change_settings() -> None:
        _database_settings()
        state["url"] = database_url_from_settings(_ask_lan_password)

    login = LoginDialog(open_db=lambda: _open_for_login(state["url"]),
                        db_settings=change_settings)
    result = login.exec()
    db = login.db
    if result == LoginDialog.NEEDS_SETUP:
        assert db is not None  # the dialog says NEEDS_SETUP once the database is open
        first = FirstRunDialog(db)
        if not first.exec() and first.actor is None:
            db.close()
            return 1
        # the new administrator's name filled in, the focus on the password
        login = LoginDialog(db, username=first.admin_username)
        result = login.exec()
    if result != LoginDialog.DialogCode.Accepted or login.actor is None or db is None:
        if db is not None:
            db.close()
        return 0
    from desktop.ui.login import ChangePasswordDialog

    actor = login.actor
    if actor.must_change_password:  # the services refuse everything else until it is changed
        import dataclasses

        from desktop.services import Desk

        if not ChangePasswordDialog(Desk(db, actor), forced=True).exec():
            db.close()
            return 0
        actor = dataclasses.replace(actor, must_change_password=False)
    window = start_session(db, actor)
    window.show()
    from desktop.ui.qt import QTimer

    # While the user reads 工作台 (its loads run on workers): 案件 is built ahead of its first
    # click; then, once that and the dashboard's first load are done, what lives all day is
    # frozen out of the periodic collections.
    QTimer.singleShot(300, window, lambda: window.prepare_pages(
        done=lambda: QTimer.singleShot(2_500, freeze_what_lives_all_day)))
    try:
        return int(app.exec())
    finally:
        db.close()


if __name__ == "__main__":
    raise SystemExit(run_gui(sys.argv))
