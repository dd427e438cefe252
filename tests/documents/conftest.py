"""Fixtures for the document tests: rendered once per session, read back with poppler."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from desktop.documents.data import CaseDocumentData, RenderOptions
from desktop.documents.render import render
from desktop.documents.sample import sample_case
from desktop.domain.enums import DocumentForm

COMMITTEE = "青山街道人民调解委员会"
SEAL_PASSWORD = "测试印章密码-2026"


def run(*cmd: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, capture_output=True, text=True, check=True)


def pdf_text(path: Path, *extra: str) -> str:
    return run("pdftotext", *extra, str(path), "-").stdout


def flat(text: str, *, footers: bool = True) -> str:
    """Text without any whitespace: wrapped values read back whole. With ``footers=False``
    the page footers are dropped so that text running across a page break reads whole."""
    import re

    if not footers:
        text = re.sub(r"第 \d+ 页 共 \d+ 页\s*\f?", "", text)
    return "".join(text.split())


def pdf_pages(path: Path) -> int:
    for line in run("pdfinfo", str(path)).stdout.splitlines():
        if line.startswith("Pages:"):
            return int(line.split()[1])
    raise AssertionError("pdfinfo printed no page count")


def pdf_fonts(path: Path) -> list[list[str]]:
    lines = run("pdffonts", str(path)).stdout.splitlines()[2:]
    return [line.split() for line in lines if line.strip()]


@pytest.fixture(scope="session")
def case_data() -> CaseDocumentData:
    return sample_case()


class Rendered:
    """Renders each (form, final) once per session into a temporary directory."""

    def __init__(self, data: CaseDocumentData, root: Path) -> None:
        self.data, self.root = data, root
        self.cache: dict[tuple[str, bool], Path] = {}

    def __call__(self, form: DocumentForm | str, final: bool = False) -> Path:
        key = (DocumentForm(form).value, final)
        if key not in self.cache:
            path = self.root / f"{key[0]}-{'final' if final else 'draft'}.pdf"
            path.write_bytes(render(form, self.data, RenderOptions(final=final)))
            self.cache[key] = path
        return self.cache[key]


@pytest.fixture(scope="session")
def rendered(case_data: CaseDocumentData, tmp_path_factory: pytest.TempPathFactory) -> Rendered:
    return Rendered(case_data, tmp_path_factory.mktemp("forms"))


@pytest.fixture(scope="session")
def committee_keys():  # type: ignore[no-untyped-def]
    from desktop.documents.seal import generate_committee_keys

    return generate_committee_keys(COMMITTEE, SEAL_PASSWORD)


@pytest.fixture(scope="session")
def nss_db(committee_keys, tmp_path_factory: pytest.TempPathFactory) -> str:  # type: ignore[no-untyped-def]
    """A temporary NSS database trusting the committee CA (what pdfsig validates against)."""
    root = tmp_path_factory.mktemp("nss")
    ca = root / "ca.pem"
    ca.write_bytes(committee_keys.ca_cert_pem)
    run("certutil", "-N", "--empty-password", "-d", f"sql:{root}")
    run("certutil", "-A", "-d", f"sql:{root}", "-n", "committee-ca", "-t", "CT,C,C", "-a",
        "-i", str(ca))
    return f"sql:{root}"
