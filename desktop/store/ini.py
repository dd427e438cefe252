"""The desk's ini file (``mediationdesk.ini`` in the user config dir), read and written as text.

The GUI's QSettings keeps its own sections in the same file (window geometry, list
preferences); the store reads ``[backup]`` and owns ``[db]`` (``profiles``). Writing keeps every
other section as it is and replaces the file in one step.
"""

from __future__ import annotations

import configparser
from pathlib import Path

from desktop.store import paths

INI_NAME = "mediationdesk.ini"


def ini_path() -> Path:
    return paths.config_dir() / INI_NAME


def read(path: Path | None = None) -> configparser.RawConfigParser:
    cp = configparser.RawConfigParser()
    cp.optionxform = str  # type: ignore[assignment,method-assign]  # keep keys as written
    path = path or ini_path()
    if path.exists():
        cp.read(path, encoding="utf-8")
    return cp


def option(section: str, key: str, path: Path | None = None) -> str | None:
    """One value as written (QSettings may have quoted it), or None."""
    cp = read(path)
    if not cp.has_option(section, key):
        return None
    return str(cp.get(section, key)).strip('"')


def write_section(section: str, values: dict[str, str], path: Path | None = None) -> Path:
    """Set ``values`` in ``section``, keeping every other key and section of the file."""
    path = path or ini_path()
    cp = read(path)
    if not cp.has_section(section):
        cp.add_section(section)
    for key, value in values.items():
        cp.set(section, key, value)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        cp.write(fh)
    tmp.replace(path)
    return path


__all__ = ["INI_NAME", "ini_path", "option", "read", "write_section"]
