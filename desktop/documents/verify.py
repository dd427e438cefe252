"""Is this PDF an unaltered document sealed by a committee we trust?"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from desktop.documents.seal import REASON_PREFIX
from desktop.domain.enums import DocumentForm


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    message: str  # one Chinese sentence for the person at the desk
    case_number: str = ""
    form: str = ""  # DocumentForm value
    form_label: str = ""
    verification_code: str = ""
    committee: str = ""
    signed_at: dt.datetime | None = None
    sha256: str = ""
    problems: tuple[str, ...] = field(default_factory=tuple)

    def report(self) -> str:
        """Several lines for the CLI and the verify dialog."""
        lines = [("【通过】" if self.ok else "【未通过】") + self.message]
        if self.form_label:
            lines.append(f"文书：{self.form_label}")
        if self.case_number:
            lines.append(f"案号：{self.case_number}")
        if self.verification_code:
            lines.append(f"验证码：{self.verification_code}")
        if self.committee:
            lines.append(f"盖章单位：{self.committee}")
        if self.signed_at:
            local = self.signed_at.astimezone()
            lines.append(f"盖章时间：{local:%Y年%m月%d日 %H:%M:%S}")
        lines += [f"问题：{p}" for p in self.problems]
        lines.append(f"SHA-256：{self.sha256}")
        return "\n".join(lines)


_REASON = re.compile(r"form=(?P<form>[a-z_]+)；case=(?P<case>[^；]*)；code=(?P<code>[^；]*)")


def _load_certs(trusted: Iterable[bytes]) -> list:  # type: ignore[type-arg]
    from asn1crypto import pem, x509

    certs = []
    for blob in trusted:
        if pem.detect(blob):
            for _, _, der in pem.unarmor(blob, multiple=True):
                certs.append(x509.Certificate.load(der))
        else:
            certs.append(x509.Certificate.load(blob))
    return certs


def verify_pdf(data: bytes, trusted_certs: Iterable[bytes]) -> VerifyResult:
    """Check the committee seal on ``data`` against the trusted CA certificates (PEM/DER).

    ``ok`` only when: there is a seal, the signed bytes are unchanged, nothing was appended
    after sealing, and the signing certificate chains to a trusted committee CA.
    """
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    sha = hashlib.sha256(data).hexdigest()
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        sigs = reader.embedded_signatures
    except Exception as exc:  # noqa: BLE001 - any parse failure means "not a good file"
        return VerifyResult(False, "文件已损坏或不是有效的PDF，无法核验。", sha256=sha,
                            problems=(str(exc)[:200],))
    if not sigs:
        return VerifyResult(False, "文件上没有调解委员会的电子印章，无法证明其来源。", sha256=sha)
    sig = sigs[-1]
    reason = ""
    committee = ""
    try:
        reason = str(sig.sig_object.get("/Reason", ""))
        committee = str(sig.sig_object.get("/Location", ""))
    except Exception:  # noqa: BLE001, S110 - a damaged dictionary fails validation below
        pass
    m = _REASON.search(reason)
    form = m.group("form") if m else ""
    try:
        label = DocumentForm(form).label if form else ""
    except ValueError:
        label = ""
    base = {"case_number": m.group("case") if m else "", "form": form, "form_label": label,
            "verification_code": m.group("code") if m else "", "sha256": sha}
    ctx = ValidationContext(trust_roots=_load_certs(trusted_certs), allow_fetching=False,
                            revocation_mode="soft-fail")
    try:
        status = validate_pdf_signature(sig, ctx)
    except Exception as exc:  # noqa: BLE001
        return VerifyResult(False, "电子印章无法解析，文件可能被篡改。", committee=committee,
                            problems=(str(exc)[:200],), **base)
    signed_at = status.signer_reported_dt
    try:
        signer_cn = status.signing_cert.subject.native.get("common_name", "")
    except Exception:  # noqa: BLE001
        signer_cn = ""
    committee = signer_cn or committee
    problems: list[str] = []
    if not status.intact or not status.valid:
        problems.append("签章后文件内容被改动（摘要不符）")
    if status.coverage != SignatureCoverageLevel.ENTIRE_FILE:
        problems.append("签章后文件被追加了修改")
    if not status.trusted:
        problems.append("签章证书不属于受信任的人民调解委员会")
    if not reason.startswith(REASON_PREFIX) or not m:
        problems.append("不是调解台生成的调解文书印章")
    if problems:
        if not status.intact or not status.valid:
            msg = "文件在盖章后被篡改，内容不可信。"
        elif status.coverage != SignatureCoverageLevel.ENTIRE_FILE:
            msg = "文件在盖章后被追加修改，当前内容不是盖章时的内容。"
        elif not status.trusted:
            msg = "盖章单位不明：签章证书不是本系统信任的调解委员会证书。"
        else:
            msg = "文件上的印章不是调解台的调解文书印章。"
        return VerifyResult(False, msg, committee=committee, signed_at=signed_at,
                            problems=tuple(problems), **base)
    return VerifyResult(True, f"文件完好，由{committee}盖章，盖章后未被改动。",
                        committee=committee, signed_at=signed_at, **base)
