#!/usr/bin/env bash
# Build the Debian/Ubuntu/UOS/Kylin package from the PyInstaller bundle.
#
#   installer/build_deb.sh [BUNDLE_DIR]      (default: installer/out/dist/mediationdesk)
#
# Output: installer/out/mediationdesk_<version>_<arch>.deb. Needs dpkg-dev (dpkg-deb),
# binutils (objdump) and python3; installer/build installs them.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(dirname "$HERE")
BUNDLE=${1:-$REPO/installer/out/dist/mediationdesk}
OUT=$REPO/installer/out
APPID=org.mediationdesk.MediationDesk

[ -x "$BUNDLE/mediationdesk" ] || { echo "build_deb: no bundle at $BUNDLE (run installer/build)" >&2; exit 1; }

VERSION=$(python3 -c 'import sys, tomllib; print(tomllib.load(open(sys.argv[1], "rb"))["project"]["version"])' "$REPO/pyproject.toml")
ARCH=$(dpkg --print-architecture)
# Reproducible dates: the last commit, unless SOURCE_DATE_EPOCH is given.
EPOCH=${SOURCE_DATE_EPOCH:-$(git -C "$REPO" log -1 --format=%ct 2>/dev/null || date +%s)}
DATE=$(date -u -d "@$EPOCH" +%Y-%m-%d)
RFCDATE=$(LC_ALL=C date -u -R -d "@$EPOCH")

STAGE=$OUT/deb/root
DEB=$OUT/mediationdesk_${VERSION}_${ARCH}-pyinstaller.deb
rm -rf "$STAGE"
mkdir -p "$STAGE/DEBIAN" "$STAGE/opt" "$STAGE/usr/bin" "$STAGE/usr/share/applications" \
         "$STAGE/usr/share/metainfo" "$STAGE/usr/share/doc/mediationdesk" \
         "$STAGE/usr/share/man/man1" "$STAGE/usr/share/lintian/overrides"

echo "build_deb: staging bundle"
cp -a "$BUNDLE" "$STAGE/opt/mediationdesk"
echo "build_deb: deriving Depends (ldd + dpkg -S)"
DEPENDS=$(python3 "$HERE/debian/depends.py" "$STAGE/opt/mediationdesk" --unbundle)
echo "build_deb: Depends: $DEPENDS"

install -m 0755 "$HERE/debian/mediationdesk.sh" "$STAGE/usr/bin/mediationdesk"
# Named after the app's QGuiApplication.desktopFileName ("mediationdesk", desktop/app.py):
# Wayland compositors match the window's app_id to this file for its name and icon.
install -m 0644 "$HERE/debian/mediationdesk.desktop" "$STAGE/usr/share/applications/mediationdesk.desktop"
sed -e "s/@VERSION@/$VERSION/g" -e "s/@DATE@/$DATE/g" "$HERE/debian/$APPID.metainfo.xml" \
    > "$STAGE/usr/share/metainfo/$APPID.metainfo.xml"
for size in 16 24 32 48 64 128 256 512; do
    dir="$STAGE/usr/share/icons/hicolor/${size}x${size}/apps"
    mkdir -p "$dir"
    install -m 0644 "$REPO/resources/icons/mediationdesk-$size.png" "$dir/$APPID.png"
done
mkdir -p "$STAGE/usr/share/icons/hicolor/scalable/apps"
install -m 0644 "$REPO/resources/icons/mediationdesk.svg" \
    "$STAGE/usr/share/icons/hicolor/scalable/apps/$APPID.svg"
install -m 0644 "$HERE/debian/copyright" "$STAGE/usr/share/doc/mediationdesk/copyright"
sed -e "s/@VERSION@/$VERSION/g" -e "s/@RFC2822DATE@/$RFCDATE/g" "$HERE/debian/changelog" \
    | gzip -9n > "$STAGE/usr/share/doc/mediationdesk/changelog.gz"
sed -e "s/@VERSION@/$VERSION/g" "$HERE/debian/mediationdesk.1" \
    | gzip -9n > "$STAGE/usr/share/man/man1/mediationdesk.1.gz"
install -m 0644 "$HERE/debian/lintian-overrides" "$STAGE/usr/share/lintian/overrides/mediationdesk"

# Ownership is root:root via --root-owner-group; permissions: dirs 755, data 644, shared
# objects 644 (not executable), the bundle's executable and the launcher 755.
find "$STAGE" -type d -exec chmod 0755 {} +
find "$STAGE/opt" -type f -exec chmod 0644 {} +
chmod 0755 "$STAGE/opt/mediationdesk/mediationdesk"
find "$STAGE" -exec touch -h -d "@$EPOCH" {} +

SIZE=$(du -sk --apparent-size --exclude=DEBIAN "$STAGE" | cut -f1)
sed -e "s/@VERSION@/$VERSION/" -e "s/@ARCH@/$ARCH/" -e "s/@INSTALLED_SIZE@/$SIZE/" \
    -e "s/@DEPENDS@/$DEPENDS/" "$HERE/debian/control.in" > "$STAGE/DEBIAN/control"
(cd "$STAGE" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | LC_ALL=C sort -z \
    | xargs -0 md5sum > DEBIAN/md5sums)
chmod 0644 "$STAGE/DEBIAN/control" "$STAGE/DEBIAN/md5sums"

echo "build_deb: dpkg-deb (gzip: xz took >9 min for the ~300 MB bundle on 2 cores)"
dpkg-deb --root-owner-group -Zgzip -z6 --build "$STAGE" "$DEB" >/dev/null
rm -rf "$STAGE"
echo "build_deb: $DEB ($(du -h "$DEB" | cut -f1))"
