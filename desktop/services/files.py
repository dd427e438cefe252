"""Bytes attached to a case: scans and photos (attachments), and autosaved drafts."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import mimetypes
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from desktop.domain import workflow
from desktop.domain.enums import AttachmentCategory
from desktop.domain.errors import NotFound, ValidationError
from desktop.services.base import Tx
from desktop.services.dto import AttachmentView
from desktop.services.editing import CaseEditingService
from desktop.store.models import Attachment, Blob, Case, Draft

MAX_ATTACHMENT = 50 * 1024 * 1024
ALLOWED_MIME = ("application/pdf", "image/png", "image/jpeg", "image/tiff", "image/bmp",
                "image/gif", "image/webp")


def store_blob(session: Session, data: bytes) -> str:
    sha = hashlib.sha256(data).hexdigest()
    if session.get(Blob, sha) is None:
        session.add(Blob(sha256=sha, size=len(data), data=data))
        session.flush()
    return sha


def sniff_mime(filename: str, data: bytes) -> str:
    if data.startswith(b"%PDF"):
        return "application/pdf"
    if data.startswith(b"\x89PNG"):
        return "image/png"
    if data[:3] == b"\xff\xd8\xff":
        return "image/jpeg"
    if data[:4] in (b"II*\x00", b"MM\x00*"):
        return "image/tiff"
    return mimetypes.guess_type(filename)[0] or "application/octet-stream"


def check_attachment(filename: str, data: bytes, category: str) -> str:
    """The file's MIME type, or a ValidationError naming what to fix (before any write)."""
    try:
        AttachmentCategory(category)
    except ValueError:
        raise ValidationError("请选择材料类别。", field="category") from None
    if not data:
        raise ValidationError(f"文件“{filename}”是空的。", field="file")
    if len(data) > MAX_ATTACHMENT:
        raise ValidationError(f"文件“{filename}”超过 50 MB，请压缩或分页扫描后再上传。", field="file")
    mime = sniff_mime(filename, data)
    if mime not in ALLOWED_MIME:
        raise ValidationError(f"不支持的文件类型：{filename}。请上传 PDF 或图片（PNG、JPEG、TIFF）。",
                              field="file")
    return mime


def attach(tx: Tx, case: Case, filename: str, data: bytes, category: str, mime: str,
           note: str = "") -> Attachment:
    """Add a checked file to a case inside the caller's transaction (so an operation that
    also writes something else commits both or neither)."""
    workflow.check_transition("attach", case.status, tx.actor.role)
    s = tx.session
    sha = store_blob(s, data)
    a = Attachment(case_id=case.id, category=category, filename=filename[:200], mime=mime,
                   sha256=sha, size=len(data), note=note.strip(),
                   user_id=tx.actor.user_id or None)
    s.add(a)
    s.flush()
    tx.audit("attach", "attachment", a.id,
             f"添加{AttachmentCategory(category).label}：{filename}（SHA-256 {sha[:12]}…）",
             case_id=case.id, sha256=sha)
    return a


class FileService(CaseEditingService):
    def add_attachment(self, case_id: int, filename: str, data: bytes, category: str,
                       note: str = "") -> AttachmentView:
        mime = check_attachment(filename, data, category)
        with self._write() as tx:
            case = self._load_case(tx.session, case_id, for_update=True)
            self._require_case_editor(case)
            a = attach(tx, case, filename, data, category, mime, note)
            return AttachmentView(a.id, a.category, a.filename, a.mime, a.size, a.sha256, a.note,
                                  a.added_at)

    def attachment_data(self, attachment_id: int) -> tuple[AttachmentView, bytes]:
        with self._read() as s:
            a = s.get(Attachment, attachment_id)
            if a is None:
                raise NotFound("该材料不存在。")
            self._load_case(s, a.case_id)
            blob = s.get(Blob, a.sha256)
            assert blob is not None
            return (AttachmentView(a.id, a.category, a.filename, a.mime, a.size, a.sha256,
                                   a.note, a.added_at), blob.data)

    def blob(self, sha256: str) -> bytes:
        """Bytes of a scan, signature or PDF, only if it belongs to a case the caller may see."""
        from desktop.store.models import Case, Document, Signature

        with self._read() as s:
            blob = s.get(Blob, sha256)
            if blob is None:
                raise NotFound("文件不存在。")
            if not self.actor.spans_deployment:
                owners = select(Case.id).where(Case.committee_id == self.actor.committee_id)
                refs = [select(Attachment.id).where(Attachment.sha256 == sha256,
                                                    Attachment.case_id.in_(owners)),
                        select(Signature.id).where(Signature.png_sha256 == sha256,
                                                   Signature.case_id.in_(owners)),
                        select(Document.id).where(Document.blob_sha256 == sha256,
                                                  Document.case_id.in_(owners))]
                if not any(s.scalars(q.limit(1)).first() for q in refs):
                    raise NotFound("文件不存在，或您无权查看。")
            return blob.data

    # -- drafts (autosave) -----------------------------------------------------------------
    def save_draft(self, key: str, data: dict[str, Any], title: str = "") -> None:
        payload = json.dumps(data, ensure_ascii=False, default=str)
        self._require_password_changed()
        with self.db.write() as s:  # no audit: a draft is the user's scratch pad
            row = s.scalars(select(Draft).where(Draft.user_id == self.actor.user_id,
                                                Draft.key == key)).first()
            if row is None:
                s.add(Draft(user_id=self.actor.user_id, key=key, title=title[:200],
                            payload=payload))
            else:
                row.payload, row.title = payload, title[:200]
                row.saved_at = dt.datetime.now().replace(microsecond=0)

    def load_draft(self, key: str) -> dict[str, Any] | None:
        with self._read() as s:
            row = s.scalars(select(Draft).where(Draft.user_id == self.actor.user_id,
                                                Draft.key == key)).first()
            return json.loads(row.payload) if row else None

    def list_drafts(self) -> list[tuple[str, str, dt.datetime]]:
        with self._read() as s:
            return [(d.key, d.title, d.saved_at) for d in s.scalars(
                select(Draft).where(Draft.user_id == self.actor.user_id)
                .order_by(Draft.saved_at.desc()))]

    def delete_draft(self, key: str) -> None:
        self._require_password_changed()
        with self.db.write() as s:
            s.execute(delete(Draft).where(Draft.user_id == self.actor.user_id, Draft.key == key))


class Drafts:
    """``desk.drafts`` shorthand used by the GUI: save/load/list/delete."""

    def __init__(self, files: FileService) -> None:
        self.save = files.save_draft
        self.load = files.load_draft
        self.list = files.list_drafts
        self.delete = files.delete_draft
