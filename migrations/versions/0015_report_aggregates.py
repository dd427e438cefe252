"""Report aggregates: counters per month × committee × one case dimension value (issue 17).

Filled here from the existing cases (as ``mediationdesk report rebuild`` does) and kept in
step by every service write (desktop/reports/aggregate.py). The column list is frozen here:
a later figure adds its columns in its own migration.

Revision ID: 0015
Revises: 0014
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

COLS = (
    "accepted", "people", "written", "oral", "terminated", "overdue_closed", "amount_cents",
    "open_delta", "overdue_open_delta", "conf_applied", "conf_confirmed", "followed_m",
    "followed_q", "followed_y", "performed_m", "performed_q", "performed_y", "criminal_cases_m",
    "criminal_cases_q", "criminal_cases_y", "criminal_people", "petition_cases_m",
    "petition_cases_q", "petition_cases_y", "petition_people", "suicide_cases_m",
    "suicide_cases_q", "suicide_cases_y", "suicide_people", "fight_cases_m", "fight_cases_q",
    "fight_cases_y", "fight_people")


def upgrade() -> None:
    op.create_table(
        "report_month",
        sa.Column("month", sa.Integer(), nullable=False),
        sa.Column("committee_id", sa.Integer(), nullable=False),
        sa.Column("dim", sa.String(20), nullable=False),
        sa.Column("value", sa.String(90), nullable=False),
        *[sa.Column(c, sa.BigInteger(), nullable=False) for c in COLS],
        # clustered by month on SQLite (no rowid): a month's rows are neighbours on disk
        sa.PrimaryKeyConstraint("month", "committee_id", "dim", "value",
                                name="pk_report_month"),
        sqlite_with_rowid=False,
    )
    # existing cases: fill the table in this migration's transaction. The rebuild writes the
    # app's current columns; once a later migration adds columns, that migration rebuilds
    # (this one then leaves the table empty rather than write columns not there yet).
    from desktop.reports.aggregate import rebuild_connection
    from desktop.store.models import REPORT_AGG_COLS

    if tuple(REPORT_AGG_COLS) == COLS:
        rebuild_connection(op.get_bind())


def downgrade() -> None:
    op.drop_table("report_month")
