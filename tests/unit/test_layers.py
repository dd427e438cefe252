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


# Which parts of desktop/ each part may import (DESIGN.md's ui → services → store/domain, with
# documents and reports beside). One table: a new edge is a decision, made here, in review.
ALLOWED: dict[str, set[str]] = {
    "domain": {"domain"},
    "store": {"store", "domain"},
    "documents": {"documents", "domain", "resources"},
    "reports": {"reports", "domain", "documents", "store"},
    "services": {"services", "domain", "store", "documents", "reports"},
    "ui": {"ui", "services", "domain", "reports", "resources"},
    # services: the worker-process check starts the demo load's producer (services.demo)
    "selftest": {"selftest", "services", "store", "documents", "domain", "resources"},
    "app": {"app", "ui", "services", "store", "domain", "resources"},
    "cli": {"cli", "app", "services", "store", "domain", "documents", "reports", "resources",
            "selftest"},
    "__main__": {"cli"},
    "resources": set(),
    "__init__": set(),
}


def part_of(path: Path) -> str:
    rel = path.relative_to(ROOT).parts
    return rel[0] if len(rel) > 1 else rel[0].removesuffix(".py")


def desktop_imports(path: Path, source: str | None = None) -> set[str]:
    """The parts of desktop/ a module imports (``import desktop`` itself is always allowed)."""
    tree = ast.parse(path.read_text(encoding="utf-8") if source is None else source)
    here = path.relative_to(ROOT.parent).with_suffix("").parts
    out: set[str] = set()
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against this module's package
                base = here[:len(here) - node.level]
                names = [".".join((*base, node.module or ""))]
            elif node.module:
                names = [node.module]
        for name in names:
            parts = name.split(".")
            if parts[0] == "desktop" and len(parts) > 1:
                out.add(parts[1])
    return out


def offenders_of(path: Path, source: str | None = None) -> list[str]:
    return sorted(f"{path.relative_to(ROOT)} imports desktop.{q}"
                  for q in desktop_imports(path, source) - ALLOWED.get(part_of(path), set()))


def test_every_part_is_in_the_table() -> None:
    parts = {part_of(p) for p in ROOT.rglob("*.py")}
    assert parts <= set(ALLOWED), f"add {sorted(parts - set(ALLOWED))} to ALLOWED"


def test_imports_follow_the_table() -> None:
    assert [o for p in sorted(ROOT.rglob("*.py")) for o in offenders_of(p)] == []


def test_the_check_catches_a_services_import_in_the_store() -> None:
    paths = ROOT / "store" / "paths.py"
    assert offenders_of(paths) == []
    added = paths.read_text(encoding="utf-8") + "\nfrom desktop.services import Desk\n"
    assert offenders_of(paths, added) == ["store/paths.py imports desktop.services"]
    relative = paths.read_text(encoding="utf-8") + "\nfrom ..ui import qt\n"
    assert offenders_of(paths, relative) == ["store/paths.py imports desktop.ui"]
