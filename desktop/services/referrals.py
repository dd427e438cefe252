"""Referral import (工单/移送清单 in) and result feedback (办理结果 out).

The 12345 hotline's and the grid platform's work orders, a police station's or a court's
referral list arrive as XLSX or CSV: ``open_referrals`` reads them (services/sheets.py finds the
header under merged titles and guesses the columns from the Chinese headers, a mapping file
does the rest), ``ReferralService.check`` validates every row and names 第 N 行“列名”列 with
what to fix, and ``import_referrals`` registers one case per work order (登记, not accepted) in
one transaction — all or nothing. The identity of a work order is its source plus its number in
the referring system (``external_ref``), so importing the same list again, or a later list that
overlaps it, creates nothing twice. ``results`` gives back, per referred case, the row the
referring platform takes back (the 网格化 closed loop's 反馈): status, result, closing date,
mediator and a one-line summary, with no ID numbers or phones.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import insert, or_, select

from desktop.domain.dates import format_date
from desktop.domain.enums import OPEN_STATUSES, CaseStatus
from desktop.domain.errors import ValidationError
from desktop.services import sheets
from desktop.services.base import ServiceBase
from desktop.services.dto import CaseDraft, PartyInput
from desktop.services.intake import IntakeService
from desktop.services.sheets import ListRefused, Problem, Sheet, show
from desktop.services.terms import case_terms
from desktop.store.models import (
    Agreement,
    Case,
    Committee,
    ExternalRef,
    Lookup,
    Obligation,
    OralAgreement,
    Party,
    Referral,
    SearchTerm,
    Termination,
    User,
)

FIELDS: dict[str, tuple[str, bool, tuple[str, ...]]] = {
    "external_ref": ("工单号", True, ("工单号", "工单编号", "移送编号", "委派编号", "案件编号", "事件编号",
                                  "流水号", "受理编号", "编号", "警情编号", "单号")),
    "received_on": ("接收日期", True, ("接收日期", "派单日期", "移送日期", "委派日期", "登记日期", "来电日期",
                                   "受理日期", "上报日期", "派单时间", "来电时间", "上报时间", "报警时间",
                                   "日期")),
    "applicant": ("申请人", True, ("申请人", "来电人", "诉求人", "反映人", "当事人", "当事人甲", "报警人",
                                "申请人姓名", "来电人姓名", "原告")),
    "applicant_phone": ("申请人电话", False, ("联系电话", "来电号码", "申请人电话", "电话", "手机号码",
                                         "联系方式", "报警电话")),
    "respondent": ("被申请人", False, ("被申请人", "被反映人", "对方当事人", "当事人乙", "被反映对象",
                                   "被申请人姓名", "被告")),
    "respondent_phone": ("被申请人电话", False, ("被申请人电话", "对方电话", "被反映人电话")),
    "dispute_type": ("纠纷类型", False, ("纠纷类型", "问题类型", "诉求类型", "事件类型", "纠纷类别", "案由",
                                     "类型", "类别")),
    "facts": ("简要情况", True, ("诉求内容", "工单内容", "来电内容", "事件描述", "简要情况", "纠纷简要情况",
                             "案情简介", "简要案情", "反映内容", "主要内容", "基本情况", "警情内容")),
    "requests": ("当事人诉求", False, ("当事人诉求", "申请事项", "请求事项", "调解请求", "诉求")),
    "referring_unit": ("移送单位", False, ("移送单位", "派单单位", "委派法院", "移交单位", "交办单位",
                                       "来源单位", "派出所")),
    "address": ("地址", False, ("事发地址", "事件地址", "发生地点", "地址", "住址")),
    "people_involved": ("涉及人数", False, ("涉及人数", "人数")),
}
# What a placeholder respondent is called when a work order names only the caller: the case
# is registered, and the mediator completes the other side at intake.
UNKNOWN_RESPONDENT = "待核实"
MAX_ERRORS = 200
MAX_ROWS = 50_000


class ReferralError(ListRefused):
    """The list cannot be imported; ``problems`` names every bad row and column."""

    what = "案件"


@dataclass
class ReferralMapping:
    """Columns (field -> index) plus what a mapping file may add: the source code, the
    referring unit for every row, and the list's own type names (``{"邻里纠纷类": "neighbor"}``)."""

    columns: dict[str, int]
    source: str | None = None
    referring_unit: str = ""
    types: dict[str, str] = field(default_factory=dict)


@dataclass
class CheckedReferral:
    row: int
    ref: str
    received_on: dt.date
    draft: CaseDraft


@dataclass
class ReferralResult:
    rows: int
    new: int
    already: int  # imported before (same source and number)
    duplicates_in_file: int
    blank_rows: int
    dry_run: bool
    batch: str
    case_ids: list[int] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def summary(self) -> str:
        verb = "检查通过（试运行，未写入）" if self.dry_run else "导入完成"
        return (f"{verb}：共 {self.rows} 行，新登记 {self.new} 件，此前已导入 {self.already} 件，"
                f"文件内重复 {self.duplicates_in_file} 行，跳过空行 {self.blank_rows} 行。")


def open_referrals(path: str | Path) -> Sheet:
    return sheets.open_sheet(path, FIELDS, "工单号、来电人、诉求内容")


def guess_mapping(headers: Sequence[str]) -> dict[str, int]:
    return sheets.guess_mapping(headers, FIELDS)


def load_mapping(path: str | Path | None, headers: Sequence[str]) -> ReferralMapping:
    """The mapping file is JSON: ``{"columns": {"external_ref": "受理编号", "facts": "F"},
    "source": "hotline_12345", "referring_unit": "区12345热线", "types": {"噪音扰民": "neighbor"}}``;
    a flat ``{"external_ref": "受理编号"}`` is read as columns."""
    if path is None:
        return ReferralMapping(guess_mapping(headers))
    raw = sheets.read_mapping_file(path)
    extra = {k: raw.pop(k) for k in ("source", "referring_unit", "types") if k in raw}
    columns = raw.pop("columns", None)
    if columns is None:
        columns = raw
    elif raw:
        raise ValidationError(f"列对应文件中的“{next(iter(raw))}”未知（可用：columns、source、"
                              "referring_unit、types）。", field="mapping")
    if not isinstance(columns, dict) or not isinstance(extra.get("types", {}), dict):
        raise ValidationError("列对应文件的 columns 与 types 应为 JSON 对象。", field="mapping")
    return ReferralMapping(sheets.load_mapping(path, headers, FIELDS, raw=columns),
                           source=str(extra["source"]) if "source" in extra else None,
                           referring_unit=str(extra.get("referring_unit", "")),
                           types={str(k): str(v) for k, v in extra.get("types", {}).items()})


def _squash(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


class ReferralService(ServiceBase):
    def _lookups(self) -> tuple[list[tuple[str, str]], dict[str, str]]:
        with self._read() as s:
            rows = s.execute(select(Lookup.kind, Lookup.code, Lookup.name)
                             .where(Lookup.active.is_(True))).all()
        types = [(c, n) for k, c, n in rows if k == "dispute_type"]
        sources = {c: n for k, c, n in rows if k == "source"}
        return types, sources

    def source_choices(self) -> dict[str, str]:
        """Source code -> label, for the wizard's and the CLI's choice of source."""
        return self._lookups()[1]

    # -- checking ----------------------------------------------------------------------------
    def check(self, sheet: Sheet, mapping: ReferralMapping, source: str | None,
              today: dt.date | None = None) -> tuple[list[CheckedReferral], int]:
        """Every row checked; raises ``ReferralError`` naming each bad row and column.
        Returns the good rows (first occurrence of each number) and the in-file duplicates."""
        today = today or self.today()
        types, sources = self._lookups()
        source = source or mapping.source
        if not source:
            raise ValidationError("请指定工单来源（如 hotline_12345、grid、police_station、court_pre）。",
                                  field="source")
        if source not in sources:
            raise ValidationError(f"未知的案件来源“{source}”（可用：{'、'.join(sources)}）。",
                                  field="source")
        cols = mapping.columns
        missing = [FIELDS[f][0] for f, (_l, req, _a) in FIELDS.items() if req and f not in cols]
        if missing:
            raise ReferralError([Problem(None, m, "找不到这一必填列，请在列对应中指定。")
                                 for m in missing])
        for fname, col in cols.items():
            if not 0 <= col < len(sheet.headers):
                raise ReferralError([Problem(None, FIELDS[fname][0], f"指定的第 {col + 1} 列不存在。")])
        if len(sheet.rows) > MAX_ROWS:
            raise ValidationError(f"一次最多导入 {MAX_ROWS:,} 行，请拆分文件。", field="file")
        type_idx = sheets.type_index(types)
        for name, code in mapping.types.items():
            if code not in {c for c, _n in types}:
                raise ValidationError(f"列对应文件 types 中的纠纷类型代码“{code}”未知。", field="mapping")
            type_idx[_squash(name)] = code
        unit_default = mapping.referring_unit or sources[source]
        problems: list[Problem] = []
        count = 0
        seen: dict[str, tuple[int, str]] = {}
        dups = 0
        out: list[CheckedReferral] = []

        def bad(row: int, fname: str, msg: str) -> None:
            nonlocal count
            count += 1
            if len(problems) < MAX_ERRORS:
                problems.append(Problem(row, sheet.headers[cols[fname]] or FIELDS[fname][0], msg))

        for row, cells in sheet.rows:
            def get(fname: str, cells: list[Any] = cells) -> str:
                return show(cells[cols[fname]]) if fname in cols else ""

            before = count
            ref = _squash(get("external_ref"))
            if not ref:
                bad(row, "external_ref", "工单号为空，无法识别重复导入。")
            elif len(ref) > 100:
                bad(row, "external_ref", f"工单号过长（{len(ref)} 字，最多 100 字）。")
            received: dt.date | None = None
            raw_date = cells[cols["received_on"]]
            if show(raw_date) == "":
                bad(row, "received_on", "日期为空。")
            else:
                try:
                    received = sheets.cell_date(raw_date, "received_on")
                    if received > today:
                        bad(row, "received_on", f"日期 {format_date(received)} 晚于今天。")
                    elif received.year < 2000:
                        bad(row, "received_on", f"日期 {format_date(received)} 早于 2000 年，请核对。")
                except ValidationError as err:
                    bad(row, "received_on", err.message)
            facts = get("facts")
            if not facts:
                bad(row, "facts", "简要情况为空，请填写纠纷经过。")
            code = "other"
            if get("dispute_type"):
                found = sheets.match_type(get("dispute_type"), type_idx)
                if found is None:
                    bad(row, "dispute_type", f"纠纷类型“{get('dispute_type')}”不在本调委会的类型中"
                        f"（{'、'.join(n for _c, n in types)}），请改正或在列对应文件的 types 中对应。")
                else:
                    code = found
            people = 0
            if get("people_involved"):
                try:
                    people = int(float(get("people_involved")))
                    if not 1 <= people <= 100_000:
                        raise ValueError
                except ValueError:
                    bad(row, "people_involved", "涉及人数须为 1 至 100,000 之间的整数。")
            parties = [PartyInput(get("applicant"), side="applicant",
                                  phone=get("applicant_phone"), address=get("address")),
                       PartyInput(get("respondent") or UNKNOWN_RESPONDENT, side="respondent",
                                  phone=get("respondent_phone"))]
            unit = get("referring_unit") or unit_default
            draft = CaseDraft(parties=parties, dispute_type=code, source=source,
                              facts=facts, requests=get("requests"), referring_unit=unit,
                              referral_ref=ref, people_involved=people)
            try:
                IntakeService._check_draft(draft)
            except ValidationError as err:
                for key, message in err.errors.items() or {err.field or "": err.message}.items():
                    fname = _field_of(key)
                    if fname in cols:
                        bad(row, fname, message.split("：", 1)[-1])
                    else:
                        count += 1
                        if len(problems) < MAX_ERRORS:
                            problems.append(Problem(row, "", message))
            if count > before or received is None:
                continue
            key = ref
            fingerprint = f"{received}|{get('applicant')}|{facts}"
            if key in seen:
                first_row, first_print = seen[key]
                if first_print == fingerprint:
                    dups += 1
                    continue
                bad(row, "external_ref", f"工单号“{ref}”与第 {first_row} 行相同，但内容不同，请核对。")
                continue
            seen[key] = (row, fingerprint)
            out.append(CheckedReferral(row, ref, received, draft))
        if count:
            raise ReferralError(problems, count)
        return out, dups

    # -- importing ---------------------------------------------------------------------------
    def import_referrals(self, sheet: Sheet, mapping: ReferralMapping, source: str | None,
                         *, dry_run: bool = False, committee_id: int | None = None,
                         progress: Callable[[int, int], None] | None = None) -> ReferralResult:
        intake = IntakeService(self.db, self.actor)
        intake._check_registrar()
        checked, dups = self.check(sheet, mapping, source)
        source = source or mapping.source or ""
        batch = uuid.uuid4().hex
        result = ReferralResult(rows=len(sheet.rows), new=0, already=0, duplicates_in_file=dups,
                                blank_rows=sheet.blank_rows, dry_run=dry_run, batch=batch)
        label = self.source_choices().get(source, source)
        with self._write() as tx:
            s = tx.session
            known: set[str] = set()
            refs = [c.ref for c in checked]
            for i in range(0, len(refs), 500):
                known.update(s.scalars(select(ExternalRef.ref).where(
                    ExternalRef.source == source, ExternalRef.ref.in_(refs[i:i + 500]))))
            fresh = [c for c in checked if c.ref not in known]
            result.already = len(checked) - len(fresh)
            result.warnings = self._possible_duplicates(s, fresh)
            if dry_run:
                result.new = len(fresh)
                tx.session.rollback()
                tx.entries.clear()
                return result
            # One flush for all the cases and their parties, then the search terms and the
            # work-order numbers as two executemany inserts: 10,000 rows in seconds.
            cases = []
            # held here so the session's (weak) identity map answers each case's committee
            # check without a query
            committee = s.get(Committee, committee_id or self.actor.committee_id or 0)
            for c in fresh:
                c.draft.committee_id = committee_id
                case = intake._new_case(tx, c.draft)
                case.registered_at = dt.datetime.combine(c.received_on, dt.time(9, 0))
                cases.append(case)
            s.add_all(cases)
            s.flush()
            terms, refs_rows = [], []
            for n, (c, case) in enumerate(zip(fresh, cases, strict=True), start=1):
                intake._audit_registered(
                    tx, case, c.draft,
                    f"从{label}导入登记：{c.draft.parties[0].name}等（工单号 {c.ref}）")
                terms += [{"case_id": case.id, "term": t, "committee_id": case.committee_id,
                           "registered_at": case.registered_at, "status": case.status,
                           "mediator_id": case.mediator_id}
                          for t in sorted(case_terms(
                    None, None, None, [(p.name, p.id_number, p.phone, p.credit_code)
                                       for p in c.draft.parties]))]
                refs_rows.append({"source": source, "ref": c.ref, "case_id": case.id,
                                  "batch": batch, "imported_at": dt.datetime.now()})
                result.case_ids.append(case.id)
                if progress and n % 500 == 0:
                    progress(n, len(fresh))
            if terms:
                s.execute(insert(SearchTerm), terms)
            if refs_rows:
                s.execute(insert(ExternalRef), refs_rows)
            del committee
            result.new = len(fresh)
            tx.audit("import_referrals", "case", None,
                     f"导入{label}工单：新登记 {result.new} 件，此前已导入 {result.already} 件",
                     file=sheet.name, batch=batch, new=result.new, already=result.already)
        return result

    def _possible_duplicates(self, s: Any, rows: Sequence[CheckedReferral]) -> list[str]:
        """Open cases sharing a name or a phone with an imported row, as the intake's own
        duplicate check would show them: a warning, not a refusal."""
        names = {p.name for r in rows for p in r.draft.parties if p.name != UNKNOWN_RESPONDENT}
        phones = {p.phone for r in rows for p in r.draft.parties if p.phone}
        if not (names or phones):
            return []
        hits: dict[str, set[str]] = {}
        open_values = [st.value for st in OPEN_STATUSES]
        keys = sorted(names) + sorted(phones)
        for i in range(0, len(keys), 400):
            part = keys[i:i + 400]
            stmt = (select(Party.name, Party.phone, Case.number, Case.title)
                    .join(Case, Case.id == Party.case_id)
                    .where(Case.status.in_(open_values),
                           or_(Party.name.in_(part), Party.phone.in_(part))))
            if not self.actor.spans_deployment:
                stmt = stmt.where(Case.committee_id == self.actor.committee_id)
            for name, phone, number, title in s.execute(stmt):
                label = number or f"未受理的“{title}”"
                hits.setdefault(name, set()).add(label)
                if phone:
                    hits.setdefault(phone, set()).add(label)
        out = []
        for r in rows:
            found = sorted({c for p in r.draft.parties for k in (p.name, p.phone) if k
                            for c in hits.get(k, ())})
            if found:
                out.append(f"第 {r.row} 行（工单号 {r.ref}）：可能与已有未结案件重复（{'、'.join(found[:3])}），"
                           "导入后请在登记中核对。")
        return out

    # -- result feedback ---------------------------------------------------------------------
    def results(self, source: str, since: dt.date) -> list[dict[str, str]]:
        """One row per case referred from ``source`` and changed since ``since``: what the
        referring platform takes back. No ID numbers, phones or addresses."""
        if source not in self.source_choices():
            raise ValidationError(f"未知的案件来源“{source}”。", field="source")
        with self._read() as s:
            stmt = (select(Case, ExternalRef.ref, User.display_name)
                    .join(ExternalRef, ExternalRef.case_id == Case.id)
                    .outerjoin(User, User.id == Case.mediator_id)
                    .where(ExternalRef.source == source,
                           Case.updated_at >= dt.datetime.combine(since, dt.time()))
                    .order_by(ExternalRef.ref))
            if not self.actor.spans_deployment:
                stmt = stmt.where(Case.committee_id == self.actor.committee_id)
            out = []
            for case, ref, mediator in s.execute(stmt):
                out.append({
                    "工单号": ref, "案号": case.number or "", "状态": CaseStatus(case.status).label,
                    "办理结果": _result(case), "办结日期": format_date(case.closed_on),
                    "调解员": mediator or "", "办理情况": _one_line(s, case),
                    "反馈日期": format_date(self.today()),
                })
        return out


RESULT_COLUMNS = ("工单号", "案号", "状态", "办理结果", "办结日期", "调解员", "办理情况", "反馈日期")


def _field_of(key: str) -> str:
    """An intake error key (``parties.1.phone``, ``facts``) as a referral column."""
    if key.startswith("parties."):
        _p, index, what = (key.split(".") + ["", ""])[:3]
        side = "applicant" if index == "0" else "respondent"
        return f"{side}_phone" if what == "phone" else side
    return key


def _result(case: Case) -> str:
    if case.status == CaseStatus.REFUSED.value:
        return "不予受理"
    if case.status == CaseStatus.REFERRED.value:
        return "移送"
    if case.outcome in ("written", "oral"):
        return "调解成功"
    if case.status == CaseStatus.TERMINATED.value or case.outcome == "terminated":
        return "调解终止"
    return "办理中"


def _one_line(s: Any, case: Case) -> str:
    """A one-line summary of how the case ended, from the agreement or the termination."""
    if case.outcome == "written":
        agreement = s.scalar(select(Agreement).where(Agreement.case_id == case.id))
        if agreement is not None:
            first = s.scalar(select(Obligation.content).where(
                Obligation.agreement_id == agreement.id).order_by(Obligation.seq).limit(1))
            return _clip(f"经调解达成书面协议{('：' + first) if first else ''}")
    if case.outcome == "oral":
        oral = s.scalar(select(OralAgreement.content).where(OralAgreement.case_id == case.id))
        return _clip(f"经调解达成口头协议{('：' + oral) if oral else ''}")
    if case.status == CaseStatus.TERMINATED.value:
        reason = s.scalar(select(Termination.reason).where(Termination.case_id == case.id))
        return _clip(f"调解终止{('：' + reason) if reason else ''}，已告知当事人其他救济途径")
    referred = s.scalar(select(Referral.to_body).where(Referral.case_id == case.id).limit(1))
    if referred:
        return _clip(f"已移送{referred}")
    if case.status == CaseStatus.REFUSED.value:
        return _clip(f"不予受理{('：' + case.refuse_reason) if case.refuse_reason else ''}")
    return "正在调解" if case.accepted_on else "已登记，待受理"


def _clip(text: str, n: int = 80) -> str:
    line = " ".join(text.split())
    return line if len(line) <= n else line[: n - 1] + "…"


def results_table(rows: Sequence[Mapping[str, str]]) -> list[list[str]]:
    return [list(RESULT_COLUMNS)] + [[r[c] for c in RESULT_COLUMNS] for r in rows]
