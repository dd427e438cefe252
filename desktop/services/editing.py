"""The opening every change to a case makes: lock the case, check the user may edit it and
that the workflow allows the action now."""

from __future__ import annotations

from typing import Any, Protocol, TypeVar

from sqlalchemy import Row, Select
from sqlalchemy.orm import Session

from desktop.domain import workflow
from desktop.domain.errors import NotFound
from desktop.services.base import CASE_NOT_FOUND, ServiceBase
from desktop.store.models import Case


class _OfACase(Protocol):
    @property
    def case_id(self) -> int: ...


RowT = TypeVar("RowT", bound=_OfACase)


class CaseEditingService(ServiceBase):
    def _edit_case(self, s: Session, case_id: int, action: str, reason: str = "") -> Case:
        """The case, locked for this transaction, once the actor may do ``action`` on it."""
        case = self._load_case(s, case_id, for_update=True)
        self._require_case_editor(case)
        workflow.check_transition(action, case.status, self.actor.role, reason)
        return case

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
        self._require_case_editor(case)
        workflow.check_transition(action, case.status, self.actor.role)
        return case

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
