"""Managing the committee's electronic seal from the app (first-run and 设置→电子印章).

The seal is two things: the signing key (a password-protected PKCS#12 in ``committee_key``,
see ``desktop.documents.seal``) and the scanned seal image (``committee.seal_png``). A renewal
or import adds a new key row and marks the old one inactive; old rows stay, so documents
sealed before keep verifying (``services.documents.trusted_certs`` trusts every row's CA).

Where the seal password comes from when sealing, in order:
``MEDIATIONDESK_SEAL_PASSWORD`` (unattended runs), this process's memory (typed once per
session), the system keyring. Without any, ``SealPasswordNeeded`` tells the caller (GUI or
CLI) to ask the person and call ``unlock``. The password is never written in plain text.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import func, select

from desktop.domain.dates import format_date
from desktop.domain.enums import Role
from desktop.domain.errors import ValidationError
from desktop.services import seal_password as pw
from desktop.services.base import ServiceBase, Tx
from desktop.services.seal_password import (
    NO_KEYRING,
    PASSWORD_ENV,
    SealPasswordNeeded,
    forget_session,
    keyring_available,
    password_for,
)
from desktop.store.models import Committee, CommitteeKey

if TYPE_CHECKING:
    from desktop.documents.seal import CommitteeKeys

WARN_DAYS = 90
MAX_IMAGE_BYTES = 2 * 1024 * 1024
SEAL_PAGE = "设置→电子印章"


@dataclass(frozen=True)
class SealInfo:
    committee_id: int
    committee_name: str
    configured: bool
    holder: str = ""
    issuer: str = ""
    fingerprint: str = ""  # SHA-256 of the signing certificate, AA:BB:…
    not_before: dt.date | None = None
    not_after: dt.date | None = None
    days_left: int = 0
    older_keys: int = 0  # replaced keys kept so old documents keep verifying
    seal_png: bytes | None = None
    keyring: bool = False  # a system keyring is available on this computer
    password_saved: bool = False  # …and holds this seal's password
    unlocked: bool = False  # typed in this session

    @property
    def expiry_text(self) -> str:
        return format_date(self.not_after)

    @property
    def warning(self) -> str:
        if not self.configured:
            return "尚未设置电子印章证书，不能生成盖章的正式文书。"
        if self.days_left < 0:
            return f"证书已于{self.expiry_text}过期，请立即更新证书。"
        if self.days_left < WARN_DAYS:
            return f"证书将于{self.expiry_text}到期（还剩 {self.days_left} 天），请及时更新。"
        return ""


def check_seal_password(password: str, confirm: str | None = None) -> None:
    """The same strength rule as user passwords; ``confirm`` when typed twice."""
    from desktop.services.auth import check_password_strength

    if not password:
        raise ValidationError("请设置印章密码。", field="seal_password")
    try:
        check_password_strength(password, field="seal_password")
    except ValidationError as err:
        raise ValidationError("印章" + err.message, field="seal_password") from None
    if confirm is not None and confirm != password:
        raise ValidationError("两次输入的印章密码不一致。", field="seal_password2")


def check_png(data: bytes) -> None:
    if not data:
        raise ValidationError("印章图片文件是空的。", field="seal_image")
    if not data.startswith(b"\x89PNG\r\n\x1a\n"):
        raise ValidationError("印章图片须为 PNG 格式（扫描后另存为 .png，建议透明背景）。",
                              field="seal_image")
    if len(data) > MAX_IMAGE_BYTES:
        raise ValidationError("印章图片超过 2 MB，请缩小后再选择。", field="seal_image")


def _fingerprint(cert_pem: bytes) -> tuple[str, str, dt.date]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.x509.oid import NameOID

    cert = x509.load_pem_x509_certificate(bytes(cert_pem))
    digest = cert.fingerprint(hashes.SHA256()).hex().upper()
    issuer = cert.issuer.get_attributes_for_oid(NameOID.COMMON_NAME)
    return (":".join(digest[i:i + 2] for i in range(0, len(digest), 2)),
            str(issuer[0].value) if issuer else cert.issuer.rfc4514_string(),
            cert.not_valid_before_utc.date())


def record_key(tx: Tx, committee_id: int, keys: CommitteeKeys, summary: str) -> None:
    """Make ``keys`` the committee's active seal key inside ``tx``. Older keys stay, inactive:
    the documents they sealed must still verify."""
    for old in tx.session.scalars(select(CommitteeKey).where(
            CommitteeKey.committee_id == committee_id, CommitteeKey.active)):
        old.active = False
    row = CommitteeKey(committee_id=committee_id, pkcs12=keys.pkcs12,
                       ca_cert_pem=keys.ca_cert_pem, cert_pem=keys.cert_pem,
                       subject=keys.subject, not_after=keys.not_after, active=True)
    tx.session.add(row)
    tx.session.flush()
    tx.audit("seal_key", "committee_key", row.id, summary)


class SealService(ServiceBase):
    def _cid(self, committee_id: int | None) -> int:
        cid = committee_id or self.actor.committee_id
        if cid is None:
            raise ValidationError("请指定要设置电子印章的调解委员会。", field="committee")
        return cid

    def _manage(self, committee_id: int | None) -> int:
        cid = self._cid(committee_id)
        self._require_role(Role.DIRECTOR, Role.ADMIN, what="设置电子印章")
        if self.actor.role == Role.DIRECTOR and cid != self.actor.committee_id:
            raise ValidationError("主任只能设置本调委会的电子印章。", field="committee")
        return cid

    def _active(self, cid: int) -> CommitteeKey | None:
        with self._read() as s:
            key = s.scalars(select(CommitteeKey).where(CommitteeKey.committee_id == cid,
                                                       CommitteeKey.active)
                            .order_by(CommitteeKey.id.desc())).first()
            if key is not None:
                s.expunge(key)
            return key

    # -- reading ---------------------------------------------------------------------------
    def info(self, committee_id: int | None = None, *, today: dt.date | None = None
             ) -> SealInfo:
        cid = self._cid(committee_id)
        with self._read() as s:
            committee = s.get(Committee, cid)
            if committee is None or not (self.actor.spans_deployment
                                         or cid == self.actor.committee_id):
                raise ValidationError("找不到该调委会。", field="committee")
            name, png = committee.name, committee.seal_png
            total = s.scalar(select(func.count()).select_from(CommitteeKey)
                             .where(CommitteeKey.committee_id == cid)) or 0
        key = self._active(cid)
        ring = keyring_available()
        if key is None:
            return SealInfo(cid, name, False, older_keys=total, seal_png=png, keyring=ring)
        fp, issuer, since = _fingerprint(key.cert_pem)
        until = key.not_after.date()
        saved = pw.stored(cid) if ring else None
        return SealInfo(
            cid, name, True, holder=key.subject, issuer=issuer, fingerprint=fp,
            not_before=since, not_after=until,
            days_left=(until - (today or self.today())).days, older_keys=total - 1,
            seal_png=png, keyring=ring,
            password_saved=bool(saved) and pw.opens(key.pkcs12, saved or ""),
            unlocked=pw.unlocked(cid, key.pkcs12))

    def ca_certificate_pem(self, committee_id: int | None = None) -> str:
        """The active key's CA certificate: what a verifier elsewhere must trust."""
        key = self._active(self._cid(committee_id))
        return bytes(key.ca_cert_pem).decode("ascii") if key is not None else ""

    # -- changing --------------------------------------------------------------------------
    def generate(self, password: str, confirm: str | None = None, *, remember: bool = True,
                 committee_id: int | None = None, renew: bool = False) -> SealInfo:
        """A new committee CA and signing certificate (10 years). An existing key is kept,
        inactive, so what it sealed keeps verifying."""
        from desktop.documents.seal import generate_committee_keys

        cid = self._manage(committee_id)
        check_seal_password(password, confirm)
        with self._read() as s:
            committee = s.get(Committee, cid)
            name = committee.name if committee else ""
        keys = generate_committee_keys(name, password)
        self._install(cid, keys, password, remember,
                      ("更新" if renew else "生成") + f"电子印章证书：{keys.subject}")
        return self.info(cid)

    def renew(self, password: str, confirm: str | None = None, *, remember: bool = True,
              committee_id: int | None = None) -> SealInfo:
        return self.generate(password, confirm, remember=remember, committee_id=committee_id,
                             renew=True)

    def import_pkcs12(self, data: bytes, password: str, *, remember: bool = True,
                      committee_id: int | None = None) -> SealInfo:
        """A certificate from a CA the county already uses (.p12/.pfx with its password)."""
        from desktop.documents.seal import import_pkcs12

        cid = self._manage(committee_id)
        if not data:
            raise ValidationError("请选择证书文件（.p12 或 .pfx）。", field="pkcs12")
        if not password:
            raise ValidationError("请输入证书文件的密码。", field="seal_password")
        keys = import_pkcs12(data, password)
        if keys.not_after.date() < self.today():
            raise ValidationError(f"该证书已于{format_date(keys.not_after)}过期，不能用于盖章。",
                                  field="pkcs12")
        self._install(cid, keys, password, remember, f"导入电子印章证书：{keys.subject}")
        return self.info(cid)

    def _install(self, cid: int, keys: object, password: str, remember: bool,
                 summary: str) -> None:
        from desktop.documents.seal import CommitteeKeys

        assert isinstance(keys, CommitteeKeys)
        if remember and keyring_available():
            pw.store(cid, password)
        elif keyring_available():
            pw.forget_stored(cid)  # an old key's password must not linger there
        with self._write() as tx:
            record_key(tx, cid, keys, summary)
        pw.remember(cid, keys.pkcs12, password)

    def change_password(self, old: str, new: str, confirm: str | None = None, *,
                        remember: bool = True, committee_id: int | None = None) -> SealInfo:
        """Re-encrypt the active key with a new password; the certificate stays the same."""
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.serialization import pkcs12 as p12

        cid = self._manage(committee_id)
        key = self._active(cid)
        if key is None:
            raise ValidationError("尚未设置电子印章证书。", field="seal_password")
        try:
            pkey, cert, extra = p12.load_key_and_certificates(bytes(key.pkcs12),
                                                              old.encode("utf-8"))
        except (ValueError, TypeError):
            raise ValidationError("原印章密码不正确。", field="old_seal_password") from None
        check_seal_password(new, confirm)
        if pkey is None or cert is None:
            raise ValidationError("证书中没有签章私钥，无法修改密码。")
        data = p12.serialize_key_and_certificates(
            key.subject.encode("utf-8"), pkey, cert, list(extra or []),  # type: ignore[arg-type]
            serialization.BestAvailableEncryption(new.encode("utf-8")))
        if remember and keyring_available():
            pw.store(cid, new)
        elif keyring_available():
            pw.forget_stored(cid)
        with self._write() as tx:
            row = tx.session.get(CommitteeKey, key.id)
            assert row is not None
            row.pkcs12 = data
            tx.audit("seal_password", "committee_key", row.id, "修改电子印章密码")
        pw.remember(cid, data, new)
        return self.info(cid)

    def replace_image(self, png: bytes, committee_id: int | None = None) -> SealInfo:
        from desktop.services.committees import CommitteeService

        cid = self._manage(committee_id)
        check_png(png)
        committees = CommitteeService(self.db, self.actor)
        committees.update(cid, committees.get(cid).version, seal_png=png)
        return self.info(cid)

    def unlock(self, password: str, *, remember: bool = False,
               committee_id: int | None = None) -> None:
        """Check the typed password against the active key and keep it for this session
        (and in the keyring when asked and there is one). Any role that may seal may do so."""
        cid = self._cid(committee_id)
        key = self._active(cid)
        if key is None:
            raise ValidationError(f"调委会尚未设置电子印章证书，请主任在“{SEAL_PAGE}”中生成或导入证书。")
        if not password:
            raise ValidationError("请输入电子印章密码。", field="seal_password")
        if not pw.opens(bytes(key.pkcs12), password):
            raise ValidationError("印章密码不正确。", field="seal_password")
        if remember:
            pw.store(cid, password)
        pw.remember(cid, bytes(key.pkcs12), password)


__all__ = ["MAX_IMAGE_BYTES", "NO_KEYRING", "PASSWORD_ENV", "SEAL_PAGE", "WARN_DAYS",
           "SealInfo", "SealPasswordNeeded", "SealService", "check_png", "check_seal_password",
           "forget_session", "keyring_available", "password_for"]
