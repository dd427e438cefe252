"""SQLite enforces the column lengths PostgreSQL enforces (and refuses NUL in texts)

Revision ID: 0008
Revises: 0007

PostgreSQL refuses a 41-character value in a VARCHAR(40); SQLite stored it, and moving such a
database to the LAN server (``migrate-data``) then failed. On SQLite each table gets a BEFORE
INSERT and a BEFORE UPDATE trigger that aborts with ``value too long: table.column`` (or
``control character in table.column`` for a NUL byte), which the app translates into Chinese.

Triggers rather than CHECK constraints: adding a CHECK on SQLite means rebuilding every table
(batch mode copies all rows — minutes on a large office database — and drops the tables'
other triggers); a trigger is added in milliseconds and checks every later write the same way.
The app's own guard (``desktop.store.guard``) refuses such values before they reach either
database; these triggers are the floor for anything that bypasses it. The lengths are frozen
here as they were at this revision (never import the models into a migration).
"""

from __future__ import annotations

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

LENGTHS: dict[str, dict[str, int]] = {
    "app_setting": {"key": 80},
    "audit_head": {"last_hash": 64},
    "audit_log": {"username": 40, "action": 40, "entity": 40, "summary": 400, "prev_hash": 64, "hash": 64},
    "blob": {"sha256": 64},
    "committee": {"name": 100, "short_name": 20, "number_pattern": 100, "region": 100, "address": 200, "phone": 40, "director_name": 40},
    "lookup": {"kind": 20, "code": 40, "name": 60, "grp": 20},
    "app_user": {"username": 40, "display_name": 40, "password_hash": 200, "role": 20, "phone": 40},
    "committee_key": {"subject": 200},
    "draft": {"key": 80, "title": 200},
    "mediation_case": {"status": 20, "number": 60, "title": 200, "dispute_type": 40, "source": 40, "referring_unit": 100, "referral_ref": 100, "outcome": 20, "co_mediator_ids": 200, "risk_level": 20, "party_names": 400},
    "agreement": {"status": 20},
    "attachment": {"category": 30, "filename": 200, "mime": 80, "sha256": 64, "note": 200},
    "document": {"form": 20, "sha256": 64, "blob_sha256": 64, "verification_code": 40},
    "follow_up": {"method": 20, "performance": 20, "satisfaction": 20, "visitor": 40},
    "judicial_confirmation": {"court": 100, "ruling": 20, "ruling_number": 100},
    "mediation_session": {"kind": 20, "place": 200, "interviewee": 100, "recorder": 40},
    "party": {"side": 20, "kind": 20, "name": 100, "sex": 10, "ethnicity": 20, "id_type": 20, "id_number": 40, "occupation": 60, "address": 200, "phone": 40, "credit_code": 18, "legal_rep": 40, "legal_rep_title": 40, "agent_name": 40, "agent_phone": 40, "agent_relation": 40},
    "referral": {"to_body": 100},
    "risk_flag": {"kind": 20, "level": 20},
    "search_term": {"term": 120},
    "sweep_record": {"fingerprint": 64, "parties": 200, "dispute_type": 40, "source": 60, "responsible": 40, "import_batch": 64},
    "obligation": {"manner": 200},
    "session_participant": {"kind": 20, "role": 20, "name": 100, "unit": 100, "title": 60, "number": 40},
    "signature": {"form": 20, "signer_kind": 20, "signer_name": 100, "png_sha256": 64},
}

TEXTS: dict[str, tuple[str, ...]] = {
    "app_setting": ("value",),
    "audit_log": ("detail",),
    "draft": ("payload",),
    "mediation_case": ("facts", "requests", "refuse_reason"),
    "agreement": ("facts", "disputed_matters", "responsibilities", "other_terms", "performance_manner"),
    "deadline_extension": ("reason",),
    "follow_up": ("findings", "action"),
    "judicial_confirmation": ("notes",),
    "mediation_session": ("content", "result"),
    "oral_agreement": ("facts", "content", "performance"),
    "referral": ("reason",),
    "risk_flag": ("description", "measures"),
    "sweep_record": ("summary", "resolution"),
    "termination": ("reason", "remedies"),
    "obligation": ("content",),
}


def _body(table: str) -> str:
    tests = [f"WHEN length(NEW.\"{c}\") > {n} THEN RAISE(ABORT, 'value too long: {table}.{c}')"
             for c, n in LENGTHS.get(table, {}).items()]
    tests += [f"WHEN instr(NEW.\"{c}\", char(0)) > 0 "
              f"THEN RAISE(ABORT, 'control character in {table}.{c}')"
              for c in TEXTS.get(table, ())]
    return "SELECT CASE " + " ".join(tests) + " END;"


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return  # PostgreSQL enforces VARCHAR(n) itself and refuses NUL in text
    for table in sorted(set(LENGTHS) | set(TEXTS)):
        for event in ("INSERT", "UPDATE"):
            op.execute(f'CREATE TRIGGER "limits_{table}_{event.lower()}" BEFORE {event} '
                       f'ON "{table}" BEGIN {_body(table)} END')


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for table in sorted(set(LENGTHS) | set(TEXTS)):
        for event in ("insert", "update"):
            op.execute(f'DROP TRIGGER IF EXISTS "limits_{table}_{event}"')
