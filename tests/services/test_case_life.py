"""The rest of a case's life through the services: joint sessions, agreement and signatures,
oral agreement, termination, follow-up, judicial confirmation, risks, attachments, archive,
drafts, users and login — each with its errors."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from desktop.domain.enums import JointKind
from desktop.domain.errors import AuthError, InvalidTransition, PermissionDenied, ValidationError
from desktop.services import Desk, auth
from desktop.services.dto import (
    AgreementInput,
    FollowUpInput,
    ObligationInput,
    OralAgreementInput,
    ParticipantInput,
    RiskInput,
    SessionInput,
)
from desktop.store.audit_chain import verify_chain
from desktop.store.db import Database
from desktop.store.models import Case
from tests.helpers.cases import draft
from tests.helpers.db import PASSWORDS, Desks
from tests.reports.test_report_aggregate import assert_equals_rebuild

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def accepted(desk: Desk) -> int:
    return desk.intake.accept(desk.intake.register(draft()).id).id


def joint_session(desk: Desk, case_id: int) -> int:
    return desk.sessions.add(case_id, SessionInput(
        dt.datetime(2026, 11, 20, 9, 30), "青山街道综治中心调解室", content="释法析理",
        result="达成一致", agreed=True, participants=[
            ParticipantInput("mediator", "王建国", role="host"),
            ParticipantInput("police", "赵警官", unit="青山派出所", number="012345"),
            ParticipantInput("judicial", "钱助理", unit="青山司法所", number="SF001"),
            ParticipantInput("lawyer", "孙律师", unit="青山律师事务所", number="13301201810123456"),
        ]))


def test_joint_session_sets_mediating_and_joint_kind(desks: Desks) -> None:
    wang = desks["wang"]
    cid = accepted(wang)
    joint_session(wang, cid)
    c = wang.cases.get(cid)
    assert c.status == "mediating" and c.joint_label == "公安+司法+律师"
    assert [p.unit for p in c.sessions[0].participants][1:] == ["青山派出所", "青山司法所", "青山律师事务所"]
    with pytest.raises(ValidationError) as err:
        wang.sessions.add(cid, SessionInput(dt.datetime.now(), "调解室", participants=[
            ParticipantInput("mediator", "王建国"),
            ParticipantInput("lawyer", "孙律师", unit="律所", number="123")]))
    assert "应为17位数字" in err.value.message
    with pytest.raises(ValidationError):
        wang.sessions.add(cid, SessionInput(dt.datetime.now(), "调解室"))  # no mediator


def test_each_record_adds_its_participants_to_the_joint_mask(any_db: Database) -> None:
    """A new record is numbered after the case's last one, and the case's joint mask is that
    of every participant of every record so far (read with the numbers, before the insert).
    The case row is written (with Core) only when a record changes it: the first mediation
    moves it to 调解中, a new kind of participant changes its mask (a figure the report counts:
    the aggregates follow); each such write is one new version naming its writer (both
    backends)."""
    desks = Desks(any_db)
    wang = desks["wang"]
    cid = accepted(wang)

    def add(*invited: ParticipantInput) -> tuple[int, str, int, int | None]:
        wang.sessions.add(cid, SessionInput(dt.datetime(2026, 11, 20, 9), "调解室", content="陈述。",
                                            participants=[ParticipantInput("mediator", "王建国"),
                                                          *invited]))
        with any_db.read() as s:
            c = s.get(Case, cid)
            assert c is not None
            return c.version, c.status, c.joint_mask, c.updated_by

    start = wang.cases.get(cid).version
    me = wang.actor.user_id
    assert add() == (start + 1, "mediating", 0, me)  # 已受理 → 调解中
    assert add(ParticipantInput("police", "赵警官", unit="青山派出所")) == (
        start + 2, "mediating", JointKind.POLICE, me)
    assert add(ParticipantInput("lawyer", "孙律师", unit="青山律师事务所",
                                number="13301201810123456")) == (
        start + 3, "mediating", JointKind.POLICE | JointKind.LAWYER, me)
    assert add()[0] == start + 3  # a record without invited people takes nothing away
    assert add(ParticipantInput("police", "钱警官", unit="青山派出所"))[0] == start + 3
    c = wang.cases.get(cid)
    assert [m.seq for m in c.sessions] == [1, 2, 3, 4, 5]
    assert c.joint_mask == JointKind.POLICE | JointKind.LAWYER and c.joint_label == "公安+律师"
    assert_equals_rebuild(any_db)
    with any_db.read() as s:
        assert verify_chain(s).ok


def test_written_agreement_signatures_and_effect(desks: Desks) -> None:
    wang = desks["wang"]
    cid = accepted(wang)
    joint_session(wang, cid)
    c = wang.cases.get(cid)
    a, b = c.parties
    wang.outcomes.save_agreement(cid, AgreementInput(
        "楼上漏水致楼下受损", "赔偿数额", "被申请人负主要责任", obligations=[
            ObligationInput("赔偿维修费", b.id, a.id, Decimal("12000.00"), "银行转账",
                            dt.date(2026, 12, 31)),
            ObligationInput("赔礼道歉", b.id, a.id)]))
    with pytest.raises(ValidationError) as err:
        wang.outcomes.conclude_written(cid)
    assert "尚未签名" in err.value.message
    for p in (a, b):
        wang.outcomes.sign(cid, signer_kind="party", signer_name=p.name, party_id=p.id, png=PNG)
    with pytest.raises(ValidationError):
        wang.outcomes.conclude_written(cid)  # the mediator has not signed
    wang.outcomes.sign(cid, signer_kind="mediator", signer_name="王建国", png=PNG,
                       user_id=desks.actor("wang").user_id)
    wang.outcomes.conclude_written(cid)
    c = wang.cases.get(cid)
    assert c.status == "succeeded" and c.outcome == "written"
    assert c.agreement and c.agreement.total_amount == Decimal("12000.00")
    assert c.agreement.copies == 3 and c.agreement.effective_on == dt.date.today()
    assert c.confirmation_deadline == dt.date.today() + dt.timedelta(days=30)
    with pytest.raises(ValidationError):  # signed: no more edits
        wang.outcomes.save_agreement(cid, AgreementInput("x", "y", other_terms="z"))


def test_paper_signature_needs_the_scan(desks: Desks) -> None:
    wang = desks["wang"]
    cid = accepted(wang)
    wang.outcomes.save_agreement(cid, AgreementInput("事实", "争议", other_terms="互不追究"))
    with pytest.raises(ValidationError) as err:
        wang.outcomes.conclude_written(cid, on_paper=True)
    assert "扫描件" in err.value.message
    wang.files.add_attachment(cid, "协议签字页.pdf", b"%PDF-1.4 signed scan", "signed_scan")
    wang.outcomes.conclude_written(cid, on_paper=True)
    assert wang.cases.get(cid).agreement.signed_on_paper  # type: ignore[union-attr]


def test_oral_agreement_and_follow_up_and_confirmation(desks: Desks) -> None:
    wang = desks["wang"]
    cid = accepted(wang)
    wang.outcomes.record_oral(cid, OralAgreementInput("当场赔偿500元", amount=Decimal(500)))
    c = wang.cases.get(cid)
    assert (c.status, c.outcome, c.agreed_amount) == ("succeeded", "oral", Decimal("500.00"))
    wang.followups.add(cid, FollowUpInput(dt.date.today(), "visit", "full", "satisfied",
                                          findings="已履行"))
    assert wang.cases.get(cid).follow_ups[0].performance == "full"
    with pytest.raises(ValidationError):
        wang.followups.add(cid, FollowUpInput(dt.date.today() + dt.timedelta(days=1)))
    late = dt.date.today() + dt.timedelta(days=31)
    with pytest.raises(ValidationError) as err:
        wang.confirmations.apply(cid, "青山区人民法院", late)
    assert "30 日" in err.value.message
    wang.confirmations.apply(cid, "青山区人民法院", dt.date.today())
    wang.confirmations.record_ruling(cid, "confirmed", dt.date.today(), "（2026）浙0102民特12号")
    assert wang.cases.get(cid).confirmation.ruling == "confirmed"  # type: ignore[union-attr]


def test_terminate_reopen_and_archive(desks: Desks) -> None:
    wang, zhuren = desks["wang"], desks["zhuren"]
    cid = accepted(wang)
    joint_session(wang, cid)
    with pytest.raises(ValidationError):
        wang.outcomes.terminate(cid, "")
    wang.outcomes.terminate(cid, "双方分歧过大")
    c = wang.cases.get(cid)
    assert c.status == "terminated" and "人民法院" in c.terminations[0].remedies
    with pytest.raises(PermissionDenied):
        wang.outcomes.reopen(cid, "当事人要求继续调解")
    zhuren.outcomes.reopen(cid, "当事人要求继续调解")
    wang.outcomes.terminate(cid, "仍无法达成一致")
    with pytest.raises(PermissionDenied):
        wang.outcomes.archive(cid)
    with pytest.raises(ValidationError) as err:
        zhuren.outcomes.archive(cid)
    assert "身份证明" in err.value.message
    wang.files.add_attachment(cid, "身份证.jpg", b"\xff\xd8\xff\xe0 jpeg", "identity")
    zhuren.outcomes.archive(cid)
    assert wang.cases.get(cid).status == "archived"
    with pytest.raises(InvalidTransition):
        wang.sessions.add(cid, SessionInput(dt.datetime.now(), "调解室", content="回访",
                                            participants=[ParticipantInput("mediator", "王")]))


def test_archive_with_missing_item_needs_reason(desks: Desks) -> None:
    wang, zhuren = desks["wang"], desks["zhuren"]
    ref = wang.intake.register(draft())
    wang.intake.refuse(ref.id, None, "不属于受理范围")
    zhuren.outcomes.archive(ref.id, reason="当事人拒绝提供身份证复印件")
    assert any("当事人拒绝" in h.summary for h in wang.cases.history(ref.id))


def test_risk_flag_and_resolution(desks: Desks) -> None:
    wang = desks["wang"]
    cid = accepted(wang)
    rid = wang.risks.flag(cid, RiskInput("criminal", "high", "扬言报复", people=3,
                                         reported_to_police=True))
    assert wang.cases.get(cid).risks[0].reported_to_police
    assert wang.cases.dashboard().risk_flagged[0].id == cid
    wang.risks.resolve(rid, prevented=True)
    assert wang.cases.get(cid).risks[0].prevented


def test_attachment_checks(desks: Desks) -> None:
    wang = desks["wang"]
    cid = accepted(wang)
    with pytest.raises(ValidationError):
        wang.files.add_attachment(cid, "a.exe", b"MZ\x90\x00", "evidence")
    with pytest.raises(ValidationError):
        wang.files.add_attachment(cid, "empty.pdf", b"", "evidence")
    view = wang.files.add_attachment(cid, "照片.png", PNG, "evidence")
    meta, data = wang.files.attachment_data(view.id)
    assert data == PNG and meta.mime == "image/png" and len(meta.sha256) == 64


def test_drafts_survive_and_are_per_user(desks: Desks) -> None:
    wang, li = desks["wang"], desks["li"]
    wang.drafts.save("intake:new", {"parties": [{"name": "张𠮷"}]}, "张𠮷 纠纷")
    assert wang.drafts.load("intake:new") == {"parties": [{"name": "张𠮷"}]}
    assert li.drafts.load("intake:new") is None
    wang.drafts.delete("intake:new")
    assert wang.drafts.list() == []


def test_login_lockout_and_password_rules(desks: Desks) -> None:
    db = desks.db
    assert auth.login(db, "wang", PASSWORDS["wang"]).username == "wang"
    for _ in range(4):
        with pytest.raises(AuthError) as err:
            auth.login(db, "wang", "wrong-password")
    # one message for every failure: it never tells how many tries are left (no oracle)
    assert err.value.message == auth.LOGIN_FAILED
    with pytest.raises(AuthError) as err:
        auth.login(db, "wang", "wrong-password")
    assert err.value.message == auth.LOGIN_FAILED
    with pytest.raises(AuthError):
        auth.login(db, "wang", PASSWORDS["wang"])  # locked even with the right password
    desks["admin"].users.unlock(desks.actor("wang").user_id)
    assert auth.login(db, "wang", PASSWORDS["wang"]).role == "mediator"
    with pytest.raises(ValidationError):
        desks["admin"].users.add("new", "新人", "short", "mediator")
    with pytest.raises(PermissionDenied):
        desks["zhuren"].users.add("new", "新人", "long-enough-1", "mediator")
    assert desks.db and not auth.bootstrap_needed(db)


def test_dashboard_lists(desks: Desks) -> None:
    """Due soon, overdue, today's sessions, follow-ups due and confirmation windows closing."""
    from sqlalchemy import update

    from desktop.store.models import Agreement, Case

    wang = desks["wang"]
    due = accepted(wang)
    late = accepted(wang)
    today = dt.date.today()
    visited = accepted(wang)
    wang.outcomes.record_oral(visited, OralAgreementInput("当场履行"))
    closing = accepted(wang)
    wang.outcomes.save_agreement(closing, AgreementInput("事实", "争议", other_terms="互不追究"))
    wang.files.add_attachment(closing, "签字页.pdf", b"%PDF-1.4 scan", "signed_scan")
    wang.outcomes.conclude_written(closing, on_paper=True)
    with desks.db.write() as s:
        s.execute(update(Case).where(Case.id == due).values(deadline=today + dt.timedelta(days=2)))
        s.execute(update(Case).where(Case.id == late).values(deadline=today - dt.timedelta(days=1)))
        s.execute(update(Case).where(Case.id.in_([visited, closing]))
                  .values(closed_on=today - dt.timedelta(days=25)))
        s.execute(update(Agreement).where(Agreement.case_id == closing)
                  .values(effective_on=today - dt.timedelta(days=25)))
    joint_session(wang, due)
    with desks.db.write() as s:
        from desktop.store.models import MediationSession

        s.execute(update(MediationSession).where(MediationSession.case_id == due)
                  .values(started_at=dt.datetime.combine(today, dt.time(15, 0))))
    board = wang.cases.dashboard()
    assert [r.id for r in board.due_soon] == [due]
    assert [r.id for r in board.overdue] == [late] and board.overdue[0].due_state == "overdue"
    assert [x.case_id for x in board.today_sessions] == [due]
    assert {r.id for r in board.followups_due} == {visited, closing}
    assert [r.id for r in board.confirmation_closing] == [closing]
    wang.followups.add(visited, FollowUpInput(today, performance="full", satisfaction="satisfied",
                                              next_due=today + dt.timedelta(days=30)))
    assert {r.id for r in wang.cases.dashboard().followups_due} == {closing}
    assert desks["zhao"].cases.dashboard().today_sessions == []  # another committee
