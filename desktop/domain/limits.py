"""The limits every value must meet before it is written, wherever it comes from.

The GUI, the CLI, a ledger import and a restore all end in the store, and the store calls
``check_value`` for every column of every row it flushes (see ``desktop.store.guard``), with
the column's declared type: text length, forbidden characters, money range, integer range,
date window. The services add the rules that relate two values (``check_order``) and the
required fields (``require_text``). Messages are Chinese and start with the field's label.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from decimal import Decimal, InvalidOperation
from typing import Any, TypeGuard

from desktop.domain.errors import ValidationError

MIN_AMOUNT = Decimal("0.01")
MAX_AMOUNT = Decimal("99999999999.99")
MAX_PEOPLE = 100_000
# 64-bit signed integers: what both PostgreSQL BIGINT and SQLite INTEGER hold
MAX_INT = 2**63 - 1
MAX_ID = 2**31 - 1  # ids are INTEGER (serial) on PostgreSQL
MAX_OFFSET = 10**9
EARLIEST = dt.date(1900, 1, 1)
FUTURE_YEARS = 50  # deadlines, due dates and plans may lie ahead, but not centuries ahead

# control characters other than newline, carriage return and tab; NUL included
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff\ud800-\udfff]")
_LINE_BREAKS = re.compile(r"[\n\r\t]")

# column name → Chinese label, for messages from the store's guard
LABELS: dict[str, str] = {
    "name": "名称", "display_name": "姓名", "username": "用户名", "short_name": "简称",
    "address": "地址", "phone": "电话", "id_number": "证件号码", "credit_code": "统一社会信用代码",
    "legal_rep": "法定代表人", "facts": "纠纷简要情况", "requests": "当事人请求",
    "referring_unit": "移送单位", "referral_ref": "移送文号", "reason": "理由", "content": "内容",
    "amount": "金额", "total_amount": "协议涉及金额", "amount_claimed": "涉及金额",
    "people_involved": "涉及人数", "place": "地点", "unit": "单位", "title": "标题",
    "court": "法院", "ruling": "裁定", "ruling_number": "裁定书编号", "notes": "备注",
    "remedies": "救济途径", "to_body": "移交机关", "performance": "履行情况",
    "findings": "回访情况", "action": "处理措施", "visitor": "回访人", "summary": "摘要",
    "accepted_on": "受理日期", "registered_at": "登记时间", "reached_on": "达成日期",
    "due_on": "履行期限", "effective_on": "生效日期", "visited_on": "回访日期",
    "next_due": "下次回访日期", "filed_on": "申请日期", "ruling_on": "裁定日期",
    "started_at": "开始时间", "ended_at": "结束时间", "deadline": "调解期限",
    "closed_on": "结案日期", "found_on": "排查日期", "region": "辖区", "director_name": "主任姓名",
    "number_pattern": "案号格式", "filename": "文件名", "description": "说明",
    "offset": "起始位置", "limit": "每页条数",
    # the ids a row refers to: only a caller that hands the services its own ids meets these
    "case_id": "案件编号", "committee_id": "调解委员会编号", "user_id": "用户编号",
    "mediator_id": "调解员编号", "party_id": "当事人编号", "payer_party_id": "义务人编号",
    "payee_party_id": "权利人编号", "session_id": "调解记录编号", "agreement_id": "协议编号",
    "created_by": "创建人编号", "updated_by": "修改人编号",
}


def label(field: str) -> str:
    return LABELS.get(field, field)


def _fail(field: str, what: str) -> ValidationError:
    return ValidationError(f"{label(field)}：{what}", field=field, reason=what)


# -- text ------------------------------------------------------------------------------------
def check_text(value: str, field: str, *, max_len: int | None, multiline: bool = True) -> str:
    """No NUL or other control characters (newline and tab allowed only in long texts), no
    lone surrogates, at most ``max_len`` characters."""
    if not isinstance(value, str):
        raise _fail(field, "应为文字。")
    bad = _CONTROL.search(value)
    if bad:
        raise _fail(field, f"含有不可见的控制字符（U+{ord(bad.group()):04X}），请删除后再保存。")
    if not multiline and _LINE_BREAKS.search(value):
        raise _fail(field, "不能换行或含制表符，请写在一行内。")
    if max_len is not None and len(value) > max_len:
        raise _fail(field, f"最长 {max_len:,} 个字，当前为 {len(value):,} 个，请删减。")
    return value


def require_text(value: str | None, field: str) -> str:
    """A required text: not empty, not only spaces."""
    if value is None or not str(value).strip():
        raise _fail(field, "不能为空，请填写。")
    return str(value)


# -- numbers ---------------------------------------------------------------------------------
def check_amount(value: Any, field: str = "amount", *, allow_zero: bool = False) -> Decimal:
    """Money in yuan: 0.01–99,999,999,999.99, at most two decimals, finite."""
    if isinstance(value, bool) or value is None:
        raise _fail(field, "应为数字。")
    try:
        if isinstance(value, float):
            if not math.isfinite(value):
                raise _fail(field, "应为数字（不能是 NaN 或无穷大）。")
            value = Decimal(str(value))
        dec = value if isinstance(value, Decimal) else Decimal(value)
    except (InvalidOperation, ValueError, TypeError):
        raise _fail(field, "应为数字。") from None
    if not dec.is_finite():
        raise _fail(field, "应为数字（不能是 NaN 或无穷大）。")
    low = Decimal(0) if allow_zero else MIN_AMOUNT
    if not low <= dec <= MAX_AMOUNT:
        raise _fail(field, f"须在 {low:,.2f} 至 {MAX_AMOUNT:,.2f} 元之间。")
    if dec != dec.quantize(Decimal("0.01")):
        raise _fail(field, "最多两位小数（精确到分）。")
    return dec.quantize(Decimal("0.01"))


def check_int(value: Any, field: str, low: int = -MAX_INT, high: int = MAX_INT) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _fail(field, "应为整数。")
    if not low <= value <= high:
        raise _fail(field, f"须在 {low:,} 至 {high:,} 之间。")
    return value


def check_people(value: Any, field: str = "people_involved") -> int:
    return check_int(value, field, 1, MAX_PEOPLE)


def is_id(value: Any) -> TypeGuard[int]:
    """Whether ``value`` is an internal number (case, party, user…) some row could have: a
    positive integer both databases can hold (PostgreSQL refuses one past INTEGER as a
    parameter, where SQLite simply finds nothing)."""
    return not isinstance(value, bool) and isinstance(value, int) and 1 <= value <= MAX_ID


def check_id(value: Any, field: str = "id") -> int:
    """An internal number (case, party, user…): a positive integer the databases can hold."""
    if not is_id(value):
        from desktop.domain.errors import NotFound

        raise NotFound("找不到该记录：编号超出范围。")
    return value


def check_offset(value: Any, field: str = "offset") -> int:
    return check_int(value, field, 0, MAX_OFFSET)


def parse_id(text: str) -> int | None:
    """An internal number typed by a person: ASCII digits only ("²" is not a number here)."""
    text = text.strip()
    if not (text.isascii() and text.isdigit()):
        return None
    return check_id(int(text))


# -- dates -----------------------------------------------------------------------------------
def latest(today: dt.date | None = None) -> dt.date:
    today = today or dt.date.today()
    return today.replace(year=today.year + FUTURE_YEARS, day=min(today.day, 28))


def check_date(value: Any, field: str, *, today: dt.date | None = None,
               not_after_today: bool = False) -> dt.date:
    """1900-01-01 … today (for things that have happened) or today + 50 years (plans)."""
    if not isinstance(value, dt.date):
        raise _fail(field, "应为日期。")
    day = value.date() if isinstance(value, dt.datetime) else value
    today = today or dt.date.today()
    if day < EARLIEST:
        raise _fail(field, "不能早于1900年1月1日。")
    if not_after_today and day > today:
        raise _fail(field, "不能晚于今天。")
    if day > latest(today):
        raise _fail(field, f"不能晚于{latest(today).year}年，请核对年份。")
    return value


def check_order(earlier: Any, later: Any, field: str, what: str) -> None:
    """``later`` (the value of ``field``) must not be before ``earlier`` (``what`` names it)."""
    if earlier is None or later is None:
        return
    a = earlier.date() if isinstance(earlier, dt.datetime) else earlier
    b = later.date() if isinstance(later, dt.datetime) else later
    if b < a:
        raise _fail(field, f"不能早于{what}。")


__all__ = ["EARLIEST", "LABELS", "MAX_AMOUNT", "MAX_ID", "MAX_INT", "MAX_OFFSET", "MAX_PEOPLE",
           "MIN_AMOUNT", "check_amount", "check_date", "check_id", "check_int", "check_offset",
           "check_order", "check_people", "check_text", "is_id", "label", "latest", "parse_id",
           "require_text"]
