"""Ledger files written the way centers keep them (titles merged over the header, 是/否 …)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl import Workbook

HEADER = ["序号", "排查日期", "当事人", "纠纷类型", "来源", "简要情况", "化解情况", "化解日期", "责任人"]
TYPES = ["邻里纠纷", "婚姻家庭", "房屋宅基地", "劳资纠纷", "合同", "物业", "山林土地", "损害赔偿"]


def sweep_rows(found: int, resolved: int, start: dt.date = dt.date(2026, 1, 1)) -> list[list[object]]:
    rows: list[list[object]] = []
    for i in range(found):
        day = start + dt.timedelta(days=i % 300)
        done = i < resolved
        rows.append([i + 1, day, f"张{i}、李{i}", TYPES[i % len(TYPES)], "网格员上报",
                     f"第{i}号纠纷：因琐事发生争执", "已化解，双方达成调解协议" if done else "化解中",
                     day + dt.timedelta(days=3) if done else None, "王建国"])
    return rows


def write_xlsx(path: Path, rows: list[list[object]], *, title: str = "青山街道矛盾纠纷排查台账",
               header: list[str] | None = None, two_level: bool = False) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "排查台账"
    header = header or HEADER
    ws.append([title])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    if two_level:
        # 化解情况 merged over two sub-columns (是否化解 | 化解日期)
        top = [h if h not in ("化解情况", "化解日期") else "化解情况" for h in header]
        sub = ["" if h not in ("化解情况", "化解日期") else ("是否化解" if h == "化解情况" else "化解日期")
               for h in header]
        ws.append(top)
        ws.append(sub)
        c0 = top.index("化解情况") + 1
        ws.merge_cells(start_row=2, start_column=c0, end_row=2, end_column=c0 + 1)
        for j, h in enumerate(top, start=1):
            if h != "化解情况":
                ws.merge_cells(start_row=2, start_column=j, end_row=3, end_column=j)
    else:
        ws.append(header)
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path
