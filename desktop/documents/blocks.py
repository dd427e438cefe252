"""Building blocks shared by the forms: titles, ruled tables, signature lines, seal, QR code."""

from __future__ import annotations

import io
from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any, cast

from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, KeepTogether, Table, TableStyle

from desktop.documents.fonts import BODY, TITLE, ensure_registered
from desktop.documents.layout import (
    CONTENT_W,
    MARGIN_B,
    MARGIN_T,
    PAGE_H,
    CJKParagraph,
    Spacer,
    StyleCommand,
    TextStyle,
    _Lines,
    draw_line,
)

if TYPE_CHECKING:
    from reportlab.pdfbase.pdfdoc import PDFImageXObject

TITLE_STYLE = TextStyle(size=22, leading=34, chain=TITLE, align="center", space_after=4)
NUMBER_STYLE = TextStyle(size=12, leading=20, align="right", space_after=6)
BODY_STYLE = TextStyle(size=14, leading=24, align="justify", indent_chars=2)
PLAIN_STYLE = TextStyle(size=14, leading=24, align="justify")
HEAD_STYLE = TextStyle(size=14, leading=24, align="left", chain=TITLE)
CELL_STYLE = TextStyle(size=12, leading=18, align="left")
CELL_LABEL = TextStyle(size=12, leading=18, align="center")
SMALL_STYLE = TextStyle(size=10.5, leading=16)

# Tables set a cell font even for flowable cells; without this it is (unembedded) Helvetica.
BASE_FONT = BODY.primary

GRID = TableStyle(
    [
        ("FONTNAME", (0, 0), (-1, -1), BASE_FONT),
        ("GRID", (0, 0), (-1, -1), 0.8, "black"),
        ("BOX", (0, 0), (-1, -1), 1.4, "black"),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ("TOPPADDING", (0, 0), (-1, -1), 4),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
    ]
)


CHUNK_LINES = 8
FRAME_HEIGHT = PAGE_H - MARGIN_T - MARGIN_B


def _chunk_long_rows(data: list[list[GridCell]], widths: list[float]
                     ) -> tuple[list[list[GridCell]], set[int]]:
    """Split two-column rows whose text runs longer than CHUNK_LINES lines into several rows.

    Returns the new rows and the indexes of rows that continue the row above."""
    out: list[list[GridCell]] = []
    continued: set[int] = set()
    for row in data:
        cell = row[-1] if len(row) == 2 else None
        inner = cell.inner if isinstance(cell, MinHeight) else cell
        if isinstance(inner, CJKParagraph):
            inner.wrap(widths[-1] - 8, 10_000)  # 4 pt padding each side
            if len(inner.lines) > CHUNK_LINES:
                lines, last = inner.lines, inner._last_in_para
                n = len(lines)
                # Chunk boundaries; the last chunk never holds one line alone (a page would
                # start with a lone "行。").
                bounds = list(range(0, n, CHUNK_LINES))
                if n - bounds[-1] == 1:
                    bounds[-1] -= 1
                for k, start in enumerate(bounds):
                    stop = bounds[k + 1] if k + 1 < len(bounds) else n
                    part: Flowable = _Lines(lines[start:stop], last[start:stop], inner.style)
                    if stop >= n and isinstance(cell, MinHeight):
                        used = inner.style.line_height * start
                        part = MinHeight(part, max(cell.min_height - used, 0), top=cell.top)
                    if start:
                        continued.add(len(out))
                    out.append([row[0] if not start else "", part])
                continue
        out.append(row)
    return out, continued


def _grid_commands(nrows: int, continued: set[int]) -> list[StyleCommand]:
    cmds = [c for c in GRID.getCommands() if c[0] != "GRID"]
    cmds.append(("LINEAFTER", (0, 0), (-2, -1), 0.8, "black"))
    for r in range(nrows - 1):
        if r + 1 not in continued:
            cmds.append(("LINEBELOW", (0, r), (-1, r), 0.8, "black"))
    for r in continued:
        cmds.append(("TOPPADDING", (0, r), (-1, r), 0))
        cmds.append(("BOTTOMPADDING", (0, r - 1), (-1, r - 1), 0))
    return cmds


def title(text: str) -> CJKParagraph:
    return CJKParagraph(text, TITLE_STYLE)


def number_line(text: str) -> CJKParagraph:
    return CJKParagraph(text, NUMBER_STYLE)


def para(text: str, style: TextStyle = BODY_STYLE) -> CJKParagraph:
    return CJKParagraph(text, style)


def heading(text: str) -> CJKParagraph:
    return CJKParagraph(text, HEAD_STYLE)


def field_line(label: str, value: str, style: TextStyle = PLAIN_STYLE) -> CJKParagraph:
    return CJKParagraph(f"{label}：{value}", style)


def spacer(height_mm: float) -> Spacer:
    return Spacer(height_mm * mm)


Cell = str | Flowable | Sequence[Flowable] | None
GridCell = Flowable | Sequence[Flowable] | str  # a cell once laid out


def _cell(value: Cell, label: bool) -> GridCell:
    if value is None:
        return ""
    if isinstance(value, str):
        return CJKParagraph(value, CELL_LABEL if label else CELL_STYLE)
    return value


def grid(
    rows: Sequence[Sequence[Cell]],
    widths_mm: Sequence[float] | None = None,
    *,
    label_cols: Sequence[int] = (0,),
    spans: Sequence[tuple[tuple[int, int], tuple[int, int]]] = (),
    min_heights_mm: dict[int, float] | None = None,
    label_cells: Sequence[tuple[int, int]] = (),
    tall_top: bool = True,
    repeat_rows: int = 0,
) -> Table:
    """A ruled table. Strings in ``label_cols`` (and ``label_cells``) are centred labels."""
    if widths_mm is None:
        ncol = max(len(r) for r in rows)
        widths = [CONTENT_W / ncol] * ncol
    else:
        total = sum(widths_mm)
        widths = [CONTENT_W * w / total for w in widths_mm]
    ensure_registered(BODY.faces[0])
    label_set = set(label_cells)
    data = [
        [_cell(v, c in label_cols or (r, c) in label_set) for c, v in enumerate(row)]
        for r, row in enumerate(rows)
    ]
    # ReportLab row heights are fixed, not minimums: a long text would overflow the box.
    # The value cells of a tall row get a MinHeight wrapper instead, so the row grows.
    for r, h in (min_heights_mm or {}).items():
        for c, cell in enumerate(data[r]):
            if c not in label_cols and (r, c) not in label_set and isinstance(cell, Flowable):
                data[r][c] = MinHeight(cell, h * mm, top=tall_top)
    data, continued = _chunk_long_rows(data, widths)
    # ReportLab's in-row splitting leaves blank space after a split cell: long texts are cut
    # into rows of a few lines instead (no rule between them), and the table breaks between
    # those rows.
    table = Table(data, colWidths=widths, splitByRow=1, repeatRows=repeat_rows)
    style = TableStyle(_grid_commands(len(data), continued))
    for start, end in spans:
        style.add("SPAN", start, end)
    table.setStyle(style)
    return table


@lru_cache(maxsize=64)
def image_reader(data: bytes) -> ImageReader:
    """Decoded once per process: the seal and a case's signatures recur on every form."""
    reader = ImageReader(io.BytesIO(data))
    # decode now; ReportLab keeps the pixels on the reader (untyped in types-reportlab)
    reader.getRGBData()  # type: ignore[no-untyped-call]
    return reader


@lru_cache(maxsize=128)
def _image_name(data: bytes) -> str:
    import hashlib

    return "MDImg" + hashlib.sha1(data, usedforsecurity=False).hexdigest()


@lru_cache(maxsize=64)
def _xobjects(data: bytes) -> tuple[PDFImageXObject, PDFImageXObject | None]:
    """The image's PDF objects, encoded once per process (a signature recurs on every form
    and every document of a case; ReportLab re-encoded its pixels each time)."""
    from reportlab.pdfbase import pdfdoc

    name = _image_name(data)
    obj = pdfdoc.PDFImageXObject(name, image_reader(data), mask="auto")
    obj.name = name
    smask = getattr(obj, "_smask", None)
    if smask is not None:
        del obj._smask  # type: ignore[attr-defined]  # ReportLab-private, not in the stubs
    return obj, smask


def draw_image(canv: Canvas, data: bytes, x: float, y: float, w: float, h: float) -> None:
    """``canv.drawImage`` for image bytes, without its per-call cost.

    ReportLab names an image by the MD5 of its decoded pixels on every draw (about 10 ms for
    an A4 scan) and encodes it again for every document; here the name is the hash of the
    file's bytes and the encoded objects are kept, both computed once per process."""
    import copy

    from reportlab.pdfbase import pdfdoc

    encoded, encoded_mask = _xobjects(data)
    name: str = encoded.name
    # What drawImage does inside, through ReportLab's private canvas API (the stubs type only
    # the public one).
    pdf: Any = canv
    doc = pdf._doc
    reg = doc.getXObjectName(name)
    if not doc.idToObject.get(reg):
        # A document marks the objects it registers: each gets its own shallow copy (the
        # encoded bytes are shared).
        obj: Any = copy.copy(encoded)  # gets ReportLab's private ``smask`` below
        smask = copy.copy(encoded_mask) if encoded_mask is not None else None
        pdf._setXObjects(obj)
        doc.Reference(obj, reg)
        doc.addForm(name, obj)
        if smask is not None:
            mreg = doc.getXObjectName(smask.name)
            if not doc.idToObject.get(mreg):
                pdf._setXObjects(smask)
                obj.smask = doc.Reference(smask, mreg)
            else:
                obj.smask = pdfdoc.PDFObjectReference(mreg)
    pdf._currentPageHasImages = 1
    canv.saveState()
    canv.translate(x, y)
    canv.scale(w, h)
    pdf._code.append(f"/{reg} Do")
    canv.restoreState()
    pdf._formsinuse.append(name)


@lru_cache(maxsize=32)
def scan_image(data: bytes) -> bytes:
    """A large opaque scan as JPEG (quality 92), which ReportLab embeds without re-encoding.

    PNG scans of paper pages are megabytes of pixels that would be inflated and deflated on
    every dossier; scanners themselves deliver JPEG. Small or transparent images stay as they
    are."""
    from PIL import Image

    with Image.open(io.BytesIO(data)) as im:
        if im.format == "JPEG" or im.mode not in ("RGB", "L") or im.width * im.height < 1_000_000:
            return data
        out = io.BytesIO()
        im.save(out, "JPEG", quality=92, optimize=False)
        return out.getvalue()


class MinHeight(Flowable):
    """A cell's content with a minimum height (drawn at the top, or centred)."""

    def __init__(self, inner: Flowable, height: float, *, top: bool = True):
        super().__init__()
        self.inner, self.min_height, self.top = inner, height, top
        self._inner_h = 0.0

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        w, self._inner_h = self.inner.wrap(availWidth, availHeight)
        self.width, self.height = w, max(self._inner_h, self.min_height)
        return w, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        parts = self.inner.split(availWidth, availHeight)
        if len(parts) < 2:
            return parts
        return [parts[0], MinHeight(parts[1], 0, top=self.top)]

    def draw(self) -> None:
        gap = self.height - self._inner_h
        self.inner.drawOn(self.canv, 0, gap if self.top else gap / 2)


class ImageBox(Flowable):
    """An image scaled to fit a box (signature pads, scans)."""

    def __init__(self, data: bytes, width: float, height: float, align: str = "center"):
        super().__init__()
        self.data = data
        self.reader = image_reader(data)
        iw, ih = self.reader.getSize()
        scale = min(width / iw, height / ih)
        self.w, self.h = iw * scale, ih * scale
        self.box_w, self.box_h = width, height
        self.align = align

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return self.box_w, self.box_h

    def draw(self) -> None:
        x = (self.box_w - self.w) / 2 if self.align == "center" else 0
        draw_image(self.canv, self.data, x, (self.box_h - self.h) / 2, self.w, self.h)


class FingerprintBox(Flowable):
    """A small square where the party presses a fingerprint (捺印)."""

    def __init__(self, size: float = 16 * mm):
        super().__init__()
        self.size = size

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self._avail = availWidth
        return availWidth, self.size + 4 * mm

    def draw(self) -> None:
        x = (self._avail - self.size) / 2
        self.canv.setDash(2, 2)
        self.canv.setLineWidth(0.6)
        self.canv.rect(x, 4 * mm, self.size, self.size)
        self.canv.setDash()
        draw_line(self.canv, "捺印", 0, 0.5 * mm, self._avail, SMALL_CENTER)


SMALL_CENTER = TextStyle(size=9, leading=12, align="center")


class SealBlock(Flowable):
    """Committee name and date at the right, with the seal image stamped over them."""

    def __init__(self, committee: str, date_text: str, seal_png: bytes | None,
                 *, label: str = "", seal_mm: float = 42, qr: QrBlock | None = None):
        super().__init__()
        self.qr = qr  # drawn at the left of the same band
        self.committee, self.date_text, self.seal_png = committee, date_text, seal_png
        self.label = label  # e.g. "（盖章）"
        self.seal = seal_mm * mm

    # The band is lower than the seal: a seal overlaps the lines around it, as on paper.
    BAND = 22 * mm

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self._avail = availWidth
        return availWidth, self.BAND

    def draw(self) -> None:
        st = TextStyle(size=14, leading=24, align="center")
        width = max(CONTENT_W * 0.5, 0)
        x0 = self._avail - width
        h = self.BAND
        name = self.committee + (self.label or "")
        draw_line(self.canv, name, x0, h / 2 + 3 * mm, width, st)
        draw_line(self.canv, self.date_text, x0, h / 2 - 7 * mm, width, st)
        if self.qr is not None:
            self.qr.wrap(x0 - 4 * mm, h)
            self.qr.drawOn(self.canv, 0, (h - self.qr.size) / 2)
        cx = x0 + width / 2
        if self.seal_png:
            reader = image_reader(self.seal_png)
            self.canv.drawImage(reader, cx - self.seal / 2, h / 2 - self.seal / 2 + 1 * mm,
                                self.seal, self.seal, mask="auto", preserveAspectRatio=True)
        else:
            # No seal image: mark where the physical stamp goes.
            self.canv.saveState()
            self.canv.setDash(3, 2)
            self.canv.setLineWidth(0.6)
            self.canv.setStrokeColorRGB(0.45, 0.45, 0.45)
            self.canv.circle(cx, h / 2 + 1 * mm, self.seal / 2 - 2 * mm)
            self.canv.restoreState()
            draw_line(self.canv, "（调委会印章）", x0, h / 2 + 12 * mm, width, SMALL_CENTER)


class QrBlock(Flowable):
    """QR code with the case number and verification code, with a caption beside it."""

    def __init__(self, payload: str, caption: Sequence[str], size_mm: float = 24):
        super().__init__()
        self.payload, self.caption, self.size = payload, list(caption), size_mm * mm

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self._avail = availWidth
        return availWidth, self.size

    def draw(self) -> None:
        # Drawn module by module: ReportLab's graphics renderer would set (and reference)
        # unembedded Helvetica in the page.
        matrix = qr_matrix(self.payload)
        n = len(matrix)
        cell = self.size / n
        self.canv.setFillColorRGB(0, 0, 0)
        for r, row in enumerate(matrix):
            for c, on in enumerate(row):
                if on:
                    self.canv.rect(c * cell, self.size - (r + 1) * cell, cell * 1.02,
                                   cell * 1.02, stroke=0, fill=1)
        st = TextStyle(size=9, leading=13)
        for i, line in enumerate(self.caption):
            draw_line(self.canv, line, self.size + 3 * mm, self.size - 11 - i * 13,
                      self._avail - self.size, st)


def qr_matrix(payload: str) -> list[list[bool]]:
    import qrcode

    # A fixed mask pattern: any mask gives a valid code, and trying all eight costs ~30 ms.
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0,
                         mask_pattern=2)
    code.add_data(payload.encode("utf-8"))
    code.make(fit=True)
    return code.get_matrix()


def keep(*flowables: Flowable) -> KeepTogether:
    return KeepTogether(list(flowables))


def sign_table(rows: Sequence[Sequence[Cell]]) -> Table:
    """Unruled signature lines: label, printed name, signature (underlined)."""
    ensure_registered(BODY.faces[0])
    data = [[_cell(v, False) for v in row] for row in rows]
    widths = [CONTENT_W * f for f in (0.36, 0.28, 0.36)]
    # Rows grow with a wrapped name; the top padding leaves room to sign by hand.
    table = Table(data, colWidths=widths)
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), BASE_FONT),
        ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
        ("LINEBELOW", (2, 0), (2, -1), 0.6, "black"),
        ("LEFTPADDING", (0, 0), (-1, -1), 2),
        ("TOPPADDING", (0, 0), (-1, -1), 8),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]))
    return table


class LeadIn(Flowable):
    """A signature table with the closing text before it and the sign-off after it.

    A page holding only signatures invites a swapped page, and a sign-off (mediators, seal)
    alone on the last page is worthless: the lead text goes with the table's header and first
    rows (at least ``min_rows``), and the tail goes with the table's last ``min_rows`` rows.
    When that cannot be had on this page, everything moves to the next one. A table longer
    than a page still splits (its header repeats)."""

    def __init__(self, lead: Sequence[Flowable], table: Table,
                 tail: Sequence[Flowable] = (), *, min_rows: int = 2):
        super().__init__()
        self.lead, self.table, self.tail = list(lead), table, list(tail)
        self.min_rows = min_rows
        self._sizes: list[tuple[float, float]] = []

    @staticmethod
    def _height(items: Sequence[Flowable], availWidth: float, availHeight: float
                ) -> tuple[float, list[tuple[float, float]]]:
        sizes = [f.wrap(availWidth, availHeight) for f in items]
        return sum(h for _, h in sizes) + sum(
            f.getSpaceAfter() + f.getSpaceBefore() for f in items), sizes

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self._avail = availWidth
        lead, self._sizes = self._height(self.lead, availWidth, availHeight)
        _, th = self.table.wrap(availWidth, availHeight)
        tail, self._tail_sizes = self._height(self.tail, availWidth, availHeight)
        self._th = th
        self.height = lead + th + tail
        return availWidth, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        self.wrap(availWidth, availHeight)
        lead, _ = self._height(self.lead, availWidth, availHeight)
        heights = list(self.table._rowHeights)  # type: ignore[attr-defined]  # set by wrap()
        head = self.table.repeatRows if isinstance(self.table.repeatRows, int) else 0
        body = heights[head:]
        room = availHeight - lead - sum(heights[:head])
        fit = 0
        while fit < len(body) and sum(body[:fit + 1]) <= room + 0.01:
            fit += 1
        if self.tail:  # leave the last rows for the sign-off's page
            fit = min(fit, len(body) - self.min_rows)
        at_top = availHeight >= FRAME_HEIGHT - 1
        if fit < min(self.min_rows, len(body)):
            if at_top:  # nothing better to be had: let it flow
                return [*self.lead, self.table, *self.tail]
            # A long first lead paragraph stays here but for its last lines, which go on
            # with the table (no page of signatures without text above them).
            first = self.lead[0] if self.lead else None
            if isinstance(first, CJKParagraph):
                _, h = first.wrap(availWidth, availHeight)
                keep = 2 * first.style.line_height  # at least two lines go on
                parts = first.split(availWidth, min(availHeight, h - keep + 0.1))
                if len(parts) == 2:
                    return [parts[0], LeadIn([parts[1], *self.lead[1:]], self.table,
                                             self.tail, min_rows=self.min_rows)]
            return []
        if fit >= len(body):
            return [*self.lead, self.table, *self.tail]
        cut = sum(heights[:head]) + sum(body[:fit]) + 0.5
        parts = self.table.split(availWidth, cut)
        if len(parts) < 2:
            return [] if not at_top else [*self.lead, self.table, *self.tail]
        rest = cast(Table, parts[1])  # a table splits into tables
        return [*self.lead, parts[0], LeadIn([], rest, self.tail, min_rows=self.min_rows)]

    def draw(self) -> None:
        y = self.height
        for f, (_, h) in zip(self.lead, self._sizes):
            y -= f.getSpaceBefore() + h
            f.drawOn(self.canv, 0, y)
            y -= f.getSpaceAfter()
        y -= self._th
        self.table.drawOn(self.canv, 0, y)
        for f, (_, h) in zip(self.tail, self._tail_sizes):
            y -= f.getSpaceBefore() + h
            f.drawOn(self.canv, 0, y)
            y -= f.getSpaceAfter()
