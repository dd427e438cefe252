"""What a recorded document is: a draft, a 待签署 (for signing) print, or a sealed final.

A 待签署 print is neither a draft (no watermark) nor a final (no seal): ``final`` alone could
not tell it from a draft.

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # ALTER TABLE ADD COLUMN, not a batch rebuild (a rebuild drops the table's limit triggers)
    op.add_column("document", sa.Column("kind", sa.String(length=20), nullable=False,
                                        server_default="draft"))
    op.execute("UPDATE document SET kind = 'final' WHERE final")


def downgrade() -> None:
    op.drop_column("document", "kind")
