"""The fastest way each backend takes many complete rows inside an open transaction.

PostgreSQL: ``COPY … FROM STDIN`` through psycopg 3's ``cursor.copy`` (no per-row statement,
no parameter binding); SQLite: one prepared INSERT run by ``executemany`` (Core, no ORM unit
of work). Used by the demo load and by restore (so ``migrate-data`` too).
"""

from __future__ import annotations

from typing import Any


def _defaults(table: Any, keys: set[str]) -> dict[str, Any]:
    """The Python-side default of each column: for keys some rows lack (Core applies defaults
    only to keys absent from every row; COPY applies none but the server's)."""
    out: dict[str, Any] = {}
    for c in table.columns:
        d = c.default
        if d is not None and (d.is_scalar or d.is_callable):
            out[c.name] = d.arg if d.is_scalar else d.arg(None)
        elif c.name in keys:
            out[c.name] = None
    return out


def bulk_insert(conn: Any, table: Any, rows: list[dict[str, Any]]) -> None:
    """Rows into ``table`` in the connection's transaction, by the fastest path of each
    backend: PostgreSQL ``COPY … FROM STDIN`` (psycopg 3 ``cursor.copy``), SQLite one prepared
    statement run by ``executemany`` (Core: no ORM unit of work). Rows may have different keys:
    a key a row lacks takes the column's default."""
    if not rows:
        return
    keys: set[str] = set()
    for r in rows:
        keys.update(r)
    defaults = _defaults(table, keys)
    if conn.dialect.name != "postgresql":
        if any(len(r) != len(keys) for r in rows):
            fill = {k: defaults.get(k) for k in keys}
            rows = [{**fill, **r} for r in rows]
        conn.execute(table.insert(), rows)
        return
    cols = [c.name for c in table.columns if c.name in keys or c.name in defaults]
    raw = conn.connection.driver_connection  # the psycopg connection of this transaction
    names = ", ".join(f'"{c}"' for c in cols)
    with raw.cursor() as cur, cur.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
        pairs = [(c, defaults.get(c)) for c in cols]
        for r in rows:
            copy.write_row([r.get(c, d) for c, d in pairs])
