"""Hostile values for the fuzz suite: huge, empty, NUL, astral, SQL metacharacters, extreme
numbers and dates — and strategies for a service method's parameters built from its
annotations (strings, because every module uses ``from __future__ import annotations``)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import inspect
import re
import typing
from collections import Counter
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

# calls made, by target kind: shared by the fuzz modules and the conftest's summary (this
# module is imported once; a conftest may be loaded twice under --import-mode=importlib)
CALLS: Counter[str] = Counter()

from desktop.services import dto

TODAY = dt.date.today()
TEXTS = ["", " ", "\x00", "a\x00b", "\x1b[31m", "\u202e反转", "𠮷" * 40, "青" * 41,
         "x" * 100_001, "'; DROP TABLE mediation_case;--", "%", "_", "\\", "\ud800",
         "neighbor", "party_apply", "mediator", "admin", "2026-02-30", "１２３", "²", "\n\t",
         "NaN", "-1", "1e400", "（2026）青人调字第0001号"]
INTS = [0, 1, 2, 3, -1, -(2**31), 2**31, 2**63, 2**70, -(2**70), 100_001]
DECIMALS = [Decimal("NaN"), Decimal("sNaN"), Decimal("Infinity"), Decimal("-Infinity"),
            Decimal(-1), Decimal(0), Decimal("0.001"), Decimal("1E20"), Decimal("1E-30"),
            Decimal("99999999999.99"), Decimal(100000000000), Decimal("12.50")]
DATES = [dt.date.min, dt.date(1, 1, 1), dt.date(1899, 12, 31), dt.date(1900, 1, 1), TODAY,
         TODAY + dt.timedelta(days=1), TODAY - dt.timedelta(days=400), dt.date(2099, 1, 1),
         dt.date(9999, 12, 20), dt.date.max]

text = st.one_of(st.sampled_from(TEXTS), st.text(max_size=30))
ints = st.sampled_from(INTS)
decimals = st.one_of(st.sampled_from(DECIMALS),
                     st.decimals(allow_nan=True, allow_infinity=True, places=None))
dates = st.one_of(st.sampled_from(DATES), st.dates())
datetimes = st.one_of(st.sampled_from([dt.datetime.combine(d, dt.time(9)) for d in DATES]),
                      st.datetimes())
blobs = st.one_of(st.sampled_from([b"", b"\x00" * 16, b"%PDF-1.4\n%%EOF", b"\x89PNG\r\n"]),
                  st.binary(max_size=64))


def for_annotation(ann: str, depth: int = 0) -> st.SearchStrategy[Any]:
    """A strategy for a parameter annotated ``ann`` (a string)."""
    ann = ann.strip()
    if "|" in ann:
        parts = [p.strip() for p in ann.split("|")]
        options = [for_annotation(p, depth) for p in parts if p != "None"]
        return st.one_of(st.none(), *options) if "None" in parts else st.one_of(*options)
    m = re.fullmatch(r"(?:list|Sequence|Iterable|tuple)\[(.*?)(?:, \.\.\.)?\]", ann)
    if m:
        return st.lists(for_annotation(m.group(1), depth + 1), max_size=3 if depth == 0 else 2)
    if ann in ("int",):
        return ints
    if ann in ("str",):
        return text
    if ann in ("bool",):
        return st.booleans()
    if ann in ("Decimal",):
        return decimals
    if ann in ("dt.date", "date", "datetime.date"):
        return dates
    if ann in ("dt.datetime", "datetime"):
        return datetimes
    if ann in ("bytes",):
        return blobs
    name = ann.split(".")[-1].strip("'\"")
    cls = getattr(dto, name, None)
    if dataclasses.is_dataclass(cls) and depth < 3:
        return dataclass_of(cls, depth + 1)
    # enums and other codes are passed as text by the GUI and the CLI
    return st.one_of(st.none(), text, ints)


def dataclass_of(cls: type, depth: int = 0) -> st.SearchStrategy[Any]:
    hints = {f.name: (f.type if isinstance(f.type, str) else getattr(f.type, "__name__", "str"))
             for f in dataclasses.fields(cls)}
    required = {f.name for f in dataclasses.fields(cls)
                if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING}
    fields = {n: for_annotation(a, depth) for n, a in hints.items()}
    optional = {n: s for n, s in fields.items() if n not in required}
    return st.builds(lambda req, opt: cls(**req, **opt),
                     st.fixed_dictionaries({n: fields[n] for n in required}),
                     st.fixed_dictionaries({}, optional=optional))


def arguments(method: Any) -> st.SearchStrategy[dict[str, Any]]:
    """Keyword arguments for every parameter; optional ones sometimes left out."""
    sig = inspect.signature(method)
    required: dict[str, st.SearchStrategy[Any]] = {}
    optional: dict[str, st.SearchStrategy[Any]] = {}
    for p in sig.parameters.values():
        if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD) or p.name == "self":
            continue
        ann = p.annotation if isinstance(p.annotation, str) else getattr(
            p.annotation, "__name__", "str")
        if "Callable" in ann:  # progress callbacks
            continue
        strat = for_annotation(ann)
        (required if p.default is p.empty else optional)[p.name] = strat
    return st.fixed_dictionaries(required, optional=optional)


__all__ = ["arguments", "typing"]
