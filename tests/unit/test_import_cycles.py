"""No two modules of desktop/ import each other, directly or around a ring.

The graph has one node per module and an edge for every ``import`` of another desktop module,
read with ``ast``: at the top of the file *and* inside functions — a lazy import is still a
dependency, it only hides the cycle until the first call. Imports under ``if TYPE_CHECKING:``
are left out: they never run, and they are how a module names a type from a module that
imports it. ``from pkg import name`` is an edge to ``pkg.name`` when that is a module, else to
``pkg``; importing ``a.b`` is not counted as importing the package ``a`` as well (every module
would then form a ring with its package's ``__init__``).
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2] / "desktop"


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imports(tree: ast.AST) -> list[ast.Import | ast.ImportFrom]:
    """Every import statement that can run (anywhere in the file, not under TYPE_CHECKING)."""
    found: list[ast.Import | ast.ImportFrom] = []
    todo: list[ast.AST] = [tree]
    while todo:
        node = todo.pop()
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child):
                todo.extend(child.orelse)
                continue
            if isinstance(child, (ast.Import, ast.ImportFrom)):
                found.append(child)
            todo.append(child)
    return found


def import_graph(sources: dict[str, str], packages: set[str]) -> dict[str, set[str]]:
    """Module name -> the desktop modules it imports. ``sources``: module name -> its text;
    ``packages``: the names that are packages (their relative imports resolve inside them)."""
    graph: dict[str, set[str]] = {}
    for name, text in sources.items():
        package = name if name in packages else name.rpartition(".")[0]
        out: set[str] = set()
        for node in _imports(ast.parse(text)):
            if isinstance(node, ast.Import):
                out.update(a.name for a in node.names if a.name in sources)
                continue
            if node.level:
                base = package.split(".")[:len(package.split(".")) - (node.level - 1)]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            for alias in node.names:
                if f"{target}.{alias.name}" in sources:
                    out.add(f"{target}.{alias.name}")
                elif target in sources:
                    out.add(target)
        out.discard(name)
        graph[name] = out
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:  # recursion depth is the length of an import chain: small
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return sorted(found)


def a_ring(graph: dict[str, set[str]], group: list[str]) -> list[str]:
    """One concrete ring through ``group`` (a → b → … → a), to say where to cut."""
    members = set(group)
    start = group[0]
    paths = {start: [start]}
    todo = [start]
    while todo:
        v = todo.pop(0)
        for w in sorted(graph[v] & members):
            if w == start:
                return [*paths[v], start]
            if w not in paths:
                paths[w] = [*paths[v], w]
                todo.append(w)
    return group


def desktop_sources() -> tuple[dict[str, str], set[str]]:
    files = sorted(ROOT.rglob("*.py"))
    sources = {module_name(p): p.read_text(encoding="utf-8") for p in files}
    packages = {module_name(p) for p in files if p.name == "__init__.py"}
    return sources, packages


def report(graph: dict[str, set[str]]) -> list[str]:
    return [" → ".join(a_ring(graph, group)) for group in cycles(graph)]


def test_no_import_cycle_in_desktop() -> None:
    sources, packages = desktop_sources()
    assert len(sources) > 100  # the whole package was read
    assert report(import_graph(sources, packages)) == []


def test_the_check_sees_lazy_and_relative_imports_and_names_the_ring() -> None:
    sources, packages = desktop_sources()
    graph = import_graph(sources, packages)
    assert "desktop.store.paths" in graph["desktop.store.db"]  # db imports paths
    assert "desktop.store.opening" in graph["desktop.services.connection"]  # inside a function
    # plant: paths imports db inside a function (lazy), through a relative import
    planted = dict(sources)
    planted["desktop.store.paths"] += "\n\ndef _planted() -> None:\n    from . import db\n"
    assert report(import_graph(planted, packages)) == [
        "desktop.store.db → desktop.store.paths → desktop.store.db"]
    # a longer ring, planted with an absolute import at the top of the file
    planted = dict(sources)
    planted["desktop.domain.errors"] += "\nimport desktop.services.audit\n"
    [ring] = report(import_graph(planted, packages))
    assert ring.startswith("desktop.domain.errors → desktop.services.audit → ")
    assert ring.endswith(" → desktop.domain.errors")


def test_type_checking_imports_are_not_edges() -> None:
    sources, packages = desktop_sources()
    planted = dict(sources)
    planted["desktop.store.paths"] += (
        "\nfrom typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n"
        "    from desktop.store.db import Database\n")
    assert report(import_graph(planted, packages)) == []
