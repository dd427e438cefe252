"""The report_month summary table against the computation from the cases (issue 17).

On SQLite and PostgreSQL: the report and the official monthly form read from the aggregate
equal today's computation from the cases (months, quarters, a year) on the hand-counted
fixture extended with the newer figures (涉及人数, 防止自杀, 制止群体性械斗); ``verify`` names a
planted difference and ``rebuild`` repairs it; after every kind of operation that moves a
figure (services, referral import, case-exchange import), the aggregate equals
a rebuild; a hypothesis test drives random sequences of service operations.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, update

from desktop.domain.errors import MediationError
from desktop.reports.aggregate import rebuild_connection, serves
from desktop.reports.period import Period
from desktop.services.dto import CaseUpdate, FollowUpInput, OralAgreementInput, RiskInput
from desktop.services.reports import ReportService
from desktop.store.models import REPORT_AGG_COLS, ReportMonth
from tests.helpers.cases import draft
from tests.helpers.db import Desks
from tests.reports.test_official_table import extend

PERIODS = [Period.parse(t) for t in ("2026-06", "2026-09", "2026-10", "2026-11", "2026-12",
                                     "2026Q3", "2026Q4", "2026")]


def snapshot(svc: ReportService, p: Period, *, from_cases: bool) -> object:
    r = svc.report(p, from_cases=from_cases)
    official = svc.official_table(p, from_cases=from_cases)
    return (r.total.counts, [(b.key, [(row.key, row.label, row.counts) for row in b.rows])
                             for b in r.breakdowns],
            [(t.period, t.accepted, t.succeeded, t.closed) for t in r.trend],
            r.sweep_total, r.sweep_rows,
            [(row.key, row.label, row.values) for row in official.rows])


def table_rows(db: Any) -> dict[tuple[Any, ...], tuple[int, ...]]:
    """The summary table as it is, nonzero rows only (an upsert may leave a zeroed row)."""
    cols = [getattr(ReportMonth, c) for c in REPORT_AGG_COLS]
    with db.read() as s:
        rows = s.execute(select(ReportMonth.month, ReportMonth.committee_id, ReportMonth.dim,
                                ReportMonth.value, *cols)).all()
    return {tuple(r[:4]): tuple(r[4:]) for r in rows if any(r[4:])}


def assert_equals_rebuild(db: Any) -> None:
    """The maintained table equals one recomputed from the cases (rolled back after)."""
    kept = table_rows(db)
    with db.write() as s:
        rebuild_connection(s.connection())
        cols = [getattr(ReportMonth, c) for c in REPORT_AGG_COLS]
        fresh = {tuple(r[:4]): tuple(r[4:]) for r in s.execute(select(
            ReportMonth.month, ReportMonth.committee_id, ReportMonth.dim, ReportMonth.value,
            *cols)).all() if any(r[4:])}
        s.rollback()
    assert kept == fresh


def test_aggregate_report_equals_todays_computation(
        seeded: tuple[Desks, dict[str, int]]) -> None:
    desks, ids = seeded
    extend(desks.db, ids)
    svc = ReportService(desks.db, desks.actor("admin"))
    for p in PERIODS:
        assert serves(p)
        assert snapshot(svc, p, from_cases=False) == snapshot(svc, p, from_cases=True), p.label
    t = svc.report(Period.parse("2026-11")).total.counts
    assert (t["accepted"], t["open"], t["overdue"], t["people"], t["fight_people"]) == \
        (7, 6, 4, 27, 29)  # the hand count (tests/reports/seed.py, test_official_table.py)
    assert svc.verify_aggregates() == []
    # a range that is not whole months is computed from the cases
    odd = Period.range(dt.date(2026, 11, 3), dt.date(2026, 11, 20))
    assert not serves(odd)
    assert svc.report(odd).total.counts["accepted"] == 3
    # one committee, as a director sees it
    a = svc.report(Period.parse("2026-11"), [ids["A"]])
    assert a.total.counts == svc.report(Period.parse("2026-11"), [ids["A"]],
                                         from_cases=True).total.counts


def test_verify_names_a_difference_and_rebuild_repairs_it(
        seeded_sqlite: tuple[Desks, dict[str, int]]) -> None:
    desks, _ids = seeded_sqlite
    svc = ReportService(desks.db, desks.actor("admin"))
    with desks.db.write() as s:
        s.execute(update(ReportMonth).where(ReportMonth.month == 202611,
                                            ReportMonth.dim == "dispute_type",
                                            ReportMonth.value == "labor")
                  .values(people=ReportMonth.people + 3))
    diffs = svc.verify_aggregates([Period.parse("2026-11")])
    assert diffs and all("涉及人数" in d for d in diffs)
    assert len(diffs) == 2  # the labor row and its committee's total
    assert any("2026年11月" in d and "labor" in d and "汇总表" in d for d in diffs)
    assert svc.rebuild_aggregates() > 0
    assert svc.verify_aggregates() == []


OPS = ("new", "register", "oral", "terminate", "reopen", "follow_full", "follow_partial",
       "confirm", "risk", "assign", "extend", "refer", "archive", "people", "retype")
RISK_KINDS = ("criminal", "petition", "suicide", "fight")


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
                zhuren.followups.add(cid, FollowUpInput(today, "visit", op[7:], "satisfied"))
            elif op == "confirm":
                zhuren.confirmations.apply(cid, "青山区人民法院", today)
                zhuren.confirmations.record_ruling(cid, "confirmed", today, "（2026）民特1号")
            elif op == "risk":
                rid = zhuren.risks.flag(cid, RiskInput(RISK_KINDS[n % 4], people=n % 9))
                zhuren.risks.resolve(rid, prevented=n % 3 != 0)
            elif op == "assign":
                zhuren.intake.assign(cid, users["li" if n % 2 else "wang"])
            elif op == "extend":
                zhuren.intake.extend(cid, 15, "双方同意延长")
            elif op == "refer":
                zhuren.intake.refer(cid, "青山派出所", "涉嫌违法")
            elif op == "archive":
                zhuren.outcomes.archive(cid, reason="材料由当事人保管")
            elif op in ("people", "retype"):
                version = zhuren.cases.get(cid).version
                change = (CaseUpdate(people_involved=n % 40 + 1) if op == "people"
                          else CaseUpdate(dispute_type=("labor", "land", "neighbor")[n % 3]))
                zhuren.intake.update_case(cid, version, change)
        except MediationError:
            pass  # refused by the rules: nothing written, the aggregate must not move either


def test_every_operation_keeps_the_aggregate_exact(seeded: tuple[Desks, dict[str, int]]
                                                   ) -> None:
    """Each kind of operation on the fixture's cases, on SQLite and PostgreSQL (upserts);
    after each one the table equals a rebuild."""
    desks, ids = seeded
    svc = ReportService(desks.db, desks.actor("admin"))
    nov = Period.parse("2026-11")
    before = snapshot(svc, nov, from_cases=False)
    ops = [("new", 0, 1), ("oral", 16, 7), ("follow_full", 0, 1), ("follow_partial", 1, 1),
           ("confirm", 16, 1), ("risk", 4, 5), ("risk", 5, 6), ("risk", 3, 2), ("risk", 2, 7),
           ("assign", 4, 1), ("extend", 6, 1), ("reopen", 2, 1), ("terminate", 6, 1),
           ("refer", 5, 1), ("archive", 0, 1), ("register", 0, 1), ("terminate", 16, 1),
           ("people", 3, 11), ("retype", 3, 1)]
    for op in ops:
        apply_ops(desks, ids, [op])
        assert_equals_rebuild(desks.db)
    assert svc.verify_aggregates() == []
    after = snapshot(svc, nov, from_cases=False)
    assert after != before  # the operations did move the figures
    assert after == snapshot(svc, nov, from_cases=True)


def test_imports_keep_the_aggregate_exact(seeded: tuple[Desks, dict[str, int]],
                                          tmp_path: Path) -> None:
    """Referral import (ORM flush), case-exchange import (Core writes, new and updated
    cases), on both backends."""
    from desktop.services.exchange import ExchangeService
    from tests.services.test_exchange import full_case, hotline_rows, run_import, write_csv

    desks, _ids = seeded
    wang, zhuren = desks["wang"], desks["zhuren"]
    cid = full_case(wang)
    out = tmp_path / "cases.zip"
    ExchangeService(desks.db, zhuren.actor).export_cases(out, fmt="json", target="县司法局")
    # the exported case changes here afterwards; importing the file puts it back
    zhuren.followups.add(cid, FollowUpInput(dt.date.today(), "visit", "full", "satisfied"))
    zhuren.risks.resolve(zhuren.risks.flag(cid, RiskInput("fight", people=30)), prevented=True)
    assert_equals_rebuild(desks.db)
    assert ExchangeService(desks.db, zhuren.actor).import_cases(out).updated == 1
    assert_equals_rebuild(desks.db)
    run_import(wang, write_csv(tmp_path / "week.csv", hotline_rows(1, 12)))
    assert_equals_rebuild(desks.db)
    svc = ReportService(desks.db, desks.actor("admin"))
    assert svc.verify_aggregates() == []


def test_exchange_import_into_an_empty_installation(desks: Desks, template_db_file: Path,
                                                    tmp_path: Path) -> None:
    import shutil

    from desktop.services.exchange import ExchangeService
    from desktop.store.opening import open_database
    from tests.services.test_exchange import full_case

    full_case(desks["wang"])
    out = tmp_path / "cases.zip"
    ExchangeService(desks.db, desks["zhuren"].actor).export_cases(out, fmt="json",
                                                                  target="县司法局")
    shutil.copy(template_db_file, tmp_path / "county.sqlite3")
    county = open_database(f"sqlite:///{tmp_path / 'county.sqlite3'}")
    try:
        director = Desks(county)["zhuren"]
        assert ExchangeService(county, director.actor).import_cases(out).new == 1
        assert table_rows(county)  # the imported case is counted
        assert_equals_rebuild(county)
    finally:
        county.close()


def test_an_unannounced_core_write_is_refused(desks: Desks) -> None:
    """A future bulk path that bypasses the flush hook cannot drift silently."""
    import pytest

    from desktop.services.base import ServiceBase
    from desktop.store.models import Case

    svc = ServiceBase(desks.db, desks.actor("admin"))
    with pytest.raises(RuntimeError, match="aggregate.announce"), svc._write() as tx:
        tx.session.execute(update(Case).values(people_involved=3))
    # an UPDATE that sets a counted column among others is refused as well …
    with pytest.raises(RuntimeError, match="aggregate.announce"), svc._write() as tx:
        tx.session.execute(update(Case).values(requests="补充请求", dispute_type="labor"))
    # … one that sets none (the case form's edit of 请求事项) moves no figure and may go
    with svc._write() as tx:
        tx.session.execute(update(Case).values(requests="补充请求"))
    assert_equals_rebuild(desks.db)


@settings(max_examples=6, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(OPS), st.integers(0, 40), st.integers(1, 900)),
                min_size=1, max_size=10))
def test_service_operations_keep_the_aggregate_exact(
        seeded: tuple[Desks, dict[str, int]], ops: list[tuple[str, int, int]]) -> None:
    """Random sequences on both backends (the fixture's database is shared by the examples
    of one backend, so the operations pile up)."""
    desks, ids = seeded
    apply_ops(desks, ids, ops)
    svc = ReportService(desks.db, desks.actor("admin"))
    assert svc.verify_aggregates() == []
    assert_equals_rebuild(desks.db)


def test_two_desks_at_once_keep_the_aggregate_exact(seeded: tuple[Desks, dict[str, int]]
                                                    ) -> None:
    """Two desks writing follow-ups and risks on the same cases at the same moment: each
    service locks the case before counting it, so the distinct counts never double."""
    import threading

    desks, _ids = seeded
    zhuren, admin, wang = desks["zhuren"], desks["admin"], desks["wang"]
    targets = []
    for _ in range(2):  # two cases concluded today (follow-ups need 调解成功)
        cid = wang.intake.accept(wang.intake.register(draft()).id).id
        zhuren.outcomes.record_oral(cid, OralAgreementInput("当场赔偿", amount=Decimal(100)))
        targets.append(cid)
    go = threading.Barrier(2)
    errors: list[BaseException] = []

    def work(desk: Any, kind: str) -> None:
        try:
            go.wait(timeout=30)
            for i in range(4):
                cid = targets[i % 2]
                desk.followups.add(cid, FollowUpInput(dt.date.today(), "visit", "full",
                                                      "satisfied"))
                rid = desk.risks.flag(cid, RiskInput(kind, people=i + 1))
                desk.risks.resolve(rid, prevented=True)
        except BaseException as err:  # noqa: BLE001 - reported by the main thread
            errors.append(err)

    threads = [threading.Thread(target=work, args=(zhuren, "suicide")),
               threading.Thread(target=work, args=(admin, "suicide"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    assert_equals_rebuild(desks.db)
    svc = ReportService(desks.db, desks.actor("admin"))
    month = Period.month(dt.date.today().year, dt.date.today().month)
    t = svc.report(month, trend=False).total.counts
    assert t["suicide_people"] >= 2 * (1 + 2 + 3 + 4)  # both desks' flags, summed
    assert svc.verify_aggregates([month]) == []


def test_an_edit_that_moves_no_figure_skips_the_count(seeded: tuple[Desks, dict[str, int]]
                                                      ) -> None:
    """Editing 请求事项 or adding an ordinary session reads none of the counted tables (the
    write hook skips cases whose counted columns did not change: eight round trips fewer per
    save on a LAN); changing the dispute type still counts, and the table stays exact."""
    from sqlalchemy import event

    desks, _ids = seeded
    zhuren = desks["zhuren"]
    cid = zhuren.intake.accept(zhuren.intake.register(draft()).id).id
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    def counted_reads(change: CaseUpdate) -> int:
        version = zhuren.cases.get(cid).version
        seen.clear()
        zhuren.intake.update_case(cid, version, change)
        return sum("FROM follow_up" in s or "FROM risk_flag" in s for s in seen)

    event.listen(desks.db.engine, "before_cursor_execute", record)
    try:
        assert counted_reads(CaseUpdate(requests="要求对方赔偿漏水损失三千元")) == 0
        # follow-ups and risk flags, each read before and after the change
        assert counted_reads(CaseUpdate(dispute_type="labor")) == 4
    finally:
        event.remove(desks.db.engine, "before_cursor_execute", record)
    assert_equals_rebuild(desks.db)
