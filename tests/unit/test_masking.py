import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop.domain.masking import mask_address, mask_id_number, mask_name, mask_phone


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("110101199003071234", "110101********1234"),
        ("11010519491231002X", "110105********002X"),
        (" 110101 19900307 1234 ", "110101********1234"),
        ("E12345678", "E1*****78"),
        ("H1234567890", "H1*******90"),
        ("ABCD", "A***"),
        ("AB", "A*"),
        ("A", "*"),
        ("", ""),
    ],
)
def test_mask_id_number(text: str, expected: str) -> None:
    assert mask_id_number(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("13812345678", "138****5678"),
        ("+86 138 1234 5678", "138****5678"),
        ("0571-87654321", "0571-****4321"),
        ("057187654321", "0571-****4321"),
        ("010-87654321", "010-****4321"),
        ("0755-1234567", "0755-***4567"),
        ("0571-87654321-8001", "0571-****4321"),  # the extension is dropped
        ("400-820-8820", "400-***-8820"),
        ("1234567", "123**67"),  # legacy, unvalidated data still masks
        ("12345", "1****"),  # too short to keep both ends
        ("", ""),
        ("   ", ""),
    ],
)
def test_mask_phone(text: str, expected: str) -> None:
    assert mask_phone(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("浙江省杭州市西湖区文三路100号", "浙江省杭州市西湖区****"),
        ("北京市朝阳区建国路88号院3号楼", "北京市朝阳区****"),
        ("杭州市西湖区文三路", "杭州市西湖区****"),
        ("江苏省苏州市昆山市玉山镇人民路1号", "江苏省苏州市昆山市****"),
        ("浙江省余杭县塘栖镇水北街", "浙江省余杭县****"),
        ("上海市浦东新区张江镇科苑路", "上海市浦东新区****"),
        ("青山街道幸福小区3栋2单元", "青山街道****"),
        ("广西壮族自治区南宁市青秀区民族大道1号", "广西壮族自治区南宁市****"),
        ("新疆维吾尔自治区乌鲁木齐市天山区", "新疆维吾尔自治区****"),
        ("幸福路18号", "幸福路****"),
        ("西湖区", "西湖区"),
        ("", ""),
    ],
)
def test_mask_address(text: str, expected: str) -> None:
    assert mask_address(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("张三", "张*"),
        ("张三丰", "张**"),
        ("欧阳娜娜", "欧阳**"),
        ("欧阳锋", "欧阳*"),
        ("欧阳", "欧*"),  # a two-character name keeps only its first character
        ("张", "*"),
        ("\U00020bb7大明", "\U00020bb7**"),
        ("刘䶮", "刘*"),
        ("买买提·艾力", "买**·**"),
        ("John Smith", "J*** *****"),
        ("", ""),
    ],
)
def test_mask_name(text: str, expected: str) -> None:
    assert mask_name(text) == expected


@given(st.text(max_size=60))
def test_masking_never_raises_and_hides_something(text: str) -> None:
    for mask in (mask_id_number, mask_phone, mask_address, mask_name):
        masked = mask(text)
        assert isinstance(masked, str)
    if len("".join(text.split())) >= 2:
        assert "*" in mask_id_number(text)
    if sum(ch.isalnum() for ch in text.strip()[1:]):
        assert "*" in mask_name(text)
