"""CSV export: UTF-8 with a BOM so that Excel opens the Chinese correctly.

One file holds the sections one after another (title line, header, rows, a blank line);
rates are written as "57.14%" or "—", money with two decimals.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

from desktop.reports.figures import Rate, Report
from desktop.reports.tables import Cell, all_tables


def _text(cell: Cell) -> str:
    if isinstance(cell, Rate):
        return cell.text
    if isinstance(cell, Decimal):
        return f"{cell:.2f}"
    return "" if cell is None else str(cell)


def render_csv(report: Report) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow([report.title])
    w.writerow([report.range_text])
    for t in all_tables(report):
        w.writerow([])
        w.writerow([f"【{t.title}】"])
        w.writerow(t.header)
        for row in t.rows:
            w.writerow([_text(c) for c in row])
    return buf.getvalue()


def write_csv(report: Report, path: str | Path) -> None:
    Path(path).write_bytes(render_csv(report).encode("utf-8-sig"))
