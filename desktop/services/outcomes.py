"""Outcomes: the written agreement (with obligations and signatures), the oral agreement,
termination with the remedies notice, reopening, and archiving the dossier."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.domain import limits, workflow
from desktop.domain.enums import AttachmentCategory, CaseStatus, OutcomeKind, Role
from desktop.domain.errors import NotFound, PermissionDenied, ValidationError
from desktop.domain.money import format_money
from desktop.services.base import Tx
from desktop.services.dto import AgreementInput, OralAgreementInput
from desktop.services.editing import CaseEditingService
from desktop.store.models import (
    Agreement,
    Attachment,
    Case,
    MediationSession,
    Obligation,
    OralAgreement,
    Party,
    Signature,
    Termination,
)

DEFAULT_REMEDIES = (
    "经调解，双方当事人未能达成调解协议，本委员会依法终止调解。当事人可以依法通过仲裁、"
    "行政、司法等途径维护自己的权利：属于劳动争议的，可以向劳动人事争议仲裁委员会申请仲裁；"
    "属于行政机关职责范围的，可以请求有关行政机关依法处理；也可以依法向人民法院提起诉讼。"
)


def _check_signature(signer_kind: str, png: bytes | None, on_paper: bool) -> None:
    if signer_kind not in ("party", "mediator"):
        raise ValidationError("签名人身份无效。", field="signer_kind")
    if not on_paper and not png:
        raise ValidationError("请先在签名板上签名。", field="png")


class OutcomeService(CaseEditingService):
    # -- written agreement -----------------------------------------------------------------
    def save_agreement(self, case_id: int, inp: AgreementInput, version: int | None = None) -> int:
        """Create or replace the agreement's text and obligations (while not yet signed)."""
        errors: dict[str, str] = {}
        if not inp.facts.strip():
            errors["facts"] = "请填写纠纷的主要事实。"
        if not inp.disputed_matters.strip():
            errors["disputed_matters"] = "请填写争议事项。"
        if not inp.obligations and not inp.other_terms.strip():
            errors["obligations"] = "请至少填写一项协议内容（履行义务）。"
        for i, o in enumerate(inp.obligations):
            if not o.content.strip():
                errors[f"obligations.{i}.content"] = f"第 {i + 1} 项义务：请填写履行内容。"
            if o.amount is not None:
                try:
                    limits.check_amount(o.amount, "amount")
                except ValidationError as err:
                    errors[f"obligations.{i}.amount"] = f"第 {i + 1} 项义务：{err.message}"
            if o.deadline is not None:
                try:
                    limits.check_date(o.deadline, "due_on", today=self.today())
                except ValidationError as err:
                    errors[f"obligations.{i}.deadline"] = f"第 {i + 1} 项义务：{err.message}"
        if inp.performance_deadline is not None:
            try:
                limits.check_date(inp.performance_deadline, "due_on", today=self.today())
            except ValidationError as err:
                errors["performance_deadline"] = err.message
        try:
            total = sum((o.amount for o in inp.obligations if o.amount is not None), Decimal(0))
            limits.check_amount(total, "total_amount", allow_zero=True)
        except (ValidationError, ArithmeticError, TypeError):
            errors.setdefault("obligations", "协议涉及金额：各项合计须在 0 至 99,999,999,999.99 元之间。")
            if o.payer_party_id is not None and o.payer_party_id == o.payee_party_id:
                errors[f"obligations.{i}.payee_party_id"] = f"第 {i + 1} 项义务：履行人和权利人不能是同一人。"
        if errors:
            raise ValidationError(next(iter(errors.values())), field=next(iter(errors)),
                                  errors=errors)
        with self._write() as tx:
            s = tx.session
            case = self._edit_case(s, case_id, "edit_agreement")
            party_ids = {p.id for p in case.parties}
            for i, o in enumerate(inp.obligations):
                # due dates are not before the case was accepted (the agreement comes later)
                limits.check_order(case.accepted_on or case.registered_at, o.deadline,
                                   f"obligations.{i}.deadline", "受理日期")
                for pid in (o.payer_party_id, o.payee_party_id):
                    if pid is not None and pid not in party_ids:
                        raise ValidationError(f"第 {i + 1} 项义务：履行人或权利人不是本案当事人。",
                                              field=f"obligations.{i}.payer_party_id")
            agreement = s.scalars(select(Agreement).where(Agreement.case_id == case.id)).first()
            if agreement is None:
                agreement = Agreement(case_id=case.id)
                s.add(agreement)
            else:
                self._check_version(agreement, version, "agreement", "调解协议",
                                    {"facts": inp.facts, "disputed_matters": inp.disputed_matters})
                if agreement.status != "draft":
                    raise ValidationError("协议已签署，不能再修改。如确需修改，请重新签订。")
            agreement.facts = inp.facts.strip()
            agreement.disputed_matters = inp.disputed_matters.strip()
            agreement.responsibilities = inp.responsibilities.strip()
            agreement.other_terms = inp.other_terms.strip()
            agreement.performance_manner = inp.performance_manner.strip()
            agreement.performance_deadline = inp.performance_deadline
            agreement.copies = len(case.parties) + 1
            agreement.obligations = [
                Obligation(seq=i + 1, content=o.content.strip(), payer_party_id=o.payer_party_id,
                           payee_party_id=o.payee_party_id, amount=o.amount,
                           manner=o.manner.strip(), deadline=o.deadline)
                for i, o in enumerate(inp.obligations)]
            agreement.total_amount = sum((o.amount or Decimal(0) for o in inp.obligations),
                                         Decimal(0))
            s.flush()
            tx.audit("save_agreement", "agreement", agreement.id,
                     f"保存调解协议（{len(inp.obligations)} 项义务，合计 "
                     f"{format_money(agreement.total_amount)}）", case_id=case.id)
            return agreement.id

    def sign(self, case_id: int, *, signer_kind: str, signer_name: str, png: bytes | None = None,
             party_id: int | None = None, user_id: int | None = None, on_paper: bool = False,
             form: str = "agreement") -> int:
        """Record one signature (a pad image, or 'signed on paper')."""
        _check_signature(signer_kind, png, on_paper)
        with self._write() as tx:
            case = self._load_case(tx.session, case_id, for_update=True)
            self._require_case_editor(case)
            return self._signature(tx, case, signer_kind, signer_name, png, party_id, user_id,
                                   on_paper, form)

    def sign_with_scan(self, case_id: int, *, signer_kind: str, signer_name: str,
                       scan_filename: str, scan_data: bytes, png: bytes | None = None,
                       party_id: int | None = None, user_id: int | None = None,
                       on_paper: bool = True, form: str = "agreement") -> int:
        """A signature on paper together with the scan of the signed page, in one
        transaction: a signature whose scan failed to store (or the reverse) never remains."""
        from desktop.services.files import attach, check_attachment

        _check_signature(signer_kind, png, on_paper)
        mime = check_attachment(scan_filename, scan_data, AttachmentCategory.SIGNED_SCAN.value)
        with self._write() as tx:
            case = self._load_case(tx.session, case_id, for_update=True)
            self._require_case_editor(case)
            attach(tx, case, scan_filename, scan_data, AttachmentCategory.SIGNED_SCAN.value,
                   mime, note=f"{signer_name.strip()} 签字")
            return self._signature(tx, case, signer_kind, signer_name, png, party_id, user_id,
                                   on_paper, form)

    def _signature(self, tx: Tx, case: Case, signer_kind: str, signer_name: str,
                   png: bytes | None, party_id: int | None, user_id: int | None,
                   on_paper: bool, form: str) -> int:
        from desktop.services.files import store_blob

        s = tx.session
        workflow.check_transition("sign", case.status, self.actor.role)
        if signer_kind == "party" and party_id not in {p.id for p in case.parties}:
            raise ValidationError("签名人不是本案当事人。", field="party_id")
        sha = store_blob(s, png) if png else None
        sig = Signature(case_id=case.id, form=form, signer_kind=signer_kind,
                        signer_name=signer_name.strip(), party_id=party_id, user_id=user_id,
                        png_sha256=sha, on_paper=on_paper,
                        recorded_by=self.actor.user_id or None)
        s.add(sig)
        s.flush()
        how = "纸质签名（在打印的协议书上）" if on_paper else "电子签名（签名板）"
        tx.audit("sign", "signature", sig.id, f"{signer_name.strip()} {how}", case_id=case.id)
        return sig.id

    def conclude_written(self, case_id: int, *, on_paper: bool = False) -> None:
        """All have signed: the agreement takes effect and the case succeeds (Art. 29).

        With ``on_paper`` the signed paper original must have been scanned and attached.
        """
        with self._write() as tx:
            s = tx.session
            case = self._edit_case(s, case_id, "succeed")
            agreement = s.scalars(select(Agreement).where(Agreement.case_id == case.id)).first()
            if agreement is None:
                raise ValidationError("请先填写调解协议。", field="agreement")
            if on_paper:
                has_scan = s.scalars(select(Attachment.id).where(
                    Attachment.case_id == case.id,
                    Attachment.category == AttachmentCategory.SIGNED_SCAN.value)).first()
                if not has_scan:
                    raise ValidationError("纸质签署的协议请先上传签字后的扫描件。", field="attachments")
            sigs = s.scalars(select(Signature).where(Signature.case_id == case.id,
                                                     Signature.form == "agreement")).all()
            if not on_paper:
                signed_parties = {g.party_id for g in sigs if g.signer_kind == "party"}
                missing = [p.name for p in case.parties if p.id not in signed_parties]
                if missing:
                    raise ValidationError(f"以下当事人尚未签名：{'、'.join(missing)}。", field="signatures")
                if not any(g.signer_kind == "mediator" for g in sigs):
                    raise ValidationError("调解员尚未签名。", field="signatures")
            today = self.today()
            agreement.status = "signed"
            agreement.signed_on_paper = on_paper
            agreement.effective_on = today
            case.status = CaseStatus.SUCCEEDED.value
            case.outcome = OutcomeKind.WRITTEN.value
            case.closed_on = today
            case.agreed_amount = agreement.total_amount
            tx.audit("succeed", "case", case.id,
                     f"调解成功，书面协议生效（{_signature_kinds(sigs, on_paper)}），"
                     f"协议金额 {format_money(agreement.total_amount)}", case_id=case.id)

    # -- oral agreement --------------------------------------------------------------------
    def record_oral(self, case_id: int, inp: OralAgreementInput) -> int:
        if not inp.content.strip():
            raise ValidationError("请记录口头协议的内容。", field="content")
        if inp.amount is not None:
            limits.check_amount(inp.amount, "amount")
        if inp.reached_on is not None:
            limits.check_date(inp.reached_on, "reached_on", today=self.today(),
                              not_after_today=True)
        with self._write() as tx:
            s = tx.session
            case = self._edit_case(s, case_id, "succeed")
            day = inp.reached_on or self.today()
            limits.check_order(case.accepted_on or case.registered_at, day, "reached_on",
                               "受理日期")
            oral = OralAgreement(case_id=case.id, facts=inp.facts.strip(),
                                 content=inp.content.strip(), performance=inp.performance.strip(),
                                 amount=inp.amount, reached_on=day)
            s.add(oral)
            case.status = CaseStatus.SUCCEEDED.value
            case.outcome = OutcomeKind.ORAL.value
            case.closed_on = day
            case.agreed_amount = inp.amount
            s.flush()
            tx.audit("succeed", "case", case.id, "调解成功，达成口头协议（自达成之日起生效）",
                     case_id=case.id)
            return oral.id

    # -- termination -----------------------------------------------------------------------
    def terminate(self, case_id: int, reason: str, remedies: str = "",
                  version: int | None = None) -> int:
        with self._write() as tx:
            s = tx.session
            case = self._edit_case(s, case_id, "terminate", reason)
            self._check_version(case, version, "case", "该案件")
            t = Termination(case_id=case.id, reason=reason.strip(),
                            remedies=remedies.strip() or DEFAULT_REMEDIES,
                            terminated_on=self.today(), user_id=self.actor.user_id or None)
            s.add(t)
            case.status = CaseStatus.TERMINATED.value
            case.outcome = OutcomeKind.TERMINATED.value
            case.closed_on = self.today()
            s.flush()
            tx.audit("terminate", "case", case.id, f"终止调解：{reason.strip()}", case_id=case.id)
            return t.id

    def reopen(self, case_id: int, reason: str) -> None:
        with self._write() as tx:
            case = self._load_case(tx.session, case_id, for_update=True)
            self._require_case_editor(case)
            workflow.check_transition("reopen", case.status, self.actor.role, reason)
            case.status = CaseStatus.MEDIATING.value
            case.outcome = None
            case.closed_on = None
            tx.audit("reopen", "case", case.id, f"恢复调解：{reason.strip()}", case_id=case.id)

    # -- archive ---------------------------------------------------------------------------
    def missing_for_archive(self, case_id: int) -> list[str]:
        with self._read() as s:
            case = self._load_case(s, case_id)
            return self._missing(s, case)

    def _missing(self, s: Session, case: Case) -> list[str]:
        missing: list[str] = []
        cats = set(s.scalars(select(Attachment.category).where(Attachment.case_id == case.id)))
        if AttachmentCategory.IDENTITY.value not in cats:
            missing.append("身份证明")
        if case.status not in (CaseStatus.REFUSED.value, CaseStatus.REFERRED.value):
            has_record = s.scalars(select(MediationSession.id).where(
                MediationSession.case_id == case.id, MediationSession.kind == "mediation")).first()
            if not has_record:
                missing.append("调解记录")
        if case.outcome == OutcomeKind.WRITTEN.value:
            agreement = s.scalars(select(Agreement).where(Agreement.case_id == case.id)).first()
            if agreement is None or agreement.status == "draft":
                missing.append("已签署的调解协议书")
        return missing

    def archive(self, case_id: int, reason: str = "") -> None:
        """Archive (read-only from now on). A dossier missing a required item needs a reason."""
        with self._write() as tx:
            s = tx.session
            case = self._load_case(s, case_id, for_update=True)
            if self.actor.role not in (Role.DIRECTOR, Role.ADMIN):
                raise PermissionDenied("只有主任或管理员可以归档。")
            if self.actor.role != Role.ADMIN and case.committee_id != self.actor.committee_id:
                raise PermissionDenied("不能归档其他调委会的案件。")
            workflow.check_transition("archive", case.status, self.actor.role)
            missing = self._missing(s, case)
            if missing and not reason.strip():
                raise ValidationError(f"卷宗缺少必备材料：{'、'.join(missing)}。请补齐，或填写情况说明后归档。",
                                      field="reason")
            case.status = CaseStatus.ARCHIVED.value
            case.archived_on = self.today()
            summary = "归档" + (f"（缺少{'、'.join(missing)}，说明：{reason.strip()}）" if missing else "")
            tx.audit("archive", "case", case.id, summary, case_id=case.id)


def effective_date(case: Case, agreement: Agreement | None) -> dt.date | None:
    return agreement.effective_on if agreement else case.closed_on


__all__ = ["DEFAULT_REMEDIES", "NotFound", "OutcomeService", "Party"]


def _signature_kinds(sigs: Sequence[Signature], on_paper: bool) -> str:
    """Who signed how, as it was done: "电子签名：王𠮷、周主任；纸质签名：刘䶮"."""
    latest: dict[tuple[str, object], Signature] = {}
    for g in sigs:  # a re-signature replaces the earlier one of the same signer
        latest[(g.signer_kind, g.party_id if g.signer_kind == "party" else g.signer_name)] = g
    pad = [g.signer_name for g in latest.values() if not g.on_paper]
    paper = [g.signer_name for g in latest.values() if g.on_paper]
    parts = ([f"电子签名：{'、'.join(pad)}"] if pad else []) + (
        [f"纸质签名：{'、'.join(paper)}"] if paper else [])
    if on_paper:
        parts.append("纸质原件扫描件已上传")
    return "；".join(parts) or ("纸质签署" if on_paper else "")

