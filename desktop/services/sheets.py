"""Reading the lists offices keep in Excel or CSV (the sweep ledger, the hotline's and the grid
platform's work orders, a police station's or a court's referral list): find the header row
under merged titles or a two-level header, guess which column is which from the Chinese
headers, or take a mapping file. No database and no Qt here: the ledger import and the
referral import both read through this module.

``fields`` everywhere is ``{field: (Chinese label, required, header aliases)}``; the first alias
is the canonical header.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import time
import unicodedata
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from desktop.domain.dates import parse_date
from desktop.domain.errors import ValidationError

Fields = Mapping[str, tuple[str, bool, tuple[str, ...]]]
MAX_HEADER_SCAN = 15


@dataclass
class Sheet:
    """A read list: the header row's texts and the data rows (with spreadsheet row numbers)."""

    name: str
    sheet: str
    header_row: int  # 1-based, as Excel shows it
    headers: list[str]
    rows: list[tuple[int, list[Any]]]  # (row number, cells); blank rows already dropped
    blank_rows: int = 0

    def preview(self, n: int = 20) -> list[list[str]]:
        return [[show(c) for c in cells] for _r, cells in self.rows[:n]]


@dataclass
class Problem:
    row: int | None
    column: str
    message: str

    def __str__(self) -> str:
        where = f"第 {self.row} 行" if self.row else "表头"
        return f"{where}“{self.column}”列：{self.message}" if self.column else f"{where}：{self.message}"


class ListRefused(ValidationError):
    """A list that cannot be imported at all; ``problems`` names every bad row and column
    (the first ones, when there are many: ``total`` counts them all)."""

    what = "数据"  # what the list would have imported, for the message

    def __init__(self, problems: list[Problem], total: int | None = None) -> None:
        count = total if total is not None else len(problems)
        head = "；".join(str(p) for p in problems[:3])
        none = f"未导入任何{self.what}"
        more = f"（共 {count} 处问题，{none}）" if count > 1 else f"（{none}）"
        super().__init__(f"{head}{more}", field="file")
        self.problems = problems
        self.total = count


def show(cell: Any) -> str:
    """A cell as the user sees it in Excel."""
    if cell is None:
        return ""
    if isinstance(cell, dt.datetime):
        return f"{cell:%Y-%m-%d}" if cell.time() == dt.time() else f"{cell:%Y-%m-%d %H:%M}"
    if isinstance(cell, dt.date):
        return f"{cell:%Y-%m-%d}"
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


def norm_header(text: Any) -> str:
    t = unicodedata.normalize("NFKC", show(text))
    return re.sub(r"[\s*＊:：()（）\[\]【】]", "", t)


def not_spreadsheet(name: str, why: str = "") -> ValidationError:
    return ValidationError(
        f"文件“{name}”不是可读取的 Excel（.xlsx）或 CSV 表格{why}。请在 Excel 或 WPS 中“另存为”"
        ".xlsx 或 CSV（UTF-8）后再导入。", field="file")


# This runs on a worker thread while the wizard stays usable. Streaming the sheet out of the
# zip, the worker took the interpreter lock back again and again before the UI thread got it:
# the UI thread stalled 40-70 ms at a time reading a 5,000-row ledger, at times 250 ms. Letting
# go of it every 100 rows (time.sleep(0)) keeps the stalls under about 10 ms, at no measurable
# cost to the read (0.29 s either way).
YIELD_EVERY = 100


def _read_xlsx(path: Path) -> tuple[str, list[list[Any]], list[tuple[int, int, int, int]]]:
    """Cell values through openpyxl's read-only (streaming) mode, several times faster on a
    big list; that mode does not expose merged cells, so they are read from the sheet XML."""
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        wb = load_workbook(path, data_only=True, read_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as err:
        raise not_spreadsheet(path.name) from err
    try:
        index = 0
        rows: list[list[Any]] = []
        for i, candidate in enumerate(wb.worksheets):  # the first sheet that has data
            rows = []
            for n, r in enumerate(candidate.iter_rows(values_only=True)):
                rows.append(list(r))
                if n % YIELD_EVERY == 0:
                    time.sleep(0)  # hand the interpreter lock to the UI thread (YIELD_EVERY)
            if len(rows) > 1:
                index = i
                break
        title = wb.worksheets[index].title
    finally:
        wb.close()
    return title, rows, _merged_ranges(path, index)


def _merged_ranges(path: Path, sheet_index: int) -> list[tuple[int, int, int, int]]:
    from xml.etree import ElementTree as ET

    from openpyxl.utils.cell import range_boundaries

    rel_ns = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
    try:
        with zipfile.ZipFile(path) as z:
            book = ET.fromstring(z.read("xl/workbook.xml"))
            sheets = [e.get(rel_ns) for e in book.iter() if e.tag.endswith("}sheet")]
            rels = ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))
            targets = {e.get("Id"): e.get("Target", "") for e in rels}
            target = targets.get(sheets[sheet_index], "")
            name = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
            xml = z.read(name)
    except (KeyError, IndexError, zipfile.BadZipFile, ET.ParseError):
        return []
    out = []
    for ref in re.findall(rb'<(?:\w+:)?mergeCell ref="([A-Z]+[0-9]+:[A-Z]+[0-9]+)"', xml):
        c0, r0, c1, r1 = range_boundaries(ref.decode())
        if c0 is None or r0 is None or c1 is None or r1 is None:
            continue  # a whole row or column: the pattern above never matches one
        out.append((r0, c0, r1, c1))
    return out


def _read_csv(path: Path) -> list[list[Any]]:
    data = path.read_bytes()
    if b"\x00" in data[:4096]:
        raise not_spreadsheet(path.name, "（文件含二进制内容）")
    for enc in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes nearly anything
        raise not_spreadsheet(path.name, "（无法识别文字编码）")
    first = text.split("\n", 1)[0]
    delim = "\t" if first.count("\t") > first.count(",") else ","
    return [list(r) for r in csv.reader(io.StringIO(text), delimiter=delim)]


def is_blank(cells: Sequence[Any]) -> bool:
    return all(show(c) == "" for c in cells)


def _header_score(cells: Sequence[Any], fields: Fields) -> int:
    names = {norm_header(c) for c in cells if show(c)}
    aliases = {a for _l, _r, al in fields.values() for a in al}
    return len(names & aliases)


def _looks_like_data(cells: Sequence[Any]) -> bool:
    return any(isinstance(c, (dt.date, int, float)) for c in cells)


def open_sheet(path: str | Path, fields: Fields, example: str) -> Sheet:
    """Read the first sheet with data (or the CSV) and locate the header row; ``example``
    names a few headers for the message when none is found."""
    path = Path(path)
    if not path.exists():
        raise ValidationError(f"找不到文件：{path}", field="file")
    if not path.is_file():
        raise not_spreadsheet(path.name)
    suffix = path.suffix.lower()
    merged: list[tuple[int, int, int, int]] = []
    sheet = ""
    try:
        if suffix in (".xlsx", ".xlsm"):
            sheet, grid, merged = _read_xlsx(path)
        elif suffix in (".csv", ".txt"):
            grid = _read_csv(path)
        elif suffix in (".xls", ".et", ".wps"):
            raise not_spreadsheet(path.name, "（旧版 .xls 格式暂不支持）")
        elif zipfile.is_zipfile(path):
            sheet, grid, merged = _read_xlsx(path)
        else:
            raise not_spreadsheet(path.name)
    except OSError as err:
        raise ValidationError(f"无法读取文件“{path.name}”：{err.strerror or err}", field="file") from err
    width = max((len(r) for r in grid), default=0)
    grid = [list(r) + [None] * (width - len(r)) for r in grid]
    # a merged cell's value sits in its top-left cell: spread it over the range
    for r0, c0, r1, c1 in merged:
        value = grid[r0 - 1][c0 - 1] if r0 - 1 < len(grid) else None
        for r in range(r0, min(r1, len(grid)) + 1):
            for c in range(c0, c1 + 1):
                if r - 1 < len(grid) and c - 1 < width:
                    grid[r - 1][c - 1] = value
    scores = [_header_score(r, fields) for r in grid[:MAX_HEADER_SCAN]]
    if not scores or max(scores) == 0:
        raise ValidationError(
            f"文件“{path.name}”的前 {MAX_HEADER_SCAN} 行中找不到表头（如 {example}）。"
            "请检查是否选错了文件或工作表，或用列对应文件（--mapping）指定。", field="file")
    h = scores.index(max(scores))
    headers = [show(c) for c in grid[h]]
    start = h + 1
    # two-level header: the row below also names fields (e.g. 化解情况 over 是否化解 | 化解日期)
    if (h + 1 < len(grid) and _header_score(grid[h + 1], fields) > 0
            and not _looks_like_data(grid[h + 1])):
        headers = [show(lo) or up for up, lo in zip(headers, grid[h + 1], strict=True)]
        start = h + 2
    rows, blank = [], 0
    for i in range(start, len(grid)):
        if is_blank(grid[i]):
            blank += 1
            continue
        rows.append((i + 1, grid[i]))
    return Sheet(path.name, sheet, h + 1, headers, rows, blank)


def guess_mapping(headers: Sequence[str], fields: Fields) -> dict[str, int]:
    """Field -> column index, from the Chinese headers (exact alias first, then contains)."""
    normed = [norm_header(h) for h in headers]
    out: dict[str, int] = {}
    used: set[int] = set()
    for exact in (True, False):
        for fname, (_label, _req, aliases) in fields.items():
            if fname in out:
                continue
            for alias in aliases:
                hits = [i for i, h in enumerate(normed) if i not in used and h and (
                    h == alias if exact else (alias in h and len(alias) >= 3))]
                if hits:
                    out[fname] = hits[0]
                    used.add(hits[0])
                    break
    return out


def read_mapping_file(path: str | Path) -> dict[str, Any]:
    try:
        raw = json.loads(Path(path).read_text(encoding="utf-8-sig"))
    except (OSError, ValueError) as err:
        raise ValidationError(f"列对应文件无法读取：{err}", field="mapping") from err
    if not isinstance(raw, dict):
        raise ValidationError("列对应文件应为 JSON 对象，如 {\"found_on\": \"排查时间\"}。",
                              field="mapping")
    return raw


def load_mapping(path: str | Path, headers: Sequence[str], fields: Fields,
                 raw: Mapping[str, Any] | None = None) -> dict[str, int]:
    """A mapping file: JSON ``{"found_on": "排查时间", "parties": "C", ...}`` (header text or
    column letter); fields it leaves out are guessed. ``raw`` is the file's columns part when
    the caller has read it already (a referral mapping also carries value maps)."""
    raw = read_mapping_file(path) if raw is None else raw
    normed = [norm_header(h) for h in headers]
    mapping = guess_mapping(headers, fields)
    for fname, target in raw.items():
        if fname not in fields:
            raise ValidationError(f"列对应文件中的字段“{fname}”未知（可用：{'、'.join(fields)}）。",
                                  field="mapping")
        t = str(target).strip()
        if re.fullmatch(r"[A-Za-z]{1,2}", t):
            from openpyxl.utils import column_index_from_string
            mapping[fname] = column_index_from_string(t.upper()) - 1
        elif norm_header(t) in normed:
            mapping[fname] = normed.index(norm_header(t))
        else:
            raise ValidationError(f"列对应文件：表头中没有“{t}”这一列。", field="mapping")
    return mapping


def cell_date(cell: Any, label: str) -> dt.date:
    """A date cell: a real date, an Excel serial number that lost its format, or text."""
    if isinstance(cell, dt.datetime):
        return cell.date()
    if isinstance(cell, dt.date):
        return cell
    if isinstance(cell, (int, float)) and not isinstance(cell, bool):
        if 20000 < cell < 80000:  # an Excel serial date that lost its format
            return dt.date(1899, 12, 30) + dt.timedelta(days=int(cell))
        return parse_date(str(int(cell)), field=label)
    text = str(cell).strip()
    # "2026-11-02 09:12" / "2026-11-02T09:12:00": work orders carry the time of the call
    m = re.fullmatch(r"(\S+)[ T]\d{1,2}:\d{2}(:\d{2})?", text)
    return parse_date(m.group(1) if m else text, field=label)


def type_index(types: Sequence[tuple[str, str]]) -> dict[str, str]:
    """Dispute-type names as lists write them (邻里纠纷, 婚姻家庭类, 劳资…) -> our code."""
    idx: dict[str, str] = {}
    for code, name in types:
        for key in (code.lower(), name, f"{name}纠纷", f"{name}类", f"{name}类纠纷", f"{name}矛盾纠纷"):
            idx[key] = code
    # names the lists commonly use for the default types
    for alias, code in (("婚姻", "marriage"), ("家庭", "marriage"), ("邻里关系", "neighbor"),
                        ("宅基地", "housing"), ("房屋", "housing"), ("劳资", "labor"),
                        ("劳动", "labor"), ("医患", "medical"), ("交通事故", "traffic"),
                        ("征地", "demolition"), ("拆迁", "demolition"), ("土地", "land"),
                        ("山林", "land"), ("物业管理", "property_mgmt"), ("消费者", "consumer")):
        if code in {c for c, _n in types}:
            idx.setdefault(alias, code)
            idx.setdefault(f"{alias}纠纷", code)
    return idx


def match_type(text: str, index: Mapping[str, str]) -> str | None:
    t = unicodedata.normalize("NFKC", text).replace(" ", "")
    return index.get(t) or index.get(t.lower())
