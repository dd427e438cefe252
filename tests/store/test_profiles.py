"""Connection profiles: ini without passwords, keyring only, and a Chinese sentence for every
way a LAN connection can fail (against the real throwaway server)."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import text
from sqlalchemy.engine import make_url

from desktop.store import migrate, opening, profiles
from desktop.store.db import Database
from desktop.store.opening import open_database, test_connection
from desktop.store.profiles import (
    NoKeyring,
    PasswordNeeded,
    Profile,
    SchemaNewer,
    SchemaOlder,
)
from tests.helpers.pg import PG_PASSWORD


def _profile(url: str, **over: object) -> Profile:
    u = make_url(url)
    p = Profile(mode="lan", host=u.host or "", port=u.port or 5432, name=u.database or "",
                user=u.username or "", sslmode="disable")
    for k, v in over.items():
        setattr(p, k, v)
    return p


def test_profile_round_trips_through_the_ini_and_keeps_other_settings(tmp_path: Path) -> None:
    ini = tmp_path / "mediationdesk.ini"
    ini.write_text("[ui]\nlast_page=dashboard\n[meta]\nversion=1\n", encoding="utf-8")
    p = Profile(mode="lan", host="192.168.1.10", port=5433, name="tiaojie", user="desk",
                sslmode="require")
    profiles.save_profile(p, ini)
    assert profiles.load_profile(ini) == p
    written = ini.read_text(encoding="utf-8")
    assert "last_page" in written and "192.168.1.10" in written
    assert "password" not in written.lower()
    assert profiles.load_profile(tmp_path / "missing.ini") == Profile()  # embedded by default


def test_password_lives_only_in_the_keyring(memory_keyring, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    p = Profile(mode="lan", host="server", user="desk", name="md")
    with pytest.raises(PasswordNeeded):
        profiles.resolve_password(p)
    profiles.set_password(p, "s3cret-pw")
    assert memory_keyring.store == {("MediationDesk", "desk@server:5432/md"): "s3cret-pw"}
    assert profiles.resolve_password(p) == "s3cret-pw"
    ini = profiles.save_profile(p, tmp_path / "x.ini")
    assert "s3cret-pw" not in ini.read_text(encoding="utf-8")
    profiles.delete_password(p)
    assert profiles.get_password(p) is None


@pytest.mark.postgres
def test_no_keyring_says_so_and_asks_each_start(no_keyring, pg_url: str) -> None:  # type: ignore[no-untyped-def]
    p = _profile(pg_url)
    assert not profiles.keyring_available()
    with pytest.raises(NoKeyring) as err:
        profiles.set_password(p, "x")
    assert "密钥环" in err.value.message and "每次启动" in err.value.message
    with pytest.raises(PasswordNeeded):
        profiles.resolve_password(p)
    ok, msg = test_connection(p)
    assert not ok and "密钥环" in msg
    ok, msg = test_connection(p, PG_PASSWORD)  # typed at start instead
    assert ok, msg


@pytest.mark.postgres
def test_connection_messages_for_each_failure(pg_url: str, pg_empty_url: str) -> None:
    ok, msg = test_connection(_profile(pg_url), PG_PASSWORD)
    assert ok and "连接成功" in msg
    ok, msg = test_connection(_profile(pg_url), "wrong-password")
    assert not ok and "用户名或密码" in msg
    ok, msg = test_connection(_profile(pg_url, name="no_such_db"), PG_PASSWORD)
    assert not ok and "没有数据库" in msg and "db init" in msg
    ok, msg = test_connection(_profile(pg_url, port=1), PG_PASSWORD)
    assert not ok and "无法连接" in msg
    ok, msg = test_connection(_profile(pg_url, host="no-such-host.invalid"), PG_PASSWORD)
    assert not ok and ("找不到服务器" in msg or "无法连接" in msg)
    ok, msg = test_connection(_profile(pg_empty_url), PG_PASSWORD)
    assert not ok and "尚未初始化" in msg


@pytest.mark.postgres
def test_older_schema_is_migrated_only_when_asked_after_a_backup(pg_empty_url: str,
                                                                 tmp_path: Path) -> None:
    db = Database.connect(pg_empty_url)
    cfg = migrate.alembic_config(db)
    with db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0001")
    db.close()
    p = _profile(pg_empty_url)
    ok, msg = test_connection(p, PG_PASSWORD)
    assert not ok and "较旧" in msg and "管理员" in msg
    with pytest.raises(SchemaOlder):
        opening.open_profile(p, PG_PASSWORD)
    db = opening.open_profile(p, PG_PASSWORD, migrate_if_older=True, backup_dir=tmp_path)
    try:
        assert migrate.schema_state(db) == "current"
    finally:
        db.close()
    assert list(tmp_path.glob("before-migrate-*.mdbackup"))


@pytest.mark.postgres
def test_newer_schema_is_refused_untouched(pg_url: str) -> None:
    db = Database.connect(pg_url)
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999_future'"))
    p = _profile(pg_url)
    ok, msg = test_connection(p, PG_PASSWORD)
    assert not ok and "更新版本" in msg and "未做任何改动" in msg
    with pytest.raises(SchemaNewer):
        opening.open_profile(p, PG_PASSWORD, migrate_if_older=True)
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "9999_future"
    db.close()


def test_embedded_profile_creates_its_file(tmp_path: Path) -> None:
    path = tmp_path / "desk" / "md.sqlite3"
    db = opening.open_profile(Profile(sqlite_path=str(path)))
    try:
        assert path.exists() and migrate.schema_state(db) == "current"
        assert list((path.parent / "backups").glob("daily-*.sqlite3"))
    finally:
        db.close()


@pytest.mark.postgres
def test_administrator_migrates_an_older_server_with_the_owners_credentials(
        pg_server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    """The desks' role cannot change the schema; with the owner's password the upgrade runs,
    after a backup, and the desks' grants are refreshed."""
    import uuid

    from desktop.cli import main as cli

    name, app_user = f"old_{uuid.uuid4().hex[:8]}", f"desk_{uuid.uuid4().hex[:8]}"
    owner_url = pg_server.url(name)
    monkeypatch.setenv("MEDIATIONDESK_APP_PASSWORD", "Desk-pass-2026")
    monkeypatch.setenv("MEDIATIONDESK_PASSWORD", "Admin-pass-2026")
    assert cli(["db", "init", "--url", owner_url, "--app-user", app_user,
                "--committee", "青山街道人民调解委员会", "--short", "青"]) == 0
    old = Database.connect(owner_url)  # an older server: back to revision 0002
    cfg = migrate.alembic_config(old)
    with old.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0002")
    old.close()
    p = _profile(owner_url, user=app_user)
    ok, msg = test_connection(p, "Desk-pass-2026")
    assert not ok and "较旧" in msg
    from desktop.domain.errors import DatabaseError

    with pytest.raises(DatabaseError, match="db upgrade"):  # a desk opening it the plain way
        open_database(p.url("Desk-pass-2026"))
    with pytest.raises(Exception, match="权限|permission|授权"):  # the desks' role cannot
        opening.open_profile(p, "Desk-pass-2026", migrate_if_older=True, backup_dir=tmp_path)
    db = opening.open_profile(p, "Desk-pass-2026", migrate_if_older=True, backup_dir=tmp_path,
                               owner=("postgres", PG_PASSWORD))
    try:
        assert migrate.schema_state(db) == "current"
        import random

        from desktop.services import Desk
        from desktop.services.auth import login
        from tests.lan.desk import draft

        desk = Desk(db, login(db, "admin", "Admin-pass-2026"))
        ref = desk.intake.register(draft(random.Random(2)))
        assert desk.intake.accept(ref.id, ref.version).number
    finally:
        db.close()
    assert list(tmp_path.glob("before-migrate-*.mdbackup"))


@pytest.mark.postgres
def test_settings_screen_entry_point_takes_the_ini_dict(pg_url: str) -> None:
    from desktop.services.connection import test_connection as button

    u = make_url(pg_url)
    data = {"mode": "lan", "sqlite_path": "", "host": u.host, "port": u.port, "name": u.database,
            "user": u.username}
    assert button(data, PG_PASSWORD)[0]
    ok, msg = button({**data, "user": "nobody"}, "x")
    assert not ok and ("用户名" in msg or "数据库用户" in msg)
