import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop.domain.errors import ValidationError
from desktop.domain.numbering import (
    DEFAULT_PATTERN,
    format_case_number,
    parse_case_number,
    validate_pattern,
)


def test_default_pattern() -> None:
    assert format_case_number(DEFAULT_PATTERN, year=2026, short="青", seq=1) == (
        "（2026）青人调字第0001号"
    )
    assert format_case_number(DEFAULT_PATTERN, year=2026, short="青山", seq=12345) == (
        "（2026）青山人调字第12345号"
    )


def test_other_patterns() -> None:
    pattern = "{short}调〔{year}〕{seq}号"
    assert format_case_number(pattern, year=2027, short="青", seq=7) == "青调〔2027〕7号"
    assert parse_case_number(pattern, "青调〔2027〕7号") == (2027, "青", 7)
    assert format_case_number("{year}-{seq:06d}", year=2026, short="x", seq=3) == "2026-000003"


def test_parse_default() -> None:
    assert parse_case_number(DEFAULT_PATTERN, "（2026）青人调字第0001号") == (2026, "青", 1)
    assert parse_case_number(DEFAULT_PATTERN, "（2026）青山人调字第0123号") == (2026, "青山", 123)
    # Half-width brackets and stray spaces, as typed in a search box.
    assert parse_case_number(DEFAULT_PATTERN, " (2026)青 人调字第0001号") == (2026, "青", 1)


@pytest.mark.parametrize(
    "text",
    ["", "（2026）青人调字第号", "（26）青人调字第0001号", "（2026）青人调字第0000号",
     "2026青人调字第0001号", "（2026）青人调字第0001号附"],
)
def test_parse_rejects(text: str) -> None:
    assert parse_case_number(DEFAULT_PATTERN, text) is None


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        ("", "请填写案件编号格式"),
        ("{short}人调字第{seq:04d}号", "必须包含 {year}"),
        ("（{year}）{short}人调字", "必须包含 {seq}"),
        ("（{year}）{name}第{seq}号", "字段 {name} 无效"),
        ("（{year}）{short!r}第{seq}号", "字段 {short!r} 无效"),
        ("（{}）第{seq}号", "字段 {} 无效"),
        ("（{year}）第{seq}号{", "花括号不成对"),
        ("（{year}）第{seq}号}", "花括号不成对"),
        ("{year}{year}第{seq}号", "只能出现一次"),
        ("{year}第{seq:x}号", "{seq:x} 无效"),
        ("{year:>6}第{seq}号", "不能带格式说明"),
    ],
)
def test_validate_pattern_rejects(pattern: str, message: str) -> None:
    with pytest.raises(ValidationError) as err:
        validate_pattern(pattern)
    assert message in err.value.message
    assert err.value.field == "number_pattern"


def test_validate_pattern_accepts() -> None:
    assert validate_pattern(f" {DEFAULT_PATTERN} ") == DEFAULT_PATTERN
    assert validate_pattern("{year}{seq}") == "{year}{seq}"
    assert validate_pattern("{year:d}-{seq:05d}") == "{year:d}-{seq:05d}"


def test_format_checks_pattern_and_seq() -> None:
    with pytest.raises(ValidationError):
        format_case_number("{short}{seq}", year=2026, short="青", seq=1)
    with pytest.raises(ValueError):
        format_case_number(DEFAULT_PATTERN, year=2026, short="青", seq=0)


@given(
    st.integers(1990, 2100),
    st.text(alphabet="青山街道社区东西南北镇", min_size=1, max_size=6),
    st.integers(1, 10**6),
)
def test_round_trip(year: int, short: str, seq: int) -> None:
    for pattern in (DEFAULT_PATTERN, "{short}调〔{year}〕{seq}号", "{year}-{short}-{seq:04d}"):
        number = format_case_number(pattern, year=year, short=short, seq=seq)
        assert parse_case_number(pattern, number) == (year, short, seq)
