#!/usr/bin/env bash
# The installed app's GUI on a real X server: Xvfb on this machine (1366x768), its socket bound
# into the Debian 11 root, the app started there with QT_QPA_PLATFORM=xcb (the plugin, the
# bundled libxcb-cursor and bullseye's X libraries), a screenshot after it settled, and OCR
# (tesseract, chi_sim) of the screenshot: passes when the recognised text has Chinese in it.
# What it proves: the xcb stack loads on Debian 11 and the first window draws Chinese glyphs
# with a CJK font; OCR wording is approximate, so only "Chinese characters present" is asserted.
#   installer/linux/gui_check.sh ROOT OUT_DIR
set -uo pipefail
R=$1 OUT=$2
HERE=$(cd "$(dirname "$0")" && pwd)
export DEBIAN_FRONTEND=noninteractive
if ! command -v tesseract >/dev/null || [ ! -e /usr/share/tesseract-ocr/5/tessdata/chi_sim.traineddata ]; then
    apt-get -y -q -o DPkg::Lock::Timeout=300 --no-install-recommends install tesseract-ocr tesseract-ocr-chi-sim >/dev/null || exit 1
fi
n=99; while [ -e "/tmp/.X11-unix/X$n" ] || [ -e "/tmp/.X$n-lock" ]; do n=$((n + 1)); done
Xvfb ":$n" -screen 0 1366x768x24 -nolisten tcp >/dev/null 2>&1 &
xpid=$!
for _ in $(seq 50); do [ -e "/tmp/.X11-unix/X$n" ] && break; sleep 0.1; done
mkdir -p "$R/tmp/.X11-unix" && mount --bind /tmp/.X11-unix "$R/tmp/.X11-unix"
# `timeout` inside the root ends the app; the screenshot is taken while it shows its window.
"$HERE/chroot.sh" "$R" sh -c "mkdir -p /tmp/gui && HOME=/tmp/gui DISPLAY=:$n QT_QPA_PLATFORM=xcb timeout 40 mediationdesk" \
    > "$OUT/gui-amd64.log" 2>&1 &
app=$!
shot=$OUT/gui-amd64.png
ok=1
for _ in $(seq 30); do
    sleep 1
    # a window is mapped once the root has a child with a name
    if DISPLAY=:$n xwininfo -root -tree 2>/dev/null | grep -q '"首次使用 — 调解台"\|"登录 — 调解台"'; then sleep 3; break; fi
done
DISPLAY=:$n xwininfo -root -tree 2>/dev/null | grep -E '^\s+0x[0-9a-f]+ "' | head -5 | tee "$OUT/gui-amd64-windows.txt"
xwd -root -silent -display ":$n" | convert xwd:- "$shot" 2>/dev/null && echo "gui_check.sh: screenshot $shot"
kill "$xpid" 2>/dev/null
wait "$app" 2>/dev/null
umount -l "$R/tmp/.X11-unix"
if [ -s "$shot" ]; then
    convert "$shot" -trim -resize 300% -colorspace Gray "$OUT/gui-amd64-ocr.png"
    tesseract "$OUT/gui-amd64-ocr.png" - -l chi_sim 2>/dev/null | tr -s ' \n' ' ' > "$OUT/gui-amd64-ocr.txt"
    echo "gui_check.sh: OCR: $(head -c 300 "$OUT/gui-amd64-ocr.txt")"
    han=$(grep -oP '\p{Han}' "$OUT/gui-amd64-ocr.txt" | wc -l)
    echo "gui_check.sh: $han Chinese characters recognised in the window"
    [ "$han" -ge 4 ] && ok=0
fi
[ $ok = 0 ] || { echo "gui_check.sh: no Chinese text found on screen"; cat "$OUT/gui-amd64.log"; }
exit $ok
