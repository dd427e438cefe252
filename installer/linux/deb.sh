#!/usr/bin/env bash
# Build mediationdesk_<version>_ARCH.deb in the UOS store layout from a bundle.sh tree:
#
#   /opt/apps/org.mediationdesk.MediationDesk/
#       info                               UOS store metadata (JSON)
#       entries/applications/mediationdesk.desktop
#       entries/icons/hicolor/<size>/apps/org.mediationdesk.MediationDesk.{png,svg}
#       files/                             python/, app/, bin/mediationdesk
#   /usr/bin/mediationdesk, /usr/share/applications/…, /usr/share/icons/…  (symlinks into the
#       above, so that plain dpkg -i / apt install on Kylin, Debian and Ubuntu shows the app)
#
# No maintainer scripts. gzip compression (UOS 20's dpkg reads no zstd; xz of ~300 MB takes
# minutes on 2 cores). Depends comes from floor.py's measurement of the tree.
#   installer/linux/deb.sh ARCH FILES_TREE OUT_DIR      prints the .deb path on the last line
set -euo pipefail
ARCH=$1 TREE=$2 OUT=$3
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
DEB_SRC=$REPO/installer/debian
APPID=org.mediationdesk.MediationDesk
APP=/opt/apps/$APPID
VERSION=$(python3 -c 'import sys, tomllib; print(tomllib.load(open(sys.argv[1], "rb"))["project"]["version"])' "$REPO/pyproject.toml")
EPOCH=${SOURCE_DATE_EPOCH:-$(git -C "$REPO" log -1 --format=%ct 2>/dev/null || date +%s)}
DATE=$(date -u -d "@$EPOCH" +%Y-%m-%d)
RFCDATE=$(LC_ALL=C date -u -R -d "@$EPOCH")
STAGE=$OUT/deb-$ARCH
DEB=$OUT/mediationdesk_${VERSION}_${ARCH}.deb
rm -rf "$STAGE" && mkdir -p "$STAGE/DEBIAN" "$STAGE$APP/entries/applications" "$STAGE/usr/bin" \
    "$STAGE/usr/share/applications" "$STAGE/usr/share/metainfo" "$STAGE/usr/share/doc/mediationdesk" \
    "$STAGE/usr/share/man/man1" "$STAGE/usr/share/lintian/overrides"
cp -a "$TREE" "$STAGE$APP/files"

echo "deb.sh: measuring the tree (floor.py)"
python3 "$HERE/floor.py" "$STAGE$APP/files" --arch "$ARCH" --depends | tee "$OUT/floor-$ARCH.txt"
[ "${PIPESTATUS[0]}" = 0 ] || { echo "deb.sh: floor check failed for $ARCH" >&2; exit 1; }
DEPENDS=$(tail -n 1 "$OUT/floor-$ARCH.txt")

install -m 0644 "$DEB_SRC/mediationdesk.desktop" "$STAGE$APP/entries/applications/mediationdesk.desktop"
for size in 16 24 32 48 64 128 256 512; do
    mkdir -p "$STAGE$APP/entries/icons/hicolor/${size}x${size}/apps" "$STAGE/usr/share/icons/hicolor/${size}x${size}/apps"
    install -m 0644 "$REPO/resources/icons/mediationdesk-$size.png" "$STAGE$APP/entries/icons/hicolor/${size}x${size}/apps/$APPID.png"
    ln -s "$APP/entries/icons/hicolor/${size}x${size}/apps/$APPID.png" "$STAGE/usr/share/icons/hicolor/${size}x${size}/apps/$APPID.png"
done
mkdir -p "$STAGE$APP/entries/icons/hicolor/scalable/apps" "$STAGE/usr/share/icons/hicolor/scalable/apps"
install -m 0644 "$REPO/resources/icons/mediationdesk.svg" "$STAGE$APP/entries/icons/hicolor/scalable/apps/$APPID.svg"
ln -s "$APP/entries/icons/hicolor/scalable/apps/$APPID.svg" "$STAGE/usr/share/icons/hicolor/scalable/apps/$APPID.svg"
ln -s "$APP/entries/applications/mediationdesk.desktop" "$STAGE/usr/share/applications/mediationdesk.desktop"
ln -s "$APP/files/bin/mediationdesk" "$STAGE/usr/bin/mediationdesk"
uosarch=$([ "$ARCH" = amd64 ] && echo amd64 || echo arm64)
cat > "$STAGE$APP/info" <<INFO
{
    "appid": "$APPID",
    "name": "调解台",
    "version": "$VERSION",
    "arch": ["$uosarch"],
    "permissions": {
        "autostart": false,
        "notification": false,
        "trayicon": false,
        "clipboard": true,
        "account": false,
        "bluetooth": false,
        "camera": false,
        "audio_record": false,
        "installed_apps": false
    }
}
INFO
sed -e "s/@VERSION@/$VERSION/g" -e "s/@DATE@/$DATE/g" "$DEB_SRC/$APPID.metainfo.xml" \
    > "$STAGE/usr/share/metainfo/$APPID.metainfo.xml"
install -m 0644 "$HERE/copyright" "$STAGE/usr/share/doc/mediationdesk/copyright"
sed -e "s/@VERSION@/$VERSION/g" -e "s/@RFC2822DATE@/$RFCDATE/g" "$DEB_SRC/changelog" \
    | gzip -9n > "$STAGE/usr/share/doc/mediationdesk/changelog.gz"
sed -e "s/@VERSION@/$VERSION/g" "$DEB_SRC/mediationdesk.1" | gzip -9n > "$STAGE/usr/share/man/man1/mediationdesk.1.gz"
install -m 0644 "$HERE/lintian-overrides" "$STAGE/usr/share/lintian/overrides/mediationdesk"

find "$STAGE" -type d -exec chmod 0755 {} +
find "$STAGE$APP" -type f -exec chmod 0644 {} +
chmod 0755 "$STAGE$APP/files/bin/mediationdesk" "$STAGE$APP/files/python/bin/python3.11"
find "$STAGE" -exec touch -h -d "@$EPOCH" {} +
SIZE=$(du -sk --apparent-size --exclude=DEBIAN "$STAGE" | cut -f1)
sed -e "s/@VERSION@/$VERSION/" -e "s/@ARCH@/$ARCH/" -e "s/@INSTALLED_SIZE@/$SIZE/" \
    -e "s/@DEPENDS@/$DEPENDS/" -e "s|/opt/mediationdesk|$APP|" "$DEB_SRC/control.in" > "$STAGE/DEBIAN/control"
(cd "$STAGE" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | LC_ALL=C sort -z \
    | xargs -0 md5sum > DEBIAN/md5sums)
chmod 0644 "$STAGE/DEBIAN/control" "$STAGE/DEBIAN/md5sums"
dpkg-deb --root-owner-group -Zgzip -z6 --build "$STAGE" "$DEB" >/dev/null
rm -rf "$STAGE"
echo "deb.sh: $DEB ($(du -h "$DEB" | cut -f1)); Depends: $DEPENDS"
echo "$DEB"
