"""Tab 调解记录: each session's record, and the dialog that writes one — who attended,
including the invited joint-mediation participants (police officer, judicial officer, lawyer…)
with their role (主持/参与/见证), unit, title and badge or licence number."""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
from typing import TYPE_CHECKING, Any

from desktop.domain import validators
from desktop.domain.enums import ParticipantKind, ParticipationRole, SessionKind
from desktop.domain.errors import ValidationError
from desktop.services.dto import CaseDetail, ParticipantInput, SessionInput, SessionView
from desktop.services.sessions import content_missing
from desktop.ui.case.common import (
    fill_table,
    fmt_date,
    make_table,
    save_cancel_buttons,
    selected_id,
    side_by_side,
)
from desktop.ui.datefield import DateTimeField
from desktop.ui.dialogs import text_box
from desktop.ui.drafts import DraftBanner, FormDraft
from desktop.ui.fieldmessage import FieldMessage, mark_invalid
from desktop.ui.qt import (
    QT_TRANSLATE_NOOP,
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDate,
    QDateTime,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QKeySequence,
    QLabel,
    QLineEdit,
    QPushButton,
    QShortcut,
    QTableWidget,
    QTextBrowser,
    QTime,
    QVBoxLayout,
    QWidget,
    Signal,
)

if TYPE_CHECKING:
    from collections.abc import Callable

    from desktop.ui.case.window import CaseWindow

# Quick-add buttons: the kind, its default role, and what the "number" column means for it.
QUICK = (
    (ParticipantKind.MEDIATOR, ParticipationRole.HOST),
    (ParticipantKind.POLICE, ParticipationRole.PARTICIPANT),
    (ParticipantKind.JUDICIAL, ParticipationRole.PARTICIPANT),
    (ParticipantKind.LAWYER, ParticipationRole.PARTICIPANT),
    (ParticipantKind.JUDGE, ParticipationRole.PARTICIPANT),
    (ParticipantKind.INVITED, ParticipationRole.WITNESS),
    (ParticipantKind.PARTY, ParticipationRole.PARTICIPANT),
    (ParticipantKind.RECORDER, ParticipationRole.PARTICIPANT),
)
NUMBER_HINT = {
    ParticipantKind.POLICE.value: QT_TRANSLATE_NOOP("ParticipantsTable", "警号"),
    ParticipantKind.JUDICIAL.value: QT_TRANSLATE_NOOP("ParticipantsTable", "工作证号"),
    ParticipantKind.LAWYER.value: QT_TRANSLATE_NOOP("ParticipantsTable", "执业证号（17位）"),
    ParticipantKind.JUDGE.value: QT_TRANSLATE_NOOP("ParticipantsTable", "法官证号"),
}
UNIT_HINT = {
    ParticipantKind.POLICE.value: QT_TRANSLATE_NOOP("ParticipantsTable", "××派出所"),
    ParticipantKind.JUDICIAL.value: QT_TRANSLATE_NOOP("ParticipantsTable", "××司法所"),
    ParticipantKind.LAWYER.value: QT_TRANSLATE_NOOP("ParticipantsTable", "××律师事务所"),
    ParticipantKind.JUDGE.value: QT_TRANSLATE_NOOP("ParticipantsTable", "××人民法院"),
}
C_KIND, C_NAME, C_ROLE, C_UNIT, C_TITLE, C_NUMBER = range(6)


def to_qdatetime(value: dt.datetime) -> QDateTime:
    return QDateTime(QDate(value.year, value.month, value.day), QTime(value.hour, value.minute))


def from_qdatetime(value: QDateTime) -> dt.datetime:
    d, t = value.date(), value.time()
    return dt.datetime(d.year(), d.month(), d.day(), t.hour(), t.minute())


class ParticipantsTable(QWidget):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.table = QTableWidget(0, 6, self)
        self.table.setObjectName("participants")
        self.table.setHorizontalHeaderLabels([
            self.tr("身份"), self.tr("姓名"), self.tr("角色"), self.tr("单位"), self.tr("职务"),
            self.tr("证号")])
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        # the choice columns as wide as their longest label ("司法所工作人员" was clipped at a
        # fixed 150 px with a larger font)
        kind_width = self._combo_width([self.tr(k.label) for k in ParticipantKind])
        role_width = self._combo_width([self.tr(r.label) for r in ParticipationRole])
        for col, width in ((C_KIND, kind_width), (C_NAME, 110), (C_ROLE, role_width),
                           (C_TITLE, 110)):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
            self.table.setColumnWidth(col, width)
        self.table.verticalHeader().setDefaultSectionSize(34)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setTabKeyNavigation(False)
        self.table.setMinimumHeight(160)  # rows scroll; 250 made the dialog too tall at 150 %
        self.quick_buttons: dict[str, QPushButton] = {}
        quick = QHBoxLayout()
        quick.addWidget(QLabel(self.tr("添加："), self))
        for kind, role in QUICK:
            button = QPushButton(self.tr(kind.label), self)
            button.setObjectName(f"add_{kind.value}")
            button.clicked.connect(
                lambda _c=False, k=kind, r=role: self.add(ParticipantInput(k.value, "", r.value)))
            self.quick_buttons[kind.value] = button
            quick.addWidget(button)
        self.remove_button = QPushButton(self.tr("删除所选"), self)
        self.remove_button.clicked.connect(self.remove_selected)
        quick.addStretch(1)
        quick.addWidget(self.remove_button)
        # The reserved line for the numbers being typed (the lawyer's 17-digit licence).
        self.message = FieldMessage(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message)
        layout.addLayout(quick)

    def _combo_width(self, labels: list[str]) -> int:
        probe = QComboBox(self)
        probe.addItems(labels)
        probe.ensurePolished()
        width = probe.sizeHint().width() + 6  # the cell's own frame
        probe.deleteLater()
        return width

    def add(self, p: ParticipantInput) -> int:
        row = self.table.rowCount()
        self.table.insertRow(row)
        kind = QComboBox()
        for k in ParticipantKind:
            kind.addItem(self.tr(k.label), k.value)
        kind.setCurrentIndex(max(0, kind.findData(p.kind)))
        role = QComboBox()
        for r in ParticipationRole:
            role.addItem(self.tr(r.label), r.value)
        role.setCurrentIndex(max(0, role.findData(p.role)))
        edits = []
        for col, value in ((C_NAME, p.name), (C_UNIT, p.unit), (C_TITLE, p.title),
                           (C_NUMBER, p.number)):
            edit = QLineEdit(value)
            edit.setObjectName(("name", "unit", "title", "number")[[C_NAME, C_UNIT, C_TITLE,
                                                                    C_NUMBER].index(col)])
            self.table.setCellWidget(row, col, edit)
            edit.textEdited.connect(self.changed)
            edits.append(edit)
        self.table.setCellWidget(row, C_KIND, kind)
        self.table.setCellWidget(row, C_ROLE, role)
        # Keep the hidden ids (user/party) with the row.
        kind.setProperty("user_id", p.user_id)
        kind.setProperty("party_id", p.party_id)
        kind.currentIndexChanged.connect(lambda _i, r=row: self._hints(r))
        number = edits[-1]
        number.textEdited.connect(lambda _t, e=number: self.check_numbers(final=False, typing=e))
        number.editingFinished.connect(lambda: self.check_numbers(final=True))
        kind.currentIndexChanged.connect(lambda _i: self.check_numbers(final=False))
        kind.currentIndexChanged.connect(self.changed)
        role.currentIndexChanged.connect(self.changed)
        self.changed.emit()
        self._hints(row)
        if self.isVisible():
            edits[0].setFocus()
        return row

    def _hints(self, row: int) -> None:
        kind = self.cell(row, C_KIND).currentData()
        self.cell(row, C_UNIT).setPlaceholderText(self.tr(UNIT_HINT.get(kind, "")))
        self.cell(row, C_NUMBER).setPlaceholderText(self.tr(NUMBER_HINT.get(kind, "")))

    def cell(self, row: int, col: int) -> Any:
        return self.table.cellWidget(row, col)

    def check_numbers(self, final: bool, typing: QLineEdit | None = None) -> str:
        """Check each lawyer's licence number as it is typed: progress while it can still
        be complete, the validator's message once it cannot (or the user left the field).
        The first problem goes on the reserved line; the cell gets the red border."""
        shown, state = "", ""
        for row in range(self.table.rowCount()):
            edit = self.cell(row, C_NUMBER)
            kind = self.cell(row, C_KIND).currentData()
            text = edit.text().strip()
            error, hint = "", ""
            if kind == ParticipantKind.LAWYER.value and text:
                try:
                    validators.validate_lawyer_licence(text)
                except ValidationError as exc:
                    short = text.isascii() and text.isdigit() and (
                        len(text) < validators.LAWYER_LICENCE_DIGITS)
                    if short and not final and edit is typing:
                        hint = self.tr("执业证号已输入 {n}/17 位").format(n=len(text))
                    else:
                        error = exc.message
            mark_invalid(edit, bool(error))
            name = self.cell(row, C_NAME).text().strip() or self.tr("律师")
            if error and state != "error":
                shown, state = f"{name}：{error}", "error"
            elif hint and not state:
                shown, state = f"{name}：{hint}", "hint"
        self.message.show_message(shown, state)
        return shown if state == "error" else ""

    def remove_selected(self) -> None:
        row = self.table.currentRow()
        if row >= 0:
            self.table.removeRow(row)
            self.check_numbers(final=True)
            self.changed.emit()

    def load(self, participants: list[ParticipantInput]) -> None:
        self.table.setRowCount(0)
        for p in participants:
            self.add(p)

    def save(self) -> list[ParticipantInput]:
        out = []
        for row in range(self.table.rowCount()):
            kind = self.cell(row, C_KIND)
            out.append(ParticipantInput(
                kind=kind.currentData(), name=self.cell(row, C_NAME).text().strip(),
                role=self.cell(row, C_ROLE).currentData(),
                unit=self.cell(row, C_UNIT).text().strip(),
                title=self.cell(row, C_TITLE).text().strip(),
                number=self.cell(row, C_NUMBER).text().strip(),
                user_id=kind.property("user_id"), party_id=kind.property("party_id")))
        return out


class SessionDialog(QDialog):
    """Write (or correct) one session record: ``load(SessionInput)`` / ``save()``."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.banner = DraftBanner(self)
        self.setObjectName("sessionDialog")
        self.setWindowTitle(self.tr("调解记录"))
        self.resize(1040, 720)
        self.kind = QComboBox(self)
        for k in SessionKind:
            self.kind.addItem(self.tr(k.label), k.value)
        self.started_at = DateTimeField(self)
        self.started_at.setObjectName("startedAt")
        self.ended_at = DateTimeField(self)
        self.ended_at.setObjectName("endedAt")
        self.place = QLineEdit(self)
        self.place.setObjectName("place")
        self.place.setPlaceholderText(self.tr("如：青山街道人民调解室"))
        self.participants = ParticipantsTable(self)
        self.content = text_box(self, "content", self.tr("调解过程：各方陈述、调解员释法说理……"),
                                max_height=150)
        # self.result would hide QDialog.result()
        self.result_text = text_box(self, "result", self.tr("调解结果"), max_height=80)
        self.kind.setMaximumWidth(200)
        for field in (self.started_at, self.ended_at):
            field.setMinimumWidth(200)
        self.agreed = QCheckBox(self.tr("本次达成协议"), self)
        self.recorder = QLineEdit(self)
        self.recorder.setObjectName("recorder")
        self.message = FieldMessage(self)  # the service's refusal, on a reserved line

        when = QHBoxLayout()
        when.addWidget(self.started_at)
        when.addWidget(QLabel(self.tr("至"), self))
        when.addWidget(self.ended_at)
        when.addStretch(1)
        form = QFormLayout()
        form.addRow(self.tr("类型"), self.kind)
        form.addRow(self.tr("时间"), when)
        form.addRow(self.tr("地点"), self.place)
        form.addRow(self.tr("参加人"), self.participants)
        form.addRow(self.tr("调解过程"), self.content)
        form.addRow(self.tr("调解结果"), self.result_text)
        form.addRow("", self.agreed)
        form.addRow(self.tr("记录人"), self.recorder)
        self.buttons = save_cancel_buttons(self, self.tr("保存记录 (Ctrl+S)"))
        QShortcut(QKeySequence.StandardKey.Save, self, self.accept)
        for line in (self.place, self.recorder):
            line.textEdited.connect(self.changed)
        for text in (self.content, self.result_text):
            text.textChanged.connect(self.changed)
        for moment in (self.started_at, self.ended_at):
            moment.dateTimeChanged.connect(self.changed)
        self.kind.currentIndexChanged.connect(self.changed)
        self.agreed.toggled.connect(self.changed)
        self.participants.changed.connect(self.changed)
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addLayout(form, 1)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)

    def load(self, inp: SessionInput) -> None:
        self.kind.setCurrentIndex(max(0, self.kind.findData(inp.kind)))
        self.started_at.setDateTime(to_qdatetime(inp.started_at))
        end = inp.ended_at or inp.started_at + dt.timedelta(hours=1)
        self.ended_at.setDateTime(to_qdatetime(end))
        self.place.setText(inp.place)
        self.participants.load(inp.participants)
        self.content.setPlainText(inp.content)
        self.result_text.setPlainText(inp.result)
        self.agreed.setChecked(inp.agreed)
        self.recorder.setText(inp.recorder)

    def save(self) -> SessionInput:
        return SessionInput(
            started_at=from_qdatetime(self.started_at.dateTime()),
            ended_at=from_qdatetime(self.ended_at.dateTime()),
            place=self.place.text().strip(), kind=self.kind.currentData(),
            content=self.content.toPlainText().strip(),
            result=self.result_text.toPlainText().strip(),
            agreed=self.agreed.isChecked(), recorder=self.recorder.text().strip(),
            participants=self.participants.save())

    def accept(self) -> None:
        # A licence number that cannot be right is said on its line, not after closing.
        if self.participants.check_numbers(final=True):
            return
        # A mistyped date is said here, never saved as the date the field held before.
        for moment, label in ((self.started_at, self.tr("开始时间")),
                              (self.ended_at, self.tr("结束时间"))):
            try:
                moment.date_field.check(label)
            except ValidationError as exc:
                self.show_error(exc.message)
                moment.date_field.edit.setFocus()
                return
        # An empty 调解过程 is refused here, the dialog open, not after it closed
        if not self.content.toPlainText().strip():
            self.show_error(content_missing(self.kind.currentData()))
            self.content.setFocus()
            return
        super().accept()

    def show_error(self, message: str) -> None:
        self.message.show_message(message)


def session_to_dict(inp: SessionInput) -> dict[str, Any]:
    data = dataclasses.asdict(inp)
    for key in ("started_at", "ended_at"):
        if data[key] is not None:
            data[key] = data[key].isoformat()
    return data


def session_from_dict(data: dict[str, Any]) -> SessionInput:
    fields = {f.name for f in dataclasses.fields(SessionInput)}
    values = {k: v for k, v in data.items() if k in fields}
    values["started_at"] = dt.datetime.fromisoformat(values["started_at"])
    if values.get("ended_at"):
        values["ended_at"] = dt.datetime.fromisoformat(values["ended_at"])
    values["participants"] = [ParticipantInput(**p) for p in values.get("participants", [])]
    return SessionInput(**values)


def session_input(view: SessionView) -> SessionInput:
    return SessionInput(
        started_at=view.started_at, place=view.place, kind=view.kind, ended_at=view.ended_at,
        content=view.content, result=view.result, agreed=view.agreed, recorder=view.recorder,
        interviewee=view.interviewee,
        participants=[ParticipantInput(p.kind, p.name, p.role, p.unit, p.title, p.number,
                                       p.user_id, p.party_id) for p in view.participants])


def record_html(view: SessionView) -> str:
    e = html.escape
    rows = "".join(
        f"<tr><td>{e(p.kind_label)}</td><td>{e(p.name)}</td><td>{e(p.role_label)}</td>"
        f"<td>{e(p.unit)}</td><td>{e(p.title)}</td><td>{e(p.number)}</td></tr>"
        for p in view.participants)
    end = f" 至 {view.ended_at:%H:%M}" if view.ended_at else ""
    return (
        f"<h3>第 {view.seq} 次{e('调解' if view.kind == 'mediation' else '调查')}</h3>"
        f"<p><b>时间：</b>{e(fmt_date(view.started_at))}{e(end)}　<b>地点：</b>{e(view.place)}</p>"
        "<table border='1' cellspacing='0' cellpadding='4' width='100%'>"
        "<tr><th>身份</th><th>姓名</th><th>角色</th><th>单位</th><th>职务</th><th>证号</th></tr>"
        f"{rows}</table>"
        f"<p><b>调解过程：</b></p><p>{e(view.content).replace(chr(10), '<br>')}</p>"
        f"<p><b>调解结果：</b>{e(view.result)}{'（达成协议）' if view.agreed else ''}</p>"
        f"<p><b>记录人：</b>{e(view.recorder)}</p>")


class SessionsTab(QWidget):
    def __init__(self, window: CaseWindow) -> None:
        super().__init__(window)
        self.window_ = window
        self.detail: CaseDetail | None = None
        self.table = make_table([self.tr("次序"), self.tr("时间"), self.tr("地点"),
                                 self.tr("参加人")], self)
        self.table.itemSelectionChanged.connect(self._show_selected)
        self.record = QTextBrowser(self)
        self.record.setObjectName("sessionRecord")
        self.add_button = QPushButton(self.tr("记录调解…"), self)
        self.add_button.setObjectName("addSession")
        self.add_button.setProperty("role", "primary")
        self.edit_button = QPushButton(self.tr("修改所选记录…"), self)
        self.edit_button.setObjectName("editSession")
        self.add_button.clicked.connect(self.add_session)
        self.edit_button.clicked.connect(self.edit_session)
        self.empty = QLabel(self.tr("尚无调解记录"), self)
        self.empty.setObjectName("pageHint")
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.edit_button)
        buttons.addStretch(1)
        splitter = side_by_side(self, self.table, self.record, (420, 700))
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.empty)
        layout.addWidget(splitter, 1)
        self.dialog: SessionDialog | None = None

    def load(self, detail: CaseDetail) -> None:
        self.detail = detail
        allowed = "add_session" in detail.allowed_actions
        self.add_button.setVisible(allowed)
        self.edit_button.setVisible(allowed and bool(detail.sessions))
        self.empty.setVisible(not detail.sessions)
        rows = [[v.seq, fmt_date(v.started_at), v.place,
                 "、".join(p.name for p in v.participants)] for v in detail.sessions]
        fill_table(self.table, rows, [v.id for v in detail.sessions])
        if detail.sessions:
            self.table.selectRow(len(detail.sessions) - 1)
        else:
            self.record.clear()

    def _view(self, session_id: int | None) -> SessionView | None:
        if self.detail is None:
            return None
        return next((v for v in self.detail.sessions if v.id == session_id), None)

    def _show_selected(self) -> None:
        view = self._view(selected_id(self.table))
        self.record.setHtml(record_html(view) if view else "")

    def _default_input(self) -> SessionInput:
        detail = self.detail
        assert detail is not None
        now = dt.datetime.now().replace(second=0, microsecond=0)
        actor = self.window_.desk.actor
        people = [ParticipantInput(ParticipantKind.MEDIATOR.value,
                                   detail.mediator_name or actor.display_name,
                                   ParticipationRole.HOST.value,
                                   unit=detail.committee_name, title=self.tr("人民调解员"),
                                   user_id=detail.mediator_id or actor.user_id)]
        people += [ParticipantInput(ParticipantKind.PARTY.value, p.name,
                                    ParticipationRole.PARTICIPANT.value, party_id=p.id)
                   for p in detail.parties]
        return SessionInput(started_at=now, place=detail.committee_name.replace(
            "人民调解委员会", "") + self.tr("人民调解室"), participants=people,
            recorder=actor.display_name)

    def open_dialog(self, inp: SessionInput, save: Callable[[SessionInput], None],
                    draft_key: str, offer: bool = True) -> SessionDialog:
        """The record dialog, autosaved under ``draft_key`` while it is being written (a
        session can last hours); a left-over draft is offered back when ``offer``."""
        dialog = SessionDialog(self)
        dialog.load(inp)
        draft = FormDraft(dialog, self.window_.desk, draft_key,
                          lambda: session_to_dict(dialog.save()),
                          lambda data: dialog.load(session_from_dict(data)), dialog.banner,
                          self.tr("调解记录草稿"))
        dialog.changed.connect(draft.edited)
        # Closing keeps what was typed, also on Esc; saving the record removes the draft (in
        # the same worker call, after this flush: Qt emits accepted before finished).
        dialog.rejected.connect(draft.flush)
        dialog.accepted.connect(draft.flush)
        dialog.accepted.connect(lambda: save(dialog.save()))
        dialog.finished.connect(lambda _r: dialog.deleteLater())
        if offer:
            draft.offer()
        dialog.open()
        self.dialog = dialog
        return dialog

    def add_session(self) -> SessionDialog | None:
        if self.detail is None:
            return None
        cid = self.detail.id
        desk = self.window_.desk

        key = f"session/{cid}/new"

        def save(inp: SessionInput) -> None:
            def add() -> int:
                session_id = desk.sessions.add(cid, inp)
                desk.drafts.delete(key)
                return session_id

            self.window_.run(add, self.tr("正在保存记录…"), lambda _id: self._saved(inp),
                             failed=lambda exc: self._reopen(inp, save, exc, key))

        return self.open_dialog(self._default_input(), save, key)

    def _saved(self, inp: SessionInput) -> None:
        """An agreement was reached: the next step is writing it, so go there."""
        if inp.agreed:
            window = self.window_
            window.tabs.setCurrentWidget(window.outcome_tab)

    def edit_session(self) -> SessionDialog | None:
        view = self._view(selected_id(self.table))
        if view is None:
            return None
        desk = self.window_.desk

        key = f"session/{view.id}"

        def save(inp: SessionInput) -> None:
            def update() -> None:
                desk.sessions.update(view.id, view.version, inp)
                desk.drafts.delete(key)

            self.window_.run(update, self.tr("正在保存记录…"),
                             failed=lambda exc: self._reopen(inp, save, exc, key))

        return self.open_dialog(session_input(view), save, key)

    def _reopen(self, inp: SessionInput, save: Callable[[SessionInput], None],
                exc: BaseException, key: str) -> bool:
        """A refused record goes back to the user with the message, nothing retyped."""
        from desktop.domain.errors import ValidationError

        if isinstance(exc, ValidationError):
            dialog = self.open_dialog(inp, save, key, offer=False)
            dialog.show_error(exc.message)
            return True
        return False
