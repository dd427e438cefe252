"""Search terms of a case, stored for index-range prefix search (see ``SearchTerm``)."""

from __future__ import annotations

from collections.abc import Iterable

from desktop.domain.search import name_initials, name_pinyin, normalize_query

MAX_TERM = 120


def case_terms(number: str | None, seq: int | None, year: int | None,
               parties: Iterable[tuple[str, str, str, str]]) -> set[str]:
    """Terms for a case: number, names, pinyin, reversed ID numbers and phones.

    ``parties`` yields (name, id_number, phone, credit_code). ID numbers and phones are stored
    reversed (prefixed ``~``) so that "last four digits" becomes a prefix search.
    """
    terms: set[str] = set()
    if number:
        terms.add(normalize_query(number))
    if seq is not None and year is not None:
        terms.add(f"{year}-{seq:04d}")
        terms.add(f"{seq:04d}")
    for name, id_number, phone, credit in parties:
        name = normalize_query(name)
        if name:
            terms.add(name)
            if len(name) > 1:
                terms.add(name[1:])  # given name without the surname
            initials = name_initials(name)
            if initials:
                terms.add(initials)
            py = name_pinyin(name)
            if py and py != initials:
                terms.add(py)
        for value in (id_number, phone, credit):
            value = normalize_query(value).replace("-", "").replace(" ", "")
            if value:
                terms.add(value)
                terms.add("~" + value[::-1])
    return {t[:MAX_TERM] for t in terms if t}


# Above every character, U+FFFF was not: "王" + U+FFFF sorts before "王𠮷祥" (its second
# character is outside the BMP: UTF-8 F0… against EF…, code point 0x20BB7 against 0xFFFF),
# and searching 王 did not find 王𠮷祥. Both backends compare terms by code point (SQLite's
# BINARY on UTF-8, PostgreSQL's C.UTF-8).
TOP = "\U0010ffff"


def query_ranges(text: str) -> list[tuple[str, str]]:
    """(low, high) index ranges that a search text matches; a case matches if any term does."""
    q = normalize_query(text).replace(" ", "")
    if not q:
        return []
    ranges = [(q, q + TOP)]
    digits = q.replace("-", "")
    id_like = digits.isdigit() or (digits[:-1].isdigit() and digits[-1:] == "x")
    if id_like and len(digits) >= 4:
        rev = "~" + digits[::-1]
        ranges.append((rev, rev + TOP))
    return ranges
