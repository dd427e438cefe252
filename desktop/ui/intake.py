"""新建登记: register a dispute — parties, type, source, facts and requests.

Nothing typed here can be lost: every edit restarts a short timer, and when it fires the form
is saved as a draft in the database (``desk.drafts``), off the UI thread, by the same
``FormDraft`` the case window's forms use. A later page (after
a crash, or after the window was closed) offers to resume it. The duplicate check runs the
same way as the parties change, so matching open cases are on screen before "登记" is pressed.
The service validates and decides; its per-field messages are put next to the fields.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from desktop.domain.enums import DEFAULT_DISPUTE_TYPES, DEFAULT_SOURCES, REFERRAL_SOURCES
from desktop.domain.errors import MediationError, ValidationError
from desktop.domain.money import parse_money
from desktop.services.dto import CaseDraft, DuplicateHit
from desktop.ui import ops
from desktop.ui.dialogs import enter_moves_on, text_box
from desktop.ui.drafts import FormDraft
from desktop.ui.fieldmessage import FieldMessage
from desktop.ui.party import PartyList, party_from_dict, party_to_dict
from desktop.ui.qt import (
    QApplication,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHideEvent,
    QKeySequence,
    QLabel,
    QLineEdit,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QShortcut,
    QShowEvent,
    QSpinBox,
    Qt,
    QTimer,
    QVBoxLayout,
    QWidget,
    Signal,
)
from desktop.ui.wraplist import WrappingList

if TYPE_CHECKING:
    from desktop.services import Desk



DRAFT_PREFIX = "intake/"
DUPLICATE_MS = 400


class IntakePage(QWidget):
    open_case = Signal(int)
    registered = Signal(int)
    draft_saved = Signal(str)

    def __init__(self, desk: Desk, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.setObjectName("page")
        self.autosave = FormDraft(self, desk, DRAFT_PREFIX + uuid.uuid4().hex,
                                  self._draft_data, title=self.draft_title)
        self.autosave.saved.connect(self._draft_saved)
        self.autosave.failed.connect(self._draft_failed)
        self._saving = False
        self._duplicates: list[DuplicateHit] = []
        self._offered: list[Any] = []

        title = QLabel(self.tr("新建登记"), self)
        title.setObjectName("pageTitle")
        hint = QLabel(self.tr("填写当事人和纠纷情况。输入内容会自动保存为草稿。"), self)
        hint.setObjectName("pageHint")

        # Resume banner, shown when earlier drafts exist.
        self.resume_banner = QFrame(self)
        self.resume_banner.setObjectName("draftBanner")
        self.resume_label = QLabel(self.resume_banner)
        self.resume_combo = QComboBox(self.resume_banner)
        self.resume_button = QPushButton(self.tr("继续填写"), self.resume_banner)
        self.resume_button.setObjectName("resumeDraft")
        self.discard_button = QPushButton(self.tr("丢弃草稿"), self.resume_banner)
        self.discard_button.setObjectName("discardDraft")
        self.resume_button.clicked.connect(self.resume_selected)
        self.discard_button.clicked.connect(self.discard_selected)
        banner = QHBoxLayout(self.resume_banner)
        banner.addWidget(self.resume_label)
        banner.addWidget(self.resume_combo, 1)
        banner.addWidget(self.resume_button)
        banner.addWidget(self.discard_button)
        self.resume_banner.hide()

        self.parties = PartyList(self)
        party_box = QGroupBox(self.tr("当事人"), self)
        QVBoxLayout(party_box).addWidget(self.parties)

        self.dispute_type = QComboBox(self)
        self.dispute_type.setObjectName("dispute_type")
        self.source = QComboBox(self)
        self.source.setObjectName("source")
        self._fill(self.dispute_type, [(e.code, e.name) for e in DEFAULT_DISPUTE_TYPES])
        self._fill(self.source, [(e.code, e.name) for e in DEFAULT_SOURCES])
        self.referring_unit = QLineEdit(self)
        self.referring_unit.setObjectName("referring_unit")
        self.referring_unit.setPlaceholderText(self.tr("如：青山派出所、青山区人民法院"))
        self.referral_ref = QLineEdit(self)
        self.referral_ref.setObjectName("referral_ref")
        self.referral_ref.setPlaceholderText(self.tr("警情号、委派函号等"))
        self.title_edit = QLineEdit(self)
        self.title_edit.setObjectName("title")
        self.title_edit.setPlaceholderText(self.tr("可不填：默认为“甲 与 乙纠纷”"))
        self.amount = QLineEdit(self)
        self.amount.setObjectName("amount_claimed")
        self.amount.setPlaceholderText(self.tr("涉及金额（元），可不填"))
        self.people = QSpinBox(self)
        self.people.setObjectName("people_involved")
        self.people.setRange(0, 100000)
        self.people.setSuffix(self.tr(" 人"))
        # 0 = not given: the service counts the parties (月报表“涉及人数”)
        self.people.setSpecialValueText(self.tr("按当事人人数"))
        self.people.setToolTip(self.tr("纠纷涉及的总人数（含未列为当事人的家属、群众等），用于月报表“涉及人数”"))
        # 承办调解员: a mediator registers for themself (the service's default); a director
        # or an administrator is asked, the director defaulting to themself. Without it a case
        # they registered had no mediator: on nobody's 我的未结案件, the header silent.
        self.mediator = QComboBox(self)
        self.mediator.setObjectName("mediator_id")
        self.mediator.setToolTip(self.tr("承办本案的调解员；可以以后在案件窗口中“分配调解员”"))
        self.mediator.addItem(self.tr("（暂不指定，以后分配）"), None)
        self.facts = text_box(self, "facts", self.tr("纠纷发生的时间、地点、经过"), min_height=90)
        self.requests = text_box(self, "requests", self.tr("各方当事人的请求"), min_height=90)

        case_box = QGroupBox(self.tr("纠纷情况"), self)
        form = QFormLayout(case_box)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.field_messages: dict[str, FieldMessage] = {}
        self.referral_labels: list[QWidget] = []
        rows: list[tuple[str, str, QWidget]] = [
            ("dispute_type", self.tr("纠纷类型"), self.dispute_type),
            ("source", self.tr("案件来源"), self.source),
            ("referring_unit", self.tr("移送单位"), self.referring_unit),
            ("referral_ref", self.tr("移送文号"), self.referral_ref),
            ("mediator_id", self.tr("承办调解员"), self.mediator),
            ("title", self.tr("案由"), self.title_edit),
            ("amount_claimed", self.tr("涉及金额"), self.amount),
            ("people_involved", self.tr("涉及人数"), self.people),
            ("facts", self.tr("纠纷简要情况"), self.facts),
            ("requests", self.tr("当事人请求"), self.requests),
        ]
        for key, text, widget in rows:
            holder = QWidget(case_box)
            box = QVBoxLayout(holder)
            box.setContentsMargins(0, 0, 0, 0)
            box.setSpacing(2)
            box.addWidget(widget)
            message = FieldMessage(holder, widget)
            box.addWidget(message)
            self.field_messages[key] = message
            label = QLabel(text, case_box)
            label.setBuddy(widget)
            form.addRow(label, holder)
            if key in ("referring_unit", "referral_ref"):
                self.referral_labels += [label, holder]
            if key == "mediator_id":
                self.mediator_row = [label, holder]
        for widget in self.mediator_row:
            widget.setVisible(self._chooses_mediator())

        form_widget = QWidget(self)
        form_layout = QVBoxLayout(form_widget)
        form_layout.setContentsMargins(0, 0, 8, 0)
        form_layout.addWidget(party_box)
        form_layout.addWidget(case_box)
        form_layout.addStretch(1)
        scroll = QScrollArea(self)
        self.form_scroll = scroll
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(form_widget)

        # Duplicate check, beside the form.
        dup_box = QGroupBox(self.tr("重复登记检查"), self)
        dup_box.setObjectName("duplicateBox")
        # 250, not 270: at the default window on a 1366×768 screen (1229 wide) the form
        # beside it was 12 px too narrow and scrolled sideways
        dup_box.setFixedWidth(250)
        self.duplicate_status = QLabel(self.tr("输入当事人后自动检查"), dup_box)
        self.duplicate_status.setObjectName("duplicateStatus")
        self.duplicate_status.setWordWrap(True)
        # entries wrapped to the list's width: read without scrolling sideways
        self.duplicate_list = WrappingList(dup_box)
        self.duplicate_list.setObjectName("duplicateList")
        self.duplicate_list.itemActivated.connect(
            lambda item: self.open_case.emit(int(item.data(Qt.ItemDataRole.UserRole))))
        dup_layout = QVBoxLayout(dup_box)
        dup_layout.addWidget(self.duplicate_status)
        dup_layout.addWidget(self.duplicate_list, 1)

        self.autosave_label = QLabel(self)
        self.autosave_label.setObjectName("pageHint")
        self.clear_button = QPushButton(self.tr("清空"), self)
        # A walk-in is accepted at once in most rooms: one save does both (the mediator can
        # untick it to decide on acceptance later; 受理 is still its own audited step).
        self.accept_on_save = QCheckBox(self.tr("保存并受理"), self)
        self.accept_on_save.setObjectName("acceptOnSave")
        self.accept_on_save.setChecked(True)
        self.accept_on_save.setToolTip(self.tr("登记后立即受理：编立案号，调解期限从今天起算"))
        self.save_button = QPushButton(self)
        self.save_button.setObjectName("registerButton")
        self.save_button.setProperty("role", "primary")
        self.accept_on_save.toggled.connect(self._save_text)
        self._save_text()
        self.save_button.clicked.connect(self.submit)
        self.clear_button.clicked.connect(self.clear_form)
        QShortcut(QKeySequence.StandardKey.Save, self, self.submit,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)

        body = QHBoxLayout()
        body.addWidget(scroll, 1)
        body.addWidget(dup_box)
        bottom = QHBoxLayout()
        bottom.addWidget(self.autosave_label, 1)
        # a list of work orders is registered in one go instead of typed case by case
        self.referral_button = QPushButton(self.tr("导入工单…"), self)
        self.referral_button.setObjectName("importReferrals")
        self.referral_button.clicked.connect(self.open_referral_wizard)
        bottom.addWidget(self.referral_button)
        bottom.addWidget(self.clear_button)
        bottom.addWidget(self.accept_on_save)
        bottom.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 20, 28, 16)
        layout.addWidget(title)
        layout.addWidget(hint)
        layout.addWidget(self.resume_banner)
        layout.addLayout(body, 1)
        layout.addLayout(bottom)

        self.duplicate_timer = QTimer(self)
        self.duplicate_timer.setSingleShot(True)
        self.duplicate_timer.setInterval(DUPLICATE_MS)
        self.duplicate_timer.timeout.connect(self.check_duplicates)
        self.dup_query = ops.LatestQuery(self)
        self.lookup_query = ops.LatestQuery(self)
        self.draft_query = ops.LatestQuery(self)

        self.parties.changed.connect(self._parties_changed)
        for line in (self.referring_unit, self.referral_ref, self.title_edit, self.amount):
            line.textChanged.connect(self._edited)
            line.returnPressed.connect(self.focusNextChild)  # Enter moves on, like Tab
        # and from the choices too (Enter on 纠纷类型 did nothing)
        enter_moves_on(self, self.dispute_type, self.source, self.mediator, self.people)
        self.mediator.currentIndexChanged.connect(self._edited)
        for memo in (self.facts, self.requests):
            memo.textChanged.connect(self._edited)
        self.dispute_type.currentIndexChanged.connect(self._edited)
        self.people.valueChanged.connect(self._edited)
        self.source.currentIndexChanged.connect(self._source_changed)

        self._loading = True
        self.parties.add()
        self.parties.add()
        self._loading = False
        self._source_changed()
        self.autosave.settle()
        self._load_lookups()
        self.find_drafts()

    def _save_text(self, *_args: object) -> None:
        self.save_button.setText(self.tr("登记并受理 (Ctrl+S)") if self.accept_on_save.isChecked()
                                 else self.tr("登记 (Ctrl+S)"))

    # ---- lookups -----------------------------------------------------------------------
    def _fill(self, combo: QComboBox, items: list[tuple[str, str]]) -> None:
        current = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        if combo is self.dispute_type:
            # No silent default: a wrong type would skew the monthly statistics.
            combo.addItem(self.tr("（请选择）"), None)
        for code, name in items:
            combo.addItem(name, code)
        combo.setCurrentIndex(max(0, combo.findData(current)))
        combo.blockSignals(False)

    def _chooses_mediator(self) -> bool:
        """Directors and administrators name the case's mediator; a mediator is it."""
        role = getattr(getattr(self.desk, "actor", None), "role", None)
        return getattr(role, "value", role) in ("director", "admin")

    def _load_lookups(self) -> None:
        lookups = getattr(self.desk, "lookups", None)
        if lookups is None:
            return
        chooses = self._chooses_mediator()
        committee = getattr(self.desk.actor, "committee_id", None)

        def fetch() -> tuple[list[Any], list[Any], list[tuple[int, str]]]:
            people = ([(u.id, u.display_name) for u in self.desk.users.mediators()
                       if u.committee_id == committee] if chooses else [])
            return lookups.list("dispute_type"), lookups.list("source"), people

        def done(result: tuple[list[Any], list[Any], list[tuple[int, str]]]) -> None:
            types, sources, people = result
            if types:
                self._fill(self.dispute_type, [(e.code, e.name) for e in types])
            if sources:
                self._fill(self.source, [(e.code, e.name) for e in sources])
            self._fill_mediators(people)
            self._source_changed()

        self.lookup_query.submit(fetch, done)

    def _fill_mediators(self, people: list[tuple[int, str]]) -> None:
        chosen = self.mediator.currentData()
        untouched = self.mediator.currentIndex() <= 0
        self.mediator.blockSignals(True)
        while self.mediator.count() > 1:
            self.mediator.removeItem(1)
        for user_id, name in people:
            self.mediator.addItem(name, user_id)
        self.mediator.setCurrentIndex(max(0, self.mediator.findData(chosen)))
        self.mediator.blockSignals(False)
        if untouched:
            self._default_mediator()

    def _default_mediator(self) -> None:
        """The registering user when they may mediate (a director), else nobody yet."""
        me = self.mediator.findData(getattr(self.desk.actor, "user_id", None))
        self.mediator.setCurrentIndex(max(0, me))

    # ---- editing -----------------------------------------------------------------------
    def _source_changed(self, *_args: object) -> None:
        # Disabled, not hidden: the rows below keep their place when the source changes.
        referral = self.source.currentData() in REFERRAL_SOURCES
        for widget in self.referral_labels:
            widget.setEnabled(referral)
            widget.setToolTip("" if referral else self.tr("仅移送、委派或委托的案件填写"))
        if not referral:
            for key in ("referring_unit", "referral_ref"):
                self.field_messages[key].clear_message()
        self._edited()

    def _parties_changed(self) -> None:
        self._edited()
        if not self._loading:
            self.duplicate_timer.start()

    def _edited(self, *_args: object) -> None:
        if self._loading:
            return
        self.autosave.edited()
        for key, label in self.field_messages.items():
            widget = self.findChild(QWidget, key)
            if widget is not None and widget.hasFocus():
                label.clear_message()

    # ---- drafts ------------------------------------------------------------------------
    def form_data(self) -> dict[str, Any]:
        return {
            "parties": [party_to_dict(p) for p in self.parties.save()],
            "dispute_type": self.dispute_type.currentData(),
            "source": self.source.currentData(),
            "referring_unit": self.referring_unit.text(),
            "referral_ref": self.referral_ref.text(),
            "title": self.title_edit.text(),
            "amount_claimed": self.amount.text(),
            "people_involved": self.people.value(),
            "mediator_id": self.mediator.currentData(),
            "facts": self.facts.toPlainText(),
            "requests": self.requests.toPlainText(),
            "saved_at": dt.datetime.now().isoformat(timespec="seconds"),
        }

    def load_form(self, data: dict[str, Any]) -> None:
        self._loading = True
        try:
            self.parties.load([party_from_dict(p) for p in data.get("parties", [])])
            while len(self.parties.editors) < 2:
                self.parties.add()
            for combo, key in ((self.dispute_type, "dispute_type"), (self.source, "source")):
                index = combo.findData(data.get(key))
                if index >= 0:
                    combo.setCurrentIndex(index)
            self.referring_unit.setText(data.get("referring_unit", ""))
            self.referral_ref.setText(data.get("referral_ref", ""))
            self.title_edit.setText(data.get("title", ""))
            self.amount.setText(data.get("amount_claimed", ""))
            self.people.setValue(int(data.get("people_involved", 0) or 0))
            if "mediator_id" in data:
                self.mediator.setCurrentIndex(max(0, self.mediator.findData(
                    data["mediator_id"])))
            self.facts.setPlainText(data.get("facts", ""))
            self.requests.setPlainText(data.get("requests", ""))
        finally:
            self._loading = False
        self._source_changed()
        self.autosave.settle()
        self.duplicate_timer.start()

    def _draft_data(self) -> dict[str, Any] | None:
        return None if self.is_blank() else self.form_data()

    def draft_title(self) -> str:
        names = [p.name for p in self.parties.save() if p.name]
        return self.tr("登记：{names}").format(names="、".join(names)) if names else ""

    def is_blank(self) -> bool:
        data = self.form_data()
        return not (any(p["name"] or p["id_number"] or p["phone"] for p in data["parties"])
                    or data["facts"].strip() or data["requests"].strip())

    @property
    def draft_key(self) -> str:
        return self.autosave.key

    def _draft_saved(self, key: str) -> None:
        self.autosave_label.setText(self.tr("草稿已自动保存 {time}").format(
            time=dt.datetime.now().strftime("%H:%M:%S")))
        self.draft_saved.emit(key)

    def _draft_failed(self, message: str) -> None:
        self.autosave_label.setText(self.tr("草稿保存失败：{msg}").format(msg=message))

    def flush_draft(self) -> None:
        """Save now, on this thread: used when the page goes away (window closed, app quit)."""
        self.autosave.flush()

    def hideEvent(self, event: QHideEvent) -> None:
        self.flush_draft()
        super().hideEvent(event)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        # Ctrl+N or the sidebar: typing starts in the first party's name, not in the sidebar
        if self.is_blank():
            QTimer.singleShot(0, self._focus_first_field)

    def _focus_first_field(self) -> None:
        focus = QApplication.focusWidget()
        if focus is not None and self.isAncestorOf(focus):
            return  # the person is already in the form
        if self.parties.editors and self.isVisible():
            self.parties.editors[0].name.setFocus(Qt.FocusReason.OtherFocusReason)

    def find_drafts(self) -> None:
        def fetch() -> list[Any]:
            return [d for d in self.desk.drafts.list() if _key(d).startswith(DRAFT_PREFIX)
                    and _key(d) != self.draft_key]

        self.draft_query.submit(fetch, self._offer_drafts)

    def _offer_drafts(self, drafts: list[Any]) -> None:
        self._offered = drafts
        self.resume_combo.clear()
        for d in drafts:
            self.resume_combo.addItem(_describe(d), _key(d))
        self.resume_label.setText(self.tr("有 {n} 份未完成的登记草稿：").format(n=len(drafts)))
        self.resume_banner.setVisible(bool(drafts))

    def resume_selected(self) -> None:
        key = self.resume_combo.currentData()
        if not key:
            return

        def done(data: dict[str, Any] | None) -> None:
            if data is None:
                return
            # Carry on under the draft's key so further autosaves update it, not a copy.
            self.autosave.key = key
            self.load_form(data)
            self._remove_offer(key)
            self.autosave_label.setText(self.tr("已恢复草稿，继续填写即可"))

        ops.Op(self, lambda: self.desk.drafts.load(key),
               label=self.tr("正在读取草稿…")).success(done).run()

    def discard_selected(self) -> None:
        key = self.resume_combo.currentData()
        if key:
            ops.Op(self, lambda: self.desk.drafts.delete(key)).success(
                lambda _r: self._remove_offer(key)).run()

    def _remove_offer(self, key: str) -> None:
        self._offer_drafts([d for d in self._offered if _key(d) != key])

    # ---- duplicates --------------------------------------------------------------------
    def check_duplicates(self) -> None:
        parties = [p for p in self.parties.save() if p.name or p.id_number or p.phone]
        if not parties:
            self._show_duplicates([])
            return
        self.duplicate_status.setText(self.tr("正在检查…"))
        self.dup_query.submit(lambda: self.desk.intake.find_duplicates(parties),
                              self._show_duplicates)

    def _show_duplicates(self, hits: list[DuplicateHit]) -> None:
        self._duplicates = list(hits)
        self.duplicate_list.clear()
        for hit in hits:
            row = hit.case
            head = f"{row.number or self.tr('（未受理）')}  {row.status_label}"
            text = "\n".join([head, row.title, *hit.reasons])
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, row.id)
            item.setToolTip(self.tr("双击打开该案件"))
            self.duplicate_list.addItem(item)
        if hits:
            self.duplicate_status.setText(self.tr(
                "发现 {n} 件未结案件涉及相同当事人，请先核对是否重复登记：").format(n=len(hits)))
            self.duplicate_status.setProperty("state", "warning")
        else:
            self.duplicate_status.setText(self.tr("未发现涉及相同当事人的未结案件"))
            self.duplicate_status.setProperty("state", "ok")
        self.duplicate_status.style().unpolish(self.duplicate_status)
        self.duplicate_status.style().polish(self.duplicate_status)

    def duplicates(self) -> list[DuplicateHit]:
        return list(self._duplicates)

    # ---- registering -------------------------------------------------------------------
    def draft(self) -> CaseDraft:
        amount_text = self.amount.text().strip()
        amount: Decimal | None = None
        if amount_text:
            amount = parse_money(amount_text, field="amount_claimed")
        referral = self.source.currentData() in REFERRAL_SOURCES
        return CaseDraft(
            parties=self.parties.save(),
            dispute_type=self.dispute_type.currentData(),
            source=self.source.currentData(),
            facts=self.facts.toPlainText().strip(),
            requests=self.requests.toPlainText().strip(),
            title=self.title_edit.text().strip(),
            referring_unit=self.referring_unit.text().strip() if referral else "",
            referral_ref=self.referral_ref.text().strip() if referral else "",
            amount_claimed=amount,
            people_involved=self.people.value(),
            mediator_id=self.mediator.currentData() if self._chooses_mediator() else None,
        )

    def submit(self) -> None:
        """登记: confirm first when open cases with the same people exist."""
        if self._duplicates:
            box = QMessageBox(QMessageBox.Icon.Warning, self.tr("可能重复登记"),
                              self.tr("已有 {n} 件未结案件涉及相同当事人。确定仍要登记新案件吗？")
                              .format(n=len(self._duplicates)),
                              QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                              self)
            box.setObjectName("duplicateConfirm")
            box.button(QMessageBox.StandardButton.Yes).setText(self.tr("仍然登记"))
            box.button(QMessageBox.StandardButton.No).setText(self.tr("返回核对"))
            box.setDefaultButton(QMessageBox.StandardButton.No)
            yes = box.button(QMessageBox.StandardButton.Yes)
            box.buttonClicked.connect(lambda button: self.register() if button is yes else None)
            box.open()
            return
        self.register()

    def register(self) -> None:
        self.clear_messages()
        try:
            self.parties.check_dates()
            draft = self.draft()
        except ValidationError as exc:
            # said as the service's refusals are: on the field, in a box, the field in view
            self.show_errors(exc)
            ops.show_error(self, exc)
            return
        accept = self.accept_on_save.isChecked()
        intake = self.desk.intake

        def work() -> tuple[Any, MediationError | None]:
            ref = intake.register(draft)
            if not accept:
                return ref, None
            try:
                return intake.accept(ref.id, ref.version), None
            except MediationError as exc:  # registered all the same: say why not accepted
                return ref, exc

        def done(result: tuple[Any, MediationError | None]) -> None:
            ref, refused = result
            if refused is not None:
                ops.show_error(self, refused)
            self.save_button.setEnabled(True)
            self.autosave.clear()
            self.autosave_label.setText(self.tr("已登记"))
            self.registered.emit(ref.id)
            self.open_case.emit(ref.id)
            self.reset()

        def failed(exc: BaseException) -> bool:
            self.save_button.setEnabled(True)
            if isinstance(exc, ValidationError):
                self.show_errors(exc)
            return False  # still show the message box

        self.save_button.setEnabled(False)
        op = ops.Op(self, work, label=self.tr("正在登记…"))
        op.changes(ops.ChangeKind.CASE, lambda result: [result[0].id]).success(done).failure(failed)
        op.run()

    def open_referral_wizard(self) -> None:
        from desktop.ui.referral_wizard import ReferralWizard

        wizard = ReferralWizard(self.desk, self)
        self.referral_wizard = wizard
        wizard.open()

    def reset(self) -> None:
        self._loading = True
        self.parties.load([])
        self.parties.add()
        self.parties.add()
        for edit in (self.referring_unit, self.referral_ref, self.title_edit, self.amount):
            edit.clear()
        self.facts.clear()
        self.requests.clear()
        self.people.setValue(0)
        self.dispute_type.setCurrentIndex(0)
        self._default_mediator()
        self._loading = False
        self.autosave.settle()
        self.autosave.key = DRAFT_PREFIX + uuid.uuid4().hex
        self._show_duplicates([])
        self.duplicate_status.setText(self.tr("输入当事人后自动检查"))
        self.clear_messages()

    def clear_form(self) -> None:
        """清空: asks first when something was typed, since the autosaved draft goes too
        and nothing brings the form back."""
        if self.is_blank():
            self._clear_now()
            return
        box = QMessageBox(QMessageBox.Icon.Warning, self.tr("清空登记表"),
                          self.tr("清空后，已填写的当事人、纠纷情况和自动保存的草稿都会删除，"
                                  "不能恢复。确定要清空吗？"),
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self)
        box.setObjectName("clearConfirm")
        yes = box.button(QMessageBox.StandardButton.Yes)
        yes.setText(self.tr("清空"))
        box.button(QMessageBox.StandardButton.No).setText(self.tr("取消"))
        box.setDefaultButton(QMessageBox.StandardButton.No)
        box.buttonClicked.connect(lambda button: self._clear_now() if button is yes else None)
        self.clear_confirm = box
        box.open()

    def _clear_now(self) -> None:
        self.autosave.clear()
        self.reset()

    # ---- messages from the service -----------------------------------------------------
    def clear_messages(self) -> None:
        for label in self.field_messages.values():
            label.clear_message()

    def show_errors(self, exc: ValidationError) -> None:
        errors = exc.errors or ({exc.field: exc.message} if exc.field else {})
        for field, message in errors.items():
            if field in self.field_messages:
                self.field_messages[field].show_message(message)
            else:
                index, key = _party_field(field)
                if index is not None and index < len(self.parties.editors):
                    editor = self.parties.editors[index]
                    label = editor.messages.get(key or "name")
                    if label is not None:
                        # under that party's own field: "第 2 位当事人：" only crowds the
                        # one line out ("第 2 位当事人：请…")
                        label.show_message(_PARTY_PREFIX.sub("", message, count=1))

    def focus_field(self, name: str) -> None:
        """Focus the field an error names and scroll it into view (the form is taller than
        the window: a field below the fold would otherwise be refused out of sight)."""
        index, key = _party_field(name)
        widget: QWidget | None = None
        if index is not None:
            self.parties.focus_field(f"parties[{index}].{key}")
            if index < len(self.parties.editors):
                found = getattr(self.parties.editors[index], key or "name", None)
                widget = found if isinstance(found, QWidget) else None
        else:
            widget = self.findChild(QWidget, name)
            if widget is not None:
                widget.setFocus(Qt.FocusReason.OtherFocusReason)
        form = self.form_scroll.widget()
        if widget is not None and form is not None and form.isAncestorOf(widget):
            self.form_scroll.ensureWidgetVisible(widget, 40, 60)


_PARTY_PREFIX = re.compile(r"^第\s*\d+\s*位当事人[：:]\s*")


def _party_field(name: str) -> tuple[int | None, str]:
    """"parties.1.phone" or "parties[1].phone" → (1, "phone")."""
    if not name.startswith("parties"):
        return None, ""
    rest = name[len("parties"):].lstrip(".[")
    index_text, _, key = rest.replace("]", "").partition(".")
    return (int(index_text), key) if index_text.isdigit() else (None, "")


def _key(draft: Any) -> str:
    """``desk.drafts.list()`` rows are (key, title, saved_at)."""
    return str(draft[0])


def _describe(draft: Any) -> str:
    """A line for the resume list: who, and when it was last saved."""
    _, title, saved_at = draft
    when = saved_at.strftime("%m-%d %H:%M") if isinstance(saved_at, dt.datetime) else ""
    return f"{title or '（未填当事人）'}  {when}".strip()
