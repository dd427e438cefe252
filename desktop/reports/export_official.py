"""人民调解工作统计月报表 as one fixed-layout sheet: XLSX (openpyxl) and PDF (ReportLab).

Both lay out the same grid: a merged title, the 填报单位/period line, a two-level header
(排查纠纷 / 调解纠纷 / the prevented risks over their own columns, 纠纷类型 spanning both
lines), one row per dispute type and 合计. Landscape A4 in both: the XLSX prints on one page
wide (fitToWidth), the PDF uses narrow number columns in the embedded CJK font.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.properties import PageSetupProperties
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas as rl_canvas
from reportlab.platypus import SimpleDocTemplate, Table, TableStyle

from desktop.documents import fonts
from desktop.documents.layout import CJKParagraph, StyleCommand, TextStyle
from desktop.reports.export_pdf import font_name
from desktop.reports.export_xlsx import first_sheet
from desktop.reports.official import COLUMNS, ROW_HEADER, OfficialTable, header_groups

TITLE_ROW, SUB_ROW, HEAD1, HEAD2 = 1, 2, 3, 4
FIRST_DATA = 5
FONT = "宋体"
THIN = Side(style="thin", color="000000")
BOX = Border(top=THIN, bottom=THIN, left=THIN, right=THIN)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)


def _text(v: int | Decimal) -> str:
    return f"{v:,.2f}" if isinstance(v, Decimal) else str(v)


# -- XLSX --------------------------------------------------------------------------------------
def build_workbook(table: OfficialTable) -> Workbook:
    wb = Workbook()
    ws = first_sheet(wb)
    ws.title = "月报表"
    ncols = len(COLUMNS) + 1
    ws.cell(TITLE_ROW, 1, table.title).font = Font(name=FONT, bold=True, size=16)
    ws.cell(TITLE_ROW, 1).alignment = CENTER
    ws.merge_cells(start_row=TITLE_ROW, start_column=1, end_row=TITLE_ROW, end_column=ncols)
    ws.cell(SUB_ROW, 1, table.subtitle).font = Font(name=FONT, size=10)
    ws.merge_cells(start_row=SUB_ROW, start_column=1, end_row=SUB_ROW, end_column=ncols)
    fill = PatternFill("solid", fgColor="F2F2F2")
    head = Font(name=FONT, bold=True, size=10)
    for row in (HEAD1, HEAD2):
        for col in range(1, ncols + 1):
            c = ws.cell(row, col)
            c.border, c.fill, c.font, c.alignment = BOX, fill, head, CENTER
    ws.cell(HEAD1, 1, ROW_HEADER)
    ws.merge_cells(start_row=HEAD1, start_column=1, end_row=HEAD2, end_column=1)
    for group, first, last in header_groups():
        ws.cell(HEAD1, first + 2, group)
        if last > first:
            ws.merge_cells(start_row=HEAD1, start_column=first + 2, end_row=HEAD1,
                           end_column=last + 2)
    for j, column in enumerate(COLUMNS, start=2):
        ws.cell(HEAD2, j, column.header)
    for i, r in enumerate(table.rows, start=FIRST_DATA):
        bold = r.key == ""
        c = ws.cell(i, 1, r.label)
        c.font, c.border = Font(name=FONT, bold=bold, size=10), BOX
        for j, (column, v) in enumerate(zip(COLUMNS, r.cells(), strict=True), start=2):
            c = ws.cell(i, j, v)
            c.font, c.border = Font(name=FONT, bold=bold, size=10), BOX
            c.number_format = "#,##0.00" if column.money else "0"
    ws.column_dimensions["A"].width = 16
    for j, column in enumerate(COLUMNS, start=2):
        ws.column_dimensions[get_column_letter(j)].width = 13 if column.money else 7.5
    ws.row_dimensions[TITLE_ROW].height = 28
    ws.row_dimensions[HEAD2].height = 30
    ws.freeze_panes = ws.cell(FIRST_DATA, 2).coordinate
    # one A4 landscape page wide when printed; the header rows repeat on further pages
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_title_rows = f"{HEAD1}:{HEAD2}"
    ws.print_options.horizontalCentered = True
    ws.page_margins = PageMargins(left=0.4, right=0.4, top=0.5, bottom=0.5)
    wb.properties.title = f"{table.title}（{table.period.label}）"
    wb.properties.creator = "调解台 MediationDesk"
    return wb


def write_xlsx(table: OfficialTable, path: str | Path) -> None:
    build_workbook(table).save(str(path))


# -- PDF ---------------------------------------------------------------------------------------
PAGE = landscape(A4)
SIGN_LINE = "单位负责人：　　　　　　　　审核人：　　　　　　　　填表人：　　　　　　　　报出日期：　　年　　月　　日"
MARGIN = 12 * mm
WIDTH = PAGE[0] - 2 * MARGIN


def _widths() -> list[float]:
    first, money = 24 * mm, 20 * mm
    rest = (WIDTH - first - money) / (len(COLUMNS) - 1)
    return [first] + [money if c.money else rest for c in COLUMNS]


def _wrap(header: str) -> str:
    """Narrow columns: the unit "（件）" on its own line, other long headers after 4 characters."""
    if "（" in header:
        return header.replace("（", "\n（", 1)
    return header if len(header) <= 4 else f"{header[:4]}\n{header[4:]}"


def grid(table: OfficialTable) -> Table:
    groups = header_groups()
    head1: list[str] = [ROW_HEADER] + [""] * len(COLUMNS)
    for group, first, _last in groups:
        head1[first + 1] = group
    head2 = [""] + [_wrap(c.header) for c in COLUMNS]
    data = [head1, head2] + [[r.label] + [_text(v) for v in r.cells()] for r in table.rows]
    t = Table(data, colWidths=_widths(), repeatRows=2)
    style: list[StyleCommand] = [
        ("FONTNAME", (0, 0), (-1, -1), font_name()),
        ("FONTSIZE", (0, 0), (-1, -1), 8),
        ("LEADING", (0, 0), (-1, -1), 10),
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("BACKGROUND", (0, 0), (-1, 1), colors.HexColor("#EEEEEE")),
        ("BACKGROUND", (0, -1), (-1, -1), colors.HexColor("#F5F5F5")),
        ("ALIGN", (0, 0), (-1, 1), "CENTER"),
        ("ALIGN", (1, 2), (-1, -1), "RIGHT"),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("SPAN", (0, 0), (0, 1)),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
    ]
    for _group, first, last in groups:
        style.append(("SPAN", (first + 1, 0), (last + 1, 0)))
    t.setStyle(TableStyle(style))
    return t


def render_pdf(table: OfficialTable) -> bytes:
    import io

    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=PAGE, leftMargin=MARGIN, rightMargin=MARGIN,
                            topMargin=MARGIN, bottomMargin=MARGIN,
                            title=f"{table.title}（{table.period.label}）",
                            author="调解台 MediationDesk", creator="调解台 MediationDesk")
    story = [
        CJKParagraph(table.title, TextStyle(size=16, chain=fonts.TITLE, align="center",
                                            space_after=4)),
        CJKParagraph(table.subtitle, TextStyle(size=9, align="center", space_after=6)),
        grid(table),
        CJKParagraph(SIGN_LINE, TextStyle(size=9, space_before=10)),
    ]

    def canvas(*args: Any, **kwargs: Any) -> rl_canvas.Canvas:
        # without an embedded initial font ReportLab references the unembedded Helvetica
        kwargs["initialFontName"] = font_name()
        return rl_canvas.Canvas(*args, **kwargs)

    doc.build(story, canvasmaker=canvas)
    return buf.getvalue()


def write_pdf(table: OfficialTable, path: str | Path) -> None:
    Path(path).write_bytes(render_pdf(table))
