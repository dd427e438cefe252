"""Is this PDF an unaltered document sealed by a committee we trust, and is it in effect?

A sealed agreement (oral-agreement form, judicial-confirmation application) is an effective
one: the seal is applied only once every signature is there, and the seal's signed reason
lists the signers. A file without a seal is never an effective document; a 待签署 print or a
draft says so.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from desktop.documents.seal import REASON_PREFIX
from desktop.domain.enums import DocumentForm

if TYPE_CHECKING:
    from asn1crypto.x509 import Certificate  # untyped library: Any to the checker

# Forms that take effect on signature, and what a sealed one is.
EFFECT_LABEL = {
    "agreement": "已生效的人民调解协议书（各方已签名，调委会已盖章）",
    "oral": "已签署盖章的人民调解口头协议登记表",
    "confirmation": "各申请人已签名的司法确认申请书",
}


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
    signers: tuple[str, ...] = ()  # 申请人张三（手写板签名） …, from the sealed data
    state: str = ""  # sealed / unsigned (待签署) / draft / "" (not ours or unreadable)

    @property
    def effective(self) -> bool:
        """A sealed, intact form that takes effect on signature, with its signatures."""
        return self.ok and self.form in EFFECT_LABEL and bool(self.signers)

    def report(self) -> str:
        """Several lines for the CLI and the verify dialog."""
        if self.ok:
            head = "【通过】"
        elif self.state in ("unsigned", "draft"):
            head = "【非生效文书】"
        else:
            head = "【未通过】"
        lines = [head + self.message]
        if self.form_label:
            lines.append(f"文书：{self.form_label}")
        if self.case_number:
            lines.append(f"案号：{self.case_number}")
        if self.verification_code:
            lines.append(f"核验码：{self.verification_code}")
        if self.committee:
            lines.append(f"盖章单位：{self.committee}")
        if self.signed_at:
            local = self.signed_at.astimezone()
            lines.append(f"盖章时间：{local:%Y年%m月%d日 %H:%M:%S}")
        if self.signers:
            lines.append(f"签名（{len(self.signers)}人）：")
            lines += [f"　　{s}" for s in self.signers]
        lines += [f"问题：{p}" for p in self.problems]
        lines.append(f"SHA-256：{self.sha256}")
        return "\n".join(lines)


_REASON = re.compile(r"form=(?P<form>[a-z_]+)；case=(?P<case>[^；]*)；code=(?P<code>[^；]*)"
                     r"(?:；signers=(?P<signers>[^；]*))?")
_SIGNER = re.compile(r"(.+?（(?:手写板签名|纸质签名扫描件)）)(?:、|$)")
_KEYWORDS = re.compile(r"mediationdesk;case=(?P<case>[^;]*);form=(?P<form>[a-z_]+)"
                       r"(?:;state=(?P<state>[a-z]+))?")


def _label(form: str) -> str:
    try:
        return DocumentForm(form).label if form else ""
    except ValueError:
        return ""


def _unsealed(data: bytes, sha: str) -> VerifyResult:
    """No seal: say what the file claims to be (a 待签署 print, a draft) and that it is not in
    effect. The claim comes from the unsigned document information, so it is only ever used
    to say *less* than a seal would."""
    keywords = ""
    try:
        from pypdf import PdfReader

        meta = PdfReader(io.BytesIO(data)).metadata
        keywords = str(meta.get("/Keywords", "")) if meta else ""
    except Exception:  # noqa: BLE001, S110 - unreadable metadata: a plain "no seal"
        pass
    m = _KEYWORDS.search(keywords)
    if m and m.group("state") in ("unsigned", "draft"):
        label = _label(m.group("form"))
        state = m.group("state")
        what = f"{label}待签署文本" if state == "unsigned" else f"{label}草稿"
        why = "尚未签名盖章" if state == "unsigned" else "仅供核对内容"
        return VerifyResult(False, f"本文件是{what}，{why}，没有电子印章，不是生效的调解文书。",
                            case_number=m.group("case"), form=m.group("form"),
                            form_label=label, sha256=sha, state=state)
    return VerifyResult(False, "文件上没有调解委员会的电子印章，无法证明其来源，不是生效的调解文书。",
                        sha256=sha)


def _load_certs(trusted: Iterable[bytes]) -> list[Certificate]:
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
        return _unsealed(data, sha)
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
    # Each entry ends with its kind in brackets, so a name holding "、" still splits right.
    signers = tuple(_SIGNER.findall(m.group("signers") or "")) if m else ()
    base: dict[str, Any] = {"case_number": m.group("case") if m else "", "form": form, "form_label": _label(form),
            "verification_code": m.group("code") if m else "", "sha256": sha,
            "signers": signers, "state": "sealed"}
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
    if form in EFFECT_LABEL and signers:
        msg = f"本文件是{EFFECT_LABEL[form]}，由{committee}加盖电子印章，盖章后未被改动。"
    elif form in EFFECT_LABEL:
        msg = (f"文件完好，由{committee}盖章，盖章后未被改动；但印章中没有签名记录"
               "（早期版本生成），请核对纸质原件上的签名。")
    else:
        msg = f"文件完好，由{committee}盖章，盖章后未被改动。"
    return VerifyResult(True, msg, committee=committee, signed_at=signed_at, **base)
