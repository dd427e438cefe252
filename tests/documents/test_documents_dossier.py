"""The dossier: cover, 卷内目录 whose page numbers point at the right pages, scans included."""

from __future__ import annotations

from desktop.documents.data import RenderOptions
from desktop.documents.render import render
from tests.documents.conftest import flat, pdf_fonts, pdf_pages, pdf_text


def test_dossier_contents_and_page_numbers(rendered, case_data, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = rendered("dossier", final=True)
    pages = pdf_pages(path)
    cover = flat(pdf_text(path, "-f", "1", "-l", "1"))
    for s in ["人民调解卷宗", "卷名", "卷号", "（2026）青人调字第0001号", "人民调解员", "陈明、刘芳",
              "调解日期", "自2026年11月19日至2026年11月20日", "立卷人", "刘芳", "立卷日期",
              "2026年12月31日", "保管期限", "长期", "备注"]:
        assert s in cover, s
    toc = pdf_text(path, "-f", "2", "-l", "2")
    assert "卷内目录" in toc
    # Every listed document starts on the page the 目录 says (numbered after cover + 目录).
    expected_titles = {
        "人民调解申请书、受理登记表": "人民调解申请书",
        "当事人权利义务告知书": "当事人权利义务告知书", "当事人身份证明": "身份证明",
        "人民调解调查记录": "人民调解调查记录", "证据材料": "证据材料", "人民调解记录": "人民调解记录",
        "人民调解协议书": "人民调解协议书", "人民调解回访记录": "人民调解回访记录",
        "司法确认材料": "司法确认申请书", "备考表（封底）": "备考表",
    }
    lines = [line.split() for line in pdf_text(path, "-f", "2", "-l", "2", "-layout").splitlines()]
    starts = {}
    for parts in lines:
        if len(parts) >= 3 and parts[0].isdigit() and parts[2].isdigit():
            starts[parts[1]] = int(parts[2])
    assert set(expected_titles) <= set(starts), starts
    order = [starts[t] for t in expected_titles]
    assert order == sorted(order)
    for title, marker in expected_titles.items():
        page = starts[title] + 2
        text = flat(pdf_text(path, "-f", str(page), "-l", str(page)))
        assert marker in text, (title, page)
        # The archive page number is stamped top right, above everything else.
        first = pdf_text(path, "-f", str(page), "-l", str(page), "-layout").strip().splitlines()[0]
        assert first.split()[-1] == str(starts[title]), (title, first)
    assert "授权委托书" in toc  # listed even when there is none (no page number)
    assert pages == starts["备考表（封底）"] + 2
    for row in pdf_fonts(path):
        assert row[-5] == "yes", row
    assert "草稿" not in flat(pdf_text(path))


def test_dossier_draft_is_watermarked_and_missing_items_flagged(case_data, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from dataclasses import replace

    data = replace(case_data, sessions=(), attachments=())
    path = tmp_path / "d.pdf"
    path.write_bytes(render("dossier", data, RenderOptions(final=False)))
    text = pdf_text(path)
    assert "草稿" in flat(text)
    toc = pdf_text(path, "-f", "2", "-l", "2", "-layout")
    missing = [line for line in toc.splitlines() if "缺" in line]
    assert any("人民调解记录" in line for line in missing)
    assert any("当事人身份证明" in line for line in missing)


def test_attached_pdf_is_merged_in_its_place(case_data, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from dataclasses import replace

    from desktop.documents.data import AttachmentFile
    from desktop.documents.layout import CJKParagraph, PdfMeta, build_pdf
    from desktop.domain.enums import AttachmentCategory

    scan = build_pdf([CJKParagraph("授权委托书原件：委托人王赟委托李昇代为参加调解。")],
                     PdfMeta(title="scan"))
    att = AttachmentFile("授权委托书", AttachmentCategory.POWER_OF_ATTORNEY, "application/pdf",
                         scan)
    data = replace(case_data, attachments=(*case_data.attachments, att))
    path = tmp_path / "d.pdf"
    path.write_bytes(render("dossier", data, RenderOptions(final=True)))
    toc = pdf_text(path, "-f", "2", "-l", "2", "-layout")
    row = next(line.split() for line in toc.splitlines() if "授权委托书" in line)
    page = int(row[2]) + 2
    assert "委托人王赟委托李昇代为参加调解" in flat(pdf_text(path, "-f", str(page), "-l", str(page)))
    # The archive page number is stamped over the attached page too.
    first = pdf_text(path, "-f", str(page), "-l", str(page), "-layout").strip().splitlines()[0]
    assert first.split()[-1] == row[2], first


# The 目录's rows, in DOMAIN.md's order: one row per item of the Ministry's list.
TOC_ROWS = ["申请书", "当事人权利义务告知书", "当事人身份证明", "授权委托书", "人民调解调查记录",
            "证据材料", "人民调解记录", "协议书", "履行凭证", "人民调解回访记录", "司法确认材料",
            "卷宗情况说明", "备考表（封底）"]


def _toc_rows(path) -> list[list[str]]:  # type: ignore[no-untyped-def]
    toc = pdf_text(path, "-f", "2", "-l", "2", "-layout")
    return [line.split() for line in toc.splitlines()
            if line.split() and line.split()[0].isdigit()]


def test_toc_has_one_row_per_item_in_the_ministrys_order(rendered) -> None:  # type: ignore[no-untyped-def]
    rows = _toc_rows(rendered("dossier", final=True))
    assert [int(r[0]) for r in rows] == list(range(1, 14))
    for row, expected in zip(rows, TOC_ROWS):
        assert expected in row[1], (row, expected)
    # 申请书 and 受理登记表 share row 1 (the old 目录 gave them two rows).
    assert "受理登记表" in rows[0][1]
    assert sum("受理登记表" in r[1] for r in rows) == 1


def test_back_cover_agrees_with_the_toc(case_data, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from dataclasses import replace

    data = replace(case_data, attachments=())  # no identity scan: item 3 is missing
    path = tmp_path / "d.pdf"
    path.write_bytes(render("dossier", data, RenderOptions(final=True)))
    rows = _toc_rows(path)
    assert rows[2][-1].startswith("缺"), rows[2]
    last = pdf_pages(path)
    back = flat(pdf_text(path, "-f", str(last), "-l", str(last)))
    assert "备考表" in back
    assert "齐全" not in back and "无缺损" not in back
    assert "缺少必备材料：当事人身份证明" in back
    # The missing item gets the 卷宗情况说明 page that names it.
    assert rows[11][2].isdigit(), rows[11]
    explanation = flat(pdf_text(path, "-f", str(int(rows[11][2]) + 2),
                                "-l", str(int(rows[11][2]) + 2)))
    assert "卷宗情况说明" in explanation and "当事人身份证明" in explanation

    complete = tmp_path / "c.pdf"
    complete.write_bytes(render("dossier", case_data, RenderOptions(final=True)))
    last = pdf_pages(complete)
    assert "本卷材料齐全，无缺损" in flat(pdf_text(complete, "-f", str(last), "-l", str(last)))
    assert not any(r[-1].startswith("缺") for r in _toc_rows(complete))


def test_dossier_embeds_each_face_once(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Forty pages, one document: each subset name appears once (the old dossier embedded up to
    ten AAAAAA+UMingCN, 2.1 MB), and the whole file stays small."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
    from documents import forty_page_dossier  # type: ignore[import-not-found]

    path = tmp_path / "d.pdf"
    path.write_bytes(render("dossier", forty_page_dossier(), RenderOptions(final=True)))
    assert pdf_pages(path) >= 38
    names = [row[0] for row in pdf_fonts(path)]
    assert len(names) == len(set(names)), names
    # ReportLab cuts a face into disjoint 256-glyph subsets (AAAAAA+, AAAAAB+ …): none twice.
    assert path.stat().st_size < 600_000, path.stat().st_size


def test_a_sealed_dossier_files_an_unsigned_agreement_as_its_signing_print(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The dossier never shows an agreement nobody signed as effective (seal image, QR)."""
    from dataclasses import replace

    from desktop.documents.data import Signature
    from desktop.documents.effect import signing_state
    from desktop.documents.sample import sample_case

    sample = sample_case()
    pad = sample.party_signatures[0]
    # every party signs (the sample leaves the organisation's signature out)
    signed = replace(sample, party_signatures=tuple(
        replace(pad, signer=p.name) for p in sample.parties))
    assert signing_state("agreement", signed).complete
    unsigned = replace(sample, party_signatures=(), mediator_signatures=())
    assert isinstance(pad, Signature) and sample.committee.seal_png is not None
    import subprocess

    texts, images = {}, {}
    for name, data in (("signed", signed), ("unsigned", unsigned)):
        path = tmp_path / f"{name}.pdf"
        path.write_bytes(render("dossier", data, RenderOptions(final=True)))
        texts[name] = flat(pdf_text(path))
        listing = subprocess.run(["pdfimages", "-list", str(path)], capture_output=True,
                                 text=True, check=True).stdout.splitlines()[2:]
        # the seal image is the square one (signatures are 3:1)
        images[name] = sum(1 for line in listing if line.split()[3] == line.split()[4])
    # the signed agreement carries the seal image; the unsigned one is filed as its 待签署
    # print (no seal image): one seal fewer, the other forms keep theirs
    assert images["signed"] >= 2
    assert images["unsigned"] < images["signed"]  # old code: equal (the seal on both)
