"""Where the seal's password comes from, and where it is kept (no database needed).

In order: ``MEDIATIONDESK_SEAL_PASSWORD`` (unattended runs), this process's memory (typed once
per session), the system keyring (``store.secrets``; service ``MediationDesk seal``, account
``committee-N``). Without any, ``SealPasswordNeeded`` tells the caller (GUI or CLI) to ask
the person and call ``SealService.unlock``. The password is never written in plain text.

Apart from ``services.seal`` so that the audit chain's checkpoint signing (``services.anchor``)
can find the password without importing the services that write the audit log.
"""

from __future__ import annotations

import hashlib
import os
import threading

from desktop.domain.errors import ValidationError
from desktop.store import secrets
from desktop.store.secrets import keyring_available

KEYRING_SERVICE = "MediationDesk seal"
PASSWORD_ENV = "MEDIATIONDESK_SEAL_PASSWORD"
NO_KEYRING = "本机没有系统密钥环，印章密码不会保存，每次启动后首次盖章时需输入。"

# committee id -> (SHA-256 of the PKCS#12 the password opens, password). Memory only, this
# process only; keyed by the key's bytes so a renewal or password change never reuses it.
_session: dict[int, tuple[str, str]] = {}
_lock = threading.Lock()


class SealPasswordNeeded(ValidationError):
    """No usable seal password here: ask the person, then ``SealService.unlock``."""

    def __init__(self, message: str, committee_id: int, *, keyring: bool) -> None:
        super().__init__(message, field="seal_password")
        self.committee_id = committee_id
        self.keyring = keyring


def _account(committee_id: int) -> str:
    return f"committee-{committee_id}"


def stored(committee_id: int) -> str | None:
    """The keyring's password for the committee's seal; None when none or no keyring."""
    try:
        return secrets.read_secret(KEYRING_SERVICE, _account(committee_id))
    except Exception:  # noqa: BLE001 - a locked/broken keyring: ask the person instead
        return None


def store(committee_id: int, password: str) -> None:
    try:
        secrets.write_secret(KEYRING_SERVICE, _account(committee_id), password,
                             missing=NO_KEYRING)
    except secrets.NoKeyring as err:
        if not keyring_available():
            raise ValidationError(NO_KEYRING, field="remember") from None
        raise ValidationError(f"保存到系统密钥环失败：{err.__cause__ or err}") from None


def forget_stored(committee_id: int) -> None:
    try:
        secrets.delete_secret(KEYRING_SERVICE, _account(committee_id))
    except Exception:  # noqa: BLE001, S110 - nothing stored is fine
        pass


def opens(pkcs12: bytes, password: str) -> bool:
    from cryptography.hazmat.primitives.serialization import pkcs12 as p12

    try:
        key, cert, _ = p12.load_key_and_certificates(pkcs12, password.encode("utf-8"))
    except (ValueError, TypeError):
        return False
    return key is not None and cert is not None


def _digest(pkcs12: bytes) -> str:
    return hashlib.sha256(pkcs12).hexdigest()


def password_for(committee_id: int, pkcs12: bytes) -> str:
    """The password that opens the committee's active key, or SealPasswordNeeded."""
    env = os.environ.get(PASSWORD_ENV)
    if env:
        return env
    with _lock:
        cached = _session.get(committee_id)
    if cached and cached[0] == _digest(pkcs12):
        return cached[1]
    ring = keyring_available()
    saved = stored(committee_id) if ring else None
    if saved and opens(pkcs12, saved):
        return saved
    if not ring:
        raise SealPasswordNeeded(f"请输入电子印章密码。{NO_KEYRING}", committee_id, keyring=False)
    if saved:
        raise SealPasswordNeeded("系统密钥环中保存的印章密码已不能打开当前证书（可能在其他电脑上改过），"
                                 "请输入新的印章密码。", committee_id, keyring=True)
    raise SealPasswordNeeded("本机尚未保存电子印章密码，请输入。", committee_id, keyring=True)


def unlocked(committee_id: int, pkcs12: bytes) -> bool:
    """Whether this session holds the password of exactly this key."""
    with _lock:
        cached = _session.get(committee_id)
    return bool(cached) and cached is not None and cached[0] == _digest(pkcs12)


def remember(committee_id: int, pkcs12: bytes, password: str) -> None:
    with _lock:
        _session[committee_id] = (_digest(pkcs12), password)


def forget_session() -> None:
    """Drop every password typed in this process (log-out, tests)."""
    with _lock:
        _session.clear()


__all__ = ["KEYRING_SERVICE", "NO_KEYRING", "PASSWORD_ENV", "SealPasswordNeeded",
           "forget_session", "forget_stored", "keyring_available", "opens", "password_for",
           "remember", "store", "stored", "unlocked"]
