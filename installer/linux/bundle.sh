#!/usr/bin/env bash
# Assemble the application tree for ARCH: the relocatable CPython built for old glibc
# (python.sh), the dependencies from the target's binary wheels (wheels.sh), the app's own
# code and data, byte-compiled. No analysis step runs on the target architecture.
#   installer/linux/bundle.sh ARCH DEST     DEST becomes the package's files/ folder
#
#   DEST/python/            interpreter + stdlib; site-packages holds the wheels
#   DEST/app/               desktop/, resources/, migrations/ (found by a .pth file)
#   DEST/bin/mediationdesk  launcher
set -euo pipefail
ARCH=$1 DEST=$2
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
CACHE=${MD_CACHE:-/var/cache/mediationdesk-build}
PYTREE=$("$HERE/python.sh" "$ARCH" | tail -n 1)
BUILDPY=$("$HERE/python.sh" amd64 | tail -n 1)/bin/python3.11  # runs here (glibc 2.28 build)
rm -rf "$DEST" && mkdir -p "$DEST/app" "$DEST/bin"
cp -a "$PYTREE" "$DEST/python" && rm -f "$DEST/python/.complete"
SITE=$DEST/python/lib/python3.11/site-packages
# The interpreter's debug info (~25 MB): stripped with the build root's binutils for ARCH.
ROOT=$("$HERE/root.sh" build amd64 | tail -n 1)
strip=$([ "$ARCH" = amd64 ] && echo strip || echo aarch64-linux-gnu-strip)
mkdir -p "$ROOT/mnt/strip" && mount --bind "$DEST/python" "$ROOT/mnt/strip"
"$HERE/chroot.sh" "$ROOT" sh -c "$strip --strip-debug /mnt/strip/bin/python3.11 /mnt/strip/lib/python3.11/lib-dynload/*.so"
umount "$ROOT/mnt/strip"

wcache=$("$HERE/site.sh" "$ARCH" | tail -n 1)
cp -a "$wcache/site-packages/." "$SITE/"
# Qt modules the app does not use (WebEngine alone is ~200 MB) and Qt's developer tools.
( cd "$SITE" && grep -v '^#' "$HERE/prune.txt" | while read -r pat; do
      [ -n "$pat" ] && eval "rm -rf $pat"
  done )
rm -rf "$SITE/bin"
cp "$wcache/wheels-$ARCH.txt" "$DEST/python/wheels.txt"
# Qt >= 6.5's xcb plugin needs libxcb-cursor0, which Debian 10 (UOS 20) and Ubuntu 20.04 (Kylin
# V10) do not ship: bullseye's copy goes beside Qt's libraries (the plugin's rpath finds it).
triplet=$([ "$ARCH" = amd64 ] && echo x86_64-linux-gnu || echo aarch64-linux-gnu)
if [ ! -e "$ROOT/usr/lib/$triplet/libxcb-cursor.so.0" ]; then
    "$HERE/chroot.sh" "$ROOT" apt-get -y -q install "libxcb-cursor0:$ARCH" >/dev/null
fi
cp -L "$ROOT/usr/lib/$triplet/libxcb-cursor.so.0" "$SITE/PySide6/Qt/lib/"

# The app itself: code and data in their source-tree places (desktop/resources.py).
(cd "$REPO" && git ls-files -z desktop resources migrations | grep -zv -e '\.ts$' -e '\.pro$' \
    | xargs -0 cp --parents -t "$DEST/app")
echo "../../../../app" > "$SITE/mediationdesk.pth"
version=$(python3 -c 'import sys, tomllib; print(tomllib.load(open(sys.argv[1], "rb"))["project"]["version"])' "$REPO/pyproject.toml")
mkdir -p "$SITE/mediationdesk-$version.dist-info"
printf 'Metadata-Version: 2.1\nName: mediationdesk\nVersion: %s\n' "$version" > "$SITE/mediationdesk-$version.dist-info/METADATA"
printf 'desktop\n' > "$SITE/mediationdesk-$version.dist-info/top_level.txt"
install -m 0755 "$HERE/launcher.sh" "$DEST/bin/mediationdesk"

# Byte-compile with the amd64 build of the same interpreter (bytecode is portable) so that a
# read-only /opt does not cost every start a compile. Paths in tracebacks: the installed ones.
APPDIR=${MD_APPDIR:-/opt/apps/org.mediationdesk.MediationDesk/files}
"$BUILDPY" -I -m compileall -q -j 2 -s "$DEST" -p "$APPDIR" "$DEST/python/lib/python3.11" "$DEST/app" >/dev/null || true
echo "bundle.sh: $ARCH tree $(du -sh "$DEST" | cut -f1) in $DEST"
