"""Documents through the services on a real SQLite database: case data mapping, seal key in
the keyring, a sealed final recorded with its SHA-256, drafts, permissions, the CLI."""

from __future__ import annotations

import datetime as dt
import hashlib
import subprocess
from dataclasses import dataclass
from decimal import Decimal

import pytest

from desktop.documents.sample import signature_png
from desktop.documents.verify import verify_pdf
from desktop.domain.errors import PermissionDenied, ValidationError
from desktop.services.documents import DocumentService
from desktop.services.dto import AgreementInput, ObligationInput
from tests.documents.conftest import flat
from tests.helpers.db import PASSWORDS, Desks
from tests.helpers.keyring import MemoryKeyring
from tests.services.test_case_life import accepted, joint_session


def concluded_case(desks: Desks) -> int:
    wang = desks["wang"]
    cid = accepted(wang)
    joint_session(wang, cid)
    a, b = wang.cases.get(cid).parties
    wang.outcomes.save_agreement(cid, AgreementInput(
        "楼上漏水致楼下受损", "赔偿数额", "被申请人负主要责任", obligations=[
            ObligationInput("赔偿维修费", b.id, a.id, Decimal("12000.00"), "银行转账",
                            dt.date(2026, 12, 31))]))
    for i, p in enumerate((a, b)):
        wang.outcomes.sign(cid, signer_kind="party", signer_name=p.name, party_id=p.id,
                           png=signature_png(i + 1))
    wang.outcomes.sign(cid, signer_kind="mediator", signer_name="王建国", png=signature_png(5),
                       user_id=desks.actor("wang").user_id)
    wang.outcomes.conclude_written(cid)
    return cid


def test_sealed_final_is_recorded_and_verifies(desks: Desks, memory_keyring: MemoryKeyring,
                                               tmp_path) -> None:  # type: ignore[no-untyped-def]
    cid = concluded_case(desks)
    director = DocumentService(desks.db, desks.actor("zhuren"))
    ca_pem = director.create_seal_key()
    assert "BEGIN CERTIFICATE" in ca_pem and len(memory_keyring.store) == 1
    wang = DocumentService(desks.db, desks.actor("wang"))
    issued = wang.issue(cid, "agreement", final=True)
    assert issued.final and issued.sha256 == hashlib.sha256(issued.data).hexdigest()
    detail = desks["wang"].cases.get(cid)
    docs = [d for d in detail.documents if d.final]
    assert [(d.form, d.sha256, d.verification_code) for d in docs] == [
        ("agreement", issued.sha256, issued.verification_code)]
    res = verify_pdf(issued.data, wang.trusted_certs())
    assert res.ok, res.report()
    assert res.case_number == detail.number and res.verification_code == issued.verification_code
    path = tmp_path / "a.pdf"
    path.write_bytes(issued.data)
    text = flat(subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                               check=True).stdout, footers=False)
    party_names = [p.name for p in detail.parties]
    for s in [*party_names, "人民币壹万贰仟元整（¥12,000.00）", "本协议一式三份",
              "王建国", detail.number or "", issued.verification_code]:
        assert flat(s) in text, s
    # The full ID number is printed on the agreement (the list views mask it).
    full = desks["wang"].cases.get(cid, unmask=True).parties[0].id_number
    assert full and full in text


def test_final_needs_a_seal_key_and_drafts_do_not(desks: Desks, memory_keyring: MemoryKeyring) -> None:
    cid = concluded_case(desks)
    wang = DocumentService(desks.db, desks.actor("wang"))
    with pytest.raises(ValidationError, match="电子印章"):
        wang.issue(cid, "agreement", final=True)
    draft = wang.issue(cid, "record")
    assert not draft.final and draft.verification_code == "" and draft.pages >= 1
    with pytest.raises(PermissionDenied):
        DocumentService(desks.db, desks.actor("wang")).create_seal_key()
    with pytest.raises(PermissionDenied):
        DocumentService(desks.db, desks.actor("ducha")).issue(cid, "agreement")


def test_cli_document_and_verify(desks: Desks, db_file, tmp_path, monkeypatch,
                                 capsys) -> None:  # type: ignore[no-untyped-def]
    from desktop.cli import main

    cid = concluded_case(desks)
    number = desks["wang"].cases.get(cid).number
    monkeypatch.setenv("MEDIATIONDESK_DB", f"sqlite:///{db_file}")
    monkeypatch.setenv("MEDIATIONDESK_PASSWORD", PASSWORDS["zhuren"])
    monkeypatch.setenv("MEDIATIONDESK_SEAL_PASSWORD", "s3cret-2026")

    @dataclass
    class Result:
        returncode: int
        stdout: str
        stderr: str

    def cli(*args: str) -> Result:
        # The command line run in this process (the seal tests start the real entry point).
        capsys.readouterr()
        code = main(list(args))
        out = capsys.readouterr()
        return Result(code, out.out, out.err)

    made = cli("seal-key", "--user", "zhuren", "--ca-out", str(tmp_path / "ca.pem"))
    assert made.returncode == 0, made.stderr
    out = tmp_path / "final.pdf"
    res = cli("document", number, "--form", "agreement", "--out", str(out), "--final",
              "--user", "zhuren", "--no-seal-image-ok")
    assert res.returncode == 0, res.stderr
    assert "核验码" in res.stdout and out.exists()
    ok = cli("verify", str(out))
    assert ok.returncode == 0 and "【通过】" in ok.stdout and number in ok.stdout
    assert "登记过此文件" in ok.stdout
    tampered = tmp_path / "bad.pdf"
    data = bytearray(out.read_bytes())
    data[len(data) // 3] ^= 0xFF
    tampered.write_bytes(bytes(data))
    bad = cli("verify", str(tampered))
    assert bad.returncode != 0 and "【未通过】" in bad.stdout


def test_service_verify_and_missing_glyphs(desks: Desks, memory_keyring: MemoryKeyring) -> None:
    cid = concluded_case(desks)
    DocumentService(desks.db, desks.actor("zhuren")).create_seal_key()
    wang = DocumentService(desks.db, desks.actor("wang"))
    assert wang.missing_glyphs(cid) == []
    issued = wang.issue(cid, "agreement", final=True)
    result, doc = wang.verify(issued.data)
    assert result.ok and doc is not None and doc.sha256 == issued.sha256
    result, doc = wang.verify(issued.data + b"\n% appended\n")
    assert doc is None and not result.ok  # bytes after the sealed revision: not intact


def test_dossier_of_a_case_archived_without_identity_explains_why(desks: Desks,
                                                                  tmp_path) -> None:  # type: ignore[no-untyped-def]
    cid = concluded_case(desks)
    desks["zhuren"].outcomes.archive(cid, "当事人拒绝提供身份证复印件，已核对原件。")
    issued = DocumentService(desks.db, desks.actor("zhuren")).issue(cid, "dossier")
    path = tmp_path / "d.pdf"
    path.write_bytes(issued.data)
    text = flat(subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                               check=True).stdout, footers=False)
    assert "卷宗情况说明" in text and "当事人拒绝提供身份证复印件，已核对原件" in text
    assert "缺，见卷宗情况说明" in text
