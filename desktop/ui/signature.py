"""Signature pad: a party or a mediator signs with a mouse, a pen tablet or a finger.

The pad records strokes as points with pressure (QTabletEvent gives real pressure; mouse and
touch get a constant) and renders them to a PNG with a transparent background, cropped to the
ink, so the documents renderer can place it in a signature box. The dialog follows the
``load(obj)`` / ``save() -> obj`` shape: it never talks to the services; the caller stores the
result with ``desk.outcomes.sign(...)`` (or ``sign_with_scan`` for a scanned paper signature).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from pathlib import Path

from desktop.ui import filedialogs
from desktop.ui.qt import (
    QBuffer,
    QByteArray,
    QCheckBox,
    QColor,
    QDialog,
    QDialogButtonBox,
    QEvent,
    QHBoxLayout,
    QImage,
    QIODevice,
    QKeySequence,
    QLabel,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPen,
    QPointF,
    QPushButton,
    QRectF,
    QShortcut,
    QSize,
    QSizePolicy,
    Qt,
    QTabletEvent,
    QTouchEvent,
    QVBoxLayout,
    QWidget,
    Signal,
)

MOUSE_PRESSURE = 0.6
"""Pressure given to mouse and touch points, which report none (or a meaningless 1.0)."""

Point = tuple[float, float, float]  # x, y in pad coordinates; pressure 0..1


@dataclass
class Signer:
    """Who is about to sign (what the dialog shows and returns)."""

    role: str  # "party" | "mediator"
    name: str
    party_id: int | None = None
    user_id: int | None = None


@dataclass
class SignatureCapture:
    """What the dialog gives back: ink on the pad, or "signed on paper" with an optional scan."""

    signer: Signer
    png: bytes | None = None
    on_paper: bool = False
    scan_filename: str = ""
    scan_data: bytes | None = None
    strokes: list[list[Point]] = field(default_factory=list)


class SignaturePad(QWidget):
    """A white sheet that collects strokes. ``changed`` fires after every stroke or edit."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._strokes: list[list[Point]] = []
        self._undone: list[list[Point]] = []
        self._current: list[Point] | None = None
        self._tablet_down = False
        self.setAttribute(Qt.WidgetAttribute.WA_AcceptTouchEvents, True)
        self.setAttribute(Qt.WidgetAttribute.WA_StaticContents, True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(480, 200)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAccessibleName(self.tr("签名区"))

    # ---- state -------------------------------------------------------------------------
    def strokes(self) -> list[list[Point]]:
        return [list(s) for s in self._strokes]

    def is_empty(self) -> bool:
        return not any(len(s) > 0 for s in self._strokes)

    def clear(self) -> None:
        if self._strokes:
            # Clearing can be undone stroke by stroke, like a drawing app.
            self._undone = list(reversed(self._strokes)) + self._undone
        self._strokes = []
        self._current = None
        self.update()
        self.changed.emit()

    def undo(self) -> None:
        if self._strokes:
            self._undone.append(self._strokes.pop())
            self.update()
            self.changed.emit()

    def redo(self) -> None:
        if self._undone:
            self._strokes.append(self._undone.pop())
            self.update()
            self.changed.emit()

    def can_undo(self) -> bool:
        return bool(self._strokes)

    def can_redo(self) -> bool:
        return bool(self._undone)

    # ---- input -------------------------------------------------------------------------
    def _begin(self, x: float, y: float, p: float) -> None:
        self._current = [(x, y, p)]
        self._strokes.append(self._current)
        self._undone.clear()
        self.update()

    def _extend(self, x: float, y: float, p: float) -> None:
        if self._current is None:
            return
        self._current.append((x, y, p))
        self.update()

    def _end(self) -> None:
        if self._current is not None:
            self._current = None
            self.changed.emit()

    def tabletEvent(self, event: QTabletEvent) -> None:
        pos = event.position()
        pressure = max(0.05, min(1.0, float(event.pressure())))
        kind = event.type()
        if kind == QEvent.Type.TabletPress:
            self._tablet_down = True
            self._begin(pos.x(), pos.y(), pressure)
        elif kind == QEvent.Type.TabletMove and self._tablet_down:
            self._extend(pos.x(), pos.y(), pressure)
        elif kind == QEvent.Type.TabletRelease:
            self._tablet_down = False
            self._extend(pos.x(), pos.y(), pressure)
            self._end()
        # Accepting stops Qt from synthesising a second, pressure-less mouse stroke.
        event.accept()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and not self._tablet_down:
            pos = event.position()
            self._begin(pos.x(), pos.y(), MOUSE_PRESSURE)
        event.accept()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if event.buttons() & Qt.MouseButton.LeftButton and not self._tablet_down:
            pos = event.position()
            self._extend(pos.x(), pos.y(), MOUSE_PRESSURE)
        event.accept()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and not self._tablet_down:
            pos = event.position()
            self._extend(pos.x(), pos.y(), MOUSE_PRESSURE)
            self._end()
        event.accept()

    def event(self, event: QEvent) -> bool:
        kind = event.type()
        if kind in (QEvent.Type.TouchBegin, QEvent.Type.TouchUpdate, QEvent.Type.TouchEnd):
            points = event.points() if isinstance(event, QTouchEvent) else []
            if points:
                # One finger writes; a second finger is ignored (palm, accidental touch).
                pt = points[0]
                # Global positions are always set; local ones not on every platform path.
                pos = self.mapFromGlobal(pt.globalPosition())
                pressure = pt.pressure() if 0.0 < pt.pressure() < 1.0 else MOUSE_PRESSURE
                if kind == QEvent.Type.TouchBegin:
                    self._begin(pos.x(), pos.y(), pressure)
                elif kind == QEvent.Type.TouchUpdate:
                    self._extend(pos.x(), pos.y(), pressure)
                else:
                    self._extend(pos.x(), pos.y(), pressure)
                    self._end()
            event.accept()
            return True
        return super().event(event)

    # ---- drawing -----------------------------------------------------------------------
    @staticmethod
    def _pen_width(pressure: float, scale: float = 1.0) -> float:
        return (1.2 + 3.6 * pressure) * scale

    def _draw_strokes(self, painter: QPainter, scale: float = 1.0, dx: float = 0.0,
                      dy: float = 0.0) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        ink = QColor(20, 24, 60)
        for stroke in self._strokes:
            if len(stroke) == 1:
                x, y, p = stroke[0]
                w = self._pen_width(p, scale)
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(ink)
                painter.drawEllipse(QPointF((x - dx) * scale, (y - dy) * scale), w / 2, w / 2)
                continue
            for (x0, y0, p0), (x1, y1, p1) in itertools.pairwise(stroke):
                pen = QPen(ink, self._pen_width((p0 + p1) / 2, scale))
                pen.setCapStyle(Qt.PenCapStyle.RoundCap)
                pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
                painter.setPen(pen)
                path = QPainterPath(QPointF((x0 - dx) * scale, (y0 - dy) * scale))
                path.lineTo(QPointF((x1 - dx) * scale, (y1 - dy) * scale))
                painter.drawPath(path)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("white"))
        # A baseline and a faint "sign here" so the sheet reads as a form, not a blank box.
        base_y = self.height() * 0.72
        painter.setPen(QPen(QColor(190, 196, 210), 1, Qt.PenStyle.DashLine))
        painter.drawLine(QPointF(24, base_y), QPointF(self.width() - 24, base_y))
        if self.is_empty():
            painter.setPen(QColor(160, 166, 180))
            painter.drawText(QRectF(0, base_y + 6, self.width(), 28),
                             Qt.AlignmentFlag.AlignCenter, self.tr("请在此处签名"))
        self._draw_strokes(painter)
        painter.end()

    def ink_rect(self) -> QRectF:
        xs = [x for s in self._strokes for x, _, _ in s]
        ys = [y for s in self._strokes for _, y, _ in s]
        if not xs:
            return QRectF()
        return QRectF(min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys))

    def to_image(self, scale: float = 2.0) -> QImage:
        """The ink cropped to its bounding box (plus a margin) on a transparent background."""
        rect = self.ink_rect()
        margin = 8.0
        w = max(1, int((rect.width() + 2 * margin) * scale))
        h = max(1, int((rect.height() + 2 * margin) * scale))
        image = QImage(QSize(w, h), QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        self._draw_strokes(painter, scale, rect.x() - margin, rect.y() - margin)
        painter.end()
        return image

    def to_png(self, scale: float = 2.0) -> bytes:
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        # PySide6 6.12's stub wants bytes for the format, but only str works at run time
        self.to_image(scale).save(buffer, "PNG")  # type: ignore[call-overload]
        buffer.close()
        return bytes(data.data())


class SignatureDialog(QDialog):
    """Sign on the pad, or say the person signed the paper copy (and attach its scan).

    ``walk(signers)`` collects several signatures in turn (party 1 → party 2 → mediator): each
    "签好了，下一位" emits ``signed`` with that person's capture and clears the pad for the
    next; the last one accepts the dialog.
    """

    signed = Signal(object)  # SignatureCapture, in walk mode

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._signer = Signer(role="party", name="")
        self._queue: list[Signer] = []
        self._walk_total = 0
        self._scan_path: Path | None = None
        self.setWindowTitle(self.tr("签名"))
        self.resize(720, 420)

        self.title = QLabel()
        self.title.setObjectName("signatureTitle")
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self.title.setFont(font)
        self.pad = SignaturePad(self)

        self.undo_button = QPushButton(self.tr("撤销一笔"))
        self.redo_button = QPushButton(self.tr("恢复一笔"))
        self.clear_button = QPushButton(self.tr("清除重签"))
        self.undo_button.clicked.connect(self.pad.undo)
        self.redo_button.clicked.connect(self.pad.redo)
        self.clear_button.clicked.connect(self.pad.clear)
        QShortcut(QKeySequence.StandardKey.Undo, self, self.pad.undo)
        QShortcut(QKeySequence.StandardKey.Redo, self, self.pad.redo)

        self.paper_check = QCheckBox(self.tr("已在纸质文书上签名"))
        self.scan_button = QPushButton(self.tr("附上扫描件…"))
        self.scan_label = QLabel(self.tr("未附扫描件"))
        self.scan_button.clicked.connect(self._choose_scan)
        self.paper_check.toggled.connect(self._update_state)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("确认签名"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        self.buttons.accepted.connect(self._confirmed)
        self.buttons.rejected.connect(self.reject)
        self.step_label = QLabel(self)
        self.step_label.setObjectName("signatureStep")
        self.then_print = QCheckBox(self.tr("全部签好后协议生效，并打开正式协议书打印"), self)
        self.then_print.setObjectName("thenPrint")
        self.then_print.setChecked(True)
        self.then_print.hide()

        tools = QHBoxLayout()
        for button in (self.undo_button, self.redo_button, self.clear_button):
            tools.addWidget(button)
        tools.addStretch(1)
        paper = QHBoxLayout()
        paper.addWidget(self.paper_check)
        paper.addWidget(self.scan_button)
        paper.addWidget(self.scan_label, 1)

        head = QHBoxLayout()
        head.addWidget(self.title, 1)
        head.addWidget(self.step_label)
        bottom = QHBoxLayout()
        bottom.addWidget(self.then_print, 1)
        bottom.addWidget(self.buttons)

        layout = QVBoxLayout(self)
        layout.addLayout(head)
        layout.addWidget(self.pad, 1)
        layout.addLayout(tools)
        layout.addLayout(paper)
        layout.addLayout(bottom)

        self.pad.changed.connect(self._update_state)
        self.setTabOrder(self.pad, self.undo_button)
        self.setTabOrder(self.undo_button, self.redo_button)
        self.setTabOrder(self.redo_button, self.clear_button)
        self.setTabOrder(self.clear_button, self.paper_check)
        self.setTabOrder(self.paper_check, self.scan_button)
        self._update_state()

    def load(self, signer: Signer) -> None:
        self._signer = signer
        role = self.tr("当事人") if signer.role == "party" else self.tr("调解员")
        self.title.setText(self.tr("{role} {name} 签名").format(role=role, name=signer.name))
        self.setWindowTitle(self.title.text())
        self.pad.clear()
        self.paper_check.setChecked(False)
        self._scan_path = None
        self._update_state()

    def walk(self, signers: list[Signer]) -> None:
        """Collect the signatures of ``signers`` one after the other in this dialog."""
        self._queue = list(signers)
        self._walk_total = len(signers)
        self.then_print.show()
        self._next()

    def _next(self) -> None:
        signer = self._queue.pop(0)
        self.load(signer)
        done = self._walk_total - len(self._queue)
        step = self.tr("第 {n}/{total} 位").format(n=done, total=self._walk_total)
        if self._queue:
            step += self.tr("，下一位：{name}").format(name=self._queue[0].name)
        self.step_label.setText(step)
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(self.tr("签好了，下一位") if self._queue else self.tr("签好了，完成"))
        self.pad.setFocus()

    def remaining(self) -> list[Signer]:
        return list(self._queue)

    def _confirmed(self) -> None:
        if not self._walk_total:
            self.accept()
            return
        self.signed.emit(self.save())
        if self._queue:
            self._next()
        else:
            self.accept()

    def save(self) -> SignatureCapture:
        if self.paper_check.isChecked():
            data = self._scan_path.read_bytes() if self._scan_path else None
            return SignatureCapture(self._signer, on_paper=True,
                                    scan_filename=self._scan_path.name if self._scan_path else "",
                                    scan_data=data)
        return SignatureCapture(self._signer, png=self.pad.to_png(), strokes=self.pad.strokes())

    def set_scan(self, path: Path | None) -> None:
        self._scan_path = path
        self.scan_label.setText(path.name if path else self.tr("未附扫描件"))
        self._update_state()

    def _choose_scan(self) -> None:
        name = filedialogs.open_file(
            self, self.tr("选择签字文书扫描件"), "signature_scan",
            self.tr("扫描件 (*.pdf *.png *.jpg *.jpeg *.tif *.tiff);;所有文件 (*)"))
        if name:
            self.paper_check.setChecked(True)
            self.set_scan(Path(name))

    def _update_state(self) -> None:
        paper = self.paper_check.isChecked()
        self.pad.setEnabled(not paper)
        self.undo_button.setEnabled(not paper and self.pad.can_undo())
        self.redo_button.setEnabled(not paper and self.pad.can_redo())
        self.clear_button.setEnabled(not paper and not self.pad.is_empty())
        self.scan_button.setEnabled(True)
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(paper or not self.pad.is_empty())


def ask_signature(signer: Signer, parent: QWidget | None = None) -> SignatureCapture | None:
    """Show the dialog modally; ``None`` when the user cancels."""
    dialog = SignatureDialog(parent)
    dialog.load(signer)
    if dialog.exec() == QDialog.DialogCode.Accepted:
        return dialog.save()
    return None
