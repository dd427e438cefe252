"""The fonts documents are printed in, with per-character fallback.

Body text is AR PL UMing CN (a 宋体/明体-like serif), titles WenQuanYi Micro Hei (黑体-like);
both fall back to HanaMin A (CJK Ext. A, rare BMP ideographs AR PL UMing lacks), HanaMin B
(ideographs outside the BMP such as 𠮷) and a BabelStone Han subset (CJK Ext. G and H, 𰻞). The files, their licences and how they were made are
in ``resources/fonts/README.md``.

Fonts are registered with ReportLab lazily and once per process: HanaMinB (30 MB) is only
parsed when a document really contains a supplementary-plane character. Coverage is read
from the ``cmap`` tables with fontTools, which is much cheaper than a full ReportLab load.
"""

from __future__ import annotations

import threading
import unicodedata
from dataclasses import dataclass
from functools import cache
from typing import cast

from reportlab.pdfbase import pdfmetrics, ttfonts
from reportlab.pdfbase.ttfonts import TTFont

from desktop.resources import resource_path

__all__ = [
    "BODY",
    "TITLE",
    "FontChain",
    "missing_glyphs",
    "runs",
    "string_width",
]


# eq=False: identity hashing. These are module singletons used as cache keys on every
# character measured; field-wise dataclass hashing showed up at the top of the profile.
@dataclass(frozen=True, eq=False)
class Face:
    name: str  # ReportLab font name
    file: str  # under resources/fonts
    subfont: int = 0


UMING = Face("MD-UMing", "uming-cn.ttf")
WQY = Face("MD-WQYMicroHei", "wqy-microhei.ttc", 0)
HANA_A = Face("MD-HanaMinA", "HanaMinA-extra.ttf")
HANA_B = Face("MD-HanaMinB", "HanaMinB.ttf")
BABEL = Face("MD-BabelStoneHan", "BabelStoneHan-extra.ttf")  # Ext. G, H


@dataclass(frozen=True, eq=False)
class FontChain:
    """Faces tried in order for each character."""

    faces: tuple[Face, ...]

    @property
    def primary(self) -> str:
        return self.faces[0].name


BODY = FontChain((UMING, HANA_A, HANA_B, BABEL))
TITLE = FontChain((WQY, UMING, HANA_A, HANA_B, BABEL))

_lock = threading.Lock()


def _fixed_to_unicode_cmap(fontname: str, subset: list[int]) -> str:
    # ReportLab writes "<%04X>" for the Unicode side, which gives a 5-digit value for
    # characters outside the BMP (𠮷 -> <20BB7>) and poppler/Acrobat read garbage. A
    # ToUnicode CMap wants UTF-16BE, so supplementary characters become surrogate pairs.
    def utf16(cp: int) -> str:
        return chr(cp).encode("utf-16-be").hex().upper()

    lines = [
        "/CIDInit /ProcSet findresource begin",
        "12 dict begin",
        "begincmap",
        "/CIDSystemInfo",
        f"<< /Registry ({fontname})",
        f"/Ordering ({fontname})",
        "/Supplement 0",
        ">> def",
        f"/CMapName /{fontname} def",
        "/CMapType 2 def",
        "1 begincodespacerange",
        f"<00> <{len(subset) - 1:02X}>",
        "endcodespacerange",
        f"{len(subset)} beginbfchar",
        *(f"<{i:02X}> <{utf16(v)}>" for i, v in enumerate(subset)),
        "endbfchar",
        "endcmap",
        "CMapName currentdict /CMap defineresource pop",
        "end",
        "end",
    ]
    return "\n".join(lines)


ttfonts.makeToUnicodeCMap = _fixed_to_unicode_cmap

_plain_get_table = ttfonts.TTFontFile.get_table


def _cached_get_table(self: ttfonts.TTFontFile, tag: str | bytes) -> bytes:
    # ReportLab copies whole tables out of the font file for every subset it embeds: the
    # 17 MB UMing and 30 MB HanaMinB 'glyf' tables cost ~10 ms per face per document. The
    # faces are loaded once per process, so keep the copies (memory: about the font size).
    cache = self.__dict__.setdefault("_md_table_cache", {})
    if tag not in cache:
        cache[tag] = _plain_get_table(self, tag)  # type: ignore[no-untyped-call]  # untyped stub
    return cache[tag]  # type: ignore[no-any-return]  # the untyped table cache


# A patch of ReportLab's method (the stubs type get_table on its parser base class).
ttfonts.TTFontFile.get_table = _cached_get_table  # type: ignore[method-assign,assignment]


@cache
def coverage(face: Face) -> frozenset[int]:
    """Code points the face has a glyph for (from the cmap ReportLab parses anyway).

    Faces are consulted in chain order, so HanaMin A/B are only loaded the first time a
    character is missing from the faces before them."""
    return frozenset(_truetype(face).face.charToGlyph)


def _truetype(face: Face) -> ttfonts.TTFont:
    """ReportLab's font object for ``face`` (registered here, so always a TrueType font)."""
    return cast(ttfonts.TTFont, pdfmetrics.getFont(ensure_registered(face)))


def ensure_registered(face: Face) -> str:
    """Register the face with ReportLab once; return its font name."""
    with _lock:
        try:
            pdfmetrics.getFont(face.name)
        except KeyError:
            path = str(resource_path("resources", "fonts", face.file))
            pdfmetrics.registerFont(TTFont(face.name, path, subfontIndex=face.subfont))
    return face.name


def _ignorable(ch: str) -> bool:
    return ch.isspace() or unicodedata.category(ch) in ("Cc", "Cf")


@cache
def face_for(ch: str, chain: FontChain) -> Face | None:
    cp = ord(ch)
    for face in chain.faces:
        if cp in coverage(face):
            return face
    return None


@cache
def _placeholder(ch: str, face: Face) -> Face:
    """Let ``face`` print ``ch`` as its .notdef box while the text layer keeps ``ch``.

    ReportLab gives a character the font lacks code 0, whose ToUnicode entry is U+0000: the
    PDF showed a box and pdftotext a space, so 陈𰻞 could not be found or copied. Mapping the
    character to glyph 0 gives it a code of its own, with a ToUnicode entry for the real
    character. ``coverage`` was read before, so ``missing_glyphs`` still names it."""
    font = _truetype(face)
    with _lock:
        font.face.charToGlyph.setdefault(ord(ch), 0)
        font.face.charWidths.setdefault(ord(ch), 1000)
    return face


def _face_of(ch: str, chain: FontChain) -> Face:
    if _ignorable(ch):
        return chain.faces[0]
    face = face_for(ch, chain)
    return face if face is not None else _placeholder(ch, chain.faces[0])


@cache
def _font_name(ch: str, chain: FontChain) -> str:
    # Per character and chain, once: runs() is on every drawn line.
    return ensure_registered(_face_of(ch, chain))


def runs(text: str, chain: FontChain = BODY) -> list[tuple[str, str]]:
    """Split text into (font name, substring) runs, choosing per character.

    A character no face has is drawn as the primary face's box, and keeps its place in the
    text layer; ``missing_glyphs`` is the check that warns before that happens.
    """
    out: list[tuple[str, str]] = []
    for ch in text:
        name = _font_name(ch, chain)
        if out and out[-1][0] == name:
            out[-1] = (name, out[-1][1] + ch)
        else:
            out.append((name, ch))
    return out


@cache
def _char_width(ch: str, chain: FontChain, size: float) -> float:
    return pdfmetrics.stringWidth(ch, ensure_registered(_face_of(ch, chain)), size)


def string_width(text: str, chain: FontChain = BODY, size: float = 12) -> float:
    return sum(_char_width(ch, chain, size) for ch in text)


def missing_glyphs(text: str, chain: FontChain = BODY) -> list[str]:
    """Characters of ``text`` that no shipped font can print, each once, in order.

    The UI calls this before printing and names the characters in its warning.
    """
    seen: list[str] = []
    for ch in text:
        if _ignorable(ch) or ch in seen:
            continue
        if face_for(ch, chain) is None:
            seen.append(ch)
    return seen


def warm_up(*, rare: bool = False) -> None:
    """Load the common faces now (the first document otherwise pays ~0.5 s); with ``rare``
    also the fallbacks for rare characters (~0.7 s more)."""
    for face in (UMING, WQY, *((HANA_A, HANA_B) if rare else ())):
        coverage(face)


# Blocks named in the warning (Unicode 15.1 block ranges).
_BLOCKS = (
    (0x4E00, 0x9FFF, "中日韩统一表意文字"), (0x3400, 0x4DBF, "扩展A区"),
    (0x20000, 0x2A6DF, "扩展B区"), (0x2A700, 0x2B73F, "扩展C区"), (0x2B740, 0x2B81F, "扩展D区"),
    (0x2B820, 0x2CEAF, "扩展E区"), (0x2CEB0, 0x2EBEF, "扩展F区"), (0x30000, 0x3134F, "扩展G区"),
    (0x31350, 0x323AF, "扩展H区"), (0x2EBF0, 0x2EE5F, "扩展I区"), (0xF900, 0xFAFF, "兼容表意文字"),
    (0x2F800, 0x2FA1F, "兼容表意文字补充"),
)


def block_name(ch: str) -> str:
    cp = ord(ch)
    for lo, hi, name in _BLOCKS:
        if lo <= cp <= hi:
            return name
    return "其他字符"


@dataclass(frozen=True)
class GlyphCheck:
    """Which characters of a document no shipped font can print.

    The services ask before issuing a final: while ``ok`` is false the final is refused
    (``RenderOptions.glyphs_confirmed``) until the mediator has seen ``message`` and confirmed
    that a box may stand for those characters (the text layer keeps them)."""

    missing: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.missing

    @property
    def message(self) -> str:
        if self.ok:
            return ""
        listed = "、".join(f"“{ch}”（U+{ord(ch):04X}，{block_name(ch)}）" for ch in self.missing)
        return (f"以下字符没有可打印的字形，将印成方框：{listed}。请核对当事人姓名等内容，确认后"
                "再出具正式文书，或在纸质文书上手写补正。")


def glyph_check(text: str, chain: FontChain = BODY) -> GlyphCheck:
    return GlyphCheck(tuple(missing_glyphs(text, chain)))
