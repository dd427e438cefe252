"""The audit chain under concurrent saves, on both backends.

Appending reads the case digests before it locks the chain (``audit_chain.prepare_entries``
says why that is safe): these tests hold it to that. Many threads save at once on a few shared
cases — edits, party edits, sessions, audited looks at full personal data, acceptances, and
transactions with several entries — and then the chain verifies (deep: every case matches its
last digest), is one unbroken line in id order, holds exactly the acknowledged entries, each
transaction's entries side by side in the order given, and every audited look records the same
state as the entry before it on that case (a look that read the case before another desk's
save committed, but was chained after it, would record the older state).
"""

from __future__ import annotations

import datetime as dt
import random
import threading
from collections import Counter, defaultdict
from typing import Any

import pytest
from sqlalchemy import select, text, update

from desktop.domain.errors import ConflictError
from desktop.services.anchor import prepare_entries
from desktop.services.dto import CaseUpdate, PartyInput
from desktop.store.audit_anchor import case_digests
from desktop.store.audit_chain import (
    GENESIS,
    IN_ONE_STATEMENT,
    append_entries,
    entry_hash,
    verify_chain,
    write_entries,
)
from desktop.store.db import Database
from desktop.store.models import AuditCheckpoint, AuditEntry, AuditHead, Party
from tests.helpers.db import Desks
from tests.lan.desk import draft, session_input

USERS = ["zhuren", "admin"]  # both may see full personal data of every case here


def _shared_cases(db: Database, n: int = 3) -> list[int]:
    desk = Desks(db)["zhuren"]
    ids = []
    for i in range(n):
        ref = desk.intake.register(draft(random.Random(100 + i)))
        ids.append(desk.intake.accept(ref.id, ref.version).id)
    return ids


class Saver(threading.Thread):
    """One desk saving ``steps`` times on the shared cases; what was acknowledged is kept."""

    def __init__(self, db: Database, user: str, cases: list[int], steps: int, seed: int,
                 go: threading.Barrier) -> None:
        super().__init__()
        self.desk = Desks(db)[user]
        self.cases, self.steps, self.rng, self.go = cases, steps, random.Random(seed), go
        self.seed = seed
        self.acked: Counter[str] = Counter()  # audit action -> acknowledged entries
        self.updates: list[tuple[int, int, int, str]] = []  # case, version before/after, token
        self.batches: list[list[str]] = []  # summaries of each acknowledged several-entry save
        self.conflicts = 0
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            self.go.wait()
            for i in range(self.steps):
                self.step(i)
        except BaseException as err:  # noqa: BLE001 - reported by the test
            self.error = err

    def step(self, i: int) -> None:
        desk, rng = self.desk, self.rng
        case_id = rng.choice(self.cases)
        r = rng.random()
        try:
            if r < 0.3:
                detail = desk.cases.get(case_id)
                token = f"请求{self.seed}-{i}"
                ref = desk.intake.update_case(case_id, detail.version, CaseUpdate(requests=token))
                self.updates.append((case_id, detail.version, ref.version, token))
                self.acked["update"] += 1
            elif r < 0.5:  # a child row: a party's phone
                party = rng.choice(desk.cases.get(case_id, unmask=True).parties)
                self.acked["unmask"] += 1
                desk.intake.save_party(case_id, PartyInput(
                    party.name, side=party.side, kind=party.kind, sex=party.sex,
                    id_type=party.id_type, id_number=party.id_number,
                    phone=f"139{rng.randrange(10**8):08d}", id=party.id, version=party.version))
                self.acked["update_party"] += 1
            elif r < 0.65:
                desk.sessions.add(case_id, session_input(desk, rng))
                self.acked["add_session"] += 1
            elif r < 0.8:  # an audited look that writes nothing
                desk.cases.get(case_id, unmask=True)
                self.acked["unmask"] += 1
            elif r < 0.9:  # one save, several entries on several cases (an import: many)
                n = 3 if rng.random() < 0.7 else IN_ONE_STATEMENT + 5
                summaries = [f"批量{self.seed}-{i}-{k}" for k in range(n)]
                with desk.intake._write() as tx:
                    for k, summary in enumerate(summaries):
                        tx.audit("batch", "case", self.cases[k % len(self.cases)], summary,
                                 case_id=self.cases[k % len(self.cases)])
                self.batches.append(summaries)
                self.acked["batch"] += n
            else:
                ref = desk.intake.register(draft(rng))
                self.acked["register"] += 1
                desk.intake.accept(ref.id, ref.version)
                self.acked["accept"] += 1
        except ConflictError:
            self.conflicts += 1


def _run(db: Database, threads: int, steps: int) -> tuple[list[int], list[Saver]]:
    cases = _shared_cases(db)
    go = threading.Barrier(threads)
    savers = [Saver(db, USERS[i % len(USERS)], cases, steps, i, go) for i in range(threads)]
    for t in savers:
        t.start()
    for t in savers:
        t.join()
    for t in savers:
        assert t.error is None, repr(t.error)
    return cases, savers


def _entries(db: Database) -> list[Any]:
    """The chain in id order, as plain rows."""
    e = AuditEntry
    with db.read() as s:
        return list(s.execute(select(e.id, e.action, e.case_id, e.entity_id, e.summary,
                                     e.prev_hash, e.hash, e.state_digest).order_by(e.id)))


@pytest.mark.slow
def test_concurrent_saves_keep_the_chain_whole(url_db: tuple[str, Database]) -> None:
    _url, db = url_db
    before = len(_entries(db))
    threads = 4 if db.is_sqlite else 8
    cases, savers = _run(db, threads, steps=25)

    with db.read() as s:
        report = verify_chain(s, deep=True)
        assert report.ok, report.message
        head = s.execute(select(AuditHead.last_id, AuditHead.last_hash)).one()
        current = case_digests(s, cases)
    entries = _entries(db)
    # one line: each entry links to the one before it in id order, and the head to the last
    prev = GENESIS
    for e in entries:
        assert e.prev_hash == prev, f"entry {e.id} does not follow the one before it"
        prev = e.hash
    assert (head.last_id, head.last_hash) == (entries[-1].id, entries[-1].hash)
    # exactly what the desks were told was saved (a lost race adds nothing)
    new = entries[before:]
    got = Counter(e.action for e in new if e.action not in ("register", "accept", "checkpoint"))
    want: Counter[str] = Counter()
    for t in savers:
        want.update({k: v for k, v in t.acked.items() if k not in ("register", "accept")})
    assert got == want
    assert Counter(e.action for e in new)["accept"] == sum(t.acked["accept"] for t in savers) + 3
    # a several-entry save: its entries side by side, in the order it gave them
    position = {e.summary: i for i, e in enumerate(entries)}
    for t in savers:
        for summaries in t.batches:
            at = [position[x] for x in summaries]
            assert at == list(range(at[0], at[0] + len(at))), summaries
    # no lost update: no two acknowledged saves from one version; the last one's text stands
    seen = Counter((c, v) for t in savers for c, v, _a, _tok in t.updates)
    assert max(seen.values(), default=1) == 1
    last: dict[int, tuple[int, str]] = {}
    for t in savers:
        for c, _v, after, token in t.updates:
            if c not in last or after > last[c][0]:
                last[c] = (after, token)
    for c, (_after, token) in last.items():
        assert Desks(db)["zhuren"].cases.get(c).requests == token
    # each audited look records the state the entry before it on that case left
    digest_before: dict[int, str] = {}
    looks = 0
    for e in entries:
        if not e.case_id or not e.state_digest:
            continue
        if e.action in ("unmask", "batch") and int(e.case_id) in digest_before:
            assert e.state_digest == digest_before[int(e.case_id)], (
                f"entry {e.id} ({e.action}) recorded another state than the save before it")
            looks += 1
        digest_before[int(e.case_id)] = e.state_digest
    assert looks >= threads, "too few audited looks to prove anything"
    for c in cases:
        assert digest_before[c] == current[c]
    assert sum(t.conflicts for t in savers) >= 1, "no race happened: the test proves nothing"


@pytest.mark.postgres
def test_an_audited_look_waits_for_the_save_that_holds_the_case(pg_url: str) -> None:
    """A save that changed a party (without locking the case first) and has prepared its
    entry holds the case: another desk's audited look at that case waits for its COMMIT and
    then records the saved state, not the one before."""
    db = Database.connect(pg_url)
    try:
        (case_id,) = _shared_cases(db, 1)
        desks = Desks(db)
        actor = desks.actor("zhuren")
        looker = desks["admin"]
        done: list[BaseException | None] = []
        thread = _unmask_in_thread(looker, case_id, done)
        with db.write() as s:
            party = s.scalars(select(Party).where(Party.case_id == case_id)).first()
            assert party is not None
            party.phone = "13900000001"
            pending = prepare_entries(s, actor, [dict(
                action="update_party", entity="party", entity_id=party.id, case_id=case_id,
                summary="修改当事人电话", detail={})])
            assert pending is not None
            thread.start()
            _wait_for_a_lock_wait(db, done)
            assert not done, "the audited look did not wait for the save holding the case"
            write_entries(s, pending)
        thread.join()
        assert done == [None]
        entries = _entries(db)
        saved, looked = entries[-2], entries[-1]
        assert (saved.action, looked.action) == ("update_party", "unmask")
        with db.read() as s:
            now = case_digests(s, [case_id])[case_id]
            assert verify_chain(s, deep=True).ok
        assert saved.state_digest == looked.state_digest == now
    finally:
        db.close()


def _unmask_in_thread(desk: Any, case_id: int, done: list[BaseException | None]
                      ) -> threading.Thread:
    """A thread (not yet started) in which ``desk`` opens the case with full particulars — an
    audited look, so a save of its own — and records in ``done`` None or what it raised."""

    def look() -> None:
        try:
            desk.cases.get(case_id, unmask=True)
            done.append(None)
        except BaseException as err:  # noqa: BLE001 - reported by the test
            done.append(err)

    return threading.Thread(target=look)


def _wait_for_a_lock_wait(db: Database, done: list[Any]) -> None:
    """Until another backend waits on a lock, or the thread that should has finished."""
    with db.engine.connect() as watch:
        while not done and not watch.execute(text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                " AND wait_event_type = 'Lock'")).scalar():
            watch.rollback()


@pytest.mark.postgres
def test_a_save_that_waited_for_the_chain_links_to_the_entry_it_waited_for(pg_url: str) -> None:
    """The append statement locks the head inside itself: a desk that had to wait there links
    its entry to the one the desk before it added, and moves the head past it."""
    db = Database.connect(pg_url)
    try:
        (case_id,) = _shared_cases(db, 1)
        desks = Desks(db)
        other = desks["admin"]
        done: list[BaseException | None] = []
        thread = _unmask_in_thread(other, case_id, done)
        with db.write() as s:
            append_entries(s, desks.actor("zhuren"), [dict(
                action="note", entity="case", entity_id=None, case_id=None, summary="先到",
                detail={})])
            thread.start()
            _wait_for_a_lock_wait(db, done)
            assert not done, "the second save did not wait for the chain"
        thread.join()
        assert done == [None]
        first, second = _entries(db)[-2:]
        assert (first.summary, second.action) == ("先到", "unmask")
        assert second.prev_hash == first.hash
        with db.read() as s:
            head = s.execute(select(AuditHead.last_id, AuditHead.last_hash)).one()
            assert verify_chain(s).ok
        assert (head.last_id, head.last_hash) == (second.id, second.hash)
    finally:
        db.close()


def _checkpoints_to_yesterday(db: Database) -> None:
    """As if every checkpoint so far had been taken yesterday (unsigned ones: nothing else
    records their time), so today's first save is still to come."""
    with db.engine.begin() as conn:
        if not db.is_sqlite:  # the owner switches the append-only guard off on purpose
            conn.execute(text("ALTER TABLE audit_checkpoint DISABLE TRIGGER USER"))
        rows = conn.execute(select(AuditCheckpoint.id, AuditCheckpoint.at)).all()
        for cp_id, at in rows:
            conn.execute(update(AuditCheckpoint).where(AuditCheckpoint.id == cp_id)
                         .values(at=at - dt.timedelta(days=1)))
        if not db.is_sqlite:
            conn.execute(text("ALTER TABLE audit_checkpoint ENABLE TRIGGER USER"))


def test_the_days_first_saves_at_once_take_one_daily_checkpoint(
        url_db: tuple[str, Database]) -> None:
    _url, db = url_db
    _checkpoints_to_yesterday(db)
    today = dt.datetime.combine(dt.date.today(), dt.time())

    def daily() -> list[Any]:
        cp = AuditCheckpoint
        with db.read() as s:
            return list(s.execute(select(cp.id, cp.reason, cp.last_id, cp.head_hash)
                                  .where(cp.at >= today)))

    assert daily() == []
    n = 4 if db.is_sqlite else 8
    go = threading.Barrier(n)
    errors: list[BaseException] = []

    def save(i: int) -> None:
        try:
            desk = Desks(db)[USERS[i % len(USERS)]]
            go.wait()
            desk.intake.register(draft(random.Random(i)))
        except BaseException as err:  # noqa: BLE001 - reported below
            errors.append(err)

    threads = [threading.Thread(target=save, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, repr(errors[0])
    taken = daily()
    assert [cp.reason for cp in taken] == ["daily"]
    Desks(db)["zhuren"].intake.register(draft(random.Random(99)))  # later saves take none
    assert len(daily()) == 1
    entries = _entries(db)
    by_action: defaultdict[str, int] = defaultdict(int)
    for e in entries:
        by_action[e.action] += 1
    assert by_action["register"] >= n + 1
    with db.read() as s:
        report = verify_chain(s)
        assert report.ok, report.message
    # the checkpoint is chained right after the save that took it, and covers it
    at = next(i for i, e in enumerate(entries)
              if e.action == "checkpoint" and e.entity_id == taken[0].id)
    assert entries[at - 1].action == "register"
    assert (taken[0].last_id, taken[0].head_hash) == (entries[at - 1].id, entries[at - 1].hash)


def test_any_text_hashes_alike_on_both_backends(url_db: tuple[str, Database]) -> None:
    """PostgreSQL links the entries on the server (SHA-256 over the previous hash and what
    Python built); ``verify_chain`` recomputes every hash in Python."""
    _url, db = url_db
    actor = Desks(db).actor("zhuren")
    odd = ["", "\x1f分隔\x1f", "引号'\"\\反斜杠", "😀 表情 e\u0301", "\t换\n行\r", "长" * 400,
           "%(name)s :param ? $1"]
    entries = [dict(action="note", entity="case", entity_id=i or None, case_id=None, summary=s,
                    detail={"文本": s, "嵌套": [s, {"k": i}]}) for i, s in enumerate(odd)]
    with db.write() as s:
        append_entries(s, actor, entries)
    rows = _entries(db)[-len(odd):]
    assert [r.summary for r in rows] == [x[:400] for x in odd]
    with db.read() as s:
        report = verify_chain(s)
        assert report.ok, report.message
        full = s.scalars(select(AuditEntry).where(AuditEntry.id >= rows[0].id)
                         .order_by(AuditEntry.id)).all()
        for e in full:
            assert e.hash == entry_hash(e.prev_hash, e.at, e.user_id, e.username, e.action,
                                        e.entity, e.entity_id, e.case_id, e.summary, e.detail,
                                        e.state_digest)
