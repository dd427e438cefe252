"""Time limits: the 30-day mediation limit (with recorded extensions) and the 30-day window
for jointly applying for judicial confirmation (人民调解法 Art. 33)."""

from __future__ import annotations

import datetime as dt

MEDIATION_DAYS = 30
CONFIRMATION_DAYS = 30
DUE_SOON_DAYS = 3


def mediation_deadline(accepted_on: dt.date, extension_days: int = 0) -> dt.date:
    return accepted_on + dt.timedelta(days=MEDIATION_DAYS + extension_days)


def confirmation_deadline(effective_on: dt.date) -> dt.date:
    return effective_on + dt.timedelta(days=CONFIRMATION_DAYS)


def due_state(deadline: dt.date | None, today: dt.date | None = None) -> str:
    """'overdue', 'due_soon' (within 3 days), 'ok', or '' when there is no deadline."""
    if deadline is None:
        return ""
    today = today or dt.date.today()
    if deadline < today:
        return "overdue"
    if (deadline - today).days <= DUE_SOON_DAYS:
        return "due_soon"
    return "ok"


def days_left(deadline: dt.date, today: dt.date | None = None) -> int:
    return (deadline - (today or dt.date.today())).days
