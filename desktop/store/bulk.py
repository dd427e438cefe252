"""The fastest way each backend takes many complete rows inside an open transaction.

PostgreSQL: ``COPY … FROM STDIN`` through psycopg 3's ``cursor.copy`` (no per-row statement,
no parameter binding); SQLite: one prepared INSERT run by ``executemany`` (Core, no ORM unit
of work). Used by the demo load and by restore (so ``migrate-data`` too).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import re
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import text

from desktop.store import writelock


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
    keys, defaults, columns = _layout(table, rows)
    if conn.dialect.name != "postgresql":
        if any(len(r) != len(keys) for r in rows):
            fill = {k: defaults.get(k) for k in keys}
            rows = [{**fill, **r} for r in rows]
        conn.execute(table.insert(), rows)
        return
    raw = conn.connection.driver_connection  # the psycopg connection of this transaction
    names = ", ".join(f'"{c.name}"' for c in columns)
    with raw.cursor() as cur, cur.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
        pairs = [(c.name, defaults.get(c.name)) for c in columns]
        for r in rows:
            copy.write_row([r.get(c, d) for c, d in pairs])


def _layout(table: Any, rows: Sequence[dict[str, Any]]) -> tuple[set[str], dict[str, Any],
                                                                  list[Any]]:
    """The keys the rows hold, each column's default (``_defaults``), and the columns a load
    of them writes: those the rows name and those with a Python-side default."""
    keys: set[str] = set()
    for r in rows:
        keys.update(r)
    defaults = _defaults(table, keys)
    return keys, defaults, [c for c in table.columns if c.name in keys or c.name in defaults]


# -- rows encoded away from the connection ----------------------------------------------------
#
# Turning Python rows into what the database takes costs as much CPU as making them. A load
# that makes its rows in another process (the demo load) encodes them there too, so the
# process that holds the transaction only hands the result over.


@dataclass(frozen=True)
class Payload:
    """Rows of one table, encoded for one backend by ``encode_rows`` (in any process) and
    written by ``write_payload`` in the transaction. PostgreSQL: COPY's text format;
    SQLite: one positional INSERT and its parameter tuples."""

    table: str
    columns: tuple[str, ...]
    copy_text: bytes = b""
    params: tuple[tuple[Any, ...], ...] = ()
    rows: int = 0


def encode_rows(backend: str, table: Any, rows: Sequence[dict[str, Any]]) -> Payload:
    """``rows`` as ``bulk_insert`` would send them to ``backend`` ("postgresql" or "sqlite"),
    without a connection: the same columns (a key a row lacks takes the column's default) and
    the same values -- on PostgreSQL psycopg's own COPY text formatting, on SQLite
    SQLAlchemy's own conversion of each column's type (dates, times, decimals, booleans)."""
    _keys, defaults, columns = _layout(table, rows)
    names = tuple(c.name for c in columns)
    if backend == "postgresql":
        pairs = [(c, defaults.get(c)) for c in names]
        out = bytearray()
        fmt, tx = _copy_formatter()
        for r in rows:
            fmt([r.get(c, d) for c, d in pairs], tx, out)
        return Payload(table.name, names, copy_text=bytes(out), rows=len(rows))
    from sqlalchemy.dialects import sqlite

    dialect = sqlite.dialect()
    conv = [(c.name, defaults.get(c.name),
             _remembered(c, c.type.dialect_impl(dialect).bind_processor(dialect)))
            for c in columns]
    params = tuple(tuple(p(r.get(n, d)) if p else r.get(n, d) for n, d, p in conv)
                   for r in rows)
    return Payload(table.name, names, params=params, rows=len(rows))


def _remembered(column: Any, convert: Any) -> Any:
    """``convert`` (a column type's conversion to SQLite's text) run once per distinct value,
    for a date or time column: a case's registration time is on each of its twenty terms.
    Only there: equal values of other types can be written differently (Decimal 1 and 1.0)."""
    try:
        python_type = column.type.python_type
    except NotImplementedError:
        return convert
    if convert is None or python_type not in (dt.date, dt.datetime):
        return convert
    seen: dict[Any, Any] = {}

    def remembered(value: Any) -> Any:
        if getattr(value, "tzinfo", None) is not None:  # equal instants, different zones
            return convert(value)
        try:
            return seen[value]
        except KeyError:
            out = seen[value] = convert(value)
            return out

    return remembered


def write_payload(conn: Any, payload: Payload) -> None:
    """An encoded batch of rows into its table, in the connection's transaction."""
    if not payload.rows:
        return
    names = ", ".join(f'"{c}"' for c in payload.columns)
    if conn.dialect.name != "postgresql":
        marks = ", ".join("?" * len(payload.columns))
        conn.exec_driver_sql(f'INSERT INTO "{payload.table}" ({names}) VALUES ({marks})',
                             list(payload.params))
        return
    raw = conn.connection.driver_connection
    # the text is UTF-8 whatever the connection's client encoding
    sql = f'COPY "{payload.table}" ({names}) FROM STDIN WITH (ENCODING \'UTF8\')'
    with raw.cursor() as cur, cur.copy(sql) as copy:
        copy.write(payload.copy_text)


def _copy_formatter() -> tuple[Any, Any]:
    """psycopg's formatter of one row in COPY's text format (what ``copy.write_row`` runs: C
    in psycopg-binary; psycopg keeps it in a private module, hence this one place that reaches
    for it) and the adaptation context it takes, without a connection: the default dumpers,
    UTF-8 -- the database's encoding, which ``db init`` creates."""
    from psycopg.adapt import Transformer

    try:
        from psycopg._copy_base import format_row_text
    except ImportError:  # psycopg 3.1
        from psycopg.copy import format_row_text  # type: ignore[attr-defined,no-redef]
    return format_row_text, Transformer()


# -- building the indexes (and checking the references) once, after a big load ---------------
#
# A row COPYed into a table with its indexes goes into each of them at a random place, and a
# row with foreign keys is checked against its parent one by one. A big load into an empty
# database does far less work if it drops them first and builds them after: each index is then
# one sort, each reference one join (what pg_restore does). Unique indexes and primary keys
# stay: they are what keeps two rows from taking one identity during the load. SQLite cannot
# drop a foreign key; there only the indexes wait (its check of a reference is one primary-key
# lookup, and the indexes were what made its load slow).

DEFERRED_KEY = "bulk/deferred"  # app_setting: what a load dropped and has not yet rebuilt
LOADING_LOCK = 0x6D64_6C6F  # advisory lock a deferring load holds on a connection of its own


@dataclass(frozen=True)
class Deferred:
    table: str
    name: str
    kind: str  # "index" or "fk"
    create: str  # the SQL that makes it again, as the server printed it


def deferrable(conn: Any, fk_tables: Sequence[str],
               index_tables: Sequence[str]) -> list[Deferred]:
    """The foreign keys of ``fk_tables`` and the non-unique indexes that back no constraint on
    ``index_tables``, in the current schema (on SQLite: the indexes only)."""
    if conn.dialect.name == "sqlite":
        rows = conn.execute(text(
            "SELECT tbl_name, name, sql FROM sqlite_master WHERE type = 'index' "
            "AND sql IS NOT NULL ORDER BY tbl_name, name")).all()
        wanted = set(index_tables)
        return [Deferred(t, n, "index", c) for t, n, c in rows
                if t in wanted and not c.upper().startswith("CREATE UNIQUE")]
    indexes = conn.execute(text(
        "SELECT t.relname, c.relname, pg_get_indexdef(c.oid) FROM pg_index x "
        "JOIN pg_class c ON c.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid "
        "WHERE t.relnamespace = current_schema()::regnamespace AND t.relname = ANY(:t) "
        "AND NOT x.indisunique AND NOT x.indisprimary "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = c.oid) "
        "ORDER BY t.relname, c.relname"), {"t": list(index_tables)}).all()
    fks = conn.execute(text(
        "SELECT t.relname, k.conname, 'ALTER TABLE ' || quote_ident(t.relname) || "
        "' ADD CONSTRAINT ' || quote_ident(k.conname) || ' ' || pg_get_constraintdef(k.oid) "
        "FROM pg_constraint k JOIN pg_class t ON t.oid = k.conrelid "
        "WHERE k.contype = 'f' AND t.relnamespace = current_schema()::regnamespace "
        "AND t.relname = ANY(:t) ORDER BY t.relname, k.conname"), {"t": list(fk_tables)}).all()
    return ([Deferred(t, n, "index", c) for t, n, c in indexes]
            + [Deferred(t, n, "fk", c) for t, n, c in fks])


def drop_deferred(conn: Any, items: Sequence[Deferred], *, record: bool) -> list[Deferred]:
    """Drop ``items`` in the caller's transaction (the references first). ``record``: also
    write them to ``app_setting`` in that transaction, so that ``rebuild_deferred`` finds them
    after a killed load (``open_database`` runs it), together with what an earlier killed load
    recorded and nobody has built yet. Returns what the caller must build at its end: ``items``
    and that earlier remainder."""
    for d in sorted(items, key=lambda d: d.kind != "fk"):
        if d.kind == "fk":
            conn.execute(text(f"ALTER TABLE {_q(d.table)} DROP CONSTRAINT {_q(d.name)}"))
        else:
            conn.execute(text(f"DROP INDEX {_q(d.name)}"))
    if not record:
        return list(items)
    try:
        earlier = _recorded(_record(conn))
    except RecordRefused:
        earlier = []  # not one this program wrote: replaced by this load's own
    names = {d.name for d in items}
    merged = list(items) + [d for d in earlier if d.name not in names]
    conn.execute(text("DELETE FROM app_setting WHERE key = :k"), {"k": DEFERRED_KEY})
    if merged:
        conn.execute(text("INSERT INTO app_setting (key, value) VALUES (:k, :v)"),
                     {"k": DEFERRED_KEY,
                      "v": json.dumps([d.__dict__ for d in merged], ensure_ascii=False)})
    return merged


def has_record(conn: Any) -> bool:
    """Whether a load's record of what it dropped is there (in the caller's transaction)."""
    return _record(conn) is not None


def _record(conn: Any) -> str | None:
    value = conn.execute(text("SELECT value FROM app_setting WHERE key = :k"),
                         {"k": DEFERRED_KEY}).scalar()
    return None if value is None else str(value)


@contextlib.contextmanager
def loading_lock(engine: Any) -> Iterator[None]:
    """Say, for as long as the block runs, that a load is running here: ``open_database`` then
    leaves what it dropped to it. PostgreSQL: an advisory lock on a connection of its own,
    closed (not returned to the pool) at the end; SQLite: a lock on a file beside the database.
    Either goes however the load ends, a killed process included."""
    if engine.dialect.name == "sqlite":
        fd = _loading_file(engine)
        if fd is None:
            yield
            return
        try:
            with contextlib.suppress(OSError):  # a file system without locks: no other loader
                while not writelock.try_lock(fd):  # another load: wait for it
                    time.sleep(0.05)
            yield
        finally:
            os.close(fd)  # closing drops the lock
        return
    conn = engine.connect()
    try:
        conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": LOADING_LOCK})
        conn.commit()
        yield
    finally:
        conn.invalidate()  # closes the server connection, and the lock with it
        conn.close()


def load_running(conn: Any) -> bool:
    """Whether a load holds ``loading_lock`` (PostgreSQL: in the caller's transaction)."""
    if conn.dialect.name == "sqlite":
        fd = _loading_file(conn.engine)
        if fd is None:
            return False
        try:
            return not writelock.try_lock(fd)
        except OSError:
            return False
        finally:
            os.close(fd)
    return not conn.execute(text("SELECT pg_try_advisory_xact_lock(:k)"),
                            {"k": LOADING_LOCK}).scalar()


def _loading_file(engine: Any) -> int | None:
    """The lock file of an SQLite database's loads, open; None where there is none to have
    (in memory, or a folder that takes no new files: such a desk has no other loader)."""
    name = engine.url.database
    if not name or name == ":memory:":
        return None
    try:
        return os.open(f"{name}-loading.lock", os.O_RDWR | os.O_CREAT, 0o600)
    except OSError:
        return None


def rebuild_deferred(conn: Any, items: Sequence[Deferred] | None = None, *,
                     forget: bool = True) -> int:
    """Build again, in the caller's transaction, what a load dropped: ``items``, or what
    ``app_setting`` records (a load that was killed). The indexes first, each one sort, then
    the references, each one join. Anything already there is left alone. Returns how many
    were built. ``forget``: delete the record (a restore, whose rows are the archive's, keeps
    it)."""
    if items is None:
        items = _recorded(_record(conn))
    if not items:
        return 0
    sqlite = conn.dialect.name == "sqlite"
    if not sqlite:
        conn.execute(text("SET LOCAL maintenance_work_mem = '256MB'"))
    built = 0
    for d in sorted(items, key=lambda d: d.kind == "fk"):
        if sqlite:
            there = conn.execute(text("SELECT 1 FROM sqlite_master WHERE type = 'index' "
                                      "AND name = :n"), {"n": d.name}).first()
        elif d.kind == "fk":
            there = conn.execute(text("SELECT 1 FROM pg_constraint WHERE conname = :n AND "
                                      "conrelid = to_regclass(:t)"),
                                 {"n": d.name, "t": _q(d.table)}).first()
        else:
            there = conn.execute(text("SELECT to_regclass(:n)"), {"n": _q(d.name)}).scalar()
        if not there:
            conn.execute(text(d.create))
            built += 1
    if forget:
        conn.execute(text("DELETE FROM app_setting WHERE key = :k"), {"k": DEFERRED_KEY})
    if not sqlite:  # SQLite's open samples its statistics once the cases have grown
        for table in sorted({d.table for d in items}):
            conn.execute(text(f"ANALYZE {_q(table)}"))
    return built


# What a record may ask to build: a plain index over columns, a plain reference. The record
# is a row any desk account can write, and whoever opens next may own the schema: anything
# else in it is refused, not run.
_ID = r'"?[a-z_][a-z0-9_]*"?'
_SAFE = re.compile(
    rf"CREATE INDEX {_ID} ON (?:public\.)?{_ID}(?: USING btree)? ?\({_ID}(?: ?, ?{_ID})*\)"
    rf"|ALTER TABLE {_ID} ADD CONSTRAINT {_ID} FOREIGN KEY \({_ID}(?:, {_ID})*\) "
    rf"REFERENCES {_ID} ?\({_ID}(?:, {_ID})*\)(?: ON DELETE (?:CASCADE|SET NULL|RESTRICT))?")


def _recorded(value: str | None) -> list[Deferred]:
    """The record's items, or none at all if it is not one this module wrote."""
    if not value:
        return []
    try:
        items = [Deferred(**d) for d in json.loads(value)]
    except (ValueError, TypeError) as err:
        raise RecordRefused(f"not a list of items: {err}") from err
    bad = [d.create for d in items
           if not all(isinstance(v, str) for v in (d.table, d.name, d.kind, d.create))
           or d.kind not in ("index", "fk") or not _SAFE.fullmatch(d.create)
           or not re.fullmatch(_ID, d.name) or not re.fullmatch(_ID, d.table)]
    if bad:
        raise RecordRefused(f"statements this program does not write: {bad[:3]}")
    return items


class RecordRefused(ValueError):
    """The record of a load holds what no load of this program wrote; nothing was built."""


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
