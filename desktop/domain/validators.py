"""Validation of identity numbers, credit codes, phones and person names.

Each ``validate_*`` function returns the normalized value or raises ``ValidationError`` with a
Chinese message that says what to fix; each ``is_valid_*`` is the boolean shortcut.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from desktop.domain.enums import IdType, Sex
from desktop.domain.errors import ValidationError

# --- resident identity card (GB 11643-1999) ----------------------------------------------------

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK_CHARS = "10X98765432"
_EARLIEST_BIRTH = datetime.date(1900, 1, 1)


@dataclass(frozen=True)
class ResidentId:
    """A checked 18-character resident ID and what it encodes."""

    number: str
    birth_date: datetime.date
    sex: Sex
    region_code: str


def resident_id_check_char(first17: str) -> str:
    """The GB 11643 check character for the first 17 digits."""
    if len(first17) != 17 or not first17.isascii() or not first17.isdigit():
        raise ValueError("first17 must be 17 ASCII digits")
    total = sum(int(ch) * w for ch, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK_CHARS[total % 11]


def _compact(text: str) -> str:
    """Full-width to half-width, whitespace removed (people paste IDs with spaces)."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def validate_resident_id(
    text: str, field: str = "id_number", *, today: datetime.date | None = None
) -> ResidentId:
    """Check an 18-character resident ID; ``today`` bounds the birth date (default: today)."""
    number = _compact(text).upper()
    if not number:
        raise ValidationError("请填写身份证号码。", field=field)
    if len(number) != 18:
        raise ValidationError(f"身份证号码应为18位，当前为{len(number)}位。", field=field)
    for pos, ch in enumerate(number[:17], start=1):
        if not ("0" <= ch <= "9"):
            raise ValidationError(
                f"身份证号码第{pos}位“{ch}”无效：前17位只能是数字。", field=field
            )
    last = number[17]
    if not ("0" <= last <= "9" or last == "X"):
        raise ValidationError(f"身份证号码最后一位“{last}”无效：只能是数字或 X。", field=field)
    birth_text = number[6:14]
    try:
        birth = datetime.date(int(birth_text[:4]), int(birth_text[4:6]), int(birth_text[6:]))
    except ValueError:
        raise ValidationError(
            f"身份证号码中的出生日期 {birth_text} 无效，请核对第7至14位。", field=field
        ) from None
    if birth < _EARLIEST_BIRTH:
        raise ValidationError(
            f"身份证号码中的出生日期 {birth_text} 早于1900年，请核对第7至14位。", field=field
        )
    if birth > (today or datetime.date.today()):
        raise ValidationError(
            f"身份证号码中的出生日期 {birth_text} 晚于今天，请核对第7至14位。", field=field
        )
    expected = resident_id_check_char(number[:17])
    if last != expected:
        raise ValidationError(
            f"身份证号码校验位错误：最后一位应为 {expected}，请核对号码。", field=field
        )
    sex = Sex.MALE if int(number[16]) % 2 == 1 else Sex.FEMALE
    return ResidentId(number=number, birth_date=birth, sex=sex, region_code=number[:6])


def _passes(validate: Callable[[str], object], text: str) -> bool:
    try:
        validate(text)
    except ValidationError:
        return False
    return True


def is_valid_resident_id(text: str) -> bool:
    return _passes(validate_resident_id, text)


def birth_info(text: str) -> tuple[datetime.date, Sex] | None:
    """Birth date and sex from a valid resident ID, else None (for prefilling the form)."""
    try:
        rid = validate_resident_id(text)
    except ValidationError:
        return None
    return rid.birth_date, rid.sex


# --- other identity documents -----------------------------------------------------------------

_ID_TYPE_RULES: dict[IdType, tuple[re.Pattern[str], str]] = {
    IdType.PASSPORT: (re.compile(r"[A-Z0-9]{5,17}"), "护照号码应为5至17位字母或数字。"),
    IdType.HK_MACAO: (
        re.compile(r"[HM](?:\d{8}|\d{10})"),
        "港澳居民来往内地通行证号码应为 H 或 M 开头，后接8位或10位数字。",
    ),
    IdType.TAIWAN: (
        re.compile(r"\d{8}|\d{10}"),
        "台湾居民来往大陆通行证号码应为8位或10位数字。",
    ),
    IdType.FOREIGN_PR: (
        re.compile(r"[A-Z0-9]{15}|[A-Z0-9]{18}"),
        "外国人永久居留身份证号码应为15位或18位字母或数字。",
    ),
}


def _id_type(id_type: IdType | str) -> IdType:
    if isinstance(id_type, IdType):
        return id_type
    for member in IdType:
        if id_type in (member.value, member.label):
            return member
    raise ValidationError(f"未知的证件类型“{id_type}”，请从列表中选择。", field="id_type")


def validate_id_number(id_type: IdType | str, text: str, field: str = "id_number") -> str:
    """Check an ID number of the given type; returns it normalized (half-width, uppercase)."""
    kind = _id_type(id_type)
    if kind is IdType.RESIDENT:
        return validate_resident_id(text, field).number
    if kind is IdType.OTHER:
        number = unicodedata.normalize("NFKC", text).strip().upper()
        if not number:
            raise ValidationError("请填写证件号码。", field=field)
        if len(number) > 40:
            raise ValidationError(f"证件号码最长40个字符，当前为{len(number)}个。", field=field)
        if any(ch.isspace() for ch in number):
            raise ValidationError("证件号码中间不能有空格，请删除空格。", field=field)
        return number
    number = _compact(text).upper()
    if not number:
        raise ValidationError("请填写证件号码。", field=field)
    pattern, message = _ID_TYPE_RULES[kind]
    if not pattern.fullmatch(number):
        raise ValidationError(f"{message}当前为“{number}”。", field=field)
    return number


# --- unified social credit code (GB 32100-2015) -------------------------------------------------

_CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_VALUES = {ch: i for i, ch in enumerate(_CREDIT_ALPHABET)}
_CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def credit_code_check_char(first17: str) -> str:
    """The GB 32100 check character for the first 17 characters."""
    if len(first17) != 17 or any(ch not in _CREDIT_VALUES for ch in first17):
        raise ValueError("first17 must be 17 characters of the GB 32100 alphabet")
    total = sum(_CREDIT_VALUES[ch] * w for ch, w in zip(first17, _CREDIT_WEIGHTS, strict=True))
    return _CREDIT_ALPHABET[(31 - total % 31) % 31]


def validate_credit_code(text: str, field: str = "credit_code") -> str:
    """Check an 18-character unified social credit code; returns it uppercase."""
    code = _compact(text).upper()
    if not code:
        raise ValidationError("请填写统一社会信用代码。", field=field)
    if len(code) != 18:
        raise ValidationError(f"统一社会信用代码应为18位，当前为{len(code)}位。", field=field)
    for pos, ch in enumerate(code, start=1):
        if ch not in _CREDIT_VALUES:
            hint = "（代码中不使用字母 I、O、Z、S、V）" if ch in "IOZSV" else ""
            raise ValidationError(
                f"统一社会信用代码第{pos}位“{ch}”无效{hint}，请核对。", field=field
            )
    expected = credit_code_check_char(code[:17])
    if code[17] != expected:
        raise ValidationError(
            f"统一社会信用代码校验位错误：最后一位应为 {expected}，请核对代码。", field=field
        )
    return code


def is_valid_credit_code(text: str) -> bool:
    return _passes(validate_credit_code, text)


# --- phone numbers --------------------------------------------------------------------------------

_PHONE_HELP = "请填写11位手机号（如 13800138000）或带区号的固定电话（如 0571-87654321）。"
_MOBILE = re.compile(r"(?:\+86|0086|86)?(1[3-9]\d{9})")
# Area codes 010 and 02x have three characters, all others four: this resolves "01087654321".
_LANDLINE = re.compile(r"(0[12]\d|0[3-9]\d{2})-?(\d{7,8})(?:-(\d{1,6}))?")
_SERVICE = re.compile(r"([48]00)-?(\d{3})-?(\d{4})")
_EXTENSION_MARKS = re.compile(r"转|分机|#|ext\.?|EXT\.?|x(?=\d+$)")


def validate_phone(text: str, field: str = "phone") -> str:
    """Mobile → 11 digits; landline → "0571-87654321[-123]"; 400/800 → "400-123-4567"."""
    raw = unicodedata.normalize("NFKC", text).strip()
    if not raw:
        raise ValidationError("请填写电话号码。", field=field)
    compact = re.sub(r"[\s()（）]", "", raw)
    mobile = _MOBILE.fullmatch(compact.replace("-", ""))
    if mobile:
        return mobile.group(1)
    landline_text = _EXTENSION_MARKS.sub("-", compact)
    if landline_text.startswith(("+86", "0086")):
        landline_text = "0" + landline_text.removeprefix("+86").removeprefix("0086").lstrip("-")
    landline = _LANDLINE.fullmatch(landline_text)
    if landline:
        area, local, ext = landline.groups()
        return f"{area}-{local}" + (f"-{ext}" if ext else "")
    service = _SERVICE.fullmatch(compact)
    if service:
        return "-".join(service.groups())
    raise ValidationError(f"电话号码“{raw}”格式不正确：{_PHONE_HELP}", field=field)


def is_mobile(normalized: str) -> bool:
    """Whether a number returned by ``validate_phone`` is a mobile number."""
    return bool(re.fullmatch(r"1[3-9]\d{9}", normalized))


# --- person names ---------------------------------------------------------------------------------

MIDDLE_DOT = "\u00b7"
# Look-alikes people type for the middle dot in minority names (买买提·艾力).
_DOT_VARIANTS: dict[int, str] = {
    0x2022: MIDDLE_DOT,  # bullet
    0x30FB: MIDDLE_DOT,  # katakana middle dot
    0xFF0E: MIDDLE_DOT,  # full-width full stop
    0xFF65: MIDDLE_DOT,  # half-width katakana middle dot
    0x2027: MIDDLE_DOT,  # hyphenation point
    0x22C5: MIDDLE_DOT,  # dot operator
}
_HAN_RANGES = (
    (0x3400, 0x4DBF),  # extension A (䶮)
    (0x4E00, 0x9FFF),
    (0xF900, 0xFAFF),
    (0x20000, 0x323AF),  # extensions B–H (𠮷)
)
_LATIN_PUNCT = "-'."


def is_han(ch: str) -> bool:
    """Whether a single character is a CJK ideograph (BMP or not), or 〇."""
    cp = ord(ch)
    return ch == "〇" or any(lo <= cp <= hi for lo, hi in _HAN_RANGES)


def _is_latin_letter(ch: str) -> bool:
    return ch.isalpha() and unicodedata.name(ch, "").startswith("LATIN")


def validate_person_name(text: str, field: str = "name") -> str:
    """Chinese names (rare characters and · included) or Latin-letter foreign names."""
    name = unicodedata.normalize("NFC", text).translate(_DOT_VARIANTS)
    name = " ".join(name.split())
    if not name:
        raise ValidationError("请填写姓名。", field=field)
    has_han = any(is_han(ch) for ch in name)
    if has_han:
        # In a Chinese name a full stop or space is a mistyped middle dot or a stray space.
        name = name.replace(".", MIDDLE_DOT)
        if not any(_is_latin_letter(ch) for ch in name):
            name = name.replace(" ", "")
    if len(name) > 40:
        raise ValidationError(f"姓名最长40个字，当前为{len(name)}个。", field=field)
    for ch in name:
        if is_han(ch) or _is_latin_letter(ch) or ch in (" ", MIDDLE_DOT):
            continue
        if ch in _LATIN_PUNCT and not has_han:
            continue
        if ch.isdigit():
            raise ValidationError(f"姓名中不能有数字“{ch}”，请删除。", field=field)
        raise ValidationError(
            f"姓名中不能有符号“{ch}”。少数民族姓名请用间隔号“·”。", field=field
        )
    if name[0] in MIDDLE_DOT + _LATIN_PUNCT or name[-1] in MIDDLE_DOT + _LATIN_PUNCT:
        raise ValidationError("姓名不能以间隔号或符号开头或结尾。", field=field)
    if MIDDLE_DOT * 2 in name:
        raise ValidationError("姓名中不能有连续的间隔号“··”。", field=field)
    return name


__all__ = [
    "MIDDLE_DOT",
    "ResidentId",
    "birth_info",
    "credit_code_check_char",
    "is_han",
    "is_mobile",
    "is_valid_credit_code",
    "is_valid_resident_id",
    "resident_id_check_char",
    "validate_credit_code",
    "validate_id_number",
    "validate_person_name",
    "validate_phone",
    "validate_resident_id",
]


# --- lawyer's licence number (律师执业证号) ------------------------------------------------------

LAWYER_LICENCE_DIGITS = 17


def validate_lawyer_licence(text: str, field: str = "number") -> str:
    """A lawyer's licence number is 17 digits (full-width digits are accepted)."""
    number = unicodedata.normalize("NFKC", text).strip()
    if not number.isascii() or not number.isdigit():
        raise ValidationError("律师执业证号只能是数字。", field=field)
    if len(number) != LAWYER_LICENCE_DIGITS:
        raise ValidationError(
            f"律师执业证号应为{LAWYER_LICENCE_DIGITS}位数字，当前为{len(number)}位。", field=field)
    return number
