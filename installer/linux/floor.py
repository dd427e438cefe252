#!/usr/bin/env python3
"""Measure what an installed tree needs from the system, from its ELF files alone (works for a
foreign architecture: readelf, nothing is run).

    floor.py TREE --arch amd64|arm64 [--depends]

Prints, for the tree: the highest GLIBC_ and GLIBCXX_ symbol version any ELF file requires
(undefined symbols only) with the files that require it, and every shared library the files
need that the tree itself does not carry. Exits 1 when the glibc floor exceeds the target
(amd64: 2.28 for UOS 20; arm64: 2.31 for Kylin V10) or GLIBCXX exceeds what those systems'
libstdc++6 has. With --depends, prints the .deb Depends line (last line) derived from that.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

#: Target floors: (glibc, GLIBCXX 3.4.N) of the oldest system each package serves.
#: amd64: UOS 20 (Debian 10: glibc 2.28, GCC 8 -> GLIBCXX_3.4.25).
#: arm64: Kylin V10 SP1 (Ubuntu 20.04: glibc 2.31, GCC 10 -> GLIBCXX_3.4.28).
TARGETS = {"amd64": ((2, 28), (3, 4, 25)), "arm64": ((2, 31), (3, 4, 28))}
#: Provided by libc6 itself.
LIBC = re.compile(r"^(libc|libm|libdl|libpthread|librt|libutil|libresolv|libanl|libcrypt|"
                  r"ld-linux(-x86-64|-aarch64))\.so")
#: soname -> the package that ships it under that name on Debian 10/11, Ubuntu 20.04+, UOS 20
#: and Kylin V10 (checked against bullseye by installing the .deb into a bullseye root).
PACKAGES = {
    "libstdc++.so.6": "libstdc++6", "libgcc_s.so.1": "libgcc1 | libgcc-s1",
    "libz.so.1": "zlib1g", "libbz2.so.1.0": "libbz2-1.0", "liblzma.so.5": "liblzma5",
    "libsqlite3.so.0": "libsqlite3-0", "libuuid.so.1": "libuuid1",
    "libglib-2.0.so.0": "libglib2.0-0", "libgthread-2.0.so.0": "libglib2.0-0",
    "libgobject-2.0.so.0": "libglib2.0-0", "libgio-2.0.so.0": "libglib2.0-0",
    "libgmodule-2.0.so.0": "libglib2.0-0",
    "libGL.so.1": "libgl1", "libEGL.so.1": "libegl1", "libGLX.so.0": "libglx0",
    "libOpenGL.so.0": "libopengl0", "libdbus-1.so.3": "libdbus-1-3",
    "libfontconfig.so.1": "libfontconfig1", "libfreetype.so.6": "libfreetype6",
    "libxkbcommon.so.0": "libxkbcommon0", "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libX11.so.6": "libx11-6", "libX11-xcb.so.1": "libx11-xcb1", "libxcb.so.1": "libxcb1",
    "libgssapi_krb5.so.2": "libgssapi-krb5-2", "libkrb5.so.3": "libkrb5-3",
    "libcups.so.2": "libcups2", "libpng16.so.16": "libpng16-16", "libexpat.so.1": "libexpat1",
    "libXext.so.6": "libxext6", "libXrender.so.1": "libxrender1", "libSM.so.6": "libsm6",
    "libICE.so.6": "libice6", "libxshmfence.so.1": "libxshmfence1",
    "libwayland-client.so.0": "libwayland-client0", "libwayland-cursor.so.0": "libwayland-cursor0",
    "libwayland-egl.so.1": "libwayland-egl1", "libmtdev.so.1": "libmtdev1",
    "libinput.so.10": "libinput10", "libudev.so.1": "libudev1", "libdrm.so.2": "libdrm2",
    "libgbm.so.1": "libgbm1", "libxcb-util.so.1": "libxcb-util1",
    "libtiff.so.5": "libtiff5", "libbrotlidec.so.1": "libbrotli1",
    "libzstd.so.1": "libzstd1", "libatomic.so.1": "libatomic1", "libXi.so.6": "libxi6",
}
for _lib in ("glx", "icccm", "image", "keysyms", "randr", "render", "render-util", "shape",
             "shm", "sync", "xfixes", "xinerama", "xinput", "xkb", "dri2", "dri3", "present"):
    _so = {"icccm": 4, "keysyms": 1, "sync": 1, "xkb": 1}.get(_lib, 0)
    PACKAGES[f"libxcb-{_lib}.so.{_so}"] = f"libxcb-{_lib}{_so}" if not _lib[-1].isdigit() else f"libxcb-{_lib}-{_so}"
#: GLIBCXX_3.4.N -> the GCC release whose libstdc++6 first has it.
GLIBCXX_GCC = {22: "6", 23: "7", 24: "7", 25: "8", 26: "9", 27: "9", 28: "10", 29: "11", 30: "12"}


def elf_files(root: Path) -> list[Path]:
    out = []
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            with path.open("rb") as fh:
                if fh.read(4) == b"\x7fELF":
                    out.append(path)
    return out


def readelf(args: list[str], files: list[Path]) -> str:
    chunks = []
    for i in range(0, len(files), 100):
        chunks.append(subprocess.run(["readelf", "-W", *args, *map(str, files[i:i + 100])],
                                     capture_output=True, text=True, check=False).stdout)
    return "".join(chunks)


def per_file(text: str) -> dict[str, str]:
    """Split readelf output of many files into {file: its part}."""
    parts: dict[str, str] = {}
    current = None
    for line in text.splitlines():
        m = re.match(r"^File: (.+)$", line)
        if m:
            current = m.group(1)
            parts[current] = ""
        elif current is not None:
            parts[current] += line + "\n"
    return parts


def version(text: str) -> tuple[int, ...]:
    return tuple(int(x) for x in text.split("."))


def dotted(v: tuple[int, ...]) -> str:
    return ".".join(map(str, v)) if v else "-"


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("tree", type=Path)
    ap.add_argument("--arch", required=True, choices=sorted(TARGETS))
    ap.add_argument("--depends", action="store_true")
    args = ap.parse_args()
    files = elf_files(args.tree)
    if not files:
        print(f"floor.py: no ELF files in {args.tree}", file=sys.stderr)
        return 1
    # readelf prints "File: x" headers only for several files; one extra dummy keeps it so.
    syms = per_file(readelf(["--dyn-syms"], files + [files[0]]))
    dyn = per_file(readelf(["-d"], files + [files[0]]))
    need: dict[str, dict[tuple[int, ...], set[str]]] = {"GLIBC": {}, "GLIBCXX": {}}
    for name, text in syms.items():
        for line in text.splitlines():
            if " UND " not in line:
                continue
            for prefix, ver in re.findall(r"@(GLIBCXX|GLIBC)_(\d+(?:\.\d+)+)", line):
                symbol = next((t for t in line.split() if "@" in t), line.split()[-1])
                need[prefix].setdefault(version(ver), set()).add(
                    f"{Path(name).relative_to(args.tree)}: {symbol}")
    carried = {p.name for p in args.tree.rglob("*.so*")}
    needed: dict[str, set[str]] = {}
    for name, text in dyn.items():
        for so in re.findall(r"\(NEEDED\)\s+Shared library: \[(.+?)\]", text):
            if so not in carried and not LIBC.match(so):
                needed.setdefault(so, set()).add(str(Path(name).relative_to(args.tree)))
    glibc_t, cxx_t = TARGETS[args.arch]
    glibc = max(need["GLIBC"], default=())
    cxx = max(need["GLIBCXX"], default=())
    print(f"{args.tree}: {len(files)} ELF files")
    print(f"  highest GLIBC_   required: {dotted(glibc)} (target ≤ {dotted(glibc_t)})")
    for v in sorted(need["GLIBC"], reverse=True)[:2]:
        print(f"    GLIBC_{dotted(v)}: " + "; ".join(sorted(need["GLIBC"][v])[:4]))
    print(f"  highest GLIBCXX_ required: {dotted(cxx)} (target ≤ {dotted(cxx_t)})")
    print(f"  system libraries needed: {' '.join(sorted(needed)) or '-'}")
    ok = glibc <= glibc_t and cxx <= cxx_t
    unknown = sorted(so for so in needed if so not in PACKAGES)
    for so in unknown:
        print(f"  no package known for {so} (needed by {', '.join(sorted(needed[so])[:3])})")
    if glibc > glibc_t or cxx > cxx_t:
        print("  FAIL: the tree needs a newer C/C++ runtime than the target has")
        for v in sorted(need["GLIBC"], reverse=True):
            if v > glibc_t:
                print("    " + "\n    ".join(sorted(need["GLIBC"][v])))
    if args.depends:
        deps = {PACKAGES[so] for so in needed if so in PACKAGES}
        if "libstdc++6" in deps and cxx:
            deps.discard("libstdc++6")
            deps.add(f"libstdc++6 (>= {GLIBCXX_GCC.get(cxx[2], '8')})")
        print(", ".join([f"libc6 (>= {dotted(glibc)})"] + sorted(deps)))
    return 0 if ok and not unknown else 1


if __name__ == "__main__":
    raise SystemExit(main())
