"""Layers of DESIGN.md: the Qt-free packages never import PySide6; the UI never touches SQL."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2] / "desktop"


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("package", ["domain", "store", "services", "documents", "reports"])
def test_core_packages_never_import_qt(package: str) -> None:
    offenders = [
        f"{p.relative_to(ROOT)}: {name}"
        for p in (ROOT / package).rglob("*.py")
        for name in imports_of(p)
        if name.split(".")[0] in ("PySide6", "shiboken6") or name.startswith("desktop.ui")
    ]
    assert offenders == []


def test_domain_never_imports_sql() -> None:
    offenders = [f"{p.relative_to(ROOT)}: {n}" for p in (ROOT / "domain").rglob("*.py")
                 for n in imports_of(p) if n.split(".")[0] in ("sqlalchemy", "alembic", "psycopg")
                 or n.startswith("desktop.store")]
    assert offenders == []


def test_ui_never_imports_sqlalchemy_or_store() -> None:
    offenders = [f"{p.relative_to(ROOT)}: {n}" for p in (ROOT / "ui").rglob("*.py")
                 for n in imports_of(p)
                 if n.split(".")[0] in ("sqlalchemy", "psycopg") or n.startswith("desktop.store")]
    assert offenders == []
