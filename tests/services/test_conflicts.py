"""When a save loses a race the loser gets ConflictError naming what the other desk changed,
on every editable record the services save with a version."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from desktop.domain.errors import ConflictError
from desktop.services.dto import AgreementInput, CaseUpdate, PartyInput
from tests.helpers.db import Desks
from tests.lan.desk import draft, session_input


def _case(desks: Desks) -> int:
    wang = desks["wang"]
    ref = wang.intake.register(draft(random.Random(4)))
    wang.intake.accept(ref.id, ref.version)
    return ref.id


def test_case_edit_race(desks: Desks) -> None:
    cid = _case(desks)
    mine, theirs = desks["wang"], desks["zhuren"]
    seen = mine.cases.get(cid).version
    theirs.intake.update_case(cid, seen, CaseUpdate(title="主任改的案由", facts="主任补充的事实"))
    with pytest.raises(ConflictError) as err:
        mine.intake.update_case(cid, seen, CaseUpdate(title="我改的案由"))
    e = err.value
    assert e.entity == "case" and e.current_version == seen + 1 and e.changed_by == "zhuren"
    assert [(c.label, c.mine, c.theirs) for c in e.changes] == [("案由", "我改的案由", "主任改的案由")]
    assert mine.cases.get(cid).title == "主任改的案由"  # nothing silently overwritten


def test_party_session_agreement_and_user_races(desks: Desks) -> None:
    cid = _case(desks)
    wang, boss, admin = desks["wang"], desks["zhuren"], desks["admin"]
    party = wang.cases.get(cid).parties[0]
    edit = PartyInput(party.name, side=party.side, phone="13900001111", id=party.id,
                      version=party.version)
    boss.intake.save_party(cid, PartyInput(party.name, side=party.side, phone="13900002222",
                                           id=party.id, version=party.version))
    with pytest.raises(ConflictError) as err:
        wang.intake.save_party(cid, edit)
    assert any(c.field == "phone" for c in err.value.changes)

    sid = wang.sessions.add(cid, session_input(wang, None))  # type: ignore[arg-type]
    v = next(s.version for s in wang.cases.get(cid).sessions if s.id == sid)
    theirs = session_input(boss, None)  # type: ignore[arg-type]
    theirs.place = "社区会议室"
    boss.sessions.update(sid, v, theirs)
    with pytest.raises(ConflictError) as err:
        wang.sessions.update(sid, v, session_input(wang, None))  # type: ignore[arg-type]
    assert any(c.field == "place" and c.theirs == "社区会议室" for c in err.value.changes)

    wang.outcomes.save_agreement(cid, AgreementInput(facts="事实", disputed_matters="争议",
                                                     other_terms="互不追究"))
    av = wang.cases.get(cid).agreement
    assert av is not None
    boss.outcomes.save_agreement(cid, AgreementInput(facts="主任改的事实", disputed_matters="争议",
                                                     other_terms="互不追究"), av.version)
    with pytest.raises(ConflictError) as err:
        wang.outcomes.save_agreement(cid, AgreementInput(facts="我的事实", disputed_matters="争议",
                                                         other_terms="互不追究"), av.version)
    assert any(c.field == "facts" and c.theirs == "主任改的事实" for c in err.value.changes)

    li = next(u for u in admin.users.list() if u.username == "li")
    admin.users.update(li.id, li.version, display_name="李秀英（新）")
    with pytest.raises(ConflictError) as err:
        desks["admin"].users.update(li.id, li.version, display_name="李秀英")
    assert any(c.field == "display_name" for c in err.value.changes)


def test_accepting_twice_is_refused_not_renumbered(desks: Desks) -> None:
    wang, boss = desks["wang"], desks["zhuren"]
    ref = wang.intake.register(draft(random.Random(5)))
    first = boss.intake.accept(ref.id, ref.version, accepted_on=dt.date.today())
    with pytest.raises(Exception) as err:
        wang.intake.accept(ref.id, ref.version)
    assert type(err.value).__name__ in ("ConflictError", "InvalidTransition")
    assert wang.cases.get(ref.id).number == first.number
