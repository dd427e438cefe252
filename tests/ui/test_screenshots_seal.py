"""Screenshots at 1366×768 of the seal and data screens (docs/screenshots/seal-setup.png,
settings-seal.png, settings-data.png). For a look with a real X server:
``xvfb-run -a -s "-screen 0 1366x768x24" .venv/bin/pytest tests/ui/test_screenshots_seal.py``.
``MEDIATIONDESK_SCREENSHOT_DIR`` redirects the output. A person looks before committing."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
from pathlib import Path

import pytest

from desktop.app import start_session
from desktop.ui import ops
from desktop.ui.qt import QColor, QFont, QImage, QPainter, QPen, QPixmap, QRect, Qt, QWidget
from tests.helpers.firstrun import to_seal_step
from tests.helpers.qtinput import type_text
from tests.helpers.uidb import ADMIN, seed

REPO = Path(__file__).resolve().parents[2]
SIZE = (1366, 768)
SEAL_PW = "Seal#2026"

pytestmark = [pytest.mark.gui, pytest.mark.slow]


def out_dir() -> Path:
    d = Path(os.environ.get("MEDIATIONDESK_SCREENSHOT_DIR", REPO / "docs" / "screenshots"))
    d.mkdir(parents=True, exist_ok=True)
    return d


def save(pix: QPixmap, name: str) -> Path:
    img = pix.toImage()
    assert (img.width(), img.height()) == SIZE, name
    colours = {img.pixel(x, y) for x in range(0, img.width(), 5) for y in range(0, img.height(), 5)}
    assert len(colours) > 12, name
    path = out_dir() / f"{name}.png"
    assert img.save(str(path)), path
    return path


def settle(qtbot, widget: QWidget | None = None) -> None:
    ops.wait_idle(10000)
    qtbot.wait(80)
    ops.wait_idle(10000)
    if widget is not None:
        widget.repaint()


def on_backdrop(dialog: QWidget) -> QPixmap:
    dialog.adjustSize()
    shot = dialog.grab()
    canvas = QImage(SIZE[0], SIZE[1], QImage.Format.Format_RGB32)
    canvas.fill(QColor("#1e2b3c"))
    p = QPainter(canvas)
    x, y = (SIZE[0] - shot.width()) // 2, max(0, (SIZE[1] - shot.height()) // 2)
    for i in range(12, 0, -3):
        p.fillRect(QRect(x - i, y - i + 6, shot.width() + 2 * i, shot.height() + 2 * i),
                   QColor(0, 0, 0, 18))
    p.drawPixmap(x, y, shot)
    p.end()
    return QPixmap.fromImage(canvas)


def round_seal(path: Path, name: str = "青山街道人民调解委员会") -> Path:
    """A red round seal like a scanned one: ring, star, the committee's name on the arc."""
    size = 400
    img = QImage(size, size, QImage.Format.Format_ARGB32)
    img.fill(Qt.GlobalColor.transparent)
    p = QPainter(img)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    red = QColor("#d0202e")
    p.setPen(QPen(red, 14))
    p.drawEllipse(12, 12, size - 24, size - 24)
    font = QFont()
    font.setPixelSize(40)
    font.setBold(True)
    p.setFont(font)
    p.setPen(red)
    n = len(name)
    for i, ch in enumerate(name):
        angle = -125 + 250 * i / (n - 1) if n > 1 else 0
        p.save()
        p.translate(size / 2, size / 2)
        p.rotate(angle)
        p.drawText(QRect(-26, -size // 2 + 30, 52, 52), Qt.AlignmentFlag.AlignCenter, ch)
        p.restore()
    font.setPixelSize(110)
    p.setFont(font)
    p.drawText(QRect(0, 120, size, 140), Qt.AlignmentFlag.AlignCenter, "★")
    p.end()
    img.save(str(path), "PNG")
    return path


@pytest.fixture
def office(keyring_backend):
    where = Path(tempfile.gettempdir()) / "mediationdesk-seal-shots"
    shutil.rmtree(where, ignore_errors=True)
    where.mkdir()
    path = where / "mediationdesk.sqlite3"
    seed(path)
    from desktop.services import Desk, auth
    from desktop.store.opening import open_database

    db = open_database(f"sqlite:///{path}")
    desk = Desk(db, auth.login(db, *ADMIN))
    yield where, db, desk
    ops.wait_idle(10000)
    db.close()


@pytest.fixture
def keyring_backend(memory_keyring):
    from desktop.services import seal

    seal.forget_session()
    yield memory_keyring
    seal.forget_session()


def test_seal_and_data_screens(qtbot, ui_app, office, tmp_path):
    from desktop.services.seal import SealService
    from desktop.store.backup import daily_backup
    from desktop.store.opening import open_database
    from desktop.ui.login import FirstRunDialog

    where, db, desk = office
    written: list[Path] = []
    image = round_seal(where / "公章.png")

    # first run, step 2: the seal
    fresh = open_database(f"sqlite:///{tmp_path / 'fresh.sqlite3'}")
    try:
        first = FirstRunDialog(fresh)
        qtbot.addWidget(first)
        first.show()
        to_seal_step(qtbot, first, display="赵管理")
        first.seal_form.set_image_file(str(image))
        type_text(first.seal_form.pw1, SEAL_PW)
        type_text(first.seal_form.pw2, SEAL_PW)
        settle(qtbot, first)
        written.append(save(on_backdrop(first), "seal-setup"))
        first.close()
    finally:
        ops.wait_idle(10000)
        fresh.close()

    # 设置→电子印章 after one renewal (an older certificate kept for verification)
    seals = SealService(db, desk.actor)
    seals.generate(SEAL_PW, SEAL_PW)
    seals.renew("Seal#2027", "Seal#2027")
    seals.replace_image(image.read_bytes())
    for day in (dt.date(2026, 11, 28), dt.date(2026, 11, 29), dt.date(2026, 11, 30)):
        daily_backup(db, today=day)

    win = start_session(db, desk.actor)
    qtbot.addWidget(win)
    win.setWindowState(Qt.WindowState.WindowNoState)
    win.resize(*SIZE)
    win.show()
    page = win.show_page("settings")
    page.show_tab("电子印章")
    qtbot.waitUntil(lambda: page.seal.info is not None and page.seal.info.configured,
                    timeout=10000)
    settle(qtbot, win)
    written.append(save(win.grab(), "settings-seal"))

    data = page.show_tab("数据")
    data.backup(str(where / "备份" / "调解台备份-20261130-1530.mdbackup"))
    qtbot.waitUntil(lambda: data.last_result is not None, timeout=30000)
    # the three days made above, and today's copy when the session opened on a later day
    qtbot.waitUntil(lambda: data.daily.rowCount() >= 3, timeout=10000)
    settle(qtbot, win)
    written.append(save(win.grab(), "settings-data"))
    assert all(p.stat().st_size > 10_000 for p in written)
