"""Dates as people write them: 2026年11月27日, and 二〇二六年十一月二十七日 on formal documents."""

from __future__ import annotations

import datetime
import re
import unicodedata

from desktop.domain.errors import ValidationError

_UPPER_DIGITS = "〇一二三四五六七八九"


def format_date(d: datetime.date | datetime.datetime | None) -> str:
    """"2026年11月27日" (no leading zeros, as written by hand); "" for None."""
    if d is None:
        return ""
    return f"{d.year}年{d.month}月{d.day}日"


def format_datetime(dt: datetime.datetime | None) -> str:
    """"2026年11月27日 14:05"; "" for None."""
    if dt is None:
        return ""
    return f"{format_date(dt)} {dt:%H:%M}"


def _upper_number(n: int) -> str:
    """1..31 as 一 … 十 … 二十一 … 三十一 (month and day numerals)."""
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else _UPPER_DIGITS[tens] + "十")
    return head + (_UPPER_DIGITS[ones] if ones else "")


def format_date_upper(d: datetime.date | datetime.datetime | None) -> str:
    """"二〇二六年十一月二十七日", the date line of agreements and notices; "" for None."""
    if d is None:
        return ""
    year = "".join(_UPPER_DIGITS[int(ch)] for ch in str(d.year))
    return f"{year}年{_upper_number(d.month)}月{_upper_number(d.day)}日"


_FORMS = (
    re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})"),
    re.compile(r"(\d{4})/(\d{1,2})/(\d{1,2})"),
    re.compile(r"(\d{4})\.(\d{1,2})\.(\d{1,2})"),
    re.compile(r"(\d{4})(\d{2})(\d{2})"),
    re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日?"),
)


def parse_date(text: str, field: str = "date") -> datetime.date:
    """Parse "2026-11-27", "2026/11/27", "2026.11.27", "20261127" or "2026年11月27日"."""
    raw = unicodedata.normalize("NFKC", text).strip()
    compact = "".join(raw.split())
    if not compact:
        raise ValidationError("请填写日期。", field=field)
    for form in _FORMS:
        match = form.fullmatch(compact)
        if match:
            year, month, day = (int(part) for part in match.groups())
            try:
                return datetime.date(year, month, day)
            except ValueError:
                raise ValidationError(
                    f"日期“{raw}”不存在（{year}年没有{month}月{day}日），请核对。", field=field
                ) from None
    raise ValidationError(
        f"日期“{raw}”格式不对，请写成 2026-11-27、20261127 或 2026年11月27日。", field=field
    )


__all__ = ["format_date", "format_date_upper", "format_datetime", "parse_date"]
