"""Restore is total or nothing: every kind of damaged archive is refused with a Chinese reason
before anything is written (a new target file is not even left behind), and an archive from
an older schema revision restores and is migrated."""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from alembic import command

from desktop.domain.errors import MediationError
from desktop.services.dto import CaseDraft, PartyInput
from desktop.store import backup, migrate
from desktop.store.db import Database
from tests.helpers.db import Desks


@pytest.fixture
def archive(db: Database, tmp_path: Path) -> Path:
    wang = Desks(db)["wang"]
    for i in range(3):
        ref = wang.intake.register(CaseDraft(
            [PartyInput("张三", side="applicant"), PartyInput("李四王五赵六"[i:i + 2], side="respondent")],
            "neighbor", "party_apply", facts=f"第 {i} 件"))
        wang.intake.accept(ref.id)
    out = tmp_path / "good.mdbackup"
    backup.backup_archive(db, out)
    return out


def rewrite(src: Path, dest: Path, change: Callable[[dict[str, bytes]], None]) -> Path:
    with zipfile.ZipFile(src) as zf:
        files = {n: zf.read(n) for n in zf.namelist()}
    change(files)
    with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return dest


def recompute(files: dict[str, bytes]) -> None:
    """Make the manifest agree with edited table files (a forger's archive)."""
    man = json.loads(files["manifest.json"])
    for name in man["tables"]:
        data = files.get(f"tables/{name}.jsonl", b"")
        man["tables"][name] = {"count": len(data.splitlines()),
                               "sha256": hashlib.sha256(data).hexdigest()}
    files["manifest.json"] = json.dumps(man).encode()


def edit_row(table: str, column: str, value: object) -> Callable[[dict[str, bytes]], None]:
    def change(files: dict[str, bytes]) -> None:
        key = f"tables/{table}.jsonl"
        lines = files[key].splitlines(keepends=True)
        row = json.loads(lines[0])
        row[column] = value
        lines[0] = (json.dumps(row, ensure_ascii=False) + "\n").encode()
        files[key] = b"".join(lines)
        recompute(files)
    return change


def flip(data: bytes, at: int) -> bytes:
    b = bytearray(data)
    b[at] ^= 0xFF
    return bytes(b)


DAMAGES: dict[str, Callable[[Path, Path], Path]] = {
    "bit flip in the middle": lambda a, d: (d.write_bytes(flip(a.read_bytes(), len(a.read_bytes()) // 2)), d)[1],
    "bit flip near the end": lambda a, d: (d.write_bytes(flip(a.read_bytes(), -30)), d)[1],
    "truncated": lambda a, d: (d.write_bytes(a.read_bytes()[: len(a.read_bytes()) * 2 // 3]), d)[1],
    "empty file": lambda a, d: (d.write_bytes(b""), d)[1],
    "not a zip": lambda a, d: (d.write_text("hello", "utf-8"), d)[1],
    "missing table file": lambda a, d: rewrite(a, d, lambda f: f.pop("tables/mediation_case.jsonl")),
    "missing manifest": lambda a, d: rewrite(a, d, lambda f: f.pop("manifest.json")),
    "extra file": lambda a, d: rewrite(a, d, lambda f: f.update({"tables/evil.jsonl": b"{}\n"})),
    "manifest not JSON": lambda a, d: rewrite(a, d, lambda f: f.update({"manifest.json": b"{nope"})),
    "manifest a list": lambda a, d: rewrite(a, d, lambda f: f.update({"manifest.json": b"[]"})),
    "manifest not UTF-8": lambda a, d: rewrite(a, d, lambda f: f.update({"manifest.json": b"\xff\xfe"})),
    "manifest without tables": lambda a, d: rewrite(a, d, lambda f: f.update({
        "manifest.json": json.dumps({"format": backup.FORMAT, "revision": "0008"}).encode()})),
    "row not JSON": lambda a, d: rewrite(a, d, lambda f: (f.update({
        "tables/mediation_case.jsonl": b"{broken\n" + f["tables/mediation_case.jsonl"]}), recompute(f))),
    "date 2026-02-30": lambda a, d: rewrite(a, d, edit_row("mediation_case", "accepted_on", "2026-02-30")),
    "date year 0001": lambda a, d: rewrite(a, d, edit_row("mediation_case", "accepted_on", "0001-01-01")),
    "amount NaN": lambda a, d: rewrite(a, d, edit_row("mediation_case", "amount_claimed", "NaN")),
    "amount negative": lambda a, d: rewrite(a, d, edit_row("mediation_case", "amount_claimed", "-5.00")),
    "text too long": lambda a, d: rewrite(a, d, edit_row("party", "name", "长" * 101)),
    "NUL in facts": lambda a, d: rewrite(a, d, edit_row("mediation_case", "facts", "a\u0000b")),
    "id as text": lambda a, d: rewrite(a, d, edit_row("mediation_case", "id", "1")),
    "unknown column": lambda a, d: rewrite(a, d, edit_row("mediation_case", "evil", 1)),
    "huge integer": lambda a, d: rewrite(a, d, edit_row("mediation_case", "people_involved", 2**80)),
    "bad base64": lambda a, d: rewrite(a, d, edit_row("committee", "seal_png", "***")),
}


@pytest.mark.parametrize("damage", list(DAMAGES))
def test_damaged_archive_writes_nothing(damage: str, archive: Path, tmp_path: Path) -> None:
    bad = DAMAGES[damage](archive, tmp_path / "bad.mdbackup")
    target = tmp_path / "restored.sqlite3"
    with pytest.raises(MediationError) as err:
        backup.restore_to(f"sqlite:///{target}", bad)
    assert any("\u4e00" <= c <= "\u9fff" for c in err.value.message)
    assert not target.exists(), "a refused restore left a database file behind"


def test_damaged_archive_leaves_an_empty_server_database_empty(archive: Path, tmp_path: Path,
                                                               ) -> None:
    """A target that existed (empty) before stays without tables."""
    from sqlalchemy import inspect

    target = tmp_path / "empty.sqlite3"
    Database.connect(f"sqlite:///{target}").close()
    bad = DAMAGES["date 2026-02-30"](archive, tmp_path / "bad.mdbackup")
    with pytest.raises(MediationError):
        backup.restore_to(f"sqlite:///{target}", bad)
    db = Database.connect(f"sqlite:///{target}")
    try:
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
    finally:
        db.close()


def test_archive_from_an_older_schema_restores(db: Database, archive: Path,
                                               tmp_path: Path) -> None:
    """Build the older database the honest way (alembic downgrade to 0007, the revision
    before this one), back it up with its revision marker, restore into the current app."""
    before = backup.checksums(db)
    cfg = migrate.alembic_config(db)
    with db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0007")
    assert migrate.current_revision(db) == "0007"
    old = tmp_path / "old.mdbackup"
    man = backup.backup_archive(db, old)
    assert man.revision == "0007"
    target = tmp_path / "restored.sqlite3"
    backup.restore_to(f"sqlite:///{target}", old)
    restored = Database.connect(f"sqlite:///{target}")
    try:
        assert migrate.schema_state(restored) == "current"
        after = backup.checksums(restored)
        # every table the old archive had comes back whole; tables later migrations add
        # (audit_checkpoint, external_ref, …) start empty, and the rows of tables that later
        # migrations gave a column (updated_by, state_digest, kind) differ only by it
        widened = {"mediation_case", "audit_log", "document", "audit_head"}
        assert set(man.tables) <= set(after.tables)
        for name in man.tables:
            assert after.tables[name].count == before.tables[name].count, name
            if name not in widened:
                assert after.tables[name].sha256 == before.tables[name].sha256, name
    finally:
        restored.close()
