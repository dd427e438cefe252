from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop.domain.errors import ValidationError
from desktop.domain.money import format_money, parse_money, to_chinese_upper

# --- parse_money ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1234", "1234.00"),
        ("1,234.5", "1234.50"),
        ("¥1,234.50", "1234.50"),
        ("￥1,234.50", "1234.50"),
        ("１２３４", "1234.00"),
        ("１，２３４．５", "1234.50"),
        (" 人民币 12000 元 ", "12000.00"),
        ("0", "0.00"),
        (".5", "0.50"),
        ("1.230", "1.23"),
        ("999999999999.99", "999999999999.99"),
        (1234, "1234.00"),
        (Decimal("12.3"), "12.30"),
    ],
)
def test_parse_money_accepts(text: str | int | Decimal, expected: str) -> None:
    value = parse_money(text)
    assert value == Decimal(expected)
    assert str(value) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "请填写金额"),
        ("¥", "请填写金额"),
        ("-5", "不能为负数"),
        (-5, "不能为负数"),
        (Decimal("-0.01"), "不能为负数"),
        ("1.234", "最多两位小数"),
        (Decimal("0.001"), "最多两位小数"),
        ("1000000000000", "不能超过 999,999,999,999.99"),
        ("999999999999.995", "最多两位小数"),
        ("abc", "不是数字"),
        ("12a", "不是数字"),
        ("1.2.3", "不是数字"),
        ("NaN", "不是数字"),
        (Decimal("NaN"), "应为数字"),
        ("12,34", "千位分隔符"),
        (True, "应为数字"),
    ],
)
def test_parse_money_rejects(text: str | int | Decimal, message: str) -> None:
    with pytest.raises(ValidationError) as err:
        parse_money(text, field="total")
    assert message in err.value.message
    assert err.value.field == "total"


def test_format_money() -> None:
    assert format_money(Decimal("1234.5")) == "¥1,234.50"
    assert format_money(0) == "¥0.00"
    assert format_money("1234567.89") == "¥1,234,567.89"
    assert format_money(Decimal("-12.5")) == "-¥12.50"
    assert format_money(999_999_999_999) == "¥999,999,999,999.00"


# --- 大写 ----------------------------------------------------------------------------------------

KNOWN = [
    (12000, "人民币壹万贰仟元整"),
    ("1234.56", "人民币壹仟贰佰叁拾肆元伍角陆分"),
    (1005, "人民币壹仟零伍元整"),
    ("100000.10", "人民币壹拾万元零壹角整"),
    ("0.05", "人民币伍分"),
    (0, "人民币零元整"),
    (10, "人民币壹拾元整"),
    (1_0000_0000, "人民币壹亿元整"),
    (1_0001_0000, "人民币壹亿零壹万元整"),
    ("2.30", "人民币贰元叁角整"),
    ("1010.01", "人民币壹仟零壹拾元零壹分"),
    # Examples printed in 《支付结算办法》附件 (first of the two allowed forms).
    ("1409.50", "人民币壹仟肆佰零玖元伍角整"),
    ("1680.32", "人民币壹仟陆佰捌拾元零叁角贰分"),
    ("107000.53", "人民币壹拾万柒仟元零伍角叁分"),
    ("16409.02", "人民币壹万陆仟肆佰零玖元零贰分"),
    ("325.04", "人民币叁佰贰拾伍元零肆分"),
    ("0.50", "人民币伍角整"),
    ("0.15", "人民币壹角伍分"),
    (1, "人民币壹元整"),
    (15, "人民币壹拾伍元整"),
    (110, "人民币壹佰壹拾元整"),
    (100, "人民币壹佰元整"),
    (10000, "人民币壹万元整"),
    (10_0000, "人民币壹拾万元整"),
    (1_0000_0001, "人民币壹亿零壹元整"),
    (1_0000_1000, "人民币壹亿零壹仟元整"),
    (10_0010_0000, "人民币壹拾亿零壹拾万元整"),
    (2_3000_0000, "人民币贰亿叁仟万元整"),
    (5_0500_0505, "人民币伍亿零伍佰万零伍佰零伍元整"),
    ("10.5", "人民币壹拾元零伍角整"),
    ("3.05", "人民币叁元零伍分"),
    ("999999999999.99",
     "人民币玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分"),
    (1_0000_0000_0000 - 1, "人民币玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元整"),
    (100_0000_0000, "人民币壹佰亿元整"),
]


@pytest.mark.parametrize(("amount", "expected"), KNOWN)
def test_known_capitals(amount: int | str, expected: str) -> None:
    assert to_chinese_upper(amount) == expected


def test_capitals_reject_bad_amounts() -> None:
    with pytest.raises(ValidationError):
        to_chinese_upper("-1")
    with pytest.raises(ValidationError):
        to_chinese_upper("1.005")


# An independent reader of 大写 amounts, written from the reading rules, not from the code.
DIGIT = {c: i for i, c in enumerate("零壹贰叁肆伍陆柒捌玖")}
SMALL = {"拾": 10, "佰": 100, "仟": 1000}
BIG = {"万": 10**4, "亿": 10**8}


def read_upper(text: str) -> Decimal:
    assert text.startswith("人民币")
    body = text.removeprefix("人民币").removesuffix("整")
    yuan_text, _, frac = body.rpartition("元") if "元" in body else ("", "", body)
    total = 0  # in fen
    section = 0
    digit = 0
    for ch in yuan_text:
        if ch in DIGIT:
            digit = DIGIT[ch]
        elif ch in SMALL:
            section += digit * SMALL[ch]
            digit = 0
        elif ch in BIG:
            total += (section + digit) * BIG[ch] * 100
            section = digit = 0
        else:
            raise AssertionError(f"unexpected {ch!r} in {text}")
    total += (section + digit) * 100
    digit = 0
    for ch in frac:
        if ch in DIGIT:
            digit = DIGIT[ch]
        elif ch == "角":
            total += digit * 10
            digit = 0
        elif ch == "分":
            total += digit
            digit = 0
        else:
            raise AssertionError(f"unexpected {ch!r} in {text}")
    assert digit == 0, text  # no dangling digit without a unit
    return Decimal(total) / 100


amounts = st.integers(0, 10**14 - 1).map(lambda fen: Decimal(fen) / 100)


@given(amounts)
def test_capitals_read_back(amount: Decimal) -> None:
    text = to_chinese_upper(amount)
    assert read_upper(text) == amount
    # Writing rules that hold for every amount.
    assert "零零" not in text
    if amount:
        assert not any(f"零{unit}" in text for unit in "元万亿角分整")
    assert text.endswith("分") != text.endswith("整")
    assert "万亿" not in text


@given(amounts)
def test_format_then_parse_round_trip(amount: Decimal) -> None:
    assert parse_money(format_money(amount)) == amount
