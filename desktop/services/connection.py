"""The GUI's door to the database profile and its password (the UI may not import desktop.store).

    from desktop.services import connection
    profile = connection.load_profile()              # the ini's [db] section as a dict
    url = connection.database_url(profile, password) # the same URL the CLI and store build
    ok, message = connection.test_connection(profile, password)

The profile dict has the keys of ``store.profiles.Profile`` (mode, sqlite_path, host, port,
name, user, sslmode, replica, replica_max_lag, pgbouncer). ``store.profiles`` is the only
writer of the ini's ``[db]`` section and ``store.secrets`` the only reader and writer of the
keyring.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from desktop.store import profiles, secrets

if TYPE_CHECKING:
    from desktop.store.db import Database

NO_KEYRING = profiles.NO_KEYRING
keyring_available = secrets.keyring_available


def to_profile(data: Mapping[str, Any]) -> profiles.Profile:
    return profiles.Profile.from_dict(data)


def load_profile() -> dict[str, Any]:
    """This computer's database profile (the defaults when none is saved)."""
    return profiles.load_profile().to_dict()


def save_profile(data: Mapping[str, Any], password: str | None = None) -> None:
    """Write the profile to the ini; then, for a LAN profile, ``password`` to the keyring.

    Raises MediationError with a Chinese sentence (an invalid profile, no keyring); the
    profile is saved even when the keyring refuses the password, as before."""
    profile = to_profile(data)
    profiles.save_profile(profile)
    if profile.is_lan and password:
        profiles.set_password(profile, password)


def use_embedded_file(path: str) -> None:
    """Point this computer at an embedded database file (after a restore)."""
    data = load_profile()
    data.update(mode="embedded", sqlite_path=path)
    profiles.save_profile(to_profile(data))


def stored_password(data: Mapping[str, Any]) -> str | None:
    """The LAN password from the keyring; None when none is stored or no keyring answers
    (the caller then asks the person)."""
    try:
        return profiles.get_password(to_profile(data))
    except secrets.NoKeyring:
        return None


def database_url(data: Mapping[str, Any], password: str | None = None) -> str:
    """The profile's URL (with its TLS mode for a LAN server)."""
    return to_profile(data).url(password)


def open_for_desk(url: str | None) -> Database:
    """The GUI's start-up open (``store.opening.open_for_desk``)."""
    from desktop.store import opening  # loads the backup and Alembic code: on the worker thread

    return opening.open_for_desk(url)


def check_connection(url: str) -> str:
    """"测试连接" for a URL: a Chinese description, or MediationError."""
    from desktop.store import opening

    return opening.check_database(url)


def head_revision() -> str | None:
    from desktop.store import opening

    return opening.head_revision()


def test_connection(data: Mapping[str, Any], password: str | None = None) -> tuple[bool, str]:
    """(usable as is, Chinese sentence): server reachable, login accepted, database there,
    schema current — or which of these failed and what to do."""
    from desktop.store import opening

    return opening.test_connection(to_profile(data), password)


test_connection.__test__ = False  # type: ignore[attr-defined]  # not a pytest test
