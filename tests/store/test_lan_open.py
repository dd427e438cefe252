"""A desk opening a LAN server never creates or migrates its schema; the user is told what
to do instead. "测试连接" says the same."""

from __future__ import annotations

import pytest
from alembic import command

from desktop.app import check_connection, open_database
from desktop.domain.errors import DatabaseError
from desktop.store import migrate
from desktop.store.db import Database


@pytest.mark.postgres
def test_empty_server_database_is_not_created_by_a_desk(pg_empty_url: str) -> None:
    with pytest.raises(DatabaseError) as err:
        open_database(pg_empty_url)
    assert "db init" in err.value.message
    with pytest.raises(DatabaseError):
        check_connection(pg_empty_url)
    db = Database.connect(pg_empty_url)
    assert migrate.schema_state(db) == "empty"  # untouched
    db.close()


@pytest.mark.postgres
def test_older_server_schema_is_refused_and_current_opens(pg_url: str) -> None:
    db = open_database(pg_url)
    assert not db.is_sqlite and "局域网服务器" in db.describe()
    assert "局域网服务器" in check_connection(pg_url)
    cfg = migrate.alembic_config(db)
    with db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0006")
    db.close()
    with pytest.raises(DatabaseError) as err:
        open_database(pg_url)
    assert "较旧" in err.value.message
    db = Database.connect(pg_url)
    assert migrate.current_revision(db) == "0006"  # not migrated by the desk
    db.close()


def test_sqlite_file_still_created_on_first_start(tmp_path) -> None:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'new.sqlite3'}"
    assert "首次打开" in check_connection(url)
    db = open_database(url)
    assert migrate.schema_state(db) == "current"
    db.close()
