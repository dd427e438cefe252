"""The one way the GUI calls a service: off the UI thread, progress when slow, errors shown in
one place, one app-wide ``changed`` signal (Anki's ``CollectionOp`` + ``operation_did_execute``).

API (stable; other screens rely on it)::

    from desktop.ui import ops

    # A write (or any slow call). ``fn`` runs in a QThreadPool worker; callbacks run on the
    # UI thread. Returns the Op; call .run() last.
    ops.Op(parent, lambda: desk.cases.accept(case_id, version=v), label=self.tr("正在受理…"))
        .changes(ChangeKind.CASE, [case_id])   # or (ChangeKind.CASE, lambda result: [result.id])
        .success(lambda detail: self.load(detail))
        .failure(lambda err: ...)              # optional: return True = handled, skip the box
        .conflict(reload=self.reload, reapply=self.save)   # optional ConflictError choices
        .run()

    # A read whose older results must be dropped (search box, list paging):
    q = ops.LatestQuery(parent)
    q.submit(lambda: desk.cases.search(query), on_done)   # on_done only for the newest submit

    ops.changes().changed.connect(slot)   # slot(kind: ChangeKind, ids: list[int]) - views refresh
    ops.notify(ChangeKind.SETTINGS)      # announce a change made without an Op
    ops.show_error(parent, exc)          # the one place errors become a Chinese message box
                                         # (non-blocking; objectName "errorBox"; conflicts
                                         # open "conflictBox" with buttons "conflictReload",
                                         # "conflictReapply")
    ops.wait_idle(timeout_ms)            # tests/benchmarks: wait until no Op is running

``changed`` carries a ``ChangeKind``; ``ids`` may be empty = "anything of that kind". A view
listens only to kinds that are emitted (tests/ui/test_change_kinds.py reads the code to check).

Rules: ``fn`` must not touch widgets; services open one SQLAlchemy session per call, so no
session crosses threads. A MediationError is shown with its Chinese ``message`` (and the
widget named by ``err.field`` gets focus if the parent exposes ``focus_field(name)``); any
other exception is logged with its traceback and shown as an unexpected error.
"""

from __future__ import annotations

import logging
import time
import traceback
from collections.abc import Callable
from enum import StrEnum
from typing import Any, Generic, TypeVar

from desktop.domain.errors import ConflictError, MediationError
from desktop.ui.qt import (
    QCoreApplication,
    QMessageBox,
    QObject,
    QProgressDialog,
    QRunnable,
    Qt,
    QThreadPool,
    QTimer,
    QWidget,
    Signal,
    Slot,
    is_alive,
)

log = logging.getLogger(__name__)

T = TypeVar("T")

#: Show a progress dialog only when an operation takes longer than this.
PROGRESS_DELAY_MS = 300


def _tr(text: str) -> str:
    return QCoreApplication.translate("ops", text)


class ChangeKind(StrEnum):
    """What a write changed, so each view refreshes only for data it shows."""

    #: a case or anything filed under it: parties, sessions, outcome, signatures,
    #: follow-ups, risks, attachments, documents (the case window writes all of these)
    CASE = "case"
    #: the dispute-sweep ledger (排查台账) imported from a file
    SWEEP = "sweep"
    #: a committee's details or its seal
    COMMITTEE = "committee"
    #: a lookup list (dispute types, sources …)
    LOOKUP = "lookup"
    USER = "user"
    #: the settings file (database profile); takes effect after a restart
    SETTINGS = "settings"


class Changes(QObject):
    """App-wide bus: ``changed(kind, ids)`` after any successful write."""

    # object, not str: listeners receive the ChangeKind member itself
    changed = Signal(object, list)
    #: Number of running operations changed (for a status-bar busy indicator).
    busy = Signal(int)


_changes: Changes | None = None


def changes() -> Changes:
    global _changes
    if _changes is None:
        _changes = Changes()
    return _changes


def notify(kind: ChangeKind, ids: list[int] | None = None) -> None:
    changes().changed.emit(ChangeKind(kind), list(ids or []))


def _pool() -> QThreadPool:
    return QThreadPool.globalInstance()


class _Dispatcher(QObject):
    """One long-lived QObject on the UI thread; a worker stores its outcome in ``_outcomes``
    and emits only the job id, which Qt queues here.

    Why ids only: nothing a worker touches is ever destroyed on the worker's thread (a
    QObject, or a closure holding a widget, freed off its own thread crashes).
    """

    ready = Signal(int)

    def __init__(self) -> None:
        super().__init__()
        self.ready.connect(self._ready)

    @Slot(int)
    def _ready(self, job: int) -> None:
        entry = _jobs.pop(job, None)
        outcome = _outcomes.pop(job, None)
        _began.pop(job, None)
        changes().busy.emit(len(_jobs))
        if entry is None or outcome is None:
            return
        ok, value, tb = outcome
        if ok:
            entry[1](value)
        else:
            entry[2](value, tb)


_dispatcher: _Dispatcher | None = None
# job id -> (fn, on_done, on_failed); the UI thread owns these references.
_jobs: dict[int, tuple[Callable[[], Any], Callable[[Any], None],
                       Callable[[BaseException, str], None]]] = {}
# job id -> (ok, result or exception, traceback text); written by workers (one key each).
_outcomes: dict[int, tuple[bool, Any, str]] = {}
# job id -> when a worker began it (time.monotonic), for wait_idle's message
_began: dict[int, float] = {}
_next_job = 0


class _Worker(QRunnable):
    def __init__(self, job: int, fn: Callable[[], Any], dispatcher: _Dispatcher) -> None:
        super().__init__()
        self.job = job
        self.fn: Callable[[], Any] | None = fn
        self.dispatcher = dispatcher
        self.setAutoDelete(True)

    def run(self) -> None:  # worker thread
        _began[self.job] = time.monotonic()
        fn, self.fn = self.fn, None
        assert fn is not None
        try:
            result = fn()
        except BaseException as exc:  # noqa: BLE001 - everything is reported on the UI thread
            tb = traceback.format_exc()
            exc.__traceback__ = None  # frames hold widgets: let them die on the UI thread
            _outcomes[self.job] = (False, exc, tb)
            del exc
        else:
            _outcomes[self.job] = (True, result, "")
            del result
        del fn
        self.dispatcher.ready.emit(self.job)


def _start(fn: Callable[[], Any], on_done: Callable[[Any], None],
           on_failed: Callable[[BaseException, str], None],
           pool: QThreadPool | None = None) -> int:
    global _dispatcher, _next_job
    if _dispatcher is None:
        _dispatcher = _Dispatcher()
    _next_job += 1
    job = _next_job
    _jobs[job] = (fn, on_done, on_failed)
    changes().busy.emit(len(_jobs))
    (pool or _pool()).start(_Worker(job, fn, _dispatcher))
    return job


class Op(Generic[T]):
    """One service call off the UI thread. Build with the fluent methods, then ``run()``."""

    def __init__(self, parent: QObject | None, fn: Callable[[], T], *, label: str = "") -> None:
        self.parent = parent  # the answer is dropped once it is deleted
        # progress and message boxes sit over it when it is a widget (as in LatestQuery)
        self._window = parent if isinstance(parent, QWidget) else None
        self.fn = fn
        self.label = label or _tr("正在处理，请稍候…")
        self._success: Callable[[T], object] | None = None
        self._failure: Callable[[BaseException], bool | None] | None = None
        self._kind: ChangeKind | None = None
        self._ids: list[int] | Callable[[T], list[int]] = []
        self._reload: Callable[[], None] | None = None
        self._reapply: Callable[[], None] | None = None
        self._progress: QProgressDialog | None = None
        self._timer: QTimer | None = None
        self._poll: Callable[[], tuple[int, int]] | None = None
        self._poll_timer: QTimer | None = None
        self.finished = False

    def success(self, cb: Callable[[T], object]) -> Op[T]:
        self._success = cb
        return self

    def failure(self, cb: Callable[[BaseException], bool | None]) -> Op[T]:
        """``cb(err)``; return True when it handled the error (no message box)."""
        self._failure = cb
        return self

    def progress(self, poll: Callable[[], tuple[int, int]]) -> Op[T]:
        """A determinate progress bar: ``poll()`` → (done, total), read on the UI thread
        every 100 ms (the worker only writes plain numbers that ``poll`` returns)."""
        self._poll = poll
        return self

    def changes(self, kind: ChangeKind,
                ids: list[int] | Callable[[T], list[int]] | None = None) -> Op[T]:
        self._kind = kind
        self._ids = ids if ids is not None else []
        return self

    def conflict(self, *, reload: Callable[[], None] | None = None,
                 reapply: Callable[[], None] | None = None) -> Op[T]:
        self._reload = reload
        self._reapply = reapply
        return self

    def run(self) -> Op[T]:
        self._timer = QTimer()
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._show_progress)
        self._timer.start(PROGRESS_DELAY_MS)
        _start(self.fn, self._on_done, self._on_failed)
        return self

    def _show_progress(self) -> None:
        if self.finished:
            return
        dlg = QProgressDialog(self.label, "", 0, 0, self._window)
        dlg.setCancelButton(None)  # service calls are one transaction: not cancellable midway
        dlg.setWindowTitle(_tr("请稍候"))
        dlg.setWindowModality(Qt.WindowModality.WindowModal)
        dlg.setMinimumDuration(0)
        dlg.show()
        self._progress = dlg
        if self._poll is not None:
            self._poll_timer = QTimer()
            self._poll_timer.timeout.connect(self._update_progress)
            self._poll_timer.start(100)
            self._update_progress()

    def _update_progress(self) -> None:
        if self._poll is None or self._progress is None or not is_alive(self._progress):
            return
        done, total = self._poll()
        if total > 0:
            self._progress.setRange(0, total)
            self._progress.setValue(min(done, total))

    def _close_progress(self) -> None:
        self.finished = True
        if self._timer is not None:
            self._timer.stop()
        if self._poll_timer is not None:
            self._poll_timer.stop()
            self._poll_timer = None
        if self._progress is not None:
            if is_alive(self._progress):
                self._progress.close()
                self._progress.deleteLater()
            self._progress = None

    def _parent_gone(self) -> bool:
        return self.parent is not None and not is_alive(self.parent)

    def _on_done(self, result: T) -> None:
        self._close_progress()
        if self._kind is not None:
            ids = self._ids(result) if callable(self._ids) else self._ids
            notify(self._kind, list(ids))
        if self._parent_gone():
            return  # the screen that asked was closed; the change itself was announced
        if self._success is not None:
            self._success(result)

    def _on_failed(self, exc: BaseException, tb: str) -> None:
        self._close_progress()
        if not isinstance(exc, MediationError):
            log.error("operation failed:\n%s", tb)
        if self._parent_gone():
            return
        if self._failure is not None and self._failure(exc):
            return
        if isinstance(exc, ConflictError) and (self._reload or self._reapply):
            def chosen(choice: str) -> None:
                if choice == "reload" and self._reload:
                    self._reload()
                elif choice == "reapply" and self._reapply:
                    self._reapply()

            ask_conflict(self._window, exc, can_reapply=self._reapply is not None,
                         on_choice=chosen)
            return
        show_error(self._window, exc, tb)


class _Superseded(Exception):
    """A queued query whose answer nobody wants any more."""


_pools: list[QThreadPool] = []  # private pools, so wait_idle can drain them too


class LatestQuery(QObject):
    """Background reads where only the newest answer matters (search-as-you-type).

    Each ``submit`` bumps a generation; results of older submissions are dropped. Errors of
    the newest submission go to ``on_error`` or ``show_error``.
    """

    started = Signal()
    settled = Signal()

    def __init__(self, parent: QObject | None = None, *, threads: int = 0) -> None:
        """``threads`` > 0 gives this query its own pool (e.g. slow counts that must never
        queue in front of the page the user is waiting for)."""
        super().__init__(parent)
        self.pool: QThreadPool | None = None
        if threads > 0:
            self.pool = QThreadPool(self)
            self.pool.setMaxThreadCount(threads)
            _pools.append(self.pool)
        self.generation = 0
        self.pending = 0
        self.dropped = 0

    def submit(self, fn: Callable[[], T], on_done: Callable[[T], None],
               on_error: Callable[[BaseException], None] | None = None) -> int:
        self.generation += 1
        gen = self.generation
        self.pending += 1
        if self.pending == 1:
            self.started.emit()

        def done(result: T) -> None:
            if not is_alive(self):
                return  # the page that asked is gone
            self._settle()
            if gen != self.generation:
                self.dropped += 1
                return
            on_done(result)

        def failed(exc: BaseException, tb: str) -> None:
            if not is_alive(self):
                return
            self._settle()
            if gen != self.generation or isinstance(exc, _Superseded):
                self.dropped += 1
                return
            if on_error is not None:
                on_error(exc)
            else:
                if not isinstance(exc, MediationError):
                    log.error("query failed:\n%s", tb)
                parent = self.parent()
                show_error(parent if isinstance(parent, QWidget) else None, exc, tb)

        def run_if_current() -> T:
            # Superseded while queued: skip the SQL entirely (typing fast queues many).
            if gen != self.generation:
                raise _Superseded()
            return fn()

        # wait_idle names a job that does not finish by what it runs
        run_if_current.__qualname__ = f"LatestQuery({getattr(fn, '__qualname__', fn)})"
        _start(run_if_current, done, failed, self.pool)
        return gen

    def _settle(self) -> None:
        self.pending -= 1
        if self.pending == 0:
            self.settled.emit()


def error_text(exc: BaseException) -> str:
    if isinstance(exc, MediationError):
        return exc.message
    return _tr("发生了意外错误，操作未完成。请将详细信息告知管理员。")


_open_boxes: set[QMessageBox] = set()


def _open(box: QMessageBox) -> None:
    """Show a message box without blocking (window-modal when it has a parent), so tests and
    the event loop keep running; tests find it by objectName."""
    _open_boxes.add(box)
    box.finished.connect(lambda _r: _open_boxes.discard(box))
    # no WA_DeleteOnClose: the set drops our reference; the parent owns the C++ object
    box.open()


def show_error(parent: QWidget | None, exc: BaseException, tb: str = "") -> QMessageBox:
    """The one place an error becomes a message in Chinese. Returns the (open) box."""
    if isinstance(exc, MediationError):
        field = getattr(exc, "field", None)
        focus = getattr(parent, "focus_field", None)
        if field and callable(focus):
            focus(field)
        box = QMessageBox(QMessageBox.Icon.Warning, _tr("无法完成"), exc.message,
                          QMessageBox.StandardButton.Ok, parent)
    else:
        box = QMessageBox(QMessageBox.Icon.Critical, _tr("意外错误"), error_text(exc),
                          QMessageBox.StandardButton.Ok, parent)
        box.setDetailedText(tb or "".join(traceback.format_exception(exc)))
    box.setObjectName("errorBox")
    _open(box)
    return box


def ask_conflict(parent: QWidget | None, exc: ConflictError, *, can_reapply: bool,
                 on_choice: Callable[[str], None]) -> QMessageBox:
    """Offer reload / re-apply for an optimistic-lock conflict; ``on_choice`` receives
    "reload", "reapply" or "cancel"."""
    lines = [exc.message]
    if exc.changed_by:
        lines.append(_tr("修改人：") + exc.changed_by)
    for ch in exc.changes[:12]:
        lines.append(f"· {ch.label}：{ch.theirs}")
    box = QMessageBox(QMessageBox.Icon.Warning, _tr("记录已被他人修改"), "\n".join(lines),
                      QMessageBox.StandardButton.NoButton, parent)
    box.setObjectName("conflictBox")
    reload_btn = box.addButton(_tr("重新加载（放弃我的修改）"), QMessageBox.ButtonRole.AcceptRole)
    reload_btn.setObjectName("conflictReload")
    reapply_btn = None
    if can_reapply:
        reapply_btn = box.addButton(_tr("在最新数据上重新应用我的修改"),
                                    QMessageBox.ButtonRole.ApplyRole)
        reapply_btn.setObjectName("conflictReapply")
    box.addButton(_tr("取消"), QMessageBox.ButtonRole.RejectRole)

    def clicked(button: object) -> None:
        if button is reload_btn:
            on_choice("reload")
        elif reapply_btn is not None and button is reapply_btn:
            on_choice("reapply")
        else:
            on_choice("cancel")

    box.buttonClicked.connect(clicked)
    _open(box)
    return box


def running() -> int:
    return len(_jobs)


def wait_idle(timeout_ms: int = 10000) -> bool:
    """Process events until no operation is running (tests, benchmarks).

    Idle is judged after the events are processed, never before: processing them may start
    a job (a debounce timer that fires, an answer whose callback asks for more). Checking
    first and processing last once returned False at once, as if 10 s had passed, whenever
    the intake's duplicate check fell due in that last pass (a test failing about one run
    in ten on a loaded machine)."""
    from desktop.ui.qt import QElapsedTimer

    timer = QElapsedTimer()
    timer.start()
    while True:
        QCoreApplication.processEvents()
        if not _jobs:
            return True
        if timer.elapsed() >= timeout_ms:
            log.warning("still running after %d ms: %s", timeout_ms, ", ".join(
                f"{getattr(fn, '__qualname__', fn)} ({_state(job)})"
                for job, (fn, _done, _failed) in _jobs.items()))
            return False
        _pool().waitForDone(5)
        for pool in list(_pools):
            if is_alive(pool):
                pool.waitForDone(1)
            else:
                _pools.remove(pool)


def _state(job: int) -> str:
    if job in _outcomes:
        return "answered, not yet delivered"
    if job in _began:
        return f"running for {time.monotonic() - _began[job]:.1f} s"
    return "queued, not started"
