"""Every change kind a view listens to is one some write announces.

Read from the code (ast over desktop/ui), so a listener for a kind nobody emits — a view that
would silently never refresh — fails here, as does a kind passed as a bare string.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import desktop.ui
from desktop.ui import ops
from desktop.ui.ops import ChangeKind

UI = Path(desktop.ui.__file__).parent
EMITTERS = {"changes", "notify"}  # Op.changes(kind, ids) and ops.notify(kind, ids)


def _kind_name(node: ast.AST) -> str | None:
    """``X`` for an expression ``ChangeKind.X`` or ``ops.ChangeKind.X``."""
    if isinstance(node, ast.Attribute):
        owner = node.value
        if (isinstance(owner, ast.Name) and owner.id == "ChangeKind") or (
                isinstance(owner, ast.Attribute) and owner.attr == "ChangeKind"):
            return node.attr
    return None


def scan(root: Path = UI) -> tuple[dict[str, list[str]], dict[str, list[str]], list[str]]:
    """(emitted kind -> places, listened kind -> places, problems)."""
    emitted: dict[str, list[str]] = {}
    listened: dict[str, list[str]] = {}
    problems: list[str] = []
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        rel = path.relative_to(root.parent.parent)
        emit_args: set[int] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef) and node.name == "ChangeKind":
                emit_args.update(id(n) for n in ast.walk(node))  # the definition itself
            if (isinstance(node, ast.Call) and node.args
                    and isinstance(node.func, ast.Attribute | ast.Name)
                    and (node.func.attr if isinstance(node.func, ast.Attribute)
                         else node.func.id) in EMITTERS):
                first = node.args[0]
                where = f"{rel}:{node.lineno}"
                name = _kind_name(first)
                if name is not None:
                    emitted.setdefault(name, []).append(where)
                    emit_args.add(id(first))
                elif isinstance(first, ast.Constant) and isinstance(first.value, str):
                    problems.append(f"{where}: kind {first.value!r} given as a string")
                elif not _passes_through(first, rel.name):
                    problems.append(f"{where}: kind is not a ChangeKind member")
        for node in ast.walk(tree):
            name = _kind_name(node)
            if name is not None and id(node) not in emit_args:
                listened.setdefault(name, []).append(f"{rel}:{node.lineno}")
        for fn in _slots(tree):
            # a listener comparing the kind with a string hears nothing the enum names
            for node in ast.walk(fn):
                if isinstance(node, ast.Compare):
                    for c in ast.walk(node):
                        if isinstance(c, ast.Constant) and isinstance(c.value, str):
                            problems.append(f"{rel}:{node.lineno}: kind compared with {c.value!r}")
    return emitted, listened, problems


def _slots(tree: ast.Module) -> list[ast.FunctionDef]:
    """The methods connected with ``ops.changes().changed.connect(self.name)``."""
    names = set()
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr == "connect" and isinstance(node.func.value, ast.Attribute)
                and node.func.value.attr == "changed"
                and isinstance(node.func.value.value, ast.Call) and node.args
                and isinstance(node.args[0], ast.Attribute)):
            names.add(node.args[0].attr)
    return [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and n.name in names]


def _passes_through(arg: ast.expr, filename: str) -> bool:
    """ops.py hands on a kind it was given (``ChangeKind(kind)``, ``self._kind``)."""
    if isinstance(arg, ast.Call):
        return isinstance(arg.func, ast.Name) and arg.func.id == "ChangeKind"
    return isinstance(arg, ast.Name | ast.Attribute) and filename == "ops.py"


def test_every_listened_kind_is_emitted() -> None:
    emitted, listened, problems = scan()
    assert not problems, "\n".join(problems)
    unknown = (set(emitted) | set(listened)) - set(ChangeKind.__members__)
    assert not unknown, f"not ChangeKind members: {sorted(unknown)}"
    never = {k: listened[k] for k in sorted(set(listened) - set(emitted))}
    assert not never, f"listened to but never emitted: {never}"
    # the views that must follow case edits do listen to them
    heard = {place.split(":")[0] for place in listened["CASE"]}
    for view in ("desktop/ui/dashboard.py", "desktop/ui/caselist.py", "desktop/ui/reports.py",
                 "desktop/ui/case/window.py"):
        assert view in heard


def test_the_scan_catches_a_listener_nobody_serves(tmp_path: Path) -> None:
    """The checker itself can fail: a fake tree with a dead listener and a string kind."""
    pkg = tmp_path / "desktop" / "ui"
    pkg.mkdir(parents=True)
    (pkg / "view.py").write_text(
        "from desktop.ui import ops\n"
        "KINDS = {ops.ChangeKind.CASE, ops.ChangeKind.SWEEP}\n"
        "def save(op):\n"
        "    op.changes(ops.ChangeKind.CASE, [1])\n"
        "    ops.notify('case')\n"
        "class View:\n"
        "    def __init__(self):\n"
        "        ops.changes().changed.connect(self.heard)\n"
        "    def heard(self, kind, ids):\n"
        "        return kind == 'outcome'\n", encoding="utf-8")
    emitted, listened, problems = scan(pkg)
    assert set(emitted) == {"CASE"}
    assert set(listened) - set(emitted) == {"SWEEP"}
    assert len(problems) == 2 and "'case'" in problems[0] and "'outcome'" in problems[1]


def test_notify_refuses_a_kind_that_does_not_exist(qtbot) -> None:  # type: ignore[no-untyped-def]
    seen: list[tuple[object, list[int]]] = []
    ops.changes().changed.connect(lambda kind, ids: seen.append((kind, ids)))
    ops.notify(ChangeKind.CASE, [3])
    assert seen[-1] == (ChangeKind.CASE, [3]) and seen[-1][0] is ChangeKind.CASE
    with pytest.raises(ValueError):
        ops.notify("outcome", [3])  # type: ignore[arg-type]
