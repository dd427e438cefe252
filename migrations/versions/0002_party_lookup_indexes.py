"""Indexes on party phone and name for the duplicate check at intake.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("party") as batch:
        batch.create_index("ix_party_phone", ["phone"])
        batch.create_index("ix_party_name", ["name"])


def downgrade() -> None:
    with op.batch_alter_table("party") as batch:
        batch.drop_index("ix_party_name")
        batch.drop_index("ix_party_phone")
