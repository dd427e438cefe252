"""A document is recorded only together with its file: `document --out` to a place that
cannot be written records nothing (no document row, no blob, no audit entry)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from desktop.cli import main
from desktop.store.models import AuditEntry, Blob, Document
from tests.documents.test_documents_service import concluded_case
from tests.helpers.db import PASSWORDS, Desks


def recorded(desks: Desks) -> tuple[int, int, int]:
    """Documents, blobs, and audit entries about documents (a login is audited too)."""
    with desks.db.read() as s:
        docs, blobs = (int(s.scalar(select(func.count()).select_from(m)) or 0)
                       for m in (Document, Blob))
        audited = s.scalar(select(func.count()).select_from(AuditEntry)
                           .where(AuditEntry.action == "document"))
        return docs, blobs, int(audited or 0)


@pytest.fixture
def number(desks: Desks, db_file: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("MEDIATIONDESK_DB", f"sqlite:///{db_file}")
    monkeypatch.setenv("MEDIATIONDESK_PASSWORD", PASSWORDS["wang"])
    cid = concluded_case(desks)
    return str(desks["wang"].cases.get(cid).number)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    capsys.readouterr()
    code = main(list(args))
    return code, capsys.readouterr().err


def test_missing_folder_records_nothing(desks: Desks, number: str,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    before = recorded(desks)
    code, err = run(capsys, "document", number, "--form", "agreement", "--out",
                    "/nonexistent/x.pdf", "--user", "wang")
    assert code == 1 and err.startswith("错误：输出文件") and "Traceback" not in err
    assert recorded(desks) == before
    assert not Path("/nonexistent").exists()


def test_write_failure_after_render_rolls_back(desks: Desks, number: str, tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    """The folder is writable but the file write itself fails (here: its temporary name is
    taken by a folder) — the record made in the same transaction rolls back."""
    out = tmp_path / "x.pdf"
    (tmp_path / "x.pdf.part").mkdir()
    before = recorded(desks)
    code, err = run(capsys, "document", number, "--form", "agreement", "--out", str(out),
                    "--user", "wang")
    assert code == 1 and err.startswith("错误：") and "Traceback" not in err
    assert recorded(desks) == before and not out.exists()


def test_written_file_is_recorded(desks: Desks, number: str, tmp_path: Path,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "ok.pdf"
    before = recorded(desks)
    code, err = run(capsys, "document", number, "--form", "agreement", "--out", str(out),
                    "--user", "wang")
    assert code == 0, err
    import hashlib

    with desks.db.read() as s:
        sha = s.scalars(select(Document.sha256).order_by(Document.id.desc())).first()
    assert sha == hashlib.sha256(out.read_bytes()).hexdigest()
    assert recorded(desks)[0] == before[0] + 1
    assert not (tmp_path / "ok.pdf.part").exists()
