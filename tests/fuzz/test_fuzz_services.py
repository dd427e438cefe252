"""Every public method of every service of the Desk, called with hostile values on SQLite and
on PostgreSQL: only the app's own errors, nothing written on refusal, the same verdict on both
backends."""

from __future__ import annotations

import inspect
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop.domain.errors import MediationError
from desktop.services.base import ServiceBase
from tests.fuzz.conftest import FUZZ, Backend
from tests.fuzz.hostile import CALLS, arguments

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

SERVICES = ["intake", "cases", "sessions", "outcomes", "followups", "confirmations", "risks",
            "files", "users", "committees", "lookups", "audit", "documents", "reports"]
USERS = ["admin", "wang"]  # the widest and the narrowest role that writes


def targets() -> list[tuple[str, str]]:
    found = []
    for attr in SERVICES:
        for name, _fn in inspect.getmembers(_service_class(attr), inspect.isfunction):
            if not name.startswith("_") and not hasattr(ServiceBase, name):
                found.append((attr, name))
    return found


def _service_class(attr: str) -> type:
    from desktop.services.audit import AuditService
    from desktop.services.cases import CaseService
    from desktop.services.committees import CommitteeService, LookupService
    from desktop.services.documents import DocumentService
    from desktop.services.files import FileService
    from desktop.services.followup import ConfirmationService, FollowUpService, RiskService
    from desktop.services.intake import IntakeService
    from desktop.services.outcomes import OutcomeService
    from desktop.services.reports import ReportService
    from desktop.services.sessions import SessionService
    from desktop.services.users import UserService

    return {"intake": IntakeService, "cases": CaseService, "sessions": SessionService,
            "outcomes": OutcomeService, "followups": FollowUpService,
            "confirmations": ConfirmationService, "risks": RiskService, "files": FileService,
            "users": UserService, "committees": CommitteeService, "lookups": LookupService,
            "audit": AuditService, "documents": DocumentService, "reports": ReportService}[attr]


def verdict(backend: Backend, user: str, attr: str, name: str, kwargs: dict[str, Any]) -> str:
    """Call once; "ok" or the app error's class name. Anything else fails the test."""
    method = getattr(getattr(backend.desks[user], attr), name)
    before = backend.counts()
    CALLS[backend.name] += 1
    try:
        method(**kwargs)
    except MediationError as err:
        assert err.message and any("\u4e00" <= c <= "\u9fff" for c in err.message), err.message
        after = backend.counts()
        assert after == before, f"refused ({err.message}) but wrote {_diff(before, after)}"
        return type(err).__name__
    return "ok"


def _diff(a: dict[str, int], b: dict[str, int]) -> dict[str, tuple[int, int]]:
    return {k: (a[k], b[k]) for k in a if a[k] != b[k]}


@pytest.mark.parametrize(("attr", "name"), targets(), ids=lambda x: str(x))
def test_service_method(backends: list[Backend], attr: str, name: str) -> None:
    method = getattr(_service_class(attr), name)

    @FUZZ
    @given(kwargs=arguments(method), user=st.sampled_from(USERS))
    def run(kwargs: dict[str, Any], user: str) -> None:
        verdicts = {b.name: verdict(b, user, attr, name, _copy(kwargs)) for b in backends}
        assert len(set(verdicts.values())) == 1, f"backends disagree: {verdicts} for {kwargs!r:.500}"

    run()


def _copy(value: Any) -> Any:
    """Each backend gets its own copy: services normalise their input objects in place."""
    import copy

    return copy.deepcopy(value)
