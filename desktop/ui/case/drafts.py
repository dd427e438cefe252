"""The agreement's draft: the form as JSON-able data and back, autosaved by the one draft
mechanism (``desktop.ui.drafts``) that intake and the session record use too."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from desktop.services.dto import AgreementInput, ObligationInput
from desktop.ui.drafts import DraftBanner, FormDraft
from desktop.ui.qt import QCoreApplication, QWidget

if TYPE_CHECKING:
    from desktop.services import Desk

__all__ = ["DraftBanner", "FormDraft", "agreement_draft", "from_dict", "to_dict"]


def to_dict(inp: AgreementInput) -> dict[str, Any]:
    def plain(value: Any) -> Any:
        if isinstance(value, (dt.date, Decimal)):
            return str(value)
        if isinstance(value, list):
            return [plain(v) for v in value]
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items()}
        return value

    return plain(dataclasses.asdict(inp))


def from_dict(data: dict[str, Any]) -> AgreementInput:
    def date(text: str | None) -> dt.date | None:
        return dt.date.fromisoformat(text) if text else None

    obligations = [ObligationInput(
        content=o.get("content", ""), payer_party_id=o.get("payer_party_id"),
        payee_party_id=o.get("payee_party_id"),
        amount=Decimal(o["amount"]) if o.get("amount") not in (None, "") else None,
        manner=o.get("manner", ""), deadline=date(o.get("deadline")))
        for o in data.get("obligations", [])]
    return AgreementInput(
        facts=data.get("facts", ""), disputed_matters=data.get("disputed_matters", ""),
        responsibilities=data.get("responsibilities", ""), obligations=obligations,
        other_terms=data.get("other_terms", ""),
        performance_manner=data.get("performance_manner", ""),
        performance_deadline=date(data.get("performance_deadline")))


def agreement_draft(parent: QWidget, desk: Desk, case_id: int,
                    collect: Callable[[], AgreementInput | None],
                    apply: Callable[[AgreementInput], None], banner: DraftBanner) -> FormDraft:
    def collect_dict() -> dict[str, Any] | None:
        inp = collect()
        return to_dict(inp) if inp is not None else None

    return FormDraft(parent, desk, f"agreement/{case_id}", collect_dict,
                     lambda data: apply(from_dict(data)), banner,
                     QCoreApplication.translate("AgreementDraft", "调解协议草稿"))
