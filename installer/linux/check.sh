#!/usr/bin/env bash
# Prove a .deb on a clean Debian 11 of its architecture (arm64 through qemu-user-static):
# a fresh copy of the cached test root, `apt-get install ./the.deb` (Depends resolved from
# bullseye), every ELF file of the installed tree resolved by ldd (nothing "not found"),
# `mediationdesk --version`, `mediationdesk selftest` (offscreen). amd64 also: the GUI on
# Xvfb through the xcb platform plugin, a screenshot, and OCR of it for Chinese text.
#   installer/linux/check.sh ARCH DEB OUT_DIR
set -uo pipefail
ARCH=$1 DEB=$2 OUT=$3
HERE=$(cd "$(dirname "$0")" && pwd)
CACHE=${MD_CACHE:-/var/cache/mediationdesk-build}
APP=/opt/apps/org.mediationdesk.MediationDesk
BASE=$("$HERE/root.sh" test "$ARCH" | tail -n 1) || exit 1
if [ ! -f "$BASE/.lists" ]; then  # package lists once per cached root
    "$HERE/chroot.sh" "$BASE" apt-get -q update >/dev/null || exit 1
    touch "$BASE/.lists"
fi
R=$CACHE/run/test-$ARCH
for m in tmp/.X11-unix var/cache/apt/archives; do umount -l "$R/$m" 2>/dev/null; done
rm -rf "$R" && mkdir -p "$CACHE/run" && cp -a "$BASE" "$R" || exit 1
# Downloaded dependencies are kept between runs (the root itself is thrown away).
mkdir -p "$CACHE/apt-archives/test-$ARCH/partial"
mount --bind "$CACHE/apt-archives/test-$ARCH" "$R/var/cache/apt/archives"
cleanup() { for m in tmp/.X11-unix var/cache/apt/archives; do umount -l "$R/$m" 2>/dev/null; done; }
trap cleanup EXIT
cp "$DEB" "$R/tmp/"
in_root() { "$HERE/chroot.sh" "$R" "$@"; }
fail=0
t=$SECONDS
in_root apt-get -y -q -o Dpkg::Use-Pty=0 install "/tmp/$(basename "$DEB")" > "$OUT/check-$ARCH-apt.log" 2>&1 \
    || { tail -20 "$OUT/check-$ARCH-apt.log"; echo "check.sh: apt-get install failed ($ARCH)"; exit 1; }
echo "check.sh: apt-get install ./$(basename "$DEB") into a fresh Debian 11 $ARCH root: $((SECONDS - t)) s ($(grep -c '^Unpacking' "$OUT/check-$ARCH-apt.log") packages)"
in_root cat /etc/debian_version | sed 's/^/check.sh: Debian /'
in_root sh -c 'ldd --version | head -1'

# Every library of the installed tree resolves on this system.
t=$SECONDS
in_root sh -c "find $APP/files -type f \( -name '*.so*' -o -path '*/bin/python3.11' \) -exec ldd {} + 2>/dev/null | grep 'not found' | sort -u" > "$OUT/check-$ARCH-ldd.txt"
if [ -s "$OUT/check-$ARCH-ldd.txt" ]; then
    echo "check.sh: unresolved libraries on Debian 11 $ARCH:"; cat "$OUT/check-$ARCH-ldd.txt"; fail=1
else
    echo "check.sh: ldd: every library resolves ($((SECONDS - t)) s)"
fi
in_root mediationdesk --version || fail=1
t=$SECONDS
in_root sh -c 'mkdir -p /tmp/home && HOME=/tmp/home QT_QPA_PLATFORM=offscreen mediationdesk selftest' > "$OUT/selftest-$ARCH.txt" 2>&1 || fail=1
cat "$OUT/selftest-$ARCH.txt"
echo "check.sh: selftest on Debian 11 $ARCH: $((SECONDS - t)) s"

if [ "$ARCH" = amd64 ]; then
    "$HERE/gui_check.sh" "$R" "$OUT" || fail=1
fi
exit $fail
