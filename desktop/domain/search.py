"""Search keys for names: pinyin initials ("zsf") and full pinyin ("zhangsanfeng").

Conversion goes character by character through a large cache, because the demo generator
and the party index run it for hundreds of thousands of names. The price is that a
polyphonic character always gets pypinyin's single-character reading (单 → "d").
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from desktop.domain.validators import is_han

_FULL_WIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


# Name characters pypinyin 0.55 has no reading for (it knows 䶮, 堃, 赟 and the 通用规范汉字表's
# extension characters): 王𠮷祥 was indexed as "wx" / "wangxiang", so "wjx" missed it and
# "wx" found it. Readings from the 汉语大字典. A character added here changes the keys of
# names already saved: add a revision like migrations/versions/0017_rare_name_terms.py,
# which recomputes the terms of the cases whose names hold one of these characters.
RARE_READINGS = {
    "𠮷": "ji",  # U+20BB7, the 吉 with 土 on top (a common surname variant)
    "𡘙": "tai",  # U+21619, 𡘙 (tǎi), in given names
}


@lru_cache(maxsize=65536)
def _syllable_or_none(ch: str) -> str | None:
    """The pinyin of one Han character without tone, or None when no reading is known."""
    if ch in RARE_READINGS:
        return RARE_READINGS[ch]
    # Imported here: pypinyin loads its phrase dictionary (~0.5 s) and the GUI's first
    # screen and every search query (normalize_query) never need it.
    from pypinyin import Style, lazy_pinyin

    reading = "".join(lazy_pinyin(ch, style=Style.NORMAL, errors="ignore"))
    return reading or None


# one lookup per character: the demo load and the party index ask for the same few thousand
# characters millions of times (is_han walks its ranges on every call)
@lru_cache(maxsize=65536)
def _initial(ch: str) -> str | None:
    if is_han(ch):
        reading = _syllable_or_none(ch)
        return reading[0] if reading else None
    return _other(ch)


@lru_cache(maxsize=65536)
def _syllable(ch: str) -> str | None:
    if is_han(ch):
        return _syllable_or_none(ch)
    return _other(ch)


def _readable_prefix(parts: Iterable[str | None]) -> str:
    """The keys up to the first character without a reading: what follows an unreadable
    character is not a prefix of the name as people spell it (王?祥 is "w…", never "wx")."""
    out: list[str] = []
    for part in parts:
        if part is None:
            break
        out.append(part)
    return "".join(out)


@lru_cache(maxsize=1)
def load_pinyin() -> None:
    """Load pypinyin's tables now. Writers call this before they take the database's write
    lock: the first conversion in a process costs half a second on an idle PC and several
    seconds on a loaded one, and other desks' saves must not wait for it."""
    _initial("中")


def _other(ch: str) -> str:
    """Letters and digits kept (lowercase, half-width); spaces, · and punctuation dropped."""
    ch = ch.translate(_FULL_WIDTH)
    return ch.lower() if ch.isalnum() else ""


def name_initials(text: str) -> str:
    """"张三丰" → "zsf"; "买买提·艾力" → "mmtal"; "张A" → "za"; "王𠮷祥" → "wjx"; a
    character with no known reading ends it ("王\U0002A6D6祥" → "w")."""
    return _readable_prefix(map(_initial, text))


def name_pinyin(text: str) -> str:
    """"张三丰" → "zhangsanfeng" (no tones); ends, as the initials do, at a character with
    no known reading."""
    return _readable_prefix(map(_syllable, text))


def normalize_query(text: str) -> str:
    """What the user typed, as the index stores it: full-width → half-width, lowercase,
    stripped, inner runs of whitespace collapsed to one space."""
    return " ".join(text.translate(_FULL_WIDTH).lower().split())


__all__ = ["name_initials", "name_pinyin", "normalize_query"]
