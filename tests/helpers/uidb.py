"""A small, realistic database for UI tests and screenshots: one committee, an administrator,
a mediator, five cases (three accepted, one of them due in two days)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

ADMIN = ("admin", "Admin#2026")
MEDIATOR = ("wangli", "Mediate#2026")

PEOPLE = [("张三丰", "李四"), ("王五", "赵六"), ("陈静", "刘洋"), ("孙悦", "周强"), ("吴敏", "郑凯")]
TYPES = ["neighbor", "marriage", "contract", "damages", "property_mgmt"]


def seed(path: Path) -> None:
    from desktop.services import Desk, auth
    from desktop.services.dto import CaseDraft, PartyInput
    from desktop.store.models import Case
    from desktop.store.opening import open_database

    db = open_database(f"sqlite:///{path}")
    try:
        admin = auth.first_run(db, committee_name="青山街道人民调解委员会", short_name="青",
                               admin_username=ADMIN[0], admin_password=ADMIN[1],
                               display_name="赵管理")
        desk = Desk(db, admin)
        mediator = desk.users.add(MEDIATOR[0], "王丽", MEDIATOR[1], "mediator")
        for i, ((a, b), kind) in enumerate(zip(PEOPLE, TYPES, strict=True)):
            ref = desk.intake.register(CaseDraft(
                parties=[PartyInput(a, side="applicant", phone=f"1380013{i:04d}"),
                         PartyInput(b, side="respondent")],
                dispute_type=kind, source="party_apply", mediator_id=mediator.id,
                facts=f"{a}与{b}因琐事发生纠纷，申请调解。"))
            if i < 3:
                accepted_on = dt.date.today() - dt.timedelta(days=28 - 10 * i)
                with db.write() as s:  # registered the day it was accepted (a walk-in)
                    s.get(Case, ref.id).registered_at = dt.datetime.combine(  # type: ignore[union-attr]
                        accepted_on, dt.time(9))
                desk.intake.accept(ref.id, accepted_on=accepted_on)
    finally:
        db.close()
