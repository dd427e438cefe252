import pytest

from desktop.domain.search import name_initials, name_pinyin, normalize_query


@pytest.mark.parametrize(
    ("text", "initials", "pinyin"),
    [
        ("张三丰", "zsf", "zhangsanfeng"),
        ("欧阳娜娜", "oynn", "ouyangnana"),
        ("王堃", "wk", "wangkun"),
        ("刘䶮", "ly", "liuyan"),
        ("买买提·艾力", "mmtal", "maimaitiaili"),
        ("张A", "za", "zhanga"),
        ("John Smith", "johnsmith", "johnsmith"),
        ("李４", "l4", "li4"),
        ("\U00020bb7大明", "jdm", "jidaming"),  # 𠮷: pypinyin has none, RARE_READINGS has
        ("王\U00020bb7祥", "wjx", "wangjixiang"),
        # a character nobody has a reading for ends the keys: "wx" would be a wrong prefix
        ("王\U0002a6d6祥", "w", "wang"),
        ("\U0002a6d6大明", "", ""),
        ("", "", ""),
    ],
)
def test_keys(text: str, initials: str, pinyin: str) -> None:
    assert name_initials(text) == initials
    assert name_pinyin(text) == pinyin


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("  ＺＨＡＮＧ　三  ", "zhang 三"),
        ("ＺＳＦ", "zsf"),
        ("（２０２６）", "(2026)"),
        ("Zhang   San", "zhang san"),
        ("", ""),
    ],
)
def test_normalize_query(text: str, expected: str) -> None:
    assert normalize_query(text) == expected


def test_each_character_is_converted_once_for_the_demo_generator() -> None:
    """The demo generator and the party index convert hundreds of thousands of names; pypinyin
    costs about a millisecond a call, so it must be asked once per distinct character, not
    once per name (checked by counting, not by the clock: a loaded machine is slow either way)."""
    from desktop.domain import search

    surnames = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜"
    given_chars = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英"
    names = [s + a + b for s in surnames for a in given_chars for b in given_chars[:8]]
    names = (names * (200_000 // len(names) + 1))[:200_000]
    before = search._syllable_or_none.cache_info().misses
    for name in names:
        name_initials(name)
        name_pinyin(name)
    after = search._syllable_or_none.cache_info().misses
    assert after - before <= len(set(surnames + given_chars))
    assert name_pinyin(names[-1]) and len(name_initials(names[-1])) == 3
