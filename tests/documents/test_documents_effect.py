"""Seal only what took effect: an agreement (oral-agreement form, judicial-confirmation
application) is sealed only once every signature is there; before that the app prints a
待签署 version. Read back with pdftotext, pdfimages, pdfsig and a QR decoder, through the
services on a real SQLite file and through the command line."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest

from desktop.documents.sample import scan_png, seal_png, signature_png
from desktop.domain.errors import NotFound, ValidationError
from desktop.services.documents import DocumentService
from desktop.services.dto import AgreementInput, ObligationInput, OralAgreementInput
from tests.documents.conftest import flat, run
from tests.helpers.db import PASSWORDS, Desks
from tests.helpers.keyring import MemoryKeyring
from tests.services.test_case_life import accepted, joint_session

SEAL_PW = "s3cret-印章"


@pytest.fixture(autouse=True)
def _seal_password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MEDIATIONDESK_SEAL_PASSWORD", SEAL_PW)


def agreed_case(desks: Desks) -> int:
    """A case still 调解中 whose agreement is written but nobody has signed."""
    wang = desks["wang"]
    cid = accepted(wang)
    joint_session(wang, cid)
    a, b = wang.cases.get(cid).parties
    wang.outcomes.save_agreement(cid, AgreementInput(
        "楼上漏水致楼下受损", "赔偿数额", "被申请人负主要责任", obligations=[
            ObligationInput("赔偿维修费", b.id, a.id, Decimal("12000.00"), "银行转账",
                            dt.date(2026, 12, 31))]))
    return cid


def sign_all(desks: Desks, cid: int, *, skip: str = "") -> None:
    wang = desks["wang"]
    for i, p in enumerate(wang.cases.get(cid).parties):
        if p.name != skip:
            wang.outcomes.sign(cid, signer_kind="party", signer_name=p.name, party_id=p.id,
                               png=signature_png(i + 1))
    if skip != "王建国":
        wang.outcomes.sign(cid, signer_kind="mediator", signer_name="王建国",
                           png=signature_png(5), user_id=desks.actor("wang").user_id)


def seal_key(desks: Desks, *, image: bool = True) -> bytes:
    director = DocumentService(desks.db, desks.actor("zhuren"))
    ca = director.create_seal_key(password=SEAL_PW).encode("ascii")
    if image:
        c = desks["zhuren"].committees.get()
        desks["zhuren"].committees.update(c.id, c.version, seal_png=seal_png())
    return ca


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    p = tmp_path / name
    p.write_bytes(data)
    return p


def text_of(path: Path) -> str:
    return flat(run("pdftotext", "-layout", str(path), "-").stdout, footers=False)


def images(path: Path) -> list[tuple[int, int]]:
    rows = run("pdfimages", "-list", str(path)).stdout.splitlines()[2:]
    return [(int(r.split()[3]), int(r.split()[4])) for r in rows if r.split()[2] == "image"]


def pdfsig(path: Path, nss: str | None = None) -> str:
    cmd = ["pdfsig", *(["-nssdir", nss] if nss else []), str(path)]
    res = subprocess.run(cmd, capture_output=True, text=True, check=False)
    return res.stdout + res.stderr


def nss_trusting(ca_pem: bytes, root: Path) -> str:
    root.mkdir()
    (root / "ca.pem").write_bytes(ca_pem)
    run("certutil", "-N", "--empty-password", "-d", f"sql:{root}")
    run("certutil", "-A", "-d", f"sql:{root}", "-n", "ca", "-t", "CT,C,C", "-a", "-i",
        str(root / "ca.pem"))
    return f"sql:{root}"


@dataclass
class Cli:
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def cli(db_file, monkeypatch, capsys):  # type: ignore[no-untyped-def]
    from desktop.cli import main

    monkeypatch.setenv("MEDIATIONDESK_DB", f"sqlite:///{db_file}")
    monkeypatch.setenv("MEDIATIONDESK_USER", "wang")
    monkeypatch.setenv("MEDIATIONDESK_PASSWORD", PASSWORDS["wang"])

    def call(*args: str) -> Cli:
        capsys.readouterr()
        code = main(list(args))
        out = capsys.readouterr()
        return Cli(code, out.out, out.err)

    return call


@pytest.mark.slow
def test_final_is_refused_until_everyone_signed(desks: Desks, memory_keyring: MemoryKeyring,
                                               cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    cid = agreed_case(desks)
    seal_key(desks)
    a, b = desks["wang"].cases.get(cid).parties
    desks["wang"].outcomes.sign(cid, signer_kind="party", signer_name=a.name, party_id=a.id,
                                png=signature_png(1))
    wang = DocumentService(desks.db, desks.actor("wang"))
    with pytest.raises(ValidationError) as err:
        wang.issue(cid, "agreement", final=True)
    assert f"尚缺：被申请人{b.name}签名、调解员王建国签名" in err.value.message
    assert all(not d.final for d in desks["wang"].cases.get(cid).documents)  # nothing sealed
    number = desks["wang"].cases.get(cid).number or ""
    out = tmp_path / "a.pdf"
    res = cli("document", number, "--form", "agreement", "--out", str(out), "--final")
    assert res.returncode == 1 and not out.exists()
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("错误：") and "尚缺：" in lines[0], res.stderr
    assert f"被申请人{b.name}签名" in lines[0] and "Traceback" not in res.stderr
    # A hostile caller cannot get a 待签署 print of a form that needs no signatures either.
    with pytest.raises(ValidationError, match="不是签署后生效的文书"):
        wang.issue(cid, "record", unsigned=True)


@pytest.mark.slow
def test_unsigned_print_is_not_sealed_and_verify_says_so(desks: Desks,
                                                         memory_keyring: MemoryKeyring, cli,
                                                         tmp_path) -> None:  # type: ignore[no-untyped-def]
    cid = agreed_case(desks)
    seal_key(desks)
    number = desks["wang"].cases.get(cid).number or ""
    out = tmp_path / "sign-me.pdf"
    res = cli("document", number, "--form", "agreement", "--out", str(out), "--for-signing")
    assert res.returncode == 0, res.stderr
    assert "待签署文本" in res.stdout and "核验码" not in res.stdout
    assert "does not contain any signatures" in pdfsig(out)
    text = text_of(out)
    assert "待签署文本" in text and "后生效" in text and "草稿" not in text
    assert "（调委会印章）" in text and "捺印" in text and "人民调解员（签名）" in text
    assert "核验码" not in text
    # No seal image, no QR code: the only pictures are none (nobody signed on the pad yet).
    assert images(out) == []
    docs = desks["wang"].cases.get(cid).documents
    assert [(d.kind, d.final, d.verification_code) for d in docs] == [("unsigned", False, "")]
    res = cli("verify", str(out))
    assert res.returncode == 1
    assert "【非生效文书】" in res.stdout and "待签署" in res.stdout and "不是生效" in res.stdout
    assert "登记过此文件（待签署" in res.stdout
    # A draft says the same, with its own name.
    draft = write(tmp_path, "draft.pdf", DocumentService(desks.db, desks.actor("wang")).issue(
        cid, "agreement").data)
    res = cli("verify", str(draft))
    assert res.returncode == 1 and "【非生效文书】" in res.stdout and "草稿" in res.stdout


def test_pad_signatures_then_sealed_final_lists_them(desks: Desks, memory_keyring: MemoryKeyring,
                                                     cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    cid = agreed_case(desks)
    ca = seal_key(desks)
    sign_all(desks, cid)
    a, b = desks["wang"].cases.get(cid).parties
    wang = DocumentService(desks.db, desks.actor("wang"))
    state = wang.signing_state(cid, "agreement")
    assert state is not None and state.complete
    issued = wang.issue(cid, "agreement", final=True)
    assert issued.kind == "final" and issued.signers == (
        f"申请人{a.name}（手写板签名）", f"被申请人{b.name}（手写板签名）", "调解员王建国（手写板签名）")
    path = write(tmp_path, "final.pdf", issued.data)
    out = pdfsig(path, nss_trusting(ca, tmp_path / "nss"))
    assert "Signature is Valid." in out and "Certificate is Trusted." in out, out
    text = text_of(path)
    assert "待签署" not in text and "草稿" not in text and "（调委会印章）" not in text
    assert f"核验码：{issued.verification_code}" in text and "可向本调委会或凭二维码核验" in text
    result, doc = wang.verify(issued.data)
    assert result.ok and result.effective and doc is not None and doc.kind == "final"
    assert result.signers == issued.signers
    res = cli("verify", str(path))
    assert res.returncode == 0
    assert "【通过】本文件是已生效的人民调解协议书" in res.stdout
    for line in ("文书：人民调解协议书", f"案号：{desks['wang'].cases.get(cid).number}",
                 f"核验码：{issued.verification_code}", "盖章时间：", "签名（3人）：",
                 f"申请人{a.name}（手写板签名）", "调解员王建国（手写板签名）"):
        assert line in res.stdout, line
    # By the code printed on the paper, in any spelling a person may type it.
    typed = issued.verification_code.lower().replace("-", " ")
    res = cli("verify", typed)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "【通过】" in res.stdout and f"被申请人{b.name}（手写板签名）" in res.stdout
    assert f"核验码 {issued.verification_code} 对应本系统" in res.stdout
    res = cli("verify", "ZZZZ-ZZZZ-ZZ")
    assert res.returncode == 1 and "没有登记" in res.stderr
    with pytest.raises(NotFound):
        wang.verify_code("ZZZZ-ZZZZ-ZZ")


@pytest.mark.slow
def test_paper_scan_route_seals_the_scan_with_the_form(desks: Desks,
                                                       memory_keyring: MemoryKeyring,
                                                       tmp_path) -> None:  # type: ignore[no-untyped-def]
    cid = agreed_case(desks)
    seal_key(desks)
    wang = DocumentService(desks.db, desks.actor("wang"))
    with pytest.raises(ValidationError, match="尚缺"):
        wang.issue(cid, "agreement", final=True)
    desks["wang"].files.add_attachment(cid, "签字页.png", scan_png("调解协议书签字页"),
                                       "signed_scan", "调解协议书（各方签字）")
    issued = wang.issue(cid, "agreement", final=True)
    path = write(tmp_path, "paper.pdf", issued.data)
    assert (1240, 1754) in images(path)  # the scanned signed original is in the sealed file
    text = text_of(path)
    assert "纸质原件签名（扫描件附后）" in text and "签署原件扫描件" in text
    result, _doc = wang.verify(issued.data)
    assert result.ok and result.effective
    assert result.signers and all(s.endswith("（纸质签名扫描件）") for s in result.signers)
    assert "调解员王建国（纸质签名扫描件）" in result.signers


@pytest.mark.slow
def test_seal_image_or_a_place_for_the_physical_stamp(desks: Desks,
                                                      memory_keyring: MemoryKeyring, cli,
                                                      tmp_path) -> None:  # type: ignore[no-untyped-def]
    cid = agreed_case(desks)
    seal_key(desks, image=False)
    sign_all(desks, cid)
    number = desks["wang"].cases.get(cid).number or ""
    out = tmp_path / "a.pdf"
    res = cli("document", number, "--form", "agreement", "--out", str(out), "--final")
    assert res.returncode == 1 and not out.exists()
    assert "警告：调委会没有设置印章图像" in res.stderr and "--no-seal-image-ok" in res.stderr
    res = cli("document", number, "--form", "agreement", "--out", str(out), "--final",
              "--no-seal-image-ok")
    assert res.returncode == 0, res.stderr
    assert "警告" in res.stderr and "核验码" in res.stdout
    bare = text_of(out)
    assert "（调委会印章）" in bare
    bare_images = images(out)
    c = desks["zhuren"].committees.get()
    desks["zhuren"].committees.update(c.id, c.version, seal_png=seal_png())
    res = cli("document", number, "--form", "agreement", "--out", str(out), "--final")
    assert res.returncode == 0 and "警告" not in res.stderr, res.stderr
    assert "（调委会印章）" not in text_of(out)
    assert len(images(out)) == len(bare_images) + 1  # the seal image


def test_oral_and_confirmation_follow_the_same_rule(desks: Desks,
                                                    memory_keyring: MemoryKeyring,
                                                    tmp_path) -> None:  # type: ignore[no-untyped-def]
    wang = desks["wang"]
    cid = accepted(wang)
    joint_session(wang, cid)
    seal_key(desks)
    docs = DocumentService(desks.db, desks.actor("wang"))
    with pytest.raises(ValidationError, match="该案件没有口头协议"):  # not "尚缺…签名"
        docs.issue(cid, "oral", final=True)
    wang.outcomes.record_oral(cid, OralAgreementInput("被申请人当日挪走占用车位的杂物",
                                                      facts="占用车位",
                                                      reached_on=dt.date.today()))
    with pytest.raises(ValidationError, match="人民调解口头协议登记表尚未签署完毕") as err:
        docs.issue(cid, "oral", final=True)
    assert "调解员王建国签名" in err.value.message
    path = write(tmp_path, "oral.pdf", docs.issue(cid, "oral", unsigned=True).data)
    assert "待签署文本" in text_of(path) and "草稿" not in text_of(path)
    for i, p in enumerate(wang.cases.get(cid).parties):
        wang.outcomes.sign(cid, signer_kind="party", signer_name=p.name, party_id=p.id,
                           png=signature_png(i + 1), form="oral")
    wang.outcomes.sign(cid, signer_kind="mediator", signer_name="王建国", png=signature_png(5),
                       form="oral")
    issued = docs.issue(cid, "oral", final=True)
    result, _doc = docs.verify(issued.data)
    assert result.ok and result.effective and "调解员王建国（手写板签名）" in result.signers
    # The oral form's signatures do not make the confirmation application signed.
    from desktop.documents.effect import signing_state

    state = signing_state("confirmation", docs.case_data(cid))
    assert not state.complete
    with pytest.raises(ValidationError, match="没有司法确认申请"):
        docs.signing_state(cid, "confirmation")
    assert {s.role for s in state.signers} == {"申请人"}


@pytest.mark.slow
def test_no_printed_form_tells_parties_to_run_a_command(rendered) -> None:  # type: ignore[no-untyped-def]
    from desktop.domain.enums import DocumentForm

    for form in DocumentForm:
        for final in (False, True):
            text = run("pdftotext", str(rendered(form, final=final)), "-").stdout
            assert "mediationdesk" not in text.lower(), form


@pytest.mark.slow
def test_qr_code_carries_the_facts_as_plain_text(rendered, case_data, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from desktop.documents.effect import qr_payload
    from desktop.domain.enums import DocumentForm

    expected = qr_payload(DocumentForm.AGREEMENT, case_data.case.number, "2026年11月20日",
                          case_data.verification_code)
    assert expected == "人民调解协议书｜（2026）青人调字第0001号｜2026年11月20日｜核验码 7K3Q-M9TX-2B"
    if shutil.which("zbarimg") is None:
        if os.environ.get("CI"):
            pytest.fail("zbarimg (apt zbar-tools) is needed to decode the printed QR code")
        pytest.skip("zbarimg not installed")
    pdf = rendered(DocumentForm.AGREEMENT, final=True)
    run("pdftoppm", "-png", "-r", "200", str(pdf), str(tmp_path / "p"))
    found = []
    for png in sorted(tmp_path.glob("p-*.png")):
        res = subprocess.run(["zbarimg", "-q", "--raw", str(png)], capture_output=True,
                             text=True, check=False)
        found += [x for x in res.stdout.splitlines() if x]
    assert found == [expected]
