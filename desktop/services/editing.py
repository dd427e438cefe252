"""The opening every change to a case makes: lock the case, check the user may edit it and
that the workflow allows the action now."""

from __future__ import annotations

import datetime as dt
from typing import Any, Protocol, TypeVar, cast

from sqlalchemy import (
    CursorResult,
    DateTime,
    Integer,
    Row,
    Select,
    Table,
    bindparam,
    select,
    update,
)
from sqlalchemy.orm import Session

from desktop.domain import workflow
from desktop.domain.errors import ConflictError, NotFound
from desktop.reports import aggregate
from desktop.reports.aggregate import COUNTED_COLS
from desktop.services.base import CASE_NOT_FOUND, ServiceBase
from desktop.store.guard import check_row
from desktop.store.models import Case


class _OfACase(Protocol):
    @property
    def case_id(self) -> int: ...


RowT = TypeVar("RowT", bound=_OfACase)


CASE_TABLE = cast(Table, Case.__table__)  # declarative maps each model to one Table
# what _edit_case_row needs to check the user and the workflow
_SCOPE = ("id", "committee_id", "status", "mediator_id", "co_mediator_ids", "version")
# the version is the one read under the lock: the row cannot have moved since
_CASE_WRITE = update(CASE_TABLE).where(
    CASE_TABLE.c.id == bindparam("case_id", type_=Integer),
    CASE_TABLE.c.version == bindparam("version", type_=Integer)).values(
    version=CASE_TABLE.c.version + 1, updated_at=bindparam("now", type_=DateTime),
    updated_by=bindparam("user_id", type_=Integer))


def case_row_reads(*names: str) -> tuple[Select[Any], Select[Any]]:
    """The read of a case for ``_edit_case_row`` (its scope and version, and ``names``),
    built once by the service: locked (FOR UPDATE) and as is (SQLite)."""
    cols = dict.fromkeys((*_SCOPE, *names))
    stmt = select(*(CASE_TABLE.c[name] for name in cols)).where(
        CASE_TABLE.c.id == bindparam("case_id", type_=Integer))
    return stmt.with_for_update(), stmt


class CaseEditingService(ServiceBase):
    def _edit_case(self, s: Session, case_id: int, action: str, reason: str = "") -> Case:
        """The case, locked for this transaction, once the actor may do ``action`` on it."""
        case = self._load_case(s, case_id, for_update=True)
        self._may_edit(case, action, reason)
        return case

    def _may_edit(self, case: Case | Row[Any], action: str, reason: str = "") -> None:
        """The actor may do ``action`` on this (visible, locked) case now."""
        self._require_case_editor(case)
        workflow.check_transition(action, case.status, self.actor.role, reason)

    def _edit_case_row(self, s: Session, locked: Select[Any], unlocked: Select[Any],
                       case_id: int, action: str) -> Row[Any]:
        """``_edit_case`` without the ORM, for a service that writes the case with Core: the
        columns the select names (at least committee_id, mediator_id, co_mediator_ids and
        status), read with the case locked for this transaction (``locked``, FOR UPDATE, on
        PostgreSQL; SQLite's write transaction holds the whole file: ``unlocked``)."""
        stmt = unlocked if self.db.is_sqlite else locked
        case = s.execute(stmt, {"case_id": case_id}).first()
        if case is None or not self._visible(case):
            raise NotFound(CASE_NOT_FOUND)
        self._may_edit(case, action)
        return case

    def _write_case_row(self, s: Session, case: Row[Any], values: dict[str, Any]) -> int:
        """Write ``values`` to the case ``_edit_case_row`` read, with Core: every value held
        to its column first (``check_row``, as the guard's flush hook does for ORM rows), the
        report aggregates told first when a counted column changes, then one versioned
        UPDATE that names its writer. Returns the case's new version."""
        check_row(CASE_TABLE, values)
        if values.keys() & COUNTED_COLS[Case]:
            aggregate.announce(s, [case.id])
        done = cast(CursorResult[Any], s.execute(_CASE_WRITE.values(**values), {
            "case_id": case.id, "version": case.version,
            "now": dt.datetime.now().replace(microsecond=0),
            "user_id": self.actor.user_id or None}))
        if done.rowcount != 1:  # cannot happen while the row is held: never a silent loss
            raise ConflictError(entity="case", entity_id=case.id)
        return int(case.version) + 1

    def _edit_row(self, s: Session, model: type[RowT], row_id: int, missing: str
                  ) -> tuple[RowT, Case]:
        """A row of a case (a session, a risk…) and its case, locked for this transaction;
        ``missing`` is the Chinese message when there is no such row."""
        row = s.get(model, row_id)
        if row is None:
            raise NotFound(missing)
        case = self._load_case(s, row.case_id, for_update=True)
        s.refresh(row)  # read after the case lock: the version another desk just saved
        self._require_case_editor(case)
        return row, case
