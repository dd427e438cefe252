"""audit log append-only on PostgreSQL

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 23:59:00

On PostgreSQL a trigger refuses UPDATE, DELETE and TRUNCATE of ``audit_log`` for every role,
the table owner included (only a superuser who disables the trigger on purpose can tamper,
and the hash chain still shows it). The application role additionally gets no UPDATE/DELETE
privilege on the table (``mediationdesk db init``). SQLite has no roles; there the hash chain
and ``mediationdesk audit verify`` are the protection.
"""

from __future__ import annotations

from alembic import op

revision = '0003'
down_revision = '0002'  # 0002 = party indexes (committed first by the foundation)
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("""
        CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'audit_log is append-only (% refused)', TG_OP
                USING ERRCODE = 'insufficient_privilege';
        END;
        $$
    """)
    op.execute("""
        CREATE TRIGGER audit_log_no_update_delete
        BEFORE UPDATE OR DELETE ON audit_log
        FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()
    """)
    op.execute("""
        CREATE TRIGGER audit_log_no_truncate
        BEFORE TRUNCATE ON audit_log
        FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()
    """)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log")
    op.execute("DROP TRIGGER IF EXISTS audit_log_no_update_delete ON audit_log")
    op.execute("DROP FUNCTION IF EXISTS audit_log_append_only()")
