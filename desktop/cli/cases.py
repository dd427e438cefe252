"""`case list`, `case show`, `case add`, `case accept`: cases from the command line."""

from __future__ import annotations

import argparse
import sys

from desktop.cli.common import login_desk, open_db, print_table
from desktop.domain.dates import format_date, format_datetime
from desktop.domain.enums import CaseStatus, PartyKind
from desktop.domain.errors import NotFound, ValidationError
from desktop.domain.limits import check_offset, parse_id
from desktop.domain.money import format_money
from desktop.services import Desk
from desktop.services.dto import CaseDraft, CaseQuery, PartyInput

DUE_LABELS = {"overdue": "已超期", "due_soon": "即将到期"}


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser],
             common: argparse.ArgumentParser) -> None:
    case = sub.add_parser("case", help="案件").add_subparsers(dest="case_cmd", metavar="子命令")
    p = case.add_parser("list", parents=[common], help="列出案件（最新登记在前）")
    p.add_argument("--limit", type=int, default=20)
    p.add_argument("--offset", type=int, default=0)
    p.add_argument("--search", default="", help="案号、当事人姓名、拼音首字母、证件号后四位或电话")
    p.add_argument("--status", action="append", default=[],
                   choices=[s.value for s in CaseStatus], help="按状态筛选（可重复）")
    p.add_argument("--due", choices=["overdue", "due_soon"], default="")
    p.set_defaults(func=run_list)

    p = case.add_parser("show", parents=[common], help="显示一件案件")
    p.add_argument("case", help="案号或内部编号")
    p.add_argument("--unmask", action="store_true", help="显示完整证件号和电话（记入审计）")
    p.set_defaults(func=run_show)

    p = case.add_parser("add", parents=[common], help="登记一件纠纷（两方当事人）")
    p.add_argument("--applicant", required=True, help="申请人姓名")
    p.add_argument("--applicant-id", default="", help="申请人身份证号")
    p.add_argument("--applicant-phone", default="")
    p.add_argument("--respondent", required=True, help="被申请人姓名或单位名称")
    p.add_argument("--respondent-id", default="")
    p.add_argument("--respondent-phone", default="")
    p.add_argument("--respondent-org", action="store_true", help="被申请人是单位")
    p.add_argument("--legal-rep", default="", help="被申请人单位的法定代表人")
    p.add_argument("--credit-code", default="", help="被申请人单位的统一社会信用代码")
    p.add_argument("--type", dest="dispute_type", required=True, help="纠纷类型代码，如 neighbor")
    p.add_argument("--source", default="party_apply", help="来源代码，默认 party_apply")
    p.add_argument("--referring-unit", default="")
    p.add_argument("--facts", required=True, help="纠纷简要情况")
    p.add_argument("--requests", default="", help="当事人请求")
    p.add_argument("--accept", action="store_true", help="登记后立即受理")
    p.set_defaults(func=run_add)

    p = case.add_parser("accept", parents=[common], help="受理案件（取得案号和期限）")
    p.add_argument("case", help="内部编号")
    p.set_defaults(func=run_accept)


def _resolve(desk: Desk, ref: str) -> int:
    case_id = parse_id(ref)  # ASCII digits only: "²".isdigit() is True
    if case_id is not None:
        return case_id
    case_id = desk.cases.find_by_number(ref)
    if case_id is None:
        raise NotFound(f"找不到案号为 {ref} 的案件。")
    return case_id


def run_list(args: argparse.Namespace) -> int:
    check_offset(args.offset)
    if not 1 <= args.limit <= 1000:
        raise ValidationError("每页条数：须在 1 至 1,000 之间。", field="limit")
    desk = login_desk(args, open_db(args))
    page = desk.cases.search(CaseQuery(text=args.search, statuses=args.status, due=args.due,
                                       offset=args.offset, limit=args.limit))
    rows = [[str(r.id), r.number or "（未受理）", r.party_names, r.dispute_type_label, r.status_label,
             r.mediator_name, format_date(r.registered_at),
             (format_date(r.deadline) + (" " + DUE_LABELS[r.due_state]
                                          if r.due_state in DUE_LABELS else "")) if r.deadline else ""]
            for r in page.rows]
    print_table(["编号", "案号", "当事人", "类型", "状态", "调解员", "登记日期", "调解期限"], rows,
                [7, 24, 26, 10, 8, 8, 14, 22])
    print(f"共 {page.total} 件，显示第 {page.offset + 1}–{page.offset + len(page.rows)} 件")
    return 0


def run_show(args: argparse.Namespace) -> int:
    desk = login_desk(args, open_db(args))
    c = desk.cases.get(_resolve(desk, args.case), unmask=args.unmask)
    print(f"{c.number or '（未受理）'}　{c.title}")
    print(f"状态：{c.status_label}　类型：{c.dispute_type_label}　来源：{c.source_label}"
          + (f"（{c.referring_unit} {c.referral_ref}）" if c.referring_unit else ""))
    print(f"调委会：{c.committee_name}　调解员：{c.mediator_name or '未分配'}")
    print(f"登记：{format_datetime(c.registered_at)}　受理：{format_date(c.accepted_on)}　"
          f"期限：{format_date(c.deadline)}")
    if c.joint_mask:
        print(f"联合调解：{c.joint_label}")
    print("当事人：")
    for p in c.parties:
        extra = (f"统一社会信用代码 {p.credit_code}，法定代表人 {p.legal_rep}"
                 if p.kind == PartyKind.ORGANIZATION else f"证件 {p.id_number or '—'}")
        print(f"  {p.side_label}　{p.name}　{extra}　电话 {p.phone or '—'}")
    print(f"纠纷简要情况：{c.facts}")
    if c.requests:
        print(f"当事人请求：{c.requests}")
    for m in c.sessions:
        invited = "、".join(f"{x.kind_label}{x.name}（{x.unit}）" for x in m.participants
                           if x.kind in ("police", "judicial", "lawyer", "judge", "invited"))
        print(f"第 {m.seq} 次{'调查' if m.kind == 'investigation' else '调解'}："
              f"{format_datetime(m.started_at)}，{m.place}" + (f"，参加人：{invited}" if invited else ""))
    if c.agreement:
        a = c.agreement
        print(f"调解协议（{a.status}）：合计 {format_money(a.total_amount)}")
        for o in a.obligations:
            amount = f" {format_money(o.amount)}" if o.amount is not None else ""
            print(f"  {o.seq}. {o.payer_name} → {o.payee_name}：{o.content}{amount}")
    if c.oral_agreement:
        print(f"口头协议：{c.oral_agreement.content}")
    for t in c.terminations:
        print(f"终止调解：{t.reason}")
    for f in c.follow_ups:
        print(f"回访 {format_date(f.visited_on)}：{f.performance}")
    return 0


def run_add(args: argparse.Namespace) -> int:
    desk = login_desk(args, open_db(args))
    respondent = PartyInput(args.respondent, side="respondent", id_number=args.respondent_id,
                            phone=args.respondent_phone)
    if args.respondent_org:
        respondent = PartyInput(args.respondent, side="respondent",
                                kind=PartyKind.ORGANIZATION.value, legal_rep=args.legal_rep,
                                credit_code=args.credit_code, phone=args.respondent_phone)
    parties = [PartyInput(args.applicant, side="applicant", id_number=args.applicant_id,
                          phone=args.applicant_phone), respondent]
    dups = desk.intake.find_duplicates(parties)
    for hit in dups:
        print(f"提示：可能重复的未结案件 {hit.case.number or hit.case.id}（{hit.case.party_names}）："
              + "；".join(hit.reasons))
    try:
        ref = desk.intake.register(CaseDraft(parties=parties, dispute_type=args.dispute_type,
                                             source=args.source, facts=args.facts,
                                             requests=args.requests,
                                             referring_unit=args.referring_unit))
    except ValidationError as err:
        for msg in err.errors.values() or [err.message]:
            print(f"错误：{msg}", file=sys.stderr)
        return 1
    print(f"已登记，内部编号 {ref.id}")
    if args.accept:
        ref = desk.intake.accept(ref.id, ref.version)
        print(f"已受理，案号 {ref.number}")
    return 0


def run_accept(args: argparse.Namespace) -> int:
    desk = login_desk(args, open_db(args))
    ref = desk.intake.accept(_resolve(desk, args.case))
    print(f"已受理，案号 {ref.number}")
    return 0
