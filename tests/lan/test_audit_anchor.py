"""Signed checkpoints anchor the audit chain; row digests catch direct edits of cases.

The attacker here can write the database (on PostgreSQL: the owner, who switches the
append-only triggers off on purpose) but has no seal-key password.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import pytest
from sqlalchemy import text

from desktop.cli import main as cli
from desktop.services import SYSTEM
from desktop.services.audit import AuditService
from desktop.store.audit_chain import entry_hash, verify_chain
from desktop.store.db import Database
from desktop.store.opening import open_database
from tests.helpers.db import Desks
from tests.lan.desk import draft

COLS = ("id, at, user_id, username, action, entity, entity_id, case_id, summary, detail, "
        "prev_hash, hash, state_digest")


@pytest.fixture
def any_db(url_db: tuple[str, Database], memory_keyring) -> tuple[str, Database]:  # type: ignore[no-untyped-def]
    """Both backends (tests/helpers/db.py), with the seal password in a memory keyring."""
    return url_db


def _work(db: Database, *, seal: bool = True) -> list[int]:
    desk = Desks(db)["zhuren"]
    if seal:
        desk.documents.create_seal_key()
    case_ids = []
    for i in range(4):
        ref = desk.intake.register(draft(random.Random(i)))
        desk.intake.accept(ref.id, ref.version)
        case_ids.append(ref.id)
    AuditService(db, SYSTEM).checkpoint("backup")
    desk.intake.register(draft(random.Random(9)))  # after the checkpoint: chain only
    return case_ids


def _tamper(db: Database, *sql: tuple[str, dict]) -> None:  # type: ignore[type-arg]
    with db.engine.begin() as conn:
        if not db.is_sqlite:
            conn.execute(text("ALTER TABLE audit_log DISABLE TRIGGER USER"))
            conn.execute(text("ALTER TABLE audit_checkpoint DISABLE TRIGGER USER"))
        for stmt, params in sql:
            conn.execute(text(stmt), params)
        if not db.is_sqlite:
            conn.execute(text("ALTER TABLE audit_log ENABLE TRIGGER USER"))
            conn.execute(text("ALTER TABLE audit_checkpoint ENABLE TRIGGER USER"))


def _rehash_from(db: Database, first_id: int, new_summary: str | None) -> None:
    """Edit entry ``first_id`` and recompute every hash after it, as a careful forger would."""
    with db.engine.connect() as conn:
        rows = conn.execute(text(f"SELECT {COLS} FROM audit_log WHERE id >= :k ORDER BY id"),
                            {"k": first_id}).all()
    prev = rows[0].prev_hash
    stmts = []
    for r in rows:
        when = r.at if isinstance(r.at, dt.datetime) else dt.datetime.fromisoformat(r.at)
        summary = new_summary if r.id == first_id and new_summary is not None else r.summary
        h = entry_hash(prev, when, r.user_id, r.username, r.action, r.entity, r.entity_id,
                       r.case_id, summary, r.detail, r.state_digest)
        stmts.append(("UPDATE audit_log SET summary = :s, prev_hash = :p, hash = :h WHERE id = :i",
                      {"s": summary, "p": prev, "h": h, "i": r.id}))
        prev = h
    stmts.append(("UPDATE audit_head SET last_hash = :h", {"h": prev}))
    _tamper(db, *stmts)


def _verify(db: Database, **kw):  # type: ignore[no-untyped-def]
    with db.read() as s:
        return verify_chain(s, **kw)


def test_signed_checkpoints_are_reported(any_db) -> None:  # type: ignore[no-untyped-def]
    _url, db = any_db
    _work(db)
    report = _verify(db, deep=True)
    assert report.ok, report.message
    assert report.signed >= 1 and report.anchored_to >= 8
    assert "已签名检查点" in report.text and "尚无签名检查点覆盖" in report.text
    assert report.deep_checked == 5 and "逐案核对" in report.text


def test_edit_and_rehash_is_found(any_db) -> None:  # type: ignore[no-untyped-def]
    _url, db = any_db
    _work(db)
    with db.engine.connect() as conn:
        target = conn.execute(text("SELECT min(id) FROM audit_log WHERE action = 'accept'")).scalar()
    _rehash_from(db, target, "无事发生")
    report = _verify(db)
    assert not report.ok and "检查点不符" in report.message, report.message


def test_deleting_the_tail_and_fixing_the_head_is_found(any_db) -> None:  # type: ignore[no-untyped-def]
    _url, db = any_db
    _work(db)
    with db.engine.connect() as conn:
        cp_entry = conn.execute(text(
            "SELECT max(id) FROM audit_log WHERE action = 'checkpoint'")).scalar()
        before = conn.execute(text("SELECT hash FROM audit_log WHERE id < :k ORDER BY id DESC"),
                              {"k": cp_entry - 1}).first()[0]
    # cut everything from the last covered entry on, and point the head at what remains
    _tamper(db, ("DELETE FROM audit_log WHERE id >= :k", {"k": cp_entry - 1}),
            ("UPDATE audit_head SET last_hash = :h, last_id = :i",
             {"h": before, "i": cp_entry - 2}))
    report = _verify(db)
    assert not report.ok and "被删除" in report.message, report.message


def test_deleting_the_checkpoint_row_too_is_found(any_db) -> None:  # type: ignore[no-untyped-def]
    """Removing a checkpoint row is found: its own entry is still in the chain."""
    _url, db = any_db
    _work(db)
    _tamper(db, ("DELETE FROM audit_checkpoint WHERE reason = 'backup'", {}))
    report = _verify(db)
    assert not report.ok and "检查点已不在数据库中" in report.message, report.message


def test_direct_update_of_a_case_row_is_found_by_deep(any_db) -> None:  # type: ignore[no-untyped-def]
    url, db = any_db
    case_ids = _work(db)
    _tamper(db, ("UPDATE mediation_case SET facts = 'x' WHERE id = :i", {"i": case_ids[1]}))
    assert _verify(db).ok  # the chain itself is untouched
    report = _verify(db, deep=True)
    assert not report.ok and f"案件 {case_ids[1]}" in report.message and "直接改动" in report.message
    assert cli(["audit", "verify", "--deep", "--db", url]) == 3


def test_direct_update_of_a_party_is_found_by_deep(any_db) -> None:  # type: ignore[no-untyped-def]
    _url, db = any_db
    case_ids = _work(db)
    _tamper(db, ("UPDATE party SET phone = '13000000000' WHERE case_id = :i", {"i": case_ids[0]}))
    report = _verify(db, deep=True)
    assert not report.ok and f"案件 {case_ids[0]}" in report.message


def _forge(db: Database, target: int, committee: int, keys) -> None:  # type: ignore[no-untyped-def]
    """Rewrite entry ``target``, then re-sign every checkpoint with the forger's own key and
    fix the signatures recorded in the chain, re-hashing as it goes: a complete forgery."""
    import hashlib
    import json

    from cryptography.hazmat.primitives.serialization import pkcs12

    from desktop.store import audit_anchor as anchor
    from desktop.store.models import AuditCheckpoint

    key, _cert, _ = pkcs12.load_key_and_certificates(keys.pkcs12, b"forger-pw")
    _rehash_from(db, target, "无事发生")
    with db.engine.connect() as conn:
        cps = conn.execute(text("SELECT id, at, reason, last_id, entry_count FROM "
                                "audit_checkpoint ORDER BY id")).all()
    for c in cps:
        with db.engine.connect() as conn:
            head = conn.execute(text("SELECT hash FROM audit_log WHERE id = :i"),
                                {"i": c.last_id}).scalar()
            entry = conn.execute(text("SELECT id, detail FROM audit_log WHERE "
                                      "action = 'checkpoint' AND entity_id = :i"), {"i": c.id}).one()
        at = c.at if isinstance(c.at, dt.datetime) else dt.datetime.fromisoformat(c.at)
        cp = AuditCheckpoint(at=at, reason=c.reason, last_id=c.last_id,
                             entry_count=c.entry_count, head_hash=head, committee_id=committee)
        sig = anchor.sign(anchor.SigningKey(committee, key, keys.cert_pem), anchor.payload(cp))
        detail = json.loads(entry.detail)
        detail.update(head=head, signature=hashlib.sha256(sig).hexdigest())
        _tamper(db, (("UPDATE audit_checkpoint SET head_hash = :h, signature = :s, "
                      "cert_pem = :c, committee_id = :k WHERE id = :i"),
                     {"h": head, "s": sig, "c": keys.cert_pem, "k": committee, "i": c.id}),
                ("UPDATE audit_log SET detail = :d WHERE id = :i",
                 {"d": json.dumps(detail, ensure_ascii=False, sort_keys=True), "i": entry.id}))
        target = min(target, entry.id)
        _rehash_from(db, target, None)


def test_a_forger_without_the_key_cannot_sign_a_checkpoint(any_db, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A complete forgery signed with a key of the forger's own is refused: its certificate
    is not from the committee's CA. Planting the forger's CA in ``committee_key`` as well
    still fails ``audit verify --ca`` with the committee's own CA file."""
    from desktop.documents.seal import generate_committee_keys

    url, db = any_db
    _work(db)
    with db.engine.connect() as conn:
        real_ca = bytes(conn.execute(text("SELECT ca_cert_pem FROM committee_key")).scalar())
        target = conn.execute(text("SELECT min(id) FROM audit_log WHERE action = 'accept'")).scalar()
        committee = conn.execute(text("SELECT committee_id FROM committee_key")).scalar()
    (tmp_path / "ca.pem").write_bytes(real_ca)
    fake = generate_committee_keys("伪造者", "forger-pw")
    _forge(db, target, committee, fake)
    report = _verify(db)
    assert not report.ok and "不是受信任的调委会根证书签发的" in report.message, report.message
    # the forger also replaces the CA certificate stored in the database
    _tamper(db, ("UPDATE committee_key SET ca_cert_pem = :c", {"c": fake.ca_cert_pem}))
    assert _verify(db).ok  # what the database alone can say: documented in docs/lan.md
    assert not _verify(db, trusted_cas=[real_ca]).ok
    assert cli(["audit", "verify", "--ca", str(tmp_path / "ca.pem"), "--db", url]) == 3


def test_without_a_seal_key_the_checkpoints_are_unsigned_and_verify_says_so(
        any_db, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    url, db = any_db
    _work(db, seal=False)
    report = _verify(db)
    assert report.ok and report.signed == 0 and report.unsigned >= 1
    assert cli(["audit", "verify", "--db", url]) == 0
    out = capsys.readouterr().out
    assert "审计链未被锚定" in out and "未签名" in out


def test_backup_takes_a_signed_checkpoint(any_db, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    url, db = any_db
    Desks(db)["zhuren"].documents.create_seal_key()
    assert cli(["backup", "--out", str(tmp_path / "b.mdbackup"), "--db", url]) == 0
    out = capsys.readouterr().out
    assert "审计检查点" in out and "已用印章证书签名" in out
    report = _verify(db)
    assert report.ok and report.signed == 1


def test_an_archive_from_before_the_checkpoints_restores_and_verifies(
        tmp_path: Path, memory_keyring) -> None:  # type: ignore[no-untyped-def]
    """A database of revision 0007 (no checkpoint table, entries without digests) is backed
    up, restored into a new file and upgraded: its chain still verifies, and new writes are
    anchored and digested."""
    from alembic import command

    from desktop.store import backup, migrate
    from desktop.store.audit_chain import GENESIS

    old = open_database(f"sqlite:///{tmp_path / 'old.sqlite3'}", backup=False)
    cfg = migrate.alembic_config(old)
    with old.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0007")
        prev, at = GENESIS, dt.datetime(2026, 3, 1, 9, 30)
        for i in range(1, 4):  # what the 0007 app wrote: hashes without a state digest
            h = entry_hash(prev, at, None, "system", "create", "lookup", i, None, f"旧记录{i}", "{}")
            conn.execute(text("INSERT INTO audit_log (id, at, user_id, username, action, entity, "
                              "entity_id, case_id, summary, detail, prev_hash, hash) VALUES "
                              "(:i, :at, NULL, 'system', 'create', 'lookup', :i, NULL, :s, '{}', "
                              ":p, :h)"), {"i": i, "at": at, "s": f"旧记录{i}", "p": prev, "h": h})
            prev = h
        conn.execute(text("UPDATE audit_head SET last_hash = :h, last_id = 3"), {"h": prev})
    archive = tmp_path / "old.mdbackup"
    man = backup.backup_archive(old, archive)
    old.close()
    assert man.revision == "0007" and "audit_checkpoint" not in man.tables
    target = f"sqlite:///{tmp_path / 'restored.sqlite3'}"
    backup.restore_to(target, archive)
    db = Database.connect(target)
    try:
        assert migrate.current_revision(db) == migrate.head_revision(db)
        report = _verify(db, deep=True)
        assert report.ok and report.checked == 3 and "未被锚定" in report.text, report.text
        from desktop.services import Desk, auth

        admin = Desk(db, auth.first_run(db, committee_name="青山街道人民调解委员会",
                                        short_name="青", admin_username="admin",
                                        admin_password="admin1234"))
        admin.documents.create_seal_key()
        admin.intake.register(draft(random.Random(1)))
        AuditService(db, SYSTEM).checkpoint("backup")
        report = _verify(db, deep=True)
        assert report.ok and report.signed == 1 and report.deep_checked == 1, report.text
    finally:
        db.close()
