"""The case search returns exactly what a plain scan returns, in the list's order, whichever
plan it takes (the page read in list order from the term index alone; the matches' rows read
a chunk at a time against the other filters; collected and sorted; walked in list order) —
also after cases move between committees and their registration times, statuses and
mediators change (the term rows carry all four since migration 0016, kept in step by
triggers). Both backends."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, text, update

from desktop.services import Desk
from desktop.services import cases as cases_mod
from desktop.services.dto import CaseQuery, PartyInput
from desktop.services.terms import query_ranges
from desktop.store.db import Database
from desktop.store.models import Case, SearchTerm
from tests.helpers.cases import draft
from tests.helpers.db import Desks

pytestmark = pytest.mark.slow

SURNAMES = "张王李赵陈"
GIVEN = ["伟", "芳", "伟明", "秀英", "三", "敏"]
PHONES = ["13812345678", "13812340000", "13900001234", "15612341566", "18600009999"]
# (BROAD_PROBE, ORDERED_PROBE, FIRST_CHUNK, ID_CHUNK): the defaults; the list-order path with
# a case-row filter checked two ids at a time; collected and sorted; walked
PLANS = {
    "ordered": (cases_mod.BROAD_PROBE, cases_mod.ORDERED_PROBE, cases_mod.FIRST_CHUNK,
                cases_mod.ID_CHUNK),
    "ordered-chunks": (cases_mod.BROAD_PROBE, cases_mod.ORDERED_PROBE, 1, 2),
    "collected": (cases_mod.BROAD_PROBE, 1, 1, 2),
    "walked": (1, 1, 1, 2),
}


@dataclass
class World:
    db: Database
    desks: Desks
    committees: list[int]
    mediators: list[int]


def _register(desk: Desk, rng: random.Random) -> int:
    parties = []
    for side in ("applicant", "respondent"):
        name = rng.choice(SURNAMES) + rng.choice(GIVEN)
        parties.append(PartyInput(name, side=side, phone=rng.choice(PHONES + [""])))
    ref = desk.intake.register(draft(parties=parties,
                                     dispute_type=rng.choice(["neighbor", "contract"])))
    if rng.random() < 0.5:
        desk.intake.accept(ref.id)
    return ref.id


def _move(db: Database, rng: random.Random, committees: list[int],
          mediators: list[int]) -> None:
    """Edits the list's order, scope and tabs depend on, as any write would make them: new
    registration times (many equal, so the id breaks ties), cases moved between committees,
    statuses changed, mediators assigned and taken off. The database's triggers carry them to the term rows."""
    base = dt.datetime(2026, 3, 1, 9, 0)
    with db.write() as s:
        ids = list(s.scalars(select(Case.id)))
        for case_id in ids:
            values: dict[str, object] = {}
            if rng.random() < 0.7:
                values["registered_at"] = base + dt.timedelta(days=rng.randrange(0, 6))
            if rng.random() < 0.3:
                values["committee_id"] = rng.choice(committees)
                values["number_seq"] = Case.number_seq + 1000 * case_id  # 案号 stays unique
            if rng.random() < 0.3:
                values["status"] = rng.choice(["registered", "accepted", "refused"])
            if rng.random() < 0.3:
                values["mediator_id"] = rng.choice([*mediators, None])
            if values:
                s.execute(update(Case).where(Case.id == case_id).values(**values))


@pytest.fixture
def world(any_db: Database) -> Iterator[World]:
    desks = Desks(any_db)
    rng = random.Random(17)
    for _ in range(24):
        _register(desks["wang"], rng)
    for _ in range(12):
        _register(desks["zhao"], rng)
    committees = sorted({desks.actor(u).committee_id or 0 for u in ("wang", "zhao")})
    mediators = [desks.actor(u).user_id for u in ("wang", "li", "zhao")]
    _move(any_db, rng, committees, mediators)
    yield World(any_db, desks, committees, mediators)


def _plain_scan(world: World, username: str, q: CaseQuery) -> list[int]:
    """Every case the user may see that passes the query, in list order, computed here from
    the case rows and the case's own terms (the term rows' copies of the committee and
    registration time are not used)."""
    actor = world.desks.actor(username)
    with world.db.read() as s:
        cases = s.execute(select(Case.id, Case.committee_id, Case.registered_at, Case.status,
                                 Case.mediator_id, Case.dispute_type)).all()
        terms: dict[int, list[str]] = {}
        for case_id, term in s.execute(select(SearchTerm.case_id, SearchTerm.term)):
            terms.setdefault(case_id, []).append(term)
    ranges = query_ranges(q.text)
    out = []
    for case_id, committee_id, registered_at, status, mediator_id, dispute in cases:
        if not actor.spans_deployment and committee_id != actor.committee_id:
            continue
        if q.committee_id is not None and committee_id != q.committee_id:
            continue
        if ranges and not any(lo <= t < hi for t in terms.get(case_id, [])
                              for lo, hi in ranges):
            continue
        if q.statuses and status not in q.statuses:
            continue
        if q.mediator_id is not None and mediator_id != q.mediator_id:
            continue
        if q.unassigned and mediator_id is not None:
            continue
        if q.dispute_types and dispute not in q.dispute_types:
            continue
        if q.date_from and registered_at < dt.datetime.combine(q.date_from, dt.time()):
            continue
        if q.date_to and registered_at >= dt.datetime.combine(
                q.date_to + dt.timedelta(days=1), dt.time()):
            continue
        out.append((registered_at, case_id))
    out.sort(reverse=q.sort_desc)
    return [case_id for _, case_id in out]


def _texts() -> st.SearchStrategy[str]:
    names = [s + g for s in SURNAMES for g in GIVEN]
    pieces = names + PHONES + ["zhang", "wang", "zw", "lxy", "chen", "5678", "1234", "1566",
                               "0000", "2026", "0001", "伟", "明"]
    prefix = st.sampled_from(pieces).flatmap(
        lambda p: st.integers(1, len(p)).map(lambda n: p[:n]))
    return prefix | st.sampled_from(["", "不存在", "9999"])


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=_texts(), user=st.sampled_from(["wang", "zhao", "admin"]),
       desc=st.booleans(), status=st.sampled_from([None, "registered", "accepted", "refused"]),
       who=st.sampled_from(["any", "mine", "unassigned"]), neighbour=st.booleans(), dates=st.booleans(), committee=st.integers(-1, 1),
       offset=st.sampled_from([0, 1, 3]), limit=st.sampled_from([1, 2, 5, 50]))
def test_search_equals_a_plain_scan_on_every_plan(
        world: World, monkeypatch: pytest.MonkeyPatch, text: str, user: str, desc: bool,
        status: str | None, who: str, neighbour: bool, dates: bool, committee: int, offset: int,
        limit: int) -> None:
    desk = world.desks[user]
    q = CaseQuery(
        text=text, sort_desc=desc, statuses=[status] if status else [],
        mediator_id=world.mediators[0] if who == "mine" else None,
        unassigned=who == "unassigned",
        dispute_types=["neighbor"] if neighbour else [],
        date_from=dt.date(2026, 3, 2) if dates else None,
        date_to=dt.date(2026, 3, 4) if dates else None,
        committee_id=world.committees[committee] if committee >= 0 else None,
        offset=offset, limit=limit, with_total=True)
    expected = _plain_scan(world, user, q)
    for plan, (broad, ordered, first, chunk) in PLANS.items():
        monkeypatch.setattr(cases_mod, "BROAD_PROBE", broad)
        monkeypatch.setattr(cases_mod, "ORDERED_PROBE", ordered)
        monkeypatch.setattr(cases_mod, "FIRST_CHUNK", first)
        monkeypatch.setattr(cases_mod, "ID_CHUNK", chunk)
        page = desk.cases.search(q)
        assert [r.id for r in page.rows] == expected[offset:offset + limit], (plan, q)
        assert page.total == len(expected), (plan, q)
        assert desk.cases.count(q) == len(expected), (plan, q)


def test_term_rows_follow_their_case(world: World) -> None:
    """Every term row carries its case's committee, registration time, status and mediator
    after the moves; a term row written without them (an old path, a copy) is filled from its case."""
    with world.db.write() as s:
        case_id = s.scalars(select(Case.id).order_by(Case.id)).first()
        s.add(SearchTerm(case_id=case_id, term="补填测试"))
    with world.db.read() as s:
        stale = s.execute(text(
            "SELECT count(*) FROM search_term t JOIN mediation_case c ON c.id = t.case_id "
            "WHERE t.committee_id IS NULL OR t.registered_at IS NULL OR t.status IS NULL "
            "OR t.committee_id <> c.committee_id OR t.registered_at <> c.registered_at "
            "OR t.status <> c.status "
            "OR coalesce(t.mediator_id, 0) <> coalesce(c.mediator_id, 0)"
        )).scalar_one()
        total = s.execute(text("SELECT count(*) FROM search_term")).scalar_one()
    assert total > 36 * 5 and stale == 0


def test_the_page_is_read_from_the_term_index(world: World) -> None:
    """The term index holds what the list orders and filters by: the first page's ids come
    from it alone (no case row read), on both backends."""
    with world.db.read() as s:
        if world.db.is_sqlite:
            plan = " ".join(str(r[-1]) for r in s.execute(text(
                "EXPLAIN QUERY PLAN SELECT case_id FROM search_term WHERE term >= 'zh' "
                "AND term < 'zh\uffff' AND committee_id = 1 GROUP BY case_id, registered_at "
                "ORDER BY registered_at DESC, case_id DESC LIMIT 50")))
            assert "COVERING INDEX ix_search_term_list" in plan, plan
        else:
            s.execute(text("SET LOCAL enable_seqscan = off"))  # a few rows: force the index
            plan = " ".join(r[0] for r in s.execute(text(
                "EXPLAIN SELECT case_id FROM search_term WHERE term >= 'zh' "
                "AND term < 'zh\uffff' AND committee_id = 1 GROUP BY case_id, registered_at "
                "ORDER BY registered_at DESC, case_id DESC LIMIT 50")))
            assert "Index Only Scan using ix_search_term_list" in plan, plan


def test_migration_0016_fills_the_existing_terms(world: World) -> None:
    """Back to 0015 (the columns and triggers gone) and up again: every existing term row gets
    its case's committee, registration time, status and mediator, and the search still agrees with the
    scan."""
    from alembic import command

    from desktop.store import migrate

    cfg = migrate.alembic_config(world.db)
    with world.db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0015")
    with world.db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    with world.db.read() as s:
        rows = s.execute(text(
            "SELECT count(*), sum(CASE WHEN t.committee_id = c.committee_id "
            "AND t.registered_at = c.registered_at AND t.status = c.status "
            "AND coalesce(t.mediator_id, 0) = coalesce(c.mediator_id, 0) THEN 1 ELSE 0 END) "
            "FROM search_term t JOIN mediation_case c ON c.id = t.case_id")).one()
    assert rows[0] > 36 * 5 and rows[1] == rows[0]
    q = CaseQuery(text="zh", with_total=True)
    page = world.desks["wang"].cases.search(q)
    assert [r.id for r in page.rows] == _plain_scan(world, "wang", q)[:q.limit]
