#!/usr/bin/env python3
"""Unbundle system libraries from a staged PyInstaller bundle and derive the .deb Depends.

Usage (build_deb.sh calls it):  depends.py BUNDLE_DIR [--unbundle]

1. ``--unbundle`` deletes from the bundle the copies PyInstaller took from the *build
   machine's* /usr/lib of the X11/xcb/xkbcommon, fontconfig/freetype, D-Bus and GLib
   families. Those must come from the user's system: fontconfig must read that system's
   /etc/fonts, the X stack must match its X server and input methods, GLib its GIO modules —
   and the distribution then ships their security updates. Libraries vendored inside Python
   wheels (hashed names such as ``libxcb-9065bb12.so.1.1.0``) stay: their users were linked
   against exactly them. The build machine's libstdc++/libgcc_s/libcups go too: on Debian
   12 they need glibc 2.36, more than Python and Qt do (2.35), and would lock out Ubuntu
   22.04.
2. Every ELF file in the bundle is run through ``ldd`` with the bundle's own library folders
   on LD_LIBRARY_PATH (as the PyInstaller bootloader does at run time). Each library resolved
   outside the bundle is mapped to its package with ``dpkg -S``; a library not found on the
   build machine is mapped by Debian's library package naming rule (libfoo-bar.so.1 ->
   libfoo-bar1) and checked with ``apt-cache show``.
3. libc6 gets a minimum version: the newest GLIBC_x.y symbol version any file needs
   (undefined symbols only); libstdc++6 likewise from GLIBCXX_3.4.N.

Prints the Depends value on stdout; diagnostics on stderr. Exits 1 when a library cannot be
mapped to a package.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

UNBUNDLE = re.compile(
    r"^(libX11|libX11-xcb|libXau|libXdmcp|libXext|libXrender|libXi|libxcb(-[a-z0-9-]+)?|"
    r"libxkbcommon(-x11)?|libfontconfig|libfreetype|libexpat|libdbus-1|libglib-2\.0|"
    r"libgio-2\.0|libgobject-2\.0|libgmodule-2\.0|libgthread-2\.0|libpng16|libbsd|libmd|"
    r"libmount|libblkid|libselinux|libpcre2-8|"
    # The build machine's C++ runtime and CUPS client need a newer glibc than anything else
    # in the bundle (2.36 on Debian 12); the system's own copies keep the floor at what
    # Python and Qt need.
    r"libstdc\+\+|libgcc_s|libcups)"
    r"\.so(\.\d+)*$"
)
# Packages a system always has; listing them adds nothing (libc6 is handled separately).
ESSENTIAL = {"libc6", "libgcc-s1", "zlib1g"}
# GLIBCXX_3.4.N -> the GCC release that first shipped it (for a versioned libstdc++6).
GLIBCXX_GCC = {28: "9", 29: "11", 30: "12", 31: "13", 32: "13.2", 33: "14"}
# Libraries whose package name does not follow the naming rule.
KNOWN = {"libGL.so.1": "libgl1", "libEGL.so.1": "libegl1", "libGLX.so.0": "libglx0",
         "libOpenGL.so.0": "libopengl0"}


def elf_files(root: Path) -> list[Path]:
    out = []
    for path in root.rglob("*"):
        if path.is_file() and not path.is_symlink():
            with path.open("rb") as fh:
                if fh.read(4) == b"\x7fELF":
                    out.append(path)
    return out


def lib_dirs(root: Path) -> list[Path]:
    return sorted({p.parent for p in root.rglob("*.so*") if p.is_file()})


def unbundle(root: Path) -> list[str]:
    removed = []
    for path in sorted(root.rglob("*")):
        vendored = re.search(r"-[0-9a-f]{8}\.so", path.name)  # auditwheel-renamed copy
        if path.is_file() and UNBUNDLE.match(path.name) and not vendored:
            path.unlink()
            removed.append(path.name)
    return removed


def ldd_all(root: Path, files: list[Path]) -> tuple[dict[str, str], set[str]]:
    env = dict(os.environ, LD_LIBRARY_PATH=":".join(str(d) for d in lib_dirs(root)))
    found: dict[str, str] = {}
    missing: set[str] = set()
    for i in range(0, len(files), 200):
        chunk = files[i:i + 200]
        proc = subprocess.run(["ldd", *map(str, chunk)], capture_output=True, text=True,
                              env=env, check=False)
        for line in proc.stdout.splitlines():
            m = re.match(r"\s*(\S+) => (not found|(\S+))", line)
            if not m:
                continue
            soname, target = m.group(1), m.group(3)
            if target is None:
                missing.add(soname)
            elif not Path(target).resolve().is_relative_to(root.resolve()):
                found[soname] = target
    return found, missing


def dpkg_owner(path: str) -> str | None:
    seen = (path, str(Path(path).resolve()))
    # Debian 12 is usr-merged: dpkg may know a library under /lib or /usr/lib.
    alternates = tuple(p[len("/usr"):] if p.startswith("/usr/lib/") else "/usr" + p
                       for p in seen if p.startswith(("/usr/lib/", "/lib/")))
    candidates = dict.fromkeys(seen + alternates)
    for p in candidates:
        proc = subprocess.run(["dpkg", "-S", p], capture_output=True, text=True, check=False)
        if proc.returncode == 0:
            return proc.stdout.split(":", 1)[0].split(",")[0].strip()
    return None


def policy_name(soname: str) -> str | None:
    if soname in KNOWN:
        return KNOWN[soname]
    m = re.match(r"^(lib[A-Za-z0-9_+.-]+?)\.so\.(\d+)$", soname)
    if not m:
        return None
    base, major = m.group(1).lower().replace("_", "-"), m.group(2)
    name = f"{base}-{major}" if base[-1].isdigit() else f"{base}{major}"
    proc = subprocess.run(["apt-cache", "show", "--no-all-versions", name],
                          capture_output=True, text=True, check=False)
    return name if proc.returncode == 0 and proc.stdout.strip() else None


def symbol_minimum(files: list[Path], prefix: str) -> tuple[int, ...]:
    """The newest ``PREFIX_x.y`` symbol version any of the files needs (``GLIBC``,
    ``GLIBCXX``)."""
    best: tuple[int, ...] = ()
    pattern = re.compile(rf"\b{prefix}_(\d+(?:\.\d+)+)\b")
    for i in range(0, len(files), 200):
        proc = subprocess.run(["objdump", "-T", *map(str, files[i:i + 200])],
                              capture_output=True, text=True, check=False)
        for line in proc.stdout.splitlines():
            if "*UND*" not in line:  # only what the file needs, not what it defines
                continue
            for v in pattern.findall(line):
                best = max(best, tuple(int(x) for x in v.split(".")))
    return best


def main(argv: list[str]) -> int:
    root = Path(argv[0])
    if "--unbundle" in argv:
        removed = unbundle(root)
        print(f"unbundled {len(removed)} system libraries: {' '.join(removed)}", file=sys.stderr)
    files = elf_files(root)
    found, missing = ldd_all(root, files)
    packages: set[str] = set()
    problems = []
    for soname, path in sorted(found.items()):
        pkg = dpkg_owner(path)
        if pkg is None:
            problems.append(f"{soname} ({path}) belongs to no package")
        else:
            packages.add(pkg)
    for soname in sorted(missing):
        pkg = policy_name(soname)
        if pkg is None:
            problems.append(f"{soname} not found and no package named after it")
        else:
            packages.add(pkg)
    for p in problems:
        print(f"depends.py: {p}", file=sys.stderr)
    if problems:
        return 1
    deps = sorted(packages - ESSENTIAL - {"libc6"})
    glibc = symbol_minimum(files, "GLIBC")
    head = [f"libc6 (>= {'.'.join(map(str, glibc))})"] if glibc else ["libc6"]
    if "libstdc++6" in deps:
        cxx = symbol_minimum(files, "GLIBCXX")
        gcc = GLIBCXX_GCC.get(cxx[2]) if len(cxx) == 3 and cxx[:2] == (3, 4) else None
        if gcc:
            deps[deps.index("libstdc++6")] = f"libstdc++6 (>= {gcc})"
        print(f"libstdc++ needs GLIBCXX_{'.'.join(map(str, cxx))}", file=sys.stderr)
    print(", ".join(head + deps))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
