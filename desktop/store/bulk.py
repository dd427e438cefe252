"""The fastest way each backend takes many complete rows inside an open transaction.

PostgreSQL: ``COPY … FROM STDIN`` through psycopg 3's ``cursor.copy`` (no per-row statement,
no parameter binding); SQLite: one prepared INSERT run by ``executemany`` (Core, no ORM unit
of work). Used by the demo load and by restore (so ``migrate-data`` too).
"""

from __future__ import annotations

from typing import Any


def bulk_insert(conn: Any, table: Any, rows: list[dict[str, Any]]) -> None:
    """Rows with the same keys into ``table`` in the connection's transaction, by the fastest
    path of each backend: PostgreSQL ``COPY … FROM STDIN`` (psycopg 3 ``cursor.copy``), SQLite
    one prepared statement run by ``executemany`` (Core: no ORM unit of work)."""
    if not rows:
        return
    if conn.dialect.name != "postgresql":
        conn.execute(table.insert(), rows)
        return
    cols = list(rows[0])
    # COPY applies only server defaults: give it the Python-side ones Core would have added
    extra = {}
    for c in table.columns:
        d = c.default
        if c.name in rows[0] or d is None or not (d.is_scalar or d.is_callable):
            continue
        extra[c.name] = d.arg if d.is_scalar else d.arg(None)
    tail = list(extra.values())
    raw = conn.connection.driver_connection  # the psycopg connection of this transaction
    names = ", ".join(f'"{c}"' for c in [*cols, *extra])
    with raw.cursor() as cur, cur.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
        for r in rows:
            copy.write_row([*(r[c] for c in cols), *tail])
