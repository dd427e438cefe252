"""The domain limits at the service boundary and in the store's guard: the bad values of
issue 13 are refused with a Chinese message naming the field, and nothing is written."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select

from desktop.domain.errors import NotFound, ValidationError
from desktop.services.dto import (
    AgreementInput,
    CaseDraft,
    CaseUpdate,
    ObligationInput,
    OralAgreementInput,
    ParticipantInput,
    PartyInput,
    SessionInput,
)
from desktop.store.audit_chain import verify_chain
from desktop.store.db import Database
from desktop.store.models import (
    AuditEntry,
    Case,
    Committee,
    MediationSession,
    Party,
    SessionParticipant,
)
from tests.helpers.db import Desks


def draft(**kw: object) -> CaseDraft:
    base = dict(parties=[PartyInput("张三", side="applicant"), PartyInput("李四", side="respondent")],
                dispute_type="neighbor", source="party_apply", facts="漏水")
    base.update(kw)
    return CaseDraft(**base)  # type: ignore[arg-type]


def written(desks: Desks) -> tuple[int, ...]:
    with desks.db.read() as s:
        return tuple(int(s.scalar(select(func.count()).select_from(m)) or 0)
                     for m in (Case, Party, AuditEntry))


BAD_DRAFTS = [
    dict(amount_claimed=Decimal(-1)),
    dict(amount_claimed=Decimal("1E20")),
    dict(amount_claimed=Decimal("NaN")),
    dict(amount_claimed=Decimal("Infinity")),
    dict(amount_claimed=Decimal("0.001")),
    dict(people_involved=-3),
    dict(people_involved=100_001),
    dict(facts="a\x00b"),
    dict(facts="x" * 100_001),
    dict(referring_unit="单" * 101, source="police_station"),
    dict(parties=[PartyInput("张三", side="applicant", address="路" * 201),
                  PartyInput("李四", side="respondent")]),
    dict(parties=[PartyInput("张三", side="applicant"),
                  PartyInput("某" * 101, side="respondent", kind="organization",
                             legal_rep="王")]),
]


@pytest.mark.parametrize("bad", BAD_DRAFTS, ids=lambda d: next(iter(d)))
def test_bad_case_values_refused(desks: Desks, bad: dict[str, object]) -> None:
    before = written(desks)
    with pytest.raises(ValidationError) as err:
        desks["wang"].intake.register(draft(**bad))
    assert "：" in err.value.message and any("\u4e00" <= c <= "\u9fff" for c in err.value.message)
    assert written(desks) == before


def test_money_message_names_the_field(desks: Desks) -> None:
    with pytest.raises(ValidationError, match="涉及金额：须在 0.01 至 99,999,999,999.99 元之间"):
        desks["wang"].intake.register(draft(amount_claimed=Decimal(-5)))


def test_accept_dates(desks: Desks) -> None:
    wang = desks["wang"].intake
    ref = wang.register(draft())
    for day in (dt.date(9999, 12, 20), dt.date(1, 1, 1), dt.date.today() + dt.timedelta(days=1)):
        with pytest.raises(ValidationError):
            wang.accept(ref.id, accepted_on=day)
    with desks.db.read() as s:
        assert s.get(Case, ref.id).number is None  # type: ignore[union-attr]
    assert wang.accept(ref.id).number


def test_facts_cannot_be_blanked(desks: Desks) -> None:
    wang = desks["wang"].intake
    ref = wang.register(draft())
    with pytest.raises(ValidationError, match="纠纷简要情况"):
        wang.update_case(ref.id, ref.version, CaseUpdate(facts="   "))
    with pytest.raises(ValidationError, match="涉及人数"):
        wang.update_case(ref.id, ref.version, CaseUpdate(people_involved=-3))


def test_oral_agreement_amount_and_date(desks: Desks) -> None:
    wang = desks["wang"]
    ref = wang.intake.register(draft())
    wang.intake.accept(ref.id)
    before = written(desks)
    for inp in (OralAgreementInput(content="赔偿", amount=Decimal(-100000)),
                OralAgreementInput(content="赔偿", reached_on=dt.date(2099, 1, 1)),
                OralAgreementInput(content="赔偿", reached_on=dt.date(1999, 1, 1))):
        with pytest.raises(ValidationError):
            wang.outcomes.record_oral(ref.id, inp)
    assert written(desks) == before


def test_session_record_rows_meet_the_column_limits(any_db: Database) -> None:
    """A new mediation record and its participants are written with Core inserts, not the
    ORM: every row is still held to its columns' limits, the message names the field, and a
    refused record writes neither itself nor any participant (both backends)."""
    desks = Desks(any_db)
    wang = desks["wang"]
    ref = wang.intake.register(draft())
    wang.intake.accept(ref.id)

    def record(place: str = "调解室", unit: str = "", name: str = "王调解") -> SessionInput:
        start = dt.datetime(2026, 11, 20, 9, 0)
        return SessionInput(started_at=start, ended_at=start + dt.timedelta(hours=1),
                            place=place, content="双方陈述。", result="继续调解。",
                            participants=[ParticipantInput("mediator", "王调解", role="host"),
                                          ParticipantInput("invited", name, unit=unit)])

    def rows() -> tuple[int, ...]:
        with desks.db.read() as s:
            return written(desks) + tuple(
                int(s.scalar(select(func.count()).select_from(m)) or 0)
                for m in (MediationSession, SessionParticipant))

    before = rows()
    for inp, field in ((record(place="调" * 201), "地点"), (record(unit="单" * 101), "单位"),
                       (record(name="张\x07三"), "控制字符"), (record(name="张" * 101), "姓名：最长 100")):
        with pytest.raises(ValidationError, match=field):
            wang.sessions.add(ref.id, inp)
        assert rows() == before
    # an id no form sends, from a caller of the service: named in Chinese too
    hostile = record()
    hostile.participants[1].party_id = 2**40
    with pytest.raises(ValidationError, match="当事人编号：须在"):
        wang.sessions.add(ref.id, hostile)
    assert rows() == before
    wang.sessions.add(ref.id, record(place="调" * 200, unit="单" * 100, name="张" * 100))
    assert rows()[-2:] == (before[-2] + 1, before[-1] + 2)


def test_case_form_edit_meets_the_column_limits(any_db: Database) -> None:
    """The case form's edit is a Core UPDATE, not the ORM: each field is still held to its
    column and named as the form names it, a refused edit writes nothing, and a saved one
    moves the version by one, names its writer and is audited (both backends)."""
    desks = Desks(any_db)
    wang = desks["wang"]
    ref = wang.intake.register(draft())

    def state() -> tuple[Any, ...]:
        with desks.db.read() as s:
            row = s.execute(select(Case.version, Case.title, Case.referring_unit,
                                   Case.requests, Case.updated_by)
                            .where(Case.id == ref.id)).one()
        return (*row, *written(desks))

    before = state()
    for change, message in ((CaseUpdate(title="案" * 201), "案由：最长 200 个字"),
                            (CaseUpdate(referring_unit="所" * 101), "移送单位：最长 100 个字"),
                            (CaseUpdate(referral_ref="青\x07山"), "移送文号：含有不可见的控制字符"),
                            (CaseUpdate(referral_ref="第1号\n第2号"), "移送文号：不能换行"),
                            (CaseUpdate(title="新案由", requests="请" * 100_001),
                             "当事人请求：最长 100,000 个字")):
        with pytest.raises(ValidationError, match=message):
            wang.intake.update_case(ref.id, ref.version, change)
        assert state() == before
    unchanged = wang.intake.update_case(ref.id, ref.version, CaseUpdate(title=before[1]))
    assert unchanged.version == ref.version and state() == before  # nothing to save
    saved = wang.intake.update_case(ref.id, ref.version, CaseUpdate(
        title="案" * 200, referring_unit="所" * 100, requests="请" * 100_000))
    assert saved.version == ref.version + 1
    version, title, unit, requests, writer, *counts = state()
    assert (version, title, unit, len(requests)) == (ref.version + 1, "案" * 200, "所" * 100,
                                                     100_000)
    assert writer == wang.actor.user_id
    assert counts == [*before[5:7], before[7] + 1]  # one audit entry, no case or party
    with desks.db.read() as s:
        assert verify_chain(s).ok


def test_a_lookup_code_that_is_no_code_is_refused_alike(any_db: Database) -> None:
    """纠纷类型 or 来源 with a NUL, or not text at all, from a caller of the services: the same
    Chinese refusal on both backends (PostgreSQL refused the NUL as a bare database error)."""
    desks = Desks(any_db)
    wang = desks["wang"]
    ref = wang.intake.register(draft())
    before = written(desks)
    for change, message in ((CaseUpdate(dispute_type="neighbor\x00"), "请选择纠纷类型"),
                            (CaseUpdate(source=7), "请选择案件来源")):  # type: ignore[arg-type]
        with pytest.raises(ValidationError, match=message):
            wang.intake.update_case(ref.id, ref.version, change)
        assert written(desks) == before
    with pytest.raises(ValidationError, match="请选择纠纷类型"):
        wang.intake.register(draft(dispute_type="neighbor\x00"))
    assert written(desks) == before


def test_obligation_amounts(desks: Desks) -> None:
    wang = desks["wang"]
    ref = wang.intake.register(draft())
    wang.intake.accept(ref.id)
    a, b = wang.cases.get(ref.id).parties
    for amount in (Decimal("NaN"), Decimal(-1), Decimal("0.001"), Decimal("1E12")):
        with pytest.raises(ValidationError, match="金额"):
            wang.outcomes.save_agreement(ref.id, AgreementInput(
                "事实", "争议", obligations=[ObligationInput("赔偿", b.id, a.id, amount)]))


def test_store_guard_refuses_what_a_service_forgot(desks: Desks) -> None:
    """A write that bypasses the services still meets the column limits (SQLite included)."""
    with pytest.raises(ValidationError, match="简称"), desks.db.write() as s:
        s.add(Committee(name="测试调委会", short_name="长" * 21, number_pattern="x"))
    with pytest.raises(ValidationError, match="控制字符"), desks.db.write() as s:
        s.add(Committee(name="测试\x00调委会", short_name="测", number_pattern="x"))


def test_huge_ids_are_not_found(desks: Desks) -> None:
    for huge in (2**70, -1, 2**63):
        with pytest.raises(NotFound):
            desks["wang"].cases.get(huge)


def test_ledger_rows_meet_the_column_limits(desks: Desks, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The ledger import writes with a Core insert; its rows are still held to the limits."""
    from desktop.services.ledger import LedgerService
    from desktop.store.models import SweepRecord
    from tests.reports.ledgers import sweep_rows, write_xlsx

    rows = sweep_rows(5, 2)
    rows[3][8] = "王" * 41  # 责任人 longer than sweep_record.responsible VARCHAR(40)
    path = write_xlsx(tmp_path / "ledger.xlsx", rows)
    with pytest.raises(ValidationError, match="责任人|台账第 4 条记录"):
        LedgerService(desks.db, desks.actor("zhuren")).import_ledger(path)
    with desks.db.read() as s:
        assert s.scalar(select(func.count()).select_from(SweepRecord)) == 0
