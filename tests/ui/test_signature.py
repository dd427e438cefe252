"""The signature pad with synthesised pen, mouse and touch strokes."""

from __future__ import annotations

import pytest

from desktop.ui.qt import QDialogButtonBox, QImage, Qt
from desktop.ui.signature import SignatureDialog, SignaturePad, Signer
from tests.helpers.strokes import mouse_stroke, sign, tablet_stroke, wave

pytestmark = pytest.mark.gui


def _png_image(data: bytes) -> QImage:
    image = QImage()
    assert image.loadFromData(data, "PNG")
    return image


def _ink_pixels(image: QImage) -> int:
    count = 0
    for y in range(0, image.height(), 2):
        for x in range(0, image.width(), 2):
            if image.pixelColor(x, y).alpha() > 128:
                count += 1
    return count


@pytest.fixture
def pad(qtbot):
    widget = SignaturePad()
    widget.resize(600, 240)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def test_tablet_stroke_keeps_pressure_and_draws_thicker_with_more_pressure(pad):
    points = wave(40, 120, 200, 30)
    tablet_stroke(pad, points, pressures=[0.1] * len(points))
    tablet_stroke(pad, wave(300, 120, 200, 30), pressures=[0.95] * len(points))
    strokes = pad.strokes()
    assert len(strokes) == 2  # the accepted tablet events must not also make mouse strokes
    assert {round(p, 2) for _, _, p in strokes[0]} == {0.1}
    assert {round(p, 2) for _, _, p in strokes[1]} == {0.95}
    image = pad.to_image(scale=1.0)
    light = image.copy(0, 0, image.width() // 2, image.height())
    heavy = image.copy(image.width() // 2, 0, image.width() - image.width() // 2, image.height())
    assert _ink_pixels(heavy) > 1.5 * _ink_pixels(light)


def test_mouse_and_touch_strokes(pad):
    mouse_stroke(pad, wave(40, 100, 200, 20))
    sign(pad, "touch")
    assert len(pad.strokes()) == 3
    assert all(len(s) >= 10 for s in pad.strokes())
    xs = [x for s in pad.strokes()[1:] for x, _, _ in s]
    assert 0.1 * pad.width() < min(xs) < max(xs) < 0.9 * pad.width()  # touch lands where drawn


def test_png_is_cropped_transparent_ink(pad):
    sign(pad, "tablet")
    png = pad.to_png()
    assert png.startswith(b"\x89PNG")
    image = _png_image(png)
    assert image.hasAlphaChannel()
    assert image.pixelColor(0, 0).alpha() == 0  # background stays transparent
    assert _ink_pixels(image) > 50
    # Cropped to the ink: much narrower than the pad at scale 2 (pad is 600 wide → 1200).
    assert image.width() < 2 * pad.width()


def test_undo_redo_clear(pad):
    sign(pad, "mouse")
    assert len(pad.strokes()) == 2
    pad.undo()
    assert len(pad.strokes()) == 1
    pad.redo()
    assert len(pad.strokes()) == 2
    pad.clear()
    assert pad.is_empty()
    pad.undo()  # nothing to undo on an empty pad
    pad.redo()  # clearing is itself undoable stroke by stroke
    assert len(pad.strokes()) == 1


def test_dialog_accepts_only_with_ink_or_paper(qtbot, tmp_path):
    dialog = SignatureDialog()
    qtbot.addWidget(dialog)
    dialog.load(Signer(role="party", name="王𠮷"))
    dialog.show()
    qtbot.waitExposed(dialog)
    assert "王𠮷" in dialog.windowTitle()
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert not ok.isEnabled()
    sign(dialog.pad, "tablet")
    assert ok.isEnabled()
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    assert dialog.result() == SignatureDialog.DialogCode.Accepted
    capture = dialog.save()
    assert capture.signer.name == "王𠮷" and capture.png and not capture.on_paper

    dialog.load(Signer(role="mediator", name="李调解", user_id=3))
    assert not ok.isEnabled()
    scan = tmp_path / "协议书签字页.png"
    scan.write_bytes(b"\x89PNG fake scan")
    dialog.paper_check.setChecked(True)
    assert ok.isEnabled() and not dialog.pad.isEnabled()
    dialog.set_scan(scan)
    capture = dialog.save()
    assert capture.on_paper and capture.png is None
    assert capture.scan_filename == "协议书签字页.png"
    assert capture.scan_data == b"\x89PNG fake scan"


def test_escape_cancels(qtbot):
    dialog = SignatureDialog()
    qtbot.addWidget(dialog)
    dialog.load(Signer(role="party", name="张三"))
    dialog.show()
    qtbot.waitExposed(dialog)
    sign(dialog.pad, "mouse")
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert dialog.result() == SignatureDialog.DialogCode.Rejected
