#!/usr/bin/env bash
# Run a command in a root with /proc, /dev and /sys mounted for its duration.
#   installer/linux/chroot.sh ROOT CMD...
set -euo pipefail
ROOT=$1; shift
cleanup() { for m in dev/pts dev sys proc; do umount -l "$ROOT/$m" 2>/dev/null || true; done; }
trap cleanup EXIT
mount -t proc proc "$ROOT/proc"
mount -t sysfs sys "$ROOT/sys"
mount --bind /dev "$ROOT/dev"
mount -t devpts devpts "$ROOT/dev/pts" 2>/dev/null || true
cp -L /etc/resolv.conf "$ROOT/etc/resolv.conf" 2>/dev/null || true
chroot "$ROOT" env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    HOME=/root LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@"
