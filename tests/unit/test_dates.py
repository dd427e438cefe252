import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop.domain.dates import format_date, format_date_upper, format_datetime, parse_date
from desktop.domain.errors import ValidationError


def test_format_date() -> None:
    assert format_date(datetime.date(2026, 11, 27)) == "2026年11月27日"
    assert format_date(datetime.date(2026, 1, 5)) == "2026年1月5日"
    assert format_date(datetime.datetime(2026, 11, 27, 14, 5)) == "2026年11月27日"
    assert format_date(None) == ""


def test_format_datetime() -> None:
    assert format_datetime(datetime.datetime(2026, 11, 27, 14, 5)) == "2026年11月27日 14:05"
    assert format_datetime(datetime.datetime(2026, 1, 2, 3, 4, 59)) == "2026年1月2日 03:04"
    assert format_datetime(None) == ""


@pytest.mark.parametrize(
    ("d", "expected"),
    [
        (datetime.date(2026, 11, 27), "二〇二六年十一月二十七日"),
        (datetime.date(2026, 1, 1), "二〇二六年一月一日"),
        (datetime.date(2020, 10, 10), "二〇二〇年十月十日"),
        (datetime.date(2019, 12, 20), "二〇一九年十二月二十日"),
        (datetime.date(2031, 3, 31), "二〇三一年三月三十一日"),
        (datetime.date(2000, 2, 29), "二〇〇〇年二月二十九日"),
        (datetime.date(2026, 6, 19), "二〇二六年六月十九日"),
        (datetime.date(2026, 6, 30), "二〇二六年六月三十日"),
    ],
)
def test_format_date_upper(d: datetime.date, expected: str) -> None:
    assert format_date_upper(d) == expected


def test_format_date_upper_none() -> None:
    assert format_date_upper(None) == ""


@pytest.mark.parametrize(
    "text",
    ["2026-11-27", "2026/11/27", "20261127", "2026年11月27日", " 2026-11-27 ", "2026.11.27",
     "２０２６年１１月２７日", "2026年11月27", "2026 年 11 月 27 日"],
)
def test_parse_date_forms(text: str) -> None:
    assert parse_date(text) == datetime.date(2026, 11, 27)


def test_parse_date_short_month_and_day() -> None:
    assert parse_date("2026-1-5") == datetime.date(2026, 1, 5)
    assert parse_date("2026年1月5日") == datetime.date(2026, 1, 5)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "请填写日期"),
        ("2026-13-01", "不存在"),
        ("20260230", "不存在"),
        ("2026-11", "格式不对"),
        ("27/11/2026", "格式不对"),
        ("明天", "格式不对"),
        ("2026-11-27 14:05", "格式不对"),
    ],
)
def test_parse_date_rejects(text: str, message: str) -> None:
    with pytest.raises(ValidationError) as err:
        parse_date(text, field="accepted_on")
    assert message in err.value.message
    assert err.value.field == "accepted_on"


@given(st.dates(datetime.date(1900, 1, 1), datetime.date(2999, 12, 31)))
def test_round_trips(d: datetime.date) -> None:
    assert parse_date(format_date(d)) == d
    assert parse_date(d.isoformat()) == d
    assert parse_date(f"{d:%Y%m%d}") == d
    assert len(format_date_upper(d).split("年")[0]) == 4
