"""Connection profiles: the embedded SQLite file (default) or a PostgreSQL server on the LAN.

The profile lives in the desk's ini file (``mediationdesk.ini`` in the user config dir, section
``[db]``, the same keys the settings screen writes); the server password lives only in the OS
keyring (service ``MediationDesk``, account ``user@host:port/name``, through ``secrets``). When
no keyring exists (headless Linux: ``keyring.backends.fail.Keyring``) we say so and the caller
asks for the password at each start; it is never written to a file.

Connecting with a profile (``probe``, ``test_connection``, ``open_profile``) is in
``desktop.store.opening``; ``explain`` here turns every connection failure into one Chinese
sentence.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from desktop.domain.errors import DatabaseError, MediationError
from desktop.store import ini, secrets
from desktop.store.db import default_database_url, translate_db_error
from desktop.store.ini import ini_path

SECTION = "db"
KEYRING_SERVICE = "MediationDesk"
SSL_MODES = ("disable", "allow", "prefer", "require", "verify-ca", "verify-full")

NO_KEYRING = secrets.NO_KEYRING
NoKeyring = secrets.NoKeyring
keyring_available = secrets.keyring_available


class PasswordNeeded(MediationError):
    """A LAN profile without a stored password: the caller must ask the person for it."""


class SchemaOlder(DatabaseError):
    """The server's schema is older than the app: an administrator may migrate (after a backup)."""


class SchemaNewer(DatabaseError):
    """The database was written by a newer app: refused, left untouched."""


class SchemaEmpty(DatabaseError):
    """The database exists but was never initialised (``mediationdesk db init``)."""


@dataclass
class Profile:
    mode: str = "embedded"  # "embedded" | "lan"
    sqlite_path: str = ""  # empty: the default file in the user data dir
    host: str = ""
    port: int = 5432
    name: str = "mediationdesk"  # database name
    user: str = "mediationdesk"
    sslmode: str = "prefer"
    replica: str = ""  # read-only streaming replica "host[:port]" (desktop.store.replica)
    replica_max_lag: int = 30  # seconds behind the primary past which reads use the primary
    pgbouncer: bool = False  # the host is PgBouncer in transaction mode (desktop.store.pooler)

    @property
    def is_lan(self) -> bool:
        return self.mode == "lan"

    def validate(self) -> None:
        if self.mode not in ("embedded", "lan"):
            raise MediationError("数据库类型只能是“本机”或“局域网服务器”。")
        if self.is_lan:
            if not self.host.strip():
                raise MediationError("请填写数据库服务器地址。")
            if not 1 <= int(self.port) <= 65535:
                raise MediationError("端口应在 1 到 65535 之间。")
            if not self.name.strip() or not self.user.strip():
                raise MediationError("请填写数据库名和数据库用户名。")
            if self.sslmode not in SSL_MODES:
                raise MediationError("加密连接（TLS）方式无效。")
            if self.replica.strip():
                from desktop.store.replica import check_profile

                check_profile(self)

    @property
    def account(self) -> str:
        """Keyring account name."""
        return f"{self.user}@{self.host}:{int(self.port)}/{self.name}"

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Profile:
        """A profile from the settings screen's dict (missing or empty keys: the defaults)."""
        default = cls()
        return cls(
            mode=str(data.get("mode") or default.mode),
            sqlite_path=str(data.get("sqlite_path") or ""),
            host=str(data.get("host") or ""), port=int(data.get("port") or default.port),
            name=str(data.get("name") or default.name),
            user=str(data.get("user") or default.user),
            sslmode=str(data.get("sslmode") or default.sslmode),
            replica=str(data.get("replica") or ""),
            replica_max_lag=int(data.get("replica_max_lag") or default.replica_max_lag),
            pgbouncer=str(data.get("pgbouncer") or "").lower() in ("1", "yes", "true", "on"))

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def url(self, password: str | None = None) -> str:
        if not self.is_lan:
            if self.sqlite_path:
                return f"sqlite:///{Path(self.sqlite_path).expanduser().resolve()}"
            return default_database_url()
        auth = quote(self.user, safe="")
        if password:
            auth += ":" + quote(password, safe="")
        return (f"postgresql+psycopg://{auth}@{self.host}:{int(self.port)}/"
                f"{quote(self.name, safe='')}?sslmode={self.sslmode}")

    def describe(self) -> str:
        if not self.is_lan:
            return f"本机数据库：{self.sqlite_path or '默认位置'}"
        return f"局域网服务器 {self.host}:{self.port}/{self.name}（用户 {self.user}）"


# -- the ini file (``[db]``; this module is its only writer) --------------------------------
def load_profile(path: Path | None = None) -> Profile:
    cp = ini.read(path)
    if not cp.has_section(SECTION):
        return Profile()
    sec = cp[SECTION]
    default = Profile()
    def get(key: str, dflt: str) -> str:
        return ini.qt_unescape(str(sec[key])) if key in sec else dflt

    try:
        port = int(get("port", str(default.port)))
    except ValueError:
        port = default.port
    try:
        max_lag = int(str(sec.get("replica_max_lag", str(default.replica_max_lag))).strip('"'))
    except ValueError:
        max_lag = default.replica_max_lag

    return Profile(mode=get("mode", default.mode), sqlite_path=get("sqlite_path", ""),
                   host=get("host", ""), port=port, name=get("name", default.name),
                   user=get("user", default.user), sslmode=get("sslmode", default.sslmode),
                   replica=get("replica", ""), replica_max_lag=max_lag,
                   pgbouncer=get("pgbouncer", "").lower() in ("1", "yes", "true", "on"))


def save_profile(profile: Profile, path: Path | None = None) -> Path:
    """Write the profile into ``[db]``, keeping every other section of the ini untouched."""
    profile.validate()
    values = {key: str(value) for key, value in asdict(profile).items()}
    assert not any("password" in key for key in values)
    return ini.write_section(SECTION, values, path)


# -- the keyring (desktop.store.secrets) ----------------------------------------------------
def get_password(profile: Profile) -> str | None:
    """The stored password, or None if none is stored. Raises NoKeyring when there is no keyring."""
    return secrets.read_secret(KEYRING_SERVICE, profile.account)


def set_password(profile: Profile, password: str) -> None:
    secrets.write_secret(KEYRING_SERVICE, profile.account, password)


def delete_password(profile: Profile) -> None:
    secrets.delete_secret(KEYRING_SERVICE, profile.account)


def resolve_password(profile: Profile, password: str | None = None) -> str | None:
    """Password for a LAN profile: the one given, else the keyring's; PasswordNeeded otherwise."""
    if not profile.is_lan or password is not None:
        return password
    try:
        stored = get_password(profile)
    except NoKeyring as err:
        raise PasswordNeeded(err.message) from err
    if stored is None:
        raise PasswordNeeded("尚未保存数据库密码，请输入。")
    return stored


# -- explaining a failure --------------------------------------------------------------------------------
def explain(err: BaseException, profile: Profile | None = None) -> str:
    """One Chinese sentence for a connection failure (server, login, database, schema)."""
    if isinstance(err, MediationError) and not isinstance(err, DatabaseError):
        return err.message
    text = str(getattr(err, "orig", None) or err)
    low = text.lower()
    where = f" {profile.host}:{profile.port}" if profile and profile.is_lan else ""
    if "password authentication failed" in low or "authentication failed" in low \
            or "no password supplied" in low:
        return "数据库服务器拒绝了用户名或密码，请核对“数据库用户名”和密码。"
    if "does not exist" in low and "database" in low:
        name = f"数据库“{profile.name}”" if profile else "这个数据库"
        return f"服务器上没有{name}，请管理员先运行 mediationdesk db init。"
    if "does not exist" in low and "role" in low:
        return "服务器上没有这个数据库用户，请核对“数据库用户名”，或请管理员运行 mediationdesk db init。"
    if "could not translate host name" in low or "name or service not known" in low \
            or "nodename nor servname" in low:
        return f"找不到服务器“{profile.host if profile else ''}”，请核对服务器地址。"
    if "ssl" in low and ("not support" in low or "required" in low or "certificate" in low):
        return f"与服务器的加密连接（TLS）失败：{text.splitlines()[0]}。请核对“加密连接”设置。"
    if ("connection refused" in low or "could not connect" in low or "timeout" in low
            or "timed out" in low or "no route to host" in low or "connection failed" in low
            or "server closed the connection" in low or "network is unreachable" in low):
        return f"无法连接数据库服务器{where}，请检查网络、服务器是否开机以及地址和端口。"
    if "permission denied" in low:
        return "数据库用户权限不足，请管理员运行 mediationdesk db init 重新授权。"
    if isinstance(err, MediationError):
        return err.message
    return translate_db_error(err if isinstance(err, Exception) else Exception(text)).message


__all__ = ["NO_KEYRING", "NoKeyring", "PasswordNeeded", "Profile", "SchemaEmpty", "SchemaNewer",
           "SchemaOlder", "delete_password", "explain", "get_password", "ini_path",
           "keyring_available", "load_profile", "resolve_password", "save_profile",
           "set_password"]
