"""SQLAlchemy 2 typed models.

Every editable row carries ``version`` (optimistic locking through SQLAlchemy's
``version_id_col``: an UPDATE that finds another version raises ``StaleDataError``, which the
services turn into ``ConflictError``). Codes are stored as short ASCII strings (see
``desktop.domain.enums``). Instants are naive local time of the desk: every office of a
deployment is in one time zone (China, UTC+8) and documents print local dates. Money is
NUMERIC(14, 2).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column, relationship

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

Money = Numeric(14, 2, asdecimal=True)


def now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Versioned:
    """Mixin: optimistic-locking version column (SQLAlchemy ``version_id_col``)."""

    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        return {"version_id_col": cls.__table__.c.version}  # type: ignore[attr-defined]


class Committee(Versioned, Base):
    __tablename__ = "committee"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    short_name: Mapped[str] = mapped_column(String(20))
    number_pattern: Mapped[str] = mapped_column(String(100))
    region: Mapped[str] = mapped_column(String(100), default="")
    address: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    director_name: Mapped[str] = mapped_column(String(40), default="")
    seal_png: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=now)


class User(Versioned, Base):
    __tablename__ = "app_user"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(40), unique=True)
    display_name: Mapped[str] = mapped_column(String(40))
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    committee_id: Mapped[int | None] = mapped_column(ForeignKey("committee.id"), nullable=True)
    phone: Mapped[str] = mapped_column(String(40), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)
    password_changed_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=now)
    committee: Mapped[Committee | None] = relationship()


class Lookup(Versioned, Base):
    """Editable dictionaries: dispute types and sources (``kind``)."""

    __tablename__ = "lookup"
    __table_args__ = (UniqueConstraint("kind", "code"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(60))
    grp: Mapped[str] = mapped_column(String(20), default="")
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class NumberCounter(Base):
    """Next case sequence per committee and year; locked inside the accepting transaction."""

    __tablename__ = "number_counter"
    committee_id: Mapped[int] = mapped_column(ForeignKey("committee.id"), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_seq: Mapped[int] = mapped_column(Integer, default=0)


class Case(Versioned, Base):
    __tablename__ = "mediation_case"
    __table_args__ = (
        UniqueConstraint("committee_id", "number_year", "number_seq", name="uq_case_number"),
        Index("ix_case_committee_status", "committee_id", "status"),
        Index("ix_case_registered", "committee_id", "registered_at"),
        Index("ix_case_registered_at", "registered_at"),  # deployment-wide lists
        Index("ix_case_accepted", "committee_id", "accepted_on"),
        Index("ix_case_closed", "committee_id", "closed_on"),
        Index("ix_case_mediator", "mediator_id", "status"),
        Index("ix_case_deadline", "status", "deadline"),
        # the monthly report's covering indexes (migration 0004)
        Index("ix_case_report_accepted", "accepted_on", "committee_id", "dispute_type", "source",
              "joint_mask", "mediator_id"),
        Index("ix_case_report_closed", "closed_on", "outcome", "committee_id", "dispute_type",
              "source", "joint_mask", "mediator_id", "deadline", "agreed_amount", "accepted_on"),
        Index("ix_case_report_dims", "id", "committee_id", "dispute_type", "source",
              "joint_mask", "mediator_id"),  # migration 0005
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    committee_id: Mapped[int] = mapped_column(ForeignKey("committee.id"))
    status: Mapped[str] = mapped_column(String(20), default="registered")
    number: Mapped[str | None] = mapped_column(String(60), nullable=True)
    number_year: Mapped[int | None] = mapped_column(Integer, nullable=True)
    number_seq: Mapped[int | None] = mapped_column(Integer, nullable=True)
    title: Mapped[str] = mapped_column(String(200), default="")
    dispute_type: Mapped[str] = mapped_column(String(40))
    source: Mapped[str] = mapped_column(String(40))
    referring_unit: Mapped[str] = mapped_column(String(100), default="")
    referral_ref: Mapped[str] = mapped_column(String(100), default="")
    facts: Mapped[str] = mapped_column(Text, default="")
    requests: Mapped[str] = mapped_column(Text, default="")
    amount_claimed: Mapped[Decimal | None] = mapped_column(Money, nullable=True)
    registered_at: Mapped[dt.datetime] = mapped_column(DateTime, default=now)
    accepted_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    deadline: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    closed_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    archived_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    outcome: Mapped[str | None] = mapped_column(String(20), nullable=True)
    refuse_reason: Mapped[str] = mapped_column(Text, default="")
    joint_mask: Mapped[int] = mapped_column(Integer, default=0)
    agreed_amount: Mapped[Decimal | None] = mapped_column(Money, nullable=True)
    mediator_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"), nullable=True)
    co_mediator_ids: Mapped[str] = mapped_column(String(200), default="")
    party_count: Mapped[int] = mapped_column(Integer, default=0)
    people_involved: Mapped[int] = mapped_column(Integer, default=0)
    risk_level: Mapped[str | None] = mapped_column(String(20), nullable=True)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"), nullable=True)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=now, onupdate=now)
    updated_by: Mapped[int | None] = mapped_column(Integer, nullable=True)  # last writer
    # denormalised text shown in lists without joining parties (names only, never PII)
    party_names: Mapped[str] = mapped_column(String(400), default="")
    committee: Mapped[Committee] = relationship()
    mediator: Mapped[User | None] = relationship(foreign_keys=[mediator_id])
    parties: Mapped[list[Party]] = relationship(
        back_populates="case", order_by="Party.sort_order", cascade="all, delete-orphan"
    )
    sessions: Mapped[list[MediationSession]] = relationship(
        back_populates="case", order_by="MediationSession.seq", cascade="all, delete-orphan"
    )


class Party(Versioned, Base):
    __tablename__ = "party"
    __table_args__ = (Index("ix_party_id_number", "id_number"), Index("ix_party_phone", "phone"),
                      Index("ix_party_name", "name"))
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("mediation_case.id", ondelete="CASCADE"),
                                         index=True)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    side: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(20), default="person")
    name: Mapped[str] = mapped_column(String(100))
    sex: Mapped[str | None] = mapped_column(String(10), nullable=True)
    ethnicity: Mapped[str] = mapped_column(String(20), default="")
    birth_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    id_type: Mapped[str] = mapped_column(String(20), default="resident")
    id_number: Mapped[str] = mapped_column(String(40), default="")
    occupation: Mapped[str] = mapped_column(String(60), default="")
    address: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    credit_code: Mapped[str] = mapped_column(String(18), default="")
    legal_rep: Mapped[str] = mapped_column(String(40), default="")
    legal_rep_title: Mapped[str] = mapped_column(String(40), default="")
    agent_name: Mapped[str] = mapped_column(String(40), default="")
    agent_phone: Mapped[str] = mapped_column(String(40), default="")
    agent_relation: Mapped[str] = mapped_column(String(40), default="")
    case: Mapped[Case] = relationship(back_populates="parties")


class SearchTerm(Base):
    """Prefix-searchable terms of a case: number, names, pinyin initials, reversed ID/phone.

    A LIKE '%x%' scan over a million cases is too slow for search-as-you-type; every term is
    stored so that the query is an index range scan ``term >= q AND term < q || U+FFFF``.
    Suffix searches (last digits of an ID number or phone) use the reversed string.

    Each row also carries its case's committee, registration time, status and mediator (the
    list's scope, its default order, its status tabs and 我的), so that the first page of a
    search is read in list order from the index ``(committee_id, term, registered_at, case_id,
    status, mediator_id)`` alone, without visiting the cases (migration 0016). Writers fill them
    (``intake.refresh_terms``, the referral import, the demo); triggers keep them in step when
    a case's committee, registration time, status or mediator changes, and fill a row inserted without
    them.
    """

    __tablename__ = "search_term"
    __table_args__ = (Index("ix_search_term_list", "committee_id", "term", "registered_at",
                            "case_id", "status", "mediator_id"),)
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"),
                                    primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("mediation_case.id", ondelete="CASCADE"),
                                         index=True)
    term: Mapped[str] = mapped_column(String(120))
    # the case's, denormalised (see above); NULL only until the fill trigger has run
    committee_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    registered_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    status: Mapped[str | None] = mapped_column(String(20), nullable=True)
    mediator_id: Mapped[int | None] = mapped_column(Integer, nullable=True)  # NULL: unassigned


class MediationSession(Versioned, Base):
    __tablename__ = "mediation_session"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("mediation_case.id", ondelete="CASCADE"),
                                         index=True)
    seq: Mapped[int] = mapped_column(Integer, default=1)
    kind: Mapped[str] = mapped_column(String(20), default="mediation")
    started_at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)
    ended_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    place: Mapped[str] = mapped_column(String(200), default="")
    interviewee: Mapped[str] = mapped_column(String(100), default="")  # investigations
    content: Mapped[str] = mapped_column(Text, default="")
    result: Mapped[str] = mapped_column(Text, default="")
    agreed: Mapped[bool] = mapped_column(Boolean, default=False)
    recorder: Mapped[str] = mapped_column(String(40), default="")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"), nullable=True)
    case: Mapped[Case] = relationship(back_populates="sessions")
    participants: Mapped[list[SessionParticipant]] = relationship(
        back_populates="session", order_by="SessionParticipant.id", cascade="all, delete-orphan"
    )


class SessionParticipant(Base):
    __tablename__ = "session_participant"
    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("mediation_session.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    role: Mapped[str] = mapped_column(String(20), default="participant")
    name: Mapped[str] = mapped_column(String(100))
    unit: Mapped[str] = mapped_column(String(100), default="")
    title: Mapped[str] = mapped_column(String(60), default="")
    number: Mapped[str] = mapped_column(String(40), default="")
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"), nullable=True)
    party_id: Mapped[int | None] = mapped_column(ForeignKey("party.id"), nullable=True)
    session: Mapped[MediationSession] = relationship(back_populates="participants")


class Agreement(Versioned, Base):
    __tablename__ = "agreement"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("mediation_case.id", ondelete="CASCADE"),
                                         unique=True)
    facts: Mapped[str] = mapped_column(Text, default="")
    disputed_matters: Mapped[str] = mapped_column(Text, default="")
    responsibilities: Mapped[str] = mapped_column(Text, default="")
    other_terms: Mapped[str] = mapped_column(Text, default="")
    performance_manner: Mapped[str] = mapped_column(Text, default="")
    performance_deadline: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    copies: Mapped[int] = mapped_column(Integer, default=3)
    status: Mapped[str] = mapped_column(String(20), default="draft")  # draft/signed/final
    signed_on_paper: Mapped[bool] = mapped_column(Boolean, default=False)
    effective_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True, index=True)
    total_amount: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    obligations: Mapped[list[Obligation]] = relationship(
        order_by="Obligation.seq", cascade="all, delete-orphan")


class Obligation(Base):
    __tablename__ = "obligation"
    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreement.id", ondelete="CASCADE"),
                                              index=True)
    seq: Mapped[int] = mapped_column(Integer)
    payer_party_id: Mapped[int | None] = mapped_column(ForeignKey("party.id"), nullable=True)
    payee_party_id: Mapped[int | None] = mapped_column(ForeignKey("party.id"), nullable=True)
    content: Mapped[str] = mapped_column(Text)
    amount: Mapped[Decimal | None] = mapped_column(Money, nullable=True)
    manner: Mapped[str] = mapped_column(String(200), default="")
    deadline: Mapped[dt.date | None] = mapped_column(Date, nullable=True)


class OralAgreement(Versioned, Base):
    __tablename__ = "oral_agreement"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("mediation_case.id", ondelete="CASCADE"),
                                         unique=True)
    facts: Mapped[str] = mapped_column(Text, default="")
    content: Mapped[str] = mapped_column(Text)
    performance: Mapped[str] = mapped_column(Text, default="")
    amount: Mapped[Decimal | None] = mapped_column(Money, nullable=True)
    reached_on: Mapped[dt.date] = mapped_column(Date)


class Termination(Base):
    __tablename__ = "termination"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("mediation_case.id", ondelete="CASCADE"),
                                         index=True)
    reason: Mapped[str] = mapped_column(Text)
    remedies: Mapped[str] = mapped_column(Text)
    terminated_on: Mapped[dt.date] = mapped_column(Date)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"), nullable=True)


class Extension(Base):
    __tablename__ = "deadline_extension"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("mediation_case.id", ondelete="CASCADE"),
                                         index=True)
    days: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text)
    old_deadline: Mapped[dt.date] = mapped_column(Date)
    new_deadline: Mapped[dt.date] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=now)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"), nullable=True)


class Referral(Base):
    __tablename__ = "referral"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("mediation_case.id", ondelete="CASCADE"),
                                         index=True)
    to_body: Mapped[str] = mapped_column(String(100))
    reason: Mapped[str] = mapped_column(Text)
    referred_on: Mapped[dt.date] = mapped_column(Date)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"), nullable=True)


class RiskFlag(Versioned, Base):
    """Art. 25: a dispute that may turn violent or criminal, with its escalation record."""

    __tablename__ = "risk_flag"
    __table_args__ = (Index("ix_risk_flag_resolved", "resolved_on"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("mediation_case.id", ondelete="CASCADE"),
                                         index=True)
    kind: Mapped[str] = mapped_column(String(20))
    level: Mapped[str] = mapped_column(String(20), default="medium")
    description: Mapped[str] = mapped_column(Text, default="")
    people: Mapped[int] = mapped_column(Integer, default=0)
    measures: Mapped[str] = mapped_column(Text, default="")
    reported_to_police: Mapped[bool] = mapped_column(Boolean, default=False)
    reported_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    flagged_on: Mapped[dt.date] = mapped_column(Date)
    resolved_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    prevented: Mapped[bool] = mapped_column(Boolean, default=False)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"), nullable=True)


class FollowUp(Base):
    __tablename__ = "follow_up"
    __table_args__ = (Index("ix_follow_up_visited", "visited_on", "case_id", "performance"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("mediation_case.id", ondelete="CASCADE"),
                                         index=True)
    visited_on: Mapped[dt.date] = mapped_column(Date)
    method: Mapped[str] = mapped_column(String(20))
    performance: Mapped[str] = mapped_column(String(20))
    satisfaction: Mapped[str] = mapped_column(String(20), default="satisfied")
    lawsuit: Mapped[bool] = mapped_column(Boolean, default=False)
    escalation_risk: Mapped[bool] = mapped_column(Boolean, default=False)
    findings: Mapped[str] = mapped_column(Text, default="")
    action: Mapped[str] = mapped_column(Text, default="")
    visitor: Mapped[str] = mapped_column(String(40), default="")
    next_due: Mapped[dt.date | None] = mapped_column(Date, nullable=True, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"), nullable=True)


class JudicialConfirmation(Versioned, Base):
    __tablename__ = "judicial_confirmation"
    __table_args__ = (Index("ix_confirmation_filed", "filed_on"),
                      Index("ix_confirmation_ruling", "ruling_on"))
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("mediation_case.id", ondelete="CASCADE"),
                                         unique=True)
    court: Mapped[str] = mapped_column(String(100))
    filed_on: Mapped[dt.date] = mapped_column(Date)
    ruling: Mapped[str] = mapped_column(String(20), default="pending")
    ruling_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    ruling_number: Mapped[str] = mapped_column(String(100), default="")
    notes: Mapped[str] = mapped_column(Text, default="")


class Blob(Base):
    """Content-addressed bytes (scans, signatures, rendered PDFs), deduplicated by SHA-256."""

    __tablename__ = "blob"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class Attachment(Base):
    __tablename__ = "attachment"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("mediation_case.id", ondelete="CASCADE"),
                                         index=True)
    category: Mapped[str] = mapped_column(String(30))
    filename: Mapped[str] = mapped_column(String(200))
    mime: Mapped[str] = mapped_column(String(80))
    sha256: Mapped[str] = mapped_column(ForeignKey("blob.sha256"))
    size: Mapped[int] = mapped_column(BigInteger)
    note: Mapped[str] = mapped_column(String(200), default="")
    added_at: Mapped[dt.datetime] = mapped_column(DateTime, default=now)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"), nullable=True)


class Signature(Base):
    __tablename__ = "signature"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("mediation_case.id", ondelete="CASCADE"),
                                         index=True)
    form: Mapped[str] = mapped_column(String(20), default="agreement")
    signer_kind: Mapped[str] = mapped_column(String(20))  # party / mediator
    signer_name: Mapped[str] = mapped_column(String(100))
    party_id: Mapped[int | None] = mapped_column(ForeignKey("party.id"), nullable=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"), nullable=True)
    png_sha256: Mapped[str | None] = mapped_column(ForeignKey("blob.sha256"), nullable=True)
    on_paper: Mapped[bool] = mapped_column(Boolean, default=False)
    signed_at: Mapped[dt.datetime] = mapped_column(DateTime, default=now)
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"), nullable=True)


class Document(Base):
    """A rendered PDF with its SHA-256, so a printed copy can be verified later."""

    __tablename__ = "document"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("mediation_case.id", ondelete="CASCADE"),
                                         index=True)
    form: Mapped[str] = mapped_column(String(20))
    final: Mapped[bool] = mapped_column(Boolean, default=False)
    # draft / unsigned (待签署: printed for signing, not sealed) / final (sealed)
    kind: Mapped[str] = mapped_column(String(20), default="draft", server_default="draft")
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    blob_sha256: Mapped[str] = mapped_column(ForeignKey("blob.sha256"))
    verification_code: Mapped[str] = mapped_column(String(40), index=True)
    pages: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=now)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"), nullable=True)


class CommitteeKey(Base):
    """The committee's PKCS#12 signing key (encrypted); its password lives in the keyring."""

    __tablename__ = "committee_key"
    id: Mapped[int] = mapped_column(primary_key=True)
    committee_id: Mapped[int] = mapped_column(ForeignKey("committee.id"), index=True)
    pkcs12: Mapped[bytes] = mapped_column(LargeBinary)
    ca_cert_pem: Mapped[bytes] = mapped_column(LargeBinary)
    cert_pem: Mapped[bytes] = mapped_column(LargeBinary)
    subject: Mapped[str] = mapped_column(String(200))
    not_after: Mapped[dt.datetime] = mapped_column(DateTime)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=now)


class Draft(Base):
    """Autosaved unfinished input (e.g. an intake form), so nothing typed is lost."""

    __tablename__ = "draft"
    __table_args__ = (UniqueConstraint("user_id", "key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), index=True)
    key: Mapped[str] = mapped_column(String(80))
    title: Mapped[str] = mapped_column(String(200), default="")
    payload: Mapped[str] = mapped_column(Text)
    saved_at: Mapped[dt.datetime] = mapped_column(DateTime, default=now)


class SweepRecord(Versioned, Base):
    """One line of the dispute sweep ledger (矛盾纠纷排查台账), feeding the 化解率."""

    __tablename__ = "sweep_record"
    __table_args__ = (UniqueConstraint("committee_id", "fingerprint"),
                      Index("ix_sweep_found", "committee_id", "found_on"),
                      Index("ix_sweep_found_on", "found_on"))
    id: Mapped[int] = mapped_column(primary_key=True)
    committee_id: Mapped[int] = mapped_column(ForeignKey("committee.id"))
    fingerprint: Mapped[str] = mapped_column(String(64))
    found_on: Mapped[dt.date] = mapped_column(Date)
    parties: Mapped[str] = mapped_column(String(200), default="")
    dispute_type: Mapped[str] = mapped_column(String(40), default="other")
    source: Mapped[str] = mapped_column(String(60), default="")
    summary: Mapped[str] = mapped_column(Text, default="")
    resolved: Mapped[bool] = mapped_column(Boolean, default=False)
    resolution: Mapped[str] = mapped_column(Text, default="")
    resolved_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    responsible: Mapped[str] = mapped_column(String(40), default="")
    case_id: Mapped[int | None] = mapped_column(ForeignKey("mediation_case.id"), nullable=True)
    import_batch: Mapped[str] = mapped_column(String(64), default="")
    imported_at: Mapped[dt.datetime] = mapped_column(DateTime, default=now)


class AuditEntry(Base):
    """Append-only audit log; each entry carries the hash of the previous one (a chain)."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_case", "case_id", "id"),)
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"),
                                    primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime)
    user_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    username: Mapped[str] = mapped_column(String(40))
    action: Mapped[str] = mapped_column(String(40))
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    case_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    summary: Mapped[str] = mapped_column(String(400), default="")
    detail: Mapped[str] = mapped_column(Text, default="{}")
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    # SHA-256 of the case, its parties and agreement as this write left them ("" = none)
    state_digest: Mapped[str] = mapped_column(String(64), default="", server_default="")


class AuditCheckpoint(Base):
    """A statement "the chain had ``entry_count`` entries ending in ``head_hash``", signed with
    a committee's seal key when one is usable (append-only, like the log)."""

    __tablename__ = "audit_checkpoint"
    __table_args__ = (Index("ix_audit_checkpoint_at", "at"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime)
    reason: Mapped[str] = mapped_column(String(20))  # daily / backup / report
    last_id: Mapped[int] = mapped_column(BigInteger)
    entry_count: Mapped[int] = mapped_column(BigInteger)
    head_hash: Mapped[str] = mapped_column(String(64))
    committee_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    signature: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    cert_pem: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)


class AuditHead(Base):
    """Single row holding the chain's last hash; locked while appending (serialises writers)."""

    __tablename__ = "audit_head"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_id: Mapped[int] = mapped_column(BigInteger, default=0)
    last_hash: Mapped[str] = mapped_column(String(64))


class Setting(Base):
    """Deployment-wide settings that must be shared by all desks (not per-desk ini)."""

    __tablename__ = "app_setting"
    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class ExternalRef(Base):
    """A case's number in the system that referred it (12345 工单号, 派出所移送编号, court 案号):
    the identity of an imported work order, so importing the same list twice adds nothing."""

    __tablename__ = "external_ref"
    __table_args__ = (UniqueConstraint("source", "ref", name="uq_external_ref"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(40))
    ref: Mapped[str] = mapped_column(String(100))
    case_id: Mapped[int] = mapped_column(ForeignKey("mediation_case.id", ondelete="CASCADE"),
                                         index=True)
    batch: Mapped[str] = mapped_column(String(64), default="")
    imported_at: Mapped[dt.datetime] = mapped_column(DateTime, default=now)


class ExportMark(Versioned, Base):
    """The watermark of incremental exports to a named target (e.g. the county server):
    ``--changed`` sends the cases with an audited change after ``last_audit_id``."""

    __tablename__ = "export_mark"
    id: Mapped[int] = mapped_column(primary_key=True)
    target: Mapped[str] = mapped_column(String(80), unique=True)
    exported_until: Mapped[dt.datetime] = mapped_column(DateTime)
    last_audit_id: Mapped[int] = mapped_column(BigInteger, default=0)
    cases: Mapped[int] = mapped_column(Integer, default=0)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"), nullable=True)


# -- report aggregates (issue 17; desktop/reports/aggregate.py) ---------------------------------
REPORT_AGG_COLS = (
    "accepted", "people", "written", "oral", "terminated", "overdue_closed", "amount_cents",
    "open_delta", "overdue_open_delta", "conf_applied", "conf_confirmed", "followed_m",
    "followed_q", "followed_y", "performed_m", "performed_q", "performed_y", "criminal_cases_m",
    "criminal_cases_q", "criminal_cases_y", "criminal_people", "petition_cases_m",
    "petition_cases_q", "petition_cases_y", "petition_people", "suicide_cases_m",
    "suicide_cases_q", "suicide_cases_y", "suicide_people", "fight_cases_m", "fight_cases_q",
    "fight_cases_y", "fight_people")


class ReportMonth(Base):
    """Report counters per month × committee × one value of one case dimension (dispute type,
    source, joint mask, mediator, or dispute type|source for the official form's split: the
    breakdowns are one-dimensional), kept in step with the cases by every service write.
    ``month`` is yyyymm; month 0 holds the all-time sum of the open deltas, so 未结 at a month
    end is that sum minus the deltas of later months. Mediator value "" = 未分配."""

    __tablename__ = "report_month"
    # clustered by month on SQLite (no rowid): a month's rows are neighbours on disk
    __table_args__ = ({"sqlite_with_rowid": False},)
    month: Mapped[int] = mapped_column(Integer, primary_key=True)
    committee_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dim: Mapped[str] = mapped_column(String(20), primary_key=True)
    value: Mapped[str] = mapped_column(String(90), primary_key=True)
    accepted: Mapped[int] = mapped_column(BigInteger, default=0)
    people: Mapped[int] = mapped_column(BigInteger, default=0)
    written: Mapped[int] = mapped_column(BigInteger, default=0)
    oral: Mapped[int] = mapped_column(BigInteger, default=0)
    terminated: Mapped[int] = mapped_column(BigInteger, default=0)
    overdue_closed: Mapped[int] = mapped_column(BigInteger, default=0)
    amount_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    open_delta: Mapped[int] = mapped_column(BigInteger, default=0)
    overdue_open_delta: Mapped[int] = mapped_column(BigInteger, default=0)
    conf_applied: Mapped[int] = mapped_column(BigInteger, default=0)
    conf_confirmed: Mapped[int] = mapped_column(BigInteger, default=0)
    followed_m: Mapped[int] = mapped_column(BigInteger, default=0)
    followed_q: Mapped[int] = mapped_column(BigInteger, default=0)
    followed_y: Mapped[int] = mapped_column(BigInteger, default=0)
    performed_m: Mapped[int] = mapped_column(BigInteger, default=0)
    performed_q: Mapped[int] = mapped_column(BigInteger, default=0)
    performed_y: Mapped[int] = mapped_column(BigInteger, default=0)
    criminal_cases_m: Mapped[int] = mapped_column(BigInteger, default=0)
    criminal_cases_q: Mapped[int] = mapped_column(BigInteger, default=0)
    criminal_cases_y: Mapped[int] = mapped_column(BigInteger, default=0)
    criminal_people: Mapped[int] = mapped_column(BigInteger, default=0)
    petition_cases_m: Mapped[int] = mapped_column(BigInteger, default=0)
    petition_cases_q: Mapped[int] = mapped_column(BigInteger, default=0)
    petition_cases_y: Mapped[int] = mapped_column(BigInteger, default=0)
    petition_people: Mapped[int] = mapped_column(BigInteger, default=0)
    suicide_cases_m: Mapped[int] = mapped_column(BigInteger, default=0)
    suicide_cases_q: Mapped[int] = mapped_column(BigInteger, default=0)
    suicide_cases_y: Mapped[int] = mapped_column(BigInteger, default=0)
    suicide_people: Mapped[int] = mapped_column(BigInteger, default=0)
    fight_cases_m: Mapped[int] = mapped_column(BigInteger, default=0)
    fight_cases_q: Mapped[int] = mapped_column(BigInteger, default=0)
    fight_cases_y: Mapped[int] = mapped_column(BigInteger, default=0)
    fight_people: Mapped[int] = mapped_column(BigInteger, default=0)
