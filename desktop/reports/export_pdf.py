"""PDF export with ReportLab: embedded CJK font (the documents package's), the main figures
with the rates' definitions, numerators and denominators, a bar chart by dispute type, the
12-month trend line, the breakdown tables and "第 N 页 共 M 页" on every page.

Portrait A4 cannot hold all seventeen counters side by side, so the breakdown tables carry
the main columns; every counter is in the summary table (and all of them are in the XLSX).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, Spacer, Table, TableStyle

from desktop.documents import fonts
from desktop.documents.layout import (
    CONTENT_W,
    CJKParagraph,
    PdfMeta,
    StyleCommand,
    TextStyle,
    build_pdf,
)
from desktop.reports.figures import METRIC_BY_KEY, METRICS, Rate, Report, definitions

SEAL_RED = colors.HexColor("#B22222")
GREY = colors.HexColor("#777777")
MAIN_COLS = ("accepted", "closed", "succeeded", "terminated", "open", "overdue", "amount")


def font_name() -> str:
    """The one place the report picks its font (the documents package's body face)."""
    return fonts.ensure_registered(fonts.UMING)


def title_font() -> str:
    return fonts.ensure_registered(fonts.WQY)


def _fmt(v: object) -> str:
    if isinstance(v, Rate):
        return v.text
    if isinstance(v, Decimal):
        return f"{v:,.2f}"
    return str(v)


def _table(header: list[str], rows: Sequence[Sequence[object]], widths: list[float] | None = None,
           size: float = 8.5) -> Table:
    data = [header] + [[_fmt(c) for c in r] for r in rows]
    t = Table(data, colWidths=widths, repeatRows=1, hAlign="LEFT")
    style: list[StyleCommand] = [
        ("FONTNAME", (0, 0), (-1, -1), font_name()),
        ("FONTSIZE", (0, 0), (-1, -1), size),
        ("LEADING", (0, 0), (-1, -1), size * 1.3),
        ("GRID", (0, 0), (-1, -1), 0.4, GREY),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#F2DCDB")),
        ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
        ("ALIGN", (0, 0), (-1, 0), "CENTER"),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ]
    if rows and rows[-1] and rows[-1][0] == "合计":
        style.append(("BACKGROUND", (0, -1), (-1, -1), colors.HexColor("#F5F5F5")))
    t.setStyle(TableStyle(style))
    return t


def _h(text: str) -> Flowable:
    return CJKParagraph(text, TextStyle(size=12.5, chain=fonts.TITLE, space_before=8,
                                        space_after=4))


def _small(text: str) -> Flowable:
    return CJKParagraph(text, TextStyle(size=8.5, leading=12, space_after=2))


def type_chart(report: Report) -> Drawing:
    rows = [r for r in report.breakdown("dispute_type").rows
            if r.counts["accepted"] or r.counts["closed"] or r.counts["open"]] or \
        report.breakdown("dispute_type").rows[:5]
    w, h = CONTENT_W, 62 * mm
    d = _drawing(w, h)
    chart = VerticalBarChart()
    # types-reportlab says int here; ReportLab takes points as floats
    chart.x, chart.y, chart.width, chart.height = 28, 34, w - 40, h - 52  # type: ignore[assignment]
    chart.data = [[int(r.counts["accepted"]) for r in rows],
                  [int(r.counts["succeeded"]) for r in rows]]
    chart.categoryAxis.categoryNames = [r.label for r in rows]
    chart.categoryAxis.labels.fontName = font_name()
    chart.categoryAxis.labels.fontSize = 7
    chart.categoryAxis.labels.angle = 30 if len(rows) > 8 else 0
    chart.categoryAxis.labels.boxAnchor = "ne" if len(rows) > 8 else "n"
    chart.valueAxis.labels.fontName = font_name()
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    chart.valueAxis.forceZero = True
    chart.valueAxis.valueStep = _step(chart.data[0] + chart.data[1])
    chart.bars[0].fillColor = colors.HexColor("#5B7DB1")
    chart.bars[1].fillColor = SEAL_RED
    # numbers over the bars only while they fit side by side
    chart.barLabelFormat = "%d" if len(rows) <= 8 else None
    chart.barLabels.fontName = font_name()
    chart.barLabels.fontSize = 6
    chart.barLabels.nudge = 5
    d.add(chart)
    d.add(_legend(w - 120, h - 4, [("受理", chart.bars[0].fillColor),
                                   ("调解成功", chart.bars[1].fillColor)]))
    d.add(String(0, h - 10, "按纠纷类型：受理与调解成功（件）", fontName=title_font(), fontSize=9))
    return d


def _drawing(w: float, h: float) -> Drawing:
    d = Drawing(w, h)
    # the renderer starts every drawing in this font; ReportLab's default is the unembedded
    # Helvetica, which a print shop's viewer may not have (an attribute the stubs lack)
    d.initialFontName = font_name()  # type: ignore[attr-defined]
    return d


def _step(values: list[int]) -> int:
    """A round axis step (1, 2, 5 × 10^k) giving about five gridlines."""
    raw = max(1, -(-max(values, default=0) // 5))
    base: int = 10 ** (len(str(raw)) - 1)
    return next(m * base for m in (1, 2, 5, 10) if m * base >= raw)


def _legend(x: float, y: float, pairs: list[tuple[str, object]]) -> Legend:
    lg = Legend()
    # types-reportlab says int here; ReportLab takes points as floats
    lg.x, lg.y = x, y  # type: ignore[assignment]
    lg.fontName = font_name()
    lg.fontSize = 7
    lg.alignment = "right"
    lg.columnMaximum = 1
    lg.colorNamePairs = [(c, n) for n, c in pairs]
    lg.dx, lg.dy = 6, 6
    lg.deltax = 60
    return lg


def trend_chart(report: Report) -> Drawing:
    w, h = CONTENT_W, 55 * mm
    d = _drawing(w, h)
    chart = HorizontalLineChart()
    # types-reportlab says int here; ReportLab takes points as floats
    chart.x, chart.y, chart.width, chart.height = 28, 24, w - 40, h - 44  # type: ignore[assignment]
    chart.data = [[t.accepted for t in report.trend], [t.succeeded for t in report.trend]]
    chart.categoryAxis.categoryNames = [f"{t.period.start.month}月" for t in report.trend]
    for axis in (chart.categoryAxis, chart.valueAxis):
        axis.labels.fontName = font_name()
        axis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    chart.valueAxis.forceZero = True
    chart.valueAxis.valueStep = _step(chart.data[0] + chart.data[1])
    chart.lines[0].strokeColor = colors.HexColor("#5B7DB1")
    chart.lines[1].strokeColor = SEAL_RED
    chart.lines[0].strokeWidth = chart.lines[1].strokeWidth = 1.5
    d.add(chart)
    d.add(_legend(w - 120, h - 4, [("受理", chart.lines[0].strokeColor),
                                   ("调解成功", chart.lines[1].strokeColor)]))
    first, last = report.trend[0].period, report.trend[-1].period
    d.add(String(0, h - 10, f"近12个月趋势（{first.label}—{last.label}）", fontName=title_font(),
                 fontSize=9))
    return d


def story(report: Report) -> list[Flowable]:
    out: list[Flowable] = [
        CJKParagraph(report.title, TextStyle(size=15, chain=fonts.TITLE, align="center",
                                             space_after=4)),
        CJKParagraph(report.range_text, TextStyle(size=9, align="center", space_after=8)),
        _h("一、主要指标"),
    ]
    counts = report.total.counts
    pairs = [(m.label, counts[m.key]) for m in METRICS]
    half = (len(pairs) + 1) // 2
    rows = [[a[0], a[1], *(b if b else ("", ""))] for a, b in
            zip(pairs[:half], pairs[half:] + [None] * (2 * half - len(pairs)), strict=True)]
    out.append(_table(["指标", "数值", "指标", "数值"], rows,
                      [CONTENT_W * 0.32, CONTENT_W * 0.18, CONTENT_W * 0.32, CONTENT_W * 0.18],
                      size=9))
    out.append(_h("二、比率"))
    rate_rows = [[r.label, r.numerator, r.denominator, r] for r in
                 (report.success_rate, report.resolve_rate)]
    out.append(_table(["比率", "分子", "分母", "比率值"], rate_rows, [CONTENT_W / 4] * 4, size=9))
    for r in (report.success_rate, report.resolve_rate):
        out.append(_small(r.definition))
    out += [Spacer(1, 4 * mm), KeepTogether([type_chart(report)])]
    if report.trend:
        out += [Spacer(1, 3 * mm), KeepTogether([trend_chart(report)])]
    # narrow number columns: long headers on two lines
    header = [_two_lines(METRIC_BY_KEY[k].label) for k in MAIN_COLS] + ["调解成功率"]
    n = 2
    for b in report.breakdowns:
        n += 1
        data = [[r.label] + [r.counts[k] for k in MAIN_COLS] + [r.rate]
                for r in [*b.rows, report.total]]
        widths = [CONTENT_W * 0.31] + [CONTENT_W * 0.07] * 6 + [CONTENT_W * 0.14] * 2
        out += [CondPageBreak(40 * mm), _h(f"{_cn(n)}、{b.title}"),
                _table([b.column] + header, data, widths)]
    n += 1
    sweep = [[r.label, r.found, r.resolved, r.rate] for r in [*report.sweep_rows,
                                                              report.sweep_total]]
    out += [CondPageBreak(40 * mm), _h(f"{_cn(n)}、矛盾纠纷排查化解"),
            _table(["纠纷类型", "排查发现", "化解", "化解率"], sweep, [CONTENT_W / 4] * 4)]
    n += 1
    out += [CondPageBreak(50 * mm), _h(f"{_cn(n)}、指标说明")]
    out += [_small(f"{k}：{v}") for k, v in definitions(report)]
    return out


def _two_lines(label: str) -> str:
    return label if len(label) <= 3 else f"{label[:2]}\n{label[2:]}"


def _cn(n: int) -> str:
    return "一二三四五六七八九十"[n - 1] if n <= 10 else f"十{'一二三四五六七八九'[n - 11]}"


def render_pdf(report: Report) -> bytes:
    meta = PdfMeta(title=report.title, subject=f"人民调解工作统计 {report.period.label}",
                   author="调解台 MediationDesk")
    return build_pdf(story(report), meta)


def write_pdf(report: Report, path: str | Path) -> None:
    Path(path).write_bytes(render_pdf(report))
