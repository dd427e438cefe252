"""The repository's markdown (README, CONTRIBUTING, docs/, the other READMEs) links only to
files inside the repository that exist: no ``../`` out of it, no absolute path, no ``file:``,
no missing file or image. Web addresses (http, https, mailto) are not files and are allowed.

Links are read with a CommonMark parser (markdown-it-py), so reference links, images and
links inside tables count, and code blocks do not; ``src``/``href`` in inline HTML count too.

Named files count as well: a ``*.md`` named in the text (DOMAIN.md, a brief that lived
outside the repository, was one) and a repository path in backticks (`desktop/store/db.py`)
must exist, so a newcomer can open what the docs name. Placeholders (`<name>`, `NNNN`) and
output folders (`installer/out/`, `bench/out/`) are not files.

"Exists" means git tracks it (a file, or a folder holding tracked files): a file that is only
on this checkout's disk -- ignored output, an uncommitted draft -- is not in the clean clone CI
reads, and once passed here while CI failed on it.
"""

from __future__ import annotations

import re
import subprocess
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from markdown_it import MarkdownIt

REPO = Path(__file__).resolve().parents[2]
SKIP_DIRS = {".git", ".venv", "node_modules", "build", "dist"}
WEB = {"http", "https", "mailto"}
HTML_TARGET = re.compile(r"""\b(?:href|src)\s*=\s*["']([^"']+)["']""", re.IGNORECASE)


def markdown_files() -> list[Path]:
    return sorted(p for p in REPO.rglob("*.md")
                  if not SKIP_DIRS & set(p.relative_to(REPO).parts))


def link_targets(text: str) -> list[str]:
    """Every link and image target in the markdown, in order."""
    targets: list[str] = []
    md = MarkdownIt("commonmark").enable("table")
    # the default drops file: links; we want to see them
    md.validateLink = lambda url: True  # type: ignore[method-assign]
    for token in md.parse(text):
        if token.type == "html_block":
            targets += HTML_TARGET.findall(token.content)
        for child in token.children or ():
            if child.type == "link_open":
                targets.append(str(child.attrGet("href")))
            elif child.type == "image":
                targets.append(str(child.attrGet("src")))
            elif child.type == "html_inline":
                targets += HTML_TARGET.findall(child.content)
    return targets


TOP_DIRS = ("desktop", "tests", "scripts", "docs", "bench", "migrations", "installer", "resources")
CODE_PATH = re.compile(r"^(?:" + "|".join(TOP_DIRS) + r")/\S*$")
MD_NAME = re.compile(r"(?<![\w./-])([\w./-]+\.md)\b")
NOT_FILES = re.compile(r"[<>*]|NNNN|^installer/out(/|$)|^bench/out(/|$)")


@cache
def tracked() -> frozenset[str] | None:
    """Every tracked file and the folders above them, relative to the repository; None when
    this is not a git checkout (an unpacked source archive), where the disk is all there is."""
    try:
        out = subprocess.run(["git", "-C", str(REPO), "ls-files", "-z"], capture_output=True,
                             check=True).stdout.decode("utf-8")
    except (OSError, subprocess.CalledProcessError):
        return None
    names: set[str] = set()
    for f in filter(None, out.split("\0")):
        parts = f.split("/")
        names.update("/".join(parts[:i]) for i in range(1, len(parts) + 1))
    return frozenset(names)


def in_repository(path: Path) -> bool:
    where = path.resolve()
    if not where.is_relative_to(REPO):
        return False
    files = tracked()
    if files is None:
        return where.exists()
    rel = where.relative_to(REPO).as_posix()
    return rel == "." or rel in files


def named_files(text: str) -> list[str]:
    """Repository paths in code spans and ``*.md`` names in the prose (not in code blocks)."""
    names: list[str] = []
    for token in MarkdownIt("commonmark").enable("table").parse(text):
        for child in token.children or ():
            if child.type == "code_inline" and CODE_PATH.match(child.content):
                names.append(re.split(r"[:#]", child.content)[0])
            elif child.type in ("code_inline", "text"):
                names += MD_NAME.findall(child.content)
    return [n for n in dict.fromkeys(names) if not NOT_FILES.search(n)]


def missing_name(doc: Path, name: str) -> str | None:
    if in_repository(doc.parent / name) or in_repository(REPO / name):
        return None
    if "/" not in name and any(p.name == name for p in markdown_files()):
        return None
    return f"{name}: named in the text but not in the repository"


def problem(doc: Path, target: str) -> str | None:
    """Why ``target`` (a link in ``doc``) does not point at a file in the repository."""
    parts = urlsplit(target)
    if parts.scheme in WEB:
        return None
    if parts.scheme:
        return f"{target}: a {parts.scheme}: address, not a file in the repository"
    if not parts.path:
        return None  # "#section" within the same file
    path = unquote(parts.path)
    if path.startswith("/"):
        return f"{target}: an absolute path; link relative to {doc.name}"
    where = (doc.parent / path).resolve()
    if not where.is_relative_to(REPO):
        return f"{target}: outside the repository"
    if not in_repository(where):
        return f"{target}: no such file in the repository"
    return None


def test_the_docs_are_found() -> None:
    names = {str(p.relative_to(REPO)) for p in markdown_files()}
    assert {"README.md", "CONTRIBUTING.md", "docs/architecture.md"} <= names


@pytest.mark.parametrize("doc", markdown_files(), ids=lambda p: str(p.relative_to(REPO)))
def test_links_stay_inside_the_repository(doc: Path) -> None:
    bad = [why for t in link_targets(doc.read_text(encoding="utf-8")) if (why := problem(doc, t))]
    assert bad == []


@pytest.mark.parametrize("doc", markdown_files(), ids=lambda p: str(p.relative_to(REPO)))
def test_named_files_exist(doc: Path) -> None:
    text = doc.read_text(encoding="utf-8")
    assert [why for n in named_files(text) if (why := missing_name(doc, n))] == []


def test_the_check_fails_on_named_files_that_are_not_here() -> None:
    doc = REPO / "docs" / "example.md"
    sample = ("Read DOMAIN.md and `README.md`, then `desktop/store/db.py` and `desktop/nowhere.py:12`"
              " and architecture.md; add `migrations/versions/NNNN_<what>.py`.\n\n"
              "```\ndesktop/in_a_block.py GONE.md\n```\n")
    found = [why for n in named_files(sample) if (why := missing_name(doc, n))]
    assert found == ["DOMAIN.md: named in the text but not in the repository",
                     "desktop/nowhere.py: named in the text but not in the repository"]


def test_the_check_fails_on_bad_links(tmp_path: Path) -> None:
    doc = REPO / "docs" / "example.md"  # never written: only its folder matters
    sample = (
        "[arch](architecture.md) [top](../README.md#快速开始-quick-start) [web](https://example.org)\n"
        "[here](#section) ![shot](screenshots/dashboard.png)\n"
        "[out](../../shared/DESIGN.md) [abs](/work/shared/STYLE.md) [gone](lan-old.md)\n"
        "[file](file:///etc/passwd) ![lost](screenshots/nothing.png)\n\n"
        "[ref]\n\n[ref]: ../../notes/common.md\n\n"
        "| a | b |\n|---|---|\n| [cell](missing-in-table.md) | x |\n\n"
        '<img src="screenshots/absent.png">\n\n'
        "```\n[in code](not-a-link.md)\n```\n"
    )
    found = [why for t in link_targets(sample) if (why := problem(doc, t))]
    assert found == [
        "../../shared/DESIGN.md: outside the repository",
        "/work/shared/STYLE.md: an absolute path; link relative to example.md",
        "lan-old.md: no such file in the repository",
        "file:///etc/passwd: a file: address, not a file in the repository",
        "screenshots/nothing.png: no such file in the repository",
        "../../notes/common.md: outside the repository",
        "missing-in-table.md: no such file in the repository",
        "screenshots/absent.png: no such file in the repository",
    ]
