import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop.domain.enums import IdType, Sex
from desktop.domain.errors import ValidationError
from desktop.domain.validators import (
    ResidentId,
    birth_info,
    credit_code_check_char,
    is_valid_credit_code,
    is_valid_resident_id,
    resident_id_check_char,
    validate_credit_code,
    validate_id_number,
    validate_person_name,
    validate_phone,
    validate_resident_id,
)

ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]


def id_check(first17: str) -> str:
    """Independent restatement of GB 11643: sum(a_i * W_i) mod 11 indexes "10X98765432"."""
    return "10X98765432"[sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS)) % 11]


def uscc_check(first17: str) -> str:
    """Independent restatement of GB 32100: C18 = 31 - (sum mod 31), 31 → 0."""
    s = sum(USCC_ALPHABET.index(c) * w for c, w in zip(first17, USCC_WEIGHTS))
    c18 = 31 - s % 31
    return USCC_ALPHABET[0 if c18 == 31 else c18]


# --- resident ID -------------------------------------------------------------------------------


def test_standard_example_from_gb11643() -> None:
    rid = validate_resident_id("11010519491231002X")
    assert rid == ResidentId(
        number="11010519491231002X",
        birth_date=datetime.date(1949, 12, 31),
        sex=Sex.FEMALE,
        region_code="110105",
    )


def test_second_literal_example() -> None:
    # The other example printed in GB 11643-1999 (Shantou, 1880 is outside our range, so the
    # commonly cited 440524188001010014 is rejected for its date, not its checksum).
    assert resident_id_check_char("44052418800101001") == "4"
    with pytest.raises(ValidationError, match="早于1900年"):
        validate_resident_id("440524188001010014")
    assert validate_resident_id("110101199003074477").sex is Sex.MALE  # check digit 7


def test_check_char_matches_independent_formula() -> None:
    for first17 in ["11010519491231002", "11010119900307447", "32010219851111000",
                    "00000000000000000", "99999999999999999"]:
        assert resident_id_check_char(first17) == id_check(first17)
    with pytest.raises(ValueError):
        resident_id_check_char("1234")


def test_normalizes_spaces_lowercase_x_and_full_width() -> None:
    assert validate_resident_id(" 110105 19491231 002x ").number == "11010519491231002X"
    assert validate_resident_id("１１０１０５１９４９１２３１００２Ｘ").number == "11010519491231002X"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "请填写身份证号码"),
        ("11010519491231002", "身份证号码应为18位，当前为17位。"),
        ("110105194912310021X", "当前为19位"),
        ("1101051949123100AX", "第17位“A”无效"),
        ("11010519491231002Y", "最后一位“Y”无效"),
        ("110105194913310020", "出生日期 19491331 无效"),
        ("110105202613400020", "出生日期 20261340 无效"),
        ("110105190002290020", "出生日期 19000229 无效"),  # 1900 was not a leap year
        ("110105189912310020", "早于1900年"),
        ("110105203001010020", "晚于今天"),
        ("110105194912310021", "校验位错误：最后一位应为 X，请核对号码。"),
    ],
)
def test_rejections_say_what_to_fix(text: str, message: str) -> None:
    with pytest.raises(ValidationError) as err:
        validate_resident_id(text)
    assert message in err.value.message
    assert err.value.field == "id_number"
    assert not is_valid_resident_id(text)


def test_future_birth_date_relative_to_today() -> None:
    first17 = "11010520261128001"
    number = first17 + id_check(first17)
    with pytest.raises(ValidationError, match="晚于今天"):
        validate_resident_id(number, today=datetime.date(2026, 11, 27))
    assert validate_resident_id(number, today=datetime.date(2026, 11, 28)).number == number


def test_field_name_is_passed_through() -> None:
    with pytest.raises(ValidationError) as err:
        validate_resident_id("123", field="agent_id_number")
    assert err.value.field == "agent_id_number"
    assert err.value.errors == {"agent_id_number": err.value.message}


def test_birth_info() -> None:
    assert birth_info("11010519491231002X") == (datetime.date(1949, 12, 31), Sex.FEMALE)
    assert birth_info("110105194912310021") is None
    assert birth_info("") is None


@st.composite
def resident_ids(draw: st.DrawFn) -> tuple[str, datetime.date, Sex]:
    region = draw(st.from_regex(r"[0-9]{6}", fullmatch=True))
    birth = draw(st.dates(datetime.date(1900, 1, 1), datetime.date(2025, 12, 31)))
    seq = draw(st.integers(0, 999))
    first17 = f"{region}{birth:%Y%m%d}{seq:03d}"
    sex = Sex.MALE if seq % 2 else Sex.FEMALE
    return first17 + id_check(first17), birth, sex


@given(resident_ids())
def test_generated_ids_are_accepted(case: tuple[str, datetime.date, Sex]) -> None:
    number, birth, sex = case
    rid = validate_resident_id(number)
    assert (rid.number, rid.birth_date, rid.sex, rid.region_code) == (
        number, birth, sex, number[:6]
    )
    assert validate_id_number(IdType.RESIDENT, number.lower()) == number


@settings(max_examples=50)
@given(resident_ids())
def test_every_single_character_change_is_rejected(case: tuple[str, datetime.date, Sex]) -> None:
    number = case[0]
    for pos in range(18):
        for ch in "0123456789X":
            if ch == number[pos]:
                continue
            changed = number[:pos] + ch + number[pos + 1:]
            assert not is_valid_resident_id(changed), changed


# --- other ID types ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("id_type", "text", "expected"),
    [
        (IdType.PASSPORT, "e1234 5678", "E12345678"),
        ("passport", "G12345", "G12345"),
        (IdType.HK_MACAO, "h12345678", "H12345678"),
        (IdType.HK_MACAO, "M1234567890", "M1234567890"),
        (IdType.TAIWAN, "12345678", "12345678"),
        ("台湾居民来往大陆通行证", "1234567890", "1234567890"),
        (IdType.FOREIGN_PR, "usa123456789012", "USA123456789012"),
        (IdType.FOREIGN_PR, "911234567890123456", "911234567890123456"),
        (IdType.OTHER, " 军官证-12号 ", "军官证-12号"),
        (IdType.RESIDENT, "11010519491231002x", "11010519491231002X"),
    ],
)
def test_other_id_types_accepted(id_type: IdType | str, text: str, expected: str) -> None:
    assert validate_id_number(id_type, text) == expected


@pytest.mark.parametrize(
    ("id_type", "text", "message"),
    [
        (IdType.PASSPORT, "E123", "5至17位"),
        (IdType.PASSPORT, "E1234567-8", "5至17位"),
        (IdType.HK_MACAO, "C12345678", "H 或 M 开头"),
        (IdType.HK_MACAO, "H123456789", "8位或10位"),
        (IdType.TAIWAN, "123456789", "8位或10位"),
        (IdType.FOREIGN_PR, "ABC12345678901", "15位或18位"),
        (IdType.OTHER, "A 1", "不能有空格"),
        (IdType.OTHER, "A" * 41, "最长40"),
        (IdType.OTHER, "  ", "请填写证件号码"),
        (IdType.RESIDENT, "11010519491231002", "应为18位"),
    ],
)
def test_other_id_types_rejected(id_type: IdType, text: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        validate_id_number(id_type, text)


def test_unknown_id_type() -> None:
    with pytest.raises(ValidationError) as err:
        validate_id_number("驾驶证", "123")
    assert err.value.field == "id_type"


# --- unified social credit code ------------------------------------------------------------------


def test_credit_code_literal_examples() -> None:
    # 91 = 工商 / 企业, 110000 = Beijing, then a 9-character organisation code.
    assert credit_code_check_char("91110000100000001") == uscc_check("91110000100000001")
    computed = "91110000100000001" + uscc_check("91110000100000001")
    assert computed == "91110000100000001W"  # sum 96, 96 % 31 = 3, 31 - 3 = 28 → W
    assert validate_credit_code(computed) == computed
    # Widely cited sample code; by hand: weighted sum 1640, 1640 % 31 = 28, 31 - 28 = 3.
    assert validate_credit_code("91350100M000100Y43") == "91350100M000100Y43"
    assert validate_credit_code(" 91350100m000100y43 ") == "91350100M000100Y43"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "请填写统一社会信用代码"),
        ("91350100M000100Y4", "应为18位，当前为17位"),
        ("91350100O000100Y43", "第9位“O”无效（代码中不使用字母 I、O、Z、S、V）"),
        ("9135010IM000100Y43", "第8位“I”无效"),
        ("91350100M000100Y4Z", "第18位“Z”无效"),
        ("91350100M000100Y44", "校验位错误：最后一位应为 3"),
        ("9135010-M000100Y43", "第8位“-”无效，请核对"),
    ],
)
def test_credit_code_rejections(text: str, message: str) -> None:
    with pytest.raises(ValidationError) as err:
        validate_credit_code(text)
    assert message in err.value.message
    assert err.value.field == "credit_code"


uscc_first17 = st.text(alphabet=USCC_ALPHABET, min_size=17, max_size=17)


@given(uscc_first17)
def test_generated_credit_codes_are_accepted(first17: str) -> None:
    assert credit_code_check_char(first17) == uscc_check(first17)
    assert validate_credit_code(first17 + uscc_check(first17)) == first17 + uscc_check(first17)


@settings(max_examples=30)
@given(uscc_first17)
def test_every_single_character_change_of_credit_code_is_rejected(first17: str) -> None:
    code = first17 + uscc_check(first17)
    for pos in range(18):
        for ch in USCC_ALPHABET:
            if ch != code[pos]:
                assert not is_valid_credit_code(code[:pos] + ch + code[pos + 1:])


# --- phones -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("13800138000", "13800138000"),
        ("138 0013 8000", "13800138000"),
        ("138-0013-8000", "13800138000"),
        ("+86 138 0013 8000", "13800138000"),
        ("+86-19912345678", "19912345678"),
        ("８６１３８００１３８０００", "13800138000"),
        ("0571-87654321", "0571-87654321"),
        ("057187654321", "0571-87654321"),
        ("01087654321", "010-87654321"),
        ("(010) 8765 4321", "010-87654321"),
        ("0755-1234567", "0755-1234567"),
        ("0571-87654321-123", "0571-87654321-123"),
        ("0571-87654321转8001", "0571-87654321-8001"),
        ("+86 571 87654321", "0571-87654321"),
        ("400-820-8820", "400-820-8820"),
        ("8008208820", "800-820-8820"),
    ],
)
def test_phones_accepted(text: str, expected: str) -> None:
    assert validate_phone(text) == expected


@pytest.mark.parametrize(
    "text",
    ["12800138000", "1380013800", "138001380001", "87654321", "0571-876543", "0101-2345678",
     "abc", "0571-87654321-1234567", "300-820-8820"],
)
def test_phones_rejected_with_both_forms(text: str) -> None:
    with pytest.raises(ValidationError) as err:
        validate_phone(text)
    assert "13800138000" in err.value.message and "0571-87654321" in err.value.message
    assert err.value.field == "phone"


def test_empty_phone() -> None:
    with pytest.raises(ValidationError, match="请填写电话号码"):
        validate_phone("  ")


# --- names --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("张三", "张三"),
        (" 欧阳娜娜 ", "欧阳娜娜"),
        ("张 三", "张三"),
        ("\U00020bb7大明", "\U00020bb7大明"),  # 𠮷, outside the BMP
        ("刘䶮", "刘䶮"),
        ("王堃", "王堃"),
        ("买买提·艾力", "买买提·艾力"),
        ("买买提•艾力", "买买提·艾力"),
        ("买买提・艾力", "买买提·艾力"),
        ("买买提．艾力", "买买提·艾力"),
        ("买买提.艾力", "买买提·艾力"),
        ("John  Smith", "John Smith"),
        ("Seán O'Brien", "Seán O'Brien"),
        ("Jean-Pierre Dupont", "Jean-Pierre Dupont"),
        ("乐", "乐"),
    ],
)
def test_names_accepted(text: str, expected: str) -> None:
    assert validate_person_name(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "请填写姓名"),
        ("张三3", "不能有数字“3”"),
        ("张三@", "不能有符号“@”"),
        ("张三（小名）", "不能有符号“（”"),
        ("·艾力", "开头或结尾"),
        ("买买提··艾力", "连续的间隔号"),
        ("张" * 41, "最长40个字，当前为41个"),
        ("张'三", "不能有符号"),
    ],
)
def test_names_rejected(text: str, message: str) -> None:
    with pytest.raises(ValidationError) as err:
        validate_person_name(text, field="agent_name")
    assert message in err.value.message
    assert err.value.field == "agent_name"


def test_name_length_counts_code_points() -> None:
    assert validate_person_name("\U00020bb7" * 40) == "\U00020bb7" * 40
