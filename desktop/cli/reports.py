"""`report monthly` (statistics exported unattended) and `import-ledger` (the sweep ledger)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from desktop.cli.common import (
    login_desk,
    open_db,
    print_problems,
    print_table,
    readable_source,
    writable_target,
)
from desktop.domain.dates import parse_date
from desktop.domain.errors import ValidationError
from desktop.reports.period import Period
from desktop.services.ledger import LedgerError, LedgerService, load_mapping, open_ledger
from desktop.services.reports import FORMATS, ReportService


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser],
             common: argparse.ArgumentParser) -> None:
    report = sub.add_parser("report", help="统计报表").add_subparsers(dest="report_cmd",
                                                                   metavar="子命令")
    p = report.add_parser("monthly", parents=[common],
                          help="导出统计报表（月、季度、年或任意期间）",
                          description="例：mediationdesk report monthly --month 2026-11 "
                                      "--format xlsx --out 2026-11.xlsx")
    when = p.add_mutually_exclusive_group()
    when.add_argument("--month", help="月份，如 2026-11（默认上个月）")
    when.add_argument("--quarter", help="季度，如 2026Q4")
    when.add_argument("--year", help="年度，如 2026")
    when.add_argument("--from", dest="date_from", help="起始日期（与 --to 一起使用）")
    p.add_argument("--to", dest="date_to", help="截止日期（含当日）")
    p.add_argument("--committee", action="append", default=[],
                   help="调委会名称或简称（可重复；默认：本人可见的全部）")
    p.add_argument("--format", choices=FORMATS, help="导出格式（默认按 --out 的扩展名）")
    p.add_argument("--out", help="输出文件（不指定则只在屏幕上显示汇总）")
    p.add_argument("--official", action="store_true",
                   help="导出“人民调解工作统计月报表”（按纠纷类型一张表，xlsx 或 pdf）")
    p.set_defaults(func=run_report)

    p = report.add_parser("rebuild", parents=[common], help="由案件重新计算统计汇总表（管理员）")
    p.set_defaults(func=run_rebuild)
    p = report.add_parser("verify", parents=[common],
                          help="核对统计汇总表与按案件计算的结果（有差异时退出码为 1）")
    when = p.add_mutually_exclusive_group()
    when.add_argument("--month", help="月份，如 2026-11（默认：有数据的全部月、季度、年）")
    when.add_argument("--quarter", help="季度，如 2026Q4")
    when.add_argument("--year", help="年度，如 2026")
    p.set_defaults(func=run_verify, date_from=None, date_to=None)

    p = sub.add_parser("import-ledger", parents=[common], help="导入矛盾纠纷排查台账（.xlsx/.csv）")
    p.add_argument("file", help="台账文件（.xlsx 或 .csv）")
    p.add_argument("--dry-run", action="store_true", help="只检查，不写入")
    p.add_argument("--mapping", help="列对应 JSON 文件，如 {\"found_on\": \"排查时间\"}")
    p.add_argument("--committee", help="台账所属调委会（管理员导入其他调委会时用）")
    p.set_defaults(func=run_import)


def period_from_args(args: argparse.Namespace, today: object = None) -> Period:
    import datetime as dt

    if args.date_from or args.date_to:
        if not (args.date_from and args.date_to):
            raise ValidationError("--from 和 --to 须同时指定。", field="from")
        return Period.range(parse_date(args.date_from, "from"), parse_date(args.date_to, "to"))
    if args.quarter:
        return Period.parse(args.quarter)
    if args.year:
        return Period.parse(args.year)
    if args.month:
        return Period.parse(args.month)
    first = (today if isinstance(today, dt.date) else dt.date.today()).replace(day=1)
    last_month = first - dt.timedelta(days=1)
    return Period.month(last_month.year, last_month.month)


def run_rebuild(args: argparse.Namespace) -> int:
    desk = login_desk(args, open_db(args))
    n = ReportService(desk.db, desk.actor).rebuild_aggregates()
    print(f"统计汇总表已重建：{n} 行。")
    return 0


def run_verify(args: argparse.Namespace) -> int:
    desk = login_desk(args, open_db(args))
    periods = ([period_from_args(args)] if (args.month or args.quarter or args.year) else None)
    diffs = ReportService(desk.db, desk.actor).verify_aggregates(periods)
    for line in diffs:
        print(line)
    if diffs:
        print(f"统计汇总表与案件不一致：{len(diffs)} 处差异。请运行 mediationdesk report rebuild。",
              file=sys.stderr)
        return 1
    print("统计汇总表与按案件计算的结果一致。")
    return 0


def run_report(args: argparse.Namespace) -> int:
    period = period_from_args(args)
    fmt = args.format
    if args.out and not fmt:
        fmt = Path(args.out).suffix.lower().lstrip(".")
        if fmt not in FORMATS:
            raise ValidationError("请用 --format 指定导出格式（xlsx、pdf 或 csv）。", field="format")
    if args.out:
        writable_target(args.out, "out")
    if args.official and fmt == "csv":
        raise ValidationError("月报表只能导出为 xlsx 或 pdf，请改用 --format xlsx 或 pdf。",
                              field="format")
    desk = login_desk(args, open_db(args))
    svc = ReportService(desk.db, desk.actor)
    ids = svc.committee_ids_by_name(args.committee) if args.committee else None
    if args.official:
        return _official(svc, period, ids, fmt, args.out)
    report = svc.report(period, ids)
    t = report.total.counts
    print(report.title)
    print(report.range_text)
    print_table(["受理", "调结", "调解成功", "终止", "未结", "超期", "协议涉及金额"],
                [[str(t["accepted"]), str(t["closed"]), str(t["succeeded"]),
                  str(t["terminated"]), str(t["open"]), str(t["overdue"]), f"{t['amount']:,.2f}"]],
                [6, 6, 8, 6, 6, 6, 14])
    for rate in (report.success_rate, report.resolve_rate):
        print(f"{rate.label}：{rate.numerator} ÷ {rate.denominator} = {rate.text}")
    if desk.read_note():
        print(f"（{desk.read_note()}）")
    if args.out:
        path = svc.export(report, fmt, args.out)
        print(f"已导出：{path}")
    return 0


def _official(svc: ReportService, period: Period, ids: list[int] | None, fmt: str | None,
              out: str | None) -> int:
    from desktop.reports.official import COLUMNS

    table = svc.official_table(period, ids)
    print(f"{table.title}（{period.label}）")
    print(table.subtitle)
    t = table.total.values
    for col in COLUMNS:
        label = col.header if not col.group or col.header not in ("件", "人") else \
            f"{col.group}（{col.header}）"
        value = t[col.key]
        print(f"  {label}：{value:,.2f}" if col.money else f"  {label}：{value}")
    if out:
        path = svc.export_official(table, fmt or "xlsx", out)
        print(f"已导出：{path}")
    return 0


def run_import(args: argparse.Namespace) -> int:
    readable_source(args.file, "file")
    desk = login_desk(args, open_db(args))
    svc = LedgerService(desk.db, desk.actor)
    ledger = open_ledger(args.file)
    mapping = load_mapping(args.mapping, ledger.headers) if args.mapping else None
    cid = None
    if args.committee:
        cid = ReportService(desk.db, desk.actor).committee_ids_by_name([args.committee])[0]
    try:
        result = svc.import_ledger(ledger, mapping, dry_run=args.dry_run, committee_id=cid)
    except LedgerError as err:
        return print_problems(err, "台账", "数据")
    print(result.summary)
    return 0
