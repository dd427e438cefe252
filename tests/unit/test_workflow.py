"""The state machine: every (action, status, role) combination is allowed or refused exactly as
the transition table says, with a Chinese reason."""

from __future__ import annotations

import itertools

import pytest

from desktop.domain import workflow
from desktop.domain.enums import CaseStatus as S
from desktop.domain.enums import Role
from desktop.domain.errors import InvalidTransition, PermissionDenied, ValidationError

EXPECTED = {
    # action: (from statuses, to status, roles)
    "accept": ({S.REGISTERED}, S.ACCEPTED, {"mediator", "director", "admin"}),
    "refuse": ({S.REGISTERED}, S.REFUSED, {"mediator", "director", "admin"}),
    "succeed": ({S.ACCEPTED, S.MEDIATING}, S.SUCCEEDED, {"mediator", "director", "admin"}),
    "terminate": ({S.ACCEPTED, S.MEDIATING}, S.TERMINATED, {"mediator", "director", "admin"}),
    "refer": ({S.REGISTERED, S.REFUSED, S.TERMINATED}, S.REFERRED,
              {"mediator", "director", "admin"}),
    "reopen": ({S.TERMINATED}, S.MEDIATING, {"director", "admin"}),
    "archive": ({S.SUCCEEDED, S.TERMINATED, S.REFUSED, S.REFERRED}, S.ARCHIVED,
                {"director", "admin"}),
}


@pytest.mark.parametrize("action,status,role", list(itertools.product(
    sorted(EXPECTED), list(S), list(Role))))
def test_every_transition(action: str, status: S, role: Role) -> None:
    sources, target, roles = EXPECTED[action]
    reason = "当事人不同意继续调解"
    if role.value not in roles:
        with pytest.raises(PermissionDenied) as err:
            workflow.check_transition(action, status, role, reason)
        assert role.label in err.value.message
    elif status not in sources:
        with pytest.raises(InvalidTransition) as err2:
            workflow.check_transition(action, status, role, reason)
        assert status.label in err2.value.message
    else:
        t = workflow.check_transition(action, status, role, reason)
        assert t.target == target


@pytest.mark.parametrize("action", ["refuse", "terminate", "refer", "reopen", "extend"])
def test_reason_required(action: str) -> None:
    t = workflow.TRANSITIONS[action]
    status = next(iter(t.sources))
    with pytest.raises(ValidationError) as err:
        workflow.check_transition(action, status, Role.ADMIN, "  ")
    assert "原因" in err.value.message


def test_archived_is_read_only() -> None:
    for role in Role:
        assert workflow.allowed_actions(S.ARCHIVED, role) == []


def test_readonly_may_do_nothing() -> None:
    for status in S:
        assert workflow.allowed_actions(status, Role.READONLY) == []
