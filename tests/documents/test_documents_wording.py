"""Wording and layout a court clerk would check, read back from the PDFs."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
from pypdf import PdfReader

from desktop.documents.data import Obligation, ObligationKind, RenderOptions
from desktop.documents.layout import CJKParagraph, PdfMeta, TextStyle, build_pdf
from desktop.documents.render import render
from desktop.documents.sample import many_party_case
from desktop.domain.enums import DocumentForm
from tests.documents.conftest import flat, pdf_pages, pdf_text

D = dt.date(2026, 12, 10)


@pytest.fixture(scope="module")
def twelve(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    data = many_party_case()
    root = tmp_path_factory.mktemp("twelve")
    out = {}
    for form in ("agreement", "registration", "application", "record"):
        out[form] = root / f"{form}.pdf"
        out[form].write_bytes(render(form, data, RenderOptions(final=True)))
    return out


@pytest.mark.parametrize(("ob", "expected"), [
    (Obligation("李小龙", "王𠮷", "支付赔偿款", Decimal(8000), "银行转账", D),
     "李小龙于2026年12月10日前向王𠮷支付赔偿款人民币捌仟元整（¥8,000.00），以银行转账方式支付。"),
    (Obligation("李小龙", "", "十日内修复卫生间防水层"), "李小龙于十日内修复卫生间防水层。"),
    (Obligation("李小龙", "王𠮷", "不得再在楼道堆放杂物"), "李小龙不得再在楼道堆放杂物。"),
    (Obligation("李小龙", "王𠮷", "返还电动车一辆", deadline=D),
     "李小龙于2026年12月10日前将电动车一辆返还给王𠮷。"),
    (Obligation("李小龙", "", "清理通道", deadline=D, kind=ObligationKind.ACT),
     "李小龙于2026年12月10日前清理通道。"),
    (Obligation("李小龙", "", "支付赔偿款", Decimal(500)),
     "李小龙支付赔偿款人民币伍佰元整（¥500.00）。"),
])
def test_obligation_reads_as_a_lawyer_writes_it(case_data, tmp_path, ob, expected) -> None:  # type: ignore[no-untyped-def]
    ag = replace(case_data.agreement, obligations=(ob,), other_terms="")
    path = tmp_path / "a.pdf"
    path.write_bytes(render(DocumentForm.AGREEMENT, replace(case_data, agreement=ag)))
    text = flat(pdf_text(path), footers=False)
    assert "（一）" + expected in text
    assert "向十日内" not in text and "向王𠮷清理" not in text


def test_agreement_gives_age_at_the_agreement_date(case_data, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "a.pdf"
    path.write_bytes(render(DocumentForm.AGREEMENT, case_data))
    text = flat(pdf_text(path), footers=False)
    # Born 1978-03-15, agreement 2026-11-20: 48; 1985-09-02: 41.
    assert "申请人：𠮷堃，男，48岁，汉族，职业：个体经营" in text
    assert "被申请人：王赟，女，41岁，汉族，职业：教师" in text
    assert "出生" not in text.split("纠纷主要事实")[0]


def test_registration_lists_ethnicity_and_occupation(twelve) -> None:  # type: ignore[no-untyped-def]
    text = pdf_text(twelve["registration"], "-layout")
    assert "民族" in text and "职业" in text
    assert "维吾尔族" in flat(text) and "出租车司机" in flat(text)


def test_names_never_split_in_table_cells(twelve) -> None:  # type: ignore[no-untyped-def]
    data = many_party_case()
    for form in ("registration", "agreement"):
        lines = pdf_text(twelve[form], "-layout").splitlines()
        for p in data.parties:
            for part in p.name.split("·"):  # a minority name may wrap after its "·"
                if len(p.name) <= 8:
                    assert any(part in line for line in lines), (form, part)


def _spaced_runs(path: Path) -> list[str]:
    """Text shown with a character spacing (Tc) while two ASCII letters/digits touch."""
    bad: list[str] = []
    state = {"tc": 0.0}

    def before(op, args, cm, tm) -> None:  # type: ignore[no-untyped-def]
        if op == b"Tc":
            state["tc"] = float(args[0])

    def seen(text, cm, tm, font, size) -> None:  # type: ignore[no-untyped-def]
        if state["tc"] > 0.01 and any(a.isascii() and b.isascii() and a.isalnum()
                                      and b.isalnum() for a, b in itertools.pairwise(text)):
            bad.append(text)

    for page in PdfReader(path).pages:
        page.extract_text(visitor_operand_before=before, visitor_text=seen)
    return bad


def test_justified_lines_do_not_space_digits_apart(tmp_path) -> None:  # type: ignore[no-untyped-def]
    text = ("申请人褚十一于1958年3月5日出生，住青山市青山区幸福里小区3栋2单元501室，联系电话"
            "13800138000，双方约定以银行转账方式支付赔偿款人民币捌仟元整（¥8,000.00），") * 4
    path = tmp_path / "j.pdf"
    path.write_bytes(build_pdf([CJKParagraph(text, TextStyle(size=14, leading=24,
                                                              align="justify"))],
                               PdfMeta(title="t")))
    assert "Tc" in "".join(p.get_contents().get_data().decode("latin-1")
                           for p in PdfReader(path).pages)  # lines are justified…
    assert _spaced_runs(path) == []  # …but never inside a number


def test_no_break_inside_words_numbers_and_names() -> None:
    from desktop.documents.layout import keep_words

    text = ("申请人褚十一，联系电话13800138000，于2026年12月10日前以银行转账方式支付人民币捌仟元整。"
            * 6)
    with keep_words(["褚十一"]):
        for width_chars in range(9, 31):
            p = CJKParagraph(text, TextStyle(size=12))
            p.wrap(width_chars * 12, 10_000)
            for a, b in zip(p.lines, p.lines[1:]):
                joint = a[-4:] + "|" + b[:4]
                for word in ("褚十一", "联系电话", "13800138000", "2026年12月10日", "转账",
                             "捌仟元整"):
                    for cut in range(1, len(word)):
                        assert word[:cut] + "|" + word[cut:] not in joint, (width_chars, joint)


def _page_texts(path: Path) -> list[list[str]]:
    pages = pdf_text(path).split("\f")
    return [[ln for ln in pg.splitlines() if ln.strip() and not ln.strip().startswith("第 ")]
            for pg in pages if pg.strip()]


def test_a_page_never_starts_with_a_lone_line(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from desktop.documents.layout import Spacer

    style = TextStyle(size=12, leading=20)
    para = "甲" * 35 * 5 + "行。"  # six lines at 35 characters a line
    frame = 841.89 - 2 * 26 * 2.834645669 - 2 * 2.834645669
    for lines_free in range(1, 7):
        gap = frame - lines_free * 20 - 2
        path = tmp_path / f"w{lines_free}.pdf"
        path.write_bytes(build_pdf([Spacer(gap), CJKParagraph(para, style)],
                                   PdfMeta(title="t")))
        pages = _page_texts(path)
        for page in pages:
            assert len(page) != 1, (lines_free, pages)  # no widow, no orphan


def test_signatures_never_stand_alone_on_a_page(case_data, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Whatever the length of the facts, the page where the signatures start carries the
    closing clause, and the mediators and seal share a page with parties' signature rows."""
    base = case_data.agreement
    for extra in range(0, 26, 2):
        ag = replace(base, facts=base.facts + "双方多次协商未果。" * extra * 2)
        path = tmp_path / f"a{extra}.pdf"
        path.write_bytes(render(DocumentForm.AGREEMENT, replace(case_data, agreement=ag)))
        pages = [flat("\n".join(p)) for p in _page_texts(path)]
        first_sig = next(i for i, p in enumerate(pages) if "捺印" in p)
        assert "本协议一式" in pages[first_sig], (extra, pages[first_sig][:80])
        last = pages[-1]
        assert "人民调解员（签名）" in last
        assert "捺印" in last, (extra, last)


def test_split_signature_table_repeats_its_labels(twelve) -> None:  # type: ignore[no-untyped-def]
    pages = [flat("\n".join(p)) for p in _page_texts(twelve["agreement"])]
    sig_pages = [p for p in pages if "捺印" in p]
    assert len(sig_pages) >= 2
    for p in sig_pages:  # the header row repeats on every page of the table
        assert p.count("签名（盖章）") >= 1 and "日期" in p, p[-200:]
    assert pdf_pages(twelve["agreement"]) == len(pages)
