"""Importing the dispute sweep ledger (矛盾纠纷排查台账) from Excel or CSV.

The steps the wizard and ``mediationdesk import-ledger`` share: ``open_ledger`` reads the file
and finds the header row (titles merged above it, merged or two-level headers are handled);
``guess_mapping`` matches the Chinese headers to our fields; ``LedgerService.check`` validates
every row and names the row and column of every problem; ``LedgerService.import_ledger``
writes all rows in one transaction or nothing. Each row has a fingerprint (date, parties, type,
summary) unique per committee, so importing the same ledger again adds nothing, and a ledger
whose rows were marked resolved since updates them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Table, insert, select, update
from sqlalchemy.orm import Session

from desktop.domain.enums import Role
from desktop.domain.errors import PermissionDenied, ValidationError
from desktop.services import sheets
from desktop.services.base import ServiceBase
from desktop.services.sheets import (
    ListRefused,
    Problem,
    Sheet,
    cell_date,
    open_sheet,
    show,
    type_index,
)
from desktop.store.models import Lookup, SweepRecord

# field -> (Chinese label, required, header aliases; the first alias is the canonical header)
FIELDS: dict[str, tuple[str, bool, tuple[str, ...]]] = {
    "found_on": ("排查日期", True, ("排查日期", "发现日期", "排查时间", "登记日期", "摸排日期", "日期")),
    "parties": ("当事人", True, ("当事人", "当事人姓名", "纠纷当事人", "双方当事人", "涉及人员")),
    "dispute_type": ("纠纷类型", True, ("纠纷类型", "矛盾纠纷类型", "纠纷类别", "类型", "类别")),
    "source": ("来源", False, ("来源", "纠纷来源", "信息来源", "排查来源", "线索来源")),
    "summary": ("简要情况", False, ("简要情况", "纠纷简要情况", "基本情况", "主要内容", "简要案情",
                                "纠纷内容", "矛盾纠纷简要情况")),
    "resolved": ("是否化解", False, ("是否化解", "化解与否", "是否已化解")),
    "resolution": ("化解情况", False, ("化解情况", "处理情况", "化解结果", "调处情况", "办理情况")),
    "resolved_on": ("化解日期", False, ("化解日期", "化解时间", "办结日期", "结案日期")),
    "responsible": ("责任人", False, ("责任人", "包案责任人", "负责人", "承办人", "包案领导")),
}
YES = {"是", "已化解", "化解", "已解决", "解决", "√", "y", "yes", "1", "true", "已调解", "调解成功",
       "成功", "已办结", "办结"}
NO = {"否", "未化解", "未解决", "×", "x", "n", "no", "0", "false", "化解中", "正在化解", "未办结",
      "调解中", "稳控中", ""}
MAX_ERRORS = 200


LedgerFile = Sheet  # the ledger is read like any other list


class LedgerError(ListRefused):
    """The ledger cannot be imported; ``problems`` names every bad row and column."""

    what = "数据"


@dataclass
class LedgerResult:
    rows: int  # data rows read
    new: int
    updated: int
    unchanged: int
    duplicates_in_file: int
    blank_rows: int
    batch: str
    dry_run: bool
    found: int = 0
    resolved: int = 0
    warnings: list[str] = field(default_factory=list)

    @property
    def summary(self) -> str:
        verb = "检查通过（试运行，未写入）" if self.dry_run else "导入完成"
        return (f"{verb}：共 {self.rows} 行，新增 {self.new} 条，更新 {self.updated} 条，"
                f"已存在未变 {self.unchanged} 条，文件内重复 {self.duplicates_in_file} 行，"
                f"跳过空行 {self.blank_rows} 行；其中已化解 {self.resolved} 条。")


# -- reading ---------------------------------------------------------------------------------
_show = show


def open_ledger(path: str | Path) -> LedgerFile:
    """Read the first sheet (or the CSV) and locate the header row."""
    return open_sheet(path, FIELDS, "排查日期、当事人、纠纷类型")


def guess_mapping(headers: Sequence[str]) -> dict[str, int]:
    """Field -> column index, from the Chinese headers (exact alias first, then contains)."""
    return sheets.guess_mapping(headers, FIELDS)


def load_mapping(path: str | Path, headers: Sequence[str]) -> dict[str, int]:
    """A mapping file: JSON ``{"found_on": "排查时间", "parties": "C", ...}`` (header text or
    column letter); fields it leaves out are guessed."""
    return sheets.load_mapping(path, headers, FIELDS)


# -- validation ------------------------------------------------------------------------------
def fingerprint(found_on: dt.date, parties: str, dispute_type: str, summary: str) -> str:
    def squash(s: str) -> str:
        s = unicodedata.normalize("NFKC", s)
        return re.sub(r"[\s,，、;；/]+", "|", s).strip("|")

    key = "\x1f".join([found_on.isoformat(), squash(parties), dispute_type, squash(summary)])
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


_date = cell_date


def _yes_no(text: str) -> bool | None:
    t = unicodedata.normalize("NFKC", text).strip().lower()
    if t in YES:
        return True
    if t in NO:
        return False
    return None


_type_index = type_index


@dataclass
class Checked:
    records: list[dict[str, Any]]
    problems: list[Problem]
    problem_count: int
    duplicates_in_file: int


def check_rows(ledger: LedgerFile, mapping: dict[str, int], types: list[tuple[str, str]],
               today: dt.date) -> Checked:
    missing = [FIELDS[f][0] for f, (_l, req, _a) in FIELDS.items() if req and f not in mapping]
    if missing:
        raise LedgerError([Problem(None, m, "找不到这一必填列，请在列对应中指定。") for m in missing])
    width = len(ledger.headers)
    for fname, col in mapping.items():
        if not 0 <= col < width:
            raise LedgerError([Problem(None, FIELDS[fname][0], f"指定的第 {col + 1} 列不存在。")])
    type_idx = _type_index(types)
    names = "、".join(n for _c, n in types)
    problems: list[Problem] = []
    count = 0
    seen: set[str] = set()
    dups = 0
    records = []

    def bad(row: int, fname: str, msg: str) -> None:
        nonlocal count
        count += 1
        if len(problems) < MAX_ERRORS:
            col = mapping[fname]
            header = ledger.headers[col] or FIELDS[fname][0]
            problems.append(Problem(row, header, msg))

    for row, cells in ledger.rows:
        def get(fname: str, cells: list[Any] = cells) -> Any:
            return cells[mapping[fname]] if fname in mapping else None

        before = count
        found_on = resolved_on = None
        try:
            raw = get("found_on")
            if _show(raw) == "":
                bad(row, "found_on", "排查日期为空。")
            else:
                found_on = _date(raw, "found_on")
                if found_on > today:
                    bad(row, "found_on", f"排查日期 {found_on:%Y-%m-%d} 晚于今天。")
        except ValidationError as err:
            bad(row, "found_on", err.message)
        parties = _show(get("parties"))
        if not parties:
            bad(row, "parties", "当事人为空。")
        elif len(parties) > 200:
            bad(row, "parties", f"当事人过长（{len(parties)} 字，最多 200 字）。")
        type_text = unicodedata.normalize("NFKC", _show(get("dispute_type"))).replace(" ", "")
        code = type_idx.get(type_text) or type_idx.get(type_text.lower())
        if not type_text:
            bad(row, "dispute_type", "纠纷类型为空。")
        elif code is None:
            bad(row, "dispute_type", f"未知的纠纷类型“{type_text}”（可用：{names}）。")
        resolved: bool | None = None
        if "resolved" in mapping:
            yn = _show(get("resolved"))
            resolved = _yes_no(yn)
            if resolved is None:
                bad(row, "resolved", f"“{yn}”无法识别，请填 是 或 否。")
        if "resolved_on" in mapping and _show(get("resolved_on")):
            try:
                resolved_on = _date(get("resolved_on"), "resolved_on")
                if found_on and resolved_on < found_on:
                    bad(row, "resolved_on", "化解日期早于排查日期。")
                elif resolved_on > today:
                    bad(row, "resolved_on", f"化解日期 {resolved_on:%Y-%m-%d} 晚于今天。")
                elif resolved is False:
                    bad(row, "resolved_on", "已填写化解日期，但“是否化解”为否。")
            except ValidationError as err:
                bad(row, "resolved_on", err.message)
        resolution = _show(get("resolution"))
        if resolved is None:
            if resolved_on is not None:
                resolved = True
            else:
                said = _yes_no(resolution)
                resolved = bool(said) if said is not None else bool(
                    re.search(r"(已|成功)(化解|调解|解决|办结)|达成(调解)?协议", resolution)
                    and not re.search(r"未(化解|解决|达成)", resolution))
        for fname, limit in (("source", 60), ("responsible", 40)):
            if len(_show(get(fname))) > limit:
                bad(row, fname, f"内容过长（最多 {limit} 字）。")
        if count > before or found_on is None or code is None:
            continue
        summary = _show(get("summary"))
        fp = fingerprint(found_on, parties, code, summary)
        if fp in seen:
            dups += 1
            continue
        seen.add(fp)
        records.append({"fingerprint": fp, "found_on": found_on, "parties": parties,
                            "dispute_type": code, "source": _show(get("source")), "summary": summary,
                            "resolved": resolved, "resolution": resolution, "resolved_on": resolved_on,
                            "responsible": _show(get("responsible"))})
    if not ledger.rows:
        problems.append(Problem(None, "", "表格中没有数据行。"))
        count += 1
    return Checked(records, problems, count, dups)


def _plan(s: Session, cid: int, records: list[dict[str, Any]], batch: str
          ) -> tuple[list[dict[str, Any]], list[dict[str, Any]], int]:
    """Split checked rows into new ones, ones whose resolution changed, and unchanged ones."""
    existing: dict[str, Any] = {}
    fps = [r["fingerprint"] for r in records]
    for i in range(0, len(fps), 900):  # SQLite's parameter limit
        for row in s.execute(select(SweepRecord.fingerprint, SweepRecord.id, SweepRecord.resolved,
                                    SweepRecord.resolution, SweepRecord.resolved_on,
                                    SweepRecord.responsible)
                             .where(SweepRecord.committee_id == cid,
                                    SweepRecord.fingerprint.in_(fps[i:i + 900]))):
            existing[row[0]] = tuple(row[1:])
    new: list[dict[str, Any]] = []
    changed: list[dict[str, Any]] = []
    unchanged = 0
    now = dt.datetime.now().replace(microsecond=0)
    for r in records:
        old = existing.get(r["fingerprint"])
        if old is None:
            new.append(dict(r, committee_id=cid, import_batch=batch, version=1, imported_at=now))
        elif tuple(old[1:]) != (r["resolved"], r["resolution"], r["resolved_on"],
                                r["responsible"]):
            changed.append({"id": old[0], "resolved": r["resolved"], "resolution": r["resolution"],
                            "resolved_on": r["resolved_on"], "responsible": r["responsible"]})
        else:
            unchanged += 1
    return new, changed, unchanged


# -- the service -----------------------------------------------------------------------------
class LedgerService(ServiceBase):
    IMPORT_ROLES = (Role.DIRECTOR, Role.ADMIN, Role.MEDIATOR)

    def _committee(self, committee_id: int | None) -> int:
        if self.actor.role not in self.IMPORT_ROLES:
            raise PermissionDenied("您的角色不能导入排查台账。")
        cid = committee_id or self.actor.committee_id
        if cid is None:
            raise ValidationError("请指定台账所属的调委会。", field="committee")
        if cid != self.actor.committee_id and not self.actor.spans_deployment:
            raise PermissionDenied("只能向本调委会导入排查台账。")
        return cid

    def dispute_types(self) -> list[tuple[str, str]]:
        with self._read() as s:
            return [(c, n) for c, n in s.execute(
                select(Lookup.code, Lookup.name).where(Lookup.kind == "dispute_type",
                                                       Lookup.active.is_(True))
                .order_by(Lookup.sort_order))]

    def check(self, ledger: LedgerFile, mapping: dict[str, int]) -> Checked:
        return check_rows(ledger, mapping, self.dispute_types(), self.today())

    def import_ledger(self, ledger: LedgerFile | str | Path, mapping: dict[str, int] | None = None,
                      *, dry_run: bool = False, committee_id: int | None = None,
                      progress: Callable[[int, str], None] | None = None) -> LedgerResult:
        """Validate every row; then write them all in one transaction (or nothing)."""
        cid = self._committee(committee_id)
        if not isinstance(ledger, LedgerFile):
            ledger = open_ledger(ledger)
        mapping = mapping if mapping is not None else guess_mapping(ledger.headers)
        if progress:
            progress(5, "正在检查每一行…")
        checked = self.check(ledger, mapping)
        if checked.problem_count:
            raise LedgerError(checked.problems, checked.problem_count)
        batch = uuid.uuid4().hex[:16]
        records = checked.records
        _within_limits(records)
        if dry_run:
            with self._read() as s:
                new, changed, unchanged = _plan(s, cid, records, batch)
        else:
            with self._write() as tx:
                new, changed, unchanged = _plan(tx.session, cid, records, batch)
                if progress:
                    progress(50, f"正在写入 {len(new)} 条新记录…")
                if new:
                    tx.session.execute(insert(SweepRecord), new)
                for c in changed:
                    tx.session.execute(update(SweepRecord).where(SweepRecord.id == c.pop("id"))
                                       .values(**c, version=SweepRecord.version + 1))
                tx.audit("import_ledger", "sweep", None,
                         f"导入排查台账“{ledger.name}”：新增 {len(new)} 条，更新 {len(changed)} 条",
                         file=ledger.name, batch=batch, new=len(new), updated=len(changed),
                         committee_id=cid)
        if progress:
            progress(100, "完成")
        return LedgerResult(len(ledger.rows), len(new), len(changed), unchanged,
                            checked.duplicates_in_file, ledger.blank_rows, batch, dry_run,
                            found=len(records), resolved=sum(1 for r in records if r["resolved"]))


def _within_limits(records: list[dict[str, Any]]) -> None:
    """The store's column limits for rows written with a Core insert (which skips the ORM
    guard): a too-long name or a NUL byte in a cell refuses the whole ledger."""
    from desktop.store.guard import check_row

    table = cast(Table, SweepRecord.__table__)  # declarative maps it to one Table
    for n, record in enumerate(records, 1):
        try:
            check_row(table, record)
        except ValidationError as err:
            raise ValidationError(f"台账第 {n} 条记录：{err.message}", field=err.field) from None


__all__ = ["FIELDS", "LedgerError", "LedgerFile", "LedgerResult", "LedgerService", "Problem",
           "fingerprint", "guess_mapping", "load_mapping", "open_ledger"]
