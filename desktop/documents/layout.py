"""Chinese typesetting for the forms: line breaking with 避头尾, paragraphs, A4 pages.

ReportLab's ``Paragraph(wordWrap='CJK')`` lets a full-width comma start a line and knows no
font fallback, so paragraphs here are our own flowable: ``break_lines`` produces the lines
that are then drawn as they are (the 避头尾 test checks exactly these lines).
"""

from __future__ import annotations

import contextlib
import contextvars
import io
import itertools
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from reportlab import rl_config
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas as rl_canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate

from desktop.documents.fonts import BODY, FontChain, _char_width, ensure_registered, runs

# Binary (Flate only) streams: ASCII85 on top made files 25 % larger and cost ~40 ms per
# agreement for the embedded images and fonts.
rl_config.useA85 = 0

# Characters that must not begin a line (行首禁则) and must not end one (行尾禁则).
NO_LINE_START = frozenset("，。、；：？！）》」』〉】〕…—·’”％‰,.;:?!)]}%")
NO_LINE_END = frozenset("（《「『〈【〔‘“([{¥￥$")

PAGE_W, PAGE_H = A4
MARGIN_L, MARGIN_R, MARGIN_T, MARGIN_B = 28 * mm, 26 * mm, 28 * mm, 26 * mm
CONTENT_W = PAGE_W - MARGIN_L - MARGIN_R

_ASCII = r"[A-Za-z0-9@#&*+\-_/.,:%¥￥$×X]+"
# Dates (2026年11月27日, 9时30分) and 大写 amounts never break inside.
_DATE = r"\d{2,4}年\d{1,2}月(?:\d{1,2}日)?|\d{1,2}月\d{1,2}日|\d{1,2}时\d{1,2}分"
_UPPER_MONEY = r"人民币[零壹贰叁肆伍陆柒捌玖拾佰仟万亿元角分整]+"
# Words a line must not split: the labels the forms print and a few common legal words.
LABEL_WORDS = (
    "联系电话", "公民身份号码", "统一社会信用代码", "法定代表人", "委托代理人", "人民调解员",
    "人民调解委员会", "住址", "住所", "职业", "转账", "银行转账", "签名", "盖章", "捺印",
    "申请人", "被申请人", "当事人", "司法确认", "人民法院", "维修", "赔偿", "支付", "履行",
)

# Names of the case's people, set while a document is rendered (``keep_words``): a name is
# one token, so it never splits across lines, and a cell too narrow for it shrinks its type.
_keep: contextvars.ContextVar[tuple[str, ...]] = contextvars.ContextVar("keep", default=())


@cache
def _token_re(words: tuple[str, ...]) -> re.Pattern[str]:
    alts = sorted({w for w in (*words, *LABEL_WORDS) if len(w) > 1}, key=len, reverse=True)
    names = "|".join(re.escape(w) for w in alts)
    return re.compile(f"{_DATE}|{_UPPER_MONEY}|{names + '|' if names else ''}{_ASCII}|\\s|.",
                      re.DOTALL)


@contextlib.contextmanager
def keep_words(words: Sequence[str]) -> Iterator[None]:
    # A minority name wraps after its "·" (阿依古丽·/买买提), never elsewhere.
    parts = {p.strip() for w in words for p in w.replace("•", "·").split("·")}
    token = _keep.set(tuple(sorted(p for p in parts if len(p) > 1)))
    try:
        yield
    finally:
        _keep.reset(token)


_FULL = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！", "(": "（", ")": "）", ".": "。"}


def _is_cjk(ch: str) -> bool:
    cp = ord(ch)
    return (0x3400 <= cp <= 0x9FFF or 0xF900 <= cp <= 0xFAFF or 0x20000 <= cp <= 0x3FFFF
            or 0x3000 <= cp <= 0x303F or 0xFF00 <= cp <= 0xFFEF)


def full_width_punctuation(text: str) -> str:
    """ASCII punctuation typed between Chinese characters becomes full-width (，；：（）…).

    Only marks touching a Chinese character change, so amounts (12,000.50), times (9:30),
    ID numbers and Latin text keep theirs. A period becomes 。 only after a Chinese character
    and before a Chinese character, a space or the end.
    """
    if not any(c in _FULL for c in text):
        return text
    out = list(text)
    n = len(text)
    for i, ch in enumerate(text):
        if ch not in _FULL:
            continue
        prev = text[i - 1] if i else ""
        nxt = text[i + 1] if i + 1 < n else ""
        before, after = bool(prev) and _is_cjk(prev), bool(nxt) and _is_cjk(nxt)
        if ch == ".":
            if before and (not nxt or nxt.isspace() or after):
                out[i] = "。"
        elif ch == "(":
            if before or after:
                out[i] = "（"
        elif ch == ")":
            if before or after:
                out[i] = "）"
        elif before or (after and not prev.isdigit()):
            out[i] = _FULL[ch]
    return "".join(out)


def _tokens(text: str) -> list[str]:
    # Each CJK character is its own token, except the protected words; runs of ASCII
    # letters/digits (ID numbers, amounts, phone numbers), dates and names stay whole unless
    # wider than the line.
    return [m.group(0) for m in _token_re(_keep.get()).finditer(text)]


def widest_word(text: str, size: float, chain: FontChain = BODY) -> float:
    """Width of the widest unbreakable cluster of ``text``: a name or a number with the
    punctuation that may not be parted from it (避头尾)."""
    widest = 0.0
    for para in text.split("\n"):
        toks = _tokens(para)
        cur, multi = 0.0, False
        for k, tok in enumerate(toks):
            cur += _width(tok, chain, size)
            multi = multi or len(tok) > 1
            if k == len(toks) - 1 or _legal_break(toks, k):
                if multi:
                    widest = max(widest, cur)
                cur, multi = 0.0, False
    return widest


def _width(tok: str, chain: FontChain, size: float) -> float:
    return sum(_char_width(ch, chain, size) for ch in tok)


def _legal_break(toks: Sequence[str], k: int) -> bool:
    """May a line end after token k (so the next starts with token k+1)?"""
    n = k + 1
    while n < len(toks) and toks[n].isspace():
        n += 1
    if n >= len(toks):
        return True
    p = k
    while p > 0 and toks[p].isspace():
        p -= 1
    return toks[n][0] not in NO_LINE_START and toks[p][-1] not in NO_LINE_END


def break_lines(
    text: str, width: float, size: float = 12, chain: FontChain = BODY
) -> list[str]:
    """Break ``text`` into lines no wider than ``width`` points, obeying 避头尾.

    Explicit newlines start new lines. When a character must move to keep a forbidden
    punctuation mark off a line start, the previous character goes down with it (推出); a
    line is only allowed to run past ``width`` when no legal break exists at all (a long
    run of punctuation), which keeps the rule absolute.
    """
    lines: list[str] = []
    for para in text.split("\n"):
        lines.extend(_break_paragraph(para, width, size, chain))
    return lines


def _break_paragraph(text: str, width: float, size: float, chain: FontChain) -> list[str]:
    toks = _tokens(text)
    if not toks:
        return [""]
    # Split ASCII words wider than the line into characters.
    expanded: list[str] = []
    for tok in toks:
        if len(tok) > 1 and _width(tok, chain, size) > width:
            expanded.extend(tok)
        else:
            expanded.append(tok)
    toks = expanded
    widths = [_width(t, chain, size) for t in toks]
    lines: list[str] = []
    i, n = 0, len(toks)
    while i < n:
        # Spaces do not begin a wrapped line.
        if lines and toks[i].isspace():
            i += 1
            continue
        total, j = 0.0, i - 1
        while j + 1 < n and total + widths[j + 1] <= width + 0.01:
            j += 1
            total += widths[j]
        j = max(j, i)  # a single token wider than the line
        if j == n - 1:
            lines.append("".join(toks[i:]))
            break
        k = j
        while k >= i and not _legal_break(toks, k):
            k -= 1
        if k < i:  # no legal break inside the width: run on to the first legal one
            k = j + 1
            while k < n - 1 and not _legal_break(toks, k):
                k += 1
        lines.append("".join(toks[i : k + 1]).rstrip())
        i = k + 1
    return lines


def string_width_of(text: str, size: float, chain: FontChain = BODY) -> float:
    return sum(_char_width(ch, chain, size) for ch in text)


@dataclass
class TextStyle:
    size: float = 12
    leading: float | None = None
    chain: FontChain = BODY
    align: str = "left"  # left | center | right | justify
    indent_chars: float = 0  # first-line indent, in em (2 for 首行缩进两字)
    space_before: float = 0
    space_after: float = 0

    @property
    def line_height(self) -> float:
        return self.leading if self.leading is not None else self.size * 1.5


class CJKParagraph(Flowable):
    """A paragraph laid out by ``break_lines`` and drawn with per-character fonts."""

    def __init__(self, text: str, style: TextStyle | None = None, *, _cont: bool = False):
        super().__init__()
        self.text = full_width_punctuation(text)
        self.style = style or TextStyle()
        self.lines: list[str] = []
        self._cont = _cont  # a continuation after a page split: no first-line indent
        self._width = 0.0
        self._last_in_para: list[bool] = []

    def _layout(self, avail_w: float) -> None:
        # Platypus calls wrap() several times (KeepTogether, splitting, tables): lay out once
        # per width.
        if getattr(self, "_laid_width", None) == avail_w:
            return
        st = self.style
        # A name or number wider than a narrow cell: shrink the type (to 65 % at most) rather
        # than split it.
        # (Only narrow boxes can be narrower than a word: skip the scan for body text.)
        widest = widest_word(self.text, st.size, st.chain) if avail_w < 24 * st.size else 0
        if widest > avail_w > 0:
            from dataclasses import replace

            size = max(st.size * 0.65, st.size * avail_w / widest)
            scale = size / st.size
            self.style = st = replace(st, size=size, leading=st.line_height * scale)
        indent = "" if self._cont else "\u3000" * int(st.indent_chars)
        self.lines, self._last_in_para = [], []
        for para in (indent + self.text).split("\n"):
            lines = _break_paragraph(para, avail_w, st.size, st.chain)
            self.lines.extend(lines)
            self._last_in_para.extend([False] * (len(lines) - 1) + [True])
        self._laid_width = avail_w

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self._width = availWidth
        self._layout(availWidth)
        self.height = len(self.lines) * self.style.line_height
        return availWidth, self.height

    def getSpaceBefore(self) -> float:
        return self.style.space_before

    def getSpaceAfter(self) -> float:
        return self.style.space_after

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        self.wrap(availWidth, availHeight)
        fit = int(availHeight // self.style.line_height)
        n = len(self.lines)
        if fit >= n:
            return [self]
        # Widows and orphans: never one line alone at the foot or the head of a page.
        if n - fit == 1:
            fit -= 1
        if fit < 2:
            return []
        head = _Lines(self.lines[:fit], self._last_in_para[:fit], self.style)
        rest_text = "\n".join(self._rest_paragraphs(fit))
        return [head, CJKParagraph(rest_text, self.style, _cont=True)]

    def _rest_paragraphs(self, fit: int) -> list[str]:
        # Rebuild the remaining text, keeping hard paragraph breaks.
        out, cur = [], ""
        for line, last in zip(self.lines[fit:], self._last_in_para[fit:]):
            cur += line
            if last:
                out.append(cur)
                cur = ""
        if cur:
            out.append(cur)
        return out

    def draw(self) -> None:
        draw_lines(self.canv, self.lines, self._last_in_para, self.style, self._width,
                   self.height)


class _Lines(Flowable):
    """Lines already broken (the part of a split paragraph that fits on a page)."""

    def __init__(self, lines: list[str], last: list[bool], style: TextStyle):
        super().__init__()
        self.lines, self.last, self.style = lines, last, style

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self._width = availWidth
        self.height = len(self.lines) * self.style.line_height
        return availWidth, self.height

    def draw(self) -> None:
        draw_lines(self.canv, self.lines, self.last, self.style, self._width, self.height)


def draw_lines(
    canv: rl_canvas.Canvas,
    lines: Sequence[str],
    last_in_para: Sequence[bool],
    st: TextStyle,
    width: float,
    height: float,
) -> None:
    lh = st.line_height
    # Baseline sits so that the glyphs are vertically centred in the line box.
    base_off = (lh - st.size) / 2 + st.size * 0.88
    for idx, line in enumerate(lines):
        y = height - idx * lh - base_off
        draw_line(canv, line, 0, y, width, st, justify=(
            st.align == "justify" and not (last_in_para[idx] if idx < len(last_in_para)
                                           else True)))


def _tight(a: str, b: str) -> bool:
    """No justification space between a and b: inside a number or a Latin word."""
    return a.isascii() and b.isascii() and not a.isspace() and not b.isspace()


def draw_line(
    canv: rl_canvas.Canvas,
    line: str,
    x: float,
    y: float,
    width: float,
    st: TextStyle,
    *,
    justify: bool = False,
) -> None:
    w = sum(_char_width(ch, st.chain, st.size) for ch in line)
    gap = 0.0
    tight: list[bool] = []
    if st.align == "center":
        x += (width - w) / 2
    elif st.align == "right":
        x += width - w
    elif justify and len(line) > 1 and 0 < width - w < width * 0.2:
        # The slack goes between CJK characters only: "1958年" must not read "1 9 5 8 年".
        tight = [_tight(a, b) for a, b in itertools.pairwise(line)] + [True]
        gaps = tight.count(False)
        gap = (width - w) / gaps if gaps else 0.0
    text = canv.beginText(x, y)
    if not gap:
        for font, chunk in runs(line, st.chain):
            text.setFont(font, st.size)
            text.textOut(chunk)
        canv.drawText(text)
        return
    i = 0
    for font, chunk in runs(line, st.chain):
        text.setFont(font, st.size)
        start = 0
        while start < len(chunk):
            flag = tight[i + start]
            end = start + 1
            while end < len(chunk) and tight[i + end] == flag:
                end += 1
            text.setCharSpace(0 if flag else gap)
            text.textOut(chunk[start:end])
            start = end
        i += len(chunk)
    canv.drawText(text)


class Spacer(Flowable):
    def __init__(self, height: float):
        super().__init__()
        self.height = height

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return availWidth, self.height

    def draw(self) -> None:
        pass


PageDrawer = Callable[[rl_canvas.Canvas, int, int], None]  # (canvas, page number, pages)
# One TableStyle command: ("GRID", (col, row), (col, row), width, colour) and the like.
StyleCommand = tuple[Any, ...]


@dataclass
class PdfMeta:
    title: str
    subject: str = ""
    keywords: str = ""
    author: str = ""
    draft: bool = False
    footer: bool = True  # "第 N 页 共 M 页" over the whole file (the dossier numbers its own)
    extra_page_drawers: list[PageDrawer] = field(
        default_factory=list
    )


def _canvas_class(meta: PdfMeta) -> type[rl_canvas.Canvas]:
    class DocCanvas(rl_canvas.Canvas):
        """Collects pages so "第 N 页 共 M 页" and the watermark are drawn at the end."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            # Without an embedded initial font ReportLab references (unembedded) Helvetica.
            kwargs["initialFontName"] = kwargs.get("initialFontName") or ensure_registered_body()
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._pages.append(dict(self.__dict__))
            self._startPage()  # type: ignore[attr-defined]  # ReportLab-private, not in stubs

        def save(self) -> None:
            total = len(self._pages)
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                decorate_page(self, number, total, meta)
                rl_canvas.Canvas.showPage(self)
            rl_canvas.Canvas.save(self)

    return DocCanvas


def ensure_registered_body() -> str:
    return ensure_registered(BODY.faces[0])


FOOTER = TextStyle(size=10.5, align="center")


def decorate_page(canv: rl_canvas.Canvas, number: int, total: int, meta: PdfMeta) -> None:
    if total > 1 and meta.footer:
        draw_page_footer(canv, number, total)
    for drawer in meta.extra_page_drawers:
        drawer(canv, number, total)
    if meta.draft:
        draw_watermark(canv)


def draw_page_footer(canv: rl_canvas.Canvas, number: int, total: int) -> None:
    draw_line(canv, f"第 {number} 页 共 {total} 页", MARGIN_L, 14 * mm, CONTENT_W, FOOTER)


def draw_watermark(canv: rl_canvas.Canvas) -> None:
    from desktop.documents.fonts import TITLE

    canv.saveState()
    canv.setFillColorRGB(0.6, 0.6, 0.6, alpha=0.35)
    canv.translate(PAGE_W / 2, PAGE_H / 2)
    canv.rotate(45)
    style = TextStyle(size=120, chain=TITLE)
    w = sum(_char_width(ch, TITLE, 120) for ch in "草稿")
    draw_line(canv, "草稿", -w / 2, -40, w, style)
    canv.restoreState()


def build_pdf(story: list[Flowable], meta: PdfMeta) -> bytes:
    buf = io.BytesIO()
    doc = BaseDocTemplate(
        buf,
        pagesize=A4,
        leftMargin=MARGIN_L,
        rightMargin=MARGIN_R,
        topMargin=MARGIN_T,
        bottomMargin=MARGIN_B,
        title=meta.title,
        subject=meta.subject,
        # ReportLab takes the keywords as one string too (the stubs allow only a list)
        keywords=meta.keywords,  # type: ignore[arg-type]
        author=meta.author,
        creator="调解台 MediationDesk",
        producer="调解台 MediationDesk",
    )
    frame = Frame(MARGIN_L, MARGIN_B, CONTENT_W, PAGE_H - MARGIN_T - MARGIN_B,
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0, id="body")
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame])])
    doc.build(story, canvasmaker=_canvas_class(meta))
    return buf.getvalue()
