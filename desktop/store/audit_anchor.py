"""Anchoring the audit chain: signed checkpoints and digests of audited rows.

The hash chain alone (``audit_chain``) shows accidental damage, but anyone who can write the
database file can edit an entry and recompute every hash after it. A *checkpoint* is a
statement "the chain had N entries, the last one id L with hash H, at time T", signed with a
committee's seal key (RSA, the PKCS#12 in ``committee_key``; the services open it with the
seal's password, ``services.anchor``). Without that password no one can produce a valid
signature, so re-hashing the chain or cutting its tail no longer matches a signed checkpoint.
Each checkpoint is also logged as an audit entry, so removing a checkpoint row breaks the
chain at the next signed checkpoint.

Checkpoints are taken at each day's first audited write, at each backup and with every
exported report. Where no seal key is usable the checkpoint is recorded unsigned and
``audit verify`` says plainly that the chain is not anchored.

``state_digest`` is a SHA-256 over the case row, its parties and its agreement as the
audited write left them; ``audit verify --deep`` recomputes it for the current rows.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from desktop.store.models import Agreement, AuditCheckpoint, AuditEntry, Case, Party

PAYLOAD_TAG = "MediationDesk audit checkpoint v1"
REASONS = {"daily": "每日首次写入", "backup": "备份", "report": "统计报表"}


@dataclass(frozen=True)
class SigningKey:
    """A committee's seal key, opened: what signs a checkpoint (found by the services,
    which know where the seal's password is kept)."""

    committee_id: int
    private_key: Any
    cert_pem: bytes


SigningKeyFinder = Callable[[Session, int | None], SigningKey | None]


def payload(cp: AuditCheckpoint) -> bytes:
    return "\n".join([PAYLOAD_TAG, str(cp.last_id), str(cp.entry_count), cp.head_hash,
                      cp.at.isoformat(timespec="seconds"), cp.reason,
                      str(cp.committee_id or "")]).encode("utf-8")


def sign(key: SigningKey, data: bytes) -> bytes:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding

    return bytes(key.private_key.sign(data, padding.PKCS1v15(), hashes.SHA256()))


def check_signature(cp: AuditCheckpoint, trusted_cas: list[bytes]) -> str:
    """"" when the checkpoint's signature is valid and its certificate was issued by one of
    ``trusted_cas``; otherwise a Chinese reason."""
    from cryptography import x509
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding, rsa

    if not cp.signature or not cp.cert_pem:
        return "未签名"
    try:
        cert = x509.load_pem_x509_certificate(cp.cert_pem)
        public = cert.public_key()
        if not isinstance(public, rsa.RSAPublicKey):  # seal keys are RSA (``sign``)
            raise TypeError("not an RSA key")
        public.verify(cp.signature, payload(cp), padding.PKCS1v15(), hashes.SHA256())
    except (InvalidSignature, ValueError, TypeError):
        return "签名与内容不符（检查点被改动或伪造）"
    for pem in trusted_cas:
        try:
            ca = x509.load_pem_x509_certificate(pem)
            if ca.fingerprint(hashes.SHA256()) == cert.fingerprint(hashes.SHA256()):
                return ""
            cert.verify_directly_issued_by(ca)
            return ""
        except (InvalidSignature, ValueError, TypeError):
            continue
    return "签名证书不是受信任的调委会根证书签发的"


def ca_fingerprint(pem: bytes) -> str:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes

    fp = x509.load_pem_x509_certificate(pem).fingerprint(hashes.SHA256()).hex().upper()
    return ":".join(fp[i:i + 2] for i in range(0, 16, 2)) + "…"


# -- taking a checkpoint -------------------------------------------------------------------
# Per database (engine), the last day a checkpoint was seen to exist. Checkpoints are never
# deleted (append-only, like the log), so once one of a day is seen no audited write of this
# process needs to look again that day; the ``at >= midnight`` query then runs once per
# process and day instead of in every save, under the chain's lock.
_SEEN: weakref.WeakKeyDictionary[Engine, dt.date] = weakref.WeakKeyDictionary()
_MADE = "audit_checkpoints_made"  # session.info: ids of checkpoints this transaction took


def _engine(session: Session) -> Engine:
    bind = session.get_bind()
    return bind if isinstance(bind, Engine) else bind.engine


def checkpoint_known(session: Session, day: dt.date) -> bool:
    """Whether a checkpoint of ``day`` exists, from this process's memory or the database
    (no lock needed: a False answer is asked again under the chain's lock)."""
    engine = _engine(session)
    if _SEEN.get(engine) == day:
        return True
    return not checkpoint_due_today(session, dt.datetime.combine(day, dt.time()))


def checkpoint_due_today(session: Session, now: dt.datetime) -> bool:
    start = dt.datetime.combine(now.date(), dt.time())
    found = session.scalar(select(AuditCheckpoint.id).where(AuditCheckpoint.at >= start)
                           .limit(1))
    if found is None:
        return True
    if found not in session.info.get(_MADE, ()):  # committed (ours could still roll back)
        _SEEN[_engine(session)] = now.date()
    return False


def make_checkpoint(session: Session, *, last_id: int, head_hash: str, reason: str,
                    at: dt.datetime, key: SigningKey | None) -> AuditCheckpoint:
    """Insert a checkpoint of the chain as it stands (the caller holds the audit_head lock),
    signed with ``key`` when there is one."""
    count = session.scalar(select(func.count()).select_from(AuditEntry)
                           .where(AuditEntry.id <= last_id)) or 0
    cp = AuditCheckpoint(at=at, reason=reason, last_id=last_id, entry_count=count,
                         head_hash=head_hash, committee_id=key.committee_id if key else None)
    if key is not None:
        cp.signature = sign(key, payload(cp))
        cp.cert_pem = key.cert_pem
    session.add(cp)
    session.flush()
    session.info.setdefault(_MADE, set()).add(cp.id)
    return cp


# -- digests of audited rows ---------------------------------------------------------------
def _canon(value: Any) -> Any:
    """Backend-neutral text for a column value (SQLite and PostgreSQL give the same)."""
    if value is None or type(value) is str or type(value) is int:  # most of them, as they are
        return value
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, float):
        return format(Decimal(repr(value)).normalize(), "f")
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value).hex()
    return str(value) if not isinstance(value, int) else value


@functools.cache
def _statements(lock: bool, one: bool = False) -> tuple[Any, Any, Any, int, int, int]:
    """The three selects (built once: a save runs them in its transaction), with the position
    of the id / case_id column in each row (columns in name order). ``lock``: the case select
    locks the cases (FOR NO KEY UPDATE on PostgreSQL, in id order; nothing on SQLite).
    ``one``: for a single case, ``= :ids`` instead of ``IN (:ids)`` (a save's usual case: an
    expanding IN is rendered anew at every execution, which cost more than the read)."""
    from sqlalchemy import BindParameter, Select, bindparam

    ids: BindParameter[Any] = bindparam("ids", expanding=not one)
    out: list[Select[Any]] = []
    keys: list[int] = []
    for table, key in ((Case.__table__, "id"), (Party.__table__, "case_id"),
                       (Agreement.__table__, "case_id")):
        cols = sorted(table.c, key=lambda c: c.name)
        match = table.c[key] == ids if one else table.c[key].in_(ids)
        out.append(select(*cols).where(match).order_by(table.c.id))
        keys.append([c.name for c in cols].index(key))
    if lock:
        out[0] = out[0].with_for_update(key_share=True)
    return out[0], out[1], out[2], keys[0], keys[1], keys[2]


def _rows(session: Session, stmt: Any, ids: list[int] | int) -> list[list[Any]]:
    return [[_canon(v) for v in row] for row in session.execute(stmt, {"ids": ids})]


def case_digests(session: Session, case_ids: list[int], *, lock: bool = False
                 ) -> dict[int, str]:
    """SHA-256 of each case row with its parties and agreement ("" for a missing case).

    ``lock``: the case rows are read FOR NO KEY UPDATE, so no other transaction can change
    them until this one ends (why an append needs that: ``audit_chain.prepare_entries``)."""
    out: dict[int, str] = {}
    if not case_ids:
        return out
    one = len(case_ids) == 1
    case_stmt, party_stmt, agreement_stmt, c_id, p_case, a_case = _statements(lock, one)
    for chunk in (case_ids[i:i + 500] for i in range(0, len(case_ids), 500)):
        param: list[int] | int = chunk[0] if one else chunk
        cases = {r[c_id]: r for r in _rows(session, case_stmt, param)}
        parties: dict[int, list[Any]] = {}
        for r in _rows(session, party_stmt, param):
            parties.setdefault(r[p_case], []).append(r)
        agreements: dict[int, list[Any]] = {}
        for r in _rows(session, agreement_stmt, param):
            agreements.setdefault(r[a_case], []).append(r)
        for cid in chunk:
            if cid not in cases:
                out[cid] = ""
                continue
            text = json.dumps([cases[cid], parties.get(cid, []), agreements.get(cid, [])],
                              ensure_ascii=False, separators=(",", ":"))
            out[cid] = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return out
