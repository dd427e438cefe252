"""The store's own check of every row before it is written, driven by the model's columns.

PostgreSQL refuses a 41-character name in a VARCHAR(40); SQLite stores it (and a later move to
the LAN server then fails). So no row reaches either database unless each value fits its
column: text length and characters, money range and scale, integer width, date window
(``desktop.domain.limits``). ORM writes are checked in ``before_flush`` — no service can
forget it; Core bulk writes (restore, demo data) call ``check_row`` themselves. The message
names the field in Chinese, like any other validation error.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Table, event, inspect
from sqlalchemy.orm import Session
from sqlalchemy.types import (
    BigInteger,
    Date,
    DateTime,
    Integer,
    LargeBinary,
    Numeric,
    String,
    Text,
)

from desktop.domain import limits
from desktop.domain.errors import ValidationError

TEXT_MAX = 100_000  # long texts (facts, records of sessions): about 50 printed pages
SINGLE_LINE_MAX = 100  # a String(n) this short is a name, a code or a number: one line
# written by the app itself, never typed: the audit chain hashes them as they are
EXEMPT_TABLES = frozenset({"audit_log", "audit_head", "alembic_version"})
EXEMPT_COLUMNS = frozenset({("draft", "payload")})
# narrower ranges than the column type allows
RANGES: dict[tuple[str, str], tuple[int, int]] = {
    ("mediation_case", "people_involved"): (0, limits.MAX_PEOPLE),
    ("mediation_case", "party_count"): (0, limits.MAX_PEOPLE),
}


# where a form names a column otherwise than ``limits.LABELS`` does for every table
COLUMN_LABELS: dict[tuple[str, str], str] = {
    ("mediation_case", "title"): "案由",
    ("session_participant", "name"): "姓名",
    ("session_participant", "title"): "职务",
    ("session_participant", "number"): "证号",
}


def check_value(table: str, column: Any, value: Any) -> None:
    """Raise ``ValidationError`` unless ``value`` fits ``column`` of ``table``; the message
    names the field as the form does."""
    try:
        _check_value(table, column, value)
    except ValidationError as err:
        shown = COLUMN_LABELS.get((table, column.name))
        if shown is None or not err.reason:
            raise
        raise ValidationError(f"{shown}：{err.reason}", field=column.name,
                              reason=err.reason) from None


def _check_value(table: str, column: Any, value: Any) -> None:
    if value is None or (table, column.name) in EXEMPT_COLUMNS:
        return
    t = column.type
    name = column.name
    if isinstance(t, LargeBinary):
        return
    if isinstance(t, String):  # Text is a String without length
        length = None if isinstance(t, Text) or t.length is None else t.length
        limits.check_text(value, name, max_len=length or TEXT_MAX,
                          multiline=length is None or length > SINGLE_LINE_MAX)
    elif isinstance(t, Numeric) and not isinstance(t, Integer):
        limits.check_amount(value, name, allow_zero=True)
    elif isinstance(t, Integer):
        if (table, name) in RANGES:
            low, high = RANGES[(table, name)]
        elif isinstance(t, BigInteger):
            low, high = -limits.MAX_INT, limits.MAX_INT
        else:
            low, high = -limits.MAX_ID, limits.MAX_ID  # INTEGER on PostgreSQL: 32 bits
        limits.check_int(value, name, low, high)
    elif isinstance(t, (Date, DateTime)):
        limits.check_date(value, name)


def check_row(table: Table, values: Mapping[str, Any]) -> None:
    """Every value of one row (as a dict by column name) against its column."""
    if table.name in EXEMPT_TABLES:
        return
    for column in table.columns:
        if column.name in values:
            check_value(table.name, column, values[column.name])


def _check_object(obj: Any, *, changed_only: bool) -> None:
    state = inspect(obj)
    table = state.mapper.local_table
    if not isinstance(table, Table) or table.name in EXEMPT_TABLES:
        return
    # an attribute set since the row was loaded has its old value here; one that is not
    # here has no change (asking every column for its history cost more than the check)
    touched = state.committed_state
    if changed_only and not touched:
        return
    for attr in state.mapper.column_attrs:
        if changed_only and attr.key not in touched:
            continue
        column = attr.columns[0]
        if not isinstance(column.table, Table) or column.table is not table:
            continue
        if changed_only and not state.attrs[attr.key].history.has_changes():
            continue
        check_value(table.name, column, getattr(obj, attr.key))


@event.listens_for(Session, "before_flush")
def _before_flush(session: Session, _ctx: Any, _instances: Any) -> None:
    for obj in session.new:
        _check_object(obj, changed_only=False)
    for obj in session.dirty:
        # an object whose attributes nobody set is not modified: skip is_modified's walk
        if inspect(obj).committed_state and session.is_modified(
                obj, include_collections=False):
            _check_object(obj, changed_only=True)


__all__ = ["EXEMPT_TABLES", "TEXT_MAX", "check_row", "check_value"]
