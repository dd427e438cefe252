"""Report statistics with aggregate SQL (identical on SQLite and PostgreSQL).

One query computes every case counter: a ``UNION ALL`` of index-driven arms (accepted in the
period, closed in it, open at its end, confirmations, follow-ups, prevented risks), each arm
emitting the case's dimensions and 0/1 (or people, cents) columns, summed with one
``GROUP BY committee, type, source, joint mask, mediator``. The breakdowns are roll-ups of
those aggregate rows; no case is loaded into Python. The same predicates (``metric_filter``)
select the cases behind any figure for drill-down, so a drill-down list always matches its
number.

Counting rules (documented for users in ``figures.definitions``):
- 受理: ``accepted_on`` in the period. 调结: ``outcome`` set and ``closed_on`` in the period
  (success = written + oral, plus terminated). Refused cases have no outcome.
- 未结: accepted on/before the end and ``closed_on`` empty or after the end (a reopened case is
  open again until its next closure; the report reflects the current record).
- 超期: open at the end with ``deadline`` before the end, or closed in the period after its
  deadline.
- Money is summed in integer cents so SQLite's REAL storage never rounds a total.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    and_,
    case,
    cast,
    exists,
    func,
    literal,
    or_,
    select,
    text,
    true,
    union_all,
)
from sqlalchemy.orm import Session

from desktop.domain.enums import ConfirmationRuling, OutcomeKind, Performance, RiskKind
from desktop.reports.period import Period
from desktop.store.models import Case, FollowUp, JudicialConfirmation, RiskFlag, SweepRecord

DIMS = ("committee_id", "dispute_type", "source", "joint_mask", "mediator_id")
# column order of every arm after the dimensions (amount in cents)
COLS = ("accepted", "written", "oral", "terminated", "open", "overdue", "amount_cents",
        "conf_applied", "conf_confirmed", "followed", "performed", "criminal_cases",
        "criminal_people", "petition_cases", "petition_people", "people", "suicide_cases",
        "suicide_people", "fight_cases", "fight_people")
# prevented-risk counters: (cases column, people column, risk kind)
RISK_COLS = (("criminal_cases", "criminal_people", RiskKind.CRIMINAL.value),
             ("petition_cases", "petition_people", RiskKind.PETITION.value),
             ("suicide_cases", "suicide_people", RiskKind.SUICIDE.value),
             ("fight_cases", "fight_people", RiskKind.FIGHT.value))
RISK_KIND_OF = {c: kind for cc, pc, kind in RISK_COLS for c in (cc, pc)}

WRITTEN, ORAL, TERMINATED = (OutcomeKind.WRITTEN.value, OutcomeKind.ORAL.value,
                             OutcomeKind.TERMINATED.value)


def _i(expr: Any) -> Any:
    return cast(expr, Integer)


def _flag(cond: ColumnElement[bool]) -> Any:
    return case((cond, 1), else_=0)


def _between(col: Any, p: Period) -> ColumnElement[bool]:
    return and_(col >= p.start, col <= p.end)


# -- predicates shared by the aggregate and the drill-down -------------------------------------
def accepted_in(p: Period) -> ColumnElement[bool]:
    return _between(Case.accepted_on, p)


def closed_in(p: Period) -> ColumnElement[bool]:
    return and_(_between(Case.closed_on, p), Case.outcome.is_not(None))


def open_at_end(p: Period) -> ColumnElement[bool]:
    return and_(Case.accepted_on <= p.end,
                or_(Case.closed_on.is_(None), Case.closed_on > p.end))


def overdue_open(p: Period) -> ColumnElement[bool]:
    return and_(open_at_end(p), Case.deadline < p.end)


def overdue_closed(p: Period) -> ColumnElement[bool]:
    return and_(closed_in(p), Case.deadline.is_not(None), Case.closed_on > Case.deadline)


def conf_applied_in(p: Period) -> ColumnElement[bool]:
    return _between(JudicialConfirmation.filed_on, p)


def conf_confirmed_in(p: Period) -> ColumnElement[bool]:
    return and_(JudicialConfirmation.ruling == ConfirmationRuling.CONFIRMED.value,
                _between(JudicialConfirmation.ruling_on, p))


def prevented_in(p: Period, kind: str) -> ColumnElement[bool]:
    return and_(RiskFlag.prevented == true(), RiskFlag.kind == kind,
                _between(RiskFlag.resolved_on, p))


def metric_filter(metric: str, p: Period) -> ColumnElement[bool]:
    """The cases behind ``metric`` for period ``p``, as a condition on ``Case``."""
    if metric in ("accepted", "people"):
        return accepted_in(p)
    if metric == "closed":
        return closed_in(p)
    if metric in ("succeeded", "amount"):
        return and_(closed_in(p), Case.outcome.in_([WRITTEN, ORAL]))
    if metric in ("written", "oral", "terminated"):
        return and_(closed_in(p), Case.outcome == metric)
    if metric == "open":
        return open_at_end(p)
    if metric == "overdue":
        return or_(overdue_open(p), overdue_closed(p))
    if metric in ("conf_applied", "conf_confirmed"):
        cond = conf_applied_in(p) if metric == "conf_applied" else conf_confirmed_in(p)
        return exists().where(JudicialConfirmation.case_id == Case.id, cond)
    if metric in ("followed", "performed"):
        cond = _between(FollowUp.visited_on, p)
        if metric == "performed":
            cond = and_(cond, FollowUp.performance == Performance.FULL.value)
        return exists().where(FollowUp.case_id == Case.id, cond)
    if metric in RISK_KIND_OF:
        return exists().where(RiskFlag.case_id == Case.id, prevented_in(p, RISK_KIND_OF[metric]))
    raise KeyError(metric)


# -- the aggregate ------------------------------------------------------------------------------
def _dims() -> list[Any]:
    return [Case.committee_id, Case.dispute_type, Case.source, Case.joint_mask, Case.mediator_id]


def _arm(values: dict[str, Any], *where: Any, select_from: Any = None) -> Select[Any]:
    cols = [_i(values.get(c, literal(0))).label(c) for c in COLS]
    stmt = select(*_dims(), *cols)
    if select_from is not None:
        stmt = stmt.select_from(select_from)
    return stmt.where(*where)


def _committee(committee_ids: Sequence[int] | None) -> list[Any]:
    return [] if committee_ids is None else [Case.committee_id.in_(list(committee_ids))]


def case_arms(p: Period, committee_ids: Sequence[int] | None) -> list[Select[Any]]:
    scope = _committee(committee_ids)
    cents = func.coalesce(func.round(Case.agreed_amount * 100), 0)
    fu = (select(FollowUp.case_id.label("case_id"),
                 func.max(_flag(FollowUp.performance == Performance.FULL.value)).label("full"))
          .where(_between(FollowUp.visited_on, p)).group_by(FollowUp.case_id).subquery())
    risk_cols = []
    for cc, pc, kind in RISK_COLS:
        risk_cols += [func.max(_flag(RiskFlag.kind == kind)).label(cc),
                      func.sum(case((RiskFlag.kind == kind, RiskFlag.people), else_=0)).label(pc)]
    risk = (select(RiskFlag.case_id.label("case_id"), *risk_cols)
            .where(RiskFlag.prevented == true(), RiskFlag.kind.in_([k for *_c, k in RISK_COLS]),
                   _between(RiskFlag.resolved_on, p))
            .group_by(RiskFlag.case_id).subquery())
    return [
        _arm({"accepted": literal(1), "people": func.coalesce(Case.people_involved, 0)},
             accepted_in(p), *scope),
        _arm({"written": _flag(Case.outcome == WRITTEN), "oral": _flag(Case.outcome == ORAL),
              "terminated": _flag(Case.outcome == TERMINATED),
              "overdue": _flag(and_(Case.deadline.is_not(None), Case.closed_on > Case.deadline)),
              "amount_cents": case((Case.outcome.in_([WRITTEN, ORAL]), cents), else_=0)},
             closed_in(p), *scope),
        # 未结, in two arms so each is one index range (PostgreSQL would scan the table
        # for "closed_on IS NULL OR closed_on > end")
        _arm({"open": literal(1), "overdue": _flag(Case.deadline < p.end)},
             Case.accepted_on <= p.end, Case.closed_on.is_(None), *scope),
        _arm({"open": literal(1), "overdue": _flag(Case.deadline < p.end)},
             Case.accepted_on <= p.end, Case.closed_on > p.end, *scope),
        _arm({"conf_applied": _flag(conf_applied_in(p)),
              "conf_confirmed": _flag(conf_confirmed_in(p))},
             or_(conf_applied_in(p), conf_confirmed_in(p)), *scope,
             select_from=JudicialConfirmation.__table__.join(
                 Case.__table__, Case.id == JudicialConfirmation.case_id)),
        _arm({"followed": literal(1), "performed": fu.c.full}, *scope,
             select_from=fu.join(Case.__table__, Case.id == fu.c.case_id)),
        _arm({c: risk.c[c] for cc, pc, _k in RISK_COLS for c in (cc, pc)}, *scope,
             select_from=risk.join(Case.__table__, Case.id == risk.c.case_id)),
    ]


def aggregate_rows(s: Session, p: Period, committee_ids: Sequence[int] | None
                   ) -> list[tuple[tuple[Any, ...], list[int]]]:
    """(dimension values, sums in ``COLS`` order) for every dimension combination with data."""
    if s.get_bind().dialect.name == "postgresql":
        # Each follow-up's case is one probe of the narrow dims index; PostgreSQL's default
        # costs prefer a hash join that reads the whole index (1M entries: 640 ms instead of
        # 320 ms for the statement). SET LOCAL ends with this read transaction.
        s.execute(text("SET LOCAL enable_hashjoin = off"))
    u = union_all(*case_arms(p, committee_ids)).subquery("ev")
    sums = [func.sum(u.c[c]).label(c) for c in COLS]
    dims = [u.c[d] for d in DIMS]
    n = len(DIMS)
    return [(tuple(r[:n]), [int(v or 0) for v in r[n:]])
            for r in s.execute(select(*dims, *sums).group_by(*dims))]


def counts_of(raw: Sequence[int]) -> dict[str, int | Decimal]:
    """The report's counters from summed ``COLS`` (amount from cents, success and closed)."""
    d = dict(zip(COLS, raw, strict=True))
    counts: dict[str, int | Decimal] = {k: v for k, v in d.items() if k != "amount_cents"}
    counts["amount"] = (Decimal(d["amount_cents"]) / 100).quantize(Decimal("0.01"))
    counts["succeeded"] = d["written"] + d["oral"]
    counts["closed"] = d["written"] + d["oral"] + d["terminated"]
    return counts


def trend_rows(s: Session, months: list[Period], committee_ids: Sequence[int] | None
               ) -> list[tuple[int, int, int]]:
    """(accepted, succeeded, closed) per month: one statement of scalar COUNT subqueries, each
    a range over a covering index (no row is read; no per-row CASE over twelve months)."""
    scope = _committee(committee_ids)

    def count(*where: Any) -> Any:
        return select(func.count()).select_from(Case).where(*where, *scope).scalar_subquery()

    cols = []
    for m in months:
        cols += [count(accepted_in(m)),
                 count(_between(Case.closed_on, m), Case.outcome.in_([WRITTEN, ORAL])),
                 count(closed_in(m))]
    row = s.execute(select(*cols)).one()
    return [(int(row[3 * i]), int(row[3 * i + 1]), int(row[3 * i + 2]))
            for i in range(len(months))]


def sweep_rows(s: Session, p: Period, committee_ids: Sequence[int] | None
               ) -> list[tuple[str, int, int]]:
    """(dispute type, found, resolved by the end) for sweep records found in the period."""
    resolved = and_(SweepRecord.resolved == true(),
                    or_(SweepRecord.resolved_on.is_(None), SweepRecord.resolved_on <= p.end))
    stmt = (select(SweepRecord.dispute_type, func.count(), func.sum(_flag(resolved)))
            .where(_between(SweepRecord.found_on, p))
            .group_by(SweepRecord.dispute_type))
    if committee_ids is not None:
        stmt = stmt.where(SweepRecord.committee_id.in_(list(committee_ids)))
    return [(t, int(n), int(r or 0)) for t, n, r in s.execute(stmt)]


def sweep_official(s: Session, p: Period, committee_ids: Sequence[int] | None
                   ) -> list[tuple[int, dt.date, str, int, int]]:
    """(committee, found_on, dispute type, found, prevented) for sweep records found in the
    period; 预防 = resolved by the end at the sweep stage, never registered as a case."""
    prevented = and_(SweepRecord.resolved == true(), SweepRecord.case_id.is_(None),
                     or_(SweepRecord.resolved_on.is_(None), SweepRecord.resolved_on <= p.end))
    stmt = (select(SweepRecord.committee_id, SweepRecord.found_on, SweepRecord.dispute_type,
                   func.count(), func.sum(_flag(prevented)))
            .where(_between(SweepRecord.found_on, p))
            .group_by(SweepRecord.committee_id, SweepRecord.found_on, SweepRecord.dispute_type))
    if committee_ids is not None:
        stmt = stmt.where(SweepRecord.committee_id.in_(list(committee_ids)))
    return [(c, d, t, int(n), int(v or 0)) for c, d, t, n, v in s.execute(stmt)]


def case_ids_behind(s: Session, p: Period, committee_ids: Sequence[int] | None, metric: str,
                    conds: Sequence[ColumnElement[bool]], limit: int) -> tuple[int, list[int]]:
    """How many cases are behind a figure, and the first ``limit`` of their ids."""
    where = [metric_filter(metric, p), *_committee(committee_ids), *conds]
    total = int(s.scalar(select(func.count(Case.id)).where(*where)) or 0)
    ids = list(s.scalars(select(Case.id).where(*where).order_by(Case.id).limit(limit)))
    return total, ids


def today() -> dt.date:
    return dt.date.today()


METRIC_KEYS = frozenset({"accepted", "closed", "succeeded", "written", "oral", "terminated",
                         "open", "overdue", "amount", "conf_applied", "conf_confirmed",
                         "followed", "performed", "criminal_cases", "criminal_people",
                         "petition_cases", "petition_people", "people", "suicide_cases",
                         "suicide_people", "fight_cases", "fight_people"})
