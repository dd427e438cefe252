"""Who may see what: the access rules every service asks, in one place (docs/lan.md,
"角色与权限", says the same in Chinese)."""

from __future__ import annotations

from typing import Protocol

from desktop.domain.enums import Role


class _Actor(Protocol):
    # read-only members: the services' Actor is a frozen dataclass
    @property
    def user_id(self) -> int: ...

    @property
    def role(self) -> Role: ...

    @property
    def committee_id(self) -> int | None: ...

    @property
    def spans_deployment(self) -> bool: ...


class _Case(Protocol):
    committee_id: int
    mediator_id: int | None
    co_mediator_ids: str
    created_by: int | None


def handles(actor: _Actor, case: _Case) -> bool:
    """A mediator handles a case assigned to them (main or co-mediator), or one they registered
    themselves that nobody has been assigned to yet."""
    if case.committee_id != actor.committee_id:
        return False
    co = {int(x) for x in (case.co_mediator_ids or "").split(",") if x.strip().isdigit()}
    if case.mediator_id == actor.user_id or actor.user_id in co:
        return True
    return case.mediator_id is None and not co and case.created_by == actor.user_id


def may_unmask_any(actor: _Actor) -> bool:
    """Whether the role can ever see full personal data (ID numbers, phones)."""
    return Role(actor.role) in (Role.DIRECTOR, Role.ADMIN, Role.MEDIATOR)


def may_unmask(actor: _Actor, case: _Case) -> bool:
    """Full personal data of ``case``: administrators everywhere, directors in their own
    committee, mediators only for the cases they handle; read-only accounts never."""
    role = Role(actor.role)
    if role == Role.ADMIN:
        return True
    if role == Role.DIRECTOR:
        return case.committee_id == actor.committee_id
    if role == Role.MEDIATOR:
        return handles(actor, case)
    return False


UNMASK_REFUSED = "您只能查看自己办理的案件的完整个人信息（证件号码、电话）。"
