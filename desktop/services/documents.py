"""Documents of a case: gather its data, render a form, seal finals, record what was issued.

The committee's seal key is a PKCS#12 in the ``committee_key`` table; its password is kept
in the system keyring (service ``MediationDesk seal``, user ``committee-<id>``). For
unattended runs (batch printing, support) ``MEDIATIONDESK_SEAL_PASSWORD`` may supply it,
like ``MEDIATIONDESK_PASSWORD`` does for the login. Nothing is ever written in plain text.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING, TypeVar

from sqlalchemy import select

from desktop.documents import data as d
from desktop.documents import effect
from desktop.domain.enums import (
    AttachmentCategory,
    ConfirmationRuling,
    DocumentForm,
    FollowUpMethod,
    IdType,
    ParticipantKind,
    ParticipationRole,
    PartyKind,
    PartySide,
    Performance,
    Role,
    Satisfaction,
    SessionKind,
    Sex,
)
from desktop.domain.errors import NotFound, PermissionDenied, ValidationError
from desktop.services import dto
from desktop.services.base import ServiceBase
from desktop.services.files import store_blob
from desktop.store.db import Database
from desktop.store.models import CommitteeKey, Document

if TYPE_CHECKING:
    from desktop.documents.effect import SigningState
    from desktop.documents.seal import CommitteeKeys
    from desktop.documents.verify import VerifyResult

# the forms that take effect on signature, which the GUI asks about too
SIGN_FORMS = effect.SIGN_FORMS
KEYRING_SERVICE = "MediationDesk seal"
PASSWORD_ENV = "MEDIATIONDESK_SEAL_PASSWORD"
_CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I L O U


def new_verification_code() -> str:
    raw = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(10))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


@dataclass(frozen=True)
class IssuedDocument:
    form: DocumentForm
    data: bytes
    sha256: str
    verification_code: str
    final: bool
    pages: int
    document_id: int
    kind: str = "draft"  # draft / unsigned (待签署) / final (sealed)
    signers: tuple[str, ...] = ()  # on a sealed final of a form that takes effect on signature


def _form(form: DocumentForm | str) -> DocumentForm:
    value = form.value if isinstance(form, DocumentForm) else form
    if value not in d.FORM_CODES:
        raise ValidationError(f"文书种类无效：{value}。", field="form")
    return d.FORM_CODES[value]


def _keyring_user(committee_id: int) -> str:
    return f"committee-{committee_id}"


def seal_password(committee_id: int, pkcs12: bytes | None = None) -> str:
    """Environment, this session's memory, then the keyring (see ``services.seal``)."""
    from desktop.services.seal_password import password_for

    if pkcs12 is None:
        with_env = os.environ.get(PASSWORD_ENV)
        if with_env:
            return with_env
        raise ValidationError("找不到印章证书的密码，请在“设置→电子印章”中重新设置。")
    return password_for(committee_id, pkcs12)


class DocumentService(ServiceBase):
    # -- the committee's seal key ----------------------------------------------------------
    def create_seal_key(self, committee_id: int | None = None, *,
                        password: str | None = None) -> str:
        """Generate the committee CA and signing certificate; returns the CA certificate PEM.

        The password (random when not given) goes to the keyring."""
        from desktop.documents.seal import generate_committee_keys

        cid = self._committee_id(committee_id)
        self._require_role(Role.DIRECTOR, Role.ADMIN, what="设置电子印章")
        committee = self._committee(cid)
        password = password or secrets.token_urlsafe(24)
        keys = generate_committee_keys(committee.name, password)
        self._store_password(cid, password)
        self._save_key(cid, keys)
        return keys.ca_cert_pem.decode("ascii")

    def import_seal_key(self, pkcs12: bytes, password: str,
                        committee_id: int | None = None) -> str:
        from desktop.documents.seal import import_pkcs12

        cid = self._committee_id(committee_id)
        self._require_role(Role.DIRECTOR, Role.ADMIN, what="设置电子印章")
        keys = import_pkcs12(pkcs12, password)
        self._store_password(cid, password)
        self._save_key(cid, keys)
        return keys.ca_cert_pem.decode("ascii")

    def _committee_id(self, committee_id: int | None) -> int:
        cid = committee_id or self.actor.committee_id
        if cid is None:
            raise ValidationError("请指定要设置电子印章的调解委员会。", field="committee")
        return cid

    def _store_password(self, committee_id: int, password: str) -> None:
        if os.environ.get(PASSWORD_ENV) == password:
            return  # unattended: the caller keeps it
        from desktop.store import secrets as keyring_store

        missing = "本机没有可用的系统密钥环，无法安全保存印章证书密码。"
        try:
            keyring_store.write_secret(KEYRING_SERVICE, _keyring_user(committee_id), password,
                                       missing=missing)
        except keyring_store.NoKeyring as err:
            if err.__cause__ is None:
                raise ValidationError(missing) from None
            raise ValidationError(f"保存到系统密钥环失败：{err.__cause__}") from None

    def _save_key(self, committee_id: int, keys: CommitteeKeys) -> None:
        from desktop.services.seal import record_key

        with self._write() as tx:
            record_key(tx, committee_id, keys, f"设置电子印章证书：{keys.subject}")

    def trusted_certs(self) -> list[bytes]:
        """CA certificates of every committee key ever used here (old seals stay verifiable)."""
        return trusted_certs(self.db)

    # -- case data -------------------------------------------------------------------------
    def _committee(self, cid: int | None) -> dto.CommitteeView:
        from desktop.services.committees import CommitteeService

        if cid is None:
            raise NotFound("找不到调委会。")
        return CommitteeService(self.db, self.actor).get(cid)

    def case_data(self, case_id: int, *, verification_code: str = "") -> d.CaseDocumentData:
        """The case as the renderers want it (full particulars: printing is audited)."""
        from desktop.services.cases import CaseService
        from desktop.services.committees import CommitteeService
        from desktop.services.files import FileService

        if not self.actor.may_unmask:
            raise PermissionDenied("您的角色不能打印含完整个人信息的调解文书。")
        # Not audited as "viewed": issuing the document is recorded, with its hash.
        detail = CaseService(self.db, self.actor)._get(case_id, unmask=True)
        committee = CommitteeService(self.db, self.actor).get(detail.committee_id)
        seal = CommitteeService(self.db, self.actor).seal_png(detail.committee_id)
        files = FileService(self.db, self.actor)
        data = to_document_data(detail, committee, seal, files.blob, self.actor.display_name,
                                self.today(), verification_code)
        reason = self._archive_explanation(case_id)
        if reason:
            from dataclasses import replace

            data = replace(data, dossier=replace(data.dossier, explanation=reason))
        return data

    def _archive_explanation(self, case_id: int) -> str:
        """The reason recorded when the case was archived with a required item missing."""
        from desktop.store.models import AuditEntry

        with self._read() as s:
            entry = s.scalars(select(AuditEntry).where(
                AuditEntry.case_id == case_id, AuditEntry.action == "archive")
                .order_by(AuditEntry.id.desc())).first()
            summary = entry.summary if entry else ""
        # OutcomeService.archive writes "归档（缺少…，说明：<reason>）".
        if "说明：" not in summary:
            return ""
        missing = summary[summary.find("缺少"):summary.find("，说明：")]
        reason = summary.split("说明：", 1)[1].removesuffix("）")
        return f"本卷{missing}。{reason}".replace("。。", "。")

    # -- issuing ---------------------------------------------------------------------------
    def signing_state(self, case_id: int, form: DocumentForm | str) -> SigningState | None:
        """Who must sign ``form`` and who has; None for a form that needs no signatures to
        take effect (its final may be sealed at any time)."""
        from desktop.documents.effect import require_content, signing_state

        form = _form(form)
        if form not in SIGN_FORMS:
            return None
        data = self.case_data(case_id)
        require_content(form, data)
        return signing_state(form, data)

    def seal_image_configured(self, case_id: int) -> bool:
        """Whether finals will carry the committee's seal image (else: stamp them by hand)."""
        from desktop.services.cases import CaseService
        from desktop.services.committees import CommitteeService

        cid = CaseService(self.db, self.actor).get(case_id).committee_id
        return CommitteeService(self.db, self.actor).seal_png(cid) is not None

    def issue(self, case_id: int, form: DocumentForm | str, *, final: bool = False,
              unsigned: bool = False, glyphs_confirmed: bool = False,
              deliver: Callable[[bytes], object] | None = None) -> IssuedDocument:
        """Render the form and record it: a draft (watermarked), a 待签署 print of a form that
        takes effect on signature (``unsigned``: no watermark, no seal), or a sealed final.

        A form that takes effect on signature is sealed only when every signature is there
        (on the pad, or the signed paper original scanned and attached); otherwise the final
        is refused with what is missing. A final whose text has a character no font prints is
        refused (field "glyphs") until the caller passes ``glyphs_confirmed`` after showing
        the mediator the message.

        ``deliver`` (e.g. writing the file) runs inside the recording transaction: if it
        fails, nothing is recorded."""
        from desktop.documents.effect import (
            append_scans,
            require_content,
            signing_state,
            with_paper_signatures,
        )
        from desktop.documents.render import render

        form = _form(form)
        if final and unsigned:
            raise ValidationError("待签署文本和正式文书只能选一种。", field="final")
        if unsigned and form not in SIGN_FORMS:
            raise ValidationError(f"{form.label}不是签署后生效的文书，没有待签署文本；"
                                  "请生成草稿或正式文书。", field="form")
        data = self.case_data(case_id)
        state = None
        if final and form in SIGN_FORMS:
            require_content(form, data)
            state = signing_state(form, data)
            if not state.complete:
                raise ValidationError(state.refusal(), field="signatures")
            data = with_paper_signatures(data, state)
        code = new_verification_code() if final else ""
        if code:
            from dataclasses import replace

            data = replace(data, verification_code=code)
        pdf = render(form, data, d.RenderOptions(final=final, unsigned=unsigned,
                                                 glyphs_confirmed=glyphs_confirmed))
        if state is not None and state.scans and any(g.kind == "纸质签名扫描件"
                                                     for g in state.signers):
            pdf = append_scans(pdf, state.scans, form)
        if final:
            pdf = self._seal(case_id, form, pdf, data, code,
                             state.signed() if state is not None else ())
        from pypdf import PdfReader

        pages = len(PdfReader(io.BytesIO(pdf)).pages)
        sha = hashlib.sha256(pdf).hexdigest()
        kind = "final" if final else "unsigned" if unsigned else "draft"
        what = {"final": "正式", "unsigned": "待签署", "draft": "草稿"}[kind]
        no_seal = "，无印章图像，须加盖实物印章" if final and not data.committee.seal_png else ""
        with self._write() as tx:
            blob = store_blob(tx.session, pdf)
            row = Document(case_id=case_id, form=form.value, final=final, kind=kind, sha256=sha,
                           blob_sha256=blob, verification_code=code, pages=pages,
                           user_id=self.actor.user_id or None)
            tx.session.add(row)
            tx.session.flush()
            tx.audit("document", "document", row.id,
                     f"生成{what}{form.label}（{pages}页{no_seal}）",
                     case_id=case_id, sha256=sha, code=code)
            doc_id = row.id
            if deliver is not None:
                deliver(pdf)
        return IssuedDocument(form, pdf, sha, code, final, pages, doc_id, kind,
                              state.signed() if state is not None and final else ())

    def _seal(self, case_id: int, form: DocumentForm, pdf: bytes,
              data: d.CaseDocumentData, code: str, signers: tuple[str, ...] = ()) -> bytes:
        from desktop.documents.seal import seal_pdf
        from desktop.services.cases import CaseService

        cid = CaseService(self.db, self.actor).get(case_id).committee_id
        with self._read() as s:
            key = s.scalars(select(CommitteeKey).where(CommitteeKey.committee_id == cid,
                                                       CommitteeKey.active)
                            .order_by(CommitteeKey.id.desc())).first()
            if key is None:
                raise ValidationError("调委会尚未设置电子印章证书，不能生成正式文书。"
                                      "请主任在“设置→电子印章”中生成或导入证书。")
            p12 = key.pkcs12
        sealed = seal_pdf(pdf, p12, seal_password(cid, p12), form_code=form.value,
                          form_label=form.label, case_number=data.case.number,
                          verification_code=code, committee=data.committee.name,
                          signers=signers)
        return sealed.data

    def missing_glyphs(self, case_id: int) -> list[str]:
        """Characters of the case no shipped font can print: warn, naming them, before printing."""
        from desktop.documents.data import printable_text
        from desktop.documents.fonts import missing_glyphs

        return missing_glyphs(printable_text(self.case_data(case_id)))

    def verify(self, data: bytes) -> tuple[VerifyResult, dto.DocumentView | None]:
        """Check a PDF against every committee CA here; also say whether we issued it."""
        from desktop.documents.verify import verify_pdf

        result = verify_pdf(data, self.trusted_certs())
        return result, self.find_issued(hashlib.sha256(data).hexdigest())

    def verify_code(self, code: str) -> tuple[VerifyResult, dto.DocumentView]:
        """The recorded document with this verification code, checked as its file would be."""
        return verify_code(self.db, code)

    def find_issued(self, sha256: str) -> dto.DocumentView | None:
        return find_issued(self.db, sha256)


def trusted_certs(db: Database) -> list[bytes]:
    with db.read() as s:
        return [bytes(k.ca_cert_pem) for k in s.scalars(select(CommitteeKey))]


def _document_view(doc: Document) -> dto.DocumentView:
    return dto.DocumentView(doc.id, doc.form, doc.final, doc.sha256, doc.verification_code,
                            doc.pages, doc.created_at, doc.kind)


def find_issued(db: Database, sha256: str) -> dto.DocumentView | None:
    with db.read() as s:
        doc = s.scalars(select(Document).where(Document.sha256 == sha256)).first()
        return _document_view(doc) if doc is not None else None


CODE_PATTERN = re.compile(r"^[0-9A-Za-z]{4}-?[0-9A-Za-z]{4}-?[0-9A-Za-z]{2}$")


def normalize_code(text: str) -> str:
    """'7k3q m9tx 2b', '7K3QM9TX2B' → '7K3Q-M9TX-2B' (Crockford: O→0, I/L→1)."""
    raw = re.sub(r"[\s\-－—]", "", text).upper().translate(str.maketrans("OIL", "011"))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}" if len(raw) == 10 else text.strip().upper()


def looks_like_code(text: str) -> bool:
    return bool(CODE_PATTERN.match(re.sub(r"\s", "", text)))


def verify_code(db: Database, code: str) -> tuple[VerifyResult, dto.DocumentView]:
    """Look the code up among the sealed documents recorded here and verify the stored file."""
    from desktop.documents.verify import verify_pdf
    from desktop.store.models import Blob

    code = normalize_code(code)
    with db.read() as s:
        doc = s.scalars(select(Document).where(Document.verification_code == code)
                        .order_by(Document.id.desc())).first()
        if doc is None:
            raise NotFound(f"核验码 {code} 没有登记：本调委会未出具过带此核验码的文书，"
                           "请核对核验码（可能来自伪造或他处的文书）。")
        view = _document_view(doc)
        blob = s.get(Blob, doc.blob_sha256)
        data = bytes(blob.data) if blob is not None else b""
    return verify_pdf(data, trusted_certs(db)), view


E = TypeVar("E", bound=Enum)


def _enum(cls: type[E], value: str | None, default: E) -> E:
    for member in cls:
        if member.value == value:
            return member
    return default


def _opt_enum(cls: type[E], value: str | None) -> E | None:
    for member in cls:
        if member.value == value:
            return member
    return None


def to_document_data(detail: dto.CaseDetail, committee: dto.CommitteeView,
                     seal_png: bytes | None, blob: Callable[[str], bytes], filed_by: str,
                     today: dt.date, verification_code: str = "") -> d.CaseDocumentData:
    """Map the services' case detail onto the renderers' plain data."""
    parties = tuple(
        d.Party(name=p.name, side=_enum(PartySide, p.side, PartySide.PARTY),
                kind=_enum(PartyKind, p.kind, PartyKind.PERSON), sex=_opt_enum(Sex, p.sex),
                ethnicity=p.ethnicity, birth_date=p.birth_date,
                id_type=_enum(IdType, p.id_type, IdType.RESIDENT), id_number=p.id_number,
                occupation=p.occupation, address=p.address, phone=p.phone,
                credit_code=p.credit_code, legal_rep=p.legal_rep,
                legal_rep_title=p.legal_rep_title, agent_name=p.agent_name,
                agent_relation=p.agent_relation, agent_phone=p.agent_phone)
        for p in sorted(detail.parties, key=lambda p: p.sort_order))

    def session(v: dto.SessionView) -> d.Session:
        return d.Session(
            started_at=v.started_at, ended_at=v.ended_at, place=v.place, content=v.content,
            result=v.result, recorder=v.recorder, interviewee=v.interviewee,
            participants=tuple(
                d.Participant(x.name, _enum(ParticipantKind, x.kind, ParticipantKind.INVITED),
                              _enum(ParticipationRole, x.role, ParticipationRole.PARTICIPANT),
                              x.unit, x.title, x.number) for x in v.participants))

    sessions = tuple(session(v) for v in detail.sessions if v.kind != SessionKind.INVESTIGATION)
    investigations = tuple(session(v) for v in detail.sessions
                           if v.kind == SessionKind.INVESTIGATION)
    mediators: list[str] = [detail.mediator_name] if detail.mediator_name else []
    for s in sessions:
        for x in s.participants:
            if x.kind == ParticipantKind.MEDIATOR and x.name not in mediators:
                mediators.append(x.name)
    # Whoever signed as the mediator is one (the outcome service took the signature): a
    # director or administrator who registered and mediated a case without a session record
    # has no other trace, and the agreement in effect still printed as 待签署 for ever.
    for g in detail.signatures:
        if g.signer_kind == "mediator" and g.signer_name and g.signer_name not in mediators:
            mediators.append(g.signer_name)
    ag = detail.agreement
    agreement = None
    if ag is not None:
        agreement = d.AgreementInfo(
            facts=ag.facts, disputed_matters=ag.disputed_matters,
            responsibilities=ag.responsibilities,
            obligations=tuple(d.Obligation(o.payer_name, o.payee_name, o.content, o.amount,
                                           o.manner, o.deadline) for o in ag.obligations),
            performance_manner=ag.performance_manner,
            performance_deadline=ag.performance_deadline, other_terms=ag.other_terms,
            signed_on=ag.effective_on or detail.closed_on)
    oral = detail.oral_agreement
    term = detail.terminations[-1] if detail.terminations else None
    conf = detail.confirmation
    ruling = _opt_enum(ConfirmationRuling, conf.ruling) if conf else None
    sig_party: list[d.Signature] = []
    sig_med: list[d.Signature] = []
    for g in detail.signatures:
        png = blob(g.png_sha256) if g.png_sha256 and not g.on_paper else None
        (sig_med if g.signer_kind == "mediator" else sig_party).append(
            d.Signature(g.signer_name, png, g.form,
                        g.signed_at.date() if g.signed_at and png else None))
    attachments = []
    for a in detail.attachments:
        if a.mime in ("application/pdf", "image/png", "image/jpeg"):
            attachments.append(d.AttachmentFile(
                a.note or a.filename, _enum(AttachmentCategory, a.category,
                                            AttachmentCategory.OTHER), a.mime, blob(a.sha256)))
    return d.CaseDocumentData(
        committee=d.CommitteeInfo(committee.name, committee.short_name, committee.address,
                                  committee.phone, seal_png),
        case=d.CaseHeader(
            number=detail.number or "（未受理）", title=detail.title,
            dispute_type=detail.dispute_type_label, source=detail.source_label,
            referring_unit=detail.referring_unit,
            registered_on=detail.registered_at.date() if detail.registered_at else None,
            accepted_on=detail.accepted_on, closed_on=detail.closed_on, facts=detail.facts,
            requests=detail.requests, registrar=detail.mediator_name),
        parties=parties,
        mediators=tuple(mediators),
        sessions=sessions,
        investigations=investigations,
        agreement=agreement,
        oral=(d.OralAgreementInfo(oral.facts, oral.content, oral.performance, oral.amount,
                                  oral.reached_on) if oral else None),
        termination=(d.TerminationInfo(term.reason, term.terminated_on, term.remedies)
                     if term else None),
        followups=tuple(
            d.FollowUpInfo(f.visited_on, _enum(FollowUpMethod, f.method, FollowUpMethod.OTHER),
                           _enum(Performance, f.performance, Performance.NOT_DUE),
                           _enum(Satisfaction, f.satisfaction, Satisfaction.SATISFIED),
                           f.lawsuit, f.escalation_risk, "", f.findings, f.action, f.visitor)
            for f in detail.follow_ups),
        confirmation=(d.ConfirmationInfo(
            conf.court, conf.filed_on, agreement.signed_on if agreement else None,
            ruling.label if ruling and ruling != ConfirmationRuling.PENDING else "",
            conf.ruling_on, conf.ruling_number) if conf else None),
        attachments=tuple(attachments),
        party_signatures=tuple(sig_party),
        mediator_signatures=tuple(sig_med),
        dossier=d.DossierInfo(filed_by=filed_by, filed_on=detail.archived_on or today),
        verification_code=verification_code,
        today=today,
    )
