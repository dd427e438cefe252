"""Masking of personal information in lists and exports (个人信息保护法).

Every function accepts stored values as they are (possibly legacy, unvalidated) and never
raises; an empty value stays empty. Lengths are counted in code points, so a name with a
character outside the BMP (𠮷) masks like any other.
"""

from __future__ import annotations

import re

from desktop.domain.errors import ValidationError
from desktop.domain.validators import MIDDLE_DOT, validate_phone

STAR = "*"


def _keep_ends(text: str, head: int, tail: int) -> str:
    hidden = len(text) - head - tail
    if hidden <= 0:
        return text[:1] + STAR * (len(text) - 1) if len(text) > 1 else STAR * len(text)
    return text[:head] + STAR * hidden + text[len(text) - tail:]


def mask_id_number(text: str) -> str:
    """18 characters: first 6 and last 4 ("110101********1234"); else first 2 and last 2."""
    number = "".join(text.split())
    if len(number) == 18:
        return _keep_ends(number, 6, 4)
    if len(number) <= 4:
        return _keep_ends(number, 1, 0)
    return _keep_ends(number, 2, 2)


def mask_phone(text: str) -> str:
    """Mobile "138****5678"; landline "0571-****4321" (area code and last 4, no extension);
    400/800 "400-***-4567"; anything else keeps its first 3 and last 2 characters."""
    raw = text.strip()
    if not raw:
        return ""
    try:
        phone = validate_phone(raw)
    except ValidationError:
        return _keep_ends("".join(raw.split()), 3, 2)
    if "-" not in phone:  # mobile, 11 digits
        return _keep_ends(phone, 3, 4)
    parts = phone.split("-")
    if parts[0] in ("400", "800"):
        return f"{parts[0]}-***-{parts[2]}"
    return f"{parts[0]}-{_keep_ends(parts[1], 0, 4)}"


_PREFIX = re.compile(
    r"(?P<province>[^省市区县]{1,8}?(?:省|自治区|特别行政区))?"
    r"(?P<city>[^省市区县镇乡]{1,7}?(?:市|自治州|地区|盟))?"
)
_LEVEL = re.compile(r"街道|区|县|市|镇|乡")
ADDRESS_KEEP_MAX = 12


def mask_address(text: str) -> str:
    """Keep the province/city part and the next district/county/town/street, then "****":
    "浙江省杭州市西湖区****". At most 12 characters are kept: when the district would pass
    that, keep the city or province part ("广西壮族自治区南宁市****"). An address with nothing
    after the kept part is returned whole; one without any level marker keeps its first 6
    (at most half) characters."""
    address = "".join(text.split())
    if not address:
        return ""
    prefix = _PREFIX.match(address)
    assert prefix is not None  # every group is optional
    level = _LEVEL.search(address, prefix.end())
    candidates = [level.end() if level else 0, prefix.end("city"), prefix.end("province")]
    keep = next((end for end in candidates if 0 < end <= ADDRESS_KEEP_MAX), 0)
    if not keep:
        keep = min(6, len(address) // 2)
    if keep >= len(address):
        return address
    return address[:keep] + STAR * 4


# Two-character surnames kept whole, so "欧阳娜娜" masks as "欧阳**".
COMPOUND_SURNAMES = frozenset(
    {
        "欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "令狐", "司徒",
        "夏侯", "宇文", "澹台", "端木", "轩辕", "南宫", "西门", "独孤", "呼延", "申屠", "太史", "万俟",
        "闻人", "赫连", "钟离", "宗政", "濮阳", "公冶", "仲孙", "拓跋", "百里", "东郭", "司空", "第五",
        "左丘", "公羊", "谷梁", "梁丘", "羊舌", "微生", "乐正", "巫马", "漆雕", "段干", "东门", "子车",
    }
)


def mask_name(text: str) -> str:
    """Keep the surname's first character, star the rest: "张*", "张**", "买**·**",
    "J*** *****"; a compound surname stays whole in names of 3+ characters ("欧阳**");
    a one-character name becomes "*"."""
    name = text.strip()
    if len(name) <= 1:
        return STAR * len(name)
    head = 2 if len(name) >= 3 and name[:2] in COMPOUND_SURNAMES else 1
    return name[:head] + "".join(ch if ch in (MIDDLE_DOT, " ") else STAR for ch in name[head:])


__all__ = ["mask_address", "mask_id_number", "mask_name", "mask_phone"]
