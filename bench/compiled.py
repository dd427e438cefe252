"""The environment a bench's child process needs to import the app as an installed app does:
from compiled modules (``installer/linux/bundle.sh`` compiles them at packaging).

Without it a child on a machine that sets ``PYTHONDONTWRITEBYTECODE`` (this one does) compiles
every module it imports from source, every time: about 15 ms for ``desktop/ui/caselist.py``
alone, paid by no user. The compiled files go to ``bench/out/pycache`` (``sys.pycache_prefix``),
not into the source tree."""

from __future__ import annotations

import compileall
import functools
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYCACHE = ROOT / "bench" / "out" / "pycache"


@functools.cache
def _compile() -> None:
    """Compile ``desktop`` into ``PYCACHE`` (only what changed), once per bench run."""
    PYCACHE.mkdir(parents=True, exist_ok=True)
    before = sys.pycache_prefix
    sys.pycache_prefix = str(PYCACHE)
    try:
        compileall.compile_dir(ROOT / "desktop", quiet=1)
    finally:
        sys.pycache_prefix = before


def compiled_env() -> dict[str, str]:
    """``os.environ`` with the prefix set and bytecode writing allowed, for ``subprocess``:
    a new dict each call (callers add their own variables), ``desktop`` compiled the first
    time only (bench/startup.py asks once per child)."""
    _compile()
    env = dict(os.environ, PYTHONPYCACHEPREFIX=str(PYCACHE))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env
