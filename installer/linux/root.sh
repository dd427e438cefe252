#!/usr/bin/env bash
# Make (or reuse) a Debian 11 "bullseye" root from Debian's registry.
#
#   installer/linux/root.sh build|test ARCH     prints the root's path on the last line
#
# build amd64: the build root: compilers, the -dev packages CPython needs for amd64 and, by
#              multiarch, for arm64 (cross-compiling is ~10x faster than emulating gcc).
# test ARCH:   a minimal root of ARCH (arm64 through qemu-user-static); installer/linux/check.sh
#              copies it afresh for every install test.
# Roots are cached under $MD_CACHE (default /var/cache/mediationdesk-build), keyed by a hash
# of their recipe (kind, architecture, suite, mirror, packages), so a second build reuses them;
# a lock lets installer/build prepare test roots in the background while it compiles.
# Needs root.
set -euo pipefail
KIND=$1 ARCH=$2
HERE=$(cd "$(dirname "$0")" && pwd)
CACHE=${MD_CACHE:-/var/cache/mediationdesk-build}
MIRROR=${MD_MIRROR:-http://deb.debian.org/debian}
SUITE=bullseye
# CPython's build dependencies (the modules the app uses: ssl, ctypes, sqlite3, zlib, bz2, lzma,
# uuid); readline/curses/tk/gdbm are left out on purpose. arm64 ones by multiarch.
DEVS="libssl-dev libffi-dev zlib1g-dev libbz2-dev liblzma-dev libsqlite3-dev uuid-dev"
TOOLS="build-essential pkg-config xz-utils ca-certificates gcc-aarch64-linux-gnu libc6-dev-arm64-cross"
RECIPE="$KIND $ARCH $SUITE $MIRROR minbase"
[ "$KIND" = build ] && RECIPE="$RECIPE $TOOLS $DEVS arm64"
KEY=$(echo "$RECIPE" | sha256sum | cut -c1-12)
ROOT=$CACHE/roots/$KIND-$ARCH-$SUITE-$KEY
mkdir -p "$CACHE/roots"
exec 9>"$ROOT.lock"
flock 9
export DEBIAN_FRONTEND=noninteractive
APT=(apt-get -y -q -o DPkg::Lock::Timeout=300 --no-install-recommends)

if [ -f "$ROOT/.complete" ]; then
    echo "root.sh: reusing $ROOT"
    echo "$ROOT"; exit 0
fi
failed() {  # failed LOG WHAT: the log's end and what failed, on stderr (callers keep stdout)
    tail -n 20 "$1" >&2
    echo "root.sh: $2 failed ($KIND $ARCH; whole log: $1)" >&2
    exit 1
}
"$HERE/host.sh" "$ARCH"
rm -rf "$ROOT" && mkdir -p "$CACHE/roots" "$CACHE/apt-archives/$ARCH"
t=$SECONDS
# The archives cache makes a second debootstrap (e.g. after this script changed) download nothing.
# Two debootstraps of one architecture must not share it at the same time: installer/build makes
# the test root in the background while the build root is made, and two downloads of one file
# into the cache corrupt each other until debootstrap gives up ("Couldn't download packages").
# The second waits here and then finds every package already downloaded.
exec 8>"$CACHE/apt-archives/$ARCH.lock"
flock 8
if [ "$ARCH" = amd64 ]; then
    debootstrap --variant=minbase --cache-dir="$CACHE/apt-archives/$ARCH" --arch="$ARCH" "$SUITE" "$ROOT" "$MIRROR" >"$ROOT.log" 2>&1 \
        || failed "$ROOT.log" debootstrap
else
    debootstrap --foreign --variant=minbase --cache-dir="$CACHE/apt-archives/$ARCH" --arch="$ARCH" "$SUITE" "$ROOT" "$MIRROR" >"$ROOT.log" 2>&1 \
        || failed "$ROOT.log" debootstrap
    cp /usr/bin/qemu-aarch64-static "$ROOT/usr/bin/"
    chroot "$ROOT" /debootstrap/debootstrap --second-stage >>"$ROOT.log" 2>&1 || failed "$ROOT.log" "debootstrap --second-stage"
fi
exec 8>&-
echo "root.sh: debootstrap $ARCH: $((SECONDS - t)) s"
printf 'deb %s %s main\ndeb %s %s-updates main\n' "$MIRROR" "$SUITE" "$MIRROR" "$SUITE" > "$ROOT/etc/apt/sources.list"
echo 'APT::Install-Recommends "false";' > "$ROOT/etc/apt/apt.conf.d/90norecommends"
if [ "$KIND" = build ]; then
    t=$SECONDS
    chroot "$ROOT" dpkg --add-architecture arm64
    "$HERE/chroot.sh" "$ROOT" apt-get -q update >/dev/null
    arm=""; for p in $DEVS; do arm="$arm $p:arm64"; done
    "$HERE/chroot.sh" "$ROOT" "${APT[@]}" install $TOOLS $DEVS $arm >"$ROOT.apt.log" 2>&1 \
        || failed "$ROOT.apt.log" "apt-get install of the build tools"
    "$HERE/chroot.sh" "$ROOT" apt-get clean
    echo "root.sh: build tools: $((SECONDS - t)) s"
fi
touch "$ROOT/.complete"
echo "$ROOT"
