"""A hand-built set of cases whose November 2026 figures were counted by hand.

Rows go straight into the real tables (dates in the past cannot be made through the services,
which stamp today's date); every row is one a real workflow can produce, including a reopened
case (terminated in October, mediating again), a terminated-then-referred case, an archived
case that keeps its outcome, a refused and a never-accepted referral (counted nowhere).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import select

from desktop.reports.aggregate import rebuild_connection
from desktop.store.db import Database
from desktop.store.models import (
    Case,
    Committee,
    FollowUp,
    JudicialConfirmation,
    RiskFlag,
    SweepRecord,
    User,
)

D = dt.date

# name: (committee, type, source, joint mask, mediator, accepted, deadline, closed, outcome,
#        amount, status)
CASES = {
    "c1": ("A", "neighbor", "party_apply", 0, "wang", D(2026, 11, 3), D(2026, 12, 3),
           D(2026, 11, 20), "written", "5000.00", "succeeded"),
    "c2": ("A", "neighbor", "grid", 1, "wang", D(2026, 11, 5), D(2026, 12, 5),
           D(2026, 11, 25), "oral", "1200.50", "archived"),
    "c3": ("A", "marriage", "party_apply", 0, "li", D(2026, 11, 10), D(2026, 12, 10),
           D(2026, 11, 28), "terminated", None, "referred"),
    "c4": ("A", "contract", "court_pre", 7, "li", D(2026, 10, 20), D(2026, 11, 19),
           D(2026, 11, 22), "written", "30000.00", "succeeded"),
    "c5": ("A", "contract", "police_110", 5, "wang", D(2026, 10, 1), D(2026, 10, 31),
           None, None, None, "mediating"),
    "c6": ("A", "damages", "party_apply", 0, "wang", D(2026, 11, 25), D(2026, 12, 25),
           None, None, None, "accepted"),
    "c7": ("A", "marriage", "party_apply", 2, "li", D(2026, 10, 15), D(2026, 11, 14),
           None, None, None, "mediating"),  # terminated 10-30, reopened
    "c8": ("A", "neighbor", "party_apply", 0, None, D(2026, 11, 30), D(2026, 12, 30),
           D(2026, 12, 2), "written", "800.00", "succeeded"),
    "c9": ("A", "neighbor", "party_apply", 0, None, None, None, None, None, None, "registered"),
    "c10": ("A", "neighbor", "party_apply", 0, None, None, None, D(2026, 11, 12), None, None,
            "refused"),
    "c11": ("A", "housing", "party_apply", 0, None, None, None, D(2026, 11, 13), None, None,
            "referred"),
    "c12": ("A", "neighbor", "party_apply", 0, "wang", D(2026, 12, 1), D(2026, 12, 31),
            None, None, None, "accepted"),
    "c13": ("A", "damages", "party_apply", 0, "wang", D(2026, 9, 10), D(2026, 10, 10),
            D(2026, 10, 5), "written", "2000.00", "succeeded"),
    "c14": ("B", "labor", "hotline_12345", 1, "zhao", D(2026, 11, 2), D(2026, 12, 2),
            D(2026, 11, 15), "oral", None, "succeeded"),
    "c15": ("B", "labor", "party_apply", 0, "zhao", D(2026, 11, 30), D(2026, 12, 30),
            None, None, None, "accepted"),
    "c16": ("B", "property_mgmt", "initiative", 0, "zhao", D(2026, 6, 1), D(2026, 7, 1),
            None, None, None, "mediating"),
}

# (case, visited_on, performance)
FOLLOW_UPS = [("c1", D(2026, 11, 27), "partial"), ("c2", D(2026, 11, 26), "partial"),
              ("c2", D(2026, 11, 28), "full"), ("c13", D(2026, 11, 8), "full"),
              ("c13", D(2026, 10, 20), "full")]
# (case, filed_on, ruling, ruling_on)
CONFIRMATIONS = [("c1", D(2026, 11, 22), "pending", None),
                 ("c13", D(2026, 10, 20), "confirmed", D(2026, 11, 5))]
# (case, kind, people, prevented, resolved_on)
RISKS = [("c5", "criminal", 3, True, D(2026, 11, 18)),
         ("c4", "petition", 12, True, D(2026, 11, 10)),
         ("c4", "criminal", 2, True, D(2026, 11, 11)),
         ("c6", "petition", 30, False, D(2026, 11, 26)),
         ("c3", "criminal", 4, False, D(2026, 11, 8)),
         ("c1", "petition", 5, True, D(2026, 11, 12)),
         ("c1", "petition", 7, True, D(2026, 11, 29)),
         ("c2", "petition", 9, True, None)]  # still open: not counted
# (committee, found_on, type, resolved, resolved_on)
SWEEPS = [("A", D(2026, 11, 2), "neighbor", True, D(2026, 11, 5)),
          ("A", D(2026, 11, 10), "neighbor", True, None),
          ("A", D(2026, 11, 20), "marriage", True, D(2026, 12, 5)),
          ("A", D(2026, 11, 21), "land", False, None),
          ("A", D(2026, 10, 30), "neighbor", True, D(2026, 10, 31)),
          ("B", D(2026, 11, 3), "labor", True, D(2026, 11, 4))]


def seed(db: Database) -> dict[str, int]:
    """Insert the cases; return name -> case id (plus "A"/"B" committee ids)."""
    ids: dict[str, int] = {}
    with db.write() as s:
        committees = {n: i for i, n in s.execute(select(Committee.id, Committee.name))}
        a = next(i for n, i in committees.items() if n.startswith("青山"))
        b = next(i for n, i in committees.items() if n.startswith("河西"))
        comm = {"A": a, "B": b}
        users = {u: i for i, u in s.execute(select(User.id, User.username))}
        for name, (c, typ, src, mask, med, acc, dl, closed, outcome, amount, status) in \
                CASES.items():
            case = Case(committee_id=comm[c], status=status, dispute_type=typ, source=src,
                        joint_mask=mask, mediator_id=users[med] if med else None,
                        accepted_on=acc, deadline=dl, closed_on=closed, outcome=outcome,
                        agreed_amount=Decimal(amount) if amount else None,
                        registered_at=dt.datetime.combine(acc or D(2026, 11, 1), dt.time(9)),
                        title=f"测试案件{name}", party_names="甲、乙",
                        archived_on=D(2026, 11, 29) if status == "archived" else None)
            s.add(case)
            s.flush()
            ids[name] = case.id
        for name, day, perf in FOLLOW_UPS:
            s.add(FollowUp(case_id=ids[name], visited_on=day, method="phone", performance=perf))
        for name, filed, ruling, ruling_on in CONFIRMATIONS:
            s.add(JudicialConfirmation(case_id=ids[name], court="青山区人民法院", filed_on=filed,
                                       ruling=ruling, ruling_on=ruling_on))
        for name, kind, people, prevented, resolved in RISKS:
            s.add(RiskFlag(case_id=ids[name], kind=kind, people=people, prevented=prevented,
                           resolved_on=resolved, flagged_on=D(2026, 10, 1)))
        for i, (c, found, typ, resolved, resolved_on) in enumerate(SWEEPS):
            s.add(SweepRecord(committee_id=comm[c], fingerprint=f"seed-{i}", found_on=found,
                              parties="某甲、某乙", dispute_type=typ, resolved=resolved,
                              resolved_on=resolved_on))
        # rows written past the services: recompute the report aggregates from them, as
        # ``mediationdesk report rebuild`` does
        s.flush()
        rebuild_connection(s.connection())
    ids.update(comm)
    return ids
