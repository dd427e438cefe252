#!/usr/bin/env python3
"""Render resources/icons/mediationdesk.svg to PNGs (16…512 px) and a Windows .ico.

Run from the repo root with the venv's Python (needs PySide6 and Pillow):

    .venv/bin/python installer/make_icons.py

Outputs resources/icons/mediationdesk-<N>.png and resources/icons/mediationdesk.ico. The
small size (16) is rendered from mediationdesk-small.svg when it exists: a simplified
drawing snapped to whole pixels so the glyph stays crisp.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

ICONS = Path(__file__).resolve().parent.parent / "resources" / "icons"
SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
SMALL = (16,)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)


def render(svg: Path, size: int, out: Path) -> None:
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"invalid SVG: {svg}")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter, QRectF(0, 0, size, size))
    painter.end()
    if not image.save(str(out), "PNG"):
        raise SystemExit(f"cannot write {out}")


def main() -> int:
    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # noqa: F841
    big = ICONS / "mediationdesk.svg"
    small = ICONS / "mediationdesk-small.svg"
    for size in SIZES:
        src = small if size in SMALL and small.exists() else big
        render(src, size, ICONS / f"mediationdesk-{size}.png")
        print(f"{size:>4} px  <- {src.name}")

    from PIL import Image

    images = [Image.open(ICONS / f"mediationdesk-{s}.png").convert("RGBA") for s in ICO_SIZES]
    largest = images[-1]
    largest.save(
        ICONS / "mediationdesk.ico",
        format="ICO",
        sizes=[(s, s) for s in ICO_SIZES],
        append_images=images[:-1],
    )
    with Image.open(ICONS / "mediationdesk.ico") as ico:
        print("ico sizes:", sorted(ico.info.get("sizes", [])))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
