"""The PostgreSQL server side of LAN mode: create the database, the desks' role and its grants.

The desks log in with a restricted application role, never as the database owner: full rights
on the case tables, but only SELECT/INSERT on ``audit_log`` (and migration 0003's trigger
refuses UPDATE/DELETE/TRUNCATE of it to every role), only SELECT/UPDATE on the single
``audit_head`` row, read-only ``alembic_version`` and no CREATE: a desk never migrates a
server; the owner does (``mediationdesk db upgrade`` or ``opening.open_profile`` with the
owner's credentials), and the grants are then refreshed.
"""

from __future__ import annotations

from desktop.domain.errors import DatabaseError, ValidationError
from desktop.store.db import Database

APP_TABLE_PRIVILEGES = "SELECT, INSERT, UPDATE, DELETE"
# table -> privileges the application role keeps on it (all others: APP_TABLE_PRIVILEGES)
RESTRICTED = {
    "audit_log": "SELECT, INSERT",
    "audit_head": "SELECT, UPDATE",
    "audit_checkpoint": "SELECT, INSERT",
    "alembic_version": "SELECT",
}


def ensure_database(url: str) -> bool:
    """Create the PostgreSQL database named in ``url`` if it does not exist. True if created."""
    import psycopg
    from psycopg import sql
    from sqlalchemy.engine import make_url

    u = make_url(url)
    try:
        with psycopg.connect(host=u.host, port=u.port or 5432, user=u.username,
                             password=u.password, dbname="postgres", connect_timeout=10,
                             autocommit=True) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                                  (u.database,)).fetchone()
            if exists:
                return False
            conn.execute(sql.SQL("CREATE DATABASE {} ENCODING 'UTF8' TEMPLATE template0").format(
                sql.Identifier(u.database or "mediationdesk")))
            return True
    except psycopg.Error as err:
        from desktop.store.profiles import explain

        raise DatabaseError(explain(err)) from err


def grant_app_role(db: Database, app_user: str, app_password: str | None) -> list[str]:
    """Create/refresh the application role and its grants (idempotent). Returns the SQL run."""
    from psycopg import sql
    from sqlalchemy import inspect

    owner = db.parsed_url.username
    if app_user == owner:
        raise ValidationError("应用账号不能与数据库所有者相同：各工作台应使用权限受限的账号。",
                              field="app_user")
    tables = inspect(db.engine).get_table_names()
    ran: list[str] = []
    with db.engine.begin() as conn:
        raw = conn.connection.driver_connection
        assert raw is not None
        role = sql.Identifier(app_user)

        def run(stmt: sql.Composable) -> None:
            text = stmt.as_string(raw)
            raw.execute(stmt)
            ran.append(text if "PASSWORD" not in text else text.split("PASSWORD")[0] + "PASSWORD ***")

        exists = raw.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (app_user,)).fetchone()
        if not exists:
            if not app_password:
                raise ValidationError("请为应用账号设置密码。", field="app_password")
            run(sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(role, sql.Literal(app_password)))
        elif app_password:
            run(sql.SQL("ALTER ROLE {} LOGIN PASSWORD {}").format(role, sql.Literal(app_password)))
        dbname = sql.Identifier(db.parsed_url.database or "")
        run(sql.SQL("GRANT CONNECT, TEMPORARY ON DATABASE {} TO {}").format(dbname, role))
        run(sql.SQL("GRANT USAGE ON SCHEMA public TO {}").format(role))
        run(sql.SQL("REVOKE CREATE ON SCHEMA public FROM {}").format(role))
        for table in tables:
            t = sql.Identifier(table)
            run(sql.SQL("REVOKE ALL ON TABLE {} FROM {}").format(t, role))
            privs = RESTRICTED.get(table, APP_TABLE_PRIVILEGES)
            run(sql.SQL("GRANT " + privs + " ON TABLE {} TO {}").format(t, role))
        run(sql.SQL("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {}").format(role))
        # tables added by later migrations (run by the owner) are usable by the desks at once;
        # `db upgrade` re-applies the restrictions above afterwards.
        run(sql.SQL("ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT " + APP_TABLE_PRIVILEGES
                    + " ON TABLES TO {}").format(role))
        run(sql.SQL("ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES "
                    "TO {}").format(role))
    return ran
