"""Amounts of money: parsing what people type, ¥ formatting, and 大写 for agreements.

Amounts are ``Decimal`` quantized to the fen (0.01), never floats.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from desktop.domain.errors import ValidationError

CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("999999999999.99")

_GROUPED = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d*)?")
_PLAIN = re.compile(r"\d+(?:\.\d*)?|\.\d+")


def parse_money(text: str | int | Decimal, field: str = "amount") -> Decimal:
    """Parse "1234", "1,234.5", "¥1,234.50", "１２３４", "1234元" into a Decimal in fen.

    Rejects negatives, fractions of a fen, amounts over 999,999,999,999.99 and non-numbers.
    """
    if isinstance(text, bool):
        raise ValidationError("金额应为数字。", field=field)
    if isinstance(text, int):
        value = Decimal(text)
    elif isinstance(text, Decimal):
        value = text
    else:
        value = _parse_text(text, field)
    if not value.is_finite():
        raise ValidationError("金额应为数字。", field=field)
    if value < 0:
        raise ValidationError("金额不能为负数。", field=field)
    if value != value.quantize(CENT, rounding=ROUND_HALF_UP):
        raise ValidationError("金额最多两位小数（精确到分），请修改。", field=field)
    if value > MAX_AMOUNT:
        raise ValidationError("金额过大：不能超过 999,999,999,999.99 元。", field=field)
    return value.quantize(CENT)


def _parse_text(text: str, field: str) -> Decimal:
    raw = unicodedata.normalize("NFKC", text).strip()  # full-width digits, ￥ and ，
    compact = "".join(raw.split())
    for prefix in ("人民币", "RMB", "rmb", "¥"):
        compact = compact.removeprefix(prefix)
    compact = compact.removesuffix("元")
    if not compact:
        raise ValidationError("请填写金额。", field=field)
    if compact.startswith("-"):
        raise ValidationError("金额不能为负数。", field=field)
    if "," in compact and not _GROUPED.fullmatch(compact):
        raise ValidationError(
            f"金额“{raw}”的千位分隔符位置不对，请直接填写数字，如 1234.50。", field=field
        )
    if not (_GROUPED.fullmatch(compact) or _PLAIN.fullmatch(compact)):
        raise ValidationError(f"金额“{raw}”不是数字，请填写如 1234.50。", field=field)
    try:
        return Decimal(compact.replace(",", ""))
    except InvalidOperation:  # pragma: no cover - the patterns above only let numbers through
        raise ValidationError(f"金额“{raw}”不是数字。", field=field) from None


def format_money(amount: Decimal | int | str) -> str:
    """"¥1,234.50"; negative amounts (differences in reports) as "-¥1,234.50"."""
    value = parse_money(amount) if isinstance(amount, str) else Decimal(amount)
    value = value.quantize(CENT, rounding=ROUND_HALF_UP)
    sign = "-" if value < 0 else ""
    return f"{sign}¥{abs(value):,.2f}"


_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_SMALL_UNITS = ("仟", "佰", "拾", "")
_SECTION_UNITS = ("亿", "万", "")


def _section(number: int) -> str:
    """1..9999 in capitals; zeros between digits collapse to one 零, trailing zeros vanish."""
    out: list[str] = []
    zero_pending = False
    for digit, unit in zip(f"{number:04d}", _SMALL_UNITS, strict=True):
        if digit == "0":
            zero_pending = bool(out)
            continue
        if zero_pending:
            out.append("零")
            zero_pending = False
        out.append(_DIGITS[int(digit)] + unit)
    return "".join(out)


def _integer_upper(number: int) -> str:
    sections = (number // 10**8, number // 10**4 % 10**4, number % 10**4)
    out = ""
    zero_pending = False
    for value, unit in zip(sections, _SECTION_UNITS, strict=True):
        if value == 0:
            zero_pending = bool(out)
            continue
        # A gap before this section (a zero section, or its 仟 place is 0) is read as 零.
        if out and (zero_pending or value < 1000):
            out += "零"
        out += _section(value) + unit
        zero_pending = False
    return out


def to_chinese_upper(amount: Decimal | int | str) -> str:
    """Financial capitals as written on agreements and bank forms, prefixed "人民币".

    Rules (中国人民银行《支付结算办法》附件, with the usual bank choices where it allows two):

    * 整 follows 元 or 角 and never 分: 12000 → 人民币壹万贰仟元整, 2.30 → 人民币贰元叁角整,
      1234.56 → 人民币壹仟贰佰叁拾肆元伍角陆分.
    * Zeros inside the integer part are read as one 零 (1005 → 壹仟零伍元整); a zero 万 or 元
      place followed by a non-zero 仟 is not (107000.53 → 壹拾万柒仟元零伍角叁分).
    * After 元, 零 is written when 角 is 0 and 分 is not (1010.01 → 壹仟零壹拾元零壹分) and
      when the 元 place is 0 and 角 is not (100000.10 → 人民币壹拾万元零壹角整).
    * Amounts under one yuan have no 元: 0.05 → 人民币伍分; zero is 人民币零元整.
    * Tens are written 壹拾 (10 → 人民币壹拾元整), as banks require.
    """
    value = parse_money(amount)
    fen_total = int(value * 100)
    integer, jiao, fen = fen_total // 100, fen_total // 10 % 10, fen_total % 10
    if fen_total == 0:
        return "人民币零元整"
    out = "人民币"
    if integer:
        out += _integer_upper(integer) + "元"
    if jiao:
        if integer and integer % 10 == 0:
            out += "零"
        out += _DIGITS[jiao] + "角"
    elif fen and integer:
        out += "零"
    if fen:
        out += _DIGITS[fen] + "分"
    else:
        out += "整"
    return out


__all__ = ["CENT", "MAX_AMOUNT", "format_money", "parse_money", "to_chinese_upper"]
