"""Plain data objects the services take and return (no ORM objects leave a service).

Inputs are mutable dataclasses a dialog can fill (``load(obj)`` / ``save() -> obj``); views are
frozen snapshots safe to hand to another thread. Every view of an editable row carries its
``version`` so a later save can detect a concurrent edit.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal


# ---------------------------------------------------------------- inputs
@dataclass
class PartyInput:
    name: str
    side: str = "applicant"  # PartySide
    kind: str = "person"  # PartyKind
    sex: str | None = None  # Sex; derived from a resident ID when empty
    ethnicity: str = ""
    birth_date: dt.date | None = None
    id_type: str = "resident"  # IdType
    id_number: str = ""
    occupation: str = ""
    address: str = ""
    phone: str = ""
    credit_code: str = ""  # organisations
    legal_rep: str = ""
    legal_rep_title: str = ""
    agent_name: str = ""
    agent_phone: str = ""
    agent_relation: str = ""
    id: int | None = None  # set when editing an existing party
    version: int | None = None


@dataclass
class CaseDraft:
    parties: list[PartyInput]
    dispute_type: str
    source: str
    facts: str = ""
    requests: str = ""
    title: str = ""
    referring_unit: str = ""
    referral_ref: str = ""
    amount_claimed: Decimal | None = None
    mediator_id: int | None = None  # default: the registering mediator
    committee_id: int | None = None  # default: the actor's committee
    people_involved: int = 0


@dataclass
class CaseUpdate:
    """Editable case fields; ``None`` means unchanged."""

    title: str | None = None
    dispute_type: str | None = None
    source: str | None = None
    referring_unit: str | None = None
    referral_ref: str | None = None
    facts: str | None = None
    requests: str | None = None
    amount_claimed: Decimal | None = None
    people_involved: int | None = None


@dataclass
class ParticipantInput:
    kind: str  # ParticipantKind
    name: str
    role: str = "participant"  # ParticipationRole
    unit: str = ""
    title: str = ""
    number: str = ""  # badge no. 警号 / work no. / lawyer's licence no. (17 digits)
    user_id: int | None = None
    party_id: int | None = None


@dataclass
class SessionInput:
    started_at: dt.datetime
    place: str = ""
    kind: str = "mediation"  # SessionKind
    ended_at: dt.datetime | None = None
    content: str = ""
    result: str = ""
    agreed: bool = False
    recorder: str = ""
    interviewee: str = ""
    participants: list[ParticipantInput] = field(default_factory=list)


@dataclass
class ObligationInput:
    content: str
    payer_party_id: int | None = None
    payee_party_id: int | None = None
    amount: Decimal | None = None
    manner: str = ""
    deadline: dt.date | None = None


@dataclass
class AgreementInput:
    facts: str
    disputed_matters: str
    responsibilities: str = ""
    obligations: list[ObligationInput] = field(default_factory=list)
    other_terms: str = ""
    performance_manner: str = ""
    performance_deadline: dt.date | None = None


@dataclass
class OralAgreementInput:
    content: str
    facts: str = ""
    performance: str = ""
    amount: Decimal | None = None
    reached_on: dt.date | None = None


@dataclass
class FollowUpInput:
    visited_on: dt.date
    method: str = "phone"  # FollowUpMethod
    # No default: the mediator must choose what they found (a preset inflates the figures).
    performance: str = ""  # Performance
    satisfaction: str = ""  # Satisfaction
    lawsuit: bool = False
    escalation_risk: bool = False
    findings: str = ""
    action: str = ""
    visitor: str = ""
    next_due: dt.date | None = None


@dataclass
class RiskInput:
    kind: str  # RiskKind
    level: str = "medium"
    description: str = ""
    people: int = 0
    measures: str = ""
    reported_to_police: bool = False


@dataclass
class CaseQuery:
    text: str = ""
    statuses: list[str] = field(default_factory=list)
    dispute_types: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    mediator_id: int | None = None
    unassigned: bool = False  # only cases with no mediator (承办调解员) yet
    joint_mask: int | None = None  # exact mask; 0 = no joint mediation
    joint_any: int | None = None  # any of these bits
    date_from: dt.date | None = None  # registered on/after
    date_to: dt.date | None = None  # registered on/before
    committee_id: int | None = None
    due: str = ""  # '', 'overdue', 'due_soon'
    sort_key: str = "registered_at"
    sort_desc: bool = True
    offset: int = 0
    limit: int = 100
    with_total: bool = True


# ---------------------------------------------------------------- views
@dataclass(frozen=True)
class CaseRef:
    id: int
    version: int
    number: str | None = None
    status: str = "registered"


@dataclass(frozen=True)
class CaseRow:
    id: int
    number: str | None
    status: str
    status_label: str
    title: str
    party_names: str
    dispute_type: str
    dispute_type_label: str
    source: str
    source_label: str
    mediator_id: int | None
    mediator_name: str
    registered_at: dt.datetime
    accepted_on: dt.date | None
    deadline: dt.date | None
    due_state: str
    joint_mask: int
    joint_label: str
    risk_level: str | None
    committee_id: int
    version: int


@dataclass(frozen=True)
class CasePage:
    rows: list[CaseRow]
    total: int | None
    offset: int
    limit: int


@dataclass(frozen=True)
class PartyView:
    id: int
    version: int
    sort_order: int
    side: str
    side_label: str
    kind: str
    name: str
    sex: str | None
    ethnicity: str
    birth_date: dt.date | None
    id_type: str
    id_number: str  # masked unless unmasked was asked for and allowed
    occupation: str
    address: str
    phone: str
    credit_code: str
    legal_rep: str
    legal_rep_title: str
    agent_name: str
    agent_phone: str
    agent_relation: str
    masked: bool


@dataclass(frozen=True)
class ParticipantView:
    id: int
    kind: str
    kind_label: str
    role: str
    role_label: str
    name: str
    unit: str
    title: str
    number: str
    user_id: int | None
    party_id: int | None


@dataclass(frozen=True)
class SessionView:
    id: int
    version: int
    seq: int
    kind: str
    started_at: dt.datetime
    ended_at: dt.datetime | None
    place: str
    content: str
    result: str
    agreed: bool
    recorder: str
    interviewee: str
    participants: list[ParticipantView]


@dataclass(frozen=True)
class ObligationView:
    id: int
    seq: int
    content: str
    payer_party_id: int | None
    payer_name: str
    payee_party_id: int | None
    payee_name: str
    amount: Decimal | None
    manner: str
    deadline: dt.date | None


@dataclass(frozen=True)
class AgreementView:
    id: int
    version: int
    facts: str
    disputed_matters: str
    responsibilities: str
    other_terms: str
    performance_manner: str
    performance_deadline: dt.date | None
    copies: int
    status: str  # draft / signed / final
    signed_on_paper: bool
    effective_on: dt.date | None
    total_amount: Decimal
    obligations: list[ObligationView]


@dataclass(frozen=True)
class OralAgreementView:
    id: int
    version: int
    facts: str
    content: str
    performance: str
    amount: Decimal | None
    reached_on: dt.date


@dataclass(frozen=True)
class TerminationView:
    id: int
    reason: str
    remedies: str
    terminated_on: dt.date


@dataclass(frozen=True)
class ReferralView:
    id: int
    to_body: str
    reason: str
    referred_on: dt.date


@dataclass(frozen=True)
class ExtensionView:
    id: int
    days: int
    reason: str
    old_deadline: dt.date
    new_deadline: dt.date


@dataclass(frozen=True)
class RiskView:
    id: int
    version: int
    kind: str
    kind_label: str
    level: str
    description: str
    people: int
    measures: str
    reported_to_police: bool
    flagged_on: dt.date
    resolved_on: dt.date | None
    prevented: bool


@dataclass(frozen=True)
class FollowUpView:
    id: int
    visited_on: dt.date
    method: str
    performance: str
    satisfaction: str
    lawsuit: bool
    escalation_risk: bool
    findings: str
    action: str
    visitor: str
    next_due: dt.date | None


@dataclass(frozen=True)
class ConfirmationView:
    id: int
    version: int
    court: str
    filed_on: dt.date
    ruling: str
    ruling_on: dt.date | None
    ruling_number: str
    notes: str


@dataclass(frozen=True)
class AttachmentView:
    id: int
    category: str
    filename: str
    mime: str
    size: int
    sha256: str
    note: str
    added_at: dt.datetime


@dataclass(frozen=True)
class SignatureView:
    id: int
    form: str
    signer_kind: str  # party / mediator
    signer_name: str
    party_id: int | None
    user_id: int | None
    png_sha256: str | None
    on_paper: bool
    signed_at: dt.datetime


@dataclass(frozen=True)
class DocumentView:
    id: int
    form: str
    final: bool
    sha256: str
    verification_code: str
    pages: int
    created_at: dt.datetime
    kind: str = "draft"  # draft / unsigned (待签署) / final (sealed)

    @property
    def kind_label(self) -> str:
        return {"final": "正式（已盖章）", "unsigned": "待签署"}.get(self.kind, "草稿")


@dataclass(frozen=True)
class AuditView:
    id: int
    at: dt.datetime
    username: str
    action: str
    entity: str
    entity_id: int | None
    summary: str
    display_name: str = ""  # the user's name as people know it (王建国), not the login name

    @property
    def who(self) -> str:
        return self.display_name or self.username


@dataclass(frozen=True)
class CaseDetail:
    id: int
    version: int
    committee_id: int
    committee_name: str
    number: str | None
    status: str
    status_label: str
    title: str
    dispute_type: str
    dispute_type_label: str
    source: str
    source_label: str
    referring_unit: str
    referral_ref: str
    facts: str
    requests: str
    amount_claimed: Decimal | None
    people_involved: int
    registered_at: dt.datetime
    accepted_on: dt.date | None
    deadline: dt.date | None
    due_state: str
    closed_on: dt.date | None
    archived_on: dt.date | None
    outcome: str | None
    refuse_reason: str
    joint_mask: int
    joint_label: str
    mediator_id: int | None
    mediator_name: str
    co_mediator_ids: list[int]
    agreed_amount: Decimal | None
    confirmation_deadline: dt.date | None
    parties: list[PartyView]
    sessions: list[SessionView]
    agreement: AgreementView | None
    oral_agreement: OralAgreementView | None
    terminations: list[TerminationView]
    referrals: list[ReferralView]
    extensions: list[ExtensionView]
    risks: list[RiskView]
    follow_ups: list[FollowUpView]
    confirmation: ConfirmationView | None
    attachments: list[AttachmentView]
    signatures: list[SignatureView]
    documents: list[DocumentView]
    allowed_actions: list[str]
    masked: bool


@dataclass(frozen=True)
class SessionOnDay:
    case_id: int
    case_number: str | None
    title: str
    started_at: dt.datetime
    place: str


@dataclass(frozen=True)
class Dashboard:
    my_open: list[CaseRow]
    due_soon: list[CaseRow]
    overdue: list[CaseRow]
    today_sessions: list[SessionOnDay]
    followups_due: list[CaseRow]
    confirmation_closing: list[CaseRow]
    risk_flagged: list[CaseRow]


@dataclass(frozen=True)
class UserView:
    id: int
    version: int
    username: str
    display_name: str
    role: str
    role_label: str
    committee_id: int | None
    committee_name: str
    active: bool
    locked_until: dt.datetime | None
    must_change_password: bool


@dataclass(frozen=True)
class CommitteeView:
    id: int
    version: int
    name: str
    short_name: str
    number_pattern: str
    region: str
    address: str
    phone: str
    director_name: str
    has_seal: bool
    active: bool


@dataclass(frozen=True)
class DuplicateHit:
    case: CaseRow
    reasons: list[str]  # e.g. "身份证号相同：张三", "电话相同：李四"
