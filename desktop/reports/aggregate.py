"""Report figures from the ``report_month`` summary table, kept in step with the cases.

Every case contributes counters to (month, committee, type, source, joint mask, mediator)
keys; the table stores them sliced per dimension (month × committee × one value of dispute
type, source, joint mask, mediator, or ``type|source`` for the official form's source-group
split), because every breakdown is one-dimensional. ``contributions`` computes them from the
case's current rows and is the one function used both by ``rebuild`` and by the write hook
(``kept_in_step``): a service transaction records the contributions of the cases it touches
before their first flush, and before commit adds (new − old) to the table. The figures equal
``stats.aggregate_rows`` (the raw path, kept for ``verify``, drill-down and periods that are
not whole calendar months):

- additive counters (受理, 涉及人数, 调结 by outcome, 超期 closed late, cents,
  confirmations, prevented-risk people) sit in the month of their date;
- 未结 and open 超期 are levels "as of the period end": each case adds +1 in the month it
  becomes open (overdue) and −1 in the month it is closed; month 0 holds the sum of all
  deltas, so the level at the end of month M is month 0 minus the deltas after M;
- distinct-case counts (回访, 已履行, 防止…件) are counted once per case per calendar month,
  quarter and year (columns ``_m``/``_q``/``_y``), so month, quarter and year periods are exact;
  any other range falls back to the raw path.

Writes that bypass the ORM flush (Core INSERT/UPDATE/DELETE on the counted tables inside a
service transaction) must announce the cases they change (``announce``/``created``); an
unannounced one is refused, so a new bulk path cannot silently drift from the cases.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import operator
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    String,
    Table,
    Update,
    bindparam,
    case,
    cast,
    delete,
    event,
    func,
    literal,
    or_,
    select,
    union_all,
)
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import ORMExecuteState, Session

from desktop.domain.enums import ConfirmationRuling, Performance
from desktop.reports import stats
from desktop.reports.period import Period
from desktop.store.models import (
    REPORT_AGG_COLS,
    Case,
    FollowUp,
    JudicialConfirmation,
    ReportMonth,
    RiskFlag,
)

KEYS = ("month", "committee_id", "dim", "value")
SLICED = ("dispute_type", "source", "joint_mask", "mediator_id", "type_source")
DIM_COLS = ("committee_id", "dispute_type", "source", "joint_mask", "mediator_id", "type_source")
IDX = {c: i for i, c in enumerate(REPORT_AGG_COLS)}
N = len(REPORT_AGG_COLS)
RISK_NAME = {kind: cc.removesuffix("_cases") for cc, _pc, kind in stats.RISK_COLS}
# stats.COLS counted once per case and calendar bucket
DISTINCT = ("followed", "performed", *(cc for cc, _pc, _k in stats.RISK_COLS))
CONFIRMED = ConfirmationRuling.CONFIRMED.value
FULL = Performance.FULL.value
SUCCESS = (stats.WRITTEN, stats.ORAL)
T: Table = ReportMonth.__table__  # type: ignore[assignment]
COUNTED_TABLES = frozenset(m.__tablename__ for m in (Case, FollowUp, JudicialConfirmation,
                                                     RiskFlag))

Contribution = dict[tuple[Any, ...], list[int]]
# the columns ``contributions`` reads, per table: a flush that changes none of them on an
# existing row moves no figure, so the write hook leaves that row's case alone
CASE_COLS = ("id", "committee_id", "dispute_type", "source", "joint_mask", "mediator_id",
             "accepted_on", "deadline", "closed_on", "outcome", "agreed_amount", "people_involved")
CONFIRMATION_COLS = ("case_id", "filed_on", "ruling", "ruling_on")
FOLLOW_UP_COLS = ("case_id", "visited_on", "performance")
RISK_COLS = ("case_id", "kind", "people", "resolved_on")
RISK_FILTER_COLS = ("prevented",)
COUNTED_COLS: dict[type[Case | JudicialConfirmation | FollowUp | RiskFlag], frozenset[str]] = {
    Case: frozenset(CASE_COLS),
    JudicialConfirmation: frozenset(CONFIRMATION_COLS),
    FollowUp: frozenset(FOLLOW_UP_COLS),
    RiskFlag: frozenset(RISK_COLS + RISK_FILTER_COLS),
}


def _m(d: dt.date) -> int:
    return d.year * 100 + d.month


def _buckets(d: dt.date) -> tuple[tuple[str, Any], ...]:
    return (("m", _m(d)), ("q", (d.year, (d.month - 1) // 3)), ("y", d.year))


def _cents(amount: Any) -> int:
    if amount is None:
        return 0
    return int((Decimal(str(amount)) * 100).to_integral_value(ROUND_HALF_UP))


def type_source(dispute_type: Any, source: Any) -> str:
    return f"{dispute_type}|{source}"


# -- a case's contribution -----------------------------------------------------------------------
def contributions(conn: Any, case_ids: Iterable[int] | None = None,
                  id_range: tuple[int, int] | None = None) -> Contribution:
    """The summary rows of the given cases (by ids or an inclusive id range), from their
    current rows. ``conn`` is a Session or a Connection."""
    ct = Case.__table__

    def scope(col: Any) -> Any:
        if id_range is not None:
            return col.between(*id_range)
        return col.in_(list(case_ids or []))

    out: Contribution = defaultdict(lambda: [0] * N)
    dims: dict[int, tuple[Any, ...]] = {}
    for (cid, com, typ, src, mask, med, acc, deadline, closed, outcome, amount,
         people) in conn.execute(select(*(ct.c[c] for c in CASE_COLS)).where(scope(ct.c.id))):
        d = dims[cid] = (com, typ, src, int(mask or 0), med or 0)
        if acc is not None:
            row = out[(_m(acc), *d)]
            row[IDX["accepted"]] += 1
            row[IDX["people"]] += int(people or 0)
            _interval(out, d, "open_delta", _m(acc), closed)
            if deadline is not None:
                start = max(acc, deadline + dt.timedelta(days=1))
                _interval(out, d, "overdue_open_delta", _m(start), closed)
        if outcome is not None and closed is not None:
            row = out[(_m(closed), *d)]
            if outcome in IDX:
                row[IDX[outcome]] += 1
            if deadline is not None and closed > deadline:
                row[IDX["overdue_closed"]] += 1
            if outcome in SUCCESS:
                row[IDX["amount_cents"]] += _cents(amount)
    if not dims:
        return out
    jt = JudicialConfirmation.__table__
    for cid, filed, ruling, ruling_on in conn.execute(
            select(*(jt.c[c] for c in CONFIRMATION_COLS)).where(scope(jt.c.case_id))):
        if filed is not None:
            out[(_m(filed), *dims[cid])][IDX["conf_applied"]] += 1
        if ruling == CONFIRMED and ruling_on is not None:
            out[(_m(ruling_on), *dims[cid])][IDX["conf_confirmed"]] += 1
    # distinct cases per bucket: (case, column, bucket) -> month of its first event there
    first: dict[tuple[int, str, Any], int] = {}

    def once(cid: int, col: str, day: dt.date) -> None:
        m = _m(day)
        for flavour, bucket in _buckets(day):
            k = (cid, f"{col}_{flavour}", bucket)
            if k not in first or m < first[k]:
                first[k] = m

    ft = FollowUp.__table__
    for cid, visited, perf in conn.execute(
            select(*(ft.c[c] for c in FOLLOW_UP_COLS)).where(scope(ft.c.case_id))):
        if visited is None:
            continue
        once(cid, "followed", visited)
        if perf == FULL:
            once(cid, "performed", visited)
    rt = RiskFlag.__table__
    for cid, kind, people, resolved in conn.execute(
            select(*(rt.c[c] for c in RISK_COLS))
            .where(scope(rt.c.case_id), rt.c.prevented.is_(True),
                   rt.c.kind.in_(list(RISK_NAME)), rt.c.resolved_on.is_not(None))):
        name = RISK_NAME[kind]
        out[(_m(resolved), *dims[cid])][IDX[f"{name}_people"]] += int(people or 0)
        once(cid, f"{name}_cases", resolved)
    for (cid, col, _bucket), m in first.items():
        out[(m, *dims[cid])][IDX[col]] += 1
    return out


def _interval(out: Contribution, d: tuple[Any, ...], col: str, start: int,
              closed: dt.date | None) -> None:
    """+1 from month ``start`` until the closing month (exclusive); month 0 holds the sum."""
    end = _m(closed) if closed is not None else None
    if end is not None and end <= start:
        return
    out[(start, *d)][IDX[col]] += 1
    if end is None:
        out[(0, *d)][IDX[col]] += 1
    else:
        out[(end, *d)][IDX[col]] -= 1


# -- writing the table ---------------------------------------------------------------------------
def _row(key: tuple[Any, ...], vals: Sequence[int]) -> dict[str, Any]:
    return {**dict(zip(KEYS, key, strict=True)), **dict(zip(REPORT_AGG_COLS, vals, strict=True))}


def _slices(fine: Contribution) -> Contribution:
    """(month, committee, type, source, mask, mediator) rows -> one row per month, committee
    and value of each sliced dimension (the committee total is the dispute-type slice's)."""
    out: Contribution = defaultdict(lambda: [0] * N)
    for (month, com, typ, src, mask, med), v in fine.items():
        for dim, value in zip(SLICED, (typ, src, str(mask), str(med) if med else "",
                                       type_source(typ, src)), strict=True):
            acc = out[(month, com, dim, value)]
            for i, x in enumerate(v):
                acc[i] += x
    return out


def add(conn: Any, delta: Contribution) -> None:
    """Add ``delta`` (five-dimension keys) to the table (insert missing rows)."""
    # in key order, so two desks' transactions lock shared rows in the same order (no deadlock)
    rows = [_row(k, v) for k, v in sorted(_slices(delta).items()) if any(v)]
    if not rows:
        return
    name = conn.get_bind().dialect.name if isinstance(conn, Session) else conn.dialect.name
    ins = (postgresql if name == "postgresql" else sqlite).insert(T)
    stmt = ins.on_conflict_do_update(
        index_elements=list(KEYS),
        set_={c: T.c[c] + ins.excluded[c] for c in REPORT_AGG_COLS})
    for i in range(0, len(rows), 2000):
        conn.execute(stmt, rows[i:i + 2000])


def add_range(conn: Any, first_id: int, last_id: int) -> None:
    """Count cases ``first_id``..``last_id`` (just inserted by a bulk load) in the table."""
    if last_id >= first_id:
        add(conn, contributions(conn, id_range=(first_id, last_id)))


def rebuild_connection(conn: Any, chunk: int = 20000) -> int:
    """Recompute the whole table from the cases; returns the number of rows written."""
    conn.execute(delete(T))
    lo, hi = conn.execute(select(func.min(Case.__table__.c.id),
                                 func.max(Case.__table__.c.id))).one()
    total: Contribution = defaultdict(lambda: [0] * N)
    if lo is not None:
        for start in range(lo, hi + 1, chunk):
            for k, v in contributions(conn, id_range=(start, start + chunk - 1)).items():
                acc = total[k]
                for i, x in enumerate(v):
                    acc[i] += x
    rows = [_row(k, v) for k, v in _slices(total).items() if any(v)]
    for i in range(0, len(rows), 5000):
        conn.execute(T.insert(), rows[i:i + 5000])
    return len(rows)


def diff(old: Contribution, new: Contribution) -> Contribution:
    out: Contribution = {}
    for k in set(old) | set(new):
        a, b = old.get(k, [0] * N), new.get(k, [0] * N)
        d = [y - x for x, y in zip(a, b, strict=True)]
        if any(d):
            out[k] = d
    return out


# -- the write hook ------------------------------------------------------------------------------
class Tracker:
    """Collects the cases a write transaction touches, with their contributions before it."""

    KEY = "report_tracker"

    def __init__(self, session: Session) -> None:
        self.session = session
        self.ids: set[int] = set()
        self.old: Contribution = defaultdict(lambda: [0] * N)
        self.announced = False  # Core writes on the counted tables announced by the caller
        session.info[self.KEY] = self

    def touch(self, ids: Iterable[int]) -> None:
        fresh = [i for i in ids if i not in self.ids]
        if not fresh:
            return
        self.ids.update(fresh)
        for k, v in contributions(self.session.connection(), fresh).items():
            acc = self.old[k]
            for j, x in enumerate(v):
                acc[j] += x

    def apply(self) -> None:
        """Add (new − old) for every touched case; call after the last flush, before commit."""
        self.session.info.pop(self.KEY, None)
        if self.ids:
            conn = self.session.connection()
            add(conn, diff(self.old, contributions(conn, sorted(self.ids))))


@contextlib.contextmanager
def kept_in_step(session: Session) -> Iterator[None]:
    """The one hook of a service transaction (ServiceBase._write): the report aggregates
    move in the same transaction as the cases they count; on an error nothing is added."""
    tracker = Tracker(session)
    try:
        yield
        session.flush()
        tracker.apply()
    finally:
        session.info.pop(Tracker.KEY, None)


@contextlib.contextmanager
def last_steps(session: Session) -> Iterator[None]:
    """A transaction's last steps (``Tx.at_last``), after the aggregates have moved: a change
    there that would move a figure raises instead of going uncounted."""
    session.info[LATE_KEY] = True
    try:
        yield
        session.flush()
    finally:
        session.info.pop(LATE_KEY, None)


LATE_KEY = "report_late"
LATE = ("report aggregates: a transaction's last steps (Tx.at_last) run after the aggregates "
        "have moved and must not change what they count")


def announce(session: Session, case_ids: Iterable[int]) -> None:
    """Before Core writes that change these existing cases (or their follow-ups, risks,
    confirmations): remember what they count now."""
    tracker = session.info.get(Tracker.KEY)
    if tracker is not None:
        tracker.announced = True
        session.flush()
        ids = list(case_ids)
        if ids and session.get_bind().dialect.name == "postgresql":
            # as the services' own writes do: hold the cases, so no other desk changes them
            # between the count taken here and this transaction's commit
            session.execute(select(Case.id).where(Case.id.in_(ids)).with_for_update())
        tracker.touch(ids)


def created(session: Session, case_ids: Iterable[int]) -> None:
    """After Core inserts of new cases: they counted nothing before this transaction."""
    tracker = session.info.get(Tracker.KEY)
    if tracker is not None:
        tracker.ids.update(case_ids)


def _moved(obj: Any) -> bool:
    """Whether a pending change of this existing row touches a column the figures read
    (history still holds the change in both before_flush and after_flush)."""
    state = sa_inspect(obj)
    touched = state.committed_state  # the attributes set since load (no others changed)
    for name in COUNTED_COLS[type(obj)]:
        if name in touched and state.attrs[name].history.has_changes():
            return True
    return False


def _flushed_case_ids(session: Session) -> set[int]:
    """The cases whose figures this flush may move: new and deleted counted rows, and existing
    ones with a counted column changed (an edit of 请求事项 moves nothing)."""
    return _case_ids([*session.new, *session.deleted,
                      *(o for o in session.dirty if type(o) in COUNTED_COLS and _moved(o))])


def _case_ids(objs: Iterable[Any]) -> set[int]:
    out = set()
    for obj in objs:
        if isinstance(obj, Case):
            cid = obj.id
        elif isinstance(obj, (FollowUp, RiskFlag, JudicialConfirmation)):
            cid = obj.case_id
        else:
            continue
        if cid is not None:
            out.add(cid)
    return out


@event.listens_for(Session, "before_flush")
def _before_flush(session: Session, _ctx: Any, _instances: Any) -> None:
    if session.info.get(LATE_KEY) and _flushed_case_ids(session):
        raise RuntimeError(LATE)
    tracker = session.info.get(Tracker.KEY)
    if tracker is not None:
        # the database still holds the rows as they were before this flush
        tracker.touch(_flushed_case_ids(session))


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, _ctx: Any) -> None:
    tracker = session.info.get(Tracker.KEY)
    if tracker is not None:
        # new cases got their ids in this flush: they contributed nothing before it
        for cid in _flushed_case_ids(session):
            tracker.ids.add(cid)


@event.listens_for(Session, "do_orm_execute")
def _refuse_unannounced(state: ORMExecuteState) -> None:
    if state.session.info.get(LATE_KEY) and (state.is_insert or state.is_update
                                             or state.is_delete) and getattr(
            getattr(state.statement, "table", None), "name", None) in COUNTED_TABLES:
        raise RuntimeError(LATE)
    tracker = state.session.info.get(Tracker.KEY)
    if tracker is None or tracker.announced or not (
            state.is_insert or state.is_update or state.is_delete):
        return
    name = getattr(getattr(state.statement, "table", None), "name", None)
    if name in COUNTED_TABLES and not _sets_nothing_counted(state.statement, name):
        raise RuntimeError(f"report aggregates: a Core write to {name} (not seen by the "
                           "flush hook) must call aggregate.announce/created first")


_COUNTED_BY_TABLE = {m.__tablename__: cols for m, cols in COUNTED_COLS.items()}


def _sets_nothing_counted(statement: Any, table: str) -> bool:
    """Whether ``statement`` is an UPDATE whose SET names no column the figures read (an edit
    of 请求事项 written with Core moves no figure and needs no announce). Any other write, or
    one whose columns cannot be read off the statement, counts as moving figures."""
    if not isinstance(statement, Update):
        return False
    values = getattr(statement, "_values", None)  # SQLAlchemy 2: column -> value, in order
    if not values:
        return False
    names = {getattr(c, "name", c) for c in values}
    return all(isinstance(n, str) for n in names) and not names & _COUNTED_BY_TABLE[table]


# -- reading -------------------------------------------------------------------------------------
def flavour(p: Period) -> str | None:
    """Which distinct-count columns serve ``p`` (None: not whole calendar months of one kind)."""
    if p.kind in ("month", "quarter", "year"):
        return p.kind[0]
    whole = Period.month(p.start.year, p.start.month)
    return "m" if (p.start, p.end) == (whole.start, whole.end) else None


def serves(p: Period) -> bool:
    return flavour(p) is not None


LEVELS = {"open": "open_delta", "overdue": "overdue_open_delta"}


def _source_column(c: str, f: str) -> str:
    """The table column summed for ``stats.COLS`` entry ``c`` (distinct counts: flavour f)."""
    if c in DISTINCT:
        return f"{c}_{f}"
    return "overdue_closed" if c == "overdue" else c


def _typed(name: str, value: Any) -> Any:
    if name in ("committee_id", "joint_mask"):
        return int(value)
    if name == "mediator_id":
        return int(value) if value not in (None, "", 0, "0") else None
    return value


@functools.cache
def _dimension_statement(f: str, scoped: bool) -> Any:
    """Four plain GROUP BYs in one statement (built once per flavour), every arm in
    ``stats.COLS`` order: the period's months summed per dimension value and per committee,
    and the open levels (month 0 minus the deltas after the period) per dimension value and
    per committee. No CASE per figure: PostgreSQL planned one conditional aggregate of all
    figures in ~26 ms, longer than running it."""
    scope = [T.c.committee_id.in_(bindparam("ids", expanding=True))] if scoped else []
    inside = [T.c.month.between(bindparam("m1"), bindparam("m2")), *scope]
    after = [or_(T.c.month == 0, T.c.month > bindparam("m2")), *scope]

    def total(expr: Any) -> Any:  # an integer on both backends (PostgreSQL: numeric otherwise)
        return cast(func.sum(expr), BigInteger)

    zero = cast(literal(0), BigInteger)
    flows = [zero if c == "open" else total(T.c[_source_column(c, f)]) for c in stats.COLS]
    levels = [total(case((T.c.month == 0, T.c[LEVELS[c]]), else_=-T.c[LEVELS[c]]))
              if c in LEVELS else zero for c in stats.COLS]
    committee = [literal("committee_id").label("dim"), cast(T.c.committee_id, String)]
    return union_all(
        select(T.c.dim, T.c.value, *flows).where(*inside).group_by(T.c.dim, T.c.value),
        select(*committee, *flows).where(*inside, T.c.dim == "dispute_type")
        .group_by(T.c.committee_id),
        select(T.c.dim, T.c.value, *levels).where(*after).group_by(T.c.dim, T.c.value),
        select(*committee, *levels).where(*after, T.c.dim == "dispute_type")
        .group_by(T.c.committee_id))


def dimension_sums(s: Session, p: Period, committee_ids: Sequence[int] | None
                   ) -> dict[str, dict[Any, list[int]]]:
    """Sums in ``stats.COLS`` order per value of each dimension (what the breakdowns and the
    official form show), in one statement; the shape of ``by_dimension(aggregate_rows)``."""
    f = flavour(p)
    if f is None:
        raise ValueError(p)
    params: dict[str, Any] = {"m1": _m(p.start), "m2": _m(p.end)}
    if committee_ids is not None:
        params["ids"] = list(committee_ids)
    out: dict[str, dict[Any, list[int]]] = {d: {} for d in DIM_COLS}
    for dim, value, *vals in s.execute(_dimension_statement(f, committee_ids is not None),
                                       params).all():
        values = out[dim]
        key = _typed(dim, value)
        acc = values.get(key)
        if acc is None:
            values[key] = vals
        else:
            acc[:] = map(operator.add, acc, vals)
    for values in out.values():  # a value whose figures cancel out is absent, as on the raw path
        for k in [k for k, v in values.items() if not any(v)]:
            del values[k]
    return out


def by_dimension(agg: Iterable[tuple[tuple[Any, ...], list[int]]]
                 ) -> dict[str, dict[Any, list[int]]]:
    """The same sums from the raw path's rows over all five dimensions."""
    out: dict[str, dict[Any, list[int]]] = {d: {} for d in DIM_COLS}
    for dims, raw in agg:
        for name, value in zip(DIM_COLS, (*dims, type_source(dims[1], dims[2])), strict=True):
            acc = out[name].get(value)
            if acc is None:
                out[name][value] = list(raw)
            else:
                for i, x in enumerate(raw):
                    acc[i] += x
    return out


def trend_rows(s: Session, months: list[Period], committee_ids: Sequence[int] | None
               ) -> list[tuple[int, int, int]]:
    """(accepted, succeeded, closed) per month, as ``stats.trend_rows``."""
    scope = [] if committee_ids is None else [T.c.committee_id.in_(list(committee_ids))]
    got = {int(m): (int(a or 0), int(w or 0), int(c or 0)) for m, a, w, c in s.execute(
        select(T.c.month, func.sum(T.c.accepted), func.sum(T.c.written + T.c.oral),
               func.sum(T.c.written + T.c.oral + T.c.terminated))
        .where(T.c.month.between(_m(months[0].start), _m(months[-1].start)),
               T.c.dim == "dispute_type", *scope)
        .group_by(T.c.month))}
    return [got.get(_m(m.start), (0, 0, 0)) for m in months]
