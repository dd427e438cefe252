"""One case's detail (``CaseService.get``) lists exactly the records the database holds for it,
on both backends: the detail reads a list only when a probe says the case has such records,
so a probe that answered for the wrong table would show an empty list, or another's."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text

from desktop.documents.sample import signature_png
from desktop.services import demo
from desktop.services.documents import DocumentService
from desktop.services.dto import CaseQuery
from desktop.store.db import Database
from tests.helpers.db import Desks

# detail attribute -> (table, order of its list)
LISTS = {
    "sessions": ("mediation_session", "seq"),
    "terminations": ("termination", "id"),
    "referrals": ("referral", "id"),
    "extensions": ("deadline_extension", "id"),
    "risks": ("risk_flag", "id"),
    "follow_ups": ("follow_up", "visited_on, id"),
    "attachments": ("attachment", "id"),
    "signatures": ("signature", "id"),
    "documents": ("document", "id"),
}
SINGLE = {"agreement": "agreement", "oral_agreement": "oral_agreement",
          "confirmation": "judicial_confirmation"}


def _ids(db: Database, sql: str, **params: Any) -> list[Any]:
    with db.engine.connect() as con:
        return [r[0] for r in con.execute(text(sql), params)]


def test_the_detail_lists_every_record_of_the_case_and_no_other(any_db: Database) -> None:
    demo.generate(any_db, 40, seed=5, months=3)  # sessions, agreements, oral agreements,
    desks = Desks(any_db)  # terminations, follow-ups, confirmations, risks
    admin = desks["admin"]
    open_ = [r.id for r in admin.cases.search(CaseQuery(statuses=["accepted", "mediating"],
                                                        limit=10, with_total=False)).rows]
    first = open_[0]
    second = admin.cases.search(CaseQuery(statuses=["registered"], limit=1,
                                          with_total=False)).rows[0].id
    # what the demo does not make: an extension, an attachment, a signature, a document and
    # a referral
    admin.intake.extend(first, 10, "当事人外出务工")
    admin.files.add_attachment(first, "现场照片.png", signature_png(1), "evidence")
    admin.outcomes.sign(first, signer_kind="mediator", signer_name="系统管理员", on_paper=True)
    DocumentService(any_db, desks.actor("admin")).issue(first, "registration")
    admin.intake.refer(second, "青山派出所", "涉嫌治安案件")
    case_ids = _ids(any_db, "SELECT id FROM mediation_case ORDER BY id")
    kinds = set()
    for cid in case_ids:
        detail = admin.cases.get(cid)
        for attr, (table, order) in LISTS.items():
            want = _ids(any_db, f"SELECT id FROM {table} WHERE case_id = :c ORDER BY {order}", c=cid)
            got = [row.id for row in getattr(detail, attr)]
            if attr == "follow_ups":  # its list is ordered by the visit only
                got, want = sorted(got), sorted(want)
            assert got == want, (cid, attr)
            kinds |= {attr} if want else set()
        for attr, table in SINGLE.items():
            want = _ids(any_db, f"SELECT id FROM {table} WHERE case_id = :c", c=cid)
            view = getattr(detail, attr)
            assert (view.id if view else None) == (want[0] if want else None), (cid, attr)
            kinds |= {attr} if want else set()
        names = _ids(any_db, "SELECT c.name || '|' || coalesce(u.display_name, '') "
                             "FROM mediation_case m JOIN committee c ON c.id = m.committee_id "
                             "LEFT JOIN app_user u ON u.id = m.mediator_id WHERE m.id = :c",
                     c=cid)
        assert f"{detail.committee_name}|{detail.mediator_name}" == names[0]
        if detail.agreement is not None:
            assert sorted(o.id for o in detail.agreement.obligations) == _ids(
                any_db, "SELECT id FROM obligation WHERE agreement_id = :a ORDER BY id",
                a=detail.agreement.id)
    # every kind of record was there to be missed
    assert kinds == set(LISTS) | set(SINGLE), (set(LISTS) | set(SINGLE)) - kinds
    assert any(admin.cases.get(c).mediator_name for c in case_ids)
