"""Intake through the real services on a real SQLite file: register, duplicates, accept with
numbering, refuse, edit with optimistic locking, assign, extend, refer."""

from __future__ import annotations

import datetime as dt

import pytest

from desktop.domain.errors import (
    ConflictError,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    ValidationError,
)
from desktop.services.dto import CaseQuery, CaseUpdate, OralAgreementInput, PartyInput
from desktop.store.db import Database
from desktop.store.models import AuditEntry, Case
from tests.helpers.cases import VALID_ID, draft
from tests.helpers.db import Desks


def test_register_derives_birth_and_sex_and_masks(desks: Desks) -> None:
    wang = desks["wang"]
    ref = wang.intake.register(draft())
    c = wang.cases.get(ref.id)
    assert c.status == "registered" and c.number is None
    assert c.mediator_name == "王建国"  # the registering mediator takes the case
    zhang = c.parties[0]
    assert (zhang.sex, zhang.birth_date) == ("female", dt.date(1949, 12, 31))
    assert zhang.id_number == "110105********002X" and zhang.phone == "138****5678"
    full = wang.cases.get(ref.id, unmask=True)
    assert full.parties[0].id_number == VALID_ID
    assert any("完整个人信息" in h.summary for h in wang.cases.history(ref.id))


def test_register_errors_name_each_field(desks: Desks) -> None:
    bad = draft(parties=[PartyInput("张三", id_number="110105194912310021", phone="12345"),
                         PartyInput("", side="respondent")], facts="")
    with pytest.raises(ValidationError) as err:
        desks["wang"].intake.register(bad)
    errors = err.value.errors
    assert "校验" in errors["parties.0.id_number"]
    assert "parties.0.phone" in errors and "parties.1.name" in errors and "facts" in errors
    with pytest.raises(ValidationError) as err2:
        desks["wang"].intake.register(draft(source="police_110"))
    assert err2.value.field == "referring_unit"
    with pytest.raises(ValidationError) as err3:
        desks["wang"].intake.register(draft(dispute_type="nonsense"))
    assert err3.value.field == "dispute_type"


def test_duplicates_by_id_phone_and_name(desks: Desks) -> None:
    wang = desks["wang"]
    first = wang.intake.register(draft())
    hits = wang.intake.find_duplicates([PartyInput("别名", id_number=VALID_ID)])
    assert [h.case.id for h in hits] == [first.id]
    assert "身份证件号码相同" in hits[0].reasons[0]
    assert wang.intake.find_duplicates([PartyInput("某人", phone="0571-87654321")])[0].case.id == first.id
    assert wang.intake.find_duplicates([PartyInput("李四")])[0].reasons == ["姓名相同：李四"]
    # another committee's mediator does not see it
    assert desks["zhao"].intake.find_duplicates([PartyInput("x", id_number=VALID_ID)]) == []
    # a closed case is not a duplicate
    wang.intake.refuse(first.id, None, "不属于受理范围")
    assert wang.intake.find_duplicates([PartyInput("x", id_number=VALID_ID)]) == []


def test_accept_numbers_per_committee_and_year(desks: Desks) -> None:
    wang, zhao = desks["wang"], desks["zhao"]
    a = wang.intake.accept(wang.intake.register(draft()).id)
    b = wang.intake.accept(wang.intake.register(draft()).id)
    c = zhao.intake.accept(zhao.intake.register(draft()).id)
    year = dt.date.today().year
    assert a.number == f"（{year}）青人调字第0001号"
    assert b.number == f"（{year}）青人调字第0002号"
    assert c.number == f"（{year}）河人调字第0001号"
    detail = wang.cases.get(a.id)
    assert detail.deadline == dt.date.today() + dt.timedelta(days=30)
    late = wang.intake.register(draft())
    with pytest.raises(ValidationError, match="受理日期：不能早于登记日期"):
        wang.intake.accept(late.id, accepted_on=dt.date(year - 1, 12, 30))
    with desks.db.write() as s:  # a paper case registered last December, entered now
        s.get(Case, late.id).registered_at = dt.datetime(year - 1, 12, 29, 9)  # type: ignore[union-attr]
    old = wang.intake.accept(late.id, accepted_on=dt.date(year - 1, 12, 30))
    assert old.number == f"（{year - 1}）青人调字第0001号"
    with pytest.raises(InvalidTransition):
        wang.intake.accept(a.id)


def test_an_acceptance_holds_its_committees_counter_for_its_last_statements_only(
        any_db: Database) -> None:
    """Every acceptance of a committee waits for the one row that numbers its cases, from
    the moment another acceptance takes it until that one's COMMIT. It is taken after the
    case's other changes, its search terms and the report aggregates: only the number and its
    search terms, the audit's digests and the chain's append follow it."""
    from sqlalchemy import event

    wang = Desks(any_db)["wang"]
    ref = wang.intake.register(draft())
    seen: list[str] = []

    def record(_conn: object, _cursor: object, statement: str, *_rest: object) -> None:
        seen.append(" ".join(statement.split()).lower())

    event.listen(any_db.engine, "before_cursor_execute", record)
    try:
        accepted = wang.intake.accept(ref.id)
    finally:
        event.remove(any_db.engine, "before_cursor_execute", record)
    taken = next(i for i, q in enumerate(seen) if "number_counter" in q)
    before, after = seen[:taken], seen[taken:]
    assert any("report_month" in q for q in before)  # the figures moved first
    assert not any("report_month" in q for q in after)
    assert any(q.startswith("update mediation_case") for q in before)  # status, deadline
    assert not any(q.startswith("delete from search_term") for q in seen)  # terms kept
    chain = next(i for i, q in enumerate(after) if "audit_head" in q)
    if not any_db.is_sqlite:
        # the counter, the number, its terms, three digest reads and the chain: seven
        assert chain == 6, after[:chain + 1]
    assert accepted.number is not None and accepted.number.endswith("第0001号")
    found = wang.cases.search(CaseQuery(text=accepted.number)).rows
    assert [r.id for r in found] == [ref.id]
    assert [r.id for r in wang.cases.search(CaseQuery(text="李四")).rows] == [ref.id]
    with any_db.read() as s:
        case = s.get(Case, ref.id)
        assert case is not None and case.number == accepted.number
        assert case.version == accepted.version == ref.version + 1  # one save, one version


def test_refuse_needs_reason(desks: Desks) -> None:
    ref = desks["wang"].intake.register(draft())
    with pytest.raises(ValidationError):
        desks["wang"].intake.refuse(ref.id, None, " ")
    out = desks["wang"].intake.refuse(ref.id, None, "已起诉至法院")
    assert out.status == "refused"


def test_concurrent_edit_is_a_conflict_with_the_other_change(desks: Desks) -> None:
    wang, zhuren = desks["wang"], desks["zhuren"]
    ref = wang.intake.register(draft())
    seen = wang.cases.get(ref.id)
    zhuren.intake.update_case(ref.id, seen.version, CaseUpdate(facts="主任补充的事实"))
    with pytest.raises(ConflictError) as err:
        wang.intake.update_case(ref.id, seen.version, CaseUpdate(facts="王的版本"))
    assert err.value.changes[0].theirs == "主任补充的事实"
    assert err.value.changed_by == "zhuren" and "zhuren" in err.value.message
    assert wang.cases.get(ref.id).facts == "主任补充的事实"


def test_mediator_limits(desks: Desks) -> None:
    ref = desks["wang"].intake.register(draft())
    with pytest.raises(PermissionDenied):
        desks["li"].intake.accept(ref.id)  # assigned to wang, not li
    with pytest.raises(NotFound):
        desks["zhao"].cases.get(ref.id)  # another committee
    with pytest.raises(PermissionDenied):
        desks["ducha"].intake.register(draft())
    with pytest.raises(PermissionDenied):
        desks["wang"].intake.assign(ref.id, desks.actor("li").user_id)
    desks["zhuren"].intake.assign(ref.id, desks.actor("li").user_id)
    assert desks["li"].intake.accept(ref.id).status == "accepted"


def test_a_closed_case_keeps_its_mediator_on_both_backends(any_db: Database) -> None:
    """assign() checked the role only: a director (or a stale window) could move a concluded,
    terminated, refused, referred or archived case to another mediator. Now it is refused
    before anything is written (no row changes, no audit entry); reopened, it may be assigned."""
    desks = Desks(any_db)
    zhuren, admin = desks["zhuren"], desks["admin"]
    li, wang = desks.actor("li").user_id, desks.actor("wang").user_id

    def case(status: str) -> int:
        ref = zhuren.intake.register(draft(mediator_id=wang))
        if status in ("refused", "referred"):
            zhuren.intake.refuse(ref.id, None, "不属于调解范围")
            if status == "referred":
                zhuren.intake.refer(ref.id, "青山区劳动人事争议仲裁委员会", "属于劳动仲裁范围")
            return ref.id
        zhuren.intake.accept(ref.id)
        if status == "terminated":
            zhuren.outcomes.terminate(ref.id, "双方分歧过大")
        elif status in ("succeeded", "archived"):
            zhuren.outcomes.record_oral(ref.id, OralAgreementInput(content="赔偿500元"))
            if status == "archived":
                zhuren.outcomes.archive(ref.id, "测试用案件，材料从略")
        return ref.id

    def state(cid: int) -> tuple[object, ...]:
        with any_db.read() as s:
            row = s.get(Case, cid)
            assert row is not None
            audits = s.query(AuditEntry).filter(AuditEntry.case_id == cid).count()
            return row.status, row.mediator_id, row.co_mediator_ids, row.version, audits

    hints = {"succeeded": "回访", "terminated": "恢复调解", "refused": "登记新案件",
             "referred": "移送", "archived": "只读"}
    labels = {"succeeded": "调解成功", "terminated": "调解终止", "refused": "不予受理",
              "referred": "已移送", "archived": "已归档"}
    for status, hint in hints.items():
        cid = case(status)
        before = state(cid)
        assert before[:2] == (status, wang)
        for desk in (zhuren, admin):
            with pytest.raises(InvalidTransition) as refused:
                desk.intake.assign(cid, li, [wang])
            message = refused.value.message
            assert message.startswith(f"案件当前状态为“{labels[status]}”，不能分配调解员。")
            assert hint in message, message
            assert state(cid) == before

    terminated = case("terminated")
    zhuren.outcomes.reopen(terminated, "当事人同意继续调解")
    zhuren.intake.assign(terminated, li)
    assert state(terminated)[:2] == ("mediating", li)
    accepted = case("accepted")
    zhuren.intake.assign(accepted, li)
    assert state(accepted)[:2] == ("accepted", li)


def test_extend_and_refer(desks: Desks) -> None:
    wang = desks["wang"]
    ref = wang.intake.accept(wang.intake.register(draft()).id)
    before = wang.cases.get(ref.id).deadline
    assert before is not None
    wang.intake.extend(ref.id, 15, "需等待伤情鉴定结果")
    detail = wang.cases.get(ref.id)
    assert detail.deadline == before + dt.timedelta(days=15)
    assert detail.extensions[0].reason == "需等待伤情鉴定结果"
    other = wang.intake.register(draft())
    wang.intake.refuse(other.id, None, "属于劳动仲裁范围")
    wang.intake.refer(other.id, "青山区劳动人事争议仲裁委员会", "属于劳动仲裁范围")
    assert wang.cases.get(other.id).status == "referred"


def test_search_by_number_name_pinyin_id_tail_and_phone(any_db: Database,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """On both backends, by both plans (collected cases; cases walked in list order)."""
    from desktop.services import cases as cases_mod

    wang = Desks(any_db)["wang"]
    ref = wang.intake.accept(wang.intake.register(draft(parties=[
        PartyInput("张三丰", id_number=VALID_ID, phone="13812345678"),
        PartyInput("李四", side="respondent")])).id)
    wang.intake.register(draft(parties=[PartyInput("王五", phone="13900000000"),
                                        PartyInput("赵六", side="respondent")]))
    for probe in (cases_mod.BROAD_PROBE, 1):  # 1: every text counts as broad
        monkeypatch.setattr(cases_mod, "BROAD_PROBE", probe)
        monkeypatch.setattr(cases_mod, "ORDERED_PROBE", probe)
        for text in ["张三丰", "张三", "zsf", "zhangsanfeng", "002X", "1231002x", "13812345678",
                     "0001", ref.number]:
            rows = wang.cases.search(CaseQuery(text=text)).rows
            assert [r.id for r in rows] == [ref.id], (text, probe)
    assert wang.cases.search(CaseQuery()).total == 2
    assert wang.cases.search(CaseQuery(statuses=["accepted"])).total == 1
    assert wang.cases.search(CaseQuery(text="不存在的人")).total == 0


def test_a_name_outside_the_bmp_is_found_by_its_surname(any_db: Database,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """王𠮷祥 (𠮷 is U+20BB7): the range for 王 ended at 王 + U+FFFF, below it, on both
    backends; its pinyin keys dropped 𠮷."""
    from desktop.services import cases as cases_mod

    wang = Desks(any_db)["wang"]
    ref = wang.intake.register(draft(parties=[PartyInput("王𠮷祥"),
                                              PartyInput("李四", side="respondent")]))
    other = wang.intake.register(draft(parties=[PartyInput("王祥"),
                                                PartyInput("赵六", side="respondent")]))
    for probe in (cases_mod.BROAD_PROBE, 1):
        monkeypatch.setattr(cases_mod, "BROAD_PROBE", probe)
        for text, want in (("王", {ref.id, other.id}), ("王𠮷祥", {ref.id}), ("𠮷祥", {ref.id}),
                           ("wjx", {ref.id}), ("wangjixiang", {ref.id}), ("wx", {other.id})):
            rows = wang.cases.search(CaseQuery(text=text)).rows
            assert {r.id for r in rows} == want, (text, probe)
            assert wang.cases.count(CaseQuery(text=text)) == len(want), (text, probe)


def test_an_id_no_row_can_have_finds_nothing_on_both_backends(any_db: Database) -> None:
    """The fuzz test's CaseQuery(mediator_id=2147483648): PostgreSQL refused the INTEGER
    parameter (找不到该记录) where SQLite found nothing."""
    admin = Desks(any_db)["admin"]
    admin.intake.register(draft())
    for q in (CaseQuery(mediator_id=2**31), CaseQuery(committee_id=2**31),
              CaseQuery(mediator_id=0), CaseQuery(committee_id=-1)):
        assert admin.cases.search(q).rows == [] and admin.cases.count(q) == 0, q


def test_a_mediator_id_no_user_can_have_is_refused_alike_on_both_backends(
        any_db: Database) -> None:
    """Registering with 承办调解员 2**31 was 找不到该记录 on PostgreSQL (the INTEGER parameter
    refused) and the mediator message on SQLite; both now name the field, and write nothing."""
    import dataclasses

    zhuren = Desks(any_db)["zhuren"]
    with any_db.read() as s:
        before = s.query(Case).count()
    for bad in (2**31, 2**40, 0, -1):
        with pytest.raises(ValidationError) as refused:
            zhuren.intake.register(dataclasses.replace(draft(), mediator_id=bad))
        assert refused.value.field == "mediator_id", bad
        assert refused.value.message.startswith("承办调解员："), bad
    with any_db.read() as s:
        assert s.query(Case).count() == before


def test_broad_and_narrow_searches_agree(any_db: Database,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """The IN-list plan and the walk-in-list-order plan return the same cases."""
    from desktop.services import cases as cases_mod

    wang = Desks(any_db)["wang"]
    for surname in "张张张王":
        wang.intake.register(draft(parties=[PartyInput(surname + "某", phone="13800000000"),
                                            PartyInput("李四", side="respondent")]))
    query = CaseQuery(text="张", limit=2)
    narrow = [r.id for r in wang.cases.search(query).rows]
    monkeypatch.setattr(cases_mod, "BROAD_PROBE", 1)  # every text counts as broad
    monkeypatch.setattr(cases_mod, "ORDERED_PROBE", 1)
    walked = wang.cases.search(query)
    assert [r.id for r in walked.rows] == narrow and len(narrow) == 2
    assert walked.total == 3
