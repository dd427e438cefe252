"""Report figures against a hand count, on SQLite and PostgreSQL (the same fixture)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from desktop.domain.errors import PermissionDenied
from desktop.reports.figures import Rate
from desktop.reports.period import Period
from desktop.services.reports import ReportService

NOV = Period.parse("2026-11")
KEYS = ("accepted", "closed", "succeeded", "written", "oral", "terminated", "open", "overdue",
        "amount", "conf_applied", "conf_confirmed", "followed", "performed", "criminal_cases",
        "criminal_people", "petition_cases", "petition_people", "people", "suicide_cases",
        "suicide_people", "fight_cases", "fight_people")


def fig(*values: object) -> dict[str, object]:
    vals = [Decimal(v) if isinstance(v, str) else v for v in values]
    vals += [0] * (len(KEYS) - len(vals))
    return dict(zip(KEYS, vals, strict=True))


# Counted by hand from tests/reports/seed.py (see the comments there).
TOTAL_NOV = fig(7, 5, 4, 2, 2, 1, 6, 4, "36200.50", 1, 1, 3, 2, 2, 5, 2, 24)
BY_TYPE = {
    "neighbor": fig(3, 2, 2, 1, 1, 0, 1, 0, "6200.50", 1, 0, 2, 1, 0, 0, 1, 12),
    "marriage": fig(1, 1, 0, 0, 0, 1, 1, 1, "0"),
    "contract": fig(0, 1, 1, 1, 0, 0, 1, 2, "30000.00", 0, 0, 0, 0, 2, 5, 1, 12),
    "damages": fig(1, 0, 0, 0, 0, 0, 1, 0, "0", 0, 1, 1, 1),
    "labor": fig(2, 1, 1, 0, 1, 0, 1, 0, "0"),
    "property_mgmt": fig(0, 0, 0, 0, 0, 0, 1, 1, "0"),
    "housing": fig(0, 0, 0, 0, 0, 0, 0, 0, "0"),
}
BY_GROUP = {
    "application": fig(5, 2, 1, 1, 0, 1, 4, 1, "5000.00", 1, 1, 2, 1, 0, 0, 1, 12),
    "initiative": fig(1, 1, 1, 0, 1, 0, 1, 1, "1200.50", 0, 0, 1, 1),
    "entrusted": fig(1, 2, 2, 1, 1, 0, 1, 2, "30000.00", 0, 0, 0, 0, 2, 5, 1, 12),
}
BY_SOURCE_ACCEPTED = {"party_apply": 5, "grid": 1, "hotline_12345": 1, "initiative": 0,
                      "police_110": 0, "court_pre": 0}
BY_MEDIATOR = {  # display names from tests/helpers/db.py
    "王建国": fig(3, 2, 2, 1, 1, 0, 2, 1, "6200.50", 1, 1, 3, 2, 1, 3, 1, 12),
    "李秀英": fig(1, 2, 1, 1, 0, 1, 1, 2, "30000.00", 0, 0, 0, 0, 1, 2, 1, 12),
    "赵志红": fig(2, 1, 1, 0, 1, 0, 2, 1, "0"),
    "未分配": fig(1, 0, 0, 0, 0, 0, 1, 0, "0"),
}
BY_JOINT = {
    "无联合调解": fig(5, 2, 1, 1, 0, 1, 4, 1, "5000.00", 1, 1, 2, 1, 0, 0, 1, 12),
    "公安": fig(2, 2, 2, 0, 2, 0, 0, 0, "1200.50", 0, 0, 1, 1),
    "司法": fig(0, 0, 0, 0, 0, 0, 1, 1, "0"),
    "律师": fig(0, 0, 0, 0, 0, 0, 0, 0, "0"),
    "公安+律师": fig(0, 0, 0, 0, 0, 0, 1, 1, "0", 0, 0, 0, 0, 1, 3),
    "公安+司法+律师": fig(0, 1, 1, 1, 0, 0, 0, 1, "30000.00", 0, 0, 0, 0, 1, 2, 1, 12),
}
BY_COMMITTEE = {
    "青山街道人民调解委员会": fig(5, 4, 3, 2, 1, 1, 4, 3, "36200.50", 1, 1, 3, 2, 2, 5, 2, 24),
    "河西镇人民调解委员会": fig(2, 1, 1, 0, 1, 0, 2, 1, "0"),
}


def rows(report, key):  # type: ignore[no-untyped-def]
    return {r.key: r for r in report.breakdown(key).rows}


def by_label(report, key):  # type: ignore[no-untyped-def]
    return {r.label: r for r in report.breakdown(key).rows}


def test_november_every_counter_and_breakdown(seeded) -> None:  # type: ignore[no-untyped-def]
    desks, _ids = seeded
    r = ReportService(desks.db, desks.actor("admin")).report(NOV)
    assert r.total.counts == TOTAL_NOV
    assert (r.success_rate.numerator, r.success_rate.denominator, r.success_rate.text) == \
        (4, 7, "57.14%")
    assert (r.resolve_rate.numerator, r.resolve_rate.denominator, r.resolve_rate.text) == \
        (3, 5, "60.00%")
    types = rows(r, "dispute_type")
    for code, expected in BY_TYPE.items():
        assert types[code].counts == expected, code
    assert types["neighbor"].rate.text == "66.67%"
    assert types["contract"].rate.text == "—"  # succeeded 1, accepted 0: no 0% nor error
    assert types["marriage"].rate.text == "0.00%"
    assert len(types) == 15  # every active dispute type is listed, zero or not
    for code, expected in BY_GROUP.items():
        assert rows(r, "source_group")[code].counts == expected, code
    sources = rows(r, "source")
    assert {k: sources[k].counts["accepted"] for k in BY_SOURCE_ACCEPTED} == BY_SOURCE_ACCEPTED
    for name, expected in BY_MEDIATOR.items():
        assert by_label(r, "mediator")[name].counts == expected, name
    for name, expected in BY_JOINT.items():
        assert by_label(r, "joint")[name].counts == expected, name
    for name, expected in BY_COMMITTEE.items():
        assert by_label(r, "committee")[name].counts == expected, name
    # every breakdown adds up to the total
    for b in r.breakdowns:
        for k in KEYS:
            assert sum(row.counts[k] for row in b.rows) == TOTAL_NOV[k], (b.key, k)
    sweep = {row.key: (row.found, row.resolved) for row in r.sweep_rows}
    assert sweep == {"neighbor": (2, 2), "marriage": (1, 0), "land": (1, 0), "labor": (1, 1)}


def test_october_reopened_and_crossing_cases(seeded) -> None:  # type: ignore[no-untyped-def]
    desks, _ids = seeded
    r = ReportService(desks.db, desks.actor("admin")).report(Period.parse("2026-10"))
    c = r.total.counts
    # c7's October termination was undone by reopening: it is open, not closed, in October
    assert (c["accepted"], c["closed"], c["succeeded"], c["terminated"]) == (3, 1, 1, 0)
    assert (c["open"], c["overdue"], c["amount"]) == (4, 1, Decimal("2000.00"))
    assert (c["conf_applied"], c["conf_confirmed"], c["followed"], c["performed"]) == (1, 0, 1, 1)
    assert r.success_rate.text == "33.33%"
    assert (r.resolve_rate.numerator, r.resolve_rate.denominator) == (1, 1)


def test_quarter_year_range_and_trend(seeded) -> None:  # type: ignore[no-untyped-def]
    desks, _ids = seeded
    svc = ReportService(desks.db, desks.actor("admin"))
    q = svc.report(Period.parse("2026Q4")).total.counts
    assert (q["accepted"], q["closed"], q["succeeded"], q["open"]) == (11, 7, 6, 6)
    assert q["amount"] == Decimal("39000.50")
    y = svc.report(Period.parse("2026")).total.counts
    assert (y["accepted"], y["closed"]) == (13, 7)
    import datetime as dt
    rng = svc.report(Period.range(dt.date(2026, 11, 20), dt.date(2026, 11, 25))).total.counts
    assert (rng["accepted"], rng["closed"], rng["written"], rng["oral"]) == (1, 3, 2, 1)
    trend = svc.report(NOV).trend
    assert next(t.period.slug for t in trend) == "2025-12" and trend[-1].period.slug == "2026-11"
    got = {t.period.slug: (t.accepted, t.succeeded, t.closed) for t in trend
           if t.accepted or t.closed}
    assert got == {"2026-06": (1, 0, 0), "2026-09": (1, 0, 0), "2026-10": (3, 1, 1),
                   "2026-11": (7, 4, 5)}


def test_zero_denominator_period(seeded) -> None:  # type: ignore[no-untyped-def]
    desks, _ids = seeded
    r = ReportService(desks.db, desks.actor("admin")).report(Period.parse("2025-01"))
    assert all(v == 0 for v in r.total.counts.values())
    assert r.success_rate.text == "—" and r.success_rate.percent is None
    assert r.resolve_rate.text == "—"
    assert Rate("x", "", 2382, 2446).text == "97.38%"
    assert Rate("x", "", 1, 8).text == "12.50%"  # 12.5 exactly: no float drift
    assert Rate("x", "", 1, 3).percent == Decimal("33.33")
    assert Rate("x", "", 2, 3).percent == Decimal("66.67")
    assert Rate("x", "", 1, 400 * 2).text == "0.13%"  # 0.125 half-up -> 0.13


def test_committee_scope_and_roles(seeded) -> None:  # type: ignore[no-untyped-def]
    desks, ids = seeded
    a, b = ids["A"], ids["B"]
    admin = ReportService(desks.db, desks.actor("admin"))
    only_b = admin.report(NOV, [b]).total.counts
    assert only_b == BY_COMMITTEE["河西镇人民调解委员会"]
    both = admin.report(NOV, [a, b])
    assert both.total.counts == TOTAL_NOV and len(both.breakdown("committee").rows) == 2
    assert admin.report(NOV, [b]).resolve_rate.text == "100.00%"
    director = ReportService(desks.db, desks.actor("zhuren"))  # director of A
    assert director.report(NOV).total.counts == BY_COMMITTEE["青山街道人民调解委员会"]
    assert director.report(NOV).resolve_rate.text == "50.00%"
    with pytest.raises(PermissionDenied):
        director.report(NOV, [b])
    mediator = ReportService(desks.db, desks.actor("zhao"))  # mediator of B: own committee
    assert mediator.report(NOV).total.counts == BY_COMMITTEE["河西镇人民调解委员会"]
    assert [n for _i, n in mediator.committees()] == ["河西镇人民调解委员会"]
    readonly = ReportService(desks.db, desks.actor("ducha"))  # bound to A
    assert readonly.report(NOV).total.counts["accepted"] == 5


@pytest.mark.parametrize("metric", [k for k in KEYS if k not in ("amount",) and
                                    not k.endswith("people")])
def test_drill_down_matches_every_total(seeded, metric) -> None:  # type: ignore[no-untyped-def]
    desks, _ids = seeded
    svc = ReportService(desks.db, desks.actor("admin"))
    drill = svc.cases_behind(NOV, None, metric)
    assert drill.total == TOTAL_NOV[metric] == len(drill.rows)


def test_drill_down_cells(seeded) -> None:  # type: ignore[no-untyped-def]
    desks, ids = seeded
    name = {v: k for k, v in ids.items() if k.startswith("c")}
    svc = ReportService(desks.db, desks.actor("admin"))

    def cases(metric, breakdown=None, key=None):  # type: ignore[no-untyped-def]
        return sorted(name[r.id] for r in svc.cases_behind(NOV, None, metric, breakdown,
                                                            key).rows)

    assert cases("overdue") == ["c16", "c4", "c5", "c7"]
    assert cases("open", "dispute_type", "neighbor") == ["c8"]
    assert cases("closed", "source_group", "entrusted") == ["c14", "c4"]
    assert cases("accepted", "mediator", "") == ["c8"]
    assert cases("open", "joint", "5") == ["c5"]
    assert cases("petition_cases") == ["c1", "c4"]
    assert cases("accepted", "committee", str(ids["B"])) == ["c14", "c15"]
    # a mediator's drill-down stays inside the own committee
    zhao = ReportService(desks.db, desks.actor("zhao"))
    assert sorted(name[r.id] for r in zhao.cases_behind(NOV, None, "open").rows) == \
        ["c15", "c16"]
