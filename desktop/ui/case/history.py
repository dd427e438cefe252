"""Tab 操作记录: the audit trail of the case, in plain Chinese, newest first."""

from __future__ import annotations

from typing import TYPE_CHECKING

from desktop.services.dto import AuditView
from desktop.ui.case.common import fill_table, fmt_date, make_table
from desktop.ui.qt import QLabel, QVBoxLayout, QWidget

if TYPE_CHECKING:
    from desktop.ui.case.window import CaseWindow


class HistoryTab(QWidget):
    def __init__(self, window: CaseWindow) -> None:
        super().__init__(window)
        self.window_ = window
        self.table = make_table([self.tr("时间"), self.tr("操作人"), self.tr("内容")], self)
        hint = QLabel(self.tr("每一次修改都记录在不可更改的操作日志中。"), self)
        hint.setObjectName("pageHint")
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addWidget(self.table, 1)

    def load_history(self, entries: list[AuditView]) -> None:
        ordered = sorted(entries, key=lambda e: (e.at, e.id), reverse=True)
        fill_table(self.table, [[fmt_date(e.at), e.who, e.summary] for e in ordered],
                   [e.id for e in ordered])

    def summaries(self) -> list[str]:
        items = (self.table.item(r, 2) for r in range(self.table.rowCount()))
        return [item.text() if item is not None else "" for item in items]
