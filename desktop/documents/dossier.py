"""人民调解卷宗: cover, 卷内目录 with page numbers, the documents and scans in order, 备考表.

Each document is rendered on its own (so its page count is known), attached scans are placed
on A4 pages (images) or merged (PDFs), then the cover and the table of contents are rendered
with the page numbers and everything is joined into one PDF with pypdf. Archive practice
numbers the file's pages from the first document; the cover and the 目录 are not numbered,
and each numbered page carries its number in the top-right corner.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from pypdf import PdfReader, PdfWriter
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas as rl_canvas

from desktop.documents import blocks
from desktop.documents.data import AttachmentFile, CaseDocumentData, RenderOptions
from desktop.documents.fonts import BODY, ensure_registered
from desktop.documents.forms import meta_for, story_for
from desktop.documents.forms.common import dispute_name, fdate, mediator_names, party_names
from desktop.documents.layout import (
    CONTENT_W,
    MARGIN_B,
    MARGIN_L,
    MARGIN_T,
    PAGE_H,
    PAGE_W,
    PdfMeta,
    TextStyle,
    build_pdf,
    draw_line,
)
from desktop.domain.enums import AttachmentCategory, DocumentForm


@dataclass
class Item:
    number: int  # position in the Ministry's list (1–13)
    title: str
    required: bool
    pdf: bytes | None  # None: missing
    note: str = ""


def _render(form: DocumentForm, data: CaseDocumentData, opts: RenderOptions) -> bytes:
    meta = meta_for(form, data, opts)
    meta.draft = False  # one watermark for the whole dossier, drawn on the assembled pages
    return build_pdf(story_for(form)(data.for_form(form.value), opts), meta)


def _scans(data: CaseDocumentData, *cats: AttachmentCategory) -> bytes | None:
    files = [a for a in data.attachments if a.category in cats]
    if not files:
        return None
    writer = PdfWriter()
    for a in files:
        src = a.data if a.mime == "application/pdf" else _image_pdf(a)
        for page in PdfReader(io.BytesIO(src)).pages:
            writer.add_page(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _image_pdf(a: AttachmentFile) -> bytes:
    """An image scan placed on an A4 page, scaled to the type area, captioned."""
    buf = io.BytesIO()
    c = rl_canvas.Canvas(buf, pagesize=(PAGE_W, PAGE_H),
                         initialFontName=ensure_registered(BODY.faces[0]))
    reader = ImageReader(io.BytesIO(blocks.scan_image(a.data)))
    iw, ih = reader.getSize()
    box_w, box_h = CONTENT_W, PAGE_H - MARGIN_T - MARGIN_B - 12 * mm
    scale = min(box_w / iw, box_h / ih)
    w, h = iw * scale, ih * scale
    c.drawImage(reader, MARGIN_L + (box_w - w) / 2, MARGIN_B + (box_h - h), w, h, mask="auto")
    draw_line(c, f"{a.category.label}：{a.title}", MARGIN_L, MARGIN_B - 8 * mm, CONTENT_W,
              TextStyle(size=10.5, align="center"))
    c.showPage()
    c.save()
    return buf.getvalue()


def _items(data: CaseDocumentData, opts: RenderOptions) -> list[Item]:
    def maybe(form: DocumentForm, present: object) -> bytes | None:
        return _render(form, data, opts) if present else None

    A = AttachmentCategory
    items: list[Item] = []
    if data.case.requests:
        items.append(Item(1, "人民调解申请书", False, _render(DocumentForm.APPLICATION, data,
                                                                opts)))
    items.append(Item(1, "人民调解受理登记表", True, _render(DocumentForm.REGISTRATION, data,
                                                               opts)))
    items.append(Item(2, "当事人权利义务告知书", True, _render(DocumentForm.NOTICE, data, opts)))
    items.append(Item(3, "当事人身份证明", True, _scans(data, A.IDENTITY)))
    items.append(Item(4, "授权委托书", False, _scans(data, A.POWER_OF_ATTORNEY)))
    items.append(Item(5, "人民调解调查记录", False, maybe(DocumentForm.INVESTIGATION,
                                                         data.investigations)))
    items.append(Item(6, "证据材料", False, _scans(data, A.EVIDENCE, A.OTHER)))
    items.append(Item(7, "人民调解记录", True, maybe(DocumentForm.RECORD, data.sessions)))
    if data.agreement is not None:
        items.append(Item(8, "人民调解协议书", True, _render(DocumentForm.AGREEMENT, data, opts)))
    elif data.oral is not None:
        items.append(Item(8, "人民调解口头协议登记表", True, _render(DocumentForm.ORAL, data,
                                                                   opts)))
    elif data.termination is not None:
        items.append(Item(8, "终止调解告知书", True, _render(DocumentForm.TERMINATION, data,
                                                             opts)))
    else:
        items.append(Item(8, "人民调解协议书", True, None))
    signed = _scans(data, A.SIGNED_SCAN)
    if signed:
        items.append(Item(8, "签字文书扫描件", False, signed))
    items.append(Item(9, "履行凭证", False, _scans(data, A.PERFORMANCE)))
    items.append(Item(10, "人民调解回访记录", False, maybe(DocumentForm.FOLLOWUP,
                                                         data.followups)))
    conf = maybe(DocumentForm.CONFIRMATION, data.confirmation)
    conf_scans = _scans(data, A.CONFIRMATION)
    if conf and conf_scans:
        conf = _join([conf, conf_scans])
    items.append(Item(11, "司法确认材料", False, conf or conf_scans))
    if data.dossier.explanation:
        items.append(Item(12, "卷宗情况说明", False, _explanation(data)))
    items.append(Item(13, "备考表（封底）", True, _back_cover(data)))
    for it in items:
        if it.required and it.pdf is None:
            it.note = "缺，见卷宗情况说明" if data.dossier.explanation else "缺"
    return items


def _explanation(data: CaseDocumentData) -> bytes:
    story = [blocks.title("卷宗情况说明"), blocks.spacer(4), blocks.para(data.dossier.explanation)]
    return build_pdf(story, PdfMeta(title="卷宗情况说明"))


def _back_cover(data: CaseDocumentData) -> bytes:
    d = data.dossier
    story = [
        blocks.title("备考表"),
        blocks.spacer(4),
        blocks.grid(
            [["本卷情况说明", d.remarks or d.explanation or "本卷材料齐全，无缺损。"],
             ["立卷人", d.filed_by],
             ["检查人", d.reviewer],
             ["立卷日期", fdate(d.filed_on)]],
            [24, 80], min_heights_mm={0: 120}),
    ]
    return build_pdf(story, PdfMeta(title="备考表"))


def _join(pdfs: list[bytes]) -> bytes:
    writer = PdfWriter()
    for pdf in pdfs:
        writer.append(PdfReader(io.BytesIO(pdf)))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


COVER_LABEL = TextStyle(size=14, leading=22, align="center")
COVER_VALUE = TextStyle(size=14, leading=22)


def _cover(data: CaseDocumentData) -> bytes:
    d, c = data.dossier, data.case
    volume = d.volume_name or f"{party_names(data)}{dispute_name(data)}"
    dates = [s.started_at.date() for s in data.sessions + data.investigations]
    start = min(dates) if dates else c.accepted_on
    end = c.closed_on or (max(dates) if dates else None)
    story = [
        blocks.spacer(20),
        blocks.para(data.committee.name, TextStyle(size=18, leading=30, align="center")),
        blocks.spacer(6),
        blocks.CJKParagraph("人民调解卷宗", TextStyle(size=36, leading=54, align="center",
                                                  chain=blocks.TITLE)),
        blocks.spacer(18),
        blocks.grid(
            [[blocks.para(label, COVER_LABEL), blocks.para(value, COVER_VALUE)] for label, value in (
                ("卷　　名", volume),
                ("卷　　号", c.number),
                ("人民调解员", "、".join(mediator_names(data))),
                ("调解日期", f"自{fdate(start)}至{fdate(end)}"),
                ("立 卷 人", d.filed_by),
                ("立卷日期", fdate(d.filed_on)),
                ("保管期限", d.retention),
                ("备　　注", d.remarks))],
            [28, 76], min_heights_mm=dict.fromkeys(range(8), 13), tall_top=False),
    ]
    return build_pdf(story, PdfMeta(title="人民调解卷宗封面"))


def _toc(items: list[Item], starts: list[int | None], data: CaseDocumentData) -> bytes:
    rows: list[list[blocks.Cell]] = [["序号", "文件材料名称", "页号", "备注"]]
    # 顺序号 runs 1, 2, 3… over the rows; the rows follow the Ministry's order (Item.number).
    for seq, (it, start) in enumerate(zip(items, starts), start=1):
        pages = "" if start is None else str(start)
        rows.append([str(seq), it.title, pages, it.note])
    story = [
        blocks.title("卷内目录"),
        blocks.number_line(f"卷号：{data.case.number}"),
        blocks.grid(rows, [12, 58, 14, 20], label_cols=(0, 2),
                    label_cells=[(0, 1), (0, 3)]),
    ]
    return build_pdf(story, PdfMeta(title="卷内目录"))


def _stamp(total: int, first_index: int, count: int, draft: bool) -> PdfReader:
    """One overlay page per numbered page: the archive page number (and watermark)."""
    from desktop.documents.layout import draw_watermark

    buf = io.BytesIO()
    c = rl_canvas.Canvas(buf, pagesize=(PAGE_W, PAGE_H),
                         initialFontName=ensure_registered(BODY.faces[0]))
    style = TextStyle(size=12, align="right")
    for i in range(total):
        number = i - first_index + 1
        if 0 < number <= count:
            draw_line(c, str(number), PAGE_W - 60 * mm, PAGE_H - 14 * mm, 45 * mm, style)
        if draft:
            draw_watermark(c)
        c.showPage()
    c.save()
    return PdfReader(io.BytesIO(buf.getvalue()))


def render_dossier(data: CaseDocumentData, opts: RenderOptions) -> bytes:
    items = _items(data, opts)
    readers = [PdfReader(io.BytesIO(it.pdf)) if it.pdf else None for it in items]
    starts: list[int | None] = []
    page = 1
    for r in readers:
        starts.append(page if r else None)
        page += len(r.pages) if r else 0
    numbered = page - 1
    cover = PdfReader(io.BytesIO(_cover(data)))
    toc = PdfReader(io.BytesIO(_toc(items, starts, data)))
    writer = PdfWriter()
    for r in [cover, toc, *[r for r in readers if r]]:
        for p in r.pages:
            writer.add_page(p)
    front = len(cover.pages) + len(toc.pages)
    overlay = _stamp(len(writer.pages), front, numbered, not opts.final)
    for i, p in enumerate(writer.pages):
        p.merge_page(overlay.pages[i])
    meta = meta_for(DocumentForm.DOSSIER, data, opts)
    writer.add_metadata({"/Title": meta.title, "/Subject": meta.subject,
                         "/Keywords": meta.keywords, "/Author": meta.author,
                         "/Creator": "调解台 MediationDesk", "/Producer": "调解台 MediationDesk"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
