"""Connection profiles: the embedded SQLite file (default) or a PostgreSQL server on the LAN.

The profile lives in the desk's ini file (``mediationdesk.ini`` in the user config dir, section
``[db]``, the same keys the settings screen writes); the server password lives only in the OS
keyring (service ``MediationDesk``, account ``user@host:port/name``). When no keyring exists
(headless Linux: ``keyring.backends.fail.Keyring``) we say so and the caller asks for the
password at each start; it is never written to a file.

``test_connection`` is what the settings screen's "测试连接" button calls; ``open_profile`` is
what the app calls at start-up. Both turn every failure into one Chinese sentence.
"""

from __future__ import annotations

import configparser
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from desktop.domain.errors import DatabaseError, MediationError
from desktop.store import paths

INI_NAME = "mediationdesk.ini"
SECTION = "db"
KEYRING_SERVICE = "MediationDesk"
SSL_MODES = ("disable", "allow", "prefer", "require", "verify-ca", "verify-full")

NO_KEYRING = ("本机没有可用的系统密钥环（如 Windows 凭据管理器、GNOME 密钥环或 KWallet），"
              "数据库密码无法安全保存。每次启动时将询问密码；密码不会以明文写入任何文件。")


class NoKeyring(MediationError):
    """No usable OS keyring: ask for the password at each start instead."""


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
        """Keyring account name (same shape the settings screen uses)."""
        return f"{self.user}@{self.host}:{int(self.port)}/{self.name}"

    def url(self, password: str | None = None) -> str:
        if not self.is_lan:
            from desktop.store.db import default_database_url

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


# -- the ini file --------------------------------------------------------------------------
def ini_path() -> Path:
    return paths.config_dir() / INI_NAME


def _parser(path: Path) -> configparser.RawConfigParser:
    cp = configparser.RawConfigParser()
    cp.optionxform = str  # type: ignore[assignment,method-assign]  # keep keys as written
    if path.exists():
        cp.read(path, encoding="utf-8")
    return cp


def load_profile(path: Path | None = None) -> Profile:
    cp = _parser(path or ini_path())
    if not cp.has_section(SECTION):
        return Profile()
    sec = cp[SECTION]
    default = Profile()
    try:
        port = int(str(sec.get("port", str(default.port))).strip('"'))
    except ValueError:
        port = default.port
    try:
        max_lag = int(str(sec.get("replica_max_lag", str(default.replica_max_lag))).strip('"'))
    except ValueError:
        max_lag = default.replica_max_lag

    def get(key: str, dflt: str) -> str:
        return str(sec.get(key, dflt)).strip('"')  # QSettings may quote a value

    return Profile(mode=get("mode", default.mode), sqlite_path=get("sqlite_path", ""),
                   host=get("host", ""), port=port, name=get("name", default.name),
                   user=get("user", default.user), sslmode=get("sslmode", default.sslmode),
                   replica=get("replica", ""), replica_max_lag=max_lag,
                   pgbouncer=get("pgbouncer", "").lower() in ("1", "yes", "true", "on"))


def save_profile(profile: Profile, path: Path | None = None) -> Path:
    """Write the profile into ``[db]``, keeping every other section of the ini untouched."""
    profile.validate()
    path = path or ini_path()
    cp = _parser(path)
    if not cp.has_section(SECTION):
        cp.add_section(SECTION)
    for key, value in asdict(profile).items():
        assert "password" not in key
        cp.set(SECTION, key, str(value))
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        cp.write(fh)
    tmp.replace(path)
    return path


# -- the keyring -----------------------------------------------------------------------------
def keyring_available() -> bool:
    try:
        import keyring
        from keyring.backends import fail

        return not isinstance(keyring.get_keyring(), fail.Keyring)
    except Exception:  # noqa: BLE001 - any backend/import problem means "not available"
        return False


def get_password(profile: Profile) -> str | None:
    """The stored password, or None if none is stored. Raises NoKeyring when there is no keyring."""
    if not keyring_available():
        raise NoKeyring(NO_KEYRING)
    import keyring
    from keyring.errors import KeyringError

    try:
        return keyring.get_password(KEYRING_SERVICE, profile.account)
    except KeyringError as err:
        raise NoKeyring(f"无法读取系统密钥环（{err}）。{NO_KEYRING}") from err


def set_password(profile: Profile, password: str) -> None:
    if not keyring_available():
        raise NoKeyring(NO_KEYRING)
    import keyring
    from keyring.errors import KeyringError

    try:
        keyring.set_password(KEYRING_SERVICE, profile.account, password)
    except KeyringError as err:
        raise NoKeyring(f"无法写入系统密钥环（{err}）。{NO_KEYRING}") from err


def delete_password(profile: Profile) -> None:
    if not keyring_available():
        return
    import keyring
    from keyring.errors import PasswordDeleteError

    try:
        keyring.delete_password(KEYRING_SERVICE, profile.account)
    except PasswordDeleteError:
        pass


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


# -- connecting --------------------------------------------------------------------------------
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
    from desktop.store.db import translate_db_error

    return translate_db_error(err if isinstance(err, Exception) else Exception(text)).message


def _schema_message(state: str, profile: Profile) -> str:
    from desktop.store.migrate import describe_state

    return describe_state(state, profile.describe())


def probe(profile: Profile, password: str | None = None) -> str:
    """Connect and return the schema state ('current', 'empty', 'older', 'newer').

    Raises DatabaseError with a Chinese message when the server cannot be used at all.
    """
    from sqlalchemy.exc import DBAPIError, OperationalError

    from desktop.store import migrate
    from desktop.store.db import Database

    profile.validate()
    try:
        db = Database.open(profile.url(password), migrate=False)
        try:
            return migrate.schema_state(db)
        finally:
            db.close()
    except DatabaseError as err:
        cause = err.__cause__ or err
        raise DatabaseError(explain(cause, profile)) from err
    except (OperationalError, DBAPIError) as err:
        raise DatabaseError(explain(err, profile)) from err


def test_connection(profile: Profile, password: str | None = None) -> tuple[bool, str]:
    """For the "测试连接" button: (usable as is, a Chinese sentence to show)."""
    try:
        password = resolve_password(profile, password)
        state = probe(profile, password)
    except MediationError as err:
        return False, err.message
    except Exception as err:  # noqa: BLE001 - the button must answer, never crash
        return False, explain(err, profile)
    return state == "current", _schema_message(state, profile)


test_connection.__test__ = False  # type: ignore[attr-defined]  # not a pytest test


def open_profile(profile: Profile, password: str | None = None, *,
                 migrate_if_older: bool = False, backup_dir: Path | None = None,
                 owner: tuple[str, str] | None = None) -> Any:
    """Open the profile's database for the app.

    Embedded: created and migrated on first start, no questions (backup before migrating).
    LAN: never created here; an older schema raises SchemaOlder unless ``migrate_if_older``
    (the caller checked the person is an administrator), in which case a portable backup is
    written first; a newer schema raises SchemaNewer and nothing is touched. The desks' role
    may not change the schema: ``owner`` = (database owner, password) runs the migration and
    refreshes the desks' grants.
    """
    from desktop.store import migrate
    from desktop.store.db import Database

    profile.validate()
    if not profile.is_lan:
        return Database.open(profile.url())
    password = resolve_password(profile, password)
    state = probe(profile, password)
    if state == "empty":
        raise SchemaEmpty(_schema_message(state, profile))
    if state == "newer":
        raise SchemaNewer(_schema_message(state, profile))
    db = Database.open(profile.url(password), migrate=False)
    if state == "older":
        if not migrate_if_older:
            db.close()
            raise SchemaOlder(_schema_message(state, profile))
        from desktop.store.backup import backup_archive
        from desktop.store.db import timestamp

        folder = backup_dir or paths.backup_dir()
        backup_archive(db, folder / f"before-migrate-{profile.name}-{timestamp()}.mdbackup")
        if owner is None:
            migrate.upgrade_to_head(db, backup=False, allow_upgrade=True)
        else:
            from desktop.store.server import grant_app_role

            as_owner = Profile(**{**asdict(profile), "user": owner[0]})
            odb = Database.open(as_owner.url(owner[1]), migrate=False)
            try:
                migrate.upgrade_to_head(odb, backup=False, allow_upgrade=True)
                grant_app_role(odb, profile.user, None)
            except DatabaseError:
                raise
            except Exception as err:
                raise DatabaseError(explain(err, as_owner)) from err
            finally:
                odb.close()
    return db


__all__ = ["NO_KEYRING", "NoKeyring", "PasswordNeeded", "Profile", "SchemaEmpty", "SchemaNewer",
           "SchemaOlder", "delete_password", "explain", "get_password", "ini_path",
           "keyring_available", "load_profile", "open_profile", "probe", "resolve_password",
           "save_profile", "set_password", "test_connection"]
