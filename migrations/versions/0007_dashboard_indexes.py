"""Indexes the dashboard starts from: agreements by effective date (judicial-confirmation
window) and follow-ups by their planned next visit.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_agreement_effective_on", "agreement", ["effective_on"])
    op.create_index("ix_follow_up_next_due", "follow_up", ["next_due"])


def downgrade() -> None:
    op.drop_index("ix_follow_up_next_due", table_name="follow_up")
    op.drop_index("ix_agreement_effective_on", table_name="agreement")
