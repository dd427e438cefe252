"""Windows that fit the screen, because mediation rooms run 1366×768 office laptops and
1920×1080 at 150 % (1280×720 logical pixels), minus the taskbar.

- ``default_size(preferred)``: the preferred size capped at 90 % of the available area, for a
  window's first start.
- ``restore_geometry(window, data)``: saved geometry is used only if it fits the screen the
  window would be on now (a window saved on a big monitor does not open half off a laptop).
- ``FitGuard`` (installed on every window by ``desktop.ui.guards``): every window and dialog,
  when shown, is shrunk to the available area and moved onto it, so a dialog written with
  ``resize(1040, 720)`` still fits at 150 %.
"""

from __future__ import annotations

from typing import Any

from desktop.ui.qt import QApplication, QEvent, QObject, QRect, QSize, Qt, QWidget

#: share of the available area a window takes at most by default
DEFAULT_SHARE = 0.9
#: room kept for a window's title bar and frame, which the geometry we set does not include
FRAME_ALLOWANCE = 36


def available(widget: QWidget | None = None) -> QRect:
    screen = None
    if widget is not None:
        screen = widget.screen()
        parent = widget.parentWidget()
        if parent is not None and parent.window().isVisible():
            screen = parent.window().screen()
    screen = screen or QApplication.primaryScreen()
    return screen.availableGeometry()


def usable_size(widget: QWidget | None = None) -> QSize:
    """The largest client size a window can have on its screen, frame and title included."""
    area = available(widget)
    return QSize(area.width() - 8, area.height() - FRAME_ALLOWANCE)


def default_size(width: int, height: int, widget: QWidget | None = None,
                 share: float = DEFAULT_SHARE) -> QSize:
    area = available(widget)
    return QSize(min(width, int(area.width() * share)), min(height, int(area.height() * share)))


def cap_minimum(widget: QWidget, width: int, height: int) -> None:
    """``setMinimumSize`` that never asks for more than the screen has."""
    room = usable_size(widget)
    widget.setMinimumSize(min(width, room.width()), min(height, room.height()))


def fits(window: QWidget) -> bool:
    return available(window).contains(window.frameGeometry())


def center_on_screen(window: QWidget) -> None:
    area = available(window)
    frame = window.frameGeometry()
    frame.moveCenter(area.center())
    window.move(frame.topLeft())


def restore_geometry(window: QWidget, data: Any) -> bool:
    """Restore saved geometry only when it fits the available area now; False otherwise
    (the caller then sizes the window with ``default_size``)."""
    if not data or not window.restoreGeometry(data):
        return False
    area = available(window)
    frame = window.frameGeometry() if window.isVisible() else window.geometry()
    if window.isMaximized() or window.windowState() & Qt.WindowState.WindowMaximized:
        return True
    return bool(area.contains(frame)
                and frame.height() <= area.height() - FRAME_ALLOWANCE + 8)


def shrink_into_screen(window: QWidget) -> None:
    """Shrink ``window`` to the available area and move it fully onto it."""
    if window.windowState() & (Qt.WindowState.WindowMaximized | Qt.WindowState.WindowFullScreen):
        return
    room = usable_size(window)
    size = window.size()
    if size.width() > room.width() or size.height() > room.height():
        window.resize(min(size.width(), room.width()), min(size.height(), room.height()))
    area = available(window)
    geo = window.frameGeometry()
    x = max(area.left(), min(geo.left(), area.right() + 1 - geo.width()))
    y = max(area.top(), min(geo.top(), area.bottom() + 1 - geo.height()))
    if (x, y) != (geo.left(), geo.top()):
        window.move(x, y)


class FitGuard(QObject):
    """On Show of a window or dialog it is installed on: ``shrink_into_screen``."""

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Show and obj.isWidgetType():
            widget: Any = obj
            # windows and dialogs only: not menus, popups, tooltips, splash screens
            if widget.windowType() in (Qt.WindowType.Window, Qt.WindowType.Dialog):
                shrink_into_screen(widget)
        return False
