"""导入工单 through the real wizard on a real SQLite file: a list with bad rows is refused with
每行每列 named, the corrected list imports off the UI thread, a later overlapping list adds only
the new work orders and flags the possible duplicates of open cases."""

from __future__ import annotations

import os
from pathlib import Path

from openpyxl import Workbook
from sqlalchemy import select

from desktop.store.models import Case, ExternalRef
from desktop.ui import ops
from tests.helpers.qtinput import type_text

HEADER = ["工单编号", "来电时间", "来电人", "联系电话", "被反映人", "诉求类型", "工单内容", "派单单位"]
NAMES = ["杨兰", "韩梅", "罗菊", "邵竹", "蒋松", "沈柏", "钱桐"]


def rows(numbers: range) -> list[list[object]]:
    return [[f"GD2026{i:06d}", f"2026-11-{i + 1:02d} 09:30", NAMES[i % 7], f"139{i:08d}", "孔明",
             "邻里纠纷", f"第{i}号工单：楼上漏水至楼下，协商未果。", "青山区12345热线"]
            for i in numbers]


def write(path: Path, data: list[list[object]]) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.append(["青山区12345热线工单派发清单（2026年11月）"])
    ws.merge_cells("A1:H1")
    ws.append(HEADER)
    for r in data:
        ws.append(r)
    wb.save(path)
    return path


def shot(wiz, name: str) -> None:  # type: ignore[no-untyped-def]
    """MEDIATIONDESK_SCREENSHOTS=1 (under xvfb-run -s "-screen 0 1366x768x24") writes the
    wizard's pages to docs/screenshots/ for a person to look at."""
    if os.environ.get("MEDIATIONDESK_SCREENSHOTS") == "1":
        wiz.repaint()
        out = Path(__file__).resolve().parents[2] / "docs" / "screenshots" / f"{name}.png"
        assert wiz.grab().save(str(out))


def run_to_check(qtbot, wiz, path: Path, unit: str | None,  # type: ignore[no-untyped-def]
                 unmap_unit: bool = False) -> None:
    """File → source → mapping → check, as a user clicks through it."""
    wiz.file_page.path.clear()
    type_text(wiz.file_page.path, str(path))
    wiz.next()
    qtbot.waitUntil(lambda: wiz.currentPage() is wiz.source_page, timeout=10000)
    combo = wiz.source_page.source
    combo.setCurrentIndex(combo.findData("hotline_12345"))
    if unit is not None:
        wiz.source_page.unit.clear()
        type_text(wiz.source_page.unit, unit)
    wiz.next()
    assert wiz.currentPage() is wiz.mapping_page
    if unmap_unit:  # the user edits the guess: 派单单位 → （不导入）
        wiz.mapping_page.combos["referring_unit"].setCurrentIndex(0)
    shot(wiz, "referral-wizard-mapping")
    wiz.next()
    assert wiz.currentPage() is wiz.check_page
    qtbot.waitUntil(lambda: not wiz.busy(), timeout=15000)


def test_referral_wizard_checks_imports_and_flags_duplicates(qtbot, ui_mediator_desk, tmp_path):  # type: ignore[no-untyped-def]
    from desktop.ui.caselist import CaseListPage
    from desktop.ui.qt import QWizard

    desk = ui_mediator_desk
    page = CaseListPage(desk)
    qtbot.addWidget(page)
    assert page.referral_button.text() == "导入工单…" and page.referral_button.isVisibleTo(page)
    page.open_referral_wizard()
    wiz = page.referral_wizard
    wizards = [wiz]
    qtbot.waitExposed(wiz)

    bad = rows(range(1, 6))
    bad[1][1] = "下周二"  # row 4: no date
    bad[3][6] = ""  # row 6: no facts
    run_to_check(qtbot, wiz, write(tmp_path / "工单-有误.xlsx", bad), "青山区12345热线（网格中心）")
    # the guessed mapping: the number, the caller, the facts
    assert wiz.mapping_page.combos["external_ref"].currentData() == 0
    assert wiz.mapping_page.combos["applicant"].currentData() == 2
    assert wiz.mapping_page.combos["facts"].currentData() == 6
    assert wiz.mapping_page.preview.rowCount() == 5
    problems = [wiz.check_page.problems.item(i).text()
                for i in range(wiz.check_page.problems.count())]
    assert any(p.startswith("第 4 行“来电时间”列") for p in problems), problems
    assert any(p.startswith("第 6 行“工单内容”列") for p in problems), problems
    assert not wiz.check_page.isComplete()
    shot(wiz, "referral-wizard-errors")
    with desk.db.read() as s:
        assert s.scalar(select(ExternalRef.id)) is None  # nothing written

    # back to the file page, the corrected list; the unit column is not imported, so the
    # typed referring unit applies
    while wiz.currentPage() is not wiz.file_page:
        wiz.back()
    run_to_check(qtbot, wiz, write(tmp_path / "工单.xlsx", rows(range(1, 6))), None,
                 unmap_unit=True)
    assert wiz.check_page.isComplete(), wiz.check_page.status.text()
    assert "将新登记 5 件" in wiz.check_page.status.text()
    assert wiz.button(QWizard.WizardButton.NextButton).text() == "导入"
    wiz.next()  # 导入: runs off the UI thread, then shows the summary
    qtbot.waitUntil(lambda: wiz.currentPage() is wiz.summary_page, timeout=15000)
    assert "已登记 5 件新案件" in wiz.summary_page.summary.text()
    assert not wiz.button(QWizard.WizardButton.BackButton).isEnabled()
    wiz.accept()
    ops.wait_idle(5000)
    with desk.db.read() as s:
        cases = s.scalars(select(Case).where(Case.source == "hotline_12345")).all()
        assert len(cases) == 5 and {c.status for c in cases} == {"registered"}
        assert {c.referring_unit for c in cases} == {"青山区12345热线（网格中心）"}

    # a later list overlapping the first: only the three new work orders, and the caller of
    # their respondent 孔明 is already in open cases
    page.open_referral_wizard()
    wiz = page.referral_wizard
    wizards.append(wiz)
    qtbot.waitExposed(wiz)
    run_to_check(qtbot, wiz, write(tmp_path / "工单-第二批.xlsx", rows(range(4, 9))), None)
    assert "将新登记 3 件，此前已导入 2 件" in wiz.check_page.status.text()
    wiz.next()
    qtbot.waitUntil(lambda: wiz.currentPage() is wiz.summary_page, timeout=15000)
    dups = [wiz.summary_page.duplicates.item(i).text()
            for i in range(wiz.summary_page.duplicates.count())]
    assert any("GD2026000008" in d and "孔明" in d for d in dups), dups
    shot(wiz, "referral-wizard-summary")
    wiz.accept()
    ops.wait_idle(5000)
    with desk.db.read() as s:
        assert len(s.scalars(select(ExternalRef.ref)).all()) == 8
    import shiboken6

    # deleted now, not left for a later test's restyle to trip over (a wizard left alive
    # crashed the next test's setStyleSheet, as the ledger wizard's did)
    for w in wizards:
        shiboken6.delete(w)
