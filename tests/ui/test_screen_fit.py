"""Fits the screen (issue 11, point 9): at 1366×768 and at 1920×1080 with 150 % scaling
(1280×720 logical pixels) the main window (every page), the case window (every tab) and every
dialog open within the available area, and their minimum size fits too. Each screen needs its
own QApplication, so each runs in a subprocess on the offscreen platform with a screen
configuration file (``offscreen:configfile=…``; QT_SCALE_FACTOR for the 150 %)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.gui, pytest.mark.slow]

REPO = Path(__file__).resolve().parents[2]

SCREENS = {
    "1366x768": ({"width": 1366, "height": 768}, "1"),
    "1920x1080@150%": ({"width": 1920, "height": 1080}, "1.5"),
}


def run_probe(tmp_path: Path, template: Path, screen: dict, scale: str) -> list[dict]:
    config = tmp_path / "screen.json"
    config.write_text(json.dumps({"windowFrameMargins": True, "screens": [
        {"name": "s1", "x": 0, "y": 0, **screen, "logicalDpi": 96, "logicalBaseDpi": 96,
         "dpr": 1.0}]}))
    db = tmp_path / "desk.sqlite3"
    shutil.copy(template, db)
    env = {**os.environ, "QT_QPA_PLATFORM": f"offscreen:configfile={config}",
           "QT_SCALE_FACTOR": scale, "PYTHONPATH": str(REPO),
           "MEDIATIONDESK_CONFIG_DIR": str(tmp_path / "config")}
    done = subprocess.run([sys.executable, "-m", "tests.ui.screenfit_probe", str(db)],
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=300,
                          check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("screen", list(SCREENS))
def test_every_window_fits(tmp_path, ui_template_db, screen):
    size, scale = SCREENS[screen]
    rows = run_probe(tmp_path, ui_template_db, size, scale)
    windows = [r for r in rows if "frame" in r]
    assert len(windows) >= 20
    area = windows[0]["available"]
    if screen.endswith("150%"):
        assert area[2:] == [1280, 720]
    bad = []
    for r in windows:
        x, y, w, h = r["frame"]
        ax, ay, aw, ah = r["available"]
        if x < ax or y < ay or x + w > ax + aw or y + h > ay + ah:
            bad.append((r["name"], "frame", r["frame"]))
        if r["min_hint"][0] > aw or r["min_hint"][1] > ah - 36:
            bad.append((r["name"], "minimumSizeHint", r["min_hint"]))
        if r["minimum"][0] > aw or r["minimum"][1] > ah - 36:
            bad.append((r["name"], "minimum", r["minimum"]))
    assert not bad, f"{screen}: {bad}"
    main = next(r for r in windows if r["name"] == "main:dashboard")
    # the default takes at most 90 % (or the window's minimum, when that is more)
    assert main["frame"][3] <= max(area[3] * 0.9, main["minimum"][1]) + 8
    combo = next(r for r in rows if r["name"] == "session kind combo")
    assert combo["text"] == "司法所工作人员" and combo["width"] >= combo["needed"], combo


def test_saved_geometry_used_only_when_it_fits(qtbot):
    from desktop.ui import screenfit
    from desktop.ui.qt import QApplication, QMainWindow

    area = QApplication.primaryScreen().availableGeometry()
    big = QMainWindow()
    qtbot.addWidget(big)
    big.setGeometry(area.x(), area.y(), area.width() + 600, area.height() + 400)
    saved_big = big.saveGeometry()
    small = QMainWindow()
    qtbot.addWidget(small)
    small.setGeometry(area.x() + 10, area.y() + 40, area.width() // 2, area.height() // 2)
    saved_small = small.saveGeometry()

    window = QMainWindow()
    qtbot.addWidget(window)
    assert not screenfit.restore_geometry(window, saved_big)
    assert screenfit.restore_geometry(window, saved_small)
    assert window.size() == small.size()
    assert not screenfit.restore_geometry(window, b"")
    window.resize(area.width() + 300, area.height() + 300)
    window.show()  # the fit guard shrinks any window shown larger than the screen
    assert window.width() <= area.width() and window.height() <= area.height()
