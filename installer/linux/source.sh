#!/usr/bin/env bash
# Fetch Debian's python3.11 source package (bookworm) with apt-get source, into the cache,
# through a private apt state (a deb-src line of our own; the machine's apt setup is untouched).
# Prints the path of the upstream tarball inside it (Python-3.11.x).
#   installer/linux/source.sh
set -euo pipefail
CACHE=${MD_CACHE:-/var/cache/mediationdesk-build}
MIRROR=${MD_MIRROR:-http://deb.debian.org/debian}
DIR=$CACHE/src
found=$(ls "$DIR"/python3.11_*.orig.tar.* 2>/dev/null | tail -1 || true)
if [ -z "$found" ]; then
    mkdir -p "$DIR/apt/lists/partial" "$DIR/apt/archives/partial"
    echo "deb-src $MIRROR bookworm main" > "$DIR/apt/sources.list"
    opts=(-o Dir::Etc::SourceList="$DIR/apt/sources.list" -o Dir::Etc::SourceParts=/dev/null
          -o Dir::State::Lists="$DIR/apt/lists" -o Dir::Cache::Archives="$DIR/apt/archives")
    apt-get -q "${opts[@]}" update >&2
    (cd "$DIR" && apt-get -q "${opts[@]}" source --download-only python3.11 >&2)
    found=$(ls "$DIR"/python3.11_*.orig.tar.* | tail -1)
fi
echo "$found"
