"""Top-level test setup shared by every suite.

Qt runs offscreen in every test (set once here, before anything imports Qt); screenshots for
people are taken separately under Xvfb. Keep edits here additive: several engineers add to it.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

import pytest

os.environ["QT_QPA_PLATFORM"] = "offscreen"
# A desk-sized offscreen screen (Qt's default is 800×800): windows are kept within the screen
# (desktop.ui.screenfit), so 1280×800 screenshots need a screen that has room for them.
_SCREEN = Path(tempfile.gettempdir()) / "mediationdesk-test-screen-1920x1080.json"
_SCREEN.write_text(json.dumps({"screens": [
    {"name": "test", "x": 0, "y": 0, "width": 1920, "height": 1080, "logicalDpi": 96,
     "logicalBaseDpi": 96, "dpr": 1.0}]}), encoding="utf-8")
os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={_SCREEN}"
os.environ.setdefault("QT_QUICK_BACKEND", "software")

# `from tests.helpers.qtinput import …` works whether or not pytest put the repo root on sys.path.
_REPO = str(Path(__file__).resolve().parent.parent)
if _REPO not in sys.path:
    sys.path.insert(0, _REPO)

# Shared fixtures: the template SQLite database and the throwaway PostgreSQL server.
# tests.helpers.markers marks every Qt test `gui` and every PostgreSQL test `postgres`.
pytest_plugins = ["tests.helpers.db", "tests.helpers.pg", "tests.helpers.keyring",
                  "tests.helpers.pg_replica", "tests.helpers.markers", "pytester"]


# Python's cycle collector runs in whichever thread happens to allocate. A cycle holding a Qt
# widget's wrapper collected on an ops worker thread deletes the widget off the GUI thread and
# crashes the process (seen as a segfault "Garbage-collecting" inside a SQLAlchemy call). As
# Anki does, cycles are collected on the main thread only: after every test here. What is still
# alive after that collection (modules, session and module fixtures, caches) is frozen out of
# later collections, so each one looks only at what the next test made: a full collection
# over everything the run had accumulated took 2.5 s per test late in the suite (0.06 s alone),
# over half of the whole run's time. Only a cycle among frozen objects is never freed.
@pytest.fixture(autouse=True)
def _collect_cycles_on_the_main_thread():
    import gc

    gc.disable()
    yield
    gc.collect()
    gc.freeze()


@pytest.fixture(scope="session")
def qapp(qapp):
    """pytest-qt's QApplication with the app's own behaviour (Chinese locale and translators,
    the wheel guard), so every widget test sees what a user sees."""
    from desktop.app import install_behaviour

    install_behaviour(qapp)
    return qapp


@pytest.fixture
def ui_app(qapp):
    """The QApplication set up as the real app does (translators, font, theme)."""
    from desktop.app import create_application

    return create_application()


# The app reads a few MEDIATIONDESK_* variables (the seal password above all). A suite that
# sets one for its module must put it back: a leaked seal password made every later test that
# expects an unsigned or keyring-held key sign with the wrong password (CI failure, 2026-11-30).
_ENV_AT_START = {k: v for k, v in os.environ.items() if k.startswith("MEDIATIONDESK_")}
_last_module: list[str] = []


def pytest_runtest_setup(item: pytest.Item) -> None:
    module = item.nodeid.split("::", 1)[0]
    if _last_module and _last_module[0] != module:
        now = {k: v for k, v in os.environ.items() if k.startswith("MEDIATIONDESK_")}
        if now != _ENV_AT_START:
            changed = sorted(set(now.items()) ^ set(_ENV_AT_START.items()))
            pytest.fail(f"{_last_module[0]} left environment variables changed: "
                        f"{sorted({k for k, _ in changed})}", pytrace=False)
    _last_module[:] = [module]
