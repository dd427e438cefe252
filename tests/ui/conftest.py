"""UI test fixtures.

Every test gets its own settings file and user dirs (never the real home). Databases: one
migrated SQLite template with a committee, an administrator, a mediator and a few cases is
built once per session and copied per test (Anki's habit), which also proves the migrations
run. Fixture names carry a ``ui_`` prefix so they never shadow the foundation's fixtures.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import desktop.ui.qt  # noqa: F401 - applies the PySide6 emit() workaround before any test
from tests.helpers.uidb import ADMIN, MEDIATOR, seed


@pytest.fixture(autouse=True)
def _isolated_user_dirs(tmp_path, monkeypatch):
    monkeypatch.setenv("MEDIATIONDESK_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("MEDIATIONDESK_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.delenv("MEDIATIONDESK_DB", raising=False)
    yield
    from desktop.ui import ops

    ops.wait_idle(5000)  # no worker may outlive its test's database


@pytest.fixture(scope="session")
def ui_template_db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("ui-template") / "template.sqlite3"
    seed(path)
    return path


@pytest.fixture
def ui_db(ui_template_db, tmp_path):
    from desktop.store.opening import open_database

    path = tmp_path / "desk.sqlite3"
    shutil.copy(ui_template_db, path)
    db = open_database(f"sqlite:///{path}")
    yield db
    from desktop.ui import ops

    ops.wait_idle(5000)
    db.close()


@pytest.fixture(scope="session")
def ui_actors(ui_template_db):
    """Log in once on the template (Argon2 is slow on purpose); copies share the user ids."""
    import dataclasses

    from desktop.services import auth
    from desktop.store.db import Database

    db = Database.connect(f"sqlite:///{ui_template_db}")
    try:
        # the seed's mediator must still change the initial password (test_login tests that);
        # the other suites act as a mediator who has done so
        mediator = dataclasses.replace(auth.login(db, *MEDIATOR), must_change_password=False)
        return {"admin": auth.login(db, *ADMIN), "mediator": mediator}
    finally:
        db.close()


@pytest.fixture
def ui_admin_desk(ui_db, ui_actors):
    from desktop.services import Desk

    return Desk(ui_db, ui_actors["admin"])


@pytest.fixture
def ui_mediator_desk(ui_db, ui_actors):
    from desktop.services import Desk

    return Desk(ui_db, ui_actors["mediator"])


