r"""The desk's ini file (``mediationdesk.ini`` in the user config dir), read and written as text.

The GUI's QSettings keeps its own sections in the same file (window geometry, list
preferences); the store reads ``[backup]`` and owns ``[db]`` (``profiles``). Writing keeps every
other section as it is and replaces the file in one step.

Values are written and read in QSettings' own escaping (``\\`` for a backslash, quotes around a
value with a comma, ``\"`` for a quote): QSettings rewrites the whole file whenever the GUI
saves one of its settings, and reads back whatever it finds — a Windows path written plainly
(``C:\Users\…``) would come back with ``\U`` taken as an escape.
"""

from __future__ import annotations

import configparser
from pathlib import Path

from desktop.store import paths

INI_NAME = "mediationdesk.ini"


def ini_path() -> Path:
    return paths.config_dir() / INI_NAME


_ESCAPES = {"\\": "\\\\", '"': '\\"', "\0": "\\0", "\a": "\\a", "\b": "\\b",
            "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\v": "\\v"}
_UNESCAPES = {"a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v",
              "0": "\0", '"': '"', "'": "'", "\\": "\\", "?": "?"}


def qt_escape(value: str) -> str:
    """``value`` as QSettings writes a string into an ini file."""
    out = "".join(_ESCAPES.get(ch, f"\\x{ord(ch):04x}" if ord(ch) < 0x20 else ch) for ch in value)
    if value.startswith("@"):
        out = "@" + out  # QSettings' marker for its own types (@ByteArray, @Variant)
    if any(ch in value for ch in ",;=") or out[:1] == " " or out[-1:] == " ":
        out = f'"{out}"'
    return out


def qt_unescape(raw: str) -> str:
    """The string QSettings reads from an ini value (quotes, escapes; a comma outside quotes,
    which QSettings takes as a list separator, is kept as ", ")."""
    out: list[str] = []
    quoted = False
    i = 0
    while i < len(raw):
        ch = raw[i]
        if ch == '"':
            quoted = not quoted
        elif ch == "\\" and i + 1 < len(raw):
            nxt = raw[i + 1]
            if nxt == "x":
                j = i + 2
                while j < len(raw) and raw[j] in "0123456789abcdefABCDEF":
                    j += 1
                if j > i + 2:
                    out.append(chr(int(raw[i + 2:j], 16)))
                i = j
                continue
            out.append(_UNESCAPES.get(nxt, ""))
            i += 1
        elif ch == "," and not quoted:
            out.append(", ")
            while i + 1 < len(raw) and raw[i + 1] == " ":
                i += 1
        else:
            out.append(ch)
        i += 1
    text = "".join(out)
    return text[1:] if text.startswith("@@") else text


def read(path: Path | None = None) -> configparser.RawConfigParser:
    cp = configparser.RawConfigParser(delimiters=("=",))
    cp.optionxform = str  # type: ignore[assignment,method-assign]  # keep keys as written
    path = path or ini_path()
    if path.exists():
        cp.read(path, encoding="utf-8")
    return cp


def option(section: str, key: str, path: Path | None = None) -> str | None:
    """One value (unescaped), or None."""
    cp = read(path)
    if not cp.has_option(section, key):
        return None
    return qt_unescape(str(cp.get(section, key)))


def write_section(section: str, values: dict[str, str], path: Path | None = None) -> Path:
    """Set ``values`` in ``section`` (escaped as QSettings does), keeping every other key and
    section of the file."""
    path = path or ini_path()
    cp = read(path)
    if not cp.has_section(section):
        cp.add_section(section)
    for key, value in values.items():
        cp.set(section, key, qt_escape(value))
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        cp.write(fh)
    tmp.replace(path)
    return path


__all__ = ["INI_NAME", "ini_path", "option", "qt_escape", "qt_unescape", "read", "write_section"]
