"""The report laid out as tables (header + typed cells), shared by XLSX, CSV, PDF and the GUI.

Cells keep their type: ``int`` counts, ``Decimal`` money, ``Rate`` for rates (each exporter
decides how to show a rate: a percent-formatted number, "57.14%" or "—").
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from desktop.reports.figures import METRICS, Breakdown, Rate, Report, Row, definitions

Cell = str | int | Decimal | Rate | None

RATE_HEADER = "调解成功率"


@dataclass
class Table:
    name: str  # sheet name (≤ 31 chars, no []:*?/\)
    title: str
    header: list[str]
    rows: list[list[Cell]]
    money_cols: tuple[int, ...] = ()
    rate_cols: tuple[int, ...] = ()
    # (breakdown key, row key) per data row, for the GUI's drill-down; metric per column
    row_keys: list[str] | None = None
    col_metrics: list[str | None] | None = None


def metric_header() -> list[str]:
    return [m.label for m in METRICS] + [RATE_HEADER]


def _row_cells(row: Row) -> list[Cell]:
    return [row.label] + [row.counts[m.key] for m in METRICS] + [row.rate]


def breakdown_table(b: Breakdown, total: Row) -> Table:
    money = tuple(i + 1 for i, m in enumerate(METRICS) if m.money)
    rows = [_row_cells(r) for r in b.rows] + [_row_cells(total)]
    return Table(b.title.removeprefix("按"), b.title, [b.column] + metric_header(), rows,
                 money_cols=money, rate_cols=(len(METRICS) + 1,),
                 row_keys=[r.key for r in b.rows] + ["total"],
                 col_metrics=[None] + [m.key for m in METRICS] + [None])


def summary_table(report: Report) -> Table:
    rows: list[list[Cell]] = [[m.label, report.total.counts[m.key], m.definition]
                              for m in METRICS]
    return Table("汇总", "主要指标", ["指标", "数值", "口径"], rows,
                 money_cols=tuple(i for i, m in enumerate(METRICS) if m.money),
                 col_metrics=[None, "value", None], row_keys=[m.key for m in METRICS])


def rates_table(report: Report) -> Table:
    rows: list[list[Cell]] = []
    for rate in (report.success_rate, report.resolve_rate):
        rows.append([rate.label, rate.numerator, rate.denominator, rate, rate.definition])
    return Table("比率", "比率（含分子、分母）", ["比率", "分子", "分母", "比率值", "定义"], rows,
                 rate_cols=(3,))


def trend_table(report: Report) -> Table:
    rows: list[list[Cell]] = [[t.period.label, t.accepted, t.closed, t.succeeded, t.rate]
                              for t in report.trend]
    return Table("趋势", "近12个月趋势", ["月份", "受理", "调结", "调解成功", RATE_HEADER], rows,
                 rate_cols=(4,))


def sweep_table(report: Report) -> Table:
    rows: list[list[Cell]] = [[r.label, r.found, r.resolved, r.rate]
                              for r in [*report.sweep_rows, report.sweep_total]]
    return Table("排查化解", "矛盾纠纷排查化解（化解率）", ["纠纷类型", "排查发现", "化解", "化解率"],
                 rows, rate_cols=(3,))


def definitions_table(report: Report) -> Table:
    return Table("说明", "指标说明", ["名称", "定义"], [[k, v] for k, v in definitions(report)])


def all_tables(report: Report) -> list[Table]:
    """Summary, rates, one table per breakdown, the trend, the sweep, the definitions."""
    tables = [summary_table(report), rates_table(report)]
    tables += [breakdown_table(b, report.total) for b in report.breakdowns]
    if report.trend:
        tables.append(trend_table(report))
    tables += [sweep_table(report), definitions_table(report)]
    return tables


def display_width(text: str) -> int:
    """Columns a text takes in a spreadsheet (CJK characters count double)."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
