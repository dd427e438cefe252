"""Settings are declared once, typed, stored in the ini file, never passwords; the database
profile in the same file is the store's (written through ``services.connection``)."""

from __future__ import annotations

import pytest

from desktop.services import connection
from desktop.ui import settings_store
from desktop.ui.settings_store import SETTINGS, Setting, _declare, settings


def test_declared_defaults_and_typed_round_trip(tmp_path):
    s = settings()
    assert s.path.parent == tmp_path / "config"
    assert s.get("caselist/page_size") == 200 and s.get("ui/last_page") == "dashboard"
    s.set("caselist/page_size", 300)
    s.set("ui/geometry", b"\x01\x02")
    s.sync()
    again = settings_store.SettingsStore(s.path)
    assert again.get("caselist/page_size") == 300
    assert again.get("ui/geometry") == b"\x01\x02"
    assert "300" in s.path.read_text()


def test_the_profile_and_the_qt_settings_share_the_ini(tmp_path):
    """The store writes [db]; QSettings writes the rest; neither loses the other's keys."""
    s = settings()
    s.set("ui/last_page", "reports")
    s.sync()
    connection.save_profile({"mode": "lan", "host": "10.0.0.5", "port": 5433, "sslmode": "require"})
    s.set("caselist/page_size", 150)
    s.sync()
    assert connection.load_profile()["host"] == "10.0.0.5"
    assert connection.load_profile()["sslmode"] == "require"
    again = settings_store.SettingsStore(s.path)
    assert again.get("ui/last_page") == "reports" and again.get("caselist/page_size") == 150
    assert not any(name.startswith("db/") for name in SETTINGS)  # one writer of [db]


WINDOWS_PATH = r"D:\调解台\new folder\旧库,备份.sqlite3"


def test_qsettings_rewriting_the_file_keeps_the_profile_as_written(tmp_path):
    """QSettings rewrites the whole ini whenever the GUI saves a setting; a Windows path
    (backslashes) or a comma must survive that, both ways."""
    from desktop.ui.qt import QSettings

    connection.save_profile({"mode": "embedded", "sqlite_path": WINDOWS_PATH,
                             "name": "md,2026"})
    s = settings()
    s.set("ui/last_page", "reports")
    s.sync()
    assert connection.load_profile()["sqlite_path"] == WINDOWS_PATH
    assert connection.load_profile()["name"] == "md,2026"
    qs = QSettings(str(s.path), QSettings.Format.IniFormat)
    assert qs.value("db/sqlite_path") == WINDOWS_PATH  # what QSettings reads is the same
    # a profile an older version saved through QSettings reads the same
    qs.setValue("db/sqlite_path", WINDOWS_PATH + "2")
    qs.sync()
    assert connection.load_profile()["sqlite_path"] == WINDOWS_PATH + "2"


def test_passwords_cannot_be_declared():
    with pytest.raises(ValueError):
        _declare(Setting("db/password", str, "", "密码"))
    assert not any("password" in name for name in SETTINGS)


def test_unknown_setting_is_an_error():
    with pytest.raises(KeyError):
        settings().get("no/such")


def test_lan_url_quotes_password_and_keeps_the_tls_mode():
    url = connection.database_url({"mode": "lan", "user": "md", "host": "10.0.0.5",
                                   "port": 5432, "name": "mediation"}, "p@ss:w/rd")
    assert url == ("postgresql+psycopg://md:p%40ss%3Aw%2Frd@10.0.0.5:5432/mediation"
                   "?sslmode=prefer")


def test_no_keyring_is_said_clearly(monkeypatch):
    import keyring
    from keyring.backends import fail

    from desktop.domain.errors import MediationError

    monkeypatch.setattr(keyring, "get_keyring", lambda: fail.Keyring())
    assert not connection.keyring_available()
    lan = {"mode": "lan", "user": "u", "host": "h", "port": 1, "name": "n"}
    with pytest.raises(MediationError, match="密钥环"):
        connection.save_profile(lan, "x")
    assert connection.stored_password(lan) is None  # the caller asks the person instead
