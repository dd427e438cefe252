#!/usr/bin/env bash
# Run a command in a root with /proc, /dev and /sys mounted for its duration (mounts that are
# already there, from a concurrent run in the same root, are used and left alone).
#   installer/linux/chroot.sh ROOT CMD...
set -euo pipefail
ROOT=$(readlink -f "$1"); shift
MOUNTED=()
cleanup() {
    local i
    for ((i = ${#MOUNTED[@]} - 1; i >= 0; i--)); do umount -l "${MOUNTED[i]}" 2>/dev/null || true; done
}
trap cleanup EXIT
mnt() {  # mnt TARGET MOUNT-ARGS...
    local target=$ROOT/$1; shift
    mountpoint -q "$target" && return 0
    mount "$@" "$target" && MOUNTED+=("$target")
}
mnt proc -t proc proc
mnt sys -t sysfs sys
mnt dev --bind /dev
mnt dev/pts -t devpts devpts 2>/dev/null || true
cp -L /etc/resolv.conf "$ROOT/etc/resolv.conf" 2>/dev/null || true
chroot "$ROOT" env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    HOME=/root LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@"
