"""The audit chain: tampering (edit, delete, reorder, truncate the tail) is caught by
`mediationdesk audit verify` on both backends; on PostgreSQL the desks' role cannot UPDATE or
DELETE audit rows at all, and a trigger refuses it even to the table's owner."""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from desktop.cli import main as cli
from desktop.store.audit_chain import verify_chain
from desktop.store.db import Database
from desktop.store.opening import open_database
from tests.helpers.db import Desks
from tests.lan.desk import draft

COLS = "at, user_id, username, action, entity, entity_id, case_id, summary, detail, prev_hash, hash"


def _work(db: Database, n: int = 4) -> list[int]:
    desk = Desks(db)["zhuren"]
    for i in range(n):
        ref = desk.intake.register(draft(random.Random(i)))
        desk.intake.accept(ref.id, ref.version)
    with db.engine.connect() as conn:
        return list(conn.execute(text("SELECT id FROM audit_log ORDER BY id")).scalars())


def _edit(conn, ids: list[int]) -> int:  # type: ignore[no-untyped-def]
    k = ids[len(ids) // 2]
    conn.execute(text("UPDATE audit_log SET summary = summary || '（改）' WHERE id = :k"), {"k": k})
    return k


def _edit_and_rehash(conn, ids: list[int]) -> int:  # type: ignore[no-untyped-def]
    """A cleverer forger recomputes the edited row's own hash: the next link breaks."""
    import datetime as dt

    from desktop.store.audit_chain import entry_hash

    k = ids[len(ids) // 2]
    row = conn.execute(text(f"SELECT {COLS} FROM audit_log WHERE id = :k"), {"k": k}).one()
    when = row.at if isinstance(row.at, dt.datetime) else dt.datetime.fromisoformat(row.at)
    h = entry_hash(row.prev_hash, when, row.user_id, row.username, row.action, row.entity,
                   row.entity_id, row.case_id, "无事发生", row.detail)
    conn.execute(text("UPDATE audit_log SET summary = '无事发生', hash = :h WHERE id = :k"),
                 {"h": h, "k": k})
    return ids[ids.index(k) + 1]


def _delete(conn, ids: list[int]) -> int:  # type: ignore[no-untyped-def]
    k = ids[len(ids) // 2]
    conn.execute(text("DELETE FROM audit_log WHERE id = :k"), {"k": k})
    return ids[ids.index(k) + 1]


def _reorder(conn, ids: list[int]) -> int:  # type: ignore[no-untyped-def]
    a, b = ids[len(ids) // 2], ids[len(ids) // 2 + 1]
    ra = conn.execute(text(f"SELECT {COLS} FROM audit_log WHERE id = :k"), {"k": a}).one()
    rb = conn.execute(text(f"SELECT {COLS} FROM audit_log WHERE id = :k"), {"k": b}).one()
    sets = ", ".join(f"{c.strip()} = :{c.strip()}" for c in COLS.split(","))
    conn.execute(text(f"UPDATE audit_log SET {sets} WHERE id = :id"), {**rb._mapping, "id": a})
    conn.execute(text(f"UPDATE audit_log SET {sets} WHERE id = :id"), {**ra._mapping, "id": b})
    return a


def _truncate_tail(conn, ids: list[int]) -> None:  # type: ignore[no-untyped-def]
    conn.execute(text("DELETE FROM audit_log WHERE id >= :k"), {"k": ids[-2]})


TAMPERS: dict[str, Callable] = {  # type: ignore[type-arg]
    "edit": _edit, "edit_and_rehash": _edit_and_rehash, "delete": _delete,
    "reorder": _reorder, "truncate_tail": _truncate_tail,
}


def _check(url: str, db: Database, tamper: str, capsys: pytest.CaptureFixture[str]) -> None:
    ids = _work(db)
    assert cli(["audit", "verify", "--db", url]) == 0
    assert "审计链完整" in capsys.readouterr().out
    with db.engine.begin() as conn:
        if not db.is_sqlite:  # the owner must switch the guard off on purpose first
            conn.execute(text("ALTER TABLE audit_log DISABLE TRIGGER USER"))
        broken = TAMPERS[tamper](conn, ids)
        if not db.is_sqlite:
            conn.execute(text("ALTER TABLE audit_log ENABLE TRIGGER USER"))
    with db.read() as s:
        report = verify_chain(s)
    assert not report.ok
    assert report.broken_at == broken, report.message
    assert cli(["audit", "verify", "--db", url]) == 3
    err = capsys.readouterr().err
    assert "审计链断裂" in err and (f"第 {broken} 条" in err if broken else "末尾" in err)


@pytest.mark.parametrize("tamper", sorted(TAMPERS))
def test_tampering_is_found_on_sqlite(tamper: str, db: Database, db_file,  # type: ignore[no-untyped-def]
                                      capsys: pytest.CaptureFixture[str]) -> None:
    _check(f"sqlite:///{db_file}", db, tamper, capsys)


@pytest.mark.postgres
@pytest.mark.parametrize("tamper", sorted(TAMPERS))
def test_tampering_is_found_on_postgresql(tamper: str, pg_url: str,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    db = Database.connect(pg_url)
    try:
        _check(pg_url, db, tamper, capsys)
    finally:
        db.close()


@pytest.mark.postgres
def test_db_init_gives_the_desks_a_role_that_cannot_rewrite_history(
        pg_server, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    name = f"init_{uuid.uuid4().hex[:8]}"
    app_user = f"desk_{uuid.uuid4().hex[:8]}"
    owner_url = pg_server.url(name)
    monkeypatch.setenv("MEDIATIONDESK_APP_PASSWORD", "Desk-pass-2026")
    monkeypatch.setenv("MEDIATIONDESK_PASSWORD", "Admin-pass-2026")
    assert cli(["db", "init", "--url", owner_url, "--app-user", app_user,
                "--committee", "青山街道人民调解委员会", "--short", "青"]) == 0
    out = capsys.readouterr().out
    assert "新建数据库" in out and "管理员 admin" in out
    # running it again is harmless (grants refreshed, no second administrator)
    assert cli(["db", "init", "--url", owner_url, "--app-user", app_user]) == 0
    assert "未再创建管理员" in capsys.readouterr().out

    u = make_url(owner_url)
    app_url = u.set(username=app_user, password="Desk-pass-2026").render_as_string(
        hide_password=False)
    db = open_database(app_url)  # the desk's everyday connection: current schema, no migration
    try:
        from desktop.services import Desk
        from desktop.services.auth import login

        desk = Desk(db, login(db, "admin", "Admin-pass-2026"))
        ref = desk.intake.register(draft(random.Random(3)))
        assert desk.intake.accept(ref.id, ref.version).number
        for sql in ("UPDATE audit_log SET summary = 'x'", "DELETE FROM audit_log",
                    "TRUNCATE audit_log", "INSERT INTO audit_head VALUES (2, 0, 'x')",
                    "DELETE FROM audit_head", "UPDATE alembic_version SET version_num = 'x'",
                    "UPDATE audit_checkpoint SET reason = 'x'", "DELETE FROM audit_checkpoint",
                    "CREATE TABLE sneaky (id int)"):
            with pytest.raises(DBAPIError, match="permission denied"), db.engine.begin() as c:
                c.execute(text(sql))
        with db.read() as s:
            assert verify_chain(s).ok
    finally:
        db.close()
    owner = Database.connect(owner_url)  # the superuser is stopped by the trigger
    try:
        for sql in ("UPDATE audit_log SET summary = 'x'", "DELETE FROM audit_log",
                    "UPDATE audit_checkpoint SET reason = 'x'", "DELETE FROM audit_checkpoint"):
            with pytest.raises(DBAPIError, match="append-only"), owner.engine.begin() as c:
                c.execute(text(sql))
    finally:
        owner.close()
    assert cli(["db", "status", "--db", app_url]) == 0
    assert "最新" in capsys.readouterr().out
