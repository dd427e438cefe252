"""Settings are declared once, typed, stored in the ini file, never passwords."""

from __future__ import annotations

import pytest

from desktop.ui import settings_store
from desktop.ui.settings_store import SETTINGS, Setting, _declare, lan_url, settings


def test_declared_defaults_and_typed_round_trip(tmp_path):
    s = settings()
    assert s.path.parent == tmp_path / "config"
    assert s.get("db/port") == 5432 and s.get("db/mode") == "embedded"
    s.set("db/port", 5433)
    s.set("ui/geometry", b"\x01\x02")
    s.sync()
    again = settings_store.SettingsStore(s.path)
    assert again.get("db/port") == 5433
    assert again.get("ui/geometry") == b"\x01\x02"
    assert "5433" in s.path.read_text()


def test_passwords_cannot_be_declared():
    with pytest.raises(ValueError):
        _declare(Setting("db/password", str, "", "密码"))
    assert not any("password" in name for name in SETTINGS)


def test_unknown_setting_is_an_error():
    with pytest.raises(KeyError):
        settings().get("no/such")


def test_lan_url_quotes_password():
    url = lan_url({"user": "md", "host": "10.0.0.5", "port": 5432, "name": "mediation"},
                  "p@ss:w/rd")
    assert url == "postgresql://md:p%40ss%3Aw%2Frd@10.0.0.5:5432/mediation"


def test_no_keyring_is_said_clearly(monkeypatch):
    import keyring
    from keyring.backends import fail

    from desktop.domain.errors import MediationError

    monkeypatch.setattr(keyring, "get_keyring", lambda: fail.Keyring())
    assert not settings_store.keyring_available()
    with pytest.raises(MediationError, match="密钥环"):
        settings_store.set_db_password({"user": "u", "host": "h", "port": 1, "name": "n"}, "x")
