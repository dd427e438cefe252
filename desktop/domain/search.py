"""Search keys for names: pinyin initials ("zsf") and full pinyin ("zhangsanfeng").

Conversion goes character by character through a large cache, because the demo generator
and the party index run it for hundreds of thousands of names. The price is that a
polyphonic character always gets pypinyin's single-character reading (单 → "d").
"""

from __future__ import annotations

from functools import lru_cache

from desktop.domain.validators import is_han

_FULL_WIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


@lru_cache(maxsize=65536)
def _initial(ch: str) -> str:
    if is_han(ch):
        # Imported here: pypinyin loads its phrase dictionary (~0.5 s) and the GUI's first
        # screen and every search query (normalize_query) never need it.
        from pypinyin import Style, lazy_pinyin

        # errors="ignore": rare characters pypinyin does not know are dropped.
        return "".join(lazy_pinyin(ch, style=Style.FIRST_LETTER, errors="ignore"))
    return _other(ch)


@lru_cache(maxsize=65536)
def _syllable(ch: str) -> str:
    if is_han(ch):
        from pypinyin import Style, lazy_pinyin

        return "".join(lazy_pinyin(ch, style=Style.NORMAL, errors="ignore"))
    return _other(ch)


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
    """"张三丰" → "zsf"; "买买提·艾力" → "mmtal"; "张A" → "za"."""
    return "".join(map(_initial, text))


def name_pinyin(text: str) -> str:
    """"张三丰" → "zhangsanfeng" (no tones)."""
    return "".join(map(_syllable, text))


def normalize_query(text: str) -> str:
    """What the user typed, as the index stores it: full-width → half-width, lowercase,
    stripped, inner runs of whitespace collapsed to one space."""
    return " ".join(text.translate(_FULL_WIDTH).lower().split())


__all__ = ["name_initials", "name_pinyin", "normalize_query"]
