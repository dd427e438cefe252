"""The report_month summary table against the computation from the cases (issue 17).

The hand-counted fixture on SQLite and PostgreSQL: the report read from the aggregate equals
the raw one for months, a quarter and a year; ``verify`` names a planted difference and
``rebuild`` repairs it; after random sequences of service operations on the fixture's
cases (past dates, reopened, overdue…) and new ones, ``verify`` finds nothing.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import update

from desktop.domain.errors import MediationError
from desktop.reports.aggregate import serves
from desktop.reports.period import Period
from desktop.services.dto import FollowUpInput, OralAgreementInput, RiskInput
from desktop.services.reports import ReportService
from desktop.store.models import ReportMonth
from tests.helpers.cases import draft
from tests.helpers.db import Desks

PERIODS = [Period.parse(t) for t in ("2026-06", "2026-09", "2026-10", "2026-11", "2026-12",
                                     "2026Q3", "2026Q4", "2026")]


def snapshot(svc: ReportService, p: Period, *, from_cases: bool) -> object:
    r = svc.report(p, from_cases=from_cases)
    return (r.total.counts, [(b.key, [(row.key, row.label, row.counts) for row in b.rows])
                             for b in r.breakdowns],
            [(t.period, t.accepted, t.succeeded, t.closed) for t in r.trend],
            r.sweep_total, r.sweep_rows)


def test_aggregate_report_equals_the_raw_one(seeded: tuple[Desks, dict[str, int]]) -> None:
    desks, _ids = seeded
    svc = ReportService(desks.db, desks.actor("admin"))
    for p in PERIODS:
        assert serves(p)
        assert snapshot(svc, p, from_cases=False) == snapshot(svc, p, from_cases=True), p.label
    nov = svc.report(Period.parse("2026-11"))
    assert (nov.total.counts["accepted"], nov.total.counts["open"],
            nov.total.counts["overdue"]) == (7, 6, 4)  # the hand count
    assert svc.verify_aggregates() == []
    # a range that is not whole months is computed from the cases
    odd = Period.range(dt.date(2026, 11, 3), dt.date(2026, 11, 20))
    assert not serves(odd)
    assert svc.report(odd).total.counts["accepted"] == 3


def test_verify_names_a_difference_and_rebuild_repairs_it(
        seeded_sqlite: tuple[Desks, dict[str, int]]) -> None:
    desks, _ids = seeded_sqlite
    svc = ReportService(desks.db, desks.actor("admin"))
    with desks.db.write() as s:
        s.execute(update(ReportMonth).where(ReportMonth.month == 202611,
                                            ReportMonth.dim == "dispute_type",
                                            ReportMonth.value == "labor")
                  .values(accepted=ReportMonth.accepted + 1))
    diffs = svc.verify_aggregates([Period.parse("2026-11")])
    assert diffs and all("受理" in d for d in diffs)
    assert len(diffs) == 3  # the labor row, its committee's total and the trend
    assert any("2026年11月" in d and "labor" in d for d in diffs)
    assert svc.rebuild_aggregates() > 0
    assert svc.verify_aggregates() == []


OPS = ("new", "register", "oral", "terminate", "reopen", "follow_full", "follow_partial",
       "confirm", "risk", "assign", "extend", "refer", "archive")


def apply_ops(desks: Desks, ids: dict[str, int], ops: list[tuple[str, int, int]]) -> None:
    pool = sorted(v for k, v in ids.items() if k.startswith("c"))
    zhuren, wang = desks["zhuren"], desks["wang"]
    users = {u: desks.actor(u).user_id for u in ("wang", "li")}
    today = dt.date.today()
    for op, pick, n in ops:
        cid = pool[pick % len(pool)]
        try:
            if op == "new":
                pool.append(wang.intake.accept(wang.intake.register(draft()).id).id)
            elif op == "register":
                pool.append(wang.intake.register(draft(dispute_type="marriage")).id)
            elif op == "oral":
                zhuren.outcomes.record_oral(cid, OralAgreementInput("当场赔偿",
                                                                    amount=Decimal(n) / 4))
            elif op == "terminate":
                zhuren.outcomes.terminate(cid, "双方分歧过大")
            elif op == "reopen":
                zhuren.outcomes.reopen(cid, "当事人要求继续调解")
            elif op in ("follow_full", "follow_partial"):
                zhuren.followups.add(cid, FollowUpInput(today, "visit", op[7:]))
            elif op == "confirm":
                zhuren.confirmations.apply(cid, "青山区人民法院", today)
                zhuren.confirmations.record_ruling(cid, "confirmed", today, "（2026）民特1号")
            elif op == "risk":
                rid = zhuren.risks.flag(cid, RiskInput("criminal" if n % 2 else "petition",
                                                       people=n % 9))
                zhuren.risks.resolve(rid, prevented=n % 3 != 0)
            elif op == "assign":
                zhuren.intake.assign(cid, users["li" if n % 2 else "wang"])
            elif op == "extend":
                zhuren.intake.extend(cid, 15, "双方同意延长")
            elif op == "refer":
                zhuren.intake.refer(cid, "青山派出所", "涉嫌违法")
            elif op == "archive":
                zhuren.outcomes.archive(cid, reason="材料由当事人保管")
        except MediationError:
            pass  # refused by the rules: nothing written, the aggregate must not move either


def test_every_operation_keeps_the_aggregate_exact(seeded: tuple[Desks, dict[str, int]]
                                                   ) -> None:
    """Each kind of operation on the fixture's cases, on SQLite and PostgreSQL (upserts)."""
    desks, ids = seeded
    svc = ReportService(desks.db, desks.actor("admin"))
    nov = Period.parse("2026-11")
    before = snapshot(svc, nov, from_cases=False)
    apply_ops(desks, ids, [("new", 0, 1), ("oral", 16, 7), ("follow_full", 0, 1),
                           ("follow_partial", 1, 1), ("confirm", 16, 1), ("risk", 4, 5),
                           ("risk", 5, 6), ("assign", 4, 1), ("extend", 6, 1),
                           ("reopen", 2, 1), ("terminate", 6, 1), ("refer", 5, 1),
                           ("archive", 0, 1), ("register", 0, 1), ("terminate", 16, 1)])
    assert svc.verify_aggregates() == []
    after = snapshot(svc, nov, from_cases=False)
    assert after != before  # the operations did move the figures
    assert after == snapshot(svc, nov, from_cases=True)


@settings(max_examples=12, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(OPS), st.integers(0, 40), st.integers(1, 900)),
                min_size=1, max_size=12))
def test_service_operations_keep_the_aggregate_exact(
        seeded_sqlite: tuple[Desks, dict[str, int]], ops: list[tuple[str, int, int]]) -> None:
    desks, ids = seeded_sqlite
    apply_ops(desks, ids, ops)
    svc = ReportService(desks.db, desks.actor("admin"))
    assert svc.verify_aggregates() == []
