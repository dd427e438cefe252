"""Every command of the argparse tree, run in-process with hostile option values against the
SQLite and the PostgreSQL database: one Chinese line and exit 1 on refusal (never the
last-resort "内部出错" guard, never a traceback), no row written on refusal, and the same exit
status on both backends."""

from __future__ import annotations

import argparse
import contextlib
import io
import os
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop.cli import build_parser, main
from tests.fuzz.conftest import FUZZ, Backend
from tests.fuzz.hostile import CALLS, TEXTS
from tests.helpers.db import PASSWORDS

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

# commands that take a server owner's URL instead of --db, build large data sets or probe the
# machine: driven with hostile values only where they cannot touch the fixture databases
SKIP = {("demo",), ("selftest",), ("db", "init"), ("db", "upgrade"), ("migrate-data",),
        ("restore",)}
VALUES = [t for t in TEXTS if len(t) < 1000 and "\x00" not in t and "\ud800" not in t] + [
    "-5", "0", "1", "1180591620717411303424", "2026-13", "0001-01-01", "9999Q9",
    "/nonexistent/x.pdf", "out.csv", "x.xlsx", "sqlite:///", "foo://bar"]
# argv cannot carry NUL or lone surrogates; those reach the services in the service fuzz


def commands() -> list[tuple[tuple[str, ...], argparse.ArgumentParser]]:
    found = []

    def walk(parser: argparse.ArgumentParser, path: tuple[str, ...]) -> None:
        subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
        if not subs:
            found.append((path, parser))
            return
        for name, child in subs[0].choices.items():
            walk(child, (*path, name))

    walk(build_parser(), ())
    return [(p, parser) for p, parser in found if p not in SKIP]


def argv_strategy(path: tuple[str, ...], parser: argparse.ArgumentParser) -> st.SearchStrategy[list[str]]:
    value = st.sampled_from(VALUES)
    parts: list[st.SearchStrategy[list[str]]] = []
    for action in parser._actions:
        if isinstance(action, argparse._HelpAction) or action.dest in ("db", "user"):
            continue
        if not action.option_strings:  # positional
            parts.append(value.map(lambda v: [v]))
        elif action.nargs == 0:
            parts.append(st.sampled_from([[], [action.option_strings[-1]]]))
        else:
            opt = action.option_strings[-1]
            parts.append(st.one_of(st.just([]), value.map(lambda v, o=opt: [o, v])))
    return st.tuples(*parts).map(lambda chunks: [*path, *(a for c in chunks for a in c)])


def run(backend: Backend, argv: list[str]) -> tuple[int, str]:
    err, out = io.StringIO(), io.StringIO()
    CALLS[f"cli-{backend.name}"] += 1
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
        code = main([*argv, "--db", backend.db.url])
    return code, err.getvalue()


@pytest.mark.parametrize(("path", "parser"), commands(), ids=lambda x: " ".join(x) if isinstance(x, tuple) else "")
def test_cli_command(backends: list[Backend], path: tuple[str, ...],
                     parser: argparse.ArgumentParser, monkeypatch: Any) -> None:
    monkeypatch.setenv("MEDIATIONDESK_USER", "admin")
    monkeypatch.setenv("MEDIATIONDESK_PASSWORD", PASSWORDS["admin"])
    monkeypatch.setenv("NEW_USER_PASSWORD", "Fuzz-2026-pw")
    monkeypatch.delenv("MEDIATIONDESK_DB", raising=False)
    monkeypatch.setenv("MEDIATIONDESK_DATA_DIR", str(backends[0].db.sqlite_path.parent / "data"))  # type: ignore[union-attr]
    if "--db" not in {o for a in parser._actions for o in a.option_strings}:
        pytest.skip("command without --db")

    @FUZZ
    @given(argv=argv_strategy(path, parser))
    def check(argv: list[str]) -> None:
        codes = {}
        for b in backends:
            before = b.counts(skip=("audit_log", "app_user"))
            code, err = run(b, argv)
            assert "程序内部出错" not in err and "Traceback" not in err, (argv, err)
            # 2: verify could not read the file; 3: audit verify found a break
            assert code in (0, 1, 2, 3), (argv, code, err)
            if code in (1, 2):
                lines = [ln for ln in err.splitlines() if ln.strip()]
                assert lines and any("\u4e00" <= c <= "\u9fff" for c in lines[-1]), (argv, err)
                assert b.counts(skip=("audit_log", "app_user")) == before, (argv, err)
            codes[b.name] = code
        assert len(set(codes.values())) == 1, f"backends disagree on {argv}: {codes}"

    check()
    assert os.environ["MEDIATIONDESK_USER"] == "admin"
