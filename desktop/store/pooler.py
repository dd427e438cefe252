"""Connections through PgBouncer in transaction mode (``[db] pgbouncer = yes``).

With 100 and more desks, each desk's SQLAlchemy pool keeps up to ten server connections, and
every PostgreSQL connection is a process of its own. PgBouncer in *transaction* mode lends a
small pool of server connections to whichever desk has a transaction open. The price: one
desk's consecutive transactions may run on different server connections, so nothing may
outlive a transaction. MediationDesk keeps no session state (its only ``SET`` is
``SET LOCAL``), except what psycopg does by itself: after ``prepare_threshold`` (5) runs of a
statement it PREPAREs it on the server connection it happens to hold; PgBouncer 1.18
(Debian 12) then fails with ``prepared statement "_pg3_0" already exists`` / ``does not
exist``. So with PgBouncer every connection gets ``prepare_threshold = None``.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, event

from desktop.store.db import Database


def no_server_prepare(engine: Engine) -> None:
    """Every new psycopg connection of ``engine`` never prepares statements server-side."""

    @event.listens_for(engine, "connect")
    def _no_prepare(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.prepare_threshold = None

    engine.dispose()  # connections made before now may already hold prepared statements


def through_pgbouncer(db: Database) -> None:
    if not db.is_sqlite:
        no_server_prepare(db.engine)


def wanted(value: Any) -> bool:
    """An ini or environment value meaning "yes"."""
    return str(value or "").strip().lower() in ("1", "yes", "true", "on", "是")


__all__ = ["no_server_prepare", "through_pgbouncer", "wanted"]
