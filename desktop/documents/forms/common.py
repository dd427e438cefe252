"""Text pieces several forms share: dates, amounts, party particulars, sign-off blocks."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from reportlab.lib.units import mm
from reportlab.platypus import Flowable

from desktop.documents import blocks
from desktop.documents.data import CaseDocumentData, Party
from desktop.domain.enums import IdType, PartyKind

CN_NUM = "零一二三四五六七八九十"


def cn_index(n: int) -> str:
    """1 → 一, 12 → 十二 (clause numbers)."""
    if n <= 10:
        return CN_NUM[n]
    if n < 20:
        return "十" + (CN_NUM[n % 10] if n % 10 else "")
    return CN_NUM[n // 10] + "十" + (CN_NUM[n % 10] if n % 10 else "")


def fdate(day: dt.date | dt.datetime | None, blank: str = "    年  月  日") -> str:
    if day is None:
        return blank
    from desktop.domain.dates import format_date

    return format_date(day.date() if isinstance(day, dt.datetime) else day)


def ftime(moment: dt.datetime | None) -> str:
    if moment is None:
        return ""
    return f"{fdate(moment)}{moment.hour}时{moment.minute:02d}分"


def fspan(start: dt.datetime, end: dt.datetime | None) -> str:
    if end is None:
        return ftime(start)
    if end.date() == start.date():
        return f"{ftime(start)}至{end.hour}时{end.minute:02d}分"
    return f"{ftime(start)}至{ftime(end)}"


def money_both(amount: Decimal) -> str:
    """¥12,000.00（大写：人民币壹万贰仟元整）"""
    from desktop.domain.money import format_money, to_chinese_upper

    return f"{format_money(amount)}（大写：{to_chinese_upper(amount)}）"


def age_text(p: Party, on: dt.date | None) -> str:
    if p.birth_date:
        return f"{fdate(p.birth_date)}出生"
    if p.age is not None:
        return f"{p.age}岁"
    return ""


def birth_date_of(p: Party) -> dt.date | None:
    """The recorded birth date, or the one a resident ID number carries (GB 11643)."""
    if p.birth_date:
        return p.birth_date
    n = p.id_number.strip()
    if p.id_type == IdType.RESIDENT and len(n) == 18 and n[:17].isdigit():
        try:
            return dt.date(int(n[6:10]), int(n[10:12]), int(n[12:14]))
        except ValueError:
            return None
    return None


def age_years(p: Party, on: dt.date | None) -> str:
    """Full years on ``on`` (the agreement's date, say), as the forms ask for 年龄."""
    b = birth_date_of(p)
    if b and on:
        return str(on.year - b.year - ((on.month, on.day) < (b.month, b.day)))
    if p.age is not None:
        return str(p.age)
    return ""


def particulars(p: Party, on: dt.date | None = None, *, age: bool = False) -> str:
    """The party's particulars as one sentence, the way the Ministry's forms state them.

    ``age``: 年龄 computed on ``on`` (协议书, 申请书: 姓名、性别、年龄、民族、职业、住址)
    instead of the birth date (court style, 司法确认申请书)."""
    if p.kind == PartyKind.ORGANIZATION:
        bits = [p.name]
        if p.credit_code:
            bits.append(f"统一社会信用代码：{p.credit_code}")
        if p.address:
            bits.append(f"住所：{p.address}")
        if p.legal_rep:
            title = p.legal_rep_title or "法定代表人"
            bits.append(f"法定代表人：{p.legal_rep}，职务：{title}")
        if p.phone:
            bits.append(f"联系电话：{p.phone}")
    else:
        bits = [p.name]
        if p.sex:
            bits.append(p.sex.label)
        years = age_years(p, on) if age else ""
        if years:
            bits.append(f"{years}岁")
        if p.ethnicity:
            bits.append(p.ethnicity)
        born = "" if years else age_text(p, on)
        if born:
            bits.append(born)
        if age and p.occupation:
            bits.append(f"职业：{p.occupation}")
        if p.id_number:
            kind = "公民身份号码" if p.id_type == IdType.RESIDENT else p.id_type.label + "号码"
            bits.append(f"{kind}：{p.id_number}")
        if p.occupation and not age:
            bits.append(f"职业：{p.occupation}")
        if p.address:
            bits.append(f"住址：{p.address}")
        if p.phone:
            bits.append(f"联系电话：{p.phone}")
    text = f"{p.side_label}：" + "，".join(bits) + "。"
    if p.agent_name:
        rel = f"，与{p.side_label}关系：{p.agent_relation}" if p.agent_relation else ""
        tel = f"，联系电话：{p.agent_phone}" if p.agent_phone else ""
        text += f"\n委托代理人：{p.agent_name}{rel}{tel}。"
    return text


def party_names(data: CaseDocumentData, sep: str = "、") -> str:
    return sep.join(p.name for p in data.parties)


def dispute_name(data: CaseDocumentData) -> str:
    t = data.case.dispute_type
    return t if t.endswith("纠纷") or not t else t + "纠纷"


def sign_cell(data: CaseDocumentData, name: str, *, mediator: bool = False,
              height_mm: float = 10, width_mm: float = 36) -> Flowable | str:
    """The captured signature image, or an empty cell to sign on paper."""
    png = data.signature_of(name, mediator=mediator)
    if png:
        return blocks.ImageBox(png, width_mm * mm, height_mm * mm)
    from desktop.documents.effect import is_paper_signed

    if is_paper_signed(data, name, mediator=mediator):
        # The sealed file carries the scan of the signed paper original after the form.
        return blocks.para("纸质原件签名（扫描件附后）", blocks.SMALL_STYLE)
    return ""


def sign_line(data: CaseDocumentData, label: str, names: list[str], *,
              mediator: bool = False) -> list[Flowable]:
    """"当事人（签名）：" followed by each signer's image (or a blank line to sign)."""
    rows = [[label, n, sign_cell(data, n, mediator=mediator)] for n in names] or [[label, "", ""]]
    return [blocks.sign_table(rows)]


def issue_date(data: CaseDocumentData, *candidates: dt.date | None) -> dt.date | None:
    for c in candidates:
        if c:
            return c
    return data.today
