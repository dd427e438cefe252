"""Sealed finals verify with pdfsig (committee CA in an NSS db) and with our verify; any
change after sealing — a flipped byte, an appended incremental update — fails both."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest

from desktop.documents.seal import seal_pdf
from desktop.documents.verify import verify_pdf
from tests.documents.conftest import COMMITTEE, SEAL_PASSWORD

NUMBER = "（2026）青人调字第0001号"


@pytest.fixture(scope="module")
def sealed(rendered, committee_keys, tmp_path_factory) -> Path:  # type: ignore[no-untyped-def]
    pdf = rendered("agreement", final=True).read_bytes()
    out = seal_pdf(pdf, committee_keys.pkcs12, SEAL_PASSWORD, form_code="agreement",
                   form_label="人民调解协议书", case_number=NUMBER,
                   verification_code="7K3Q-M9TX-2B", committee=COMMITTEE)
    import hashlib

    assert out.sha256 == hashlib.sha256(out.data).hexdigest()
    path = tmp_path_factory.mktemp("sealed") / "agreement.pdf"
    path.write_bytes(out.data)
    return path


def pdfsig(path: Path, nss: str) -> str:
    # pdfsig exits 0 whether or not the signature is valid: the verdict is in the text.
    res = subprocess.run(["pdfsig", "-nssdir", nss, str(path)], capture_output=True, text=True,
                         check=False)
    return res.stdout + res.stderr


def cli_verify(path: Path, ca: Path) -> subprocess.CompletedProcess[str]:
    """The real command in a new process (once: proves the entry point and exit code)."""
    return subprocess.run([sys.executable, "-m", "desktop", "verify", "--ca", str(ca), str(path)],
                          capture_output=True, text=True, timeout=60, check=False)


def cli_verify_here(path: Path, ca: Path, capsys) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    """The same command line run in this process (no interpreter start-up per call)."""
    from desktop.cli import main

    capsys.readouterr()
    code = main(["verify", "--ca", str(ca), str(path)])
    return code, capsys.readouterr().out


@pytest.fixture(scope="module")
def ca_file(committee_keys, tmp_path_factory) -> Path:  # type: ignore[no-untyped-def]
    p = tmp_path_factory.mktemp("ca") / "ca.pem"
    p.write_bytes(committee_keys.ca_cert_pem)
    return p


@pytest.mark.slow
def test_sealed_agreement_is_valid_for_pdfsig_and_verify(sealed, nss_db, committee_keys,
                                                         ca_file) -> None:  # type: ignore[no-untyped-def]
    out = pdfsig(sealed, nss_db)
    assert "Signature is Valid." in out, out
    assert "Certificate is Trusted." in out, out
    assert "Total document signed" in out, out
    assert COMMITTEE in out
    res = verify_pdf(sealed.read_bytes(), [committee_keys.ca_cert_pem])
    assert res.ok, res.report()
    assert (res.case_number, res.form, res.verification_code) == (NUMBER, "agreement",
                                                                  "7K3Q-M9TX-2B")
    assert res.committee == COMMITTEE and res.signed_at is not None
    cli = cli_verify(sealed, ca_file)
    assert cli.returncode == 0, cli.stdout + cli.stderr
    assert "【通过】" in cli.stdout and NUMBER in cli.stdout and "人民调解协议书" in cli.stdout


def _flip_content_byte(data: bytes) -> bytes:
    # Flip a byte inside the first page's content stream (signed range, not /Contents).
    start = data.index(b"stream\n", data.index(b"/Filter")) + len(b"stream\n")
    pos = start + 40
    return data[:pos] + bytes([data[pos] ^ 0x01]) + data[pos + 1:]


@pytest.mark.slow
def test_flipped_byte_is_detected(sealed, nss_db, committee_keys, ca_file, tmp_path,
                                  capsys) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "flipped.pdf"
    bad.write_bytes(_flip_content_byte(sealed.read_bytes()))
    out = pdfsig(bad, nss_db)
    assert "Signature is Valid." not in out and "Digest Mismatch" in out, out
    res = verify_pdf(bad.read_bytes(), [committee_keys.ca_cert_pem])
    assert not res.ok and "篡改" in res.message
    code, out = cli_verify_here(bad, ca_file, capsys)
    assert code != 0 and "【未通过】" in out


@pytest.mark.slow
def test_incremental_update_changing_text_is_detected(sealed, nss_db, committee_keys,
                                                      ca_file, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    w = IncrementalPdfFileWriter(io.BytesIO(sealed.read_bytes()))
    page = w.root["/Pages"]["/Kids"][1].get_object()
    # Replace the amount on page 2 by drawing over it with a new content stream.
    stream = generic.StreamObject(stream_data=b"BT /F1 12 Tf 100 700 Td (50000.00) Tj ET")
    ref = w.add_object(stream)
    contents = page["/Contents"]
    page["/Contents"] = generic.ArrayObject([contents, ref]) if not isinstance(
        contents, generic.ArrayObject) else generic.ArrayObject(list(contents) + [ref])
    w.update_container(page)
    buf = io.BytesIO()
    w.write(buf)
    bad = tmp_path / "appended.pdf"
    bad.write_bytes(buf.getvalue())
    out = pdfsig(bad, nss_db)
    # pdfsig still calls the signed revision valid; what it reports is the extra update.
    assert "Not total document signed" in out, out
    res = verify_pdf(bad.read_bytes(), [committee_keys.ca_cert_pem])
    assert not res.ok and "追加修改" in res.message, res.report()
    code, out = cli_verify_here(bad, ca_file, capsys)
    assert code != 0 and "追加修改" in out


def test_unknown_committee_and_unsealed_files_fail(sealed, rendered, tmp_path,
                                                   capsys) -> None:  # type: ignore[no-untyped-def]
    from desktop.documents.seal import generate_committee_keys

    other = generate_committee_keys("别处人民调解委员会", "x")
    res = verify_pdf(sealed.read_bytes(), [other.ca_cert_pem])
    assert not res.ok and "盖章单位不明" in res.message
    plain = verify_pdf(rendered("agreement", final=True).read_bytes(), [other.ca_cert_pem])
    assert not plain.ok and "没有" in plain.message
    other_ca = tmp_path / "other.pem"
    other_ca.write_bytes(other.ca_cert_pem)
    code, out = cli_verify_here(sealed, other_ca, capsys)
    assert code != 0 and "盖章单位不明" in out


def test_pkcs12_import(committee_keys) -> None:  # type: ignore[no-untyped-def]
    from desktop.documents.seal import import_pkcs12
    from desktop.domain.errors import ValidationError

    keys = import_pkcs12(committee_keys.pkcs12, SEAL_PASSWORD)
    assert keys.ca_cert_pem == committee_keys.ca_cert_pem and keys.subject == COMMITTEE
    with pytest.raises(ValidationError, match="密码错误"):
        import_pkcs12(committee_keys.pkcs12, "wrong")
    with pytest.raises(ValidationError):
        seal_pdf(b"%PDF-1.4", committee_keys.pkcs12, "wrong", form_code="agreement",
                 form_label="人民调解协议书", case_number=NUMBER, verification_code="X",
                 committee=COMMITTEE)


def test_signers_in_the_seal_are_read_back_whole(rendered, committee_keys) -> None:  # type: ignore[no-untyped-def]
    signers = ("申请人张三、李四合伙企业（手写板签名）", "调解员王建国（纸质签名扫描件）")
    out = seal_pdf(rendered("agreement", final=True).read_bytes(), committee_keys.pkcs12,
                   SEAL_PASSWORD, form_code="agreement", form_label="人民调解协议书",
                   case_number=NUMBER, verification_code="7K3Q-M9TX-2B", committee=COMMITTEE,
                   signers=signers)
    res = verify_pdf(out.data, [committee_keys.ca_cert_pem])
    assert res.ok and res.effective and res.signers == signers
    assert "签名（2人）：" in res.report() and "已生效的人民调解协议书" in res.message
