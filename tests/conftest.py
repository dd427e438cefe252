"""Top-level test setup shared by every suite.

Qt runs offscreen in every test (set once here, before anything imports Qt); screenshots for
people are taken separately under Xvfb. Keep edits here additive: several engineers add to it.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

os.environ["QT_QPA_PLATFORM"] = "offscreen"
os.environ.setdefault("QT_QUICK_BACKEND", "software")

# `from tests.helpers.qtinput import …` works whether or not pytest put the repo root on sys.path.
_REPO = str(Path(__file__).resolve().parent.parent)
if _REPO not in sys.path:
    sys.path.insert(0, _REPO)

# Shared fixtures: the template SQLite database and the throwaway PostgreSQL server.
pytest_plugins = ["tests.helpers.db", "tests.helpers.pg", "tests.helpers.keyring"]


# Python's cycle collector runs in whichever thread happens to allocate. A cycle holding a Qt
# widget's wrapper collected on an ops worker thread deletes the widget off the GUI thread and
# crashes the process (seen as a segfault "Garbage-collecting" inside a SQLAlchemy call). As
# Anki does, cycles are collected on the main thread only: after every test here.
@pytest.fixture(autouse=True)
def _collect_cycles_on_the_main_thread():
    import gc

    gc.disable()
    yield
    gc.collect()


@pytest.fixture(scope="session")
def qapp(qapp):
    """pytest-qt's QApplication with the app's own behaviour (Chinese locale and translators,
    the wheel guard), so every widget test sees what a user sees."""
    from desktop.app import install_behaviour

    install_behaviour(qapp)
    return qapp
