"""Backups: the daily SQLite copy with retention, and the portable archive — backup → restore
gives identical counts and checksums, SQLite → PostgreSQL → SQLite round trip is identical."""

from __future__ import annotations

import datetime as dt
import random
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest

from desktop.cli import main as cli
from desktop.domain.errors import ValidationError
from desktop.services import Desk
from desktop.services.dto import CaseDraft, CaseUpdate, PartyInput
from desktop.store import backup
from desktop.store.audit_chain import verify_chain
from desktop.store.db import Database
from desktop.store.opening import open_database
from tests.helpers.db import Desks
from tests.lan.desk import draft

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8


def fill(db: Database) -> None:
    """Demo cases plus the awkward values: bytes, money, rare characters, NULLs, dates."""
    from desktop.services import demo

    demo.generate(db, 60, seed=5, months=6)
    desk: Desk = Desks(db)["zhuren"]
    ref = desk.intake.register(CaseDraft(
        [PartyInput("𠮷野家·阿依古丽", side="applicant", phone="13912345678",
                    address="青山街道幸福里3号"), PartyInput("王𬌗", side="respondent")],
        "neighbor", "party_apply", facts="噪音纠纷。\n第二行“引号”\t制表符", requests="赔偿",
        amount_claimed=Decimal("1234.50")))
    ref = desk.intake.accept(ref.id, ref.version)
    desk.intake.update_case(ref.id, ref.version, CaseUpdate(amount_claimed=Decimal("0.05")))
    desk.files.add_attachment(ref.id, "身份证.png", PNG, "identity")
    for i in range(3):
        desk.intake.register(draft(random.Random(i)))


def same(a: backup.Manifest, b: backup.Manifest) -> None:
    assert a.revision == b.revision
    for name, s in a.tables.items():
        assert (b.tables[name].count, b.tables[name].sha256) == (s.count, s.sha256), name


def test_backup_restore_gives_identical_tables(db: Database, tmp_path: Path) -> None:
    fill(db)
    before = backup.checksums(db)
    assert before.tables["mediation_case"].count >= 60 and before.tables["blob"].count >= 1
    archive = tmp_path / "desk.mdbackup"
    written = backup.backup_archive(db, archive)
    same(before, written)
    target = open_database(f"sqlite:///{tmp_path / 'restored.sqlite3'}", backup=False)
    try:
        backup.restore_archive(target, archive)
        same(before, backup.checksums(target))
        with target.read() as s:
            assert verify_chain(s).ok
        # and the restored desk works: new rows get fresh ids, the chain goes on
        desk = Desks(target)["zhuren"]
        ref = desk.intake.register(draft(random.Random(99)))
        desk.intake.accept(ref.id, ref.version)
        with target.read() as s:
            assert verify_chain(s).ok
    finally:
        target.close()


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgresql",
                                                               marks=pytest.mark.postgres)])
def test_a_big_restore_builds_indexes_and_references_once(
        db: Database, backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    """Past ``DEFER_ROWS`` (here: asked for) a restore drops the secondary indexes (and on
    PostgreSQL the foreign keys) and builds them at the end of its one transaction: the same
    rows, the same schema as a database the migrations built, nothing left behind."""
    from sqlalchemy import event, text

    def schema(d: Database) -> tuple[set[str], set[str]]:
        with d.engine.connect() as c:
            if d.is_sqlite:
                return (set(c.execute(text("SELECT sql FROM sqlite_master WHERE type = "
                                           "'index' AND sql IS NOT NULL")).scalars()), set())
            return (set(c.execute(text("SELECT indexdef FROM pg_indexes "
                                       "WHERE schemaname = 'public'")).scalars()),
                    set(c.execute(text("SELECT conname || pg_get_constraintdef(oid) "
                                       "FROM pg_constraint")).scalars()))

    fill(db)
    before = backup.checksums(db)
    archive = tmp_path / "desk.mdbackup"
    backup.backup_archive(db, archive)
    target = open_database(f"sqlite:///{tmp_path / 'restored.sqlite3'}" if backend == "sqlite"
                           else str(request.getfixturevalue("pg_empty_url")), backup=False)
    try:
        built = schema(target)
        ran: list[str] = []
        event.listen(target.engine, "before_cursor_execute",
                     lambda _c, _k, statement, *_r: ran.append(statement))
        calls: list[tuple[int, int]] = []
        backup.restore_archive(target, archive, defer=True,
                               progress=lambda i, n: calls.append((i, n)))
        # every table, then one more step for the indexes, then done
        steps = calls[-1][1]
        assert calls[-2:] == [(steps - 1, steps), (steps, steps)] and calls[0] == (0, steps)
        dropped = [q for q in ran if q.startswith("DROP INDEX") or " DROP CONSTRAINT " in q]
        made = [q for q in ran if q.startswith(("CREATE INDEX", "ALTER TABLE"))
                and " DROP " not in q]
        assert any("ix_search_term_list" in q for q in dropped)
        # each index (and foreign key), then again
        assert len(dropped) == len(made) > (20 if backend == "sqlite" else 40)
        same(before, backup.checksums(target))
        assert schema(target) == built
        with target.read() as s:
            assert verify_chain(s).ok
        desk = Desks(target)["zhuren"]
        ref = desk.intake.register(draft(random.Random(99)))
        desk.intake.accept(ref.id, ref.version)
    finally:
        target.close()


def test_restore_refuses_a_database_in_use_and_a_damaged_archive(db: Database,
                                                                  tmp_path: Path) -> None:
    archive = tmp_path / "a.mdbackup"
    backup.backup_archive(db, archive)
    with pytest.raises(ValidationError, match="已有数据"):
        backup.restore_archive(db, archive)
    damaged = tmp_path / "damaged.mdbackup"
    with zipfile.ZipFile(archive) as src, zipfile.ZipFile(damaged, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "tables/app_user.jsonl":
                data = data.replace(b"zhuren", b"zhurem")
            dst.writestr(item, data)
    with pytest.raises(ValidationError, match="已损坏"):
        backup.verify_archive(damaged)
    with pytest.raises(ValidationError, match="不是调解台"):
        backup.read_manifest(_not_an_archive(tmp_path))


def _not_an_archive(tmp_path: Path) -> Path:
    p = tmp_path / "x.mdbackup"
    p.write_bytes(b"not a zip")
    return p


@pytest.mark.slow
@pytest.mark.postgres
def test_sqlite_to_postgresql_to_sqlite_round_trip(db: Database, db_file: Path,
                                                   pg_empty_url: str, tmp_path: Path) -> None:
    fill(db)
    original = backup.checksums(db)
    db.close()
    back = tmp_path / "back.sqlite3"
    assert cli(["migrate-data", "--from", str(db_file), "--to", pg_empty_url]) == 0
    pg = Database.connect(pg_empty_url)
    try:
        same(original, backup.checksums(pg))
        assert cli(["migrate-data", "--from", pg_empty_url, "--to", str(back)]) == 0
        # the server carries on after the move: sequences were moved past the restored ids
        desk = Desks(pg)["wang"]
        ref = desk.intake.register(draft(random.Random(1)))
        desk.intake.accept(ref.id, ref.version)
        with pg.read() as s:
            assert verify_chain(s).ok
    finally:
        pg.close()
    round_trip = Database.connect(f"sqlite:///{back}")
    try:
        same(original, backup.checksums(round_trip))
    finally:
        round_trip.close()


@pytest.mark.postgres
def test_cli_backup_and_restore_on_postgresql(pg_url: str, pg_server, tmp_path: Path,  # type: ignore[no-untyped-def]
                                              capsys: pytest.CaptureFixture[str]) -> None:
    db = Database.connect(pg_url)
    desk = Desks(db)["zhuren"]
    for i in range(5):
        ref = desk.intake.register(draft(random.Random(i)))
        desk.intake.accept(ref.id, ref.version)
    out = tmp_path / "server.mdbackup"
    # the backup first records a signed audit checkpoint; the archive holds it
    assert cli(["backup", "--db", pg_url, "--out", str(out)]) == 0
    before = backup.checksums(db)
    db.close()
    target = pg_server.url(pg_server.create_database())
    assert cli(["restore", str(out), "--db", target]) == 0
    assert "核对一致" in capsys.readouterr().out
    restored = Database.connect(target)
    try:
        same(before, backup.checksums(restored))
    finally:
        restored.close()
    assert cli(["restore", str(out), "--db", target]) == 1  # not over existing data


def test_daily_backup_once_a_day_with_retention(db: Database, tmp_path: Path) -> None:
    folder = tmp_path / "daily"
    day = dt.date(2026, 11, 1)
    for i in range(6):
        made = backup.daily_backup(db, keep=3, today=day + dt.timedelta(days=i), folder=folder)
        assert made is not None and made.exists()
    assert backup.daily_backup(db, keep=3, today=day + dt.timedelta(days=5), folder=folder) is None
    names = sorted(p.name for p in folder.glob("daily-*.sqlite3"))
    assert names == ["daily-20261104.sqlite3", "daily-20261105.sqlite3", "daily-20261106.sqlite3"]
    copy = Database.connect(f"sqlite:///{folder / names[-1]}")
    try:
        same(backup.checksums(db), backup.checksums(copy))
    finally:
        copy.close()


def test_retention_is_configurable(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("MEDIATIONDESK_CONFIG_DIR", str(tmp_path))
    monkeypatch.delenv("MEDIATIONDESK_BACKUP_KEEP", raising=False)
    assert backup.retention() == backup.DEFAULT_KEEP
    (tmp_path / "mediationdesk.ini").write_text("[backup]\nkeep = 30\n", encoding="utf-8")
    assert backup.retention() == 30
    monkeypatch.setenv("MEDIATIONDESK_BACKUP_KEEP", "7")
    assert backup.retention() == 7


def test_archive_from_a_newer_app_is_refused(db: Database, tmp_path: Path) -> None:
    archive = tmp_path / "a.mdbackup"
    backup.backup_archive(db, archive)
    newer = tmp_path / "newer.mdbackup"
    with zipfile.ZipFile(archive) as src, zipfile.ZipFile(newer, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "manifest.json":
                data = data.replace(b'"revision": "', b'"revision": "9999_')
            dst.writestr(item, data)
    target = tmp_path / "t.sqlite3"
    with pytest.raises(ValidationError, match="更新版本"):
        backup.restore_to(f"sqlite:///{target}", newer)
    assert cli(["restore", str(archive), "--db", str(target)]) == 0  # into a brand-new file
    restored = Database.connect(f"sqlite:///{target}")
    try:
        same(backup.checksums(db), backup.checksums(restored))
    finally:
        restored.close()
