"""The OS keyring: the one place the desk reads, writes and forgets a password.

Two kinds of secret live there: the LAN database password (service ``MediationDesk``, account
``user@host:port/name``, see ``profiles``) and the seal's password (service ``MediationDesk
seal``, account ``committee-N``, see ``services.seal_password``). When no keyring exists
(headless Linux: ``keyring.backends.fail.Keyring``) ``NoKeyring`` says so in Chinese; a secret
is never written to a file instead.
"""

from __future__ import annotations

from desktop.domain.errors import MediationError

NO_KEYRING = ("本机没有可用的系统密钥环（如 Windows 凭据管理器、GNOME 密钥环或 KWallet），"
              "数据库密码无法安全保存。每次启动时将询问密码；密码不会以明文写入任何文件。")


class NoKeyring(MediationError):
    """No usable OS keyring (or it refused): ask for the password instead."""


def keyring_available() -> bool:
    try:
        import keyring
        from keyring.backends import fail

        return not isinstance(keyring.get_keyring(), fail.Keyring)
    except Exception:  # noqa: BLE001 - any backend/import problem means "not available"
        return False


def read_secret(service: str, account: str, *, missing: str = NO_KEYRING) -> str | None:
    """The stored secret, or None. Raises NoKeyring (with ``missing``) when there is no
    keyring or it cannot be read."""
    if not keyring_available():
        raise NoKeyring(missing)
    import keyring
    from keyring.errors import KeyringError

    try:
        return keyring.get_password(service, account)
    except KeyringError as err:
        raise NoKeyring(f"无法读取系统密钥环（{err}）。{missing}") from err


def write_secret(service: str, account: str, secret: str, *, missing: str = NO_KEYRING) -> None:
    if not keyring_available():
        raise NoKeyring(missing)
    import keyring
    from keyring.errors import KeyringError

    try:
        keyring.set_password(service, account, secret)
    except KeyringError as err:
        raise NoKeyring(f"无法写入系统密钥环（{err}）。{missing}") from err


def delete_secret(service: str, account: str) -> None:
    """Forget a secret; nothing stored (or no keyring at all) is fine."""
    if not keyring_available():
        return
    import keyring
    from keyring.errors import KeyringError

    try:
        keyring.delete_password(service, account)
    except KeyringError:  # PasswordDeleteError: nothing was stored
        pass


__all__ = ["NO_KEYRING", "NoKeyring", "delete_secret", "keyring_available", "read_secret",
           "write_secret"]
