"""Search terms carry their case's committee, registration time, status, mediator (#17)

Revision ID: 0016
Revises: 0015

The case list shows one committee's cases (or all, for a deployment-wide role) newest first,
optionally one status tab or the user's own cases (我的). The term index (term, case_id) did not carry that scope nor that
order, so the first page of a search with thousands of matches read thousands of case rows one
by one to sort them. Now each term row carries ``committee_id``, ``registered_at``,
``status`` and ``mediator_id`` and the index is (committee_id, term, registered_at, case_id,
status, mediator_id): the first
page is read in list order from the index alone, and a desk reads only its own committee's
entries of a text, however many committees share the server (a deployment-wide role reads one
range per committee).

Kept in step by the database itself, whatever path writes:
- the app fills both columns when it writes terms (registration, party edits, acceptance,
  import, demo, referral import);
- a trigger copies a case's new committee / registration time / status / mediator to its
  terms when one changes (any UPDATE of mediation_case, ORM or not: about 20 term rows per change);
- a trigger fills a term row inserted without them (a path that forgets, an old copy; it
  keys on the committee, registration time and status, since a NULL mediator is an
  unassigned case).

Existing rows are filled here in batches of case ids (each an UPDATE … FROM over at most
BATCH cases and their terms, found through both tables' id indexes), after dropping the old
term index, so that the UPDATE does not maintain it; the new index is built once at the end.
The migration runs in the caller's transaction (as every revision here), so on PostgreSQL the
table holds a dead copy of every row until the next (auto)vacuum: a 10M-case database needs
about twice its term table's size free while it migrates.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

BATCH = 200_000  # cases per UPDATE (about 4,000,000 term rows)

PG_FUNCTIONS = """
CREATE OR REPLACE FUNCTION search_term_follow_case() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE search_term SET committee_id = NEW.committee_id, registered_at = NEW.registered_at,
        status = NEW.status, mediator_id = NEW.mediator_id
    WHERE case_id = NEW.id;
    RETURN NULL;
END $$;
CREATE OR REPLACE FUNCTION search_term_fill() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    SELECT committee_id, registered_at, status, mediator_id
    INTO NEW.committee_id, NEW.registered_at, NEW.status, NEW.mediator_id
    FROM mediation_case WHERE id = NEW.case_id;
    RETURN NEW;
END $$;
"""
PG_TRIGGERS = (
    ("CREATE TRIGGER search_term_follow_case AFTER UPDATE OF committee_id, registered_at, "
    "status, mediator_id ON mediation_case FOR EACH ROW "
    "WHEN (OLD.committee_id IS DISTINCT FROM NEW.committee_id "
    "OR OLD.registered_at IS DISTINCT FROM NEW.registered_at "
    "OR OLD.status IS DISTINCT FROM NEW.status "
    "OR OLD.mediator_id IS DISTINCT FROM NEW.mediator_id) "
    "EXECUTE FUNCTION search_term_follow_case()"),
    ("CREATE TRIGGER search_term_fill BEFORE INSERT ON search_term FOR EACH ROW "
    "WHEN (NEW.committee_id IS NULL OR NEW.registered_at IS NULL OR NEW.status IS NULL) "
    "EXECUTE FUNCTION search_term_fill()"),
)
SQLITE_TRIGGERS = (
    ("CREATE TRIGGER search_term_follow_case AFTER UPDATE OF committee_id, registered_at, "
    "status, mediator_id ON mediation_case WHEN OLD.committee_id IS NOT NEW.committee_id "
    "OR OLD.registered_at IS NOT NEW.registered_at OR OLD.status IS NOT NEW.status "
    "OR OLD.mediator_id IS NOT NEW.mediator_id BEGIN "
    "UPDATE search_term SET committee_id = NEW.committee_id, "
    "registered_at = NEW.registered_at, status = NEW.status, mediator_id = NEW.mediator_id "
    "WHERE case_id = NEW.id; END"),
    ("CREATE TRIGGER search_term_fill AFTER INSERT ON search_term "
    "WHEN NEW.committee_id IS NULL OR NEW.registered_at IS NULL OR NEW.status IS NULL BEGIN "
    "UPDATE search_term SET "
    "committee_id = (SELECT committee_id FROM mediation_case WHERE id = NEW.case_id), "
    "registered_at = (SELECT registered_at FROM mediation_case WHERE id = NEW.case_id), "
    "status = (SELECT status FROM mediation_case WHERE id = NEW.case_id), "
    "mediator_id = (SELECT mediator_id FROM mediation_case WHERE id = NEW.case_id) "
    "WHERE id = NEW.id; END"),
)


def upgrade() -> None:
    bind = op.get_bind()
    pg = bind.dialect.name == "postgresql"
    op.drop_index("ix_search_term", table_name="search_term")
    op.add_column("search_term", sa.Column("committee_id", sa.Integer(), nullable=True))
    op.add_column("search_term", sa.Column("registered_at", sa.DateTime(), nullable=True))
    op.add_column("search_term", sa.Column("status", sa.String(20), nullable=True))
    op.add_column("search_term", sa.Column("mediator_id", sa.Integer(), nullable=True))
    top = bind.execute(sa.text("SELECT max(id) FROM mediation_case")).scalar() or 0
    fill = sa.text(
        "UPDATE search_term SET committee_id = c.committee_id, registered_at = c.registered_at, "
        "status = c.status, mediator_id = c.mediator_id "
        "FROM mediation_case AS c WHERE c.id = search_term.case_id "
        "AND c.id > :lo AND c.id <= :hi AND search_term.case_id > :lo "
        "AND search_term.case_id <= :hi")
    for lo in range(0, top, BATCH):
        bind.execute(fill, {"lo": lo, "hi": lo + BATCH})
    if pg:
        op.execute(PG_FUNCTIONS)
        for sql in PG_TRIGGERS:
            op.execute(sql)
    else:
        for sql in SQLITE_TRIGGERS:
            op.execute(sql)
    op.create_index("ix_search_term_list", "search_term",
                    ["committee_id", "term", "registered_at", "case_id", "status",
                     "mediator_id"])


def downgrade() -> None:
    bind = op.get_bind()
    pg = bind.dialect.name == "postgresql"
    op.execute("DROP TRIGGER IF EXISTS search_term_fill" + (" ON search_term" if pg else ""))
    op.execute("DROP TRIGGER IF EXISTS search_term_follow_case"
               + (" ON mediation_case" if pg else ""))
    if pg:
        op.execute("DROP FUNCTION IF EXISTS search_term_fill()")
        op.execute("DROP FUNCTION IF EXISTS search_term_follow_case()")
    op.drop_index("ix_search_term_list", table_name="search_term")
    # a plain ALTER on both (SQLite ≥ 3.35): a batch rebuild would drop 0008's triggers
    op.execute("ALTER TABLE search_term DROP COLUMN mediator_id")
    op.execute("ALTER TABLE search_term DROP COLUMN status")
    op.execute("ALTER TABLE search_term DROP COLUMN registered_at")
    op.execute("ALTER TABLE search_term DROP COLUMN committee_id")
    op.create_index("ix_search_term", "search_term", ["term", "case_id"])
