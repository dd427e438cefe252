"""The fonts documents are printed in, with per-character fallback.

Body text is AR PL UMing CN (a 宋体/明体-like serif), titles WenQuanYi Micro Hei (黑体-like);
both fall back to HanaMin A (CJK Ext. A, rare BMP ideographs AR PL UMing lacks) and HanaMin B
(ideographs outside the BMP such as 𠮷). The files, their licences and how they were made are
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


@dataclass(frozen=True, eq=False)
class FontChain:
    """Faces tried in order for each character."""

    faces: tuple[Face, ...]

    @property
    def primary(self) -> str:
        return self.faces[0].name


BODY = FontChain((UMING, HANA_A, HANA_B))
TITLE = FontChain((WQY, UMING, HANA_A, HANA_B))

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
        cache[tag] = _plain_get_table(self, tag)
    return cache[tag]  # type: ignore[no-any-return]


ttfonts.TTFontFile.get_table = _cached_get_table  # type: ignore[method-assign]


@cache
def coverage(face: Face) -> frozenset[int]:
    """Code points the face has a glyph for (from the cmap ReportLab parses anyway).

    Faces are consulted in chain order, so HanaMin A/B are only loaded the first time a
    character is missing from the faces before them."""
    font = pdfmetrics.getFont(ensure_registered(face))
    return frozenset(font.face.charToGlyph)


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


def runs(text: str, chain: FontChain = BODY) -> list[tuple[str, str]]:
    """Split text into (font name, substring) runs, choosing per character.

    A character no face has is drawn in the primary face (it prints as a blank box);
    ``missing_glyphs`` is the check that warns before that happens.
    """
    out: list[tuple[str, str]] = []
    for ch in text:
        face = chain.faces[0] if _ignorable(ch) else (face_for(ch, chain) or chain.faces[0])
        name = ensure_registered(face)
        if out and out[-1][0] == name:
            out[-1] = (name, out[-1][1] + ch)
        else:
            out.append((name, ch))
    return out


@cache
def _char_width(ch: str, chain: FontChain, size: float) -> float:
    face = chain.faces[0] if _ignorable(ch) else (face_for(ch, chain) or chain.faces[0])
    return pdfmetrics.stringWidth(ch, ensure_registered(face), size)


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
