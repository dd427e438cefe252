"""Append-only audit log with a hash chain.

Each entry stores the previous entry's hash and its own hash over its content, so editing,
deleting or reordering any entry breaks the chain at that point (``verify_chain``). Appending
locks the single ``audit_head`` row, which serialises writers on PostgreSQL (on SQLite the
write transaction already holds the database's write lock).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.store.models import AuditEntry, AuditHead

if TYPE_CHECKING:
    from desktop.services.base import Actor

GENESIS = "0" * 64


def _json(detail: dict[str, Any]) -> str:
    return json.dumps(detail, ensure_ascii=False, sort_keys=True, default=str)


def entry_hash(prev_hash: str, at: dt.datetime, user_id: int | None, username: str, action: str,
               entity: str, entity_id: int | None, case_id: int | None, summary: str,
               detail: str) -> str:
    payload = "\x1f".join([
        prev_hash, at.isoformat(timespec="seconds"), str(user_id or ""), username, action, entity,
        str(entity_id or ""), str(case_id or ""), summary, detail,
    ])
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def append_entries(session: Session, actor: Actor, entries: list[dict[str, Any]]) -> None:
    if not entries:
        return
    head = session.scalars(select(AuditHead).where(AuditHead.id == 1).with_for_update()).one()
    prev = head.last_hash
    at = dt.datetime.now().replace(microsecond=0)
    for e in entries:
        detail = _json(e["detail"])
        h = entry_hash(prev, at, actor.user_id or None, actor.username, e["action"], e["entity"],
                       e["entity_id"], e["case_id"], e["summary"], detail)
        row = AuditEntry(at=at, user_id=actor.user_id or None, username=actor.username,
                         action=e["action"], entity=e["entity"], entity_id=e["entity_id"],
                         case_id=e["case_id"], summary=e["summary"][:400], detail=detail,
                         prev_hash=prev, hash=h)
        session.add(row)
        prev = h
    session.flush()
    head.last_hash = prev
    head.last_id = row.id


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    checked: int
    broken_at: int | None = None
    message: str = ""


def verify_chain(session: Session, batch: int = 5000) -> ChainReport:
    """Walk the whole chain in id order; report the first entry whose link or hash is wrong."""
    prev = GENESIS
    checked = 0
    last_id = 0
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
                                r.entity_id, r.case_id, r.summary, r.detail)
            if expect != r.hash:
                return ChainReport(False, checked, r.id, f"第 {r.id} 条审计记录的内容被改动过。")
            prev = r.hash
            checked += 1
            last_id = r.id
    head = session.get(AuditHead, 1)
    if head is not None and head.last_hash != prev:
        return ChainReport(False, checked, None, "审计链末尾的记录被删除了（链头与最后一条记录不符）。")
    return ChainReport(True, checked, None, f"审计链完整，共 {checked} 条记录。")
