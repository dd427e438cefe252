"""Autosave of what is being written in the case window (the agreement, a session record):
a crash or a closed window loses nothing.

The form is kept in ``desk.drafts`` (per user) a second after the last edit and when the form
closes, removed once the real record is saved, and offered back (restore / discard) when the
form is opened again with a draft left over.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from desktop.services.dto import AgreementInput, ObligationInput
from desktop.ui import ops
from desktop.ui.qt import (
    QCoreApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QObject,
    QPushButton,
    QTimer,
    QWidget,
)

if TYPE_CHECKING:
    from desktop.services import Desk

log = logging.getLogger(__name__)
AUTOSAVE_MS = 1000


def to_dict(inp: AgreementInput) -> dict[str, Any]:
    def plain(value: Any) -> Any:
        if isinstance(value, (dt.date, Decimal)):
            return str(value)
        if isinstance(value, list):
            return [plain(v) for v in value]
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items()}
        return value

    return plain(dataclasses.asdict(inp))


def from_dict(data: dict[str, Any]) -> AgreementInput:
    def date(text: str | None) -> dt.date | None:
        return dt.date.fromisoformat(text) if text else None

    obligations = [ObligationInput(
        content=o.get("content", ""), payer_party_id=o.get("payer_party_id"),
        payee_party_id=o.get("payee_party_id"),
        amount=Decimal(o["amount"]) if o.get("amount") not in (None, "") else None,
        manner=o.get("manner", ""), deadline=date(o.get("deadline")))
        for o in data.get("obligations", [])]
    return AgreementInput(
        facts=data.get("facts", ""), disputed_matters=data.get("disputed_matters", ""),
        responsibilities=data.get("responsibilities", ""), obligations=obligations,
        other_terms=data.get("other_terms", ""),
        performance_manner=data.get("performance_manner", ""),
        performance_deadline=date(data.get("performance_deadline")))


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
    """Debounced autosave of ``collect()`` (a JSON-able dict) under ``key`` in desk.drafts;
    ``offer`` shows a left-over draft in ``banner`` and ``apply`` puts it back."""

    def __init__(self, parent: QWidget, desk: Desk, key: str,
                 collect: Callable[[], dict[str, Any] | None],
                 apply: Callable[[dict[str, Any]], None], banner: DraftBanner,
                 title: str = "") -> None:
        super().__init__(parent)
        self.desk = desk
        self.key = key
        self.title = title
        self.collect = collect
        self.apply = apply
        self.banner = banner
        self.pending = False
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(AUTOSAVE_MS)
        self.timer.timeout.connect(self.save)
        self._found: dict[str, Any] | None = None
        banner.restore_button.clicked.connect(self.restore)
        banner.discard_button.clicked.connect(self.discard)

    def edited(self) -> None:
        self.pending = True
        self.timer.start()

    def save(self) -> None:
        self.timer.stop()
        data = self.collect() if self.pending else None
        if data is None:
            return
        self.pending = False
        key, title = self.key, self.title

        def failed(_exc: BaseException) -> bool:
            self.pending = True
            return True  # autosave is best effort; the user still has the form open

        ops.Op(self.parent(), lambda: self.desk.drafts.save(key, data, title),
               label=self.tr("正在保存草稿…")).failure(failed).run()

    def flush(self) -> None:
        """Save now, on this thread (the form is closing)."""
        self.timer.stop()
        data = self.collect() if self.pending else None
        if data is None:
            return
        try:
            self.desk.drafts.save(self.key, data, self.title)
            self.pending = False
        except Exception:  # the form is going away: nothing to show it in
            log.exception("could not save the draft %s on close", self.key)

    def clear(self) -> None:
        """The form was saved: the draft has served."""
        self.timer.stop()
        self.pending = False
        key = self.key
        ops.Op(self.parent(), lambda: self.desk.drafts.delete(key)).failure(lambda _e: True).run()
        self.banner.hide()

    def offer(self) -> None:
        key = self.key

        def found(data: dict[str, Any] | None) -> None:
            if not data:
                return
            self._found = data
            self.banner.label.setText(self.tr("有上次未保存的内容（窗口关闭或程序意外退出前自动保存）。"))
            self.banner.show()

        ops.Op(self.parent(), lambda: self.desk.drafts.load(key),
               label=self.tr("正在读取草稿…")).success(found).failure(lambda _e: True).run()

    def restore(self) -> None:
        if self._found is not None:
            self.apply(self._found)
        self.banner.hide()

    def discard(self) -> None:
        self._found = None
        self.clear()


def agreement_draft(parent: QWidget, desk: Desk, case_id: int,
                    collect: Callable[[], AgreementInput | None],
                    apply: Callable[[AgreementInput], None], banner: DraftBanner) -> FormDraft:
    def collect_dict() -> dict[str, Any] | None:
        inp = collect()
        return to_dict(inp) if inp is not None else None

    return FormDraft(parent, desk, f"agreement/{case_id}", collect_dict,
                     lambda data: apply(from_dict(data)), banner,
                     QCoreApplication.translate("AgreementDraft", "调解协议草稿"))
