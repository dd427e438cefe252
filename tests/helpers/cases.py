"""Building blocks for service tests: a valid case draft."""

from __future__ import annotations

from desktop.services.dto import CaseDraft, PartyInput

VALID_ID = "11010519491231002X"  # GB 11643's example: female, born 1949-12-31


def draft(**kw: object) -> CaseDraft:
    parties = kw.pop("parties", None) or [
        PartyInput("张𠮷", side="applicant", id_number=VALID_ID, phone="13812345678"),
        PartyInput("李四", side="respondent", phone="0571-87654321"),
    ]
    return CaseDraft(parties=parties, dispute_type=kw.pop("dispute_type", "neighbor"),  # type: ignore[arg-type]
                     source=kw.pop("source", "party_apply"), facts=kw.pop("facts", "楼上漏水"),  # type: ignore[arg-type]
                     **kw)  # type: ignore[arg-type]
