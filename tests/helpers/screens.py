"""Screens that can fail their tests, two ways.

1. **Against a reference image** (``compare``): the PNGs the README shows, in
   ``docs/screenshots/``, are the references. Both images are blurred a little (a 3×3 box) so
   that antialiasing and hinting differences between machines fall under the level; what
   counts as a change is a pixel whose blurred colour moved by more than ``LEVEL`` (of 255) in
   any channel. A screen fails when more than ``MAX_CHANGED`` of its pixels changed, or when any
   ``TILE``×``TILE`` square changed by more than ``MAX_TILE`` (a missing button, a moved field,
   a clipped label are dense, local changes; font noise is thin and spread out), or when its
   size differs. Regions that legitimately change (this year in an example number) are masked
   in both images. On failure the new image and a diff (changed pixels in red) are written next
   to the test's output and named in the message.

2. **By what is drawn** (``layout_problems``): every visible widget lies inside the window and
   inside its parents (scrolled content excepted), no two controls overlap, a label's text fits
   its width (or its height, when it wraps), a button's and a tab's text fits, an input is tall
   enough for its text, a drop-down list shows its current choice whole, a label that elides
   (``FieldMessage``: it has a ``full_text()``) shows all of it, and a list's entries fit its
   width (a list that scrolls sideways has to be scrolled to be read). The text checks apply
   to scrolled content too (a form in a scroll area).

Refresh the references (after a deliberate change of a screen; look at every PNG before
committing): ``MEDIATIONDESK_SCREENSHOTS=1 .venv/bin/python -m pytest tests/ui/test_screenshots.py``.
"""

from __future__ import annotations

import io
import os
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageChops, ImageFilter

from desktop.ui.qt import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractScrollArea,
    QAbstractSpinBox,
    QBuffer,
    QComboBox,
    QImage,
    QLabel,
    QLineEdit,
    QListView,
    QPoint,
    QRect,
    QStyle,
    QStyleOptionComboBox,
    Qt,
    QTabBar,
    QWidget,
)

REPO = Path(__file__).resolve().parents[2]
REFERENCES = REPO / "docs" / "screenshots"
LEVEL = 40
MAX_CHANGED = 0.0005  # 0.05 % of the pixels: ~500 on a 1280×800 screen
TILE = 32
MAX_TILE = 0.08  # 8 % of a 32×32 square: ~80 pixels, a word's worth of strokes


def updating() -> bool:
    """``MEDIATIONDESK_SCREENSHOTS=1``: write new references instead of comparing."""
    return os.environ.get("MEDIATIONDESK_SCREENSHOTS") == "1"


def to_pil(image: QImage) -> Image.Image:
    buffer = QBuffer()
    buffer.open(QBuffer.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return Image.open(io.BytesIO(bytes(buffer.data().data()))).convert("RGB")


@dataclass
class Diff:
    size: tuple[int, int]
    reference_size: tuple[int, int]
    changed: float  # fraction of all pixels
    worst_tile: float  # fraction of the worst tile's pixels
    worst_at: tuple[int, int]  # top-left corner of that tile
    mask: Image.Image | None  # changed pixels, white on black

    @property
    def ok(self) -> bool:
        return (self.size == self.reference_size and self.changed <= MAX_CHANGED
                and self.worst_tile <= MAX_TILE)

    def __str__(self) -> str:
        if self.size != self.reference_size:
            return f"size {self.size} ≠ reference {self.reference_size}"
        return (f"{self.changed:.3%} of pixels changed (max {MAX_CHANGED:.3%}); worst "
                f"{TILE}×{TILE} square at {self.worst_at}: {self.worst_tile:.0%} (max {MAX_TILE:.0%})")


def compare(actual: Image.Image, reference: Image.Image,
            masks: tuple[QRect, ...] | list[QRect] = ()) -> Diff:
    if actual.size != reference.size:
        return Diff(actual.size, reference.size, 1.0, 1.0, (0, 0), None)
    a, b = actual.convert("RGB"), reference.convert("RGB")
    for r in masks:  # the same grey in both: a masked region never counts
        box = (r.x(), r.y(), r.x() + r.width(), r.y() + r.height())
        a.paste((128, 128, 128), box)
        b.paste((128, 128, 128), box)
    blur = ImageFilter.BoxBlur(1)
    delta = ImageChops.difference(a.filter(blur), b.filter(blur))
    channels = [c.point(lambda v: 255 if v > LEVEL else 0) for c in delta.split()]
    mask = ImageChops.lighter(ImageChops.lighter(channels[0], channels[1]), channels[2])
    changed = mask.histogram()[255] / (a.width * a.height)
    # per-tile share of changed pixels: a box reduction averages each tile
    pad = Image.new("L", (-(-a.width // TILE) * TILE, -(-a.height // TILE) * TILE), 0)
    pad.paste(mask, (0, 0))
    tiles = pad.reduce(TILE)
    shares = list(tiles.tobytes())  # one byte per tile: its share of changed pixels × 255
    worst = max(range(len(shares)), key=shares.__getitem__)
    wx, wy = worst % tiles.width, worst // tiles.width
    share = shares[worst] / 255
    return Diff(a.size, b.size, changed, share, (wx * TILE, wy * TILE), mask)


def check(image: QImage, name: str, out: Path, masks: tuple[QRect, ...] | list[QRect] = ()) -> None:
    """Compare a screen with its reference ``docs/screenshots/<name>.png`` (or write the
    reference when updating). ``out`` receives the new image (and a diff on failure)."""
    reference = REFERENCES / f"{name}.png"
    if updating():  # Qt's PNG writer, as before: an unchanged screen gives the same bytes
        REFERENCES.mkdir(parents=True, exist_ok=True)
        assert image.save(str(reference)), reference
        return
    actual = to_pil(image)
    assert reference.exists(), f"no reference {reference}: refresh with MEDIATIONDESK_SCREENSHOTS=1"
    found = compare(actual, Image.open(reference), masks)
    if found.ok:
        return
    out.mkdir(parents=True, exist_ok=True)
    actual.save(out / f"{name}.png")
    if found.mask is not None:
        red = Image.blend(actual, Image.new("RGB", actual.size, (255, 255, 255)), 0.6)
        red.paste((220, 0, 0), (0, 0), found.mask)
        red.save(out / f"{name}-diff.png")
    raise AssertionError(f"{name}: {found}; new image and diff in {out} "
                         "(a deliberate change: refresh with MEDIATIONDESK_SCREENSHOTS=1)")


# -- what is drawn ------------------------------------------------------------------------------

def rect_in(window: QWidget, widget: QWidget) -> QRect:
    return QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())


def _scrolled(widget: QWidget, window: QWidget) -> bool:
    """Inside a scroll area's viewport (or an item view): its content may extend out of view."""
    w = widget.parentWidget()
    while w is not None and w is not window:
        if isinstance(w, QAbstractScrollArea | QAbstractItemView):
            return True
        w = w.parentWidget()
    return False


def shown(window: QWidget) -> list[QWidget]:
    """The widgets the user can see: visible, in this window, not scrolled content."""
    return [w for w in window.findChildren(QWidget)
            if w.isVisible() and w.window() is window
            and w.width() > 0 and w.height() > 0 and not _scrolled(w, window)]


def _describe(w: QWidget) -> str:
    text = ""
    for attr in ("text", "currentText", "title", "placeholderText"):
        getter = getattr(w, attr, None)
        if callable(getter):
            value = getter()
            if isinstance(value, str) and value:
                text = value
                break
    return f"{type(w).__name__}{'#' + w.objectName() if w.objectName() else ''}({text[:20]!r})"


def layout_problems(window: QWidget) -> list[str]:
    problems: list[str] = []
    area = window.rect()
    for w in shown(window):
        r = rect_in(window, w)
        if not area.contains(r):
            problems.append(f"{_describe(w)} at {r.getRect()} outside the window {area.getRect()}")
            continue
        parent = w.parentWidget()
        if parent is not None and parent is not window and not parent.rect().contains(w.geometry()):
            problems.append(f"{_describe(w)} cut off by its parent {_describe(parent)}")
            continue
        problems += _text_problems(w)
    # Scrolled content (a form in a scroll area): where it lies is the scroll area's business,
    # but its texts must fit all the same: the line under a field is read where it is.
    for w in window.findChildren(QWidget):
        if (w.isVisible() and w.window() is window and w.width() > 0 and w.height() > 0
                and _scrolled(w, window)):
            problems += _text_problems(w)
    problems += _overlaps([w for w in shown(window) if isinstance(w, CONTROLS)], window)
    return problems


CONTROLS = (QLabel, QAbstractButton, QLineEdit, QComboBox, QAbstractSpinBox)


def _overlaps(controls: list[QWidget], window: QWidget) -> list[str]:
    """Two controls drawn over each other (a squeezed layout): neither is fully readable.
    A control inside another (a spin box's line edit) is part of it, not an overlap."""
    found = []
    rects = [(w, rect_in(window, w)) for w in controls]
    for i, (a, ra) in enumerate(rects):
        for b, rb in rects[i + 1:]:
            if a.isAncestorOf(b) or b.isAncestorOf(a):
                continue
            both = ra.intersected(rb)
            if both.width() > 2 and both.height() > 2:
                found.append(f"{_describe(a)} and {_describe(b)} overlap at {both.getRect()}")
    return found


def _text_problems(w: QWidget) -> list[str]:
    fm = w.fontMetrics()
    if isinstance(w, QLabel) and w.text() and w.pixmap().isNull():
        room = w.contentsRect().adjusted(w.margin(), w.margin(), -w.margin(), -w.margin())
        if w.wordWrap():
            if w.heightForWidth(w.width()) > w.height() + 1:
                need = w.heightForWidth(w.width())
                return [f"{_describe(w)} wraps to {need} px high, has {w.height()}"]
        elif w.textFormat() != Qt.TextFormat.RichText and "<" not in w.text():
            need = max(fm.horizontalAdvance(line) for line in w.text().split("\n"))
            if need > room.width() + 1:
                return [f"{_describe(w)} needs {need} px, has {room.width()}"]
        ink = max(fm.tightBoundingRect(line).height() for line in w.text().split("\n"))
        if not w.wordWrap() and ink > room.height():
            return [f"{_describe(w)} is {room.height()} px high, its text {ink}"]
        full = getattr(w, "full_text", None)  # a label that elides what does not fit
        if callable(full) and full() and w.text() != full():
            return [f"{_describe(w)} shows {w.text()!r} of {full()!r}"]
    elif isinstance(w, QAbstractButton) and w.text():
        # its size hint is text + icon + the style's padding: less than that cuts the text
        need = w.sizeHint().width()
        if need > w.width() + 1:
            return [f"{_describe(w)} needs {need} px, has {w.width()}"]
    elif isinstance(w, QLineEdit | QComboBox | QAbstractSpinBox):
        ink = fm.tightBoundingRect("调解台Ag").height()
        if w.height() < ink + 4:
            return [f"{_describe(w)} is {w.height()} px high, its text {ink}"]
        if isinstance(w, QComboBox) and not w.isEditable() and w.currentText():
            return _combo_problems(w)
    elif isinstance(w, QListView) and w.viewMode() == QListView.ViewMode.ListMode:
        return _list_problems(w)
    elif isinstance(w, QTabBar):
        need = sum(w.tabSizeHint(i).width() for i in range(w.count()) if w.isTabVisible(i))
        if need > w.width() + 1:
            return [f"{_describe(w)} needs {need} px for all its tabs, has {w.width()}"]
    return []


def _combo_problems(box: QComboBox) -> list[str]:
    """The current choice is drawn in the box's edit field (the box less its frame, padding
    and arrow, as the style sheet lays them out): wider text is cut off there."""
    opt = QStyleOptionComboBox()
    box.initStyleOption(opt)
    field = box.style().subControlRect(QStyle.ComplexControl.CC_ComboBox, opt,
                                       QStyle.SubControl.SC_ComboBoxEditField, box)
    need = box.fontMetrics().horizontalAdvance(box.currentText())
    if not box.itemIcon(box.currentIndex()).isNull():
        need += box.iconSize().width() + 4
    if need > field.width() + 1:
        return [f"{_describe(box)} needs {need} px for its text, has {field.width()}"]
    return []


def _list_problems(view: QListView) -> list[str]:
    """A list whose entries are wider than it scrolls sideways (or cuts them, when its
    scroll bar is off): each entry must fit the list's width."""
    if view.horizontalScrollBar().maximum() > 0:
        return [f"{_describe(view)} scrolls sideways by {view.horizontalScrollBar().maximum()} px"]
    model = view.model()
    width = view.viewport().width()
    for row in range(min(model.rowCount(view.rootIndex()) if model else 0, 200)):
        rect = view.visualRect(model.index(row, view.modelColumn(), view.rootIndex()))
        if rect.right() >= width:
            return [f"{_describe(view)} entry {row} is {rect.right() + 1} px wide, has {width}"]
    return []


def visible_texts(window: QWidget) -> set[str]:
    """Texts the user can read: labels, buttons, tab names, field contents and placeholders."""
    texts: set[str] = set()
    for w in shown(window):
        if isinstance(w, QLabel | QAbstractButton) and w.text():
            texts.add(w.text().replace("&", ""))
        elif isinstance(w, QLineEdit):
            texts.update(t for t in (w.text(), w.placeholderText()) if t)
        elif isinstance(w, QTabBar):
            texts.update(w.tabText(i) for i in range(w.count()))
    return texts
