"""Forms that take effect on signature: who must sign, who has, and the 待签署 print.

人民调解法 Art. 29: the agreement takes effect once every party has signed (or pressed a
fingerprint), the mediators have signed and the committee has sealed it. The committee's seal
is the last of those acts, so the app seals only an agreement whose signatures are complete:
each signer either signed on the pad, or the signed paper original is scanned and attached.
Before that it prints a 待签署 version: no watermark, no seal, the places for signature,
fingerprint and the physical stamp, and a header saying it is not yet in effect.

The same rule holds for the oral-agreement registration form (the parties and the mediators
sign it) and the judicial-confirmation application (every applicant signs).

On the paper route the sealed file is the rendered form followed by the scan of the signed
original (one A4 page per scanned image, PDF scans merged as they are), so the committee's
seal covers the signatures themselves.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas as rl_canvas

from desktop.documents.data import AttachmentFile, CaseDocumentData, Signature, mediator_names
from desktop.domain.enums import AttachmentCategory, DocumentForm

if TYPE_CHECKING:  # imported where used (blocks and layout import this module)
    from desktop.documents.blocks import QrBlock
    from desktop.documents.layout import PageDrawer

SIGN_FORMS = frozenset({DocumentForm.AGREEMENT, DocumentForm.ORAL, DocumentForm.CONFIRMATION})
PAD = "手写板签名"
PAPER = "纸质签名扫描件"

# A signed scan belongs to the form its title names. An agreement scan may also be untitled
# (the outcome service has always taken any signed scan as the agreement's), as long as the
# title names no other form.
_SCAN_WORDS = {DocumentForm.AGREEMENT: ("协议书",), DocumentForm.ORAL: ("口头协议",),
               DocumentForm.CONFIRMATION: ("司法确认",)}
_OTHER_FORM_WORDS = ("告知书", "登记表", "申请书", "记录", "口头协议", "司法确认")

UNSIGNED_HEADER = {
    DocumentForm.AGREEMENT: "待签署文本：各方当事人签名（盖章）或按指印、人民调解员签名并加盖"
                            "调委会印章后生效",
    DocumentForm.ORAL: "待签署文本：各方当事人、人民调解员签名并加盖调委会印章后为正式登记表",
    DocumentForm.CONFIRMATION: "待签署文本：各申请人签名（盖章）后方可提交人民法院",
}


@dataclass(frozen=True)
class Signer:
    role: str  # 申请人 / 被申请人 / 调解员
    name: str
    kind: str = ""  # PAD / PAPER; "" = not signed yet
    mediator: bool = False

    @property
    def label(self) -> str:
        return f"{self.role}{self.name}"


@dataclass(frozen=True)
class SigningState:
    form: DocumentForm
    signers: tuple[Signer, ...]
    scans: tuple[AttachmentFile, ...] = ()  # the signed paper original(s) of this form

    @property
    def missing(self) -> tuple[Signer, ...]:
        return tuple(s for s in self.signers if not s.kind)

    @property
    def complete(self) -> bool:
        return not self.missing

    def missing_text(self) -> str:
        """被申请人李四签名、调解员王建国签名"""
        return "、".join(f"{s.label}签名" for s in self.missing)

    def refusal(self) -> str:
        return (f"{self.form.label}尚未签署完毕，不能加盖印章生成生效文书。尚缺："
                f"{self.missing_text()}。请先打印待签署文本，由各方签名后在签名板上录入，"
                "或上传签字后的纸质原件扫描件。")

    def signed(self) -> tuple[str, ...]:
        """申请人张三（手写板签名） for every signer, as the seal and ``verify`` state them."""
        return tuple(f"{s.label}（{s.kind}）" for s in self.signers if s.kind)


_CONTENT = {DocumentForm.AGREEMENT: ("agreement", "该案件尚未填写调解协议，无法生成人民调解协议书。"),
            DocumentForm.ORAL: ("oral", "该案件没有口头协议。"),
            DocumentForm.CONFIRMATION: ("confirmation", "该案件没有司法确认申请。")}


def require_content(form: DocumentForm, data: CaseDocumentData) -> None:
    """The form's own content must exist before its signatures mean anything."""
    from desktop.domain.errors import ValidationError

    attr, message = _CONTENT.get(form, ("", ""))
    if attr and getattr(data, attr) is None:
        raise ValidationError(message, field=attr)


def scans_for(form: DocumentForm, attachments: tuple[AttachmentFile, ...]
              ) -> tuple[AttachmentFile, ...]:
    signed = [a for a in attachments if a.category == AttachmentCategory.SIGNED_SCAN]
    words = _SCAN_WORDS.get(form, ())
    named = [a for a in signed if any(w in a.title for w in words)]
    if named or form != DocumentForm.AGREEMENT:
        return tuple(named)
    return tuple(a for a in signed if not any(w in a.title for w in _OTHER_FORM_WORDS))


def signing_state(form: DocumentForm | str, data: CaseDocumentData) -> SigningState:
    """Who must sign ``form`` and how each has (pad, or the paper original's scan)."""
    form = DocumentForm(form)
    data = data.for_form(form.value)
    scans = scans_for(form, data.attachments)
    paper = PAPER if scans else ""
    signers: list[Signer] = []
    for p in data.parties:
        role = "申请人" if form == DocumentForm.CONFIRMATION else p.side_label
        signers.append(Signer(role, p.name, PAD if data.signature_of(p.name) else paper))
    if form != DocumentForm.CONFIRMATION:
        meds = mediator_names(data)
        for n in meds:
            kind = PAD if data.signature_of(n, mediator=True) else paper
            signers.append(Signer("调解员", n, kind, mediator=True))
        if not meds:
            signers.append(Signer("调解员", "", paper, mediator=True))
    return SigningState(form, tuple(signers), scans)


def with_paper_signatures(data: CaseDocumentData, state: SigningState) -> CaseDocumentData:
    """The data with a 'signed on paper' mark for each paper signer (their cells say so)."""
    party = [Signature(s.name, None, state.form.value, on_paper=True)
             for s in state.signers if s.kind == PAPER and not s.mediator]
    med = [Signature(s.name, None, state.form.value, on_paper=True)
           for s in state.signers if s.kind == PAPER and s.mediator]
    return replace(data, party_signatures=data.party_signatures + tuple(party),
                   mediator_signatures=data.mediator_signatures + tuple(med))


def is_paper_signed(data: CaseDocumentData, name: str, *, mediator: bool = False) -> bool:
    pool = data.mediator_signatures if mediator else data.party_signatures
    return any(g.signer == name and g.on_paper and not g.png for g in pool)


def draw_unsigned_header(form: DocumentForm) -> PageDrawer:
    """A page decorator: the 待签署 mark in the header of every page (not a watermark: the
    text stays legible and the parties sign this very sheet)."""
    from desktop.documents.layout import CONTENT_W, MARGIN_L, PAGE_H, TextStyle, draw_line

    text = UNSIGNED_HEADER.get(form, "待签署文本：签名、盖章后方为正式文书")
    style = TextStyle(size=10.5, align="center")

    def draw(canv: rl_canvas.Canvas, number: int, total: int) -> None:
        y = PAGE_H - 17 * mm
        canv.saveState()
        canv.setLineWidth(0.8)
        canv.rect(MARGIN_L, y - 2.2 * mm, CONTENT_W, 7 * mm)
        draw_line(canv, text, MARGIN_L, y, CONTENT_W, style)
        canv.restoreState()

    return draw


def append_scans(pdf: bytes, scans: tuple[AttachmentFile, ...], form: DocumentForm) -> bytes:
    """The rendered form followed by the scanned signed original, as one PDF."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=io.BytesIO(pdf))
    images = [a for a in scans if a.mime != "application/pdf"]
    n = len(images)
    for a in scans:
        if a.mime == "application/pdf":
            for page in PdfReader(io.BytesIO(a.data)).pages:
                writer.add_page(page)
        else:
            i = images.index(a) + 1
            page_pdf = _image_page(a, f"附：{form.label}签署原件扫描件（{a.title}，第{i}页，共{n}页）")
            writer.add_page(PdfReader(io.BytesIO(page_pdf)).pages[0])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _image_page(a: AttachmentFile, caption: str) -> bytes:
    from desktop.documents import blocks
    from desktop.documents.fonts import BODY, ensure_registered
    from desktop.documents.layout import (
        CONTENT_W,
        MARGIN_B,
        MARGIN_L,
        MARGIN_T,
        PAGE_H,
        PAGE_W,
        TextStyle,
        draw_line,
    )

    buf = io.BytesIO()
    # types-reportlab types initialFontName as a number; ReportLab wants the font's name
    c = rl_canvas.Canvas(buf, pagesize=(PAGE_W, PAGE_H),
                         initialFontName=ensure_registered(BODY.faces[0]))  # type: ignore[arg-type]
    reader = ImageReader(io.BytesIO(blocks.scan_image(a.data)))
    iw, ih = reader.getSize()
    box_w, box_h = CONTENT_W, PAGE_H - MARGIN_T - MARGIN_B - 12 * mm
    scale = min(box_w / iw, box_h / ih)
    w, h = iw * scale, ih * scale
    c.drawImage(reader, MARGIN_L + (box_w - w) / 2, MARGIN_B + (box_h - h), w, h, mask="auto")
    draw_line(c, caption, MARGIN_L, MARGIN_B - 8 * mm, CONTENT_W,
              TextStyle(size=10.5, align="center"))
    c.showPage()
    c.save()
    return buf.getvalue()


def qr_payload(form: DocumentForm, number: str, day: str, code: str) -> str:
    """Plain text, so any phone's scanner shows it: 调解协议书｜案号｜日期｜核验码 XXXX."""
    return f"{form.label}｜{number}｜{day}｜核验码 {code}"


def verification_qr(form: DocumentForm, data: CaseDocumentData, day: str) -> QrBlock | None:
    """The QR code and its caption on a sealed final; None on anything else."""
    from desktop.documents import blocks

    code = data.verification_code
    if not code:
        return None
    return blocks.QrBlock(qr_payload(form, data.case.number, day, code),
                          [f"核验码：{code}", "可向本调委会或凭二维码核验"])
