"""The probes of issue 13 through the real CLI entry point: each ends in one Chinese line on
stderr and exit status 1 — no traceback, nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from desktop.cli import main
from desktop.store.db import Database
from desktop.store.models import AuditEntry, Case, Document
from tests.helpers.db import PASSWORDS

HUGE = "1180591620717411303424"


def counts(path: Path) -> tuple[int, int, int]:
    db = Database.connect(f"sqlite:///{path}")
    try:
        with db.read() as s:
            return tuple(int(s.scalar(select(func.count()).select_from(m)) or 0)  # type: ignore[return-value]
                         for m in (Case, AuditEntry, Document))
    finally:
        db.close()


def one_chinese_line(capsys: pytest.CaptureFixture[str], args: list[str]) -> str:
    capsys.readouterr()
    code = main(args)
    out = capsys.readouterr()
    lines = [ln for ln in out.err.splitlines() if ln.strip()]
    assert code == 1, (args, out.out, out.err)
    assert "Traceback" not in out.err + out.out
    assert lines and lines[-1].startswith("错误："), out.err
    assert any("\u4e00" <= ch <= "\u9fff" for ch in lines[-1][3:]), lines[-1]
    return lines[-1]


PROBES = [
    ["case", "show", "²"],
    ["case", "accept", "²"],
    ["case", "show", HUGE],
    ["case", "accept", HUGE],
    ["case", "list", "--offset", HUGE],
    ["case", "list", "--offset", "-5"],
    ["case", "list", "--limit", "x"],
    ["report", "monthly", "--from", "0001-01-01", "--to", "0001-01-02"],
    ["report", "monthly", "--month", "0000-01"],
    ["report", "monthly", "--month", "2026-10", "--out", "/nonexistent/r.csv"],
    ["case", "list", "--db", "foo://bar"],
    ["case", "list", "--db", "postgresql://a:pw@[::1"],
    ["backup", "--out", "{tmp}/x.mdbackup", "--db", "/nonexistent/q.sqlite3"],
    ["restore", "/nonexistent/x.mdbackup", "--db", "{tmp}/new.sqlite3"],
    ["db", "status", "--db", "/nonexistent/q.sqlite3"],
    ["import-ledger", "/nonexistent/ledger.xlsx"],
    ["case", "add", "--applicant", "张三", "--respondent", "李四", "--type", "neighbor",
     "--facts", "a\x00b"],
    ["case", "add", "--applicant", "张三", "--respondent", "李四", "--type", "neighbor",
     "--facts", "x" * 100_001],
    ["case", "frob"],
]


@pytest.mark.parametrize("probe", PROBES, ids=lambda p: " ".join(p)[:60])
def test_probe_is_one_chinese_line(probe: list[str], db_file: Path, tmp_path: Path,
                                   monkeypatch: pytest.MonkeyPatch,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("MEDIATIONDESK_DB", f"sqlite:///{db_file}")
    monkeypatch.setenv("MEDIATIONDESK_USER", "admin")
    monkeypatch.setenv("MEDIATIONDESK_PASSWORD", PASSWORDS["admin"])
    before = counts(db_file)
    one_chinese_line(capsys, [a.replace("{tmp}", str(tmp_path)) for a in probe])
    assert counts(db_file) == before
    assert not Path("/nonexistent").exists()


def test_case_add_error_on_stderr(db_file: Path, monkeypatch: pytest.MonkeyPatch,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("MEDIATIONDESK_PASSWORD", PASSWORDS["admin"])
    line = one_chinese_line(capsys, [
        "case", "add", "--db", str(db_file), "--user", "admin", "--applicant", "张三",
        "--applicant-id", "110105194912310021", "--respondent", "李四", "--type", "neighbor",
        "--facts", "x"])
    assert "校验位" in line


def test_unexpected_error_is_logged_not_shown(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    """The last-resort guard: a bug ends in one Chinese line naming the log file."""
    from desktop.cli import cases

    monkeypatch.setenv("MEDIATIONDESK_DATA_DIR", str(tmp_path / "data"))

    def broken(args: object) -> int:
        raise RuntimeError("boom")

    monkeypatch.setattr(cases, "run_list", broken)
    line = one_chinese_line(capsys, ["case", "list"])
    assert "程序内部出错" in line and "crash.log" in line
    assert "RuntimeError: boom" in (tmp_path / "data" / "logs" / "crash.log").read_text("utf-8")
