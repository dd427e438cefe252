"""Mediation and investigation sessions (调解记录 / 调查记录) with their participants."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import CursorResult, Integer, Table, bindparam, insert, select
from sqlalchemy.orm import Session

from desktop.domain import validators, workflow
from desktop.domain.dates import format_datetime
from desktop.domain.enums import (
    PARTICIPANT_JOINT_FLAG,
    CaseStatus,
    JointKind,
    ParticipantKind,
    ParticipationRole,
    SessionKind,
)
from desktop.domain.errors import ValidationError
from desktop.services.dto import SessionInput
from desktop.services.editing import CaseEditingService, case_row_reads
from desktop.store.guard import check_row
from desktop.store.models import Case, MediationSession, SessionParticipant

# built once (building a statement cost about as much CPU as running it)
# a new record's number and the case's participants so far, in one read: its number is the
# last one plus one, and the case's joint mask is that of all its participants, these and
# the new record's (the case is locked, so no other record comes in between)
_SEQS_AND_KINDS = select(MediationSession.seq, SessionParticipant.kind).outerjoin(
    SessionParticipant).where(MediationSession.case_id == bindparam("case_id", type_=Integer))
_PARTICIPANT_KINDS = select(SessionParticipant.kind).join(MediationSession).where(
    MediationSession.case_id == bindparam("case_id", type_=Integer))
# a new record and its participants are written with Core, not through the ORM's unit of work
# (half the CPU of a save went to it); the store's guard is called on each row, as its
# before_flush hook does for ORM rows. Sessions move no report figure.
_SESSION_TABLE = cast(Table, MediationSession.__table__)  # declarative maps each to one Table
_PARTICIPANT_TABLE = cast(Table, SessionParticipant.__table__)
_INSERT_SESSION = insert(_SESSION_TABLE)
_INSERT_PARTICIPANTS = insert(_PARTICIPANT_TABLE)

# the case as a new record reads it (locked) and may change it: its joint mask, and 已受理 →
# 调解中 at the first mediation: two columns and its scope, not the whole case as an object
_RECORD_CASE_LOCKED, _RECORD_CASE = case_row_reads("joint_mask")

INVITED = {ParticipantKind.POLICE, ParticipantKind.JUDICIAL, ParticipantKind.LAWYER,
           ParticipantKind.JUDGE, ParticipantKind.INVITED}


def content_missing(kind: str) -> str:
    """The refusal of a record without its 调解过程 (for an investigation: what was found)."""
    if kind == SessionKind.INVESTIGATION:
        return "请填写调解过程：本次调查了解到的情况（调查记录必须载明）。"
    return "请填写调解过程：各方陈述、调解员释法说理等经过（调解记录必须载明）。"


def validate_session(inp: SessionInput) -> None:
    errors: dict[str, str] = {}
    try:
        SessionKind(inp.kind)
    except ValueError:
        errors["kind"] = "记录类型无效。"
    if not inp.place.strip():
        errors["place"] = "请填写调解（调查）地点。"
    if inp.ended_at and inp.ended_at < inp.started_at:
        errors["ended_at"] = "结束时间不能早于开始时间。"
    for i, p in enumerate(inp.participants):
        key = f"participants.{i}."
        try:
            kind = ParticipantKind(p.kind)
            ParticipationRole(p.role)
        except ValueError:
            errors[key + "kind"] = f"第 {i + 1} 位参加人的身份或角色无效。"
            continue
        if not p.name.strip():
            errors[key + "name"] = f"第 {i + 1} 位参加人请填写姓名。"
        if kind in INVITED and kind != ParticipantKind.INVITED and not p.unit.strip():
            errors[key + "unit"] = f"{p.name or kind.label}：请填写所在单位（如××派出所、××律师事务所）。"
        if kind == ParticipantKind.LAWYER and p.number:
            try:
                validators.validate_lawyer_licence(p.number)
            except ValidationError as exc:
                errors[key + "number"] = f"{p.name}：{exc.message}"
    if inp.kind == SessionKind.MEDIATION and not any(
            p.kind == ParticipantKind.MEDIATOR for p in inp.participants):
        errors["participants"] = "调解记录至少要有一名调解员参加。"
    # 人民调解记录 and 调查记录 both record what happened (人民调解法 Art. 27; the Ministry's
    # forms: "调解过程" / "调查内容"): a record without it is an empty form with signatures
    if not inp.content.strip():
        errors["content"] = content_missing(inp.kind)
    if errors:
        raise ValidationError(next(iter(errors.values())), field=next(iter(errors)), errors=errors)


def joint_mask_of(kinds: list[str]) -> int:
    mask = JointKind.NONE
    for k in kinds:
        mask |= PARTICIPANT_JOINT_FLAG.get(ParticipantKind(k), JointKind.NONE)
    return int(mask)


class SessionService(CaseEditingService):
    def add(self, case_id: int, inp: SessionInput) -> int:
        validate_session(inp)
        with self._write() as tx:
            s = tx.session
            case = self._edit_case_row(s, _RECORD_CASE_LOCKED, _RECORD_CASE, case_id,
                                       "add_session")
            so_far = s.execute(_SEQS_AND_KINDS, {"case_id": case.id}).all()
            seq = max((r[0] for r in so_far), default=0) + 1
            row = dict(case_id=case.id, seq=seq, kind=inp.kind, started_at=inp.started_at,
                       ended_at=inp.ended_at, place=inp.place.strip(),
                       interviewee=inp.interviewee.strip(), content=inp.content.strip(),
                       result=inp.result.strip(), agreed=inp.agreed,
                       recorder=inp.recorder.strip(), created_by=self.actor.user_id or None)
            people = [dict(kind=p.kind, role=p.role, name=p.name.strip(), unit=p.unit.strip(),
                           title=p.title.strip(), number=p.number.strip(), user_id=p.user_id,
                           party_id=p.party_id) for p in inp.participants]
            check_row(_SESSION_TABLE, row)  # every row checked before any is written
            for person in people:
                check_row(_PARTICIPANT_TABLE, person)
            made = cast(CursorResult[Any], s.execute(_INSERT_SESSION, row))
            session_id = int(made.inserted_primary_key[0])  # type: ignore[index]
            if people:
                s.execute(_INSERT_PARTICIPANTS, [dict(person, session_id=session_id)
                                                 for person in people])
            changes: dict[str, Any] = {}
            mask = joint_mask_of([r[1] for r in so_far if r[1] is not None]
                                 + [p.kind for p in inp.participants])
            if mask != case.joint_mask:
                changes["joint_mask"] = mask
            if case.status == CaseStatus.ACCEPTED.value and inp.kind == SessionKind.MEDIATION:
                changes["status"] = CaseStatus.MEDIATING.value
            if changes:  # most records change neither: the case row is left alone
                self._write_case_row(s, case, changes)
            invited = [f"{p.unit}{ParticipantKind(p.kind).label}{p.name}" for p in inp.participants
                       if ParticipantKind(p.kind) in INVITED]
            tx.audit("add_session", "session", session_id,
                     f"第 {seq} 次{SessionKind(inp.kind).label}（{format_datetime(inp.started_at)}，"
                     f"{inp.place.strip()}）" + (f"，参加人：{'、'.join(invited)}" if invited else ""),
                     case_id=case.id)
            return session_id

    def update(self, session_id: int, version: int, inp: SessionInput) -> None:
        validate_session(inp)
        with self._write() as tx:
            s = tx.session
            m, case = self._edit_row(s, MediationSession, session_id, "该调解记录不存在。")
            workflow.check_transition("add_session", case.status, self.actor.role)
            self._check_version(m, version, "session", f"第 {m.seq} 次记录",
                                {"place": inp.place, "content": inp.content, "result": inp.result})
            m.kind, m.started_at, m.ended_at = inp.kind, inp.started_at, inp.ended_at
            m.place, m.content, m.result = inp.place.strip(), inp.content.strip(), inp.result.strip()
            m.agreed, m.recorder, m.interviewee = inp.agreed, inp.recorder.strip(), inp.interviewee
            m.participants = [SessionParticipant(kind=p.kind, role=p.role, name=p.name.strip(),
                                                 unit=p.unit.strip(), title=p.title.strip(),
                                                 number=p.number.strip(), user_id=p.user_id,
                                                 party_id=p.party_id) for p in inp.participants]
            s.flush()
            self._refresh_joint(case)
            tx.audit("update_session", "session", m.id, f"修改第 {m.seq} 次记录", case_id=case.id)

    def _refresh_joint(self, case: Case) -> None:
        s = self._session_of(case)
        kinds = list(s.scalars(_PARTICIPANT_KINDS, {"case_id": case.id}))
        case.joint_mask = joint_mask_of(kinds)

    @staticmethod
    def _session_of(obj: object) -> Session:
        from sqlalchemy.orm import object_session

        s = object_session(obj)
        assert s is not None
        return s
