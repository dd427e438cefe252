"""The case window: header with the workflow buttons the user may use now, one tab per part
of the case file. The service decides what is allowed (``CaseDetail.allowed_actions``); a
button for anything else is not shown, and the service refuses it anyway."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from desktop.services.dto import AuditView, CaseDetail
from desktop.ui import ops, screenfit
from desktop.ui.case.common import MediatorDialog, ReasonDialog, ask_reason, fmt_date
from desktop.ui.qt import (
    QT_TRANSLATE_NOOP,
    QCloseEvent,
    QHBoxLayout,
    QKeySequence,
    QLabel,
    QLineEdit,
    QMainWindow,
    QPushButton,
    QShortcut,
    QSpinBox,
    Qt,
    QTabWidget,
    QVBoxLayout,
    QWidget,
    Signal,
)
from desktop.ui.settings_store import settings

if TYPE_CHECKING:
    from desktop.services import Desk

HEADER_ACTIONS = (
    ("accept", QT_TRANSLATE_NOOP("CaseWindow", "受理")),
    ("refuse", QT_TRANSLATE_NOOP("CaseWindow", "不予受理")),
    ("extend", QT_TRANSLATE_NOOP("CaseWindow", "延长期限")),
    ("reopen", QT_TRANSLATE_NOOP("CaseWindow", "恢复调解")),
    ("refer", QT_TRANSLATE_NOOP("CaseWindow", "移送/转办")),
    ("assign", QT_TRANSLATE_NOOP("CaseWindow", "分配调解员")),
    ("archive", QT_TRANSLATE_NOOP("CaseWindow", "归档")),
)


class CaseWindow(QMainWindow):
    loaded = Signal(object)  # CaseDetail, after every (re)load

    def __init__(self, desk: Desk, case_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from desktop.ui.case.attachments import AttachmentsTab
        from desktop.ui.case.documents import DocumentsTab
        from desktop.ui.case.followup import FollowUpTab
        from desktop.ui.case.history import HistoryTab
        from desktop.ui.case.outcome import OutcomeTab
        from desktop.ui.case.parties import PartiesTab
        from desktop.ui.case.risks import RisksTab
        from desktop.ui.case.sessions import SessionsTab

        self.desk = desk
        self.case_id = case_id
        self.detail: CaseDetail | None = None
        self.history: list[AuditView] = []
        self.preview: QWidget | None = None  # the last document preview opened
        self.setObjectName("caseWindow")
        self.setWindowTitle(self.tr("案件详情"))
        if not screenfit.restore_geometry(self, settings().get("case/geometry")):
            self.resize(screenfit.default_size(1220, 800, self))

        central = QWidget(self)
        central.setObjectName("page")
        self.setCentralWidget(central)
        self.number_label = QLabel(self.tr("正在读取…"), central)
        self.number_label.setObjectName("pageTitle")
        self.status_label = QLabel(central)
        self.status_label.setObjectName("statusBadge")
        self.title_label = QLabel(central)
        self.title_label.setObjectName("caseTitle")
        self.title_label.setWordWrap(True)
        self.deadline_label = QLabel(central)
        self.deadline_label.setObjectName("deadline")
        self.meta_label = QLabel(central)
        self.meta_label.setObjectName("pageHint")

        self.action_buttons: dict[str, QPushButton] = {}
        actions = QHBoxLayout()
        actions.addStretch(1)
        for action, label in HEADER_ACTIONS:
            button = QPushButton(self.tr(label), central)
            button.setObjectName(f"action_{action}")
            if action == "accept":
                button.setProperty("role", "primary")
            if action in ("refuse", "archive"):
                button.setProperty("role", "danger" if action == "refuse" else "")
            button.hide()
            button.clicked.connect(lambda _c=False, a=action: self.do_action(a))
            self.action_buttons[action] = button
            actions.addWidget(button)

        top = QHBoxLayout()
        top.addWidget(self.number_label)
        top.addWidget(self.status_label)
        top.addSpacing(12)
        top.addWidget(self.deadline_label)
        top.addStretch(1)
        top.addLayout(actions)

        self.tabs = QTabWidget(central)
        self.tabs.setObjectName("caseTabs")
        self.parties_tab = PartiesTab(self)
        self.sessions_tab = SessionsTab(self)
        self.outcome_tab = OutcomeTab(self)
        self.followup_tab = FollowUpTab(self)
        self.risks_tab = RisksTab(self)
        self.attachments_tab = AttachmentsTab(self)
        self.documents_tab = DocumentsTab(self)
        self.history_tab = HistoryTab(self)
        for widget, label in (
            (self.parties_tab, self.tr("当事人与纠纷")),
            (self.sessions_tab, self.tr("调解记录")),
            (self.outcome_tab, self.tr("调解结果")),
            (self.followup_tab, self.tr("回访与司法确认")),
            (self.risks_tab, self.tr("风险与移送")),
            (self.attachments_tab, self.tr("材料")),
            (self.documents_tab, self.tr("文书")),
            (self.history_tab, self.tr("操作记录")),
        ):
            self.tabs.addTab(widget, label)

        layout = QVBoxLayout(central)
        layout.setContentsMargins(20, 14, 20, 12)
        layout.addLayout(top)
        layout.addWidget(self.title_label)
        layout.addWidget(self.meta_label)
        layout.addWidget(self.tabs, 1)

        QShortcut(QKeySequence("F5"), self, self.reload)
        QShortcut(QKeySequence.StandardKey.Close, self, self.close)
        for i in range(self.tabs.count()):
            QShortcut(QKeySequence(f"Alt+{i + 1}"), self,
                      lambda i=i: self.tabs.setCurrentIndex(i))

        self.query = ops.LatestQuery(self)
        ops.changes().changed.connect(self._changed)
        self.reload()

    # ---- loading -----------------------------------------------------------------------
    def reload(self) -> None:
        case_id = self.case_id

        def fetch() -> tuple[CaseDetail, list[AuditView]]:
            return self.desk.cases.get(case_id), self.desk.cases.history(case_id)

        self.query.submit(fetch, lambda result: self.load(*result))

    def load(self, detail: CaseDetail, history: list[AuditView] | None = None) -> None:
        self.detail = detail
        if history is not None:
            self.history = history
        number = detail.number or self.tr("（未受理）")
        self.number_label.setText(number)
        self.setWindowTitle(self.tr("{number} — {title}").format(number=number,
                                                                 title=detail.title))
        self.status_label.setText(detail.status_label)
        self.status_label.setProperty("status", detail.status)
        self.status_label.style().unpolish(self.status_label)
        self.status_label.style().polish(self.status_label)
        self.title_label.setText(detail.title)
        meta = [detail.dispute_type_label, detail.source_label,
                self.tr("登记于 {d}").format(d=fmt_date(detail.registered_at.date()))]
        # said also when nobody is assigned yet (a case a director or an administrator
        # registered): the line was silent, and nothing told that the case was nobody's
        meta.append(self.tr("调解员：{n}").format(
            n=detail.mediator_name or self.tr("未分配")))
        if detail.joint_mask:
            meta.append(self.tr("联合调解：{k}").format(k=detail.joint_label))
        self.meta_label.setText("　·　".join(meta))
        self.deadline_label.setText(self._deadline_text(detail))
        self.deadline_label.setProperty("due", detail.due_state)
        self.deadline_label.style().unpolish(self.deadline_label)
        self.deadline_label.style().polish(self.deadline_label)
        allowed = set(detail.allowed_actions)
        for action, button in self.action_buttons.items():
            button.setVisible(action in allowed)
        for tab in (self.parties_tab, self.sessions_tab, self.outcome_tab, self.followup_tab,
                    self.risks_tab, self.attachments_tab, self.documents_tab):
            tab.load(detail)
        self.history_tab.load_history(self.history)
        self.loaded.emit(detail)

    def _deadline_text(self, detail: CaseDetail) -> str:
        if detail.archived_on:
            return self.tr("已于 {d} 归档").format(d=fmt_date(detail.archived_on))
        if detail.closed_on:
            return self.tr("{d} 结案").format(d=fmt_date(detail.closed_on))
        if detail.deadline is None:
            return self.tr("待受理")
        days = (detail.deadline - dt.date.today()).days
        if days < 0:
            return self.tr("调解期限 {d}（已超期 {n} 天）").format(d=fmt_date(detail.deadline),
                                                           n=-days)
        return self.tr("调解期限 {d}（剩 {n} 天）").format(d=fmt_date(detail.deadline), n=days)

    def allowed(self, action: str) -> bool:
        return self.detail is not None and action in self.detail.allowed_actions

    def _changed(self, kind: ops.ChangeKind, ids: list[int]) -> None:
        # Another window (or another page) changed this case: show the current state.
        if kind is ops.ChangeKind.CASE and (not ids or self.case_id in ids):
            self.reload()

    # ---- running service calls ---------------------------------------------------------
    def run(self, fn: Callable[[], Any], label: str,
            done: Callable[[Any], None] | None = None,
            failed: Callable[[BaseException], bool | None] | None = None,
            reapply: Callable[[], None] | None = None,
            reload: Callable[[], None] | None = None) -> ops.Op[Any]:
        """One write for this case: off the UI thread; the whole window reloads after it.
        On a conflict the user picks ``reload`` (default: reload the window) or ``reapply``."""
        op = ops.Op(self, fn, label=label).changes(ops.ChangeKind.CASE, [self.case_id])
        if done is not None:
            op.success(done)
        if failed is not None:
            op.failure(failed)
        op.conflict(reload=reload or self.reload, reapply=reapply)
        return op.run()

    def fetch(self, fn: Callable[[], Any], done: Callable[[Any], None],
              label: str = "") -> ops.Op[Any]:
        """A read off the UI thread (no change is announced)."""
        return ops.Op(self, fn, label=label or self.tr("正在读取…")).success(done).run()

    def focus_field(self, name: str) -> None:
        current = self.tabs.currentWidget()
        focus = getattr(current, "focus_field", None)
        if callable(focus):
            focus(name)

    # ---- header actions ----------------------------------------------------------------
    def do_action(self, action: str) -> None:
        detail = self.detail
        if detail is None:
            return
        cid, version = detail.id, detail.version
        intake = self.desk.intake
        if action == "accept":
            self.run(lambda: intake.accept(cid, version), self.tr("正在受理…"))
        elif action == "refuse":
            def refuse(d: ReasonDialog) -> None:
                reason = d.reason()  # read now: the dialog is gone when the worker runs
                self.run(lambda: intake.refuse(cid, version, reason), self.tr("正在处理…"))

            ask_reason(self, self.tr("不予受理"), self.tr("请填写不予受理的原因："), refuse)
        elif action == "extend":
            days = QSpinBox()
            days.setObjectName("days")
            days.setRange(1, 90)
            days.setValue(15)
            days.setSuffix(self.tr(" 天"))

            def extend(d: ReasonDialog) -> None:
                reason, n = d.reason(), days.value()
                self.run(lambda: intake.extend(cid, n, reason), self.tr("正在延长期限…"))

            ask_reason(self, self.tr("延长调解期限"), self.tr("请填写延长的原因："), extend,
                       extra=[(self.tr("延长"), days)])
        elif action == "refer":
            body = QLineEdit()
            body.setObjectName("to_body")
            body.setPlaceholderText(self.tr("如：青山区人民法院、区劳动人事争议仲裁委员会"))

            def refer(d: ReasonDialog) -> None:
                reason, to_body = d.reason(), body.text()
                self.run(lambda: intake.refer(cid, to_body, reason), self.tr("正在移送…"))

            ask_reason(self, self.tr("移送/转办"), self.tr("请填写移送的原因："), refer,
                       extra=[(self.tr("移送至"), body)])
        elif action == "reopen":
            def reopen(d: ReasonDialog) -> None:
                reason = d.reason()
                self.run(lambda: self.desk.outcomes.reopen(cid, reason),
                         self.tr("正在恢复调解…"))

            ask_reason(self, self.tr("恢复调解"), self.tr("请填写恢复调解的原因："), reopen)
        elif action == "archive":
            self.archive()
        elif action == "assign":
            self.assign()

    def assign(self) -> None:
        """分配调解员: the committee's mediators and directors (read off the UI thread), the
        current one chosen; the dialog is kept as ``mediator_dialog``."""
        detail = self.detail
        if detail is None:
            return
        committee = detail.committee_id
        self.fetch(lambda: [(u.id, u.display_name) for u in self.desk.users.mediators()
                            if u.committee_id == committee],
                   lambda choices: self._ask_mediator(detail, choices))

    def _ask_mediator(self, detail: CaseDetail, choices: list[tuple[int, str]]) -> None:
        cid, co = detail.id, list(detail.co_mediator_ids)
        dialog = MediatorDialog(self, choices, detail.mediator_id)
        self.mediator_dialog = dialog

        def chosen() -> None:
            uid = dialog.mediator_id()
            if uid is None:
                return
            others = [x for x in co if x != uid]
            self.run(lambda: self.desk.intake.assign(cid, uid, others),
                     self.tr("正在分配调解员…"))

        dialog.accepted.connect(chosen)
        dialog.finished.connect(lambda _r: dialog.deleteLater())
        dialog.open()

    def archive(self) -> None:
        cid = self.case_id

        def with_reason(d: ReasonDialog) -> None:
            reason = d.reason()
            self.run(lambda: self.desk.archive(cid, reason), self.tr("正在归档…"))

        def ask(missing: list[str]) -> None:
            if not missing:
                self.run(lambda: self.desk.archive(cid), self.tr("正在归档…"))
                return
            ask_reason(self, self.tr("归档"), self.tr(
                "卷宗缺少必备材料：{m}。\n请补齐后再归档，或在下面填写情况说明后归档：").format(
                    m="、".join(missing)), with_reason)

        ops.Op(self, lambda: self.desk.outcomes.missing_for_archive(cid),
               label=self.tr("正在检查卷宗…")).success(ask).run()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.outcome_tab.agreement.draft.flush()
        store = settings()
        store.set("case/geometry", bytes(self.saveGeometry().data()))
        store.sync()
        try:
            ops.changes().changed.disconnect(self._changed)
        except (RuntimeError, TypeError):
            pass
        super().closeEvent(event)


__all__ = ["CaseWindow", "Qt"]
