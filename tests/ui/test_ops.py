"""desktop.ui.ops: work runs off the UI thread, errors land in one box, changes are announced."""

from __future__ import annotations

import threading

from desktop.domain.errors import ConflictError, FieldChange, ValidationError
from desktop.ui import ops
from desktop.ui.qt import QApplication, QMessageBox, QWidget


def _boxes(name: str) -> list[QMessageBox]:
    return [w for w in QApplication.topLevelWidgets()
            if isinstance(w, QMessageBox) and w.objectName() == name and w.isVisible()]


def test_op_runs_in_worker_and_announces_change(qtbot):
    parent = QWidget()
    qtbot.addWidget(parent)
    seen: list = []
    ops.changes().changed.connect(lambda kind, ids: seen.append((kind, ids)))
    results: list = []
    main = threading.get_ident()
    ops.Op(parent, lambda: threading.get_ident()).changes(ops.ChangeKind.CASE, lambda r: [7]).success(
        results.append).run()
    qtbot.waitUntil(lambda: bool(results), timeout=5000)
    assert results[0] != main
    assert (ops.ChangeKind.CASE, [7]) in seen


def test_mediation_error_shown_in_chinese(qtbot):
    parent = QWidget()
    qtbot.addWidget(parent)
    focused: list = []
    parent.focus_field = focused.append  # type: ignore[attr-defined]

    def boom():
        raise ValidationError("身份证号码校验位不正确", field="id_number")

    ops.Op(parent, boom).run()
    qtbot.waitUntil(lambda: bool(parent.findChildren(QMessageBox, "errorBox")), timeout=5000)
    box = parent.findChild(QMessageBox, "errorBox")
    assert box.text() == "身份证号码校验位不正确"
    assert focused == ["id_number"]
    box.accept()


def test_conflict_offers_reload(qtbot):
    parent = QWidget()
    qtbot.addWidget(parent)
    reloaded: list = []

    def clash():
        raise ConflictError(changed_by="李四", changes=[FieldChange("facts", "纠纷事实", "a", "b")])

    ops.Op(parent, clash).conflict(reload=lambda: reloaded.append(1), reapply=lambda: None).run()
    qtbot.waitUntil(lambda: bool(parent.findChildren(QMessageBox, "conflictBox")), timeout=5000)
    box = parent.findChild(QMessageBox, "conflictBox")
    assert "李四" in box.text() and "纠纷事实" in box.text()
    [btn] = [b for b in box.buttons() if b.objectName() == "conflictReload"]
    btn.click()
    assert reloaded == [1]


def test_latest_query_drops_stale_results(qtbot):
    q = ops.LatestQuery()
    gate = threading.Event()
    got: list = []

    def slow():
        gate.wait(5)
        return "old"

    q.submit(slow, got.append)
    q.submit(lambda: "new", got.append)
    qtbot.waitUntil(lambda: got == ["new"], timeout=5000)
    gate.set()
    qtbot.waitUntil(lambda: q.pending == 0, timeout=5000)
    assert got == ["new"] and q.dropped == 1


def test_many_emits_do_not_exhaust_true():
    """PySide6 6.12.0 on CPython 3.11 loses a reference to True per emit(); desktop.ui.qt
    works around it. Without the workaround this aborts the interpreter."""
    import sys

    from desktop.ui import qt

    bus = ops.changes()
    for _ in range(50_000):
        bus.busy.emit(0)
    assert sys.getrefcount(True) > 1000
    assert isinstance(qt.REFCOUNT_WORKAROUND, bool)


def test_many_void_calls_do_not_exhaust_none(qtbot):
    """Same defect for void methods returning a borrowed None."""
    import sys

    w = QWidget()
    qtbot.addWidget(w)
    for _ in range(100_000):
        w.setObjectName("x")
    assert sys.getrefcount(None) > 1000


def test_slow_operation_shows_progress_then_closes_it(qtbot):
    import time

    from desktop.ui.qt import QProgressDialog

    parent = QWidget()
    qtbot.addWidget(parent)
    parent.show()
    done: list = []
    op = ops.Op(parent, lambda: time.sleep(0.8) or 42, label="正在导出…").success(done.append)
    op.run()
    qtbot.waitUntil(lambda: bool(parent.findChildren(QProgressDialog)), timeout=3000)
    dlg = parent.findChildren(QProgressDialog)[0]
    assert dlg.labelText() == "正在导出…" and dlg.isVisible()
    qtbot.waitUntil(lambda: done == [42], timeout=5000)
    assert op._progress is None
    qtbot.waitUntil(lambda: not [d for d in parent.findChildren(QProgressDialog)
                                 if d.isVisible()], timeout=2000)


def test_fast_operation_shows_no_progress(qtbot):
    from desktop.ui.qt import QProgressDialog

    parent = QWidget()
    qtbot.addWidget(parent)
    done: list = []
    ops.Op(parent, lambda: 1).success(done.append).run()
    qtbot.waitUntil(lambda: done == [1], timeout=3000)
    qtbot.wait(400)
    assert not parent.findChildren(QProgressDialog)


def test_unexpected_error_is_logged_and_shown(qtbot, caplog):
    parent = QWidget()
    qtbot.addWidget(parent)

    def bug():
        raise KeyError("boom")

    ops.Op(parent, bug).run()
    qtbot.waitUntil(lambda: bool(parent.findChildren(QMessageBox, "errorBox")), timeout=5000)
    box = parent.findChild(QMessageBox, "errorBox")
    assert "意外错误" in box.text() and "KeyError" in box.detailedText()
    assert "boom" in caplog.text
    box.accept()


def test_wait_idle_waits_for_a_job_that_starts_while_it_processes_events(qtbot):
    """A debounce timer that falls due inside wait_idle starts a job there (the intake's
    duplicate check did): wait_idle must wait for it and deliver its answer, not report
    "still running" at once."""
    from desktop.ui.qt import QTimer

    parent = QWidget()
    qtbot.addWidget(parent)
    answers: list[int] = []
    query = ops.LatestQuery(parent)
    assert ops.running() == 0
    QTimer.singleShot(0, lambda: query.submit(lambda: 6 * 7, answers.append))
    assert ops.wait_idle()
    assert answers == [42] and ops.running() == 0


def test_wait_idle_names_what_is_still_running(qtbot, caplog):
    parent = QWidget()
    qtbot.addWidget(parent)
    release = threading.Event()
    query = ops.LatestQuery(parent)

    def held_open() -> str:
        release.wait(30)
        return "done"

    query.submit(held_open, lambda _r: None)
    assert not ops.wait_idle(200)
    assert "LatestQuery(test_wait_idle_names_what_is_still_running.<locals>.held_open)" in caplog.text
    assert "running for" in caplog.text or "queued" in caplog.text
    release.set()
    assert ops.wait_idle()
