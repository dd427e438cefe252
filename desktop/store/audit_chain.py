"""The audit log's hash chain: appending to it and verifying it.

Each entry stores the previous entry's hash and its own hash over its content, so editing,
deleting or reordering any entry breaks the chain at that point (``verify_chain``). Appending
locks the single ``audit_head`` row, which serialises writers on PostgreSQL (on SQLite the
write transaction already holds the database's write lock). That lock is held until COMMIT,
so an append is done in two steps: ``prepare_entries`` (digests, checks, the seal key)
before it, ``write_entries`` (one statement on PostgreSQL) as the last thing before COMMIT.

Checkpoints and the digests of audited rows are ``audit_anchor``; the services append through
``services.anchor.append_entries``, which passes the committee's seal key for checkpoints.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
from dataclasses import dataclass
from typing import Any, Protocol, cast

from sqlalchemy import (
    DateTime,
    Integer,
    String,
    Table,
    bindparam,
    func,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.orm import Session

from desktop.store import audit_anchor as anchor
from desktop.store.audit_anchor import SigningKey, SigningKeyFinder
from desktop.store.models import AuditCheckpoint, AuditEntry, AuditHead, Case, CommitteeKey

GENESIS = "0" * 64


class Author(Protocol):
    """Who writes the entries (the services' ``Actor``)."""

    @property
    def user_id(self) -> int: ...
    @property
    def username(self) -> str: ...
    @property
    def committee_id(self) -> int | None: ...


def _json(detail: dict[str, Any]) -> str:
    return json.dumps(detail, ensure_ascii=False, sort_keys=True, default=str)


def entry_hash(prev_hash: str, at: dt.datetime, user_id: int | None, username: str, action: str,
               entity: str, entity_id: int | None, case_id: int | None, summary: str,
               detail: str, state_digest: str = "") -> str:
    return _link(prev_hash, _tail(at, user_id, username, action, entity, entity_id, case_id,
                                  summary, detail, state_digest))


def _link(prev_hash: str, tail: str) -> str:
    """An entry's hash: SHA-256 over the previous entry's hash followed by its ``_tail``
    (what ``_APPEND`` computes on the server)."""
    return hashlib.sha256((prev_hash + tail).encode("utf-8")).hexdigest()


def _tail(at: dt.datetime, user_id: int | None, username: str, action: str, entity: str,
          entity_id: int | None, case_id: int | None, summary: str, detail: str,
          state_digest: str = "") -> str:
    """What an entry's hash covers after the previous entry's hash (``_APPEND`` prepends
    that on the server)."""
    parts = [
        "", at.isoformat(timespec="seconds"), str(user_id or ""), username, action, entity,
        str(entity_id or ""), str(case_id or ""), summary, detail,
    ]
    if state_digest:  # entries written before migration 0009 hash as they always did
        parts.append(state_digest)
    return "\x1f".join(parts)


def append_entries(session: Session, actor: Author, entries: list[dict[str, Any]],
                   checkpoint: str | None = None, *,
                   signing_key: SigningKeyFinder | None = None) -> None:
    """Append ``entries`` to the chain; then take a checkpoint when one is asked for
    (``checkpoint`` = its reason) or when this is the day's first audited write, signed with
    ``signing_key(session, actor.committee_id)`` when that finds a key.

    ``prepare_entries`` followed by ``write_entries``: a caller with work to do between the
    two (``ServiceBase._write`` moves the report aggregates there) calls them itself."""
    pending = prepare_entries(session, actor, entries, checkpoint, signing_key=signing_key)
    if pending is not None:
        write_entries(session, pending)


@dataclass
class Pending:
    """Entries made ready for the chain, everything but their links (``prepare_entries``)."""

    actor: Author
    entries: list[dict[str, Any]]  # summary cut, detail as JSON, state_digest filled in
    checkpoint: str | None  # a checkpoint asked for, with this reason
    day: dt.date  # the day ``daily_known`` is about
    daily_known: bool  # a checkpoint of that day is known to exist (no daily one is due)
    signing_key: SigningKeyFinder | None
    key: SigningKey | None = None
    key_looked_up: bool = False


def prepare_entries(session: Session, actor: Author, entries: list[dict[str, Any]],
                    checkpoint: str | None = None, *,
                    signing_key: SigningKeyFinder | None = None) -> Pending | None:
    """Everything an append needs that can be done before the chain is locked.

    The chain's lock (the ``audit_head`` row) serialises every audited write of every desk
    until its COMMIT, so nothing is done under it that can be done before: the state digests
    of the entries' cases, the JSON of their details, whether today's checkpoint exists, and
    opening the seal key a checkpoint may need are all done here; ``write_entries`` then
    only links, inserts and moves the head.

    Why the digests may be read before the lock: the digest of case C must be C's state as
    of this entry's place in the chain, i.e. nobody may commit a change to C's rows (case,
    parties, agreement) between this read and this transaction's COMMIT, and every change
    this transaction makes to them must be in it. The second holds because the session is
    flushed first (a service's last change is always flushed before its audit is appended:
    ``ServiceBase._write`` flushes, and the report-aggregate hook that runs next writes only
    ``report_month``). The first holds because the read of the case rows locks them
    (``FOR NO KEY UPDATE``, in id order) until COMMIT, and every transaction that changes a
    case's rows appends an entry naming that case, so reaches this same lock before its
    COMMIT: a rival that changed C first has committed before our read returns (the lock
    waits for it, and the case row comes back as it left it; the party and agreement reads
    that follow are new statements that see its commit), and a rival that changes C after
    our read cannot commit before us, since its own append waits for our lock. Usually the
    lock is already held: every service change of a case takes it with ``_load_case(...,
    for_update=True)`` first, a new case is this transaction's own row, and
    ``aggregate.announce`` locks the cases an exchange import rewrites. For an entry on a case
    this transaction only read (查看完整个人信息, a document) the lock is taken here, briefly,
    before the report aggregates move and before the chain's lock: the order every path
    takes them in (cases, then report rows, then the chain). Cases named but not yet held
    are locked in id order; a wait here that could close a ring needs two transactions that
    each hold a case the other names without having locked it first, and no service does
    that (an exchange import locks the cases it rewrites through ``aggregate.announce``).
    On SQLite the whole transaction holds the database's write lock and nothing can change.
    """
    if not entries and not checkpoint:
        return None
    session.flush()
    digests = anchor.case_digests(session, sorted({int(e["case_id"]) for e in entries
                                                   if e.get("case_id")}), lock=True)
    ready = [dict(action=e["action"], entity=e["entity"], entity_id=e["entity_id"],
                  case_id=e.get("case_id"), summary=e["summary"][:400], detail=_json(e["detail"]),
                  state_digest=digests.get(e.get("case_id") or 0, ""))
             for e in entries]
    day = dt.date.today()
    pending = Pending(actor, ready, checkpoint, day, anchor.checkpoint_known(session, day),
                      signing_key)
    if checkpoint or not pending.daily_known:  # opening a PKCS#12 takes a while: not under the lock
        _look_up_key(session, pending)
    return pending


def write_entries(session: Session, pending: Pending) -> None:
    """Lock the chain, link the prepared entries to it and move the head; then take a
    checkpoint when one is due (once a day, and at backups and reports) under the same lock.

    On PostgreSQL the lock, the links and the head are one statement (``_APPEND``): the chain
    is held from that statement until the caller's COMMIT, one round trip later, and this
    desk runs no Python in between but reading the answer. The entries' time is therefore
    taken just before the lock, not after it: after a wait for the chain an entry can carry a
    time a little before the one linked ahead of it (desks' clocks differ more than that
    anyway; the chain's order is its ids)."""
    at = dt.datetime.now().replace(microsecond=0)
    if pending.entries:
        last_id, last_hash = _append(session, pending.actor, at, pending.entries)
    else:  # a checkpoint alone (AuditService.checkpoint)
        head = session.execute(select(AuditHead.last_id, AuditHead.last_hash)
                               .where(AuditHead.id == 1).with_for_update()).one()
        last_id, last_hash = head.last_id, head.last_hash
    reason = pending.checkpoint
    if reason is None and not (pending.daily_known and pending.day == at.date()):
        # not known before the lock: another desk may have taken it meanwhile
        reason = "daily" if anchor.checkpoint_due_today(session, at) else None
    if reason is not None:
        _look_up_key(session, pending)
        cp = anchor.make_checkpoint(session, last_id=last_id, head_hash=last_hash,
                                    reason=reason, at=at, key=pending.key)
        signed = "已签名" if cp.signature else "未签名（未配置可用的印章证书）"
        _append(session, pending.actor, at, [dict(
            action="checkpoint", entity="audit_checkpoint", entity_id=cp.id, case_id=None,
            summary=f"审计检查点（{anchor.REASONS.get(reason, reason)}，{signed}）：共 "
                    f"{cp.entry_count} 条，链头 {cp.head_hash[:12]}…",
            detail=_json({"head": cp.head_hash, "count": cp.entry_count, "last_id": cp.last_id,
                          "signature": hashlib.sha256(cp.signature or b"").hexdigest()}),
            state_digest="")])
    # a head this session loaded as an object before (audit verify, a test) is stale now
    stale = session.identity_map.get(session.identity_key(AuditHead, 1))
    if stale is not None:
        session.expire(stale)


def _look_up_key(session: Session, pending: Pending) -> None:
    if not pending.key_looked_up and pending.signing_key is not None:
        pending.key = pending.signing_key(session, pending.actor.committee_id)
    pending.key_looked_up = True


# PostgreSQL, up to IN_ONE_STATEMENT entries (every service call but an import): lock the
# head, link the entries after it, insert them and move the head to the last of them, in one
# statement (the recursive link walks the entries once per entry: 1,000 took 0.1 s). The hash of an entry is ``entry_hash``: SHA-256 over its
# previous entry's hash followed by ``_tail`` (everything else, built by Python before the
# statement is sent), so the server adds only the previous hash; ``verify_chain``
# recomputes every hash in Python. The head row is read FOR UPDATE in ``head``: a desk that
# has to wait there gets the head as the desk before it left it (READ COMMITTED re-reads a
# row it waited for), and the UPDATE below then moves that same, now locked, row. Entries
# are inserted in chain order (ORDER BY k), so the sequence gives them their ids in that
# order, the order ``verify_chain`` walks.
IN_ONE_STATEMENT = 50
_APPEND = text("""
WITH RECURSIVE head AS (
    SELECT last_hash FROM audit_head WHERE id = 1 FOR UPDATE
), e AS (
    SELECT * FROM unnest(CAST(:action AS text[]), CAST(:entity AS text[]),
                         CAST(:entity_id AS bigint[]), CAST(:case_id AS bigint[]),
                         CAST(:summary AS text[]), CAST(:detail AS text[]),
                         CAST(:state_digest AS text[]), CAST(:tail AS text[]))
        WITH ORDINALITY AS e(action, entity, entity_id, case_id, summary, detail, state_digest,
                             tail, k)
), link(k, prev_hash, hash) AS (
    SELECT e.k, CAST(head.last_hash AS text),
           encode(sha256(convert_to(head.last_hash || e.tail, 'UTF8')), 'hex')
    FROM head JOIN e ON e.k = 1
    UNION ALL
    SELECT e.k, link.hash, encode(sha256(convert_to(link.hash || e.tail, 'UTF8')), 'hex')
    FROM link JOIN e ON e.k = link.k + 1
), added AS (
    INSERT INTO audit_log (at, user_id, username, action, entity, entity_id, case_id, summary,
                           detail, prev_hash, hash, state_digest)
    SELECT :at, :user_id, :username, e.action, e.entity, e.entity_id, e.case_id, e.summary,
           e.detail, link.prev_hash, link.hash, e.state_digest
    FROM link JOIN e ON e.k = link.k
    ORDER BY e.k
    RETURNING id, hash
)
UPDATE audit_head SET (last_id, last_hash) = (SELECT id, hash FROM added ORDER BY id DESC LIMIT 1)
WHERE id = 1
RETURNING last_id, last_hash
""").bindparams(bindparam("at", type_=DateTime()), bindparam("user_id", type_=Integer()),
                bindparam("username", type_=String()))


def _append(session: Session, actor: Author, at: dt.datetime,
            entries: list[dict[str, Any]]) -> tuple[int, str]:
    """Link ``entries`` (at least one) after the chain's head, insert them and move the head
    to the last of them, holding the head's lock until COMMIT; the new head (id, hash)."""
    user_id = actor.user_id or None
    tails = [_tail(at, user_id, actor.username, e["action"], e["entity"], e["entity_id"],
                   e["case_id"], e["summary"], e["detail"], e["state_digest"])
             for e in entries]
    if session.get_bind().dialect.name == "postgresql" and len(entries) <= IN_ONE_STATEMENT:
        row = session.execute(_APPEND, {
            "at": at, "user_id": user_id, "username": actor.username, "tail": tails,
            **{k: [e[k] for e in entries] for k in (
                "action", "entity", "entity_id", "case_id", "summary", "detail",
                "state_digest")}}).one()
        return int(row.last_id), str(row.last_hash)
    # SQLite (the write transaction already holds the database), or many entries at once (an
    # exchange import): lock, link here, insert them in batches, move the head
    lock_head, insert_entries, last_entry, move_head = _statements()
    prev = session.execute(lock_head).scalar_one()
    rows = []
    for e, tail in zip(entries, tails, strict=True):
        h = _link(prev, tail)
        rows.append(dict(e, at=at, user_id=user_id, username=actor.username, prev_hash=prev,
                         hash=h))
        prev = h
    session.execute(insert_entries, rows)
    last_id = int(session.execute(last_entry).scalar_one())
    session.execute(move_head, {"new_id": last_id, "new_hash": prev})
    return last_id, prev


@functools.cache
def _statements() -> tuple[Any, Any, Any, Any]:
    """``_append``'s four statements off PostgreSQL's single one, built once (every save on
    SQLite runs them, and building a statement cost about as much CPU as running it)."""
    log = cast(Table, AuditEntry.__table__)
    head = cast(Table, AuditHead.__table__)
    return (select(AuditHead.last_hash).where(AuditHead.id == 1).with_for_update(),
            insert(log),
            select(func.max(log.c.id)),
            update(head).where(head.c.id == 1).values(
                last_id=bindparam("new_id", type_=Integer),
                last_hash=bindparam("new_hash", type_=String())))


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    checked: int
    broken_at: int | None = None
    message: str = ""
    signed: int = 0  # valid signed checkpoints
    unsigned: int = 0
    anchored_to: int = 0  # entries covered by the last valid signed checkpoint
    notes: tuple[str, ...] = ()  # plain statements of what is and is not protected
    deep_checked: int = 0
    deep_uncovered: int = 0

    @property
    def text(self) -> str:
        return "\n".join([self.message, *self.notes])


def verify_chain(session: Session, batch: int = 5000, *, trusted_cas: list[bytes] | None = None,
                 deep: bool = False) -> ChainReport:
    """Walk the whole chain in id order; report the first entry whose link or hash is wrong,
    a checkpoint the chain no longer matches, a bad checkpoint signature and (``deep``) a
    case whose rows differ from the state its last audited write recorded.

    ``trusted_cas``: CA certificates (PEM) a checkpoint's signer must chain to. When None the
    committee CA certificates stored in the database are used, and the report says that this
    only holds against someone who cannot also replace those (pass the committee's own CA
    file, ``audit verify --ca``, for the strong check).
    """
    checkpoints = list(session.scalars(select(AuditCheckpoint).order_by(AuditCheckpoint.id)))
    by_last: dict[int, list[AuditCheckpoint]] = {}
    for cp in checkpoints:
        by_last.setdefault(cp.last_id, []).append(cp)
    cas = trusted_cas if trusted_cas is not None else [
        bytes(p) for p in session.scalars(select(CommitteeKey.ca_cert_pem))]
    prev = GENESIS
    checked = 0
    last_id = 0
    seen_cp: dict[int, str] = {}  # checkpoint id -> sha of its signature, from the chain
    latest_digest: dict[int, str] = {}
    while True:
        rows = session.scalars(
            select(AuditEntry).where(AuditEntry.id > last_id).order_by(AuditEntry.id).limit(batch)
        ).all()
        if not rows:
            break
        for r in rows:
            if r.prev_hash != prev:
                return ChainReport(False, checked, r.id,
                                   f"第 {r.id} 条审计记录与前一条不衔接（记录被删除、插入或调换了顺序）。")
            expect = entry_hash(r.prev_hash, r.at, r.user_id, r.username, r.action, r.entity,
                                r.entity_id, r.case_id, r.summary, r.detail, r.state_digest)
            if expect != r.hash:
                return ChainReport(False, checked, r.id, f"第 {r.id} 条审计记录的内容被改动过。")
            prev = r.hash
            checked += 1
            last_id = r.id
            for cp in by_last.get(r.id, []):
                if cp.entry_count != checked or cp.head_hash != r.hash:
                    return ChainReport(False, checked, r.id, (
                        f"审计记录与 {cp.at:%Y年%m月%d日 %H:%M} 的检查点不符：检查点记录到第 "
                        f"{cp.last_id} 条共 {cp.entry_count} 条，现在的链在此处是 {checked} 条、"
                        "哈希不同（此前的记录被改写后重新计算过哈希）。"))
            if r.action == "checkpoint" and r.entity_id is not None:
                seen_cp[int(r.entity_id)] = _detail(r.detail).get("signature", "")
            if r.state_digest and r.case_id:
                latest_digest[int(r.case_id)] = r.state_digest
    head = session.get(AuditHead, 1)
    if head is not None and head.last_hash != prev:
        return ChainReport(False, checked, None, "审计链末尾的记录被删除了（链头与最后一条记录不符）。")
    cp_ids = {cp.id for cp in checkpoints}
    for cp in checkpoints:
        if cp.last_id > last_id:
            return ChainReport(False, checked, None, (
                f"{cp.at:%Y年%m月%d日 %H:%M} 的检查点记录到第 {cp.last_id} 条，但现在的链只到第 "
                f"{last_id} 条：末尾的审计记录被删除了。"))
    for cid in seen_cp:
        if cid not in cp_ids:
            return ChainReport(False, checked, None,
                               f"审计记录中登记的第 {cid} 号检查点已不在数据库中（被删除了）。")
    for cp in checkpoints:
        if cp.id not in seen_cp:
            return ChainReport(False, checked, None, (
                f"{cp.at:%Y年%m月%d日 %H:%M} 的检查点在审计链中的登记记录不见了："
                "末尾的审计记录被删除了。"))
    signed = unsigned = 0
    anchored = 0
    anchor_cp: AuditCheckpoint | None = None
    for cp in checkpoints:
        if cp.id in seen_cp and seen_cp[cp.id] != hashlib.sha256(cp.signature or b"").hexdigest():
            return ChainReport(False, checked, None,
                               f"第 {cp.id} 号检查点的签名与审计记录中登记的不一致（被替换了）。")
        problem = anchor.check_signature(cp, cas)
        if problem == "未签名":
            unsigned += 1
            continue
        if problem:
            return ChainReport(False, checked, None,
                               f"{cp.at:%Y年%m月%d日 %H:%M} 的检查点{problem}。")
        signed += 1
        if cp.entry_count >= anchored:
            anchored, anchor_cp = cp.entry_count, cp
    notes: list[str] = []
    if anchor_cp is not None:
        fp = anchor.ca_fingerprint(cas[0]) if len(cas) == 1 else "、".join(
            anchor.ca_fingerprint(c) for c in cas)
        notes.append(f"已签名检查点 {signed} 个，最近一个在 {anchor_cp.at:%Y年%m月%d日 %H:%M}，"
                     f"覆盖前 {anchored} 条；其后 {checked - anchored} 条尚无签名检查点覆盖，"
                     "只受哈希链保护。")
        if trusted_cas is None:
            notes.append(f"签名按数据库中保存的调委会根证书核验（指纹 {fp}）；能同时替换证书的人"
                         "仍可伪造，请用 --ca 指定调委会保存的根证书文件做严格核验。")
        else:
            notes.append(f"签名已按指定的根证书核验（指纹 {fp}）。")
    else:
        notes.append("没有已签名的检查点（未配置电子印章证书或无法取得其密码）：审计链未被锚定，"
                     "能直接写数据库文件的人可以改写记录并重算哈希而不被发现。")
    if unsigned:
        notes.append(f"另有 {unsigned} 个检查点未签名，只作记录，不能防止改写。")
    deep_checked = uncovered = 0
    if deep:
        all_cases = list(session.scalars(select(Case.id).order_by(Case.id)))
        now = anchor.case_digests(session, sorted(set(all_cases) | set(latest_digest)))
        for cid in sorted(now):
            want = latest_digest.get(cid)
            if want is None:
                uncovered += 1
                continue
            deep_checked += 1
            if now[cid] != want:
                what = "已被删除" if not now[cid] else "与最后一次有审计记录的保存不一致（被直接改动过）"
                return ChainReport(False, checked, None,
                                   f"案件 {cid} 的数据（案件、当事人或协议）{what}。",
                                   signed, unsigned, anchored, tuple(notes), deep_checked,
                                   uncovered)
        notes.append(f"逐案核对：{deep_checked} 件案件的当前数据与审计记录一致"
                     + (f"；{uncovered} 件没有状态摘要（本功能启用前的记录），未核对。"
                        if uncovered else "。"))
    return ChainReport(True, checked, None, f"审计链完整，共 {checked} 条记录。", signed,
                       unsigned, anchored, tuple(notes), deep_checked, uncovered)


def _detail(text: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}
