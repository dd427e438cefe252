"""Case exchange: the referring system's number of an imported work order (``external_ref``,
unique per source) and the watermark of incremental exports per target (``export_mark``).

Revision ID: 0014
Revises: 0010
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0010"
branch_labels = None
depends_on = None

LIMITS = {"external_ref": {"source": 40, "ref": 100, "batch": 64},
          "export_mark": {"target": 80}}


def upgrade() -> None:
    op.create_table(
        "external_ref",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("source", sa.String(40), nullable=False),
        sa.Column("ref", sa.String(100), nullable=False),
        sa.Column("case_id", sa.Integer(),
                  sa.ForeignKey("mediation_case.id", ondelete="CASCADE"), nullable=False),
        sa.Column("batch", sa.String(64), nullable=False),
        sa.Column("imported_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("source", "ref", name="uq_external_ref"),
    )
    op.create_index("ix_external_ref_case_id", "external_ref", ["case_id"])
    op.create_table(
        "export_mark",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("target", sa.String(80), nullable=False, unique=True),
        sa.Column("exported_until", sa.DateTime(), nullable=False),
        sa.Column("last_audit_id", sa.BigInteger(), nullable=False),
        sa.Column("cases", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("app_user.id"), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
    )
    if op.get_bind().dialect.name == "sqlite":  # the lengths PostgreSQL enforces (as 0008)
        for table, columns in LIMITS.items():
            tests = " ".join(f"WHEN length(NEW.\"{c}\") > {n} THEN "
                             f"RAISE(ABORT, 'value too long: {table}.{c}')"
                             for c, n in columns.items())
            for event in ("INSERT", "UPDATE"):
                op.execute(f'CREATE TRIGGER "limits_{table}_{event.lower()}" BEFORE {event} '
                           f'ON "{table}" BEGIN SELECT CASE {tests} END; END')


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for table in LIMITS:
            for event in ("insert", "update"):
                op.execute(f'DROP TRIGGER IF EXISTS "limits_{table}_{event}"')
    op.drop_table("export_mark")
    op.drop_index("ix_external_ref_case_id", table_name="external_ref")
    op.drop_table("external_ref")
