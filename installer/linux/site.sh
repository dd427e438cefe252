#!/usr/bin/env bash
# The dependencies' site-packages for ARCH (wheels.sh, then prune.txt), cached per requirement
# set under $MD_CACHE/site/. Prints the cache folder on the last line.
#   installer/linux/site.sh ARCH
set -euo pipefail
ARCH=$1
HERE=$(cd "$(dirname "$0")" && pwd)
CACHE=${MD_CACHE:-/var/cache/mediationdesk-build}
# Wheels are installed once per requirement set and copied from the cache afterwards.
key=$( { python3 "$HERE/requirements.py"; cat "$HERE/constraints.txt" "$HERE/wheels.sh" "$HERE/prune.txt"; } | sha256sum | cut -c1-12)
wcache=$CACHE/site/$key-$ARCH
if [ ! -f "$wcache/.complete" ]; then
    rm -rf "$wcache"
    "$HERE/wheels.sh" "$ARCH" "$wcache/site-packages"
    # Qt modules the app does not use (WebEngine alone is ~200 MB) and Qt's developer tools.
    ( cd "$wcache/site-packages" && grep -v '^#' "$HERE/prune.txt" | while read -r pat; do
          [ -n "$pat" ] && eval "rm -rf $pat"
      done )
    rm -rf "$wcache/site-packages/bin"
    touch "$wcache/.complete"
fi
echo "$wcache"
