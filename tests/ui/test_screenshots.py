"""Screenshots of the shell's screens at 1280×800 for people (README links docs/screenshots/):
login, first run, 工作台, 案件, 设置.

Runs offscreen in the suite (grabs render the same widgets); for a look with a real X server:
``xvfb-run -a -s "-screen 0 1280x800x24" .venv/bin/pytest tests/ui/test_screenshots.py``.
``MEDIATIONDESK_SCREENSHOT_DIR`` redirects the output (default: docs/screenshots/). The test
checks each image's size and that it is not blank; a person looks at them before committing.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from desktop.app import start_session
from desktop.ui import ops
from desktop.ui.login import FirstRunDialog, LoginDialog
from desktop.ui.qt import QColor, QImage, QPainter, QPixmap, QRect, Qt, QWidget
from tests.helpers.qtinput import type_text

REPO = Path(__file__).resolve().parents[2]
SIZE = (1280, 800)


def out_dir() -> Path:
    d = Path(os.environ.get("MEDIATIONDESK_SCREENSHOT_DIR", REPO / "docs" / "screenshots"))
    d.mkdir(parents=True, exist_ok=True)
    return d


def settle(qtbot, widget: QWidget | None = None) -> None:
    ops.wait_idle(10000)
    qtbot.wait(60)
    ops.wait_idle(10000)
    if widget is not None:
        widget.repaint()


def save(pix: QPixmap, name: str) -> Path:
    path = out_dir() / f"{name}.png"
    img = pix.toImage()
    assert (img.width(), img.height()) == SIZE, name
    # not blank: many distinct colours over a grid (text, sidebar, borders)
    colours = {img.pixel(x, y) for x in range(0, img.width(), 5) for y in range(0, img.height(), 5)}
    assert len(colours) > 12, name
    assert img.save(str(path)), path
    return path


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


@pytest.fixture
def demo_desk():
    """A lived-in office: the demo generator's cases over two years, seen by a director.
    At a fixed path, so the status bar (and the PNGs) do not change from run to run."""
    import shutil
    import tempfile

    from desktop.services import Desk, auth, demo
    from desktop.store.opening import open_database

    where = Path(tempfile.gettempdir()) / "mediationdesk-screenshots"
    shutil.rmtree(where, ignore_errors=True)
    where.mkdir()
    db = open_database(f"sqlite:///{where / 'mediationdesk.sqlite3'}")
    login = demo.ensure_demo_accounts(db)
    assert login is not None
    demo.generate(db, 600, seed=20261127)
    desk = Desk(db, auth.login(db, "director1", login[1]))
    desk.admin_actor = auth.login(db, "demo", login[1])  # type: ignore[attr-defined]
    yield db, desk
    ops.wait_idle(10000)
    db.close()


@pytest.mark.slow
def test_every_screen(qtbot, ui_app, demo_desk, tmp_path):
    ui_db, desk = demo_desk
    written: list[Path] = []

    login = LoginDialog(ui_db)
    qtbot.addWidget(login)
    login.username.setText("director1")
    login.password.setFocus()
    login.show()
    settle(qtbot)
    written.append(save(dialog_on_backdrop(login), "login"))
    login.show_error("用户名或密码错误（再错 4 次将锁定账号）。")
    written.append(save(dialog_on_backdrop(login), "login-error"))

    from desktop.store.opening import open_database

    fresh = open_database(f"sqlite:///{tmp_path / 'fresh.sqlite3'}")
    first = FirstRunDialog(fresh)
    qtbot.addWidget(first)
    first.show()
    type_text(first.committee, "青山街道人民调解委员会")
    type_text(first.short_name, "青")
    type_text(first.display, "赵管理")
    written.append(save(dialog_on_backdrop(first), "first-run"))
    fresh.close()

    win = start_session(ui_db, desk.actor)
    qtbot.addWidget(win)
    win.setWindowState(Qt.WindowState.WindowNoState)
    win.resize(*SIZE)
    win.show()
    settle(qtbot, win)
    written.append(save(win.grab(), "dashboard"))

    cases = win.show_page("cases")
    settle(qtbot, win)
    written.append(save(win.grab(), "caselist"))
    type_text(cases.search, "王")
    cases.apply_now()
    cases.view.setFocus()  # no blinking cursor: the PNG changes only when the screen does
    qtbot.wait(500)  # the search box's clear button fades in
    settle(qtbot, win)
    written.append(save(win.grab(), "caselist-search"))

    win.close()
    admin = start_session(ui_db, desk.admin_actor)  # users and roles: administrators only
    qtbot.addWidget(admin)
    admin.resize(*SIZE)
    admin.show()
    settings_page = admin.show_page("settings")
    names = {"调解委员会": "settings-committee", "纠纷类型与来源": "settings-lists",
             "用户与角色": "settings-users", "数据库": "settings-database"}
    # 电子印章 and 数据 are photographed at 1366×768 by test_screenshots_seal.py
    tabs = [settings_page.tabs.tabText(i) for i in range(settings_page.tabs.count())]
    assert [t for t in tabs if t not in ("电子印章", "数据")] == list(names)
    for tab, name in names.items():
        settings_page.show_tab(tab)
        settle(qtbot, admin)
        written.append(save(admin.grab(), name))

    # 新建登记, the case window and 报表 are photographed by their own tests (intake-*.png,
    # case-*.png, reports.png).
    assert all(p.stat().st_size > 10_000 for p in written)


def test_screenshot_helper_rejects_blank_images(qtbot, ui_app, tmp_path, monkeypatch):
    monkeypatch.setenv("MEDIATIONDESK_SCREENSHOT_DIR", str(tmp_path))
    blank = QPixmap(*SIZE)
    blank.fill(QColor("white"))
    with pytest.raises(AssertionError):
        save(blank, "blank")

