"""`import-cases` (work-order lists in, or an exchange file from another installation),
`export-results` (the referring platform's feedback file) and `export-cases` (every field of
the cases, for the bureau's or the province's platform, or for moving to the county server)."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from desktop.cli.common import login_desk, open_db, print_problems
from desktop.domain.dates import parse_date
from desktop.domain.errors import ValidationError
from desktop.services import Desk
from desktop.services.exchange import ExchangeService, read_exchange
from desktop.services.referrals import (
    ReferralError,
    ReferralService,
    load_mapping,
    open_referrals,
    results_table,
)
from desktop.services.sheets import read_mapping_file


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser],
             common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "import-cases", parents=[common], help="导入工单/移送清单（.xlsx/.csv）或案件交换文件（.json/.zip）",
        description="例：mediationdesk import-cases 12345工单.xlsx --source hotline_12345 --dry-run；"
                    "mediationdesk import-cases 青山街道案件.json --format json")
    p.add_argument("file", help="工单清单（.xlsx/.csv）或案件交换文件（.json/.zip）")
    p.add_argument("--format", choices=("list", "json"),
                   help="list：工单/移送清单（默认，按扩展名判断）；json：本软件导出的案件交换文件")
    p.add_argument("--source", help="工单来源代码，如 hotline_12345、grid、police_station、court_pre")
    p.add_argument("--mapping", help="列对应 JSON 文件（列名、来源、移送单位、类型对应）")
    p.add_argument("--committee", help="登记到哪个调委会（管理员用）")
    p.add_argument("--dry-run", action="store_true", help="只检查，不写入")
    p.set_defaults(func=run_import)

    p = sub.add_parser("export-results", parents=[common], help="导出移送/工单案件的办理结果（反馈给来源平台）")
    p.add_argument("--source", required=True, help="工单来源代码，如 hotline_12345")
    p.add_argument("--since", required=True, help="自该日期以来有变化的案件，如 2026-11-01")
    p.add_argument("--out", required=True, help="输出文件（.xlsx 或 .csv）")
    p.set_defaults(func=run_results)

    p = sub.add_parser("export-cases", parents=[common], help="导出案件全部信息（XLSX/CSV/JSON）")
    p.add_argument("--from", dest="date_from", help="登记日期自（含）")
    p.add_argument("--to", dest="date_to", help="登记日期至（含）")
    p.add_argument("--committee", action="append", default=[], help="调委会名称（可重复）")
    p.add_argument("--format", choices=("xlsx", "json", "csv"), help="默认按 --out 的扩展名")
    p.add_argument("--mapping", help="列名/字段名对应 JSON 文件，如 {\"案号\": \"调解案号\"}")
    p.add_argument("--masked", action="store_true", help="遮蔽证件号码、电话、地址")
    p.add_argument("--with-documents", action="store_true", help="连同文书 PDF 写成 .zip（JSON）")
    p.add_argument("--target", default="", help="导出目标名称（记录增量导出的位置），如 县司法局")
    p.add_argument("--changed", action="store_true", help="只导出上次导出到 --target 之后有变化的案件")
    p.add_argument("--out", required=True, help="输出文件")
    p.set_defaults(func=run_export)


def _committee_id(desk: Desk, name: str | None) -> int | None:
    if not name:
        return None
    from desktop.services.reports import ReportService

    return ReportService(desk.db, desk.actor).committee_ids_by_name([name])[0]


def run_import(args: argparse.Namespace) -> int:
    path = Path(args.file)
    fmt = args.format or ("json" if path.suffix.lower() in (".json", ".zip") else "list")
    desk = login_desk(args, open_db(args))
    if fmt == "json":
        if args.dry_run:
            payload, _blobs = read_exchange(path)
            print(f"检查通过（试运行，未写入）：文件中有 {len(payload['cases'])} 件案件。")
            return 0
        imported = ExchangeService(desk.db, desk.actor).import_cases(path)
        print(imported.summary)
        return 0
    svc = ReferralService(desk.db, desk.actor)
    sheet = open_referrals(path)
    mapping = load_mapping(args.mapping, sheet.headers)
    try:
        result = svc.import_referrals(sheet, mapping, args.source, dry_run=args.dry_run,
                                      committee_id=_committee_id(desk, args.committee))
    except ReferralError as err:
        return print_problems(err, "清单", "案件")
    print(result.summary)
    for w in result.warnings[:50]:
        print(f"  提示：{w}")
    return 0


def _out(path: str, allowed: tuple[str, ...]) -> tuple[Path, str]:
    out = Path(path)
    fmt = out.suffix.lower().lstrip(".")
    if fmt not in allowed:
        raise ValidationError(f"输出文件的扩展名应为 {'、'.join('.' + a for a in allowed)}。", field="out")
    if not out.parent.is_dir():
        raise ValidationError(f"保存位置“{out.parent}”不存在，请选择已有的文件夹。", field="out")
    return out, fmt


def run_results(args: argparse.Namespace) -> int:
    out, fmt = _out(args.out, ("xlsx", "csv"))
    since = parse_date(args.since, "since")
    desk = login_desk(args, open_db(args))
    svc = ReferralService(desk.db, desk.actor)
    rows = svc.results(args.source, since)
    from desktop.services.exchange import _write_table

    _write_table(out, fmt, results_table(rows))
    with svc._write() as tx:
        tx.audit("export_results", "case", None,
                 f"导出{args.source}办理结果 {len(rows)} 件（自 {since:%Y-%m-%d}）", file=out.name)
    print(f"已导出 {len(rows)} 件案件的办理结果：{out}")
    return 0


def run_export(args: argparse.Namespace) -> int:
    out, fmt = _out(args.out, ("xlsx", "json", "csv", "zip"))
    fmt = args.format or ("json" if fmt == "zip" else fmt)
    if args.with_documents and fmt != "json":
        raise ValidationError("--with-documents 只用于 JSON 交换文件（写成 .zip）。", field="with_documents")
    date_from = parse_date(args.date_from, "from") if args.date_from else None
    date_to = parse_date(args.date_to, "to") if args.date_to else None
    if date_from and date_to and date_from > date_to:
        raise ValidationError("--from 不能晚于 --to。", field="from")
    mapping = None
    if args.mapping:
        raw = read_mapping_file(args.mapping)
        mapping = {str(k): str(v) for k, v in raw.items()}
    desk = login_desk(args, open_db(args))
    result = ExchangeService(desk.db, desk.actor).export_cases(
        out, fmt=fmt, date_from=date_from, date_to=date_to, committees=args.committee,
        masked=args.masked, with_documents=args.with_documents, target=args.target,
        changed=args.changed, mapping=mapping)
    extra = f"，含文书 {result.documents} 份" if args.with_documents else ""
    print(f"已导出 {result.cases} 件案件{extra}：{out}（{dt.date.today():%Y-%m-%d}）")
    return 0
