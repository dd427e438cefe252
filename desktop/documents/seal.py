"""The committee's electronic seal: its key pair and the PAdES signature on final PDFs.

Each committee gets its own small CA (CN = committee name + "根证书", 10 years) and a signing
certificate issued by it (CN = committee name, 10 years). The signing key travels as a
password-protected PKCS#12 (stored by the services in the ``committee_key`` table, its
password in the keyring); the CA certificate is what a verifier trusts — ``mediationdesk
verify`` and, after ``certutil -A -t "CT,C,C"``, poppler's ``pdfsig`` or a PDF reader.

The signature's *reason* carries the form, the case number, the verification code and, for a
form that takes effect on signature, who signed and how (手写板签名 / 纸质签名扫描件), so a
verifier learns what the document is from signed data, not from the (unsigned-by-itself)
document information dictionary.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from collections.abc import Sequence
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from desktop.domain.errors import ValidationError

VALIDITY_DAYS = 3652  # ten years
REASON_PREFIX = "人民调解委员会电子印章"


@dataclass(frozen=True)
class CommitteeKeys:
    pkcs12: bytes  # key + signing certificate + CA certificate, password-protected
    ca_cert_pem: bytes
    cert_pem: bytes
    subject: str
    not_after: dt.datetime


@dataclass(frozen=True)
class SealedPdf:
    data: bytes
    sha256: str


def _name(cn: str, org: str) -> x509.Name:
    return x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, org),
        x509.NameAttribute(NameOID.COMMON_NAME, cn),
    ])


def generate_committee_keys(committee: str, password: str,
                            *, now: dt.datetime | None = None) -> CommitteeKeys:
    """A new CA and signing certificate for the committee (RSA 2048, SHA-256, 10 years)."""
    if not password:
        raise ValidationError("请为印章证书设置密码。", field="password")
    now = (now or dt.datetime.now(dt.UTC)).replace(microsecond=0)
    until = now + dt.timedelta(days=VALIDITY_DAYS)
    ca_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ca_name = _name(f"{committee}根证书", committee)
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(until)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False,
                                     False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()),
                       critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(committee, committee))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(until)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(True, True, False, False, False, False, False, False,
                                     False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
                       critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
            ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    p12 = pkcs12.serialize_key_and_certificates(
        committee.encode("utf-8"), key, cert, [ca_cert],
        serialization.BestAvailableEncryption(password.encode("utf-8")),
    )
    return CommitteeKeys(
        pkcs12=p12,
        ca_cert_pem=ca_cert.public_bytes(serialization.Encoding.PEM),
        cert_pem=cert.public_bytes(serialization.Encoding.PEM),
        subject=committee,
        not_after=until.replace(tzinfo=None),
    )


def import_pkcs12(data: bytes, password: str) -> CommitteeKeys:
    """Check an imported PKCS#12 (from a CA the county already uses) and describe it."""
    try:
        key, cert, extra = pkcs12.load_key_and_certificates(data, password.encode("utf-8"))
    except ValueError:
        raise ValidationError("证书文件无法打开：密码错误或文件不是 PKCS#12（.p12/.pfx）格式。",
                              field="password") from None
    if key is None or cert is None:
        raise ValidationError("证书文件中没有签章私钥和证书。")
    cas = [c for c in extra if c.subject == cert.issuer]
    ca = cas[0] if cas else cert  # a self-signed certificate is its own anchor
    cn = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    return CommitteeKeys(
        pkcs12=data,
        ca_cert_pem=ca.public_bytes(serialization.Encoding.PEM),
        cert_pem=cert.public_bytes(serialization.Encoding.PEM),
        subject=str(cn[0].value) if cn else cert.subject.rfc4514_string(),
        not_after=cert.not_valid_after_utc.replace(tzinfo=None),
    )


def seal_reason(form_code: str, form_label: str, case_number: str, code: str,
                signers: Sequence[str] = ()) -> str:
    reason = f"{REASON_PREFIX}：{form_label}；form={form_code}；case={case_number}；code={code}"
    if signers:
        # Signed data: verify reports who signed from here, not from the page.
        reason += "；signers=" + "、".join(signers)
    return reason


def seal_pdf(pdf: bytes, keys_pkcs12: bytes, password: str, *, form_code: str,
             form_label: str, case_number: str, verification_code: str,
             committee: str, signers: Sequence[str] = ()) -> SealedPdf:
    """PAdES-sign (invisible) the PDF with the committee's key; return it and its SHA-256."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields
    from pyhanko.sign import signers as pdf_signers
    from pyhanko.sign.general import load_cert_from_pemder  # noqa: F401  (import check)

    try:
        signer = pdf_signers.SimpleSigner.load_pkcs12_data(
            keys_pkcs12, other_certs=[], passphrase=password.encode("utf-8"))
    except (ValueError, TypeError):
        signer = None
    if signer is None:
        raise ValidationError("无法使用调解委员会印章证书：密码错误或证书已损坏。")
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    meta = pdf_signers.PdfSignatureMetadata(
        field_name="CommitteeSeal",
        reason=seal_reason(form_code, form_label, case_number, verification_code, signers),
        location=committee,
        name=committee,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
    )
    out = pdf_signers.sign_pdf(writer, meta, signer=signer)
    data = out.getvalue()
    return SealedPdf(data=data, sha256=hashlib.sha256(data).hexdigest())
