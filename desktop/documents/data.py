"""Plain data the renderers take. The services fill these in; renderers never touch a database.

Labels are already resolved (dispute type, source names as the committee configured them);
dates are ``datetime.date``, amounts ``Decimal``. Images are PNG/JPEG bytes.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass, field
from decimal import Decimal

from desktop.domain.enums import (
    AttachmentCategory,
    DocumentForm,
    FollowUpMethod,
    IdType,
    ParticipantKind,
    ParticipationRole,
    PartyKind,
    PartySide,
    Performance,
    Satisfaction,
    Sex,
)


@dataclass(frozen=True)
class CommitteeInfo:
    name: str  # 青山街道人民调解委员会
    short_name: str = ""
    address: str = ""
    phone: str = ""
    seal_png: bytes | None = None  # scanned seal image, placed on finals only


@dataclass(frozen=True)
class CaseHeader:
    number: str  # （2026）青人调字第0001号
    title: str = ""
    dispute_type: str = ""  # 邻里纠纷 …
    source: str = ""  # 当事人申请 …
    referring_unit: str = ""
    registered_on: dt.date | None = None
    accepted_on: dt.date | None = None
    closed_on: dt.date | None = None
    facts: str = ""  # 纠纷简要情况
    requests: str = ""  # 申请事项
    registrar: str = ""  # 登记人


@dataclass(frozen=True)
class Party:
    name: str
    side: PartySide = PartySide.APPLICANT
    kind: PartyKind = PartyKind.PERSON
    label: str = ""  # overrides the side label, e.g. 当事人甲
    sex: Sex | None = None
    ethnicity: str = ""
    birth_date: dt.date | None = None
    age: int | None = None
    id_type: IdType = IdType.RESIDENT
    id_number: str = ""
    occupation: str = ""
    address: str = ""
    phone: str = ""
    credit_code: str = ""
    legal_rep: str = ""
    legal_rep_title: str = ""
    agent_name: str = ""
    agent_relation: str = ""
    agent_phone: str = ""

    @property
    def side_label(self) -> str:
        return self.label or self.side.label


@dataclass(frozen=True)
class Participant:
    name: str
    kind: ParticipantKind
    role: ParticipationRole = ParticipationRole.PARTICIPANT
    unit: str = ""
    title: str = ""
    number: str = ""  # 警号 / 工作证号 / 执业证号


@dataclass(frozen=True)
class Session:
    started_at: dt.datetime
    ended_at: dt.datetime | None = None
    place: str = ""
    participants: tuple[Participant, ...] = ()
    content: str = ""
    result: str = ""
    recorder: str = ""
    interviewee: str = ""  # investigations: 被调查人
    interviewee_details: str = ""  # 性别、年龄、住址、与当事人关系 …


class ObligationKind(str, enum.Enum):
    """What kind of duty a clause states; it decides how the clause is phrased."""

    PAYMENT = "payment"  # 支付/赔偿/补偿 money
    ACT = "act"  # do something: 修复防水层, 清理通道
    REFRAIN = "refrain"  # not do something: 不得再在楼道堆放杂物
    RETURN = "return"  # give back property: 将电动车返还给王𠮷


@dataclass(frozen=True)
class Obligation:
    payer: str  # who owes the duty
    payee: str  # to whom; "" when nobody in particular (修复防水层)
    content: str  # 支付赔偿款 / 拆除围墙 / 不得再在楼道堆放杂物 / 返还电动车一辆 …
    amount: Decimal | None = None
    manner: str = ""
    deadline: dt.date | None = None
    kind: ObligationKind | None = None  # None: read from the amount and the wording

    @property
    def effective_kind(self) -> ObligationKind:
        if self.kind is not None:
            return self.kind
        text = self.content.strip()
        if text.startswith(REFRAIN_VERBS):
            return ObligationKind.REFRAIN
        if self.amount is not None:
            return ObligationKind.PAYMENT
        if text.startswith(RETURN_VERBS) or ("返还" in text and text.startswith("将")):
            return ObligationKind.RETURN
        if text.startswith(PAYMENT_VERBS):
            return ObligationKind.PAYMENT
        return ObligationKind.ACT


PAYMENT_VERBS = ("支付", "给付", "赔偿", "补偿", "偿还", "退还", "垫付", "付清")
RETURN_VERBS = ("返还", "归还", "退还", "交还")
REFRAIN_VERBS = ("不得", "不再", "停止", "禁止", "不应", "不予")


@dataclass(frozen=True)
class Signature:
    signer: str
    png: bytes | None = None  # captured on the signature pad; None = sign on paper
    form: str = ""  # DocumentForm value it was captured for; "" = any form
    signed_on: dt.date | None = None
    on_paper: bool = False  # signed on the paper original (its scan is attached)


@dataclass(frozen=True)
class AgreementInfo:
    facts: str
    disputed_matters: str
    responsibilities: str
    obligations: tuple[Obligation, ...]
    performance_manner: str = ""
    performance_deadline: dt.date | None = None
    other_terms: str = ""
    signed_on: dt.date | None = None  # date printed under the seal


@dataclass(frozen=True)
class OralAgreementInfo:
    facts: str
    content: str
    performance: str = ""
    amount: Decimal | None = None
    reached_on: dt.date | None = None


@dataclass(frozen=True)
class TerminationInfo:
    reason: str
    terminated_on: dt.date
    remedies: str = ""  # extra text; the standard remedies are always printed


@dataclass(frozen=True)
class FollowUpInfo:
    visited_on: dt.date
    method: FollowUpMethod
    performance: Performance
    satisfaction: Satisfaction = Satisfaction.SATISFIED
    lawsuit: bool = False
    escalation_risk: bool = False
    matter: str = ""  # 回访事项
    findings: str = ""
    action: str = ""
    visitor: str = ""


@dataclass(frozen=True)
class ConfirmationInfo:
    court: str
    filed_on: dt.date | None = None
    agreement_effective_on: dt.date | None = None
    ruling: str = ""  # label, e.g. 裁定确认有效
    ruling_on: dt.date | None = None
    ruling_number: str = ""
    requests: str = ""  # extra request text


@dataclass(frozen=True)
class AttachmentFile:
    title: str
    category: AttachmentCategory
    mime: str  # application/pdf, image/png, image/jpeg
    data: bytes


@dataclass(frozen=True)
class DossierInfo:
    volume_name: str = ""  # 卷名; default: "<parties> <type>纠纷"
    filed_by: str = ""  # 立卷人
    filed_on: dt.date | None = None  # 立卷日期
    retention: str = "长期"  # 保管期限
    remarks: str = ""  # 备注
    explanation: str = ""  # 卷宗情况说明 (also the reason for missing required items)
    reviewer: str = ""  # 检查人 on the 备考表


@dataclass(frozen=True)
class CaseDocumentData:
    """Everything about one case that any form may print."""

    committee: CommitteeInfo
    case: CaseHeader
    parties: tuple[Party, ...]
    mediators: tuple[str, ...] = ()
    sessions: tuple[Session, ...] = ()  # mediation sessions (人民调解记录)
    investigations: tuple[Session, ...] = ()  # 调查记录
    agreement: AgreementInfo | None = None
    oral: OralAgreementInfo | None = None
    termination: TerminationInfo | None = None
    followups: tuple[FollowUpInfo, ...] = ()
    confirmation: ConfirmationInfo | None = None
    attachments: tuple[AttachmentFile, ...] = ()
    party_signatures: tuple[Signature, ...] = ()
    mediator_signatures: tuple[Signature, ...] = ()
    dossier: DossierInfo = field(default_factory=DossierInfo)
    verification_code: str = ""  # printed and put in the QR code
    today: dt.date | None = None  # date printed when a form has no other date

    def for_form(self, form: str) -> CaseDocumentData:
        """The same data with only the signatures captured for ``form``.

        A signature given on the agreement must not appear on, say, the registration form.
        """
        from dataclasses import replace

        def keep(sigs: tuple[Signature, ...]) -> tuple[Signature, ...]:
            return tuple(g for g in sigs if g.form in ("", form))

        return replace(self, party_signatures=keep(self.party_signatures),
                       mediator_signatures=keep(self.mediator_signatures))

    def people(self) -> list[str]:
        """Names of the people in the case (never split across lines when printed).

        Organisations' names are long and may wrap like any text."""
        names = [p.name for p in self.parties if p.kind == PartyKind.PERSON or len(p.name) <= 8]
        names += [n for p in self.parties
                  for n in (p.agent_name, p.legal_rep, p.ethnicity, p.occupation)]
        names += list(self.mediators) + [self.case.registrar]
        for s in self.sessions + self.investigations:
            names += [s.recorder, s.interviewee, *(x.name for x in s.participants)]
        names += [f.visitor for f in self.followups]
        names += [self.dossier.filed_by, self.dossier.reviewer]
        return [n for n in names if n and len(n) <= 12]

    def signed_on(self, name: str) -> dt.date | None:
        for sig in self.party_signatures:
            if sig.signer == name and sig.png and sig.signed_on:
                return sig.signed_on
        return None

    def signature_of(self, name: str, *, mediator: bool = False) -> bytes | None:
        pool = self.mediator_signatures if mediator else self.party_signatures
        for sig in pool:
            if sig.signer == name and sig.png:
                return sig.png
        return None


def mediator_names(data: CaseDocumentData) -> list[str]:
    """The mediators named on the case, else those who attended its sessions."""
    if data.mediators:
        return list(data.mediators)
    names: list[str] = []
    for s in data.sessions:
        for part in s.participants:
            if part.kind == ParticipantKind.MEDIATOR and part.name not in names:
                names.append(part.name)
    return names


@dataclass(frozen=True)
class RenderOptions:
    final: bool = False  # finals carry the seal image and no 草稿 watermark
    # 待签署: the print the parties sign; no watermark, no seal, marked in the page header
    unsigned: bool = False
    # A final whose text has characters no font prints is refused until the mediator has
    # confirmed the warning (fonts.glyph_check(...).message).
    glyphs_confirmed: bool = False


FORM_CODES: dict[str, DocumentForm] = {form.value: form for form in DocumentForm}


def printable_text(obj: object) -> str:
    """Every string in the data (what the forms may print), for the missing-glyph check."""
    import dataclasses

    out: list[str] = []

    def walk(o: object) -> None:
        if isinstance(o, str):
            out.append(o)
        elif dataclasses.is_dataclass(o) and not isinstance(o, type):
            for f in dataclasses.fields(o):
                walk(getattr(o, f.name))
        elif isinstance(o, (tuple, list)):
            for x in o:
                walk(x)

    walk(obj)
    return "\n".join(out)
