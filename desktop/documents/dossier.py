"""人民调解卷宗: cover, 卷内目录 with page numbers, the documents and scans in order, 备考表.

The whole dossier is laid out as ONE ReportLab document, so each font face is embedded once
as one subset (rendering each document on its own and joining them embedded up to ten
subsets of the same face, about 2 MB repeated). What is only known once everything is laid
out — the 目录's page numbers, each document's "第 N 页 共 M 页" and the archive page number
in the top-right corner — is drawn when the canvas is saved. Image scans are placed on A4
pages; an attached PDF scan takes placeholder pages that are swapped for its own pages with
pypdf afterwards (the only case that needs a second pass).

Archive practice numbers the file's pages from the first document; the cover and the 目录
are not numbered.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from pypdf import PdfReader, PdfWriter
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas as rl_canvas
from reportlab.platypus import Flowable, PageBreak

from desktop.documents import blocks
from desktop.documents.data import AttachmentFile, CaseDocumentData, RenderOptions, mediator_names
from desktop.documents.effect import SIGN_FORMS, signing_state
from desktop.documents.fonts import TITLE
from desktop.documents.forms import meta_for, story_for
from desktop.documents.forms.common import dispute_name, fdate, party_names
from desktop.documents.layout import (
    MARGIN_B,
    MARGIN_T,
    PAGE_H,
    PAGE_W,
    CJKParagraph,
    TextStyle,
    build_pdf,
    draw_line,
    draw_page_footer,
)
from desktop.domain.enums import AttachmentCategory, DocumentForm

Part = tuple[bool, Callable[[], list[Flowable]]]  # (is a scan, story maker)


@dataclass
class Item:
    """One row of the 卷内目录 (the Ministry's list, 1–13)."""

    number: int
    title: str
    required: bool
    parts: list[Part] = field(default_factory=list)  # each part is one document
    note: str = ""

    @property
    def present(self) -> bool:
        return bool(self.parts)


# -- completeness (the 目录 and the 备考表 read the same check) ---------------------------------

def missing_required(items: list[Item]) -> list[Item]:
    return [it for it in items if it.required and not it.present]


def _items(data: CaseDocumentData, opts: RenderOptions,
           slots: dict[int, tuple[bytes, int]]) -> list[Item]:
    A = AttachmentCategory

    def form(f: DocumentForm) -> Part:
        return False, lambda: story_for(f)(data.for_form(f.value), form_opts(f))

    def form_opts(f: DocumentForm) -> RenderOptions:
        # A sealed dossier never shows a form that takes effect on signature as effective
        # (seal image, QR) unless every signature is there: it is filed as its 待签署 print.
        if opts.final and f in SIGN_FORMS and not signing_state(f, data).complete:
            return replace(opts, final=False, unsigned=True)
        return opts

    def scans(*cats: AttachmentCategory) -> list[Part]:
        files = [a for a in data.attachments if a.category in cats]
        return [(True, lambda: _scan_story(files, slots))] if files else []

    first = [form(DocumentForm.REGISTRATION)]
    first_title = "人民调解受理登记表"
    if data.case.requests:
        first.insert(0, form(DocumentForm.APPLICATION))
        first_title = "人民调解申请书、受理登记表"
    if data.agreement is not None:
        outcome, outcome_title = [form(DocumentForm.AGREEMENT)], "人民调解协议书"
    elif data.oral is not None:
        outcome, outcome_title = [form(DocumentForm.ORAL)], "人民调解口头协议登记表"
    elif data.termination is not None:
        outcome, outcome_title = [form(DocumentForm.TERMINATION)], "终止调解告知书"
    else:
        outcome, outcome_title = [], "人民调解协议书"
    outcome += scans(A.SIGNED_SCAN)  # the signed paper original files with the agreement
    confirmation = ([form(DocumentForm.CONFIRMATION)] if data.confirmation else []) + scans(
        A.CONFIRMATION)
    items = [
        Item(1, first_title, True, first),
        Item(2, "当事人权利义务告知书", True, [form(DocumentForm.NOTICE)]),
        Item(3, "当事人身份证明", True, scans(A.IDENTITY)),
        Item(4, "授权委托书", False, scans(A.POWER_OF_ATTORNEY)),
        Item(5, "人民调解调查记录", False,
             [form(DocumentForm.INVESTIGATION)] if data.investigations else []),
        Item(6, "证据材料", False, scans(A.EVIDENCE, A.OTHER)),
        Item(7, "人民调解记录", True, [form(DocumentForm.RECORD)] if data.sessions else []),
        Item(8, outcome_title, True, outcome),
        Item(9, "履行凭证", False, scans(A.PERFORMANCE)),
        Item(10, "人民调解回访记录", False,
             [form(DocumentForm.FOLLOWUP)] if data.followups else []),
        Item(11, "司法确认材料", False, confirmation),
        Item(12, "卷宗情况说明", False, []),
        Item(13, "备考表（封底）", True, []),
    ]
    items[12].parts = [(False, lambda: _back_cover_story(data, items))]
    missing = missing_required(items)
    explanation = data.dossier.explanation.strip()
    if explanation or missing:
        # Missing required items without a recorded reason still get the page, saying so:
        # the archivist sees the gap on paper, not only in the 目录.
        items[11].parts = [(False, lambda: _explanation_story(data, missing))]
    for it in missing:  # the 卷宗情况说明 page (row 12) names every missing item
        it.note = "缺，见卷宗情况说明" if explanation else "缺"
    return items


def _names(items: list[Item]) -> str:
    return "、".join(it.title for it in items)


def _explanation_story(data: CaseDocumentData, missing: list[Item]) -> list[Flowable]:
    text = data.dossier.explanation.strip()
    story: list[Flowable] = [blocks.title("卷宗情况说明"), blocks.spacer(4)]
    if missing:
        story.append(blocks.para(f"本卷缺少以下必备材料：{_names(missing)}。"))
    story.append(blocks.para(text or "缺少上述材料的原因未作说明，请立卷人补充。"))
    return story


def back_cover_statement(data: CaseDocumentData, items: list[Item]) -> str:
    """The 备考表's statement, from the same completeness check as the 目录."""
    present = [it for it in items if it.present and it.number != 13]
    missing = missing_required(items)
    text = f"本卷共有文件材料{len(present)}件。"
    if missing:
        text += f"本卷缺少必备材料：{_names(missing)}"
        text += "，原因见卷宗情况说明。" if data.dossier.explanation.strip() else "，原因未说明。"
    else:
        text += "本卷材料齐全，无缺损。"
    if data.dossier.remarks:
        text += "\n" + data.dossier.remarks
    return text


def _back_cover_story(data: CaseDocumentData, items: list[Item]) -> list[Flowable]:
    d = data.dossier
    return [
        blocks.title("备考表"),
        blocks.spacer(4),
        blocks.grid(
            [["本卷情况说明", back_cover_statement(data, items)],
             ["立卷人", d.filed_by],
             ["检查人", d.reviewer],
             ["立卷日期", fdate(d.filed_on)]],
            [24, 80], min_heights_mm={0: 120}),
    ]


# -- scans ---------------------------------------------------------------------------------

CAPTION = TextStyle(size=10.5, align="center")
FRAME_H = PAGE_H - MARGIN_T - MARGIN_B


class ScanPage(Flowable):
    """An image scan scaled into the type area, captioned below it; one page."""

    def __init__(self, a: AttachmentFile):
        super().__init__()
        self.a = a

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        # Always a whole type area (a hair less: frames refuse an exact fit), so a scan never
        # shares a page.
        self._w, self._h = availWidth, FRAME_H - 1
        return self._w, self._h

    def draw(self) -> None:
        data = blocks.scan_image(self.a.data)
        iw, ih = blocks.image_reader(data).getSize()
        box_w, box_h = self._w, PAGE_H - MARGIN_T - MARGIN_B - 12 * mm
        scale = min(box_w / iw, box_h / ih)
        w, h = iw * scale, ih * scale
        blocks.draw_image(self.canv, data, (box_w - w) / 2, self._h - h, w, h)
        draw_line(self.canv, f"{self.a.category.label}：{self.a.title}", 0, -8 * mm, box_w,
                  CAPTION)


class PdfPlaceholder(Flowable):
    """A page kept for one page of an attached PDF, swapped in after the build."""

    def __init__(self, registry: dict[int, tuple[bytes, int]], pdf: bytes, index: int):
        super().__init__()
        self.registry, self.pdf, self.index = registry, pdf, index

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return availWidth, FRAME_H - 1

    def draw(self) -> None:
        self.registry[self.canv.getPageNumber()] = (self.pdf, self.index)


def _scan_story(files: list[AttachmentFile], slots: dict[int, tuple[bytes, int]]
                ) -> list[Flowable]:
    out: list[Flowable] = []
    for a in files:
        if a.mime == "application/pdf":
            n = len(PdfReader(io.BytesIO(a.data)).pages)
            out += [PdfPlaceholder(slots, a.data, i) for i in range(n)]
        else:
            out.append(ScanPage(a))
    return out


# -- cover and 目录 --------------------------------------------------------------------------

COVER_LABEL = TextStyle(size=14, leading=22, align="center")
COVER_VALUE = TextStyle(size=14, leading=22)


def _cover_story(data: CaseDocumentData) -> list[Flowable]:
    d, c = data.dossier, data.case
    volume = d.volume_name or f"{party_names(data)}{dispute_name(data)}"
    dates = [s.started_at.date() for s in data.sessions + data.investigations]
    start = min(dates) if dates else c.accepted_on
    end = c.closed_on or (max(dates) if dates else None)
    return [
        blocks.spacer(20),
        blocks.para(data.committee.name, TextStyle(size=18, leading=30, align="center")),
        blocks.spacer(6),
        CJKParagraph("人民调解卷宗", TextStyle(size=36, leading=54, align="center",
                                            chain=TITLE)),
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


def _toc_table(items: list[Item], starts: dict[int, int]) -> Flowable:
    rows: list[list[blocks.Cell]] = [["序号", "文件材料名称", "页号", "备注"]]
    for it in items:
        page = starts.get(it.number)
        rows.append([str(it.number), it.title, "" if page is None else str(page), it.note])
    return blocks.grid(rows, [12, 58, 14, 20], label_cols=(0, 2), label_cells=[(0, 1), (0, 3)])


class DeferredToc(Flowable):
    """Holds the 目录's place; the table is drawn at save time, when the pages are known.

    Page numbers never change a row's height (they are short), so the table laid out with
    placeholders has the size of the final one."""

    def __init__(self, items: list[Item]):
        super().__init__()
        self.items = items
        self.table = _toc_table(items, {it.number: 888 for it in items})
        self.at: tuple[int, float, float] | None = None

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self._avail = availWidth
        return self.table.wrap(availWidth, availHeight)

    def drawOn(self, canvas: rl_canvas.Canvas, x: float, y: float, _sW: float = 0) -> None:
        self.at = (canvas.getPageNumber(), x, y)

    def draw_now(self, canv: rl_canvas.Canvas, starts: dict[int, int]) -> None:
        assert self.at is not None
        table = _toc_table(self.items, starts)
        table.wrapOn(canv, self._avail, PAGE_H)
        table.drawOn(canv, self.at[1], self.at[2])


class Mark(Flowable):
    """Zero-size: records the page it lands on."""

    def __init__(self, pages: list[int]):
        super().__init__()
        self.pages = pages

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        self.pages.append(self.canv.getPageNumber())


# -- assembly --------------------------------------------------------------------------------

ARCHIVE_NUMBER = TextStyle(size=12, align="right")


@dataclass
class _Section:
    item: int  # 0: cover and 目录
    footer: bool  # documents number their own pages; scans do not (their caption is there)
    start: list[int] = field(default_factory=list)  # filled by a Mark


def render_dossier(data: CaseDocumentData, opts: RenderOptions) -> bytes:
    slots: dict[int, tuple[bytes, int]] = {}
    items = _items(data, opts, slots)
    toc = DeferredToc(items)
    sections = [_Section(0, True), _Section(0, True)]
    story: list[Flowable] = [Mark(sections[0].start), *_cover_story(data), PageBreak(),
                             Mark(sections[1].start), blocks.title("卷内目录"),
                             blocks.number_line(f"卷号：{data.case.number}"), toc]
    for it in items:
        for is_scan, part in it.parts:
            sec = _Section(it.number, not is_scan)
            sections.append(sec)
            story += [PageBreak(), Mark(sec.start), *part()]

    meta = meta_for(DocumentForm.DOSSIER, data, opts)
    meta.footer = False

    def decorate(canv: rl_canvas.Canvas, number: int, total: int) -> None:
        starts = [sec.start[0] for sec in sections]
        front = starts[2] - 1 if len(starts) > 2 else total  # cover and 目录 pages
        if toc.at and number == toc.at[0]:
            first: dict[int, int] = {}
            for sec, st in zip(sections, starts):
                if sec.item and sec.item not in first:
                    first[sec.item] = st - front
            toc.draw_now(canv, first)
        idx = max(i for i, st in enumerate(starts) if st <= number)
        end = starts[idx + 1] - 1 if idx + 1 < len(starts) else total
        count = end - starts[idx] + 1
        if sections[idx].footer and count > 1:
            draw_page_footer(canv, number - starts[idx] + 1, count)
        if number > front:
            draw_line(canv, str(number - front), PAGE_W - 60 * mm, PAGE_H - 14 * mm, 45 * mm,
                      ARCHIVE_NUMBER)

    meta.extra_page_drawers = [decorate]
    pdf = build_pdf(story, meta)
    return _swap_in_pdf_scans(pdf, slots) if slots else pdf


def _swap_in_pdf_scans(pdf: bytes, slots: dict[int, tuple[bytes, int]]) -> bytes:
    """Put each attached PDF page in its placeholder's place, the placeholder's own marks
    (archive number, watermark) drawn over it."""
    ours = PdfReader(io.BytesIO(pdf))
    readers: dict[int, PdfReader] = {}
    writer = PdfWriter()
    for number, page in enumerate(ours.pages, start=1):
        if number in slots:
            data, index = slots[number]
            src = readers.setdefault(id(data), PdfReader(io.BytesIO(data)))
            writer.add_page(src.pages[index]).merge_page(page)
        else:
            writer.add_page(page)
    writer.add_metadata(dict(ours.metadata or {}))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
