"""Rebuild the fonts shipped in this directory from Debian's font packages.

Run on Debian 12 with fonts-arphic-uming, fonts-wqy-microhei, fonts-hanazono and
fonts-babelstone-han installed:
    python resources/fonts/build_fonts.py
What it does (and why) is recorded in README.md next to it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection, TTFont

HERE = Path(__file__).resolve().parent
UMING = "/usr/share/fonts/truetype/arphic/uming.ttc"
WQY = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
HANA_A = "/usr/share/fonts/truetype/hanazono/HanaMinA.ttf"
HANA_B = "/usr/share/fonts/truetype/hanazono/HanaMinB.ttf"
BABEL = "/usr/share/fonts/truetype/babelstone/BabelStoneHan.ttf"
CJK_RANGES = (
    (0x2E80, 0x2FDF),  # radicals
    (0x3000, 0x303F),  # CJK punctuation
    (0x3400, 0x4DBF),  # Ext. A
    (0x4E00, 0x9FFF),  # URO
    (0xF900, 0xFAFF),  # compatibility ideographs
    (0x2F800, 0x2FA1F),  # compatibility supplement
    (0x20000, 0x2A6DF),  # Ext. B
    (0x2A700, 0x2B73F),  # Ext. C
    (0x2B740, 0x2B81F),  # Ext. D
    (0x2B820, 0x2CEAF),  # Ext. E
    (0x2CEB0, 0x2EBEF),  # Ext. F
    (0x2EBF0, 0x2EE5F),  # Ext. I
    (0x30000, 0x3134F),  # Ext. G
    (0x31350, 0x323AF),  # Ext. H
)
NOTE = (
    "Modified 2026-11-27 by the MediationDesk project: {what}. "
    "Original: {src} (Debian package {pkg})."
)


def _note(font: TTFont, text: str) -> None:
    # A prominent notice inside the modified file (Arphic Public License 2.a).
    name = font["name"]
    name.setName(text, 10, 3, 1, 0x409)  # nameID 10 = description
    name.setName(text, 10, 1, 0, 0)


def build_uming() -> None:
    # Only the simplified-Chinese face of the collection, without the embedded bitmaps
    # (EBDT/EBLC/BDF: screen bitmaps, useless in print and 3 MB).
    font = TTCollection(UMING).fonts[0]
    for tag in ("EBDT", "EBLC", "BDF "):
        if tag in font:
            del font[tag]
    _note(font, NOTE.format(what="extracted face 0 (AR PL UMing CN) from the TTC, removed the "
                            "embedded bitmap tables", src="uming.ttc", pkg="fonts-arphic-uming"))
    font.save(HERE / "uming-cn.ttf")


def build_hana_a_extra() -> None:
    # HanaMinA only for BMP characters AR PL UMing lacks (CJK Ext. A, rare forms).
    have = set(TTCollection(UMING).fonts[0].getBestCmap())
    hana = TTFont(HANA_A)
    extra = [cp for cp in hana.getBestCmap()
             if cp not in have and any(lo <= cp <= hi for lo, hi in CJK_RANGES)]
    opts = subset.Options()
    opts.name_IDs = ["*"]
    opts.name_languages = ["*"]
    opts.notdef_outline = True
    opts.layout_features = []
    sub = subset.Subsetter(opts)
    sub.populate(unicodes=extra)
    sub.subset(hana)
    _note(hana, NOTE.format(what=f"subset to the {len(extra)} CJK characters AR PL UMing lacks",
                            src="HanaMinA.ttf", pkg="fonts-hanazono"))
    hana.save(HERE / "HanaMinA-extra.ttf")


def _subset(font: TTFont, unicodes: list[int]) -> None:
    opts = subset.Options()
    opts.name_IDs = ["*"]
    opts.name_languages = ["*"]
    opts.notdef_outline = True
    opts.layout_features = []
    opts.hinting = False  # print only: hinting instructions are screen-only bytes
    sub = subset.Subsetter(opts)
    sub.populate(unicodes=unicodes)
    sub.subset(font)


def build_babelstone_extra() -> None:
    # BabelStone Han only for the ideographs none of the files above has: mostly CJK Ext. G
    # and H (people's names such as 陈𰻞, U+30EDE). Run after build_uming/build_hana_a_extra.
    have: set[int] = set()
    for name in ("uming-cn.ttf", "HanaMinA-extra.ttf"):
        have |= set(TTFont(HERE / name, lazy=True).getBestCmap())
    have |= set(TTFont(HANA_B, lazy=True).getBestCmap())
    babel = TTFont(BABEL)
    extra = [cp for cp in babel.getBestCmap()
             if cp not in have and any(lo <= cp <= hi for lo, hi in CJK_RANGES)]
    _subset(babel, extra)
    _note(babel, NOTE.format(what=f"subset to the {len(extra)} CJK ideographs the other shipped "
                             "fonts lack", src="BabelStoneHan.ttf", pkg="fonts-babelstone-han"))
    babel.save(HERE / "BabelStoneHan-extra.ttf")


def main() -> None:
    build_uming()
    build_hana_a_extra()
    build_babelstone_extra()
    shutil.copyfile(WQY, HERE / "wqy-microhei.ttc")
    shutil.copyfile(HANA_B, HERE / "HanaMinB.ttf")


if __name__ == "__main__":
    main()
