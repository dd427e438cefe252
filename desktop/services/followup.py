"""After the agreement: follow-up visits (回访), judicial confirmation (司法确认, Art. 33) and
risk flags with their escalation record (Art. 25)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from desktop.domain import deadlines
from desktop.domain.dates import format_date
from desktop.domain.enums import (
    ConfirmationRuling,
    FollowUpMethod,
    Performance,
    RiskKind,
    RiskLevel,
    Satisfaction,
)
from desktop.domain.errors import NotFound, ValidationError
from desktop.services.dto import FollowUpInput, RiskInput
from desktop.services.editing import CaseEditingService
from desktop.store.models import Agreement, FollowUp, JudicialConfirmation, OralAgreement, RiskFlag

LEVEL_ORDER = {"low": 0, "medium": 1, "high": 2}


class FollowUpService(CaseEditingService):
    def add(self, case_id: int, inp: FollowUpInput) -> int:
        errors: dict[str, str] = {}
        if not inp.performance:
            errors["performance"] = "请选择履行情况。"
        if not inp.satisfaction:
            errors["satisfaction"] = "请选择当事人满意度。"
        if errors:
            raise ValidationError("".join(errors.values()), field=next(iter(errors)),
                                  errors=errors)
        for field, enum, label in (("method", FollowUpMethod, "回访方式"),
                                   ("performance", Performance, "履行情况"),
                                   ("satisfaction", Satisfaction, "满意度")):
            try:
                enum(getattr(inp, field))
            except ValueError:
                raise ValidationError(f"{label}无效，请重新选择。", field=field) from None
        if inp.visited_on > self.today():
            raise ValidationError("回访日期不能晚于今天。", field="visited_on")
        if inp.next_due and inp.next_due <= inp.visited_on:
            raise ValidationError("下次回访日期应晚于本次回访。", field="next_due")
        with self._write() as tx:
            s = tx.session
            case = self._edit_case(s, case_id, "follow_up")
            f = FollowUp(case_id=case.id, visited_on=inp.visited_on, method=inp.method,
                         performance=inp.performance, satisfaction=inp.satisfaction,
                         lawsuit=inp.lawsuit, escalation_risk=inp.escalation_risk,
                         findings=inp.findings.strip(), action=inp.action.strip(),
                         visitor=inp.visitor.strip() or self.actor.display_name,
                         next_due=inp.next_due, user_id=self.actor.user_id or None)
            s.add(f)
            s.flush()
            tx.audit("follow_up", "follow_up", f.id,
                     f"{FollowUpMethod(inp.method).label}：{Performance(inp.performance).label}，"
                     f"{Satisfaction(inp.satisfaction).label}", case_id=case.id)
            return f.id


class ConfirmationService(CaseEditingService):
    def apply(self, case_id: int, court: str, filed_on: dt.date, notes: str = "") -> int:
        """Record the parties' joint application; it must be within 30 days of effect."""
        if not court.strip():
            raise ValidationError("请填写受理司法确认的人民法院。", field="court")
        with self._write() as tx:
            s = tx.session
            case = self._edit_case(s, case_id, "confirm")
            agreement = s.scalars(select(Agreement).where(Agreement.case_id == case.id)).first()
            oral = s.scalars(select(OralAgreement).where(OralAgreement.case_id == case.id)).first()
            effective = (agreement.effective_on if agreement else None) or (
                oral.reached_on if oral else None)
            if effective is None:
                raise ValidationError("协议尚未生效，不能申请司法确认。", field="filed_on")
            last = deadlines.confirmation_deadline(effective)
            if filed_on > last:
                raise ValidationError(
                    f"已超过申请期限：应自协议生效之日起 30 日内（即 {format_date(last)} 前）共同申请。",
                    field="filed_on")
            if filed_on < effective:
                raise ValidationError("申请日期不能早于协议生效日期。", field="filed_on")
            if s.scalars(select(JudicialConfirmation).where(
                    JudicialConfirmation.case_id == case.id)).first():
                raise ValidationError("本案已登记过司法确认申请。", field="court")
            c = JudicialConfirmation(case_id=case.id, court=court.strip(), filed_on=filed_on,
                                     notes=notes.strip())
            s.add(c)
            s.flush()
            tx.audit("confirm_apply", "confirmation", c.id, f"双方共同向{court.strip()}申请司法确认",
                     case_id=case.id)
            return c.id

    def record_ruling(self, case_id: int, ruling: str, ruling_on: dt.date, ruling_number: str = "",
                      version: int | None = None) -> None:
        try:
            label = ConfirmationRuling(ruling).label
        except ValueError:
            raise ValidationError("裁定结果无效。", field="ruling") from None
        with self._write() as tx:
            s = tx.session
            case = self._load_case(s, case_id, for_update=True)
            self._require_case_editor(case)
            c = s.scalars(select(JudicialConfirmation).where(
                JudicialConfirmation.case_id == case.id)).first()
            if c is None:
                raise NotFound("本案没有司法确认申请。")
            self._check_version(c, version, "confirmation", "司法确认记录")
            if ruling_on < c.filed_on:
                raise ValidationError("裁定日期不能早于申请日期。", field="ruling_on")
            c.ruling, c.ruling_on, c.ruling_number = ruling, ruling_on, ruling_number.strip()
            tx.audit("confirm_ruling", "confirmation", c.id, f"司法确认结果：{label} {ruling_number}",
                     case_id=case.id)


class RiskService(CaseEditingService):
    def flag(self, case_id: int, inp: RiskInput) -> int:
        try:
            RiskKind(inp.kind)
            RiskLevel(inp.level)
        except ValueError:
            raise ValidationError("风险类型或等级无效。", field="kind") from None
        if inp.people < 0:
            raise ValidationError("涉及人数不能为负数。", field="people")
        with self._write() as tx:
            s = tx.session
            case = self._edit_case(s, case_id, "flag_risk")
            now = dt.datetime.now().replace(microsecond=0)
            r = RiskFlag(case_id=case.id, kind=inp.kind, level=inp.level,
                         description=inp.description.strip(), people=inp.people,
                         measures=inp.measures.strip(), reported_to_police=inp.reported_to_police,
                         reported_at=now if inp.reported_to_police else None,
                         flagged_on=self.today(), user_id=self.actor.user_id or None)
            s.add(r)
            if LEVEL_ORDER[inp.level] >= LEVEL_ORDER.get(case.risk_level or "", -1):
                case.risk_level = inp.level
            s.flush()
            tx.audit("flag_risk", "risk", r.id,
                     f"登记风险：{RiskKind(inp.kind).label}（{RiskLevel(inp.level).label}，{inp.people} 人）"
                     + ("，已报告公安机关" if inp.reported_to_police else ""), case_id=case.id)
            return r.id

    def resolve(self, risk_id: int, prevented: bool, version: int | None = None) -> None:
        """Close a risk: ``prevented`` counts it in 防止民转刑 / 防止群体性上访."""
        with self._write() as tx:
            s = tx.session
            r, case = self._edit_row(s, RiskFlag, risk_id, "该风险记录不存在。")
            self._check_version(r, version, "risk", "风险记录")
            r.resolved_on, r.prevented = self.today(), prevented
            open_levels = [x.level for x in s.scalars(select(RiskFlag).where(
                RiskFlag.case_id == case.id, RiskFlag.resolved_on.is_(None)))]
            case.risk_level = max(open_levels, key=LEVEL_ORDER.__getitem__) if open_levels else None
            tx.audit("resolve_risk", "risk", r.id,
                     "风险化解" + ("，成功防止激化" if prevented else ""), case_id=case.id)
