"""Migrations: create from empty, downgrade back, refuse a newer schema, back up before an
upgrade — on SQLite and on the real PostgreSQL server."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import inspect, text

from desktop.domain.errors import DatabaseError
from desktop.store import migrate
from desktop.store.db import Database
from desktop.store.models import Base
from desktop.store.opening import open_database


def _roundtrip(url: str) -> None:
    db = open_database(url)
    assert migrate.schema_state(db) == "current"
    tables = set(inspect(db.engine).get_table_names())
    assert set(Base.metadata.tables) <= tables
    with db.read() as s:
        assert s.execute(text("select count(*) from lookup where kind='dispute_type'")).scalar() == 15
    cfg = migrate.alembic_config(db)
    with db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "base")
    left = set(inspect(db.engine).get_table_names()) - {"alembic_version"}
    assert left == set()
    with db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    assert migrate.schema_state(db) == "current"
    db.close()


def test_sqlite_upgrade_and_downgrade(tmp_path: Path) -> None:
    _roundtrip(f"sqlite:///{tmp_path / 'm.sqlite3'}")


@pytest.mark.postgres
def test_postgres_upgrade_and_downgrade(pg_empty_url: str) -> None:
    _roundtrip(pg_empty_url)


def test_first_start_creates_file_in_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MEDIATIONDESK_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("MEDIATIONDESK_DB", raising=False)
    db = open_database()
    assert db.sqlite_path == tmp_path / "data" / "mediationdesk.sqlite3"
    assert db.sqlite_path.exists()
    with db.read() as s:
        assert s.execute(text("pragma journal_mode")).scalar() == "wal"
        assert s.execute(text("pragma foreign_keys")).scalar() == 1
    db.close()


def _set_revision(db: Database, rev: str) -> None:
    with db.engine.begin() as conn:
        conn.execute(text("update alembic_version set version_num = :r"), {"r": rev})


def test_newer_schema_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite3"
    db = open_database(f"sqlite:///{path}")
    _set_revision(db, "9999_from_the_future")
    db.close()
    before = path.read_bytes()
    with pytest.raises(DatabaseError) as err:
        open_database(f"sqlite:///{path}")
    assert "更新版本" in err.value.message and "未做任何改动" in err.value.message
    assert path.read_bytes() == before


def test_older_schema_is_backed_up_then_migrated(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    db = open_database(f"sqlite:///{path}")
    cfg = migrate.alembic_config(db)
    with db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0001")
    assert migrate.schema_state(db) == "older"
    db.close()
    db = open_database(f"sqlite:///{path}")
    assert migrate.schema_state(db) == "current"
    backups = list((tmp_path / "backups").glob("before-migrate-*.sqlite3"))
    assert len(backups) == 1
    old = Database.connect(f"sqlite:///{backups[0]}")
    assert migrate.current_revision(old) == "0001"
    old.close()
    db.close()


def test_upgrading_a_database_with_cases_keeps_every_row_and_trigger(tmp_path: Path) -> None:
    """From revision 0007 with cases, parties and sessions to head on SQLite: no row lost (a
    batch rebuild of mediation_case cascaded its deletion to every party) and the limit
    triggers of 0008 still stand on every table."""
    from desktop.services import Desk, auth
    from tests.helpers.cases import draft

    db = open_database(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    admin = auth.first_run(db, committee_name="青山街道人民调解委员会", short_name="青",
                           admin_username="admin", admin_password="Admin#2026")
    desk = Desk(db, admin)
    for _ in range(3):
        desk.intake.accept(desk.intake.register(draft()).id)
    cfg = migrate.alembic_config(db)
    with db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0007")

    def counts() -> dict[str, int]:
        with db.engine.connect() as conn:
            return {t: conn.execute(text(f"select count(*) from {t}")).scalar_one()
                    for t in ("mediation_case", "party", "search_term", "audit_log")}

    before = counts()
    assert before["party"] == 6
    with db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    assert counts() == before
    with db.engine.connect() as conn:
        triggers = {r[0] for r in conn.execute(text(
            "select name from sqlite_master where type = 'trigger'"))}
    assert {"limits_mediation_case_insert", "limits_party_insert",
            "limits_document_insert"} <= triggers
    # 0015 counted the existing cases in the report aggregates
    with db.engine.connect() as conn:
        accepted = conn.execute(text("select sum(accepted) from report_month "
                                     "where dim = 'dispute_type'")).scalar_one()
    assert accepted == 3
    from desktop.services.reports import ReportService

    assert ReportService(db, admin).verify_aggregates() == []
    db.close()
