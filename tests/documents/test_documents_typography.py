"""避头尾 on the laid-out lines, rare name characters, the missing-glyph warning."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from desktop.documents.fonts import missing_glyphs
from desktop.documents.layout import (
    NO_LINE_END,
    NO_LINE_START,
    CJKParagraph,
    PdfMeta,
    TextStyle,
    build_pdf,
    full_width_punctuation,
    string_width_of,
)
from tests.documents.conftest import flat, pdf_fonts, pdf_text

HAN = "调解协议书当事人申请被申请人委员会纠纷赔偿金额履行期限双方自愿达成如下𠮷堃赟昇䶮"
PUNCT = "，。、；：？！）》」』〉（《「『〈"
ASCII = "0123456789ab.,%"

text_st = st.text(alphabet=st.sampled_from(HAN + PUNCT + ASCII + HAN), min_size=1, max_size=160)


def _check(lines: list[str], width: float, size: float) -> None:
    for i, line in enumerate(lines):
        if i > 0 and line:
            assert line[0] not in NO_LINE_START, (i, lines)
        if i < len(lines) - 1 and line:
            assert line[-1] not in NO_LINE_END, (i, lines)


@settings(max_examples=150, deadline=None)
@given(text=text_st, width_chars=st.sampled_from([3, 5, 8, 13, 21, 34]))
def test_no_forbidden_punctuation_at_line_edges(text: str, width_chars: int) -> None:
    size = 12.0
    width = width_chars * size
    para = CJKParagraph(text, TextStyle(size=size, align="justify"))
    para.wrap(width, 10_000)
    lines = para.lines
    assert "".join(lines) == full_width_punctuation(text).replace("\n", "")
    _check(lines, width, size)
    # Lines stay within the width unless a run of punctuation left no legal break at all.
    for line in lines:
        if string_width_of(line, size) > width + 0.01:
            assert len(line) > 1


def test_comma_never_starts_a_line_at_exact_fit() -> None:
    # Ten characters fill the line exactly; the comma must not begin the next one.
    para = CJKParagraph("一二三四五六七八九十，十一", TextStyle(size=12))
    para.wrap(120, 1000)
    assert para.lines == ["一二三四五六七八九", "十，十一"]


def test_drawn_lines_are_the_laid_out_lines(tmp_path: Path) -> None:
    text = "双方当事人于2026年11月1日发生纠纷，经调解，自愿达成如下协议：（一）甲方向乙方支付人民币" * 3
    para = CJKParagraph(text, TextStyle(size=12))
    para.wrap(200, 1000)
    expected = list(para.lines)
    pdf = tmp_path / "p.pdf"
    pdf.write_bytes(build_pdf([CJKParagraph(text, TextStyle(size=12))], PdfMeta(title="t")))
    # Same width as in the document: read the PDF's lines back.
    para2 = CJKParagraph(text, TextStyle(size=12))
    from desktop.documents.layout import CONTENT_W

    para2.wrap(CONTENT_W, 1000)
    got = [line.strip() for line in pdf_text(pdf).splitlines() if line.strip()]
    assert got == para2.lines
    _check(expected, 200, 12)


def test_rare_name_characters_are_printed(rendered) -> None:  # type: ignore[no-untyped-def]
    text = flat(pdf_text(rendered("agreement", final=True)))
    for ch in "𠮷䶮堃赟昇":
        assert ch in text, ch


def test_missing_glyph_is_named() -> None:
    # U+F0000 (private use) and U+2B81D-like gaps: no shipped font has a glyph for U+F0000.
    assert missing_glyphs("张\U000F0000三𠮷䶮堃赟昇") == ["\U000F0000"]
    assert missing_glyphs("青山街道人民调解委员会，（2026）") == []


def test_case_with_an_unprintable_name_is_reported_and_still_renders(case_data, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from dataclasses import replace

    from desktop.documents.data import printable_text
    from desktop.documents.render import render

    odd = replace(case_data.parties[0], name="张\U000F0001")
    data = replace(case_data, parties=(odd, *case_data.parties[1:]))
    assert missing_glyphs(printable_text(data)) == ["\U000F0001"]
    assert missing_glyphs(printable_text(case_data)) == []
    path = tmp_path / "a.pdf"
    path.write_bytes(render("application", data))
    assert "申请人：张" in flat(pdf_text(path))


def test_ascii_punctuation_between_chinese_becomes_full_width() -> None:
    assert full_width_punctuation("甲方,乙方;丙方:是否同意?同意!") == "甲方，乙方；丙方：是否同意？同意！"
    assert full_width_punctuation("支付(第1期)费用,完毕.") == "支付（第1期）费用，完毕。"
    # Numbers, times, IDs and Latin text keep their marks.
    for keep in ("金额12,000.50元", "9:30开始", "ID 110101199001011234.", "Mr. Smith"):
        assert full_width_punctuation(keep) == keep


def test_one_character_from_every_cjk_block_prints_and_reads_back(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """URO, Ext. A–I and both compatibility blocks: embedded glyph or, for the ones no font
    has (Ext. I today), the real character in the text layer and a named warning."""
    from desktop.documents.fonts import BODY, face_for, glyph_check
    from desktop.documents.sample import CJK_SAMPLES

    line = "".join(f"{name}：{ch}；" for name, ch in CJK_SAMPLES.items())
    path = tmp_path / "blocks.pdf"
    path.write_bytes(build_pdf([CJKParagraph(line)], PdfMeta(title="blocks")))
    text = flat(pdf_text(path))
    for name, ch in CJK_SAMPLES.items():
        assert f"{name.replace(' ', '')}：{ch}；" in text, name  # the text layer keeps it
    printed = [name for name, ch in CJK_SAMPLES.items() if face_for(ch, BODY) is not None]
    # Everything through Ext. H has a glyph; 陈𰻞 (U+30EDE, Ext. G) among them.
    assert set(printed) >= set(CJK_SAMPLES) - {"Ext. I"}, printed
    assert face_for("\U00030ede", BODY) is not None
    check = glyph_check(line)
    assert set(check.missing) <= {CJK_SAMPLES["Ext. I"]}
    if check.missing:
        assert "U+2EBF0" in check.message and "扩展I区" in check.message
    for row in pdf_fonts(path):
        assert row[-5] == "yes", row  # every face embedded


def test_final_with_an_unprintable_character_needs_confirmation(case_data, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from dataclasses import replace

    import pytest

    from desktop.documents.data import RenderOptions
    from desktop.documents.render import render
    from desktop.domain.errors import ValidationError

    odd = replace(case_data.parties[0], name="陈\U0002ebf0")
    data = replace(case_data, parties=(odd, *case_data.parties[1:]))
    with pytest.raises(ValidationError, match="U\\+2EBF0") as err:
        render("application", data, RenderOptions(final=True))
    assert err.value.field == "glyphs"
    path = tmp_path / "a.pdf"
    path.write_bytes(render("application", data, RenderOptions(final=True,
                                                                glyphs_confirmed=True)))
    # The box is printed, and search and copy still find the name.
    assert "申请人：陈\U0002ebf0" in flat(pdf_text(path))


def test_ext_g_name_prints_with_an_embedded_glyph(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "g.pdf"
    path.write_bytes(build_pdf([CJKParagraph("申请人陈\U00030ede")], PdfMeta(title="g")))
    assert "申请人陈\U00030ede" in flat(pdf_text(path))
    assert any("BabelStoneHan" in row[0] for row in pdf_fonts(path))
