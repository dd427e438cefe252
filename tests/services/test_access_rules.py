"""Access rules that hold the same through every path, on SQLite and PostgreSQL: who may
unmask personal data, the forced password change, one login failure message, county-wide
read-only accounts, and conflicts naming the last writer (not the last viewer)."""

from __future__ import annotations

import random

import pytest
from sqlalchemy import select, update

from desktop.cli import main as cli
from desktop.domain.errors import AuthError, ConflictError, PermissionDenied
from desktop.services import Desk, auth
from desktop.services.dto import CaseQuery, CaseUpdate
from desktop.store.models import User
from tests.helpers.db import PASSWORDS, Desks
from tests.lan.desk import draft


# -- unmasking -----------------------------------------------------------------------------
def test_a_mediator_unmasks_only_the_cases_they_handle(url_db) -> None:  # type: ignore[no-untyped-def]
    _url, db = url_db
    desks = Desks(db)
    zhuren, wang, li = desks["zhuren"], desks["wang"], desks["li"]
    by_director = zhuren.intake.register(draft(random.Random(1)))  # unassigned
    by_wang = wang.intake.register(draft(random.Random(2)))  # unassigned, his own
    assigned = zhuren.intake.register(draft(random.Random(3)))
    zhuren.intake.assign(assigned.id, desks.actor("li").user_id)
    co = zhuren.intake.register(draft(random.Random(4)))
    zhuren.intake.assign(co.id, desks.actor("li").user_id, [desks.actor("wang").user_id])

    for case_id in (by_director.id, assigned.id):  # not his: refused everywhere
        with pytest.raises(PermissionDenied, match="自己办理"):
            wang.cases.get(case_id, unmask=True)
        with pytest.raises(PermissionDenied, match="自己办理"):
            wang.documents.case_data(case_id)
        assert "*" in wang.cases.get(case_id).parties[0].phone  # masked view still fine
    for case_id in (by_wang.id, co.id):  # his own registration, and co-mediated
        assert "*" not in wang.cases.get(case_id, unmask=True).parties[0].phone
    assert "*" not in li.cases.get(assigned.id, unmask=True).parties[0].phone
    assert "*" not in zhuren.cases.get(by_wang.id, unmask=True).parties[0].phone  # director
    with pytest.raises(PermissionDenied):
        desks["ducha"].cases.get(by_wang.id, unmask=True)


def test_the_cli_unmask_follows_the_same_rule(url_db, monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    url, db = url_db
    ref = Desks(db)["zhuren"].intake.register(draft(random.Random(5)))
    monkeypatch.setenv("MEDIATIONDESK_PASSWORD", PASSWORDS["wang"])
    assert cli(["case", "show", str(ref.id), "--unmask", "--user", "wang", "--db", url]) == 1
    assert "自己办理" in capsys.readouterr().err


# -- forced password change ----------------------------------------------------------------
def test_a_new_user_must_change_the_password_before_anything_else(
        url_db, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    url, db = url_db
    Desks(db)["admin"].users.add("xiao", "肖调解", "Initial#123", "mediator")
    actor = auth.login(db, "xiao", "Initial#123")
    assert actor.must_change_password
    desk = Desk(db, actor)
    for call in (lambda: desk.cases.search(CaseQuery()),
                 lambda: desk.intake.register(draft(random.Random(1))),
                 lambda: desk.users.list(),
                 lambda: desk.drafts.save("k", {"a": 1}),
                 lambda: desk.reports.committees()):
        with pytest.raises(PermissionDenied, match="请先修改密码"):
            call()
    # the command line refuses too, in one Chinese line
    monkeypatch.setenv("MEDIATIONDESK_PASSWORD", "Initial#123")
    assert cli(["case", "list", "--user", "xiao", "--db", url]) == 1
    assert "请先修改密码" in capsys.readouterr().err
    # changing it (here through the CLI) lifts the refusal at once, even for this session
    monkeypatch.setenv("NEW_USER_PASSWORD", "Changed#456")
    assert cli(["user", "passwd", "--user", "xiao", "--db", url]) == 0
    assert desk.intake.register(draft(random.Random(2))).id
    assert not auth.login(db, "xiao", "Changed#456").must_change_password


# -- one login failure message -------------------------------------------------------------
def test_wrong_user_and_wrong_password_look_the_same(url_db) -> None:  # type: ignore[no-untyped-def]
    _url, db = url_db
    messages = set()
    for name in ("wang", "nobody-here"):
        for _ in range(6):
            with pytest.raises(AuthError) as err:
                auth.login(db, name, "wrong-password")
            messages.add(err.value.message)
    assert len(messages) == 1, messages
    assert "用户名或密码错误" in messages.pop()
    with db.read() as s:  # the lockout itself still works
        assert s.scalar(select(User.locked_until).where(User.username == "wang")) is not None
    with pytest.raises(AuthError):
        auth.login(db, "wang", PASSWORDS["wang"])  # locked even with the right password
    with db.write() as s:
        s.execute(update(User).where(User.username == "li").values(active=False))
    with pytest.raises(AuthError, match="停用"):  # told only to whoever knows the password
        auth.login(db, "li", PASSWORDS["li"])


# -- county-wide read-only accounts --------------------------------------------------------
def test_a_county_read_only_user_from_the_cli_sees_every_committee(
        url_db, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    url, db = url_db
    desks = Desks(db)
    a = desks["zhuren"].intake.register(draft(random.Random(1)))
    b = desks["zhao"].intake.register(draft(random.Random(2)))
    monkeypatch.setenv("MEDIATIONDESK_PASSWORD", PASSWORDS["admin"])
    monkeypatch.setenv("NEW_USER_PASSWORD", "County#2026")
    assert cli(["user", "add", "xian", "--name", "县司法局", "--role", "readonly", "--county",
                "--user", "admin", "--db", url]) == 0
    capsys.readouterr()
    assert cli(["user", "add", "bad", "--name", "某人", "--role", "mediator", "--county",
                "--user", "admin", "--db", url]) == 1
    assert "只读" in capsys.readouterr().err
    with db.write() as s:
        s.execute(update(User).where(User.username == "xian").values(must_change_password=False))
    county = desks["xian"]
    assert county.actor.committee_id is None and county.actor.spans_deployment
    assert county.cases.get(a.id).id == a.id and county.cases.get(b.id).id == b.id
    with pytest.raises(PermissionDenied):
        county.intake.update_case(a.id, a.version, CaseUpdate(facts="x"))


# -- conflicts name the last writer ---------------------------------------------------------
def test_a_conflict_names_who_saved_not_who_looked(url_db) -> None:  # type: ignore[no-untyped-def]
    _url, db = url_db
    desks = Desks(db)
    wang, zhuren = desks["wang"], desks["zhuren"]
    ref = wang.intake.register(draft(random.Random(1)))
    seen = wang.cases.get(ref.id)
    desks["admin"].intake.update_case(ref.id, seen.version, CaseUpdate(facts="管理员补充"))
    zhuren.cases.get(ref.id, unmask=True)  # the director only looks (audited)
    zhuren.documents.case_data(ref.id)  # and prints (audited)
    with pytest.raises(ConflictError) as err:
        wang.intake.update_case(ref.id, seen.version, CaseUpdate(facts="王的版本"))
    assert err.value.changed_by == "admin" and "已被admin修改" in err.value.message

