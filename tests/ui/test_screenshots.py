"""The shell's screens at 1280×800 (login, first run, 工作台, 案件, 设置), checked two ways
(tests/helpers/screens.py):

- against the committed references, the PNGs the README shows in ``docs/screenshots/``, with a
  tolerance for antialiasing: login, login-error, first-run and the four settings tabs. 工作台
  and 案件 show today's deadlines and ages, so they change every day and have no pixel
  reference;
- by what is drawn, for every screen: each widget inside the window and its parents, no label,
  button or tab with its text cut off; and again for every page of the main window at 1366×768;
- ``test_a_broken_screen_fails`` hides a button, moves a field and shrinks the window on
  purpose and sees both checks fail.

The tests always run on the offscreen platform (tests/conftest.py sets it, also under
xvfb-run), so the images are the same with and without an X server. New images go to
``MEDIATIONDESK_SCREENSHOT_DIR`` (default: the test's temporary folder). After a deliberate
change of a screen, refresh the references and look at every PNG before committing::

    MEDIATIONDESK_SCREENSHOTS=1 .venv/bin/python -m pytest tests/ui/test_screenshots.py
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from desktop.app import start_session
from desktop.ui import ops
from desktop.ui.login import FirstRunDialog, LoginDialog
from desktop.ui.qt import (
    QColor,
    QGuiApplication,
    QImage,
    QLabel,
    QPainter,
    QPixmap,
    QRect,
    Qt,
    QWidget,
)
from tests.helpers import screens
from tests.helpers.qtinput import type_text

REPO = Path(__file__).resolve().parents[2]
SIZE = (1280, 800)


def out_dir(tmp_path: Path) -> Path:
    d = Path(os.environ.get("MEDIATIONDESK_SCREENSHOT_DIR", tmp_path / "screenshots"))
    d.mkdir(parents=True, exist_ok=True)
    return d


def settle(qtbot, widget: QWidget | None = None) -> None:
    ops.wait_idle(10000)
    qtbot.wait(60)
    ops.wait_idle(10000)
    if widget is not None:
        widget.repaint()


def save(pix: QPixmap, name: str, out: Path, *, reference: bool = True,
         masks: list[QRect] | None = None) -> Path:
    """Write the screen to ``out`` (and to the references when refreshing them); compare it
    with its reference unless it shows today's data (``reference=False``)."""
    path = out / f"{name}.png"
    img = pix.toImage()
    assert (img.width(), img.height()) == SIZE, name
    # not blank: many distinct colours over a grid (text, sidebar, borders)
    colours = {img.pixel(x, y) for x in range(0, img.width(), 5) for y in range(0, img.height(), 5)}
    assert len(colours) > 12, name
    assert img.save(str(path)), path
    if reference:
        screens.check(img, name, out, masks or [])
    elif screens.updating():  # the README's 工作台 and 案件 pictures, refreshed with the rest
        assert img.save(str(screens.REFERENCES / f"{name}.png"))
    return path


def drawn_right(window: QWidget, *texts: str) -> None:
    """What is drawn: nothing outside the window or cut off, and these texts on screen."""
    assert screens.layout_problems(window) == []
    missing = set(texts) - screens.visible_texts(window)
    assert not missing, f"not on screen: {sorted(missing)}"


def this_year_masks(window: QWidget) -> list[QRect]:
    """Labels that print this year (the case-number example): they change every January."""
    year = str(dt.date.today().year)
    return [screens.rect_in(window, w) for w in window.findChildren(QLabel)
            if w.isVisible() and year in w.text()]


def dialog_on_backdrop(dialog: QWidget) -> QPixmap:
    """A dialog centred on a dimmed 1280×800 desk, the way the user meets it."""
    dialog.adjustSize()
    shot = dialog.grab()
    canvas = QImage(SIZE[0], SIZE[1], QImage.Format.Format_RGB32)
    canvas.fill(QColor("#1e2b3c"))
    p = QPainter(canvas)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    x = (SIZE[0] - shot.width()) // 2
    y = (SIZE[1] - shot.height()) // 2
    for i in range(12, 0, -3):  # soft shadow
        p.fillRect(QRect(x - i, y - i + 6, shot.width() + 2 * i, shot.height() + 2 * i),
                   QColor(0, 0, 0, 18))
    p.drawPixmap(x, y, shot)
    p.end()
    return QPixmap.fromImage(canvas)


@pytest.fixture(scope="module")
def demo_desk(tmp_path_factory):
    """A lived-in office: the demo generator's cases over two years, seen by a director.
    At a fixed path, so the status bar (and the PNGs) do not change from run to run. Built
    once for the module (the tests here change no data), before the per-test user dirs of
    tests/ui/conftest.py exist: it gets its own while it is built."""
    import shutil
    import tempfile

    from desktop.services import Desk, auth, demo
    from desktop.store.opening import open_database

    where = Path(tempfile.gettempdir()) / "mediationdesk-screenshots"
    shutil.rmtree(where, ignore_errors=True)
    where.mkdir()
    home = tmp_path_factory.mktemp("screenshots-home")
    with pytest.MonkeyPatch.context() as env:
        env.setenv("MEDIATIONDESK_CONFIG_DIR", str(home / "config"))
        env.setenv("MEDIATIONDESK_DATA_DIR", str(home / "data"))
        db = open_database(f"sqlite:///{where / 'mediationdesk.sqlite3'}")
        login = demo.ensure_demo_accounts(db)
        assert login is not None
        demo.generate(db, 600, seed=20261127)
        desk = Desk(db, auth.login(db, "director1", login[1]))
        desk.admin_actor = auth.login(db, "demo", login[1])  # type: ignore[attr-defined]
    yield db, desk
    ops.wait_idle(10000)
    db.close()


SETTINGS = {"调解委员会": "settings-committee", "纠纷类型与来源": "settings-lists",
            "用户与角色": "settings-users", "数据库": "settings-database"}


def admin_window(qtbot, desk, ui_db, size=SIZE):  # type: ignore[no-untyped-def]
    admin = start_session(ui_db, desk.admin_actor)  # users and roles: administrators only
    qtbot.addWidget(admin)
    admin.setWindowState(Qt.WindowState.WindowNoState)
    admin.resize(*size)
    admin.show()
    return admin


@pytest.mark.slow
def test_every_screen(qtbot, ui_app, demo_desk, tmp_path):
    ui_db, desk = demo_desk
    out = out_dir(tmp_path)
    # the references are offscreen renderings: tests/conftest.py sets the platform, also
    # when the suite runs under xvfb-run
    assert QGuiApplication.platformName() == "offscreen"

    login = LoginDialog(ui_db)
    qtbot.addWidget(login)
    login.username.setText("director1")
    login.password.setFocus()
    login.show()
    settle(qtbot)
    drawn_right(login, "调解台", "用户名", "密码", "登录", "退出")
    save(dialog_on_backdrop(login), "login", out)
    login.show_error("用户名或密码错误（再错 4 次将锁定账号）。")
    drawn_right(login, "用户名或密码错误（再错 4 次将锁定账号）。")
    save(dialog_on_backdrop(login), "login-error", out)

    from desktop.store.opening import open_database

    fresh = open_database(f"sqlite:///{tmp_path / 'fresh.sqlite3'}")
    first = FirstRunDialog(fresh)
    qtbot.addWidget(first)
    first.show()
    type_text(first.committee, "青山街道人民调解委员会")
    type_text(first.short_name, "青")
    type_text(first.display, "赵管理")
    drawn_right(first, "调解委员会名称", "管理员用户名", "青山街道人民调解委员会", "赵管理")
    save(dialog_on_backdrop(first), "first-run", out)
    fresh.close()

    win = start_session(ui_db, desk.actor)
    qtbot.addWidget(win)
    win.setWindowState(Qt.WindowState.WindowNoState)
    win.resize(*SIZE)
    win.show()
    settle(qtbot, win)
    drawn_right(win, "工作台", "我的未结案件", "今日调解安排", "待回访", "矛盾风险预警")
    save(win.grab(), "dashboard", out, reference=False)

    cases = win.show_page("cases")
    settle(qtbot, win)
    drawn_right(win)
    save(win.grab(), "caselist", out, reference=False)
    type_text(cases.search, "王")
    cases.apply_now()
    cases.view.setFocus()  # no blinking cursor: the PNG changes only when the screen does
    qtbot.wait(500)  # the search box's clear button fades in
    settle(qtbot, win)
    drawn_right(win, "王")
    save(win.grab(), "caselist-search", out, reference=False)
    win.close()

    admin = admin_window(qtbot, desk, ui_db)
    settings_page = admin.show_page("settings")
    # 电子印章 and 数据 are photographed at 1366×768 by test_screenshots_seal.py
    tabs = [settings_page.tabs.tabText(i) for i in range(settings_page.tabs.count())]
    assert [t for t in tabs if t not in ("电子印章", "数据")] == list(SETTINGS)
    for tab, name in SETTINGS.items():
        settings_page.show_tab(tab)
        settle(qtbot, admin)
        drawn_right(admin, "设置", *tabs)
        save(admin.grab(), name, out, masks=this_year_masks(admin))
    # 新建登记, the case window and 报表 are photographed by their own tests (intake-*.png,
    # case-*.png, reports.png).


@pytest.mark.slow
def test_every_page_fits_1366x768(qtbot, ui_app, demo_desk):
    """What is drawn on each page of the main window (and each settings tab) at 1366×768."""
    from desktop.ui.mainwindow import PAGES

    ui_db, desk = demo_desk
    admin = admin_window(qtbot, desk, ui_db, (1366, 768))
    assert (admin.width(), admin.height()) == (1366, 768)
    for key in PAGES:
        page = admin.show_page(key)
        settle(qtbot, admin)
        assert screens.layout_problems(admin) == [], key
        tabs = getattr(page, "tabs", None)
        for i in range(tabs.count() if key == "settings" and tabs is not None else 0):
            tabs.setCurrentIndex(i)
            settle(qtbot, admin)
            assert screens.layout_problems(admin) == [], tabs.tabText(i)


@pytest.mark.slow
def test_a_broken_screen_fails(qtbot, ui_app, demo_desk, tmp_path):
    """Both checks can fail: a hidden button, a moved field, a label too narrow for its text
    and a shrunken window are each caught."""
    if screens.updating():
        pytest.skip("refreshing the references")
    from desktop.ui.qt import QPushButton

    ui_db, desk = demo_desk
    admin = admin_window(qtbot, desk, ui_db)
    page = admin.show_page("settings")
    page.show_tab("用户与角色")
    settle(qtbot, admin)
    name = "settings-users"
    screens.check(admin.grab().toImage(), name, tmp_path)  # as committed: passes

    def fails(why: str) -> str:
        settle(qtbot, admin)
        with pytest.raises(AssertionError) as caught:
            screens.check(admin.grab().toImage(), name, tmp_path / why)
        assert (tmp_path / why / f"{name}-diff.png").exists() or "size" in str(caught.value)
        return str(caught.value)

    button = next(b for b in admin.findChildren(QPushButton)
                  if b.isVisible() and b.text() == "修改角色…")
    where = screens.rect_in(admin, button)
    button.hide()
    message = fails("hidden")
    wx, wy = (int(v) for v in message.split("square at (")[1].split(")")[0].split(", "))
    # the worst change is on the button's row, where it was or where its neighbours moved to
    assert where.y() - 32 < wy <= where.bottom() and wx > where.x() - 32, message
    button.show()
    settle(qtbot, admin)
    screens.check(admin.grab().toImage(), name, tmp_path)  # back as it was

    margins = page.layout().contentsMargins()
    page.layout().setContentsMargins(margins.left() + 6, margins.top() + 6, margins.right(),
                                     margins.bottom())
    fails("moved")
    page.layout().setContentsMargins(margins)

    label = next(w for w in admin.findChildren(QLabel) if w.isVisible() and w.text() == "设置")
    label.setFixedWidth(12)
    settle(qtbot, admin)
    assert [p.split(" needs")[0] for p in screens.layout_problems(admin)] == [
        "QLabel#pageTitle('设置')"]
    label.setMinimumWidth(0)
    label.setMaximumWidth(16777215)

    admin.setFixedSize(640, 480)  # below what its layout needs: fields squeezed and cut
    settle(qtbot, admin)
    assert (admin.width(), admin.height()) == (640, 480)
    assert "size" in fails("shrunk")
    problems = screens.layout_problems(admin)
    cut = {p.split("(")[0] for p in problems}  # the buttons, the tabs, the status line
    assert {"QPushButton#addUser", "QTabBar#qt_tabwidget_tabbar", "QLabel#dbStatus"} <= cut, problems


def test_the_tolerance_passes_font_noise_and_fails_a_missing_word(tmp_path):
    """Antialiasing noise (a JPEG round trip blurs every glyph edge) passes; a word painted
    over fails."""
    from PIL import Image, ImageDraw

    reference = Image.open(screens.REFERENCES / "settings-users.png").convert("RGB")
    noisy_file = tmp_path / "noisy.jpg"
    reference.save(noisy_file, quality=75)
    noisy = Image.open(noisy_file).convert("RGB")
    assert screens.compare(noisy, reference).ok, screens.compare(noisy, reference)
    covered = reference.copy()
    ImageDraw.Draw(covered).rectangle((440, 230, 500, 250), fill=(255, 255, 255))  # 王建国
    found = screens.compare(covered, reference)
    assert not found.ok and found.worst_tile > screens.MAX_TILE, found


def test_screenshot_helper_rejects_blank_images(qtbot, ui_app, tmp_path):
    blank = QPixmap(*SIZE)
    blank.fill(QColor("white"))
    with pytest.raises(AssertionError):
        save(blank, "blank", tmp_path)
