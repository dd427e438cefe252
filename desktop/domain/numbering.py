"""Case numbers such as （2026）青人调字第0001号, from a pattern each committee may configure.

A pattern is a ``str.format`` template with the fields ``year`` (acceptance year),
``short`` (the committee's short name) and ``seq`` (per committee and year, from 1).
"""

from __future__ import annotations

import re
import string

from desktop.domain.errors import ValidationError

DEFAULT_PATTERN = "（{year}）{short}人调字第{seq:04d}号"

_FIELDS = ("year", "short", "seq")
_FIELD = "number_pattern"
# Half-width brackets typed in a search box match the full-width ones printed on documents.
_CANON = str.maketrans({"(": "（", ")": "）", "[": "〔", "]": "〕"})


def _parts(pattern: str) -> list[tuple[str, str | None, str]]:
    """(literal, field or None, format spec) triples; ValidationError if malformed."""
    try:
        parsed = list(string.Formatter().parse(pattern))
    except ValueError:
        raise ValidationError(
            "编号格式中的花括号不成对：字段应写成 {year}、{short}、{seq:04d}，"
            "其他文字中不要使用花括号。",
            field=_FIELD,
        ) from None
    parts: list[tuple[str, str | None, str]] = []
    for literal, name, spec, conversion in parsed:
        if name is not None and (conversion or name not in _FIELDS):
            shown = "{" + name + ("!" + conversion if conversion else "") + "}"
            raise ValidationError(
                f"编号格式中的字段 {shown} 无效：只能使用 {{year}}（年度）、"
                "{short}（调委会简称）和 {seq}（序号，如 {seq:04d}）。",
                field=_FIELD,
            )
        parts.append((literal, name, spec or ""))
    return parts


def validate_pattern(pattern: str) -> str:
    """Check a case-number pattern; returns it stripped."""
    pattern = pattern.strip()
    if not pattern:
        raise ValidationError("请填写案件编号格式，例如 " + DEFAULT_PATTERN + "。", field=_FIELD)
    parts = _parts(pattern)
    names = [name for _, name, _ in parts if name is not None]
    for required, label in (("year", "{year}（年度）"), ("seq", "{seq}（序号）")):
        if required not in names:
            raise ValidationError(f"编号格式必须包含 {label}。", field=_FIELD)
    for known in _FIELDS:
        if names.count(known) > 1:
            raise ValidationError(f"编号格式中 {{{known}}} 只能出现一次。", field=_FIELD)
    for _, field_name, spec in parts:
        if field_name == "seq" and not re.fullmatch(r"(?:0[1-9])?d?", spec):
            raise ValidationError(
                f"序号的格式说明 {{seq:{spec}}} 无效：请写成 {{seq}} 或 {{seq:04d}}（补零到4位）。",
                field=_FIELD,
            )
        if field_name in ("year", "short") and spec not in ("", "d" if field_name == "year" else ""):
            raise ValidationError(
                f"编号格式中 {{{field_name}}} 不能带格式说明，请写成 {{{field_name}}}。",
                field=_FIELD,
            )
    return pattern


def format_case_number(pattern: str, *, year: int, short: str, seq: int) -> str:
    """``format_case_number(DEFAULT_PATTERN, year=2026, short="青", seq=1)`` → （2026）青人调字第0001号"""
    pattern = validate_pattern(pattern)
    if seq < 1:
        raise ValueError(f"case sequence must start at 1, got {seq}")
    return pattern.format(year=year, short=short, seq=seq)


def _regex(pattern: str) -> re.Pattern[str]:
    out = []
    for literal, name, _spec in _parts(validate_pattern(pattern)):
        out.append(re.escape("".join(literal.translate(_CANON).split())))
        if name == "year":
            out.append(r"(?P<year>\d{4})")
        elif name == "seq":
            out.append(r"(?P<seq>\d+)")
        elif name == "short":
            out.append(r"(?P<short>.*?)")
    return re.compile("".join(out))


def parse_case_number(pattern: str, text: str) -> tuple[int, str, int] | None:
    """(year, short, seq) of a number written with ``pattern``, or None if it does not fit.

    Spaces are ignored and half-width brackets match full-width ones.
    """
    match = _regex(pattern).fullmatch("".join(text.translate(_CANON).split()))
    if not match:
        return None
    groups = match.groupdict()
    seq = int(groups["seq"])
    if seq < 1:
        return None
    return int(groups["year"]), groups.get("short") or "", seq


__all__ = ["DEFAULT_PATTERN", "format_case_number", "parse_case_number", "validate_pattern"]
