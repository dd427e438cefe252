#!/usr/bin/env bash
# Prepare this (Debian 12) machine: the tools for the build and, for a foreign ARCH,
# binfmt_misc + qemu-user-static registered (not mounted at boot here). Needs root.
#   installer/linux/host.sh [ARCH]
set -euo pipefail
ARCH=${1:-amd64}
export DEBIAN_FRONTEND=noninteractive
APT=(apt-get -y -q -o DPkg::Lock::Timeout=300 --no-install-recommends)
missing=()
for t in debootstrap:debootstrap patchelf:patchelf objdump:binutils dpkg-deb:dpkg-dev \
         Xvfb:xvfb xwd:x11-apps xwininfo:x11-utils readelf:binutils; do
    command -v "${t%%:*}" >/dev/null || missing+=("${t#*:}")
done
# A `convert` may be a stand-in here: ask dpkg for the real ImageMagick.
dpkg -s imagemagick >/dev/null 2>&1 || missing+=(imagemagick)
if [ "$ARCH" != amd64 ]; then
    [ -x /usr/bin/qemu-aarch64-static ] || missing+=(qemu-user-static)
    command -v update-binfmts >/dev/null || missing+=(binfmt-support)
fi
if [ ${#missing[@]} -gt 0 ]; then
    echo "host.sh: installing ${missing[*]}"
    "${APT[@]}" install "${missing[@]}" >/dev/null || { apt-get -q update >/dev/null && "${APT[@]}" install "${missing[@]}" >/dev/null; }
fi
if [ "$ARCH" != amd64 ]; then
    mountpoint -q /proc/sys/fs/binfmt_misc || mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc
    [ -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ] || update-binfmts --enable qemu-aarch64
    [ -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ] || { echo "host.sh: qemu-aarch64 not registered" >&2; exit 1; }
fi
