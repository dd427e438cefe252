"""Typed errors raised by the domain and the services.

Every error carries a Chinese message meant for the person at the desk; ``field`` names the
input field to show it next to, when there is one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


class MediationError(Exception):
    """Base of every error a user may see. ``str(err)`` is the Chinese message."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class ValidationError(MediationError):
    """Bad input. ``errors`` maps field names to messages when several fields are wrong."""

    def __init__(
        self, message: str, *, field: str | None = None, errors: dict[str, str] | None = None,
        reason: str = "",
    ) -> None:
        super().__init__(message, field=field)
        self.errors: dict[str, str] = dict(errors or ({field: message} if field else {}))
        # what is wrong without the field's name (limits' checks), for a caller that names
        # the field otherwise
        self.reason = reason


class PermissionDenied(MediationError):
    """The caller's role does not allow this."""


class NotFound(MediationError):
    """The thing asked for does not exist (or is not visible to the caller)."""


class InvalidTransition(MediationError):
    """The workflow does not allow moving the case this way."""


@dataclass
class FieldChange:
    field: str
    label: str
    mine: Any
    theirs: Any


class ConflictError(MediationError):
    """Someone else saved the same record first (optimistic locking).

    ``changes`` lists what the other desk changed, so the user can choose to reload or
    re-apply their edit.
    """

    def __init__(
        self,
        message: str = "该记录已被其他人修改，请重新加载后再保存。",
        *,
        entity: str = "",
        entity_id: int | None = None,
        current_version: int | None = None,
        changes: list[FieldChange] | None = None,
        changed_by: str = "",
    ) -> None:
        super().__init__(message)
        self.entity = entity
        self.entity_id = entity_id
        self.current_version = current_version
        self.changes: list[FieldChange] = list(changes or [])
        self.changed_by = changed_by


class DatabaseError(MediationError):
    """The database cannot be used: unreachable, locked, newer than the app, disk full…"""


class AuthError(MediationError):
    """Login failed: wrong password, locked account, disabled user."""


__all__ = [
    "AuthError",
    "ConflictError",
    "DatabaseError",
    "FieldChange",
    "InvalidTransition",
    "MediationError",
    "NotFound",
    "PermissionDenied",
    "ValidationError",
]
