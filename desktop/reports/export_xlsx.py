"""XLSX export with openpyxl: real numbers, percent-formatted rates, one sheet per table.

Every sheet: a merged title row naming the committee(s) and the period, the period line, the
header row frozen below them, widths from the text's display width (CJK counts double).
A rate with a zero denominator is the text "—" (never 0%).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from desktop.reports.figures import Rate, Report
from desktop.reports.tables import Cell, Table, all_tables, display_width

HEADER_ROW = 3
MONEY_FORMAT = "#,##0.00"
RATE_FORMAT = "0.00%"
THIN = Side(style="thin", color="999999")
FONT = "宋体"


def _cell_value(cell: Cell) -> str | int | Decimal | None:
    if isinstance(cell, Rate):
        return cell.fraction if cell.denominator else "—"
    return cell


def first_sheet(wb: Workbook) -> Worksheet:
    """The worksheet a new workbook opens with (openpyxl types ``active`` as optional)."""
    ws = wb.active
    if not isinstance(ws, Worksheet):
        raise TypeError("a new workbook starts with one worksheet")
    return ws


def _sheet(wb: Workbook, report: Report, t: Table, first: bool) -> None:
    ws = first_sheet(wb) if first else wb.create_sheet()
    ws.title = t.name
    ncols = len(t.header)
    ws.cell(1, 1, f"{report.title}—{t.title}").font = Font(name=FONT, bold=True, size=14)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=max(ncols, 2))
    ws.cell(2, 1, report.range_text).font = Font(name=FONT, size=10, color="555555")
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=max(ncols, 2))
    fill = PatternFill("solid", fgColor="F2DCDB")
    widths = [display_width(h) for h in t.header]
    for j, h in enumerate(t.header, start=1):
        c = ws.cell(HEADER_ROW, j, h)
        c.font = Font(name=FONT, bold=True)
        c.fill = fill
        c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        c.border = Border(top=THIN, bottom=THIN, left=THIN, right=THIN)
    for i, row in enumerate(t.rows, start=HEADER_ROW + 1):
        last = i == HEADER_ROW + len(t.rows) and t.rows and row[0] == "合计"
        for j, cell in enumerate(row, start=1):
            value = _cell_value(cell)
            c = ws.cell(i, j, value)
            c.font = Font(name=FONT, bold=bool(last))
            c.border = Border(top=THIN, bottom=THIN, left=THIN, right=THIN)
            if isinstance(cell, Rate):
                c.number_format = RATE_FORMAT
                c.alignment = Alignment(horizontal="right")
                shown = cell.text
            elif isinstance(cell, Decimal):
                c.number_format = MONEY_FORMAT
                shown = f"{cell:,.2f}"
            else:
                shown = "" if value is None else str(value)
                if isinstance(value, str) and display_width(value) > 60:
                    c.alignment = Alignment(wrap_text=True, vertical="top")
            widths[j - 1] = max(widths[j - 1], min(display_width(shown), 60))
    for j, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(j)].width = max(8, w + 2)
    ws.freeze_panes = ws.cell(HEADER_ROW + 1, 2 if ncols > 3 else 1)
    ws.row_dimensions[HEADER_ROW].height = 30
    ws.sheet_view.zoomScale = 100


def build_workbook(report: Report) -> Workbook:
    wb = Workbook()
    for n, t in enumerate(all_tables(report)):
        _sheet(wb, report, t, n == 0)
    wb.properties.title = report.title
    wb.properties.creator = "调解台 MediationDesk"
    return wb


def write_xlsx(report: Report, path: str | Path) -> None:
    build_workbook(report).save(str(path))
