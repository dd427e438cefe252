"""Report periods: parsing, labels, trend months, and the CLI's period options."""

from __future__ import annotations

import argparse
import datetime as dt

import pytest

from desktop.cli.reports import period_from_args
from desktop.domain.errors import ValidationError
from desktop.reports.period import Period

D = dt.date


@pytest.mark.parametrize(("text", "start", "end", "label"), [
    ("2026-11", D(2026, 11, 1), D(2026, 11, 30), "2026年11月"),
    ("2024-2", D(2024, 2, 1), D(2024, 2, 29), "2024年2月"),
    ("2026Q4", D(2026, 10, 1), D(2026, 12, 31), "2026年第4季度"),
    ("2026-q1", D(2026, 1, 1), D(2026, 3, 31), "2026年第1季度"),
    ("2026", D(2026, 1, 1), D(2026, 12, 31), "2026年"),
])
def test_parse(text: str, start: dt.date, end: dt.date, label: str) -> None:
    p = Period.parse(text)
    assert (p.start, p.end, p.label) == (start, end, label)


@pytest.mark.parametrize("bad", ["2026-13", "2026Q5", "11/2026", "", "二〇二六"])
def test_parse_rejects(bad: str) -> None:
    with pytest.raises(ValidationError):
        Period.parse(bad)


def test_range_and_trend() -> None:
    r = Period.range(D(2026, 11, 20), D(2026, 12, 5))
    assert r.label == "2026年11月20日至2026年12月5日" and r.slug == "20261120-20261205"
    with pytest.raises(ValidationError):
        Period.range(D(2026, 12, 5), D(2026, 11, 20))
    months = Period.parse("2026-02").trend_months(12)
    assert [m.slug for m in months][:2] == ["2025-03", "2025-04"] and months[-1].slug == "2026-02"
    assert Period.parse("2026Q4").trend_months(3)[0].slug == "2026-10"


def ns(**kw: object) -> argparse.Namespace:
    base = {"month": None, "quarter": None, "year": None, "date_from": None, "date_to": None}
    base.update(kw)
    return argparse.Namespace(**base)


def test_cli_period_options() -> None:
    assert period_from_args(ns(month="2026-11")).slug == "2026-11"
    assert period_from_args(ns(quarter="2026Q4")).kind == "quarter"
    assert period_from_args(ns(year="2026")).kind == "year"
    p = period_from_args(ns(date_from="2026年1月5日", date_to="20260110"))
    assert (p.start, p.end) == (D(2026, 1, 5), D(2026, 1, 10))
    assert period_from_args(ns(), today=D(2026, 11, 27)).slug == "2026-10"  # last month
    assert period_from_args(ns(), today=D(2026, 1, 3)).slug == "2025-12"
    with pytest.raises(ValidationError):
        period_from_args(ns(date_from="2026-01-01"))
