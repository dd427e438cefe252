#!/usr/bin/env bash
# Build CPython 3.11 (Debian bookworm's python3.11 source, upstream tarball) for old glibc, in
# the Debian 11 build root: amd64 natively, arm64 cross-compiled with bullseye's aarch64
# toolchain. The cross build's build-python is this machine's own Debian python3.11 (the same
# 3.11.2), run inside the root through this machine's loader, so both builds can run at once. Each result is a
# relocatable tree (no --enable-shared: libpython is inside the executable; OpenSSL 1.1 and
# libffi 7, which newer systems no longer ship, are copied beside it with an $ORIGIN rpath).
#   installer/linux/python.sh ARCH      prints the tree's path on the last line
# Cached under $MD_CACHE/python/<hash of inputs>-ARCH.
set -euo pipefail
ARCH=$1
HERE=$(cd "$(dirname "$0")" && pwd)
CACHE=${MD_CACHE:-/var/cache/mediationdesk-build}
TARBALL=$("$HERE/source.sh")
ROOT=$("$HERE/root.sh" build amd64 | tail -n 1)
KEY=$( { cat "$HERE/python.sh" "$HERE/glibc228.h"; basename "$TARBALL"; basename "$ROOT"; } | sha256sum | cut -c1-12)
OUT=$CACHE/python/$KEY-$ARCH
if [ -f "$OUT/.complete" ]; then echo "python.sh: reusing $OUT"; echo "$OUT"; exit 0; fi
W=/build/$ARCH
rm -rf "$ROOT$W" && mkdir -p "$ROOT$W"
tar -xzf "$TARBALL" -C "$ROOT$W" --strip-components=1
cp "$HERE/glibc228.h" "$ROOT$W/glibc228.h"
# Functions newer than glibc 2.28 that configure would find in bullseye's 2.31: sem_clockwait
# (2.30) -> sem_timedwait. The others it finds are at most 2.28 (checked by check.sh).
common=(--prefix=/opt/python --without-ensurepip --disable-test-modules --with-lto=no
        ac_cv_func_sem_clockwait=no ac_cv_func_pthread_cond_clockwait=no)
if [ "$ARCH" = amd64 ]; then
    conf=("${common[@]}" "CFLAGS=-include $W/glibc228.h")
    triplet=x86_64-linux-gnu
else
    HP=$ROOT/build/hostpy
    rm -rf "$HP" && mkdir -p "$HP/bin" "$HP/lib" "$HP/hostlib"
    cp /usr/bin/python3.11 "$HP/bin/" && cp -a /usr/lib/python3.11 "$HP/lib/"
    for lib in $(ldd /usr/bin/python3.11 | awk '/=>/ {print $3}') /lib64/ld-linux-x86-64.so.2; do
        cp -L "$lib" "$HP/hostlib/"
    done
    printf '#!/bin/sh\nexec /build/hostpy/hostlib/ld-linux-x86-64.so.2 --library-path /build/hostpy/hostlib /build/hostpy/bin/python3.11 "$@"\n' > "$HP/python3.11"
    chmod +x "$HP/python3.11"
    conf=("${common[@]}" --host=aarch64-linux-gnu --build=x86_64-linux-gnu
          --with-build-python=/build/hostpy/python3.11
          ac_cv_file__dev_ptmx=yes ac_cv_file__dev_ptc=no ac_cv_buggy_getaddrinfo=no
          PKG_CONFIG_LIBDIR=/usr/lib/aarch64-linux-gnu/pkgconfig:/usr/share/pkgconfig)
    triplet=aarch64-linux-gnu
fi
t=$SECONDS
log=$CACHE/python/$KEY-$ARCH.log
mkdir -p "$CACHE/python"
"$HERE/chroot.sh" "$ROOT" sh -c "cd $W && ./configure $(printf "'%s' " "${conf[@]}") && make -j$(nproc) && make install DESTDIR=$W/dest" >"$log" 2>&1 \
    || { tail -n 40 "$log" >&2; echo "python.sh: CPython $ARCH failed to build (whole log: $log)" >&2; exit 1; }
echo "python.sh: CPython $ARCH built in $((SECONDS - t)) s"
grep -A30 "necessary bits to build these optional modules were not found" "$log" | head -12 || true
rm -rf "$OUT" && mkdir -p "$(dirname "$OUT")"
mv "$ROOT$W/dest/opt/python" "$OUT"
rm -rf "$ROOT$W"
# Trim what an application runtime does not need.
L=$OUT/lib/python3.11
rm -rf "$L/test" "$L/idlelib" "$L/tkinter" "$L/turtledemo" "$L/lib2to3/tests" "$L"/config-3.11-* \
       "$OUT/lib/pkgconfig" "$OUT/share" "$OUT/include"
find "$OUT" -name __pycache__ -prune -exec rm -rf {} +
for lib in libssl.so.1.1 libcrypto.so.1.1 libffi.so.7; do
    cp -L "$ROOT/usr/lib/$triplet/$lib" "$OUT/lib/"
done
for so in "$L"/lib-dynload/*.so; do
    patchelf --set-rpath '$ORIGIN/../..' "$so"
done
touch "$OUT/.complete"
echo "$OUT"
