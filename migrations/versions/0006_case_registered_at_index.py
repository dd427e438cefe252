"""Index on mediation_case.registered_at alone, for deployment-wide case lists (county
administrators, 督查) sorted by registration date across all committees.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_case_registered_at", "mediation_case", ["registered_at"])


def downgrade() -> None:
    op.drop_index("ix_case_registered_at", table_name="mediation_case")
