"""Every desk-local setting declared once (qutebrowser's configdata, Picard's options):
name, type, default, Chinese label. Stored in an ini file in the user config dir.

Shared, office-wide data (committee, lookups, users) lives in the database through the
services; this file only holds what belongs to one computer: the database profile, window
geometry, the last user name, list preferences. Passwords never: the LAN password is in the
system keyring (see ``desktop.ui.settings``), and declaring a setting whose name mentions a
password is refused at import time.

    from desktop.ui.settings_store import settings
    settings().get("db/host")            # typed value or the declared default
    settings().set("db/port", 5433)
    settings().path                      # the ini file

``MEDIATIONDESK_CONFIG_DIR`` overrides the directory (tests, portable installs).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from desktop.ui.qt import QT_TRANSLATE_NOOP, QByteArray, QSettings, translate

CONFIG_ENV = "MEDIATIONDESK_CONFIG_DIR"
SETTINGS_VERSION = 1


@dataclass(frozen=True)
class Setting:
    name: str
    type: type
    default: Any
    label: str  # Chinese, marked for translation in context "settings"


def _declare(*items: Setting) -> dict[str, Setting]:
    out: dict[str, Setting] = {}
    for item in items:
        if "password" in item.name.lower() or "secret" in item.name.lower():
            raise ValueError(f"{item.name}: passwords belong in the keyring, not the ini file")
        if item.name in out:
            raise ValueError(f"{item.name} declared twice")
        out[item.name] = item
    return out


SETTINGS: dict[str, Setting] = _declare(
    Setting("db/mode", str, "embedded", QT_TRANSLATE_NOOP("settings", "数据库类型（embedded 本机 / lan 局域网）")),
    Setting("db/sqlite_path", str, "", QT_TRANSLATE_NOOP("settings", "本机数据库文件（空 = 默认位置）")),
    Setting("db/host", str, "", QT_TRANSLATE_NOOP("settings", "服务器地址")),
    Setting("db/port", int, 5432, QT_TRANSLATE_NOOP("settings", "端口")),
    Setting("db/name", str, "mediationdesk", QT_TRANSLATE_NOOP("settings", "数据库名")),
    Setting("db/user", str, "mediationdesk", QT_TRANSLATE_NOOP("settings", "数据库用户名")),
    Setting("db/replica", str, "", QT_TRANSLATE_NOOP("settings", "只读副本（服务器地址:端口，空 = 不用）")),
    Setting("db/replica_max_lag", int, 30, QT_TRANSLATE_NOOP("settings", "只读副本最大延迟（秒）")),
    Setting("db/pgbouncer", bool, False, QT_TRANSLATE_NOOP("settings", "经 PgBouncer（事务模式）连接")),
    Setting("login/last_user", str, "", QT_TRANSLATE_NOOP("settings", "上次登录的用户名")),
    Setting("ui/geometry", bytes, b"", QT_TRANSLATE_NOOP("settings", "主窗口位置和大小")),
    Setting("ui/state", bytes, b"", QT_TRANSLATE_NOOP("settings", "主窗口工具栏状态")),
    Setting("ui/last_page", str, "dashboard", QT_TRANSLATE_NOOP("settings", "上次打开的页面")),
    Setting("case/geometry", bytes, b"", QT_TRANSLATE_NOOP("settings", "案件窗口位置和大小")),
    Setting("ui/font_point_size", int, 0, QT_TRANSLATE_NOOP("settings", "界面字号（0 = 系统默认）")),
    Setting("caselist/page_size", int, 200, QT_TRANSLATE_NOOP("settings", "案件列表每次加载行数")),
    Setting("caselist/header", bytes, b"", QT_TRANSLATE_NOOP("settings", "案件列表列宽和排序")),
    Setting("caselist/debounce_ms", int, 250, QT_TRANSLATE_NOOP("settings", "搜索输入停顿多久后查询（毫秒）")),
    Setting("dashboard/due_days", int, 3, QT_TRANSLATE_NOOP("settings", "工作台提示即将到期的天数")),
    Setting("dialogs/last_dirs", str, "{}", QT_TRANSLATE_NOOP("settings", "各类文件上次使用的文件夹")),
)


def config_dir() -> Path:
    override = os.environ.get(CONFIG_ENV)
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_config_dir("MediationDesk", appauthor=False))


class SettingsStore:
    def __init__(self, path: Path | None = None) -> None:
        self.path = path or (config_dir() / "mediationdesk.ini")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._qs = QSettings(str(self.path), QSettings.Format.IniFormat)
        self._upgrade()

    def _upgrade(self) -> None:
        # Versioned upgrade functions go here (Picard's habit) when a setting changes shape.
        version = int(self._qs.value("meta/version", 0) or 0)
        if version < SETTINGS_VERSION:
            self._qs.setValue("meta/version", SETTINGS_VERSION)

    def get(self, name: str) -> Any:
        decl = SETTINGS[name]
        raw = self._qs.value(name)
        if raw is None:
            return decl.default
        try:
            if decl.type is bytes:
                return bytes(raw) if isinstance(raw, (QByteArray, bytes)) else decl.default
            if decl.type is bool:
                return raw in (True, "true", "1", 1)
            return decl.type(raw)
        except (TypeError, ValueError):
            return decl.default

    def set(self, name: str, value: Any) -> None:
        decl = SETTINGS[name]
        if decl.type is bytes:
            self._qs.setValue(name, QByteArray(bytes(value)))
        else:
            self._qs.setValue(name, decl.type(value))

    def reset(self, name: str) -> None:
        self._qs.remove(name)

    def sync(self) -> None:
        self._qs.sync()

    def database_profile(self) -> dict[str, Any]:
        return {k.split("/", 1)[1]: self.get(k) for k in SETTINGS if k.startswith("db/")}


_store: SettingsStore | None = None


def settings() -> SettingsStore:
    """The process-wide store (recreated when the config dir changes, for tests)."""
    global _store
    wanted = config_dir() / "mediationdesk.ini"
    if _store is None or _store.path != wanted:
        _store = SettingsStore(wanted)
    return _store


# -- the LAN database profile and its password (keyring only) --------------------------------

KEYRING_SERVICE = "MediationDesk"
NO_KEYRING_MESSAGE = QT_TRANSLATE_NOOP(
    "settings",
    "本机没有可用的系统密钥环（如 GNOME 密钥环、KWallet 或 Windows 凭据管理器），"
    "数据库密码无法安全保存。每次启动时将询问密码；密码不会以明文写入配置文件。")


def keyring_account(profile: dict[str, Any]) -> str:
    return f"{profile['user']}@{profile['host']}:{profile['port']}/{profile['name']}"


def keyring_available() -> bool:
    try:
        import keyring
        from keyring.backends import fail

        return not isinstance(keyring.get_keyring(), fail.Keyring)
    except Exception:  # noqa: BLE001 - any import/backend problem means "not available"
        return False


def get_db_password(profile: dict[str, Any]) -> str | None:
    if not keyring_available():
        return None
    import keyring

    try:
        return keyring.get_password(KEYRING_SERVICE, keyring_account(profile))
    except Exception:  # noqa: BLE001 - a locked/broken keyring: ask the user instead
        return None


def set_db_password(profile: dict[str, Any], password: str) -> None:
    """Store the password in the system keyring; raises MediationError when there is none."""
    from desktop.domain.errors import MediationError

    if not keyring_available():
        raise MediationError(translate("settings", NO_KEYRING_MESSAGE))
    import keyring

    try:
        keyring.set_password(KEYRING_SERVICE, keyring_account(profile), password)
    except Exception as err:
        raise MediationError(translate("settings", "无法写入系统密钥环：") + str(err)) from err


def lan_url(profile: dict[str, Any], password: str) -> str:
    from urllib.parse import quote

    user = quote(str(profile["user"]), safe="")
    auth = f"{user}:{quote(password, safe='')}@" if password else f"{user}@"
    return f"postgresql://{auth}{profile['host']}:{int(profile['port'])}/{profile['name']}"
