"""The bootstrap: Chinese for Qt's own strings, a CJK font, the theme, the database URL from
the settings (never a password in the ini file)."""

from __future__ import annotations

from desktop.app import database_url_from_settings, head_revision
from desktop.services import connection
from desktop.ui.qt import QApplication, QDialogButtonBox, QFontInfo


def test_qt_standard_buttons_are_chinese(qtbot, ui_app):
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                           | QDialogButtonBox.StandardButton.Cancel)
    qtbot.addWidget(box)
    texts = {b.text().replace("&", "") for b in box.buttons()}
    assert texts == {"确定", "取消"}


def test_font_and_theme(ui_app):
    app = QApplication.instance()
    assert "QMainWindow" in app.styleSheet() and "@STYLE_DIR@" not in app.styleSheet()
    assert app.font().pointSizeF() >= 10
    assert QFontInfo(app.font()).family()  # resolved to an installed family
    assert app.applicationDisplayName() == "调解台"


def test_database_url_from_settings(monkeypatch, tmp_path):
    assert database_url_from_settings() is None  # embedded default
    connection.save_profile({"mode": "lan", "host": "10.1.2.3"})
    url = database_url_from_settings(ask_password=lambda profile: "pw!")
    assert url == ("postgresql+psycopg://mediationdesk:pw%21@10.1.2.3:5432/mediationdesk"
                   "?sslmode=prefer")
    ini = (tmp_path / "config" / "mediationdesk.ini").read_text()
    assert "10.1.2.3" in ini and "pw!" not in ini
    monkeypatch.setenv("MEDIATIONDESK_DB", "sqlite:////tmp/x.sqlite3")
    assert database_url_from_settings() is None  # the environment wins: Database.open reads it


def test_the_gui_url_keeps_the_tls_mode(tmp_path):
    """The GUI opens a LAN server with the profile's sslmode, as the CLI does (it used to
    build its own URL and drop it: a server that requires TLS was then refused)."""
    from desktop.store import profiles

    profiles.save_profile(profiles.Profile(mode="lan", host="10.1.2.3", sslmode="require"))
    url = database_url_from_settings(ask_password=lambda profile: "pw")
    assert url is not None and url.endswith("?sslmode=require")
    assert url == profiles.load_profile().url("pw")


def test_head_revision_matches_alembic():
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from desktop.resources import resource_path

    cfg = Config()
    cfg.set_main_option("script_location", str(resource_path("migrations")))
    assert head_revision() == ScriptDirectory.from_config(cfg).get_current_head()


def test_what_lives_all_day_is_frozen_and_what_the_day_makes_is_still_freed(qtbot, ui_app):
    """After login the app freezes what is alive (freeze_what_lives_all_day): the periodic
    collection then walks only what was made since, and still frees a cycle made later, Qt
    object and all."""
    import gc
    import weakref

    from desktop.app import freeze_what_lives_all_day
    from desktop.ui.qt import QObject, QWidget

    gc.unfreeze()  # the suite freezes after every test; start from nothing frozen
    assert gc.get_freeze_count() == 0
    window = QWidget()
    qtbot.addWidget(window)
    gc.collect()  # what earlier tests left as garbage cycles, no longer frozen: not alive
    tracked = len(gc.get_objects())
    freeze_what_lives_all_day()
    assert gc.get_freeze_count() >= tracked * 0.9  # everything alive

    class Holder:
        pass

    holder = Holder()
    holder.me = holder  # a cycle, made after the freeze
    holder.obj = QObject()
    gone = weakref.ref(holder)
    del holder
    assert gone() is not None  # automatic collection is off, as in the app
    gc.collect()
    assert gone() is None
