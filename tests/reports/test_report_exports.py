"""Exports read back: XLSX with openpyxl (types, formats, values), CSV with the csv module,
PDF with poppler's pdftotext and pdffonts."""

from __future__ import annotations

import csv
import io
import subprocess
from decimal import Decimal

import openpyxl
import pytest
from sqlalchemy import select

from desktop.reports.export_csv import render_csv
from desktop.reports.period import Period
from desktop.services.reports import ReportService
from desktop.store.models import AuditEntry

NOV = Period.parse("2026-11")


@pytest.fixture
def report(seeded_sqlite):  # type: ignore[no-untyped-def]
    desks, _ids = seeded_sqlite
    svc = ReportService(desks.db, desks.actor("admin"))
    return svc, svc.report(NOV)


def test_xlsx_numbers_rates_sheets_and_layout(report, tmp_path) -> None:  # type: ignore[no-untyped-def]
    svc, r = report
    path = svc.export(r, "xlsx", tmp_path / "r.xlsx")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["汇总", "比率", "调委会", "纠纷类型", "来源分类", "案件来源", "调解员",
                             "联合调解", "趋势", "排查化解", "说明"]
    ws = wb["纠纷类型"]
    assert "全部调委会" in ws["A1"].value and "2026年11月" in ws["A1"].value
    assert ws.freeze_panes == "B4"
    header = [c.value for c in ws[3]]
    assert header[:4] == ["纠纷类型", "受理", "调结", "调解成功"] and header[-1] == "调解成功率"
    rows = {row[0].value: row for row in ws.iter_rows(min_row=4)}
    neighbor = rows["邻里"]
    assert neighbor[1].value == 3 and isinstance(neighbor[1].value, int)
    amount = neighbor[header.index("协议涉及金额")]
    assert amount.value == pytest.approx(6200.50) and amount.number_format == "#,##0.00"
    rate = neighbor[-1]
    assert rate.data_type == "n" and rate.value == pytest.approx(0.6667)
    assert rate.number_format == "0.00%"
    assert rows["合同"][-1].value == "—"  # zero denominator: a dash, never 0%
    assert rows["合计"][1].value == 7 and rows["合计"][-1].value == pytest.approx(0.5714)
    # widths fit the Chinese headers (two columns per character)
    assert ws.column_dimensions["R"].width >= 2 * len("防止群体性上访（人）")
    rates = wb["比率"]
    assert [c.value for c in rates[4]][:4] == ["调解成功率", 4, 7, pytest.approx(0.5714)]
    assert [c.value for c in rates[5]][:4] == ["化解率", 3, 5, pytest.approx(0.6)]
    notes = {row[0].value: row[1].value for row in wb["说明"].iter_rows(min_row=4)}
    assert "4 ÷ 7 = 57.14%" in notes["调解成功率"] and "排查发现" in notes["化解率"]
    # aggregate only: no party names anywhere (the fixture's cases are between 甲 and 乙)
    for sheet in wb:
        for row in sheet.iter_rows(values_only=True):
            assert not any(isinstance(v, str) and "甲、乙" in v for v in row)
    with svc.db.read() as s:
        assert s.scalar(select(AuditEntry.summary).where(AuditEntry.action == "export_report"))


def test_csv_utf8_bom_sections(report, tmp_path) -> None:  # type: ignore[no-untyped-def]
    svc, r = report
    path = svc.export(r, "csv", tmp_path / "r.csv")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][0].startswith("全部调委会")
    start = rows.index(["【按纠纷类型】"])
    table = {r[0]: r for r in rows[start + 2:start + 18]}
    assert table["邻里"][1:4] == ["3", "2", "2"] and table["邻里"][-1] == "66.67%"
    assert table["合同"][-1] == "—" and table["合计"][9] == "36200.50"
    rates = {}
    for row in rows:  # the rates table comes before the 说明 section
        if row and row[0] in ("调解成功率", "化解率"):
            rates.setdefault(row[0], row)
    assert rates["调解成功率"][1:4] == ["4", "7", "57.14%"]
    assert rates["化解率"][1:4] == ["3", "5", "60.00%"]
    assert render_csv(r) == raw.decode("utf-8-sig")


def test_pdf_text_fonts_and_pages(report, tmp_path) -> None:  # type: ignore[no-untyped-def]
    svc, r = report
    path = svc.export(r, "pdf", tmp_path / "r.pdf")
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout
    for needle in ("人民调解工作统计表", "2026年11月", "调解成功率", "57.14%", "化解率", "60.00%",
                   "按纠纷类型：受理与调解成功", "近12个月趋势", "按联合调解", "公安+司法+律师",
                   "36,200.50", "第 1 页 共", "指标说明"):
        assert needle in text, needle
    pages = text.count("\f")
    assert f"第 {pages} 页 共 {pages} 页" in text
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True,
                           check=True).stdout.splitlines()[2:]
    assert fonts and all(" yes yes yes " in line for line in fonts), fonts
    assert "甲、乙" not in text


def test_empty_period_exports(seeded_sqlite, tmp_path) -> None:  # type: ignore[no-untyped-def]
    desks, _ids = seeded_sqlite
    svc = ReportService(desks.db, desks.actor("zhuren"))
    r = svc.report(Period.parse("2025-01"))
    for fmt in ("xlsx", "csv", "pdf"):
        svc.export(r, fmt, tmp_path / f"e.{fmt}")
    wb = openpyxl.load_workbook(tmp_path / "e.xlsx")
    assert [c.value for c in wb["比率"][4]][1:4] == [0, 0, "—"]
    assert Decimal(0) == Decimal(wb["汇总"]["B12"].value)
