"""mypy plugin: a PySide6 constructor takes every Qt property of the class *and its bases* as a
keyword (``QLabel(text, objectName="title")``), but the stubs PySide6 ships list only the
class's own properties on each ``__init__``. Without this, each such call (about 180 in
desktop/ui) is a false "Unexpected keyword argument" error.

The plugin adds to a PySide6 constructor's signature the keyword-only parameters of its
PySide6 base classes' ``__init__`` (with their stub types), so a misspelt property or a
wrong value type is still an error. Enabled by ``plugins`` in pyproject.toml's [tool.mypy].
"""

from __future__ import annotations

from collections.abc import Callable

from mypy.nodes import ARG_NAMED_OPT, ARG_STAR2, ArgKind
from mypy.plugin import FunctionSigContext, Plugin
from mypy.types import CallableType, FunctionLike, Instance, Overloaded, Type, get_proper_type


def _own_keywords(init_type: Type | None) -> dict[str, Type]:
    """The keyword-only (property) parameters of one class's ``__init__`` stub."""
    found: dict[str, Type] = {}
    proper = get_proper_type(init_type)
    items: list[CallableType] = []
    if isinstance(proper, CallableType):
        items = [proper]
    elif isinstance(proper, Overloaded):
        items = list(proper.items)
    for item in items:
        for name, kind, typ in zip(item.arg_names, item.arg_kinds, item.arg_types, strict=True):
            if name is not None and kind == ARG_NAMED_OPT:
                found.setdefault(name, typ)
    return found


def _with_inherited_properties(ctx: FunctionSigContext) -> FunctionLike:
    sig = ctx.default_signature
    ret = get_proper_type(sig.ret_type)
    if not isinstance(ret, Instance) or ARG_STAR2 in sig.arg_kinds:
        return sig
    have = {name for name in sig.arg_names if name is not None}
    names: list[str | None] = list(sig.arg_names)
    kinds: list[ArgKind] = list(sig.arg_kinds)
    types: list[Type] = list(sig.arg_types)
    for base in ret.type.mro[1:]:
        init = base.names.get("__init__")
        if init is None or not base.fullname.startswith("PySide6."):
            continue
        for name, typ in _own_keywords(init.type).items():
            if name not in have:
                have.add(name)
                names.append(name)
                kinds.append(ARG_NAMED_OPT)
                types.append(typ)
    return sig.copy_modified(arg_names=names, arg_kinds=kinds, arg_types=types)


class QtPropertiesPlugin(Plugin):
    def get_function_signature_hook(
        self, fullname: str
    ) -> Callable[[FunctionSigContext], FunctionLike] | None:
        if not fullname.startswith("PySide6."):
            return None
        info = self.lookup_fully_qualified(fullname)
        if info is None or info.node is None or not hasattr(info.node, "mro"):
            return None  # a function, not a class: nothing inherited
        return _with_inherited_properties


def plugin(version: str) -> type[Plugin]:
    return QtPropertiesPlugin
