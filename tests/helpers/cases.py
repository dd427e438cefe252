"""Building blocks for service tests: a valid case draft, an accepted case with an agreement."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

from desktop.services.dto import AgreementInput, CaseDraft, CaseRef, ObligationInput, PartyInput

if TYPE_CHECKING:
    from desktop.services import Desk

VALID_ID = "11010519491231002X"  # GB 11643's example: female, born 1949-12-31


def draft(**kw: object) -> CaseDraft:
    parties = kw.pop("parties", None) or [
        PartyInput("张𠮷", side="applicant", id_number=VALID_ID, phone="13812345678"),
        PartyInput("李四", side="respondent", phone="0571-87654321"),
    ]
    return CaseDraft(parties=parties, dispute_type=kw.pop("dispute_type", "neighbor"),  # type: ignore[arg-type]
                     source=kw.pop("source", "party_apply"), facts=kw.pop("facts", "楼上漏水"),  # type: ignore[arg-type]
                     **kw)  # type: ignore[arg-type]


def agreed_case(desk: Desk, applicant: str, respondent: str, *, dispute_type: str,
                facts: str, agreement_facts: str, disputed: str, obligation: str,
                amount: Decimal, deadline: dt.date | None = None) -> CaseRef:
    """A case registered and accepted by ``desk``, with an agreement of one obligation that the
    respondent owes the applicant (not yet signed); returns the registration's reference."""
    ref = desk.intake.register(draft(parties=[PartyInput(applicant),
                                              PartyInput(respondent, side="respondent")],
                                     dispute_type=dispute_type, facts=facts))
    desk.intake.accept(ref.id, ref.version)
    a, b = desk.cases.get(ref.id).parties
    desk.outcomes.save_agreement(ref.id, AgreementInput(
        facts=agreement_facts, disputed_matters=disputed, obligations=[
            ObligationInput(obligation, b.id, a.id, amount, deadline=deadline)]))
    return ref
