"""The settings screen's view of the database profile (the UI may not import desktop.store).

    from desktop.services.connection import test_connection
    ok, message = test_connection(settings().database_profile(), password)

The profile is the ini's ``[db]`` section as a dict (mode, sqlite_path, host, port, name, user,
optional sslmode, replica, replica_max_lag, pgbouncer); the message is one Chinese sentence to show beside
the "测试连接" button.
"""

from __future__ import annotations

from typing import Any

from desktop.store import profiles


def to_profile(data: dict[str, Any]) -> profiles.Profile:
    default = profiles.Profile()
    return profiles.Profile(
        mode=str(data.get("mode") or default.mode), sqlite_path=str(data.get("sqlite_path") or ""),
        host=str(data.get("host") or ""), port=int(data.get("port") or default.port),
        name=str(data.get("name") or default.name), user=str(data.get("user") or default.user),
        sslmode=str(data.get("sslmode") or default.sslmode),
        replica=str(data.get("replica") or ""),
        replica_max_lag=int(data.get("replica_max_lag") or default.replica_max_lag),
        pgbouncer=str(data.get("pgbouncer") or "").lower() in ("1", "yes", "true", "on"))


def test_connection(data: dict[str, Any], password: str | None = None) -> tuple[bool, str]:
    """(usable as is, Chinese sentence): server reachable, login accepted, database there,
    schema current — or which of these failed and what to do."""
    return profiles.test_connection(to_profile(data), password)


test_connection.__test__ = False  # type: ignore[attr-defined]  # not a pytest test

NO_KEYRING = profiles.NO_KEYRING
keyring_available = profiles.keyring_available
