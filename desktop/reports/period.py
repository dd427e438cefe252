"""Report periods: a month, a quarter, a year or any date range (both ends inclusive)."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from desktop.domain.errors import ValidationError
from desktop.domain.limits import EARLIEST, latest


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date  # inclusive
    kind: str  # month / quarter / year / range

    def __post_init__(self) -> None:
        if self.start < EARLIEST or self.end > latest():
            raise ValidationError(f"统计期间：须在 1900 年至 {latest().year} 年之间。",
                                  field="period")

    @staticmethod
    def _year(year: int) -> int:
        if not EARLIEST.year <= year <= latest().year:
            raise ValidationError(f"统计期间：年份须在 1900 至 {latest().year} 之间。",
                                  field="period")
        return year

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        cls._year(year)
        last = calendar.monthrange(year, month)[1]
        return cls(dt.date(year, month, 1), dt.date(year, month, last), "month")

    @classmethod
    def quarter(cls, year: int, q: int) -> Period:
        cls._year(year)
        if not 1 <= q <= 4:
            raise ValidationError("季度应为 1–4。", field="quarter")
        first = 3 * (q - 1) + 1
        return cls(dt.date(year, first, 1), cls.month(year, first + 2).end, "quarter")

    @classmethod
    def year(cls, year: int) -> Period:
        cls._year(year)
        return cls(dt.date(year, 1, 1), dt.date(year, 12, 31), "year")

    @classmethod
    def range(cls, start: dt.date, end: dt.date) -> Period:
        if end < start:
            raise ValidationError("统计期间的结束日期不能早于开始日期。", field="to")
        return cls(start, end, "range")

    @classmethod
    def parse(cls, text: str) -> Period:
        """``2026-11`` (month), ``2026Q4`` (quarter), ``2026`` (year)."""
        t = text.strip().upper()
        if m := re.fullmatch(r"(\d{4})-(\d{1,2})", t):
            year, month = int(m[1]), int(m[2])
            if not 1 <= month <= 12:
                raise ValidationError(f"月份无效：{text}（应为 2026-11 这样的格式）。", field="month")
            return cls.month(year, month)
        if m := re.fullmatch(r"(\d{4})-?Q([1-4])", t):
            return cls.quarter(int(m[1]), int(m[2]))
        if m := re.fullmatch(r"(\d{4})", t):
            return cls.year(int(m[1]))
        raise ValidationError(f"无法识别的统计期间：{text}（可写 2026-11、2026Q4 或 2026）。",
                              field="period")

    @property
    def label(self) -> str:
        s, e = self.start, self.end
        if self.kind == "month":
            return f"{s.year}年{s.month}月"
        if self.kind == "quarter":
            return f"{s.year}年第{(s.month - 1) // 3 + 1}季度"
        if self.kind == "year":
            return f"{s.year}年"
        return f"{s.year}年{s.month}月{s.day}日至{e.year}年{e.month}月{e.day}日"

    @property
    def slug(self) -> str:
        """For file names: 2026-11, 2026Q4, 2026, 20261101-20261115."""
        s = self.start
        if self.kind == "month":
            return f"{s:%Y-%m}"
        if self.kind == "quarter":
            return f"{s.year}Q{(s.month - 1) // 3 + 1}"
        if self.kind == "year":
            return str(s.year)
        return f"{s:%Y%m%d}-{self.end:%Y%m%d}"

    def trend_months(self, n: int = 12) -> list[Period]:
        """The ``n`` calendar months ending with the month that contains ``end``."""
        y, m = self.end.year, self.end.month
        out = []
        for _ in range(n):
            out.append(Period.month(y, m))
            y, m = (y, m - 1) if m > 1 else (y - 1, 12)
        return out[::-1]
