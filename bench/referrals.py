"""Referral import at scale: a 10,000-row 12345 work-order list, checked and imported.

    .venv/bin/python bench/referrals.py [--rows 10000]

Prints, from the same run: reading the XLSX alone (the baseline every import pays), checking
(dry run), the import itself, and the re-import of the same file (which must add nothing).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def make_list(path: Path, rows: int) -> None:
    from openpyxl import Workbook

    surnames, given = "王李张刘陈杨黄赵吴周", "兰梅菊竹松柏桃李杏桂"
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("工单")
    ws.append(["青山区12345热线工单派发清单"])
    ws.append(["工单编号", "来电时间", "来电人", "联系电话", "被反映人", "诉求类型", "工单内容", "派单单位"])
    for i in range(rows):
        ws.append([f"GD2026{i:07d}", dt.datetime(2026, 1 + i % 10, 1 + i % 28, 9, i % 60),
                   surnames[i % 10] + given[(i // 10) % 10] + given[(i // 100) % 10],
                   f"139{i:08d}", surnames[(i + 3) % 10] + "某", ("邻里纠纷", "物业", "合同")[i % 3],
                   f"第{i}号工单：楼上漏水至楼下，协商未果，请求调解。", "青山区12345热线"])
    wb.save(path)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=10_000)
    args = ap.parse_args()
    from desktop.services import Desk, auth
    from desktop.services.referrals import ReferralService, load_mapping, open_referrals
    from desktop.services.sheets import _read_xlsx
    from desktop.store.opening import open_database

    tmp = Path(tempfile.mkdtemp(prefix="md-referrals-"))
    path = tmp / "hotline.xlsx"
    make_list(path, args.rows)
    db = open_database(f"sqlite:///{tmp / 'desk.sqlite3'}")
    actor = auth.first_run(db, committee_name="青山街道人民调解委员会", short_name="青",
                           admin_username="admin", admin_password="Admin#2026")
    svc = ReferralService(db, Desk(db, actor).actor)

    t0 = time.perf_counter()
    _read_xlsx(path)
    read = time.perf_counter() - t0
    t0 = time.perf_counter()
    sheet = open_referrals(path)
    mapping = load_mapping(None, sheet.headers)
    svc.import_referrals(sheet, mapping, "hotline_12345", dry_run=True)
    check = time.perf_counter() - t0
    t0 = time.perf_counter()
    result = svc.import_referrals(sheet, mapping, "hotline_12345")
    write = time.perf_counter() - t0
    t0 = time.perf_counter()
    again = svc.import_referrals(open_referrals(path), mapping, "hotline_12345")
    redo = time.perf_counter() - t0
    db.close()
    print(f"{args.rows:,} work orders ({path.stat().st_size / 1e6:.1f} MB XLSX)")
    print(f"  baseline: read the XLSX alone          {read:7.2f} s")
    print(f"  read + check (dry run)                 {check:7.2f} s  ({check / read:.1f}× the read)")
    print(f"  check + import ({result.new:,} new cases)      {write:7.2f} s  ({write / read:.1f}× the read)")
    print(f"  re-import of the same file ({again.new} new)  {redo:7.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
