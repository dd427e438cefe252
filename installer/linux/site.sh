#!/usr/bin/env bash
# The dependencies' site-packages for ARCH as wheels.sh installs them, cached per requirement
# set under $MD_CACHE/site/ (bundle.sh copies it and applies prune.txt to the copy). Prints the
# cache folder on the last line.
#   installer/linux/site.sh ARCH
set -euo pipefail
ARCH=$1
HERE=$(cd "$(dirname "$0")" && pwd)
CACHE=${MD_CACHE:-/var/cache/mediationdesk-build}
key=$( { python3 "$HERE/requirements.py"; cat "$HERE/constraints.txt" "$HERE/wheels.sh"; } | sha256sum | cut -c1-12)
wcache=$CACHE/site/$key-$ARCH
if [ ! -f "$wcache/.complete" ]; then
    rm -rf "$wcache"
    "$HERE/wheels.sh" "$ARCH" "$wcache/site-packages"
    touch "$wcache/.complete"
fi
echo "$wcache"
