"""Autosave of a form being written (a new case at intake, an agreement, a session record):
a crash or a closed window loses nothing.

The form is kept in ``desk.drafts`` (per user) a second after the last edit and when the form
closes, removed once the real record is saved, and offered back (restore / discard) when the
form is opened again with a draft left over. One mechanism for every form, so a fix to when
drafts are saved or dropped reaches them all.
"""

from __future__ import annotations

import inspect
import logging
import weakref
from collections.abc import Callable
from typing import Any

from desktop.ui import ops
from desktop.ui.qt import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QObject,
    QPushButton,
    QTimer,
    QWidget,
    Signal,
)

log = logging.getLogger(__name__)
AUTOSAVE_MS = 1000


def _weak(fn: Callable[..., Any]) -> Callable[..., Any]:
    """A bound method held weakly: the form owns its draft, and a strong reference back
    would make a cycle that keeps a closed page's wrapper alive until the next collection
    (automatic gc is off in this app)."""
    if not inspect.ismethod(fn):
        return fn
    ref = weakref.WeakMethod(fn)

    def call(*args: Any) -> Any:
        method = ref()
        return method(*args) if method is not None else None

    return call


class DraftBanner(QFrame):
    """"有未保存的协议草稿 [恢复] [丢弃]"."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("draftBanner")
        self.label = QLabel(self)
        self.restore_button = QPushButton(self.tr("恢复草稿"), self)
        self.restore_button.setObjectName("restoreAgreementDraft")
        self.discard_button = QPushButton(self.tr("丢弃"), self)
        self.discard_button.setObjectName("discardAgreementDraft")
        layout = QHBoxLayout(self)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.restore_button)
        layout.addWidget(self.discard_button)
        self.hide()


class FormDraft(QObject):
    """Debounced autosave of ``collect()`` (a JSON-able dict, or None = nothing worth
    keeping) under ``key`` in desk.drafts; with a ``banner``, ``offer`` shows a left-over
    draft and ``apply`` puts it back. ``key`` may change (a resumed draft is saved under
    its own key); ``title`` may be a callable, read at each save."""

    #: an autosave stored the form under this key
    saved = Signal(str)
    #: an autosave failed: the reason in Chinese (the form stays open; it is tried again)
    failed = Signal(str)

    def __init__(self, parent: QWidget, desk: Any, key: str,
                 collect: Callable[[], dict[str, Any] | None],
                 apply: Callable[[dict[str, Any]], None] | None = None,
                 banner: DraftBanner | None = None,
                 title: str | Callable[[], str] = "") -> None:
        super().__init__(parent)
        self.desk = desk
        self.key = key
        self.title = _weak(title) if callable(title) else title
        self.collect = _weak(collect)
        self.apply = _weak(apply) if apply is not None else None
        self.banner = banner
        self.pending = False
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(AUTOSAVE_MS)
        self.timer.timeout.connect(self.save)
        self._found: dict[str, Any] | None = None
        if banner is not None:
            banner.restore_button.clicked.connect(self.restore)
            banner.discard_button.clicked.connect(self.discard)

    def _title(self) -> str:
        return (self.title() or "") if callable(self.title) else self.title

    def edited(self) -> None:
        self.pending = True
        self.timer.start()

    def settle(self) -> None:
        """What the form shows is what is stored (just loaded, or just reset)."""
        self.timer.stop()
        self.pending = False

    def save(self) -> None:
        self.timer.stop()
        data = self.collect() if self.pending else None
        if data is None:
            return
        self.pending = False
        key, title = self.key, self._title()

        def failed(exc: BaseException) -> bool:
            self.pending = True
            self.failed.emit(ops.error_text(exc))
            return True  # autosave is best effort; the user still has the form open

        ops.Op(self.parent(), lambda: self.desk.drafts.save(key, data, title),
               label=self.tr("正在保存草稿…")).success(
            lambda _r: self.saved.emit(key)).failure(failed).run()

    def flush(self) -> None:
        """Save now, on this thread (the form is closing)."""
        self.timer.stop()
        data = self.collect() if self.pending else None
        if data is None:
            return
        try:
            self.desk.drafts.save(self.key, data, self._title())
            self.pending = False
        except Exception:  # the form is going away: nothing to show it in
            log.exception("could not save the draft %s on close", self.key)

    def clear(self) -> None:
        """The form was saved (or thrown away): the draft has served."""
        self.settle()
        key = self.key
        ops.Op(self.parent(), lambda: self.desk.drafts.delete(key)).failure(lambda _e: True).run()
        if self.banner is not None:
            self.banner.hide()

    def offer(self) -> None:
        key = self.key

        def found(data: dict[str, Any] | None) -> None:
            if not data or self.banner is None:
                return
            self._found = data
            self.banner.label.setText(self.tr("有上次未保存的内容（窗口关闭或程序意外退出前自动保存）。"))
            self.banner.show()

        ops.Op(self.parent(), lambda: self.desk.drafts.load(key),
               label=self.tr("正在读取草稿…")).success(found).failure(lambda _e: True).run()

    def restore(self) -> None:
        if self._found is not None and self.apply is not None:
            self.apply(self._found)
        if self.banner is not None:
            self.banner.hide()

    def discard(self) -> None:
        self._found = None
        self.clear()
