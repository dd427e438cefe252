#!/usr/bin/env python3
"""Unbundle system libraries from a staged PyInstaller bundle and derive the .deb Depends.

Usage (build_deb.sh calls it):  depends.py BUNDLE_DIR [--unbundle]

1. ``--unbundle`` deletes from the bundle the copies PyInstaller took from the *build
   machine's* /usr/lib of the X11/xcb/xkbcommon, fontconfig/freetype, D-Bus and GLib
   families. Those must come from the user's system: fontconfig must read that system's
   /etc/fonts, the X stack must match its X server and input methods, GLib its GIO modules —
   and the distribution then ships their security updates. Libraries vendored inside Python
   wheels (hashed names such as ``libxcb-9065bb12.so.1.1.0``) stay: their users were linked
   against exactly them.
2. Every ELF file in the bundle is run through ``ldd`` with the bundle's own library folders
   on LD_LIBRARY_PATH (as the PyInstaller bootloader does at run time). Each library resolved
   outside the bundle is mapped to its package with ``dpkg -S``; a library not found on the
   build machine is mapped by Debian's library package naming rule (libfoo-bar.so.1 ->
   libfoo-bar1) and checked with ``apt-cache show``.
3. libc6 gets a minimum version: the newest GLIBC_x.y symbol version any file needs.

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
    r"libmount|libblkid|libselinux|libpcre2-8)"
    r"\.so(\.\d+)*$"
)
# Packages a system always has; listing them adds nothing (libc6 is handled separately).
ESSENTIAL = {"libc6", "libgcc-s1", "libstdc++6", "zlib1g"}
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
    candidates = {path, str(Path(path).resolve())}
    for p in list(candidates):
        if p.startswith("/usr/lib/"):
            candidates.add(p[len("/usr"):])
        elif p.startswith("/lib/"):
            candidates.add("/usr" + p)
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


def glibc_minimum(files: list[Path]) -> str | None:
    best: tuple[int, ...] = ()
    for i in range(0, len(files), 200):
        proc = subprocess.run(["objdump", "-T", *map(str, files[i:i + 200])],
                              capture_output=True, text=True, check=False)
        for v in re.findall(r"GLIBC_(\d+(?:\.\d+)+)", proc.stdout):
            best = max(best, tuple(int(x) for x in v.split(".")))
    return ".".join(map(str, best)) if best else None


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
    glibc = glibc_minimum(files)
    head = [f"libc6 (>= {glibc})"] if glibc else ["libc6"]
    print(", ".join(head + deps))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
