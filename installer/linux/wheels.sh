#!/usr/bin/env bash
# Install the app's dependencies for ARCH from PyPI's binary wheels into a site-packages tree,
# restricted to wheels whose manylinux tag is within the target's glibc (x86_64: 2.28,
# aarch64: 2.31). Nothing is built or run for the target: this works for arm64 on an amd64
# machine without emulation.
#   installer/linux/wheels.sh ARCH TARGET_DIR
set -euo pipefail
ARCH=$1 TARGET=$2
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
PIP=${PIP:-$REPO/.venv/bin/pip}
CACHE=${MD_CACHE:-/var/cache/mediationdesk-build}
case "$ARCH" in
    amd64) machine=x86_64 floor=28 ;;
    arm64) machine=aarch64 floor=31 ;;
    *) echo "wheels.sh: no wheels for $ARCH" >&2; exit 2 ;;
esac
# pip does not widen --platform to older manylinux tags: list every accepted one.
plat=()
for minor in $(seq 5 "$floor"); do plat+=(--platform "manylinux_2_${minor}_$machine"); done
plat+=(--platform "manylinux2014_$machine")
[ "$machine" = x86_64 ] && plat+=(--platform manylinux2010_x86_64 --platform manylinux1_x86_64)
python3 "$HERE/requirements.py" > "$CACHE/requirements-$ARCH.txt"
rm -rf "$TARGET" && mkdir -p "$TARGET"
PIP_CACHE_DIR=$CACHE/pip "$PIP" install -q --disable-pip-version-check --no-compile --target "$TARGET" \
    "${plat[@]}" --implementation cp --python-version 3.11 --abi cp311 --only-binary=:all: \
    -c "$HERE/constraints.txt" -r "$CACHE/requirements-$ARCH.txt"
ls "$TARGET" | grep -i dist-info | sed 's/\.dist-info$//' | sort > "$TARGET/../wheels-$ARCH.txt"
