"""Indexes for the monthly report (aggregate queries over a million cases).

Revision ID: 0004
Revises: 0003

The report's arms select cases by ``accepted_on`` (受理), by ``closed_on`` (调结, and 未结 at
the period end: ``closed_on`` empty or after it), and the follow-ups, confirmations and risk
flags by their dates. The two case indexes carry every column those arms read (the report's
dimensions, outcome, deadline, amount), so SQLite and PostgreSQL answer from the index alone
without visiting the table. The existing (committee_id, date) indexes serve one committee.
"""

from __future__ import annotations

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

DIMS = ["committee_id", "dispute_type", "source", "joint_mask", "mediator_id"]


def upgrade() -> None:
    op.create_index("ix_case_report_accepted", "mediation_case",
                    ["accepted_on", *DIMS])
    op.create_index("ix_case_report_closed", "mediation_case",
                    ["closed_on", "outcome", *DIMS, "deadline", "agreed_amount", "accepted_on"])
    op.create_index("ix_follow_up_visited", "follow_up", ["visited_on", "case_id", "performance"])
    op.create_index("ix_confirmation_filed", "judicial_confirmation", ["filed_on"])
    op.create_index("ix_confirmation_ruling", "judicial_confirmation", ["ruling_on"])
    op.create_index("ix_risk_flag_resolved", "risk_flag", ["resolved_on"])
    op.create_index("ix_sweep_found_on", "sweep_record", ["found_on"])


def downgrade() -> None:
    op.drop_index("ix_sweep_found_on", table_name="sweep_record")
    op.drop_index("ix_risk_flag_resolved", table_name="risk_flag")
    op.drop_index("ix_confirmation_ruling", table_name="judicial_confirmation")
    op.drop_index("ix_confirmation_filed", table_name="judicial_confirmation")
    op.drop_index("ix_follow_up_visited", table_name="follow_up")
    op.drop_index("ix_case_report_closed", table_name="mediation_case")
    op.drop_index("ix_case_report_accepted", table_name="mediation_case")
