"""Migration 0017: cases saved before RARE_READINGS kept pinyin keys that skipped 𠮷 / 𡘙
(王𠮷祥 as "wx" / "wangxiang"); upgrading recomputes exactly those cases' terms, on SQLite and
PostgreSQL."""

from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import select

from desktop.domain.search import normalize_query
from desktop.domain.validators import is_han
from desktop.services.dto import CaseQuery, PartyInput
from desktop.store import migrate
from desktop.store.db import Database
from desktop.store.models import Case, SearchTerm
from tests.helpers.cases import draft
from tests.helpers.db import Desks


# The keys as the code before f671d94 computed them (desktop/domain/search.py then): each
# character on its own through pypinyin, a character it has no reading for dropped.
def _old_initial(ch: str) -> str:
    if is_han(ch):
        from pypinyin import Style, lazy_pinyin

        return "".join(lazy_pinyin(ch, style=Style.FIRST_LETTER, errors="ignore"))
    return normalize_query(ch) if ch.isalnum() else ""


def _old_syllable(ch: str) -> str:
    if is_han(ch):
        from pypinyin import Style, lazy_pinyin

        return "".join(lazy_pinyin(ch, style=Style.NORMAL, errors="ignore"))
    return normalize_query(ch) if ch.isalnum() else ""


def old_name_initials(text: str) -> str:
    return "".join(map(_old_initial, text))


def old_name_pinyin(text: str) -> str:
    return "".join(map(_old_syllable, text))


def _migrate(db: Database, revision: str, up: bool) -> None:
    cfg = migrate.alembic_config(db)
    with db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        (command.upgrade if up else command.downgrade)(cfg, revision)


def _terms(db: Database, case_id: int) -> list[tuple[object, ...]]:
    with db.read() as s:
        return [tuple(r) for r in s.execute(
            select(SearchTerm.id, SearchTerm.term, SearchTerm.committee_id,
                   SearchTerm.registered_at, SearchTerm.status, SearchTerm.mediator_id)
            .where(SearchTerm.case_id == case_id).order_by(SearchTerm.term))]


def test_upgrading_recomputes_the_keys_of_names_with_rare_characters(
        any_db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    desks = Desks(any_db)
    wang, zhuren = desks["wang"], desks["zhuren"]
    li = desks.actor("li").user_id
    # saved by the old code: its keys, through the same save path (with 0016's columns)
    with monkeypatch.context() as old:
        old.setattr("desktop.services.terms.name_initials", old_name_initials)
        old.setattr("desktop.services.terms.name_pinyin", old_name_pinyin)
        ji = wang.intake.accept(wang.intake.register(draft(parties=[
            PartyInput("王𠮷祥"), PartyInput("赵六", side="respondent")])).id)
        tai = zhuren.intake.register(draft(parties=[  # 𡘙 third: no term starts with it
            PartyInput("周大海"), PartyInput("李小𡘙", side="respondent")], mediator_id=li))
        plain = wang.intake.register(draft(parties=[PartyInput("张三丰"),
                                                    PartyInput("李四", side="respondent")]))
    _migrate(any_db, "0016", up=False)
    with any_db.write() as s:  # a row no recompute would write: gone if the case was redone
        s.add(SearchTerm(case_id=plain.id, term="zz-not-recomputed"))
    untouched = _terms(any_db, plain.id)
    assert migrate.current_revision(any_db) == "0016"

    def found(text: str) -> set[int]:
        rows = zhuren.cases.search(CaseQuery(text=text)).rows
        assert zhuren.cases.count(CaseQuery(text=text)) == len(rows), text
        return {r.id for r in rows}

    # what the old keys did: "wx" found 王𠮷祥, "wjx" did not
    assert found("wx") == {ji.id} and found("wjx") == set() and found("lxt") == set()

    _migrate(any_db, "head", up=True)
    for text in ("wjx", "wangjixiang", "wangji", "王𠮷祥", "𠮷祥"):
        assert found(text) == {ji.id}, text
    for text in ("lxt", "lixiaotai", "李小𡘙"):
        assert found(text) == {tai.id}, text
    assert found("wx") == set() and found("lx") == {tai.id}  # the stale key is gone
    assert found("zsf") == {plain.id}
    # the index-only paths read the case's state off the term rows (0016's columns)
    assert {r.id for r in zhuren.cases.search(
        CaseQuery(text="wjx", statuses=["accepted"])).rows} == {ji.id}
    assert {r.id for r in zhuren.cases.search(
        CaseQuery(text="lxt", mediator_id=li)).rows} == {tai.id}
    with any_db.read() as s:
        for ref in (ji, tai):
            case = s.get(Case, ref.id)
            assert case is not None
            rows = _terms(any_db, ref.id)
            assert rows and {r[2:] for r in rows} == {
                (case.committee_id, case.registered_at, case.status, case.mediator_id)}
    assert _terms(any_db, plain.id) == untouched  # not rewritten: same rows, marker kept
    _migrate(any_db, "0016", up=False)  # downgrade leaves the terms; it must not fail
    assert found("wjx") == {ji.id}
    _migrate(any_db, "head", up=True)
