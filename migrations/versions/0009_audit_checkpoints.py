"""audit checkpoints signed with the committee's seal key; row-state digests; updated_by

Revision ID: 0009
Revises: 0008

``audit_checkpoint`` holds signed statements "the chain had N entries ending in hash H at time
T" (append-only on PostgreSQL, like ``audit_log``). ``audit_log.state_digest`` is a SHA-256 of
the case, its parties and its agreement as the audited write left them (``audit verify
--deep``). ``mediation_case.updated_by`` names who last wrote the case (conflict messages).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_checkpoint",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("reason", sa.String(20), nullable=False),
        sa.Column("last_id", sa.BigInteger(), nullable=False),
        sa.Column("entry_count", sa.BigInteger(), nullable=False),
        sa.Column("head_hash", sa.String(64), nullable=False),
        sa.Column("committee_id", sa.Integer(), nullable=True),
        sa.Column("signature", sa.LargeBinary(), nullable=True),
        sa.Column("cert_pem", sa.LargeBinary(), nullable=True),
    )
    op.create_index("ix_audit_checkpoint_at", "audit_checkpoint", ["at"])
    op.add_column("audit_log", sa.Column("state_digest", sa.String(64), nullable=False,
                                         server_default=""))
    # ALTER TABLE ADD COLUMN, never a batch rebuild: rebuilding mediation_case on SQLite drops
    # the old table, and with foreign keys on that cascades to every party, session and
    # agreement of every case (and the rebuild would drop the limit triggers of 0008)
    op.add_column("mediation_case", sa.Column("updated_by", sa.Integer(), nullable=True))
    if op.get_bind().dialect.name == "postgresql":
        # the function comes from migration 0003
        op.execute("""
            CREATE TRIGGER audit_checkpoint_no_update_delete
            BEFORE UPDATE OR DELETE ON audit_checkpoint
            FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()
        """)
        op.execute("""
            CREATE TRIGGER audit_checkpoint_no_truncate
            BEFORE TRUNCATE ON audit_checkpoint
            FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()
        """)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_checkpoint_no_truncate ON audit_checkpoint")
        op.execute("DROP TRIGGER IF EXISTS audit_checkpoint_no_update_delete ON audit_checkpoint")
    # ALTER TABLE DROP COLUMN (SQLite ≥ 3.35), for the same reason as in upgrade()
    op.drop_column("mediation_case", "updated_by")
    op.drop_column("audit_log", "state_digest")
    op.drop_index("ix_audit_checkpoint_at", table_name="audit_checkpoint")
    op.drop_table("audit_checkpoint")
