"""Case exchange: every field of a case out (XLSX, CSV or JSON), and the JSON back in.

``export_cases`` writes one row per case (XLSX/CSV, for the justice bureau's or a province's
platform) or one object per case (JSON, described by ``docs/exchange/cases-v1.schema.json``).
A JSON object carries a readable part (registration, parties, sessions with joint-mediation
participants, agreement and obligations, follow-ups, judicial confirmation, history) and the
case's own rows (``rows``), so ``import_cases`` on another installation — a township desk
moving its cases to the county server — rebuilds the same case with the same number, history
and documents. Users travel by login name, committees by name, files by SHA-256.

Incremental exports: an export to a named target records the highest audit entry it covered
(``export_mark``), and ``changed=True`` sends only the cases with an audited change after it.
Every export and import is audited; masked exports apply the masking rules.
"""

from __future__ import annotations

import base64
import csv
import datetime as dt
import hashlib
import io
import json
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Table, func, select
from sqlalchemy.orm import Session

from desktop.domain.dates import format_datetime
from desktop.domain.enums import (
    CaseStatus,
    ConfirmationRuling,
    DocumentForm,
    ParticipantKind,
    Performance,
    Role,
)
from desktop.domain.errors import PermissionDenied, ValidationError
from desktop.domain.masking import mask_id_number, mask_phone
from desktop.reports import aggregate
from desktop.services.base import ServiceBase
from desktop.store.backup import _decode as decode_value
from desktop.store.backup import _encode as encode_value
from desktop.store.models import (
    AuditEntry,
    Base,
    Blob,
    Case,
    Committee,
    ExportMark,
    Lookup,
    User,
)

FORMAT = "mediationdesk-cases/1"
SCHEMA_ID = "https://mediationdesk.invalid/exchange/cases-v1.schema.json"
# The case's own rows, parents before children; search terms are rebuilt, not carried.
CASE_TABLES = ("party", "mediation_session", "session_participant", "agreement", "obligation",
               "oral_agreement", "termination", "deadline_extension", "referral", "risk_flag",
               "follow_up", "judicial_confirmation", "signature", "document", "attachment",
               "external_ref")
VIA_PARENT = {"session_participant": ("session_id", "mediation_session"),
              "obligation": ("agreement_id", "agreement")}
READ_ACTIONS = {"unmask", "export_report", "export_cases", "export_results"}
PERSONAL = ("id_number", "phone", "address", "agent_phone")


def _table(name: str) -> Table:
    return Base.metadata.tables[name]


def _user_columns(table: Table) -> set[str]:
    return {c.name for c in table.columns
            if any(fk.target_fullname == "app_user.id" for fk in c.foreign_keys)}


def _fk_map(table: Table) -> dict[str, str]:
    """Column -> referenced table, for the id columns remapped on import."""
    return {c.name: next(iter(c.foreign_keys)).column.table.name for c in table.columns
            if c.foreign_keys and next(iter(c.foreign_keys)).column.table.name not in
            ("app_user", "blob", "committee")}


@dataclass
class ExportResult:
    cases: int
    out: Path
    target: str = ""
    documents: int = 0


@dataclass
class ImportResult:
    new: int = 0
    updated: int = 0
    numbers: list[str] = field(default_factory=list)

    @property
    def summary(self) -> str:
        return f"导入完成：新增案件 {self.new} 件，更新已有案件 {self.updated} 件。"


class ExchangeService(ServiceBase):
    # -- which cases ---------------------------------------------------------------------------
    def _require_exporter(self) -> None:
        if self.actor.role not in (Role.DIRECTOR, Role.ADMIN, Role.READONLY, Role.MEDIATOR):
            raise PermissionDenied("您的角色无权导出案件。")

    def _committee_ids(self, s: Session, names: Sequence[str]) -> list[int] | None:
        if not names:
            return None if self.actor.spans_deployment else [self.actor.committee_id or 0]
        rows = dict(s.execute(select(Committee.name, Committee.id)
                              .where(Committee.name.in_(list(names)))).all())
        missing = [n for n in names if n not in rows]
        if missing:
            raise ValidationError(f"找不到调委会“{missing[0]}”。", field="committee")
        ids = list(rows.values())
        if not self.actor.spans_deployment and ids != [self.actor.committee_id]:
            raise PermissionDenied("只能导出本调委会的案件。")
        return ids

    def select_cases(self, s: Session, *, date_from: dt.date | None, date_to: dt.date | None,
                     committees: Sequence[str] = (), after_audit: int | None = None) -> list[int]:
        stmt = select(Case.id).order_by(Case.id)
        ids = self._committee_ids(s, committees)
        if ids is not None:
            stmt = stmt.where(Case.committee_id.in_(ids))
        if date_from:
            stmt = stmt.where(Case.registered_at >= dt.datetime.combine(date_from, dt.time()))
        if date_to:
            stmt = stmt.where(Case.registered_at < dt.datetime.combine(
                date_to + dt.timedelta(days=1), dt.time()))
        if after_audit is not None:
            stmt = stmt.where(Case.id.in_(select(AuditEntry.case_id).where(
                AuditEntry.id > after_audit, AuditEntry.case_id.is_not(None),
                AuditEntry.action.not_in(READ_ACTIONS))))
        return list(s.scalars(stmt))

    # -- reading one case ------------------------------------------------------------------------
    def _rows(self, s: Session, case_id: int, usernames: Mapping[int, str]
              ) -> tuple[dict[str, list[dict[str, Any]]], set[str]]:
        out: dict[str, list[dict[str, Any]]] = {}
        blobs: set[str] = set()
        ids: dict[str, list[int]] = {}
        for name in ("mediation_case", *CASE_TABLES):
            t = _table(name)
            if name == "mediation_case":
                cond = t.c.id == case_id
            elif name in VIA_PARENT:
                col, parent = VIA_PARENT[name]
                cond = t.c[col].in_(ids.get(parent) or [-1])
            else:
                cond = t.c.case_id == case_id
            order = t.c.id if "id" in t.c else next(iter(t.primary_key.columns))
            users = _user_columns(t)
            rows: list[dict[str, Any]] = []
            for r in s.execute(select(t).where(cond).order_by(order)).mappings():
                row: dict[str, Any] = {}
                for c in t.columns:
                    v = r[c.name]
                    if c.name in users:
                        row[c.name] = usernames.get(v) if v is not None else None
                    elif c.name == "committee_id":
                        row[c.name] = None  # travels by name, see "committee"
                    else:
                        row[c.name] = encode_value(c, v)
                    if c.foreign_keys and next(iter(c.foreign_keys)).column.table.name == "blob" \
                            and v:
                        blobs.add(v)
                if name == "mediation_case" and row.get("co_mediator_ids"):
                    row["co_mediator_ids"] = ",".join(
                        usernames.get(int(x), "") for x in str(row["co_mediator_ids"]).split(",")
                        if x.strip().isdecimal())
                rows.append(row)
            out[name] = rows
            ids[name] = [r["id"] for r in rows if "id" in r]
        return out, blobs

    def _readable(self, rows: Mapping[str, list[dict[str, Any]]], committee: str,
                  labels: Mapping[tuple[str, str], str], names: Mapping[str, str],
                  history: list[dict[str, Any]], masked: bool) -> dict[str, Any]:
        case = rows["mediation_case"][0]

        def who(username: str | None) -> str:
            return names.get(username or "", username or "")

        def personal(key: str, value: Any) -> Any:
            if not masked or not value or key not in PERSONAL:
                return value
            if key == "id_number":
                return mask_id_number(value)
            if key in ("phone", "agent_phone"):
                return mask_phone(value)
            return "***"

        parties = [{k: personal(k, v) for k, v in p.items()
                    if k not in ("case_id", "version", "sort_order")} for p in rows["party"]]
        by_party = {p["id"]: p["name"] for p in rows["party"]}
        sessions = []
        for sess in rows["mediation_session"]:
            parts = [dict(p, user_id=who(p.get("user_id"))) for p in rows["session_participant"]
                     if p["session_id"] == sess["id"]]
            sessions.append(dict(sess, created_by=who(sess.get("created_by")), participants=parts))
        agreement = rows["agreement"][0] if rows["agreement"] else None
        if agreement is not None:
            agreement = dict(agreement, obligations=[
                dict(o, payer=by_party.get(o.get("payer_party_id"), ""),
                     payee=by_party.get(o.get("payee_party_id"), ""))
                for o in rows["obligation"] if o["agreement_id"] == agreement["id"]])
        return {
            "number": case["number"], "committee": committee,
            "status": case["status"], "status_label": CaseStatus(case["status"]).label,
            "title": case["title"],
            "dispute_type": case["dispute_type"],
            "dispute_type_label": labels.get(("dispute_type", case["dispute_type"]), ""),
            "source": case["source"], "source_label": labels.get(("source", case["source"]), ""),
            "referring_unit": case["referring_unit"], "referral_ref": case["referral_ref"],
            "external_refs": [{"source": e["source"], "ref": e["ref"]} for e in rows["external_ref"]],
            "registered_at": case["registered_at"], "accepted_on": case["accepted_on"],
            "deadline": case["deadline"], "closed_on": case["closed_on"],
            "archived_on": case["archived_on"], "outcome": case["outcome"],
            "mediator": who(case["mediator_id"]), "people_involved": case["people_involved"],
            "facts": case["facts"], "requests": case["requests"],
            "amount_claimed": case["amount_claimed"], "agreed_amount": case["agreed_amount"],
            "joint_mask": case["joint_mask"], "risk_level": case["risk_level"],
            "parties": parties, "sessions": sessions, "agreement": agreement,
            "oral_agreement": rows["oral_agreement"][0] if rows["oral_agreement"] else None,
            "termination": rows["termination"][0] if rows["termination"] else None,
            "extensions": rows["deadline_extension"], "referrals": rows["referral"],
            "risks": rows["risk_flag"], "follow_ups": rows["follow_up"],
            "judicial_confirmation": (rows["judicial_confirmation"][0]
                                      if rows["judicial_confirmation"] else None),
            "signatures": [{k: v for k, v in sg.items() if k != "png_sha256"} | {
                "png_sha256": sg.get("png_sha256")} for sg in rows["signature"]],
            "documents": [{"form": d["form"], "final": d["final"], "sha256": d["sha256"],
                           "verification_code": d["verification_code"],
                           "created_at": d["created_at"], "file": f"documents/{d['blob_sha256']}.pdf"}
                          for d in rows["document"]],
            "history": history,
        }

    # -- export ----------------------------------------------------------------------------------
    def export_cases(self, out: Path, *, fmt: str, date_from: dt.date | None = None,
                     date_to: dt.date | None = None, committees: Sequence[str] = (),
                     masked: bool = False, with_documents: bool = False, target: str = "",
                     changed: bool = False, mapping: Mapping[str, str] | None = None
                     ) -> ExportResult:
        self._require_exporter()
        if fmt not in ("json", "xlsx", "csv"):
            raise ValidationError("导出格式应为 xlsx、json 或 csv。", field="format")
        if changed and not target:
            raise ValidationError("增量导出（--changed）须指定导出目标名称（--target）。", field="target")
        if self.actor.role == Role.READONLY and not masked:
            masked = True  # the read-only role never sees full personal data
        if not out.parent.is_dir():
            raise ValidationError(f"保存位置“{out.parent}”不存在，请选择已有的文件夹。", field="out")
        with self._read() as s:
            mark = s.scalar(select(ExportMark).where(ExportMark.target == target)) if target else None
            after = mark.last_audit_id if (changed and mark) else None
            top = s.scalar(select(func.max(AuditEntry.id))) or 0
            ids = self.select_cases(s, date_from=date_from, date_to=date_to,
                                    committees=committees, after_audit=after)
            users = {u.id: (u.username, u.display_name) for u in s.scalars(select(User))}
            usernames = {k: v[0] for k, v in users.items()}
            names = {v[0]: v[1] for v in users.values()}
            committee_names = dict(s.execute(select(Committee.id, Committee.name)).all())
            labels = {(k, c): n for k, c, n in s.execute(
                select(Lookup.kind, Lookup.code, Lookup.name))}
            records, all_blobs = [], set()
            for cid in ids:
                rows, blobs = self._rows(s, cid, usernames)
                committee = committee_names[s.execute(select(Case.committee_id)
                                                      .where(Case.id == cid)).scalar_one()]
                history = [{"at": format_datetime(a.at), "user": names.get(a.username, a.username),
                            "username": a.username, "action": a.action, "summary": a.summary}
                           for a in s.scalars(select(AuditEntry).where(AuditEntry.case_id == cid)
                                              .order_by(AuditEntry.id))]
                record = self._readable(rows, committee, labels, names, history, masked)
                if fmt == "json" and not masked:
                    record["rows"] = rows
                records.append(record)
                all_blobs |= blobs
            blob_data = {}
            if fmt == "json" and not masked:
                wanted = all_blobs if with_documents else {
                    sg["png_sha256"] for r in records for sg in r["signatures"] if sg["png_sha256"]}
                for b in s.scalars(select(Blob).where(Blob.sha256.in_(wanted or {""}))):
                    blob_data[b.sha256] = bytes(b.data)
        doc_count = sum(len(r["documents"]) for r in records)
        if fmt == "json":
            payload = {"format": FORMAT, "$schema": SCHEMA_ID,
                       "exported_at": dt.datetime.now().isoformat(timespec="seconds"),
                       "exported_by": self.actor.display_name, "masked": masked,
                       "target": target, "cases": _rename(records, mapping)}
            _write_json(out, payload, blob_data, with_documents)
        else:
            table = flat_table(records, mapping)
            _write_table(out, fmt, table)
        with self._write() as tx:
            if target:
                row = tx.session.scalar(select(ExportMark).where(ExportMark.target == target))
                if row is None:
                    row = ExportMark(target=target, exported_until=dt.datetime.now(),
                                     last_audit_id=0, cases=0)
                    tx.session.add(row)
                row.exported_until = dt.datetime.now()
                row.last_audit_id = top
                row.cases = len(records)
                row.user_id = self.actor.user_id or None
            tx.audit("export_cases", "case", None,
                     f"导出案件 {len(records)} 件（{fmt.upper()}{'，已遮蔽个人信息' if masked else ''}"
                     f"{'，含文书' if with_documents else ''}{'，目标 ' + target if target else ''}）",
                     file=out.name, cases=len(records), masked=masked, target=target)
        return ExportResult(len(records), out, target, doc_count if with_documents else 0)

    # -- import ----------------------------------------------------------------------------------
    def import_cases(self, path: Path) -> ImportResult:
        """Rebuild exported cases here: all or nothing. A case whose committee and number exist
        already is updated when it is the same case (same registration time and first party),
        and refused when the number belongs to another case."""
        if self.actor.role not in (Role.DIRECTOR, Role.ADMIN):
            raise PermissionDenied("只有主任或管理员可以导入案件。")
        payload, blobs = read_exchange(path)
        result = ImportResult()
        from desktop.services.intake import raise_counters

        with self._write() as tx:
            s = tx.session
            users = dict(s.execute(select(User.username, User.id)).all())
            committees = dict(s.execute(select(Committee.name, Committee.id)).all())
            for blob_hash, data in blobs.items():
                if s.get(Blob, blob_hash) is None:
                    s.add(Blob(sha256=blob_hash, data=data, size=len(data)))
            s.flush()
            floors: dict[tuple[int, int], int] = {}  # (committee, year): highest number imported
            tx.at_last(lambda: raise_counters(s, floors, postgres=not self.db.is_sqlite))
            for i, record in enumerate(payload["cases"], start=1):
                self._import_one(tx, record, i, users, committees, result, floors)
            tx.audit("import_cases", "case", None, result.summary, file=path.name,
                     new=result.new, updated=result.updated)
        return result

    def _import_one(self, tx: Any, record: Mapping[str, Any], i: int, users: Mapping[str, int],
                    committees: Mapping[str, int], result: ImportResult,
                    floors: dict[tuple[int, int], int]) -> None:
        s = tx.session
        rows = record.get("rows")
        if not isinstance(rows, dict) or not rows.get("mediation_case"):
            raise ValidationError(f"第 {i} 个案件没有完整数据（遮蔽导出或 XLSX/CSV 不能导入）。",
                                  field="file")
        committee_id = committees.get(record.get("committee", ""))
        if committee_id is None:
            raise ValidationError(f"第 {i} 个案件的调委会“{record.get('committee')}”在本数据库中不存在，"
                                  "请先在 设置→调解委员会 中建立同名调委会。", field="committee")
        if not self.actor.spans_deployment and committee_id != self.actor.committee_id:
            raise PermissionDenied("只能导入本调委会的案件。")
        case_row = dict(rows["mediation_case"][0])
        number = case_row.get("number")
        existing = None
        if number:
            existing = s.scalar(select(Case).where(Case.committee_id == committee_id,
                                                   Case.number == number))
        first_party = (rows.get("party") or [{}])[0].get("name", "")
        if existing is not None:
            # Core deletes and updates below: the report aggregates learn of them here
            aggregate.announce(s, [existing.id])
            same = (encode_value(Case.__table__.c.registered_at, existing.registered_at)
                    == case_row.get("registered_at")
                    and existing.party_names.split("、")[0].split(" ")[0] in (first_party or "~"))
            if not same:
                raise ValidationError(f"案号 {number} 在本数据库中已属于另一件案件（{existing.title}），"
                                      "未导入任何案件。请核对两边的编号。", field="number")
            for name in reversed(CASE_TABLES):  # children first
                t = _table(name)
                if name in VIA_PARENT:
                    col, parent = VIA_PARENT[name]
                    pt = _table(parent)
                    s.execute(t.delete().where(t.c[col].in_(
                        select(pt.c.id).where(pt.c.case_id == existing.id))))
                else:
                    s.execute(t.delete().where(t.c.case_id == existing.id))
            case_id = existing.id
        else:
            case_id = None
            aggregate.announce(s, [])
        ids: dict[str, dict[int, int]] = {}
        for name in ("mediation_case", *CASE_TABLES):
            t = _table(name)
            user_cols = _user_columns(t)
            fks = _fk_map(t)
            for raw in rows.get(name, []):
                values: dict[str, Any] = {}
                for c in t.columns:
                    if c.name not in raw:
                        continue
                    v = raw[c.name]
                    if c.name in user_cols:
                        v = users.get(v) if v else None
                    elif c.name == "committee_id":
                        v = committee_id
                    elif c.name in fks and v is not None:
                        v = ids.get(fks[c.name], {}).get(v)
                    else:
                        v = decode_value(c, v)
                    values[c.name] = v
                if name == "mediation_case":
                    values["committee_id"] = committee_id
                    values["co_mediator_ids"] = ",".join(
                        str(users[u]) for u in str(raw.get("co_mediator_ids") or "").split(",")
                        if u in users)
                old_id = values.pop("id", None)
                if name == "mediation_case" and case_id is not None:
                    s.execute(t.update().where(t.c.id == case_id).values(**values))
                    new_id = case_id
                else:
                    new_id = s.execute(t.insert().values(**values)).inserted_primary_key[0]
                if old_id is not None:
                    ids.setdefault(name, {})[old_id] = new_id
        case = s.get(Case, ids["mediation_case"][rows["mediation_case"][0]["id"]])
        aggregate.created(s, [case.id])  # a new case counted nothing before
        s.refresh(case)
        from desktop.services.intake import refresh_terms

        refresh_terms(s, case)
        if case.number_year and case.number_seq:  # the counter moves past it at the end
            key = (committee_id, case.number_year)
            floors[key] = max(floors.get(key, 0), case.number_seq)
        label = case.number or case.title
        for h in record.get("history") or []:
            tx.audit(str(h.get("action", "history"))[:40], "case", case.id,
                     f"［原记录 {h.get('at', '')} {h.get('user', '')}］{h.get('summary', '')}",
                     case_id=case.id, imported=True)
        tx.audit("import_case", "case", case.id,
                 f"{'更新' if existing is not None else '导入'}案件 {label}（来自交换文件）", case_id=case.id)
        if existing is not None:
            result.updated += 1
        else:
            result.new += 1
        result.numbers.append(label)


# -- files ----------------------------------------------------------------------------------------
def _json_default(v: Any) -> Any:
    return str(v)


def _write_json(out: Path, payload: dict[str, Any], blobs: Mapping[str, bytes],
                with_documents: bool) -> None:
    text = json.dumps(payload, ensure_ascii=False, indent=1, default=_json_default)
    tmp = out.with_name(out.name + ".part")
    try:
        if with_documents:
            with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as z:
                z.writestr("cases.json", text)
                for h, data in blobs.items():
                    z.writestr(f"documents/{h}.pdf" if data[:4] == b"%PDF" else f"files/{h}", data)
        else:
            if blobs:
                payload["blobs"] = {h: base64.b64encode(d).decode("ascii") for h, d in blobs.items()}
                text = json.dumps(payload, ensure_ascii=False, indent=1, default=_json_default)
            tmp.write_text(text, encoding="utf-8")
        tmp.replace(out)
    except OSError as err:
        tmp.unlink(missing_ok=True)
        raise ValidationError(f"无法写入“{out}”：{err.strerror or err}", field="out") from err


def read_exchange(path: Path) -> tuple[dict[str, Any], dict[str, bytes]]:
    """The payload and its files, from a .json or a .zip made by ``export_cases``."""
    if not path.is_file():
        raise ValidationError(f"找不到文件：{path}", field="file")
    blobs: dict[str, bytes] = {}
    try:
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as z:
                payload = json.loads(z.read("cases.json").decode("utf-8"))
                for name in z.namelist():
                    if name.startswith(("documents/", "files/")) and not name.endswith("/"):
                        data = z.read(name)
                        blobs[hashlib.sha256(data).hexdigest()] = data
        else:
            payload = json.loads(path.read_text(encoding="utf-8-sig"))
            for h, b64 in (payload.get("blobs") or {}).items():
                data = base64.b64decode(b64, validate=True)
                if hashlib.sha256(data).hexdigest() != h:
                    raise ValidationError(f"文件中的附件 {h[:12]}… 校验不符，文件可能已损坏。", field="file")
                blobs[h] = data
    except (zipfile.BadZipFile, KeyError, UnicodeDecodeError, ValueError, OSError) as err:
        if isinstance(err, ValidationError):
            raise
        raise ValidationError(f"“{path.name}”不是本软件导出的案件交换文件，或文件已损坏。",
                              field="file") from err
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        raise ValidationError(f"“{path.name}”不是本软件导出的案件交换文件（格式 {FORMAT}）。", field="file")
    if not isinstance(payload.get("cases"), list):
        raise ValidationError(f"“{path.name}”中没有案件列表。", field="file")
    return payload, blobs


FLAT_COLUMNS = ("案号", "调委会", "状态", "纠纷类型", "案件来源", "移送单位", "外部编号", "登记时间",
                "受理日期", "办理期限", "办结日期", "调解结果", "调解员", "当事人", "证件号码", "联系电话",
                "涉及人数", "简要情况", "当事人诉求", "调解次数", "联合调解参加人", "协议涉及金额", "协议义务",
                "回访次数", "最近回访", "司法确认", "文书")


def flat_table(records: Iterable[Mapping[str, Any]],
               mapping: Mapping[str, str] | None = None) -> list[list[Any]]:
    """One row per case with every registration field and the outcome in words."""
    outcome = {"written": "书面协议", "oral": "口头协议", "terminated": "调解终止"}
    header = [(mapping or {}).get(c, c) for c in FLAT_COLUMNS]
    out: list[list[Any]] = [header]
    for r in records:
        parties = r["parties"]
        joint = sorted({f"{_label(ParticipantKind, p.get('kind'))}{p.get('name', '')}"
                        f"（{p.get('unit', '')}）"
                        for sess in r["sessions"] for p in sess["participants"]
                        if p.get("kind") in ("police", "judicial", "lawyer", "judge")})
        ag = r["agreement"]
        obligations = "；".join(o.get("content", "") for o in (ag or {}).get("obligations", []))
        fus = r["follow_ups"]
        jc = r["judicial_confirmation"]
        out.append([
            r["number"] or "", r["committee"], r["status_label"], r["dispute_type_label"],
            r["source_label"], r["referring_unit"],
            "、".join(f"{e['ref']}" for e in r["external_refs"]) or r["referral_ref"],
            (r["registered_at"] or "")[:16].replace("T", " "), r["accepted_on"] or "",
            r["deadline"] or "", r["closed_on"] or "", outcome.get(r["outcome"] or "", ""),
            r["mediator"], "、".join(f"{p['name']}（{_side(p.get('side'))}）" for p in parties),
            "、".join(p.get("id_number") or "" for p in parties if p.get("id_number")),
            "、".join(p.get("phone") or "" for p in parties if p.get("phone")),
            r["people_involved"], r["facts"], r["requests"], len(r["sessions"]),
            "、".join(joint), r["agreed_amount"] or "", obligations, len(fus),
            (_label(Performance, fus[-1].get("performance")) if fus else ""),
            (_label(ConfirmationRuling, jc.get("ruling")) if jc else ""),
            "、".join(sorted({_label(DocumentForm, d["form"]) for d in r["documents"]})),
        ])
    return out


def _label(enum: Any, code: str | None) -> str:
    try:
        return str(enum(code).label)
    except ValueError:
        return code or ""


def _side(side: str | None) -> str:
    return {"applicant": "申请人", "respondent": "被申请人", "party": "当事人",
            "third": "第三人"}.get(side or "", side or "")


def _rename(records: list[dict[str, Any]], mapping: Mapping[str, str] | None) -> list[dict[str, Any]]:
    if not mapping:
        return records
    return [{mapping.get(k, k): v for k, v in r.items()} for r in records]


def _write_table(out: Path, fmt: str, table: list[list[Any]]) -> None:
    tmp = out.with_name(out.name + ".part")
    try:
        if fmt == "csv":
            buf = io.StringIO()
            csv.writer(buf).writerows(table)
            tmp.write_text(buf.getvalue(), encoding="utf-8-sig")
        else:
            from openpyxl import Workbook
            from openpyxl.utils import get_column_letter

            from desktop.reports.export_xlsx import first_sheet

            wb = Workbook()
            ws = first_sheet(wb)
            ws.title = "案件"
            for row in table:
                ws.append([_cell(v) for v in row])
            ws.freeze_panes = "A2"
            for i, h in enumerate(table[0], start=1):
                ws.column_dimensions[get_column_letter(i)].width = max(10, len(str(h)) * 2 + 2)
            wb.save(tmp)
        tmp.replace(out)
    except OSError as err:
        tmp.unlink(missing_ok=True)
        raise ValidationError(f"无法写入“{out}”：{err.strerror or err}", field="out") from err


def _cell(v: Any) -> Any:
    if isinstance(v, str) and v[:1] in "=+-@":
        return "'" + v  # never a formula from a party's text
    return v
