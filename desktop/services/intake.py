"""Intake: register a dispute, check for duplicates, accept (number + deadline) or refuse,
edit the case and its parties, assign mediators, extend the time limit, refer elsewhere."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import fields
from typing import Protocol, cast

from sqlalchemy import Table, delete, or_, select, update
from sqlalchemy import case as sql_case
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from desktop.domain import deadlines, limits, workflow
from desktop.domain.dates import format_date
from desktop.domain.enums import (
    OPEN_STATUSES,
    REFERRAL_SOURCES,
    CaseStatus,
    IdType,
    PartyKind,
    PartySide,
    Role,
    Sex,
)
from desktop.domain.errors import InvalidTransition, NotFound, PermissionDenied, ValidationError
from desktop.domain.masking import mask_id_number, mask_phone
from desktop.domain.numbering import format_case_number
from desktop.domain.validators import (
    validate_credit_code,
    validate_id_number,
    validate_person_name,
    validate_phone,
)
from desktop.services.base import Tx
from desktop.services.dto import CaseDraft, CaseRef, CaseUpdate, DuplicateHit, PartyInput
from desktop.services.editing import CaseEditingService, case_row_reads
from desktop.services.terms import case_terms
from desktop.store.models import (
    Case,
    Committee,
    Extension,
    Lookup,
    NumberCounter,
    Party,
    Referral,
    SearchTerm,
    User,
)

CASE_LABELS = {
    "title": "案由", "dispute_type": "纠纷类型", "source": "案件来源", "referring_unit": "移送单位",
    "referral_ref": "移送文号", "facts": "纠纷简要情况", "requests": "当事人请求",
    "amount_claimed": "涉及金额", "people_involved": "涉及人数",
}


# the case form's edit (``update_case``): what it reads with the case locked
_EDIT_LOCKED, _EDIT = case_row_reads("number", *(f.name for f in fields(CaseUpdate)))


def case_value_errors(amount_claimed: object, people_involved: object) -> dict[str, str]:
    """The range rules of a case's numbers (domain limits), as field → message."""
    errors: dict[str, str] = {}
    for field, value, check in (("amount_claimed", amount_claimed, limits.check_amount),
                                ("people_involved", people_involved, limits.check_people)):
        if value is not None:
            try:
                check(value, field)
            except ValidationError as err:
                errors[field] = err.message
    return errors


def validate_party(p: PartyInput, index: int) -> PartyInput:
    """Normalise one party; errors name the field as ``parties.<index>.<field>``."""
    prefix = f"parties.{index}."
    who = f"第 {index + 1} 位当事人"
    errors: dict[str, str] = {}

    def check(field: str, fn: Callable[[], object]) -> None:
        try:
            fn()
        except ValidationError as err:
            errors[prefix + field] = f"{who}：{err.message}"

    try:
        PartySide(p.side)
    except ValueError:
        errors[prefix + "side"] = f"{who}：请选择当事人身份（申请人/被申请人）。"
    if p.kind == PartyKind.ORGANIZATION:
        if not p.name.strip():
            errors[prefix + "name"] = f"{who}：请填写单位名称。"
        p.name = p.name.strip()
        if p.credit_code:
            check("credit_code", lambda: setattr(p, "credit_code", validate_credit_code(p.credit_code)))
        if not p.legal_rep.strip():
            errors[prefix + "legal_rep"] = f"{who}：请填写法定代表人或负责人。"
    elif p.kind == PartyKind.PERSON:
        check("name", lambda: setattr(p, "name", validate_person_name(p.name)))
        if p.id_number.strip():
            def _id() -> None:
                p.id_number = validate_id_number(p.id_type or IdType.RESIDENT, p.id_number)
                if (p.id_type or "resident") == IdType.RESIDENT:
                    from desktop.domain.validators import validate_resident_id

                    rid = validate_resident_id(p.id_number)
                    if p.birth_date is None:
                        p.birth_date = rid.birth_date
                    if not p.sex:
                        p.sex = rid.sex.value
                    elif p.sex != rid.sex.value:
                        raise ValidationError(
                            f"性别与身份证号码不符（号码显示为{rid.sex.label}性）。")
            check("id_number", _id)
        if p.sex:
            try:
                Sex(p.sex)
            except ValueError:
                errors[prefix + "sex"] = f"{who}：性别无效。"
    else:
        errors[prefix + "kind"] = f"{who}：当事人类型无效。"
    if p.phone.strip():
        check("phone", lambda: setattr(p, "phone", validate_phone(p.phone)))
    if p.agent_phone.strip():
        check("agent_phone", lambda: setattr(p, "agent_phone", validate_phone(p.agent_phone)))
    if errors:
        first = next(iter(errors.values()))
        raise ValidationError(first, field=next(iter(errors)), errors=errors)
    return p


def _party_row(p: PartyInput, order: int) -> dict[str, object]:
    return dict(sort_order=order, side=p.side, kind=p.kind, name=p.name, sex=p.sex or None,
                ethnicity=p.ethnicity.strip(), birth_date=p.birth_date, id_type=p.id_type,
                id_number=p.id_number, occupation=p.occupation.strip(),
                address=p.address.strip(), phone=p.phone, credit_code=p.credit_code,
                legal_rep=p.legal_rep.strip(), legal_rep_title=p.legal_rep_title.strip(),
                agent_name=p.agent_name.strip(), agent_phone=p.agent_phone,
                agent_relation=p.agent_relation.strip())


class NamedParty(Protocol):
    """What a case title needs of a party: a stored one, a form's, or a demo row's."""

    @property
    def name(self) -> str: ...

    @property
    def side(self) -> str: ...


def party_names(parties: Sequence[NamedParty]) -> str:
    sides: dict[str, list[str]] = {}
    for p in parties:
        sides.setdefault(p.side, []).append(p.name)
    left = "、".join(sides.get("applicant", []) + sides.get("party", []))
    right = "、".join(sides.get("respondent", []))
    return f"{left} 与 {right}"[:400] if right else left[:400]


def refresh_terms(session: Session, case: Case) -> None:
    """Rebuild a case's search terms after its number or parties changed."""
    session.execute(delete(SearchTerm).where(SearchTerm.case_id == case.id))
    add_terms(session, case, case_terms(case.number, case.number_seq, case.number_year,
                                        _term_parties(case)))


def add_terms(session: Session, case: Case, terms: set[str]) -> None:
    """Store ``terms`` for ``case`` (none of them stored yet)."""
    # with the case's committee, registration time, status, mediator: the list reads its page
    # order from the term index alone (migration 0016)
    session.add_all(SearchTerm(case_id=case.id, term=t, committee_id=case.committee_id,
                               registered_at=case.registered_at, status=case.status,
                               mediator_id=case.mediator_id)
                    for t in sorted(terms))


def _term_parties(case: Case) -> list[tuple[str, str, str, str]]:
    return [(p.name, p.id_number, p.phone, p.credit_code) for p in case.parties]


def _check_lookup(session: Session, kind: str, code: str, field: str, what: str) -> None:
    # a code that is not text, or holds a NUL, is no code: refused before PostgreSQL refuses
    # the parameter itself (which read as a bare database error there, 请选择… on SQLite)
    if not isinstance(code, str) or "\x00" in code or not session.scalars(
            select(Lookup.id).where(Lookup.kind == kind, Lookup.code == code,
                                    Lookup.active.is_(True))).first():
        raise ValidationError(f"请选择{what}。", field=field)


def _check_mediator(session: Session, user_id: int, committee_id: int) -> None:
    """The user may be named the case's mediator (承办调解员): an active mediator or director
    of the committee that handles the case. An id no user can have is refused the same way
    on both backends (PostgreSQL would refuse the parameter itself, as 找不到该记录)."""
    user = session.get(User, user_id) if limits.is_id(user_id) else None
    if user is None or not user.active or user.role not in (Role.MEDIATOR.value,
                                                            Role.DIRECTOR.value) \
            or user.committee_id != committee_id:
        raise ValidationError("承办调解员：所选人员不是本调委会可用的调解员，请重新选择。",
                              field="mediator_id")


def next_case_number(session: Session, committee: Committee, year: int, *, postgres: bool) -> int:
    """Take the next sequence number for (committee, year), locking the counter row.

    The counter row is then held until this transaction ends: a second desk's acceptance in
    the same committee waits for it, so numbers are unique and — since the counter rolls back
    with a failed acceptance — gapless. Call it as late as the transaction allows
    (``Tx.at_last``): every statement after it is time the committee's other desks wait.

    On PostgreSQL one statement creates the row or moves it on and returns the number
    (INSERT … ON CONFLICT DO UPDATE … RETURNING, safe under races); on SQLite, where the
    transaction holds the whole database's write lock anyway, the row is created if missing
    and then read and moved (RETURNING needs SQLite 3.35, newer than some desks' systems).
    """
    if postgres:
        ins = pg_insert(NumberCounter).values(committee_id=committee.id, year=year, last_seq=1)
        return int(session.execute(ins.on_conflict_do_update(
            index_elements=[NumberCounter.committee_id, NumberCounter.year],
            set_={"last_seq": NumberCounter.last_seq + 1}).returning(NumberCounter.last_seq)
        ).scalar_one())
    session.execute(sqlite_insert(NumberCounter).values(
        committee_id=committee.id, year=year, last_seq=0).on_conflict_do_nothing())
    counter = session.scalars(select(NumberCounter).where(
        NumberCounter.committee_id == committee.id, NumberCounter.year == year
    ).with_for_update()).one()
    counter.last_seq += 1
    return counter.last_seq


def write_number(session: Session, case: Case, year: int, seq: int, number: str) -> None:
    """Store the number of a case this transaction holds and has already saved (an acceptance's
    last step): one UPDATE of the three columns, in place, so that the acceptance stays one
    version of the case, as the conflict messages count them. The row is held since the
    service loaded it for update, so nobody's save can come between."""
    table = cast(Table, Case.__table__)  # declarative maps it to one Table
    session.connection().execute(update(table).where(table.c.id == case.id).values(
        number=number, number_year=year, number_seq=seq))
    for name, value in (("number", number), ("number_year", year), ("number_seq", seq)):
        set_committed_value(case, name, value)


def raise_counters(session: Session, floors: Mapping[tuple[int, int], int], *,
                   postgres: bool) -> None:
    """Move each (committee, year) counter up to at least its floor (cases imported with
    their numbers): the next acceptance then continues after them. Like ``next_case_number``
    a step for the end of the transaction (``Tx.at_last``); counters in key order."""
    for (committee_id, year), seq in sorted(floors.items()):
        ins = (pg_insert if postgres else sqlite_insert)(NumberCounter).values(
            committee_id=committee_id, year=year, last_seq=seq)
        session.execute(ins.on_conflict_do_update(
            index_elements=[NumberCounter.committee_id, NumberCounter.year],
            set_={"last_seq": sql_case((ins.excluded.last_seq > NumberCounter.last_seq,
                                        ins.excluded.last_seq), else_=NumberCounter.last_seq)}))


class IntakeService(CaseEditingService):
    # -- registering -----------------------------------------------------------------------
    def register(self, draft: CaseDraft) -> CaseRef:
        self._check_registrar()
        self._check_draft(draft)
        with self._write() as tx:
            case = self._insert_case(tx, draft)
            return CaseRef(case.id, case.version, None, case.status)

    def _check_registrar(self) -> None:
        if self.actor.role not in (Role.MEDIATOR, Role.DIRECTOR, Role.ADMIN):
            raise PermissionDenied("只读账号不能登记案件。")

    @staticmethod
    def _check_draft(draft: CaseDraft) -> None:
        """Every rule a registration must meet that needs no database; raises with all errors."""
        errors: dict[str, str] = {}
        if len(draft.parties) < 2:
            errors["parties"] = "纠纷至少有两方当事人，请补全。"
        for i, p in enumerate(draft.parties):
            try:
                validate_party(p, i)
            except ValidationError as err:
                errors.update(err.errors)
        if draft.parties and not any(p.side in ("applicant", "party") for p in draft.parties):
            errors.setdefault("parties", "请至少指定一位申请人。")
        if not draft.facts.strip():
            errors["facts"] = "请填写纠纷简要情况。"
        errors.update(case_value_errors(draft.amount_claimed, draft.people_involved or None))
        if draft.source in REFERRAL_SOURCES and not draft.referring_unit.strip():
            errors["referring_unit"] = "移送/委托案件请填写移送单位（如××派出所、××人民法院）。"
        if not isinstance(draft.people_involved, int) or not 0 <= draft.people_involved <= 100000:
            errors["people_involved"] = "涉及人数：须在 0 至 100,000 之间（0 表示按当事人人数）。"
        if errors:
            raise ValidationError(next(iter(errors.values())), field=next(iter(errors)),
                                  errors=errors)

    def _insert_case(self, tx: Tx, draft: CaseDraft, *, summary: str = "") -> Case:
        """Write a checked draft as a registered case inside ``tx``; ``summary`` replaces the
        audit line's wording."""
        s = tx.session
        _check_lookup(s, "dispute_type", draft.dispute_type, "dispute_type", "纠纷类型")
        _check_lookup(s, "source", draft.source, "source", "案件来源")
        case = self._new_case(tx, draft)
        s.add(case)
        s.flush()
        refresh_terms(s, case)
        self._audit_registered(tx, case, draft, summary)
        s.flush()
        return case

    def _new_case(self, tx: Tx, draft: CaseDraft) -> Case:
        """The case row (with its parties) for a checked draft whose type and source are known
        to exist; not yet added to the session, so an import can add many at once. The audit
        line is written once the case has its id (``_audit_registered``)."""
        s = tx.session
        committee_id = draft.committee_id or self.actor.committee_id
        if committee_id is None or s.get(Committee, committee_id) is None:
            raise ValidationError("请选择受理的调委会。", field="committee_id")
        if committee_id != self.actor.committee_id and not self.actor.spans_deployment:
            raise PermissionDenied("不能为其他调委会登记案件。")
        mediator_id = draft.mediator_id
        if mediator_id is None and self.actor.role == Role.MEDIATOR:
            mediator_id = self.actor.user_id
        elif mediator_id is not None:
            # naming another mediator is assigning the case: the director's (or an
            # administrator's) decision, as in assign()
            if mediator_id != self.actor.user_id and self.actor.role not in (Role.DIRECTOR,
                                                                             Role.ADMIN):
                raise PermissionDenied("只有主任或管理员可以指定其他承办调解员。")
            _check_mediator(s, mediator_id, committee_id)
        case = Case(
            committee_id=committee_id, status=CaseStatus.REGISTERED.value,
            title=draft.title.strip() or f"{party_names(draft.parties)}纠纷"[:200],
            dispute_type=draft.dispute_type, source=draft.source,
            referring_unit=draft.referring_unit.strip(), referral_ref=draft.referral_ref.strip(),
            facts=draft.facts.strip(), requests=draft.requests.strip(),
            amount_claimed=draft.amount_claimed, mediator_id=mediator_id,
            party_count=len(draft.parties), people_involved=draft.people_involved or len(draft.parties),
            created_by=self.actor.user_id or None, party_names=party_names(draft.parties),
        )
        case.parties = [Party(**_party_row(p, i)) for i, p in enumerate(draft.parties)]
        return case

    @staticmethod
    def _audit_registered(tx: Tx, case: Case, draft: CaseDraft, summary: str = "") -> None:
        tx.audit("register", "case", case.id, summary or f"登记纠纷：{case.title}", case_id=case.id,
                 parties=[p.name for p in draft.parties], dispute_type=draft.dispute_type,
                 source=draft.source)

    def find_duplicates(self, parties: Sequence[PartyInput],
                        exclude_case_id: int | None = None) -> list[DuplicateHit]:
        """Open cases sharing an ID number, a phone, or a name with these parties."""
        ids = {p.id_number.strip().upper() for p in parties if p.id_number.strip()}
        phones = {p.phone.strip() for p in parties if p.phone.strip()}
        names = {p.name.strip() for p in parties if p.name.strip()}
        creds = {p.credit_code.strip().upper() for p in parties if p.credit_code.strip()}
        if not (ids or phones or names or creds):
            return []
        from desktop.services.cases import CaseService

        with self._read() as s:
            conds = []
            if ids:
                conds.append(Party.id_number.in_(ids))
            if phones:
                conds.append(Party.phone.in_(phones))
            if names:
                conds.append(Party.name.in_(names))
            if creds:
                conds.append(Party.credit_code.in_(creds))
            stmt = (select(Party.case_id, Party.name, Party.id_number, Party.phone,
                           Party.credit_code)
                    .join(Case, Case.id == Party.case_id)
                    .where(or_(*conds), Case.status.in_([st.value for st in OPEN_STATUSES]))
                    .limit(200))
            if not self.actor.spans_deployment:
                stmt = stmt.where(Case.committee_id == self.actor.committee_id)
            reasons: dict[int, list[str]] = {}
            for case_id, name, id_number, phone, credit in s.execute(stmt):
                if case_id == exclude_case_id:
                    continue
                r = reasons.setdefault(case_id, [])
                if id_number and id_number.upper() in ids:
                    r.append(f"身份证件号码相同：{name}（{mask_id_number(id_number)}）")
                elif credit and credit.upper() in creds:
                    r.append(f"统一社会信用代码相同：{name}")
                elif phone and phone in phones:
                    r.append(f"联系电话相同：{name}（{mask_phone(phone)}）")
                elif name in names:
                    r.append(f"姓名相同：{name}")
        if not reasons:
            return []
        rows = CaseService(self.db, self.actor).rows_by_id(list(reasons))
        strength = lambda h: (0 if any("身份" in x or "信用" in x for x in h.reasons) else 1)
        hits = [DuplicateHit(rows[cid], sorted(set(r))) for cid, r in reasons.items() if cid in rows]
        return sorted(hits, key=strength)

    # -- accept / refuse -------------------------------------------------------------------
    def accept(self, case_id: int, version: int | None = None,
               accepted_on: dt.date | None = None) -> CaseRef:
        with self._write() as tx:
            s = tx.session
            case = self._edit_case(s, case_id, "accept")
            self._check_version(case, version, "case", "该案件")
            day = accepted_on or self.today()
            limits.check_date(day, "accepted_on", today=self.today(), not_after_today=True)
            limits.check_order(case.registered_at, day, "accepted_on", "登记日期")
            committee = s.get(Committee, case.committee_id)
            assert committee is not None
            case.status = CaseStatus.ACCEPTED.value
            case.accepted_on = day
            case.deadline = deadlines.mediation_deadline(day)
            if case.mediator_id is None and self.actor.role == Role.MEDIATOR:
                case.mediator_id = self.actor.user_id
            # the case's terms without a number (its parties'), worked out before the counter
            had = case_terms(case.number, case.number_seq, case.number_year, _term_parties(case))

            def take_number() -> None:
                """The committee's counter is held from here to COMMIT: only the number, its
                search terms, the audit's digests and the chain's one statement follow."""
                seq = next_case_number(s, committee, day.year, postgres=not self.db.is_sqlite)
                write_number(s, case, day.year, seq, format_case_number(
                    committee.number_pattern, year=day.year, short=committee.short_name,
                    seq=seq))
                add_terms(s, case, case_terms(case.number, seq, day.year, []) - had)
                tx.audit("accept", "case", case.id,
                         f"受理，案号 {case.number}，调解期限至 {format_date(case.deadline)}",
                         case_id=case.id, number=case.number)

            tx.at_last(take_number)
        return CaseRef(case.id, case.version, case.number, case.status)

    def refuse(self, case_id: int, version: int | None, reason: str) -> CaseRef:
        with self._write() as tx:
            case = self._load_case(tx.session, case_id, for_update=True)
            self._require_case_editor(case)
            workflow.check_transition("refuse", case.status, self.actor.role, reason)
            self._check_version(case, version, "case", "该案件")
            case.status = CaseStatus.REFUSED.value
            case.refuse_reason = reason.strip()
            case.closed_on = self.today()
            tx.audit("refuse", "case", case.id, f"不予受理：{reason.strip()}", case_id=case.id)
            tx.session.flush()
            return CaseRef(case.id, case.version, case.number, case.status)

    # -- editing ---------------------------------------------------------------------------
    def update_case(self, case_id: int, version: int, changes: CaseUpdate) -> CaseRef:
        """Save the case form's fields. Read and written with Core, not the ORM: the save desks
        make most, and its CPU fell by a fifth (SQLite) to a quarter (PostgreSQL) without the
        ORM's load and flush (``bench/save_cpu.py``). The row passes the store
        guard (``check_row``) before it is written, and a change of a field the report counts
        (纠纷类型, 来源, 涉及人数) is announced to the report aggregates first."""
        with self._write() as tx:
            s = tx.session
            case = self._edit_case_row(s, _EDIT_LOCKED, _EDIT, case_id, "edit")
            mine = {k: v for k, v in vars(changes).items() if v is not None}
            errors = case_value_errors(mine.get("amount_claimed"), mine.get("people_involved"))
            for key in ("facts", "title", "dispute_type", "source"):
                if key in mine and not str(mine[key]).strip():
                    errors[key] = f"{CASE_LABELS[key]}：不能为空，请填写。"
            if errors:
                raise ValidationError(next(iter(errors.values())), field=next(iter(errors)),
                                      errors=errors)
            if case.version != version:  # who saved meanwhile: asked only when someone did
                self._check_version(case, version, "case", "该案件", mine, CASE_LABELS,
                                    self._last_editor(s, case.id))
            if "dispute_type" in mine:
                _check_lookup(s, "dispute_type", mine["dispute_type"], "dispute_type", "纠纷类型")
            if "source" in mine:
                _check_lookup(s, "source", mine["source"], "source", "案件来源")
            changed, values = {}, {}
            for key, value in mine.items():
                if isinstance(value, str):
                    value = value.strip()
                if getattr(case, key) != value:
                    changed[key] = (str(getattr(case, key)), str(value))
                    values[key] = value
            if not changed:
                return CaseRef(case.id, case.version, case.number, case.status)
            version = self._write_case_row(s, case, values)
            tx.audit("update", "case", case.id,
                     "修改" + "、".join(CASE_LABELS.get(k, k) for k in changed),
                     case_id=case.id, changes={k: v for k, v in changed.items()
                                               if k not in ("facts", "requests")})
            return CaseRef(case.id, version, case.number, case.status)

    def save_party(self, case_id: int, party: PartyInput) -> int:
        """Add a party (``party.id is None``) or edit one; returns the party id."""
        with self._write() as tx:
            s = tx.session
            case = self._edit_case(s, case_id, "edit")
            index = len(case.parties) if party.id is None else next(
                (i for i, p in enumerate(case.parties) if p.id == party.id), -1)
            if index < 0:
                raise NotFound("该当事人不存在。")
            validate_party(party, index)
            if party.id is None:
                row = Party(**_party_row(party, index))
                case.parties.append(row)
                action, summary = "add_party", f"增加当事人 {party.name}"
            else:
                row = case.parties[index]
                self._check_version(row, party.version, "party", f"当事人 {row.name} 的信息",
                                    {"name": party.name, "phone": party.phone})
                for key, value in _party_row(party, row.sort_order).items():
                    setattr(row, key, value)
                action, summary = "update_party", f"修改当事人 {party.name} 的信息"
            case.party_count = len(case.parties)
            case.party_names = party_names(case.parties)
            s.flush()
            refresh_terms(s, case)
            tx.audit(action, "party", row.id, summary, case_id=case.id,
                     id_number=mask_id_number(party.id_number), phone=mask_phone(party.phone))
            case.updated_at = dt.datetime.now().replace(microsecond=0)
            s.flush()
            return row.id

    def remove_party(self, case_id: int, party_id: int) -> None:
        with self._write() as tx:
            s = tx.session
            case = self._edit_case(s, case_id, "edit")
            row = next((p for p in case.parties if p.id == party_id), None)
            if row is None:
                raise NotFound("该当事人不存在。")
            if len(case.parties) <= 2:
                raise ValidationError("纠纷至少有两方当事人，不能再删除。", field="parties")
            case.parties.remove(row)
            case.party_count = len(case.parties)
            case.party_names = party_names(case.parties)
            s.flush()
            refresh_terms(s, case)
            tx.audit("remove_party", "party", party_id, f"删除当事人 {row.name}", case_id=case.id)

    def assign(self, case_id: int, mediator_id: int, co_mediator_ids: Sequence[int] = ()) -> None:
        """Directors assign (or reassign) the mediators of an open case (登记, 已受理, 调解中:
        the workflow's ``assign`` sources). A closed case keeps the mediator it was closed
        with: the report counts its outcome by that mediator, and its follow-up is done by
        them or by the director."""
        self._require_role(Role.DIRECTOR, Role.ADMIN, what="分配调解员")
        with self._write() as tx:
            s = tx.session
            case = self._load_case(s, case_id, for_update=True)
            if self.actor.role != Role.ADMIN and case.committee_id != self.actor.committee_id:
                raise PermissionDenied("不能分配其他调委会的案件。")
            status = CaseStatus(case.status)
            if status not in workflow.TRANSITIONS["assign"].sources:
                # before anything is written: the refused call leaves no row and no audit entry
                raise InvalidTransition(f"案件当前状态为“{status.label}”，不能分配调解员。"
                                        + ASSIGN_CLOSED_HINTS.get(status, ""))
            names = []
            for uid in [mediator_id, *co_mediator_ids]:
                user = s.get(User, uid)
                if user is None or not user.active or user.role not in ("mediator", "director"):
                    raise ValidationError("所选人员不是可用的调解员。", field="mediator_id")
                names.append(user.display_name)
            case.mediator_id = mediator_id
            case.co_mediator_ids = ",".join(str(x) for x in co_mediator_ids if x != mediator_id)
            tx.audit("assign", "case", case.id, f"分配调解员：{'、'.join(names)}", case_id=case.id)

    def extend(self, case_id: int, days: int, reason: str) -> CaseRef:
        if not 1 <= days <= 90:
            raise ValidationError("延长天数应在 1 到 90 天之间。", field="days")
        with self._write() as tx:
            s = tx.session
            case = self._edit_case(s, case_id, "extend", reason)
            assert case.deadline is not None
            old = case.deadline
            case.deadline = old + dt.timedelta(days=days)
            s.add(Extension(case_id=case.id, days=days, reason=reason.strip(), old_deadline=old,
                            new_deadline=case.deadline, user_id=self.actor.user_id or None))
            tx.audit("extend", "case", case.id, f"调解期限延长 {days} 天至 {format_date(case.deadline)}：{reason.strip()}",
                     case_id=case.id)
            s.flush()
            return CaseRef(case.id, case.version, case.number, case.status)

    def refer(self, case_id: int, to_body: str, reason: str) -> CaseRef:
        if not to_body.strip():
            raise ValidationError("请填写移送/转办的单位。", field="to_body")
        with self._write() as tx:
            s = tx.session
            case = self._edit_case(s, case_id, "refer", reason)
            s.add(Referral(case_id=case.id, to_body=to_body.strip(), reason=reason.strip(),
                           referred_on=self.today(), user_id=self.actor.user_id or None))
            case.status = CaseStatus.REFERRED.value
            case.closed_on = case.closed_on or self.today()
            tx.audit("refer", "case", case.id, f"移送至 {to_body.strip()}：{reason.strip()}",
                     case_id=case.id)
            s.flush()
            return CaseRef(case.id, case.version, case.number, case.status)

    def _last_editor(self, session: Session, case_id: int) -> str:
        """Who last *wrote* the case: its ``updated_by`` (viewing or printing it is audited too,
        but is not a change); for cases last saved before that column, the last audit entry of
        a writing kind."""
        from desktop.store.models import AuditEntry, User

        writer = session.scalar(select(User.username).join(Case, Case.updated_by == User.id)
                                .where(Case.id == case_id))
        if writer:
            return str(writer)
        return session.scalar(select(AuditEntry.username).where(
            AuditEntry.case_id == case_id, AuditEntry.action.not_in(READ_ONLY_AUDIT_ACTIONS))
            .order_by(AuditEntry.id.desc()).limit(1)) or ""


# What to do instead, after "案件当前状态为…，不能分配调解员。"
ASSIGN_CLOSED_HINTS = {
    CaseStatus.SUCCEEDED: "调解成功的案件按结案时的承办调解员统计；回访、司法确认由原承办调解员"
                          "或主任办理。",
    CaseStatus.TERMINATED: "如需继续调解，请主任或管理员先“恢复调解”，再分配调解员。",
    CaseStatus.REFUSED: "不予受理的案件不再调解；当事人再次申请的，请登记新案件。",
    CaseStatus.REFERRED: "案件已移送其他单位办理。",
    CaseStatus.ARCHIVED: "已归档的案件只读。",
}


# audited acts that leave the case row as it was
READ_ONLY_AUDIT_ACTIONS = ("unmask", "document", "export_report", "checkpoint")


__all__ = ["IntakeService", "Tx", "add_terms", "next_case_number", "party_names",
           "raise_counters", "refresh_terms", "validate_party", "write_number"]
