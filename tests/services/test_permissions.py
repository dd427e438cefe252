"""The permission matrix: every service call × every role, allowed or refused as specified.

Roles (fixture users): admin = 管理员 of committee A (spans the deployment); zhuren = 主任 of A;
wang, li = 调解员 of A (cases are assigned to wang); zhao = 调解员 of committee B;
ducha = 只读/督查 of A. "Refused" means PermissionDenied, or NotFound for rows the caller may not
even know exist. Every mutating call gets a fresh case of its own, so state never decides.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select

from desktop.domain.errors import NotFound, PermissionDenied
from desktop.services import Desk
from desktop.services.dto import (
    CaseDraft,
    CaseQuery,
    CaseUpdate,
    FollowUpInput,
    OralAgreementInput,
    PartyInput,
    RiskInput,
)
from desktop.store.models import AuditEntry, Committee
from tests.helpers.db import COMMITTEE_B, Desks
from tests.lan.desk import session_input

ROLES = ("admin", "zhuren", "wang", "li", "zhao", "ducha")
A_READERS = {"admin", "zhuren", "wang", "li", "ducha"}
B_READERS = {"admin", "zhao"}
A_EDITORS = {"admin", "zhuren", "wang"}  # wang's case: the assigned mediator, director, admin
A_MANAGERS = {"admin", "zhuren"}
WORKERS = {"admin", "zhuren", "wang", "li", "zhao"}
ADMIN = {"admin"}
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
TODAY = dt.date.today()
SERIAL = itertools.count(1)


@dataclass
class World:
    desks: Desks
    b_committee: int

    def __post_init__(self) -> None:
        self.ids = {u: self.desks.actor(u).user_id for u in ROLES}

    def case(self, committee: str = "A", status: str = "accepted") -> int:
        """A fresh case (A: assigned to wang; B: zhao's), taken to ``status`` by its owner."""
        owner = self.desks["admin"]
        cid = None if committee == "A" else self.b_committee
        mediator = self.ids["wang"] if committee == "A" else self.ids["zhao"]
        ref = owner.intake.register(CaseDraft(
            [PartyInput("张三", phone="13812345678", id_number="11010519491231002X",
                        address="青山街道幸福里1号"), PartyInput("李四", side="respondent")],
            "neighbor", "party_apply", facts="噪音", mediator_id=mediator, committee_id=cid))
        if status == "registered":
            return ref.id
        owner.intake.accept(ref.id, ref.version)
        if status == "terminated":
            owner.outcomes.terminate(ref.id, "双方分歧过大")
        elif status == "succeeded":
            owner.outcomes.record_oral(ref.id, OralAgreementInput(content="赔偿500元",
                                                                  amount=Decimal(500)))
        return ref.id

    def attachment(self, committee: str = "A") -> tuple[int, str]:
        case_id = self.case(committee)
        a = self.desks["admin"].files.add_attachment(case_id, "scan.png", PNG, "identity")
        return a.id, a.sha256


Op = Callable[[Desk, World], Any]


def _prep(fn: Callable[[World], Any], call: Callable[[Desk, Any], Any]) -> Op:
    """Prepare the target as administrator first, then make the call as the role under test."""
    def op(desk: Desk, w: World) -> Any:
        target = fn(w)
        return call(desk, target)
    return op


def _session(w: World) -> tuple[int, int]:
    cid = w.case()
    sid = w.desks["admin"].sessions.add(cid, session_input(w.desks["admin"], None))  # type: ignore[arg-type]
    version = next(s.version for s in w.desks["admin"].cases.get(cid).sessions if s.id == sid)
    return sid, version


def _user(w: World) -> Any:
    return next(u for u in w.desks["admin"].users.list() if u.username == "li")


MATRIX: dict[str, tuple[Op, set[str]]] = {
    # reading
    "cases.get A": (_prep(lambda w: w.case(), lambda d, c: d.cases.get(c)), A_READERS),
    "cases.get B": (_prep(lambda w: w.case("B"), lambda d, c: d.cases.get(c)), B_READERS),
    "cases.get A unmasked": (_prep(lambda w: w.case(), lambda d, c: d.cases.get(c, unmask=True)),
                             A_EDITORS),
    "cases.get B unmasked": (_prep(lambda w: w.case("B"),
                                   lambda d, c: d.cases.get(c, unmask=True)), B_READERS),
    "cases.history B": (_prep(lambda w: w.case("B"), lambda d, c: d.cases.history(c)), B_READERS),
    "cases.allowed_actions B": (_prep(lambda w: w.case("B"),
                                      lambda d, c: d.cases.allowed_actions(c)), B_READERS),
    "outcomes.missing_for_archive B": (_prep(lambda w: w.case("B"),
                                             lambda d, c: d.outcomes.missing_for_archive(c)),
                                       B_READERS),
    "files.attachment_data A": (_prep(lambda w: w.attachment()[0],
                                      lambda d, a: d.files.attachment_data(a)), A_READERS),
    "files.attachment_data B": (_prep(lambda w: w.attachment("B")[0],
                                      lambda d, a: d.files.attachment_data(a)), B_READERS),
    "files.blob B": (_prep(lambda w: w.attachment("B")[1], lambda d, sha: d.files.blob(sha)),
                     B_READERS),
    "committees.get B": (_prep(lambda w: w.b_committee, lambda d, c: d.committees.get(c)),
                         B_READERS),
    "committees.seal_png B": (_prep(lambda w: w.b_committee,
                                    lambda d, c: d.committees.seal_png(c)), B_READERS),
    "audit.verify": (lambda d, w: d.audit.verify(), {"admin", "zhuren", "ducha"}),
    # registering and the case's life (wang's case of committee A)
    "intake.register own committee": (
        lambda d, w: d.intake.register(CaseDraft([PartyInput("甲"), PartyInput(
            "乙", side="respondent")], "neighbor", "party_apply", facts="事")), WORKERS),
    "intake.register into B": (
        lambda d, w: d.intake.register(CaseDraft([PartyInput("甲"), PartyInput(
            "乙", side="respondent")], "neighbor", "party_apply", facts="事",
            committee_id=w.b_committee)), B_READERS),
    "intake.accept": (_prep(lambda w: w.case(status="registered"),
                            lambda d, c: d.intake.accept(c)), A_EDITORS),
    "intake.refuse": (_prep(lambda w: w.case(status="registered"),
                            lambda d, c: d.intake.refuse(c, None, "不属于调解范围")), A_EDITORS),
    "intake.update_case": (_prep(lambda w: w.case(), lambda d, c: d.intake.update_case(
        c, d.cases.get(c).version, CaseUpdate(title="新案由"))), A_EDITORS),
    "intake.update_case B": (_prep(lambda w: w.case("B"), lambda d, c: d.intake.update_case(
        c, 2, CaseUpdate(title="新案由"))), B_READERS),
    "intake.save_party": (_prep(lambda w: w.case(), lambda d, c: d.intake.save_party(
        c, PartyInput("王五", side="respondent"))), A_EDITORS),
    "intake.assign": (_prep(lambda w: (w.case(), w.ids["li"]),
                            lambda d, t: d.intake.assign(t[0], t[1])), A_MANAGERS),
    "intake.extend": (_prep(lambda w: w.case(), lambda d, c: d.intake.extend(c, 15, "当事人外出")),
                      A_EDITORS),
    "intake.refer": (_prep(lambda w: w.case(status="registered"),
                           lambda d, c: d.intake.refer(c, "派出所", "涉嫌治安案件")), A_EDITORS),
    "sessions.add": (_prep(lambda w: w.case(), lambda d, c: d.sessions.add(
        c, session_input(d, None))), A_EDITORS),  # type: ignore[arg-type]
    "sessions.update": (_prep(_session, lambda d, sv: d.sessions.update(
        sv[0], sv[1], session_input(d, None))), A_EDITORS),  # type: ignore[arg-type]
    "risks.flag": (_prep(lambda w: w.case(), lambda d, c: d.risks.flag(c, RiskInput(
        kind="violence", level="high", description="扬言报复", people=2))), A_EDITORS),
    "files.add_attachment": (_prep(lambda w: w.case(), lambda d, c: d.files.add_attachment(
        c, "scan.png", PNG, "identity")), A_EDITORS),
    "outcomes.record_oral": (_prep(lambda w: w.case(), lambda d, c: d.outcomes.record_oral(
        c, OralAgreementInput(content="赔偿", amount=Decimal(10)))), A_EDITORS),
    "outcomes.terminate": (_prep(lambda w: w.case(), lambda d, c: d.outcomes.terminate(
        c, "分歧过大")), A_EDITORS),
    "outcomes.reopen": (_prep(lambda w: w.case(status="terminated"),
                              lambda d, c: d.outcomes.reopen(c, "当事人要求")), A_MANAGERS),
    "outcomes.archive": (_prep(lambda w: w.case(status="terminated"),
                               lambda d, c: d.outcomes.archive(c, "材料另行归档")), A_MANAGERS),
    "followups.add": (_prep(lambda w: w.case(status="succeeded"), lambda d, c: d.followups.add(
        c, FollowUpInput(visited_on=TODAY, method="phone", performance="full",
                         satisfaction="satisfied")))
        , A_EDITORS),
    # accounts, committees, dictionaries
    "users.add": (lambda d, w: d.users.add(f"u{next(SERIAL)}", "新人", "Newpass-2026",
                                           "mediator"), ADMIN),
    "users.update": (_prep(_user, lambda d, u: d.users.update(u.id, u.version,
                                                              display_name="李秀英2")), ADMIN),
    "users.reset_password": (_prep(_user, lambda d, u: d.users.reset_password(
        u.id, "Reset-pass-2026")), ADMIN),
    "users.unlock": (_prep(_user, lambda d, u: d.users.unlock(u.id)), ADMIN),
    "committees.add": (lambda d, w: d.committees.add(f"新调委会{next(SERIAL)}", "新"), ADMIN),
    "committees.update A": (lambda d, w: d.committees.update(
        d.committees.get(w.desks.actor("admin").committee_id).id,
        d.committees.get(w.desks.actor("admin").committee_id).version, phone="0571-1234"),
        A_MANAGERS),
    "lookups.save": (lambda d, w: d.lookups.save("dispute_type", f"x{next(SERIAL)}", "其他新类"),
                     A_MANAGERS),
}


@pytest.fixture
def world(desks: Desks) -> World:
    with desks.db.read() as s:
        b = s.scalars(select(Committee.id).where(Committee.name == COMMITTEE_B)).one()
    return World(desks, b)


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_permission_matrix(name: str, world: World) -> None:
    op, allowed = MATRIX[name]
    outcome = {}
    for role in ROLES:
        try:
            op(world.desks[role], world)
            outcome[role] = "allowed"
        except (PermissionDenied, NotFound):
            outcome[role] = "refused"
    expected = {r: "allowed" if r in allowed else "refused" for r in ROLES}
    assert outcome == expected


def test_committee_a_cannot_find_committee_b_by_any_list(world: World) -> None:
    b_case = world.case("B")
    b_number = world.desks["zhao"].cases.get(b_case).number
    for role in ROLES:
        d = world.desks[role]
        sees_b = role in B_READERS
        page = d.cases.search(CaseQuery(limit=1000))
        assert (b_case in {r.id for r in page.rows}) == sees_b, role
        assert (d.cases.count(CaseQuery(committee_id=world.b_committee)) > 0) == sees_b, role
        assert (b_case in d.cases.rows_by_id([b_case])) == sees_b, role
        assert (d.cases.find_by_number(b_number or "") == b_case) == sees_b, role
        dash = d.cases.dashboard()
        listed = {r.id for rows in (dash.my_open, dash.due_soon, dash.overdue) for r in rows}
        assert b_case not in listed or sees_b, role
        dups = d.intake.find_duplicates([PartyInput("张三", phone="13812345678")])
        assert (b_case in {h.case.id for h in dups}) == sees_b, role
        users = {u.username for u in d.users.list()}
        assert ("zhao" in users) == (role in B_READERS), role
        assert ({c.id for c in d.committees.list()} >= {world.b_committee}) == sees_b, role


def test_unmasked_views_are_audited_and_masked_ones_show_no_personal_data(world: World) -> None:
    case_id = world.case()
    masked = world.desks["li"].cases.get(case_id)
    assert masked.masked and "*" in masked.parties[0].id_number and "*" in masked.parties[0].phone
    full = world.desks["wang"].cases.get(case_id, unmask=True)
    assert full.parties[0].id_number == "11010519491231002X"
    with world.desks.db.read() as s:
        who = s.scalars(select(AuditEntry.username).where(
            AuditEntry.case_id == case_id, AuditEntry.action == "unmask")).all()
    assert who == ["wang"]
