"""Search terms of names with the rare characters of RARE_READINGS, recomputed

Revision ID: 0017
Revises: 0016

pypinyin has no reading for 𠮷 (nor 𡘙); until RARE_READINGS
(``desktop/domain/search.py``) gave them one, a name's pinyin keys skipped them: 王𠮷祥 was
saved as "wx" / "wangxiang", so "wjx" and "wangjixiang" did not find it. Cases saved before
that change keep those keys until they are next edited. This revision recomputes the terms of
exactly those cases, with the app's own term rules (``case_terms``, what every save calls;
no second copy of them here), and writes them with their case's committee, registration time,
status and mediator, as ``refresh_terms`` does since 0016.

Which cases: only the pinyin keys of party names change (a case number's, an ID number's,
a phone's or a credit code's terms hold no pinyin), so the cases with a party whose name
contains one of the characters. No index can find a character inside a name (the term index
holds a name and its given name, so a character in third place, as in 李小𡘙, starts no
term), so the names are read once, in SQL, from the smallest structure that holds them, the
name index: ``SELECT DISTINCT name FROM party WHERE name LIKE '%𠮷%' OR …`` is an index-only
scan of ``ix_party_name`` on PostgreSQL (parallel, no heap fetches once the table has been
vacuumed) and a covering-index scan on SQLite. Only the matching names come back to Python;
their cases are found through the same index (``name IN …``), and only those cases are read,
recomputed and rewritten, BATCH at a time (parties through ``ix_party_case_id``, old terms
deleted through ``ix_search_term_case_id``, new ones written by COPY on PostgreSQL).

Cost: one pass over the name index, which the server does without Python (LIKE on every
name: CPU-bound when cached), then a few milliseconds per affected case. Measured on
PostgreSQL 15 on the 2-core machine (with a load average of 5 to 13 from other jobs) with
2,500,000 parties (about 1,150,000 cases): the name scan 0.4–1.2 s, finding the cases
1.6–3.6 s in all, the rewrite 2.7–3.9 ms per affected case (Python's term rules about a
third of it). At 10,000,000 cases (about 21,000,000 parties) that is ten times the scan,
some 10–30 s, plus reading the name index from disk if it is not cached. Real registers
hold few such names, so the rewrite is seconds; the demo generator draws 𠮷 as one of its
58 given-name characters, so about 5% of a demo database's cases are rewritten (a 10M-case
demo: some 500,000 cases, about half an hour). See docs/scale.md, "Migration 0017".

Downgrade leaves the recomputed terms: they are what 0016's schema holds, and the older code
finds these names by them too (it searched the same table).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from typing import TypeVar

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

BATCH = 1000  # cases (or names) per statement

CASE = sa.table("mediation_case", sa.column("id"), sa.column("number"),
                sa.column("number_seq"), sa.column("number_year"), sa.column("committee_id"),
                sa.column("registered_at"), sa.column("status"), sa.column("mediator_id"))
PARTY = sa.table("party", sa.column("case_id"), sa.column("name"), sa.column("id_number"),
                 sa.column("phone"), sa.column("credit_code"))
TERM = sa.table("search_term", sa.column("case_id"), sa.column("term"),
                sa.column("committee_id"), sa.column("registered_at"), sa.column("status"),
                sa.column("mediator_id"))


T = TypeVar("T")


def _chunks(items: Sequence[T]) -> Iterator[list[T]]:
    for i in range(0, len(items), BATCH):
        yield list(items[i:i + BATCH])


def affected_case_ids(bind: sa.Connection, chars: Sequence[str]) -> list[int]:
    """The cases with a party whose name contains one of ``chars`` (see the docstring)."""
    if not chars:
        return []
    names_sql = sa.select(PARTY.c.name).distinct().where(
        sa.or_(*(PARTY.c.name.like(f"%{ch}%") for ch in chars)))
    names = sorted(bind.execute(names_sql).scalars())
    ids: set[int] = set()
    for chunk in _chunks(names):
        ids.update(bind.execute(sa.select(PARTY.c.case_id).where(PARTY.c.name.in_(chunk)))
                   .scalars())
    return sorted(ids)


def recompute_terms(bind: sa.Connection, case_ids: Sequence[int]) -> None:
    """Rewrite the search terms of ``case_ids`` as a save computes them."""
    from desktop.services.terms import case_terms

    for chunk in _chunks(case_ids):
        cases = bind.execute(sa.select(CASE).where(CASE.c.id.in_(chunk))).mappings().all()
        parties: dict[int, list[tuple[str, str, str, str]]] = defaultdict(list)
        for p in bind.execute(sa.select(PARTY).where(PARTY.c.case_id.in_(chunk))).mappings():
            parties[p["case_id"]].append((p["name"], p["id_number"], p["phone"],
                                          p["credit_code"]))
        rows = [{"case_id": c["id"], "term": term, "committee_id": c["committee_id"],
                 "registered_at": c["registered_at"], "status": c["status"],
                 "mediator_id": c["mediator_id"]}
                for c in cases
                for term in sorted(case_terms(c["number"], c["number_seq"], c["number_year"],
                                              parties[c["id"]]))]
        bind.execute(sa.delete(TERM).where(TERM.c.case_id.in_(chunk)))
        _insert(bind, rows)


def _insert(bind: sa.Connection, rows: list[dict[str, object]]) -> None:
    """As desktop/store/bulk.py does: COPY on PostgreSQL (psycopg's executemany sent one
    statement per row: 6 ms a case), one prepared INSERT on SQLite."""
    if not rows:
        return
    if bind.dialect.name != "postgresql":
        bind.execute(sa.insert(TERM), rows)
        return
    cols = [c.name for c in TERM.columns]
    raw = bind.connection.driver_connection  # the psycopg connection of this transaction
    assert raw is not None
    with raw.cursor() as cur, cur.copy(f"COPY search_term ({', '.join(cols)}) FROM STDIN") as copy:
        for r in rows:
            copy.write_row([r[c] for c in cols])


def upgrade() -> None:
    from desktop.domain.search import RARE_READINGS

    bind = op.get_bind()
    recompute_terms(bind, affected_case_ids(bind, sorted(RARE_READINGS)))


def downgrade() -> None:
    pass
