"""The opening every change to a case makes: lock the case, check the user may edit it and
that the workflow allows the action now."""

from __future__ import annotations

from typing import Protocol, TypeVar

from sqlalchemy.orm import Session

from desktop.domain import workflow
from desktop.domain.errors import NotFound
from desktop.services.base import ServiceBase
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
