"""The ledger wizard never blocks the UI thread: reading, checking and importing run through
``ops.Op`` while 下一步/导入 stay disabled, and answers about a file or mapping the user has
since changed are dropped."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from desktop.services import Desk
from desktop.ui import ops
from tests.reports.ledgers import sweep_rows, write_xlsx


@pytest.fixture
def wizard(qtbot, seeded_sqlite):  # type: ignore[no-untyped-def]
    from desktop.ui.ledger_wizard import LedgerWizard

    desks, _ids = seeded_sqlite
    wiz = LedgerWizard(Desk(desks.db, desks.actor("zhuren")))
    qtbot.addWidget(wiz)
    wiz.show()
    yield wiz
    ops.wait_idle(30000)


class Ticks:
    """A QTimer on the UI thread; records when it fired and whether the wizard was busy."""

    def __init__(self, wiz) -> None:  # type: ignore[no-untyped-def]
        from desktop.ui.qt import QTimer

        self.wiz = wiz
        self.stamps: list[tuple[float, bool]] = []
        self.timer = QTimer()
        self.timer.setInterval(20)
        self.timer.timeout.connect(lambda: self.stamps.append((time.monotonic(), wiz.busy())))
        self.timer.start()

    def busy_ticks(self, since: float, until: float) -> list[float]:
        """When the timer fired on the UI thread while the wizard was busy."""
        return [t for t, busy in self.stamps if busy and since <= t <= until]


def buttons(wiz):  # type: ignore[no-untyped-def]
    from desktop.ui.qt import QWizard

    b = QWizard.WizardButton
    return (wiz.button(b.NextButton), wiz.button(b.FinishButton), wiz.button(b.BackButton),
            wiz.button(b.CancelButton))


@pytest.mark.slow
def test_ui_stays_responsive_while_a_large_ledger_is_read_checked_and_imported(
        wizard, qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    wiz = wizard
    big = write_xlsx(tmp_path / "大台账.xlsx", sweep_rows(5000, 3000))
    next_btn, finish_btn, back_btn, cancel_btn = buttons(wiz)
    ticks = Ticks(wiz)
    qtbot.wait(100)

    # 1. reading: the call hands the file to a worker and returns, still on the file page,
    # 下一步 disabled. Not timed: a loaded machine may pause any thread for a second; what
    # must hold is that the work is on a worker and the UI thread keeps running meanwhile.
    wiz.file_page.path.setText(str(big))
    t0 = time.monotonic()
    wiz.next()
    assert ops.running() == 1
    assert wiz.currentPage() is wiz.file_page and wiz.file_page.busy
    assert not next_btn.isEnabled()
    qtbot.waitUntil(lambda: wiz.currentPage() is wiz.mapping_page, timeout=60000)
    t1 = time.monotonic()
    assert len(wiz.ledger.rows) == 5000
    assert wiz.mapping_page.mapping()["found_on"] == 1 and wiz.mapping_page.isComplete()
    # the timer kept firing on the UI thread while the worker parsed the workbook
    assert len(ticks.busy_ticks(t0, t1)) >= 5, ticks.stamps[-20:]

    # 2. checking every row: 导入 disabled until the answer is there
    wiz.next()
    t2 = time.monotonic()
    assert ops.running() == 1
    assert wiz.currentPage() is wiz.check_page and wiz.check_page.busy
    assert not wiz.check_page.isComplete() and not finish_btn.isEnabled()
    assert "正在检查" in wiz.check_page.status.text()
    qtbot.waitUntil(lambda: not wiz.busy(), timeout=60000)
    t3 = time.monotonic()
    assert wiz.check_page.isComplete() and finish_btn.isEnabled()
    assert "共 5000 行数据，全部检查通过" in wiz.check_page.status.text()
    assert wiz.check_page.preview.rowCount() == 20
    assert wiz.check_page.preview.item(0, 0).text() == "3"  # title row, header row, data
    assert ticks.busy_ticks(t2, t3), ticks.stamps[-20:]

    # 3. the import: 导入, 上一步 and 取消 disabled while the one transaction runs
    with qtbot.waitSignal(wiz.imported, timeout=60000):
        finish_btn.click()
        assert wiz.importing
        assert not finish_btn.isEnabled() and not back_btn.isEnabled()
        assert not cancel_btn.isEnabled()
        wiz.accept()  # a second 导入 while the first runs starts nothing
        assert ops.running() == 1
    assert (wiz.result.new, wiz.result.resolved) == (5000, 3000)
    assert not wiz.importing
    ticks.timer.stop()


def test_stale_answers_are_dropped(wizard, qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    wiz = wizard
    first = write_xlsx(tmp_path / "一.xlsx", sweep_rows(300, 100))
    second = write_xlsx(tmp_path / "二.xlsx", sweep_rows(7, 2))
    next_btn, finish_btn, _back, _cancel = buttons(wiz)

    # the path changes while the file is read: that answer does not advance the wizard
    wiz.file_page.path.setText(str(first))
    wiz.next()
    wiz.file_page.path.setText(str(second))
    assert not next_btn.isEnabled()  # still reading
    qtbot.waitUntil(lambda: not wiz.busy(), timeout=10000)
    assert ops.wait_idle(10000)
    assert wiz.currentPage() is wiz.file_page and wiz.ledger is None
    assert next_btn.isEnabled()
    wiz.next()
    qtbot.waitUntil(lambda: wiz.currentPage() is wiz.mapping_page, timeout=10000)
    assert len(wiz.ledger.rows) == 7

    # 上一步 while the rows are checked: that check's answer is dropped; a new mapping is
    # checked afresh (纠纷类型 taken from the 简要情况 column: every row is wrong)
    wiz.next()
    assert wiz.check_page.busy
    wiz.back()
    assert ops.wait_idle(10000)
    assert wiz.currentPage() is wiz.mapping_page
    assert wiz.check_page.preview.rowCount() == 0 and not wiz.check_page.ok
    combo = wiz.mapping_page.combos["dispute_type"]
    combo.setCurrentIndex(combo.findData(wiz.ledger.headers.index("简要情况")))
    wiz.next()
    qtbot.waitUntil(lambda: not wiz.busy(), timeout=10000)
    assert not wiz.check_page.isComplete() and not finish_btn.isEnabled()
    assert wiz.check_page.problems.count() == 7
    assert wiz.check_page.problems.item(0).text().startswith("第 3 行“简要情况”列")
    assert "发现 7 处问题，不能导入" in wiz.check_page.status.text()
    wiz.accept()  # not checked clean: 导入 does nothing
    assert ops.running() == 0 and wiz.result is None


def test_unreadable_file_is_named_on_the_page(wizard, qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from desktop.ui.qt import QMessageBox

    wiz = wizard
    next_btn = buttons(wiz)[0]
    folder = tmp_path / "不是文件.xlsx"
    folder.mkdir()
    wiz.file_page.path.setText(str(folder))
    wiz.next()
    assert not next_btn.isEnabled()
    qtbot.waitUntil(lambda: not wiz.busy(), timeout=10000)
    assert wiz.currentPage() is wiz.file_page and wiz.ledger is None
    assert wiz.file_page.error.text().startswith("文件“不是文件.xlsx”不是可读取的 Excel")
    # shown on the page, as before: no extra message box; 下一步 usable again
    assert not [b for b in wiz.findChildren(QMessageBox) if b.isVisible()]
    assert next_btn.isEnabled()
