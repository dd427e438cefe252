"""Reading cases: the paged, filtered, searchable list; one case's full detail; the dashboard;
the actions the user may take; the case's history in plain Chinese."""

from __future__ import annotations

import datetime as dt
import functools
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from itertools import islice
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    and_,
    any_,
    bindparam,
    false,
    func,
    or_,
    select,
    true,
    tuple_,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import InstrumentedAttribute, Session, selectinload

from desktop.domain import deadlines, limits, workflow
from desktop.domain.enums import (
    OPEN_STATUSES,
    CaseStatus,
    JointKind,
    ParticipantKind,
    ParticipationRole,
    PartySide,
    RiskKind,
    Role,
)
from desktop.domain.errors import NotFound, PermissionDenied
from desktop.domain.masking import mask_address, mask_id_number, mask_phone
from desktop.services import dto
from desktop.services.base import ServiceBase
from desktop.services.terms import query_ranges
from desktop.store.models import (
    Agreement,
    Attachment,
    AuditEntry,
    Case,
    Committee,
    Document,
    Extension,
    FollowUp,
    JudicialConfirmation,
    Lookup,
    MediationSession,
    OralAgreement,
    Party,
    Referral,
    RiskFlag,
    SearchTerm,
    Signature,
    Termination,
    User,
)


def _id_is(column: InstrumentedAttribute[int] | InstrumentedAttribute[int | None],
           value: int) -> ColumnElement[bool]:
    """``column = value``, or nothing for an id no row can have (``limits.is_id``): the fuzz
    test's mediator_id 2147483648 became 找不到 on PostgreSQL, where SQLite found nothing."""
    return column == value if limits.is_id(value) else false()


BROAD_PROBE = 30_000  # the most matches a search reads case rows for before it walks instead
MIN_PROBE = 2_000
# the most term entries the list-order path reads from the term index alone (no case rows):
# past that the text is common enough that walking the cases in list order is cheaper
ORDERED_PROBE = 50_000
ORDERED_MIN_PROBE = 20_000
FIRST_CHUNK = 200  # matches checked against the other filters by the first statement
ID_CHUNK = 5_000  # … and at most by one statement (the chunk doubles up to this)

SORT_COLUMNS = {
    "registered_at": Case.registered_at,
    "number": Case.number_year.op("*")(100000) + Case.number_seq,  # numeric order of 案号
    "status": Case.status,
    "deadline": Case.deadline,
    "dispute_type": Case.dispute_type,
    "source": Case.source,
    "mediator": Case.mediator_id,
    "party_names": Case.party_names,
    "accepted_on": Case.accepted_on,
    "title": Case.title,
}

ROW_COLUMNS = (Case.id, Case.number, Case.status, Case.title, Case.party_names,
               Case.dispute_type, Case.source, Case.mediator_id, User.display_name,
               Case.registered_at, Case.accepted_on, Case.deadline, Case.joint_mask,
               Case.risk_level, Case.committee_id, Case.version)
RowSelect = Select[*tuple[Any, ...]]  # a SELECT of ROW_COLUMNS, filtered and ordered


_LABELS = select(Lookup.kind, Lookup.code, Lookup.name)


@dataclass(frozen=True)
class _DetailStatements:
    """The reads of one case's detail, built once (building a statement cost about as much
    CPU as running it), each with the case id as the parameter ``case_id``."""

    probe: RowSelect  # committee name, mediator name, then one EXISTS per ``has``
    has: tuple[type[Any], ...]
    sessions: Select[MediationSession]
    agreement: Select[Agreement]
    oral: Select[OralAgreement]
    confirmation: Select[JudicialConfirmation]
    by_case: dict[type[Any], RowSelect]  # the lists, each in its order


@functools.cache
def _detail_statements() -> _DetailStatements:
    cid = bindparam("case_id", type_=Integer)
    lists: dict[type[Any], Any] = {
        Termination: Termination.id, Referral: Referral.id, Extension: Extension.id,
        RiskFlag: RiskFlag.id, FollowUp: FollowUp.visited_on, Attachment: Attachment.id,
        Signature: Signature.id, Document: Document.id}
    has: tuple[type[Any], ...] = (MediationSession, Agreement, OralAgreement,
                                  JudicialConfirmation, *lists)
    probe: RowSelect = select(
        select(Committee.name).where(Committee.id == bindparam("committee_id", type_=Integer))
        .scalar_subquery(),
        select(User.display_name).where(User.id == bindparam("mediator_id", type_=Integer))
        .scalar_subquery(),
        *(select(m.id).where(m.case_id == cid).exists() for m in has))
    return _DetailStatements(
        probe, has,
        select(MediationSession).where(MediationSession.case_id == cid)
        .options(selectinload(MediationSession.participants)).order_by(MediationSession.seq),
        select(Agreement).where(Agreement.case_id == cid)
        .options(selectinload(Agreement.obligations)),
        select(OralAgreement).where(OralAgreement.case_id == cid),
        select(JudicialConfirmation).where(JudicialConfirmation.case_id == cid),
        {m: select(m).where(m.case_id == cid).order_by(order) for m, order in lists.items()})


class CaseService(ServiceBase):
    # -- labels ----------------------------------------------------------------------------
    def _labels(self, s: Session) -> dict[tuple[str, str], str]:
        return {(k, c): n for k, c, n in s.execute(_LABELS)}

    def _row(self, r: Any, labels: dict[tuple[str, str], str], today: dt.date) -> dto.CaseRow:
        status = CaseStatus(r[2])
        due = deadlines.due_state(r[11], today) if status in OPEN_STATUSES else ""
        return dto.CaseRow(
            id=r[0], number=r[1], status=r[2], status_label=status.label, title=r[3],
            party_names=r[4], dispute_type=r[5],
            dispute_type_label=labels.get(("dispute_type", r[5]), r[5]), source=r[6],
            source_label=labels.get(("source", r[6]), r[6]), mediator_id=r[7],
            mediator_name=r[8] or "", registered_at=r[9], accepted_on=r[10], deadline=r[11],
            due_state=due, joint_mask=r[12], joint_label=JointKind(r[12]).label if r[12] else "",
            risk_level=r[13], committee_id=r[14], version=r[15])

    def _base(self) -> RowSelect:
        stmt: RowSelect = select(*ROW_COLUMNS).outerjoin(User, User.id == Case.mediator_id)
        if not self.actor.spans_deployment:
            stmt = stmt.where(Case.committee_id == self.actor.committee_id)
        return stmt

    # -- list ------------------------------------------------------------------------------
    @staticmethod
    def _term_match(q: dto.CaseQuery, term: Any = SearchTerm.term) -> Any:
        """The text's prefix ranges on ``term`` (the column, or an expression of it)."""
        ranges = query_ranges(q.text)
        if not ranges:
            return None
        return or_(*[and_(term >= lo, term < hi) for lo, hi in ranges])

    def _term_scope(self, s: Session, q: dto.CaseQuery) -> list[ColumnElement[bool]]:
        """The list's conditions that the term rows carry themselves (migration 0016): the
        committee (the user's scope, or the one chosen), the registration dates, the status
        (the list's tabs) and the mediator (我的).

        The term index leads with the committee, so a desk reads only its own committee's
        entries of a text, however many committees share the server; a deployment-wide
        role names every committee, and each is one range of the index."""
        conds: list[ColumnElement[bool]] = []
        if not self.actor.spans_deployment:
            conds.append(SearchTerm.committee_id == self.actor.committee_id)
        elif q.committee_id is None:
            conds.append(SearchTerm.committee_id.in_(list(s.scalars(select(Committee.id)))))
        return conds + self._carried(q, SearchTerm)

    @staticmethod
    def _carried(q: dto.CaseQuery,
                 entity: type[Case | SearchTerm]) -> list[ColumnElement[bool]]:
        """The query's conditions on what a case row and its term rows both hold (committee,
        status, mediator, registration time), on either: one list, so the two plans cannot
        disagree (未分配 was once missing from the term rows' side)."""
        conds: list[ColumnElement[bool]] = []
        if q.committee_id is not None:
            conds.append(_id_is(entity.committee_id, q.committee_id))
        if q.statuses:
            conds.append(entity.status.in_(q.statuses))
        if q.mediator_id is not None:
            conds.append(_id_is(entity.mediator_id, q.mediator_id))
        if q.unassigned:
            conds.append(entity.mediator_id.is_(None))
        if q.date_from:
            conds.append(entity.registered_at >= dt.datetime.combine(q.date_from, dt.time()))
        if q.date_to:
            conds.append(entity.registered_at < dt.datetime.combine(
                q.date_to + dt.timedelta(days=1), dt.time()))
        return conds

    @staticmethod
    def _row_filtered(q: dto.CaseQuery) -> bool:
        """Whether the query has conditions only the case row can answer (dispute type,
        source, joint mediation, deadlines; status and mediator are in the term rows)."""
        return bool(q.dispute_types or q.sources or q.joint_mask is not None or q.joint_any
                    or q.due)

    @staticmethod
    def _probe(s: Session, where: Sequence[Any], size: int) -> bool:
        """Whether fewer than ``size`` term entries match ``where`` (read from the term
        index alone, and at most ``size`` of them)."""
        first = select(SearchTerm.id).where(*where).limit(size)
        return (s.scalar(select(func.count()).select_from(first.subquery())) or 0) < size

    @staticmethod
    def _probe_sizes(s: Session, wanted: int) -> tuple[int, int]:
        """How many matching term entries a text may have and still be collected: read in
        list order from the term index alone (first), or with each match's case row read
        (second: a sort key the index does not carry, or filters only the case row holds).

        A narrow text (an ID number, a full name) matches a few terms: collect their cases.
        A broad one ('zh', '王') matches hundreds of thousands: walk the cases in the list's
        order through its index and check each until the page is full. Collecting m matches
        costs m lookups; walking costs about wanted × N / m checks (N cases) only when the
        matches are spread evenly over time — a text whose matches cluster in a few months
        walked millions of cases. Reading case rows, both cost the same at √(wanted × N):
        the probe collects up to 4 × that, at most BROAD_PROBE, so the collecting side's cost
        is bounded, and a text that common is common all year. Reading the term index alone,
        an entry costs a small fraction of a case-row lookup: 40 × that, at most
        ORDERED_PROBE."""
        cases = s.scalar(select(func.max(Case.id))) or 0  # ≈ N, one index lookup
        root = math.isqrt(wanted * cases)
        rows = min(BROAD_PROBE, max(MIN_PROBE, 4 * root))
        ordered = min(ORDERED_PROBE, max(ORDERED_MIN_PROBE, 40 * root))
        return ordered, rows

    @staticmethod
    def _ordered_ids(s: Session, where: Sequence[Any], desc: bool,
                     batch: int) -> Iterator[int]:
        """The matching cases' ids in list order (registered_at, then id), each once, read
        from the term index alone, ``batch`` entries first, four times as many at each next
        read (each read starts after the last entry seen). A case's entries are neighbours
        in that order, so a case that matches several terms is skipped where it repeats.
        A top-N sort of the entries, not a grouping of them: grouping every match costs more
        than reading it."""
        reg, cid = SearchTerm.registered_at, SearchTerm.case_id
        order: list[Any] = [reg.desc(), cid.desc()] if desc else [reg.asc(), cid.asc()]
        last: tuple[Any, int] | None = None
        while True:
            stmt = select(cid, reg).where(*where)
            if last is not None:
                after = tuple_(reg, cid) < last if desc else tuple_(reg, cid) > last
                stmt = stmt.where(after)
            rows = s.execute(stmt.order_by(*order).limit(batch)).all()
            for case_id, registered_at in rows:
                if last is None or case_id != last[1]:
                    yield case_id
                last = (registered_at, case_id)
            if len(rows) < batch:
                return
            batch *= 4

    def _filtered(self, stmt: RowSelect, q: dto.CaseQuery, today: dt.date,
                  walk: bool = False, pg: bool = False,
                  scope: Sequence[ColumnElement[bool]] = ()) -> RowSelect:
        """``walk``: check each case for the text (a broad text, cases walked in list order).

        PostgreSQL's estimate of a term range is far off both ways (112 rows for '陈', which
        has 34,000), so its planner walked a million cases for a rare prefix and hashed every
        match of a common one. There the plan is made explicit: a narrow text's cases are
        fetched first and passed as an array (``_search_rows``, through ``_id_in``); a broad
        text's check is kept per case (OFFSET 0 stops PostgreSQL from turning the EXISTS into
        a join) and made through the case_id index. ``scope``: ``_term_scope``'s conditions, for the term index's leading column
        where the matches are collected in a subquery (SQLite)."""
        conds: list[ColumnElement[bool]] = []
        term_match = self._term_match(q)
        if term_match is not None:
            if walk and pg:
                # per case, through the case_id index: `term || ''` keeps the planner off the
                # term index (it would scan the whole range once per case)
                unindexed = self._term_match(q, SearchTerm.term.concat(""))
                conds.append(select(SearchTerm.id).where(SearchTerm.case_id == Case.id, unindexed)
                             .offset(0).exists())
            elif walk:
                conds.append(select(SearchTerm.id).where(
                    SearchTerm.case_id == Case.id, term_match).exists())
            else:
                conds.append(Case.id.in_(select(SearchTerm.case_id).where(term_match, *scope)))
        conds += self._carried(q, Case)
        if q.dispute_types:
            conds.append(Case.dispute_type.in_(q.dispute_types))
        if q.sources:
            conds.append(Case.source.in_(q.sources))
        if q.joint_mask is not None:
            conds.append(Case.joint_mask == q.joint_mask)
        if q.joint_any:
            conds.append(Case.joint_mask.op("&")(q.joint_any) != 0)
        if q.due:
            open_ = Case.status.in_([s.value for s in OPEN_STATUSES])
            if q.due == "overdue":
                conds += [open_, Case.deadline < today]
            elif q.due == "due_soon":
                conds += [open_, Case.deadline >= today,
                          Case.deadline <= today + dt.timedelta(days=deadlines.DUE_SOON_DAYS)]
        return stmt.where(*conds) if conds else stmt

    def search(self, q: dto.CaseQuery) -> dto.CasePage:
        today = self.today()
        limits.check_offset(q.offset, "offset")
        limit = max(1, min(limits.check_int(q.limit, "limit"), 1000))
        with self._read(shared=True) as s:
            rows = self._search_rows(s, q, today, limit)
            labels = self._labels(s)
            total = self._count(s, q, today) if q.with_total else None
            return dto.CasePage([self._row(r, labels, today) for r in rows], total, q.offset,
                                limit)

    def _search_rows(self, s: Session, q: dto.CaseQuery, today: dt.date,
                     limit: int) -> Sequence[Any]:
        """One page of the list: ROW_COLUMNS rows, filtered and in the list's order.

        With a text, the plan depends on how many term entries it matches in the user's
        scope (``_probe_sizes``):
        - sorted by registration time (the default), few enough: the page's ids are read in
          list order from the term index alone, then only those case rows; with a filter only
          the case row answers (dispute type, source …), the matches' rows are read in list order, a
          chunk at a time, until the page is full;
        - another sort key, few enough: the matches are collected and sorted with their rows;
        - more: the cases are walked in list order and each is checked for the text.
        """
        col = SORT_COLUMNS.get(q.sort_key, Case.registered_at)
        desc = q.sort_desc
        order = [col.desc() if desc else col.asc(), Case.id.desc() if desc else Case.id.asc()]
        term_match = self._term_match(q)
        pg = s.get_bind().dialect.name == "postgresql"
        wanted = q.offset + limit
        if term_match is None:
            stmt = self._filtered(self._base(), q, today)
            return s.execute(stmt.order_by(*order).offset(q.offset).limit(limit)).all()
        where = [term_match, *self._term_scope(s, q)]
        ordered_probe, rows_probe = self._probe_sizes(s, wanted)
        by_registration = col is Case.registered_at
        plain = replace(q, text="")  # the other conditions, checked on the case rows
        if by_registration and self._probe(s, where, ordered_probe):
            ordered = self._ordered_ids(s, where, desc, batch=2 * wanted)
            if not self._row_filtered(q):
                ids = list(islice(ordered, q.offset, wanted))
                stmt = self._filtered(self._base(), plain, today).where(self._id_in(ids, pg))
                return s.execute(stmt.order_by(*order)).all()
            found: list[Any] = []
            chunk = max(2 * wanted, FIRST_CHUNK)
            while len(found) < wanted:
                part = list(islice(ordered, chunk))
                if not part:
                    break
                stmt = self._filtered(self._base(), plain, today).where(self._id_in(part, pg))
                found += s.execute(stmt.order_by(*order)).all()
                chunk = min(2 * chunk, ID_CHUNK)
            return found[q.offset:wanted]
        # more entries than the list-order read takes: when the collecting below would take
        # fewer still, the text is broad for it too (no second probe)
        narrow = (not (by_registration and ordered_probe >= rows_probe)
                  and self._probe(s, where, rows_probe))
        if narrow and pg:
            # PostgreSQL's estimate of a term range is far off both ways: hand it the cases
            ids = list(set(s.scalars(select(SearchTerm.case_id).where(*where))))
            stmt = self._filtered(self._base(), plain, today).where(self._id_in(ids, pg))
        else:
            stmt = self._filtered(self._base(), q, today, walk=not narrow, pg=pg, scope=where[1:])
        return s.execute(stmt.order_by(*order).offset(q.offset).limit(limit)).all()

    @staticmethod
    def _id_in(ids: list[int], pg: bool) -> ColumnElement[bool]:
        if pg:
            return Case.id == any_(bindparam("page_ids", ids, type_=ARRAY(Integer)))
        return Case.id.in_(ids)

    def _count(self, s: Session, q: dto.CaseQuery, today: dt.date) -> int:
        """How many cases the list holds. A text with no filter only the case row answers
        is counted from the term index alone (each case once)."""
        term_match = self._term_match(q)
        scope = self._term_scope(s, q) if term_match is not None else []
        if term_match is not None and not self._row_filtered(q):
            matches = (select(SearchTerm.case_id).where(term_match, *scope)
                       .distinct().subquery())
            return int(s.scalar(select(func.count()).select_from(matches)) or 0)
        stmt = self._filtered(select(func.count(Case.id)), q, today, scope=scope)
        if not self.actor.spans_deployment:
            stmt = stmt.where(Case.committee_id == self.actor.committee_id)
        return int(s.scalar(stmt) or 0)

    def count(self, q: dto.CaseQuery) -> int:
        with self._read(shared=True) as s:
            return self._count(s, q, self.today())

    def rows_by_id(self, ids: Sequence[int]) -> dict[int, dto.CaseRow]:
        # an id no row can have is simply not there (PostgreSQL would refuse the parameter)
        ids = [i for i in ids if isinstance(i, int) and 1 <= i <= limits.MAX_ID]
        if not ids:
            return {}
        today = self.today()
        with self._read(shared=True) as s:
            labels = self._labels(s)
            rows = s.execute(self._base().where(Case.id.in_(list(ids)))).all()
            return {r[0]: self._row(r, labels, today) for r in rows}

    def find_by_number(self, number: str) -> int | None:
        with self._read() as s:
            stmt = select(Case.id).where(Case.number == number.strip())
            if not self.actor.spans_deployment:
                stmt = stmt.where(Case.committee_id == self.actor.committee_id)
            return s.scalar(stmt)

    # -- detail ----------------------------------------------------------------------------
    def allowed_actions(self, case_id: int) -> list[str]:
        with self._read() as s:
            case = self._load_case(s, case_id)
            return self._allowed(case)

    def _allowed(self, case: Case) -> list[str]:
        try:
            self._require_case_editor(case)
        except PermissionDenied:
            return []
        return workflow.allowed_actions(case.status, self.actor.role)

    def get(self, case_id: int, *, unmask: bool = False) -> dto.CaseDetail:
        """The whole case. Personal data is masked unless ``unmask`` is asked for by a role
        that may see it: that is the user's 显示完整 and is audited as such."""
        detail = self._get(case_id, unmask=unmask)
        if unmask:
            with self._write() as tx:
                tx.audit("unmask", "case", case_id, "查看了当事人完整个人信息", case_id=case_id)
        return detail

    def party_for_edit(self, case_id: int, party_id: int) -> dto.PartyView:
        """One party with full particulars, to edit them; audited as what it is (opening the
        editor), not as a request to see everyone's data."""
        detail = self._get(case_id, unmask=True)
        party = next((p for p in detail.parties if p.id == party_id), None)
        if party is None:
            raise NotFound("找不到该当事人。")
        with self._write() as tx:
            tx.audit("edit_party_open", "party", party_id,
                     f"打开当事人 {party.name} 的信息修改（显示其完整证件号和电话）",
                     case_id=case_id)
        return party

    def _get(self, case_id: int, *, unmask: bool) -> dto.CaseDetail:
        """The case, unmasked when asked and allowed; callers decide what the audit says
        (a printed document is recorded as the document it is)."""
        if unmask and not self.actor.may_unmask:
            raise PermissionDenied("您的角色不能查看完整的个人信息。")
        with self._read() as s:
            case = self._load_case(s, case_id)
            if unmask:
                self._require_unmask(case)  # domain.permissions.may_unmask
            return self._detail(s, case, masked=not unmask)

    def _detail(self, s: Session, case: Case, *, masked: bool) -> dto.CaseDetail:
        st = _detail_statements()
        labels = self._labels(s)
        today = self.today()
        parties = list(case.parties)
        names = {p.id: p.name for p in parties}

        def party_view(p: Party) -> dto.PartyView:
            mask = masked
            return dto.PartyView(
                p.id, p.version, p.sort_order, p.side, PartySide(p.side).label, p.kind, p.name,
                p.sex, p.ethnicity, p.birth_date, p.id_type,
                mask_id_number(p.id_number) if mask else p.id_number, p.occupation,
                mask_address(p.address) if mask else p.address,
                mask_phone(p.phone) if mask else p.phone, p.credit_code, p.legal_rep,
                p.legal_rep_title, p.agent_name,
                mask_phone(p.agent_phone) if mask else p.agent_phone, p.agent_relation, mask)

        # the committee's and the mediator's names and which of the case's other records
        # exist, in one statement: most cases have no termination, referral, extension,
        # risk, follow-up, attachment, signature or document, and a read of each cost more
        # than the rest of the page (19 statements an open before)
        key = {"case_id": case.id}
        committee_name, mediator_name, *flags = s.execute(st.probe, {
            **key, "committee_id": case.committee_id, "mediator_id": case.mediator_id}).one()
        has = dict(zip(st.has, flags, strict=True))

        def by_case(model: Any) -> list[Any]:
            return list(s.scalars(st.by_case[model], key)) if has[model] else []

        sessions = s.scalars(st.sessions, key).all() if has[MediationSession] else []
        session_views = [dto.SessionView(
            m.id, m.version, m.seq, m.kind, m.started_at, m.ended_at, m.place, m.content,
            m.result, m.agreed, m.recorder, m.interviewee,
            [dto.ParticipantView(x.id, x.kind, ParticipantKind(x.kind).label, x.role,
                                 ParticipationRole(x.role).label, x.name, x.unit, x.title,
                                 x.number, x.user_id, x.party_id) for x in m.participants])
            for m in sessions]
        agreement = s.scalars(st.agreement, key).first() if has[Agreement] else None
        agreement_view = None
        if agreement is not None:
            agreement_view = dto.AgreementView(
                agreement.id, agreement.version, agreement.facts, agreement.disputed_matters,
                agreement.responsibilities, agreement.other_terms, agreement.performance_manner,
                agreement.performance_deadline, agreement.copies, agreement.status,
                agreement.signed_on_paper, agreement.effective_on, agreement.total_amount,
                [dto.ObligationView(o.id, o.seq, o.content, o.payer_party_id,
                                    names.get(o.payer_party_id or 0, ""), o.payee_party_id,
                                    names.get(o.payee_party_id or 0, ""), o.amount, o.manner,
                                    o.deadline) for o in agreement.obligations])
        oral = s.scalars(st.oral, key).first() if has[OralAgreement] else None
        oral_view = (dto.OralAgreementView(oral.id, oral.version, oral.facts, oral.content,
                                           oral.performance, oral.amount, oral.reached_on)
                     if oral else None)
        conf = (s.scalars(st.confirmation, key).first() if has[JudicialConfirmation]
                else None)
        effective = (agreement.effective_on if agreement else None) or (
            oral.reached_on if oral else None)

        status = CaseStatus(case.status)
        return dto.CaseDetail(
            id=case.id, version=case.version, committee_id=case.committee_id,
            committee_name=committee_name or "", number=case.number,
            status=case.status, status_label=status.label, title=case.title,
            dispute_type=case.dispute_type,
            dispute_type_label=labels.get(("dispute_type", case.dispute_type), case.dispute_type),
            source=case.source, source_label=labels.get(("source", case.source), case.source),
            referring_unit=case.referring_unit, referral_ref=case.referral_ref, facts=case.facts,
            requests=case.requests, amount_claimed=case.amount_claimed,
            people_involved=case.people_involved, registered_at=case.registered_at,
            accepted_on=case.accepted_on, deadline=case.deadline,
            due_state=deadlines.due_state(case.deadline, today) if status in OPEN_STATUSES else "",
            closed_on=case.closed_on, archived_on=case.archived_on, outcome=case.outcome,
            refuse_reason=case.refuse_reason, joint_mask=case.joint_mask,
            joint_label=JointKind(case.joint_mask).label, mediator_id=case.mediator_id,
            mediator_name=mediator_name or "",
            co_mediator_ids=[int(x) for x in case.co_mediator_ids.split(",") if x],
            agreed_amount=case.agreed_amount,
            confirmation_deadline=deadlines.confirmation_deadline(effective) if effective else None,
            parties=[party_view(p) for p in parties], sessions=session_views,
            agreement=agreement_view, oral_agreement=oral_view,
            terminations=[dto.TerminationView(t.id, t.reason, t.remedies, t.terminated_on)
                          for t in by_case(Termination)],
            referrals=[dto.ReferralView(r.id, r.to_body, r.reason, r.referred_on)
                       for r in by_case(Referral)],
            extensions=[dto.ExtensionView(e.id, e.days, e.reason, e.old_deadline, e.new_deadline)
                        for e in by_case(Extension)],
            risks=[dto.RiskView(r.id, r.version, r.kind, RiskKind(r.kind).label, r.level,
                                r.description, r.people, r.measures, r.reported_to_police,
                                r.flagged_on, r.resolved_on, r.prevented)
                   for r in by_case(RiskFlag)],
            follow_ups=[dto.FollowUpView(f.id, f.visited_on, f.method, f.performance,
                                         f.satisfaction, f.lawsuit, f.escalation_risk,
                                         f.findings, f.action, f.visitor, f.next_due)
                        for f in by_case(FollowUp)],
            confirmation=(dto.ConfirmationView(conf.id, conf.version, conf.court, conf.filed_on,
                                               conf.ruling, conf.ruling_on, conf.ruling_number,
                                               conf.notes) if conf else None),
            attachments=[dto.AttachmentView(a.id, a.category, a.filename, a.mime, a.size,
                                            a.sha256, a.note, a.added_at)
                         for a in by_case(Attachment)],
            signatures=[dto.SignatureView(g.id, g.form, g.signer_kind, g.signer_name, g.party_id,
                                          g.user_id, g.png_sha256, g.on_paper, g.signed_at)
                        for g in by_case(Signature)],
            documents=[dto.DocumentView(d.id, d.form, d.final, d.sha256, d.verification_code,
                                        d.pages, d.created_at, d.kind)
                       for d in by_case(Document)],
            allowed_actions=self._allowed(case), masked=masked)

    def history(self, case_id: int) -> list[dto.AuditView]:
        with self._read() as s:
            self._load_case(s, case_id)
            rows = s.scalars(select(AuditEntry).where(AuditEntry.case_id == case_id)
                             .order_by(AuditEntry.id)).all()
            # The log keeps the login name (part of the hash chain); people read the name
            # they know, looked up now.
            ids = {r.user_id for r in rows if r.user_id}
            names: dict[int, str] = {uid: name for uid, name in s.execute(
                select(User.id, User.display_name).where(User.id.in_(ids)))} if ids else {}
            return [dto.AuditView(r.id, r.at, r.username, r.action, r.entity, r.entity_id,
                                  r.summary, names.get(r.user_id or 0, "")) for r in rows]

    # -- dashboard -------------------------------------------------------------------------
    def dashboard(self, limit: int = 50) -> dto.Dashboard:
        limits.check_int(limit, "limit", 1, 1000)
        today = self.today()
        soon = today + dt.timedelta(days=deadlines.DUE_SOON_DAYS)
        open_values = [st.value for st in OPEN_STATUSES]
        with self._read(shared=True) as s:
            labels = self._labels(s)
            base = self._base()

            def rows(*conds: Any, order: Any = Case.deadline) -> list[dto.CaseRow]:
                stmt = base.where(*conds).order_by(order, Case.id).limit(limit)
                return [self._row(r, labels, today) for r in s.execute(stmt)]

            # 我的未结案件 is the user's own, whatever the role; the deadline, follow-up and risk
            # cards are the committee's for a director or administrator, who supervise them.
            assigned = Case.mediator_id == self.actor.user_id
            mine = assigned if self.actor.role == Role.MEDIATOR else true()
            my_open = rows(Case.status.in_(open_values), assigned,
                           order=Case.registered_at.desc())
            due_soon = rows(Case.status.in_(open_values), mine, Case.deadline >= today,
                            Case.deadline <= soon)
            overdue = rows(Case.status.in_(open_values), mine, Case.deadline < today)
            # Each list starts from a small, indexed set (today's sessions, recent closures,
            # agreements in the window) and looks cases up by key: at a million cases a join
            # that the planner starts from the case table takes seconds.
            start = dt.datetime.combine(today, dt.time())
            sessions = s.execute(
                select(MediationSession.case_id, MediationSession.started_at,
                       MediationSession.place)
                .where(MediationSession.started_at >= start,
                       MediationSession.started_at < start + dt.timedelta(days=1))
                .order_by(MediationSession.started_at).limit(limit * 4)).all()
            cases_today = {cid: (number, title) for cid, number, title in s.execute(
                select(Case.id, Case.number, Case.title).where(
                    Case.id.in_({r[0] for r in sessions}),
                    true() if self.actor.spans_deployment
                    else Case.committee_id == self.actor.committee_id))}
            today_sessions = [dto.SessionOnDay(cid, *cases_today[cid], at, place)
                              for cid, at, place in sessions if cid in cases_today][:limit]
            # follow-ups due: closed 7–90 days ago and never visited, or a planned next
            # visit that has come
            never_visited = ~select(FollowUp.id).where(FollowUp.case_id == Case.id).exists()
            fu_new = rows(Case.status == CaseStatus.SUCCEEDED.value, mine, never_visited,
                          Case.closed_on >= today - dt.timedelta(days=90),
                          Case.closed_on <= today - dt.timedelta(days=7), order=Case.closed_on)
            planned = select(FollowUp.case_id).where(
                FollowUp.next_due >= today - dt.timedelta(days=90), FollowUp.next_due <= today)
            fu_planned = rows(Case.status == CaseStatus.SUCCEEDED.value, mine,
                              Case.id.in_(planned), order=Case.closed_on)
            # a case both planned and never visited is listed once
            by_id = {r.id: r for r in fu_planned + fu_new}
            followups_due = sorted(by_id.values(),
                                   key=lambda r: (r.accepted_on or today, r.id))[:limit]
            # judicial confirmation windows closing within 7 days, no application yet
            no_conf = ~select(JudicialConfirmation.id).where(
                JudicialConfirmation.case_id == Case.id).exists()
            in_window = select(Agreement.case_id).where(
                Agreement.effective_on >= today - dt.timedelta(days=30),
                Agreement.effective_on <= today - dt.timedelta(days=23))
            confirmation_closing = rows(Case.status == CaseStatus.SUCCEEDED.value, no_conf,
                                        Case.id.in_(in_window), order=Case.closed_on)
            risk_stmt = (base.where(Case.risk_level.is_not(None),
                                    Case.status.in_(open_values + [CaseStatus.SUCCEEDED.value]))
                         .order_by(Case.registered_at.desc()).limit(limit))
            risk_flagged = [self._row(r, labels, today) for r in s.execute(risk_stmt)]
            return dto.Dashboard(my_open, due_soon, overdue, today_sessions, followups_due,
                                 confirmation_closing, risk_flagged)
