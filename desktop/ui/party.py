"""Party cards: a person or an organisation, checked next to each field as the user types.

The checks are the domain validators (``desktop.domain.validators``); the widget only decides
*when* to show them: a number still being typed gets a progress hint ("已输入 10/18 位"), a
complete or abandoned one gets the validator's message. A valid resident ID fills in the
birth date and sex. ``PartyEditor.load(PartyInput)`` / ``save() -> PartyInput``; ``to_dict`` /
``from_dict`` are the same data in JSON-friendly form for autosaved drafts.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
from collections.abc import Callable
from typing import Any

from desktop.domain import validators
from desktop.domain.dates import format_date
from desktop.domain.enums import IdType, PartyKind, PartySide, Sex
from desktop.domain.errors import ValidationError
from desktop.services.dto import PartyInput
from desktop.ui.datefield import DateField
from desktop.ui.dialogs import enter_moves_on
from desktop.ui.fieldmessage import FieldMessage
from desktop.ui.qt import (
    QT_TRANSLATE_NOOP,
    QButtonGroup,
    QComboBox,
    QEvent,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QStyle,
    QStyleOptionFrame,
    Qt,
    QVBoxLayout,
    QWidget,
    Signal,
)

# The most common of the 56 ethnic groups first; the box is editable for the others.
ETHNICITIES = (
    QT_TRANSLATE_NOOP("PartyEditor", "汉族"),
    QT_TRANSLATE_NOOP("PartyEditor", "回族"),
    QT_TRANSLATE_NOOP("PartyEditor", "满族"),
    QT_TRANSLATE_NOOP("PartyEditor", "蒙古族"),
    QT_TRANSLATE_NOOP("PartyEditor", "藏族"),
    QT_TRANSLATE_NOOP("PartyEditor", "维吾尔族"),
    QT_TRANSLATE_NOOP("PartyEditor", "壮族"),
    QT_TRANSLATE_NOOP("PartyEditor", "苗族"),
    QT_TRANSLATE_NOOP("PartyEditor", "彝族"),
    QT_TRANSLATE_NOOP("PartyEditor", "土家族"),
    QT_TRANSLATE_NOOP("PartyEditor", "布依族"),
    QT_TRANSLATE_NOOP("PartyEditor", "侗族"),
    QT_TRANSLATE_NOOP("PartyEditor", "瑶族"),
    QT_TRANSLATE_NOOP("PartyEditor", "朝鲜族"),
    QT_TRANSLATE_NOOP("PartyEditor", "白族"),
    QT_TRANSLATE_NOOP("PartyEditor", "哈尼族"),
    QT_TRANSLATE_NOOP("PartyEditor", "哈萨克族"),
    QT_TRANSLATE_NOOP("PartyEditor", "黎族"),
    QT_TRANSLATE_NOOP("PartyEditor", "傣族"),
    QT_TRANSLATE_NOOP("PartyEditor", "畲族"),
)
ORDINALS = "甲乙丙丁戊己庚辛壬癸"


def _date_to_iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def party_to_dict(party: PartyInput) -> dict[str, Any]:
    return {k: _date_to_iso(v) for k, v in dataclasses.asdict(party).items()}


def party_from_dict(data: dict[str, Any]) -> PartyInput:
    known = {f.name for f in dataclasses.fields(PartyInput)}
    values = {k: v for k, v in data.items() if k in known}
    if values.get("birth_date"):
        values["birth_date"] = dt.date.fromisoformat(values["birth_date"])
    values.setdefault("name", "")
    return PartyInput(**values)


FIELD_MIN = 110  # px: a name, a phone number, a short choice
WIDEST_CODE = "88888888888888888X"  # 18 characters, as wide as an ID number or credit code gets


def code_width(edit: QLineEdit) -> int:
    """The width ``edit`` needs to show an 18-character code whole, the cursor after it."""
    edit.ensurePolished()  # the style sheet's font and padding, not the defaults
    opt = QStyleOptionFrame()
    edit.initStyleOption(opt)
    inner = edit.style().subElementRect(QStyle.SubElement.SE_LineEditContents, opt, edit)
    frame = edit.width() - inner.width()  # the style's frame and padding, both sides
    margins = edit.textMargins()
    text = edit.fontMetrics().horizontalAdvance(WIDEST_CODE)
    # QLineEdit keeps 2 px inside the contents on each side, and the cursor is 1 px wide
    return text + frame + margins.left() + margins.right() + 2 * 2 + 2


OK_MARK = "✓ "  # before a field's confirmation line


class FieldCheck:
    """A line edit, the message label under it, and when to show what."""

    def __init__(self, edit: QLineEdit, message: FieldMessage,
                 check: Callable[[str], str | None],
                 incomplete: Callable[[str], str | None] | None = None,
                 required: bool = False) -> None:
        self.edit = edit
        self.message = message
        self.check = check  # returns an OK detail text or None; raises ValidationError
        self.incomplete = incomplete  # progress hint while the value cannot be complete yet
        self.required = required
        self.error: str | None = None
        edit.textChanged.connect(lambda _t: self.run(final=False))
        edit.editingFinished.connect(lambda: self.run(final=True))

    def run(self, final: bool) -> None:
        text = self.edit.text().strip()
        self.error = None
        if not text and not (self.required and final):
            self._show("", "")
            return
        try:
            detail = self.check(text)
        except ValidationError as exc:
            hint = self.incomplete(text) if (self.incomplete and not final) else None
            if hint:
                self._show(hint, "hint")
            else:
                self.error = exc.message
                self._show(exc.message, "error")
            return
        self._show(detail or "", "ok")

    def _show(self, text: str, state: str) -> None:
        # The line under the field is reserved: showing a message never moves the card.
        self.message.show_message((OK_MARK + text) if state == "ok" and text else text, state)


class PartyEditor(QFrame):
    """One party's card. ``changed`` on every edit; ``remove_requested`` from its button."""

    changed = Signal()
    remove_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("partyCard")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self._loading = False
        self._id: int | None = None
        self._version: int | None = None

        self.heading = QLabel(self)
        self.heading.setObjectName("partyHeading")
        self.side = QComboBox(self)
        for side in PartySide:
            self.side.addItem(self.tr(side.label), side.value)
        self.person_radio = QRadioButton(self.tr("自然人"), self)
        self.org_radio = QRadioButton(self.tr("单位（法人或其他组织）"), self)
        self.person_radio.setChecked(True)
        self.kind_group = QButtonGroup(self)
        self.kind_group.addButton(self.person_radio)
        self.kind_group.addButton(self.org_radio)
        self.remove_button = QPushButton(self.tr("删除此当事人"), self)
        self.remove_button.setObjectName("removeParty")
        self.remove_button.clicked.connect(self.remove_requested)

        head = QHBoxLayout()
        head.addWidget(self.heading)
        head.addWidget(self.side)
        head.addSpacing(12)
        head.addWidget(self.person_radio)
        head.addWidget(self.org_radio)
        head.addStretch(1)
        head.addWidget(self.remove_button)

        self.name = self._line("name", self.tr("姓名"))
        self.sex = QComboBox(self)
        self.sex.addItem(self.tr("（未填）"), None)
        for sex in Sex:
            self.sex.addItem(self.tr(sex.label), sex.value)
        self.ethnicity = QComboBox(self)
        self.ethnicity.setEditable(True)
        self.ethnicity.addItem("")
        self.ethnicity.addItems([self.tr(e) for e in ETHNICITIES])
        # Opens about forty years back: an adult's birth month is then a few clicks away.
        today = dt.date.today()
        self.birth_date = DateField(self, optional=True, placeholder=self.tr("（未填）"),
                                    anchor=today.replace(year=today.year - 40, day=1))
        self.birth_date.setObjectName("birthDate")
        self.birth_date.setMaximumDate(today)
        self.id_type = QComboBox(self)
        for kind in IdType:
            self.id_type.addItem(self.tr(kind.label), kind.value)
        self.id_number = self._line("id_number", self.tr("证件号码"))
        self.occupation = self._line("occupation", self.tr("职业"))
        self.phone = self._line("phone", self.tr("联系电话"))
        self.address = self._line("address", self.tr("住址"))
        self.credit_code = self._line("credit_code", self.tr("统一社会信用代码"))
        self.legal_rep = self._line("legal_rep", self.tr("法定代表人"))
        self.legal_rep_title = self._line("legal_rep_title", self.tr("职务"))
        self.agent_name = self._line("agent_name", self.tr("代理人（可不填）"))
        self.agent_name.setPlaceholderText(self.tr("可不填"))  # the label says 代理人
        self.agent_phone = self._line("agent_phone", self.tr("代理人电话"))
        self.agent_relation = self._line("agent_relation", self.tr("与当事人关系"))

        self.messages: dict[str, FieldMessage] = {}
        grid = QGridLayout()
        # 8, not 10: the room the third column needs for a whole 18-character ID number at
        # the default window on a 1366×768 screen
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(2)
        self._grid = grid
        self._labels: dict[str, QLabel] = {}
        # Name and ID first: a valid resident ID fills in the sex and birth date below it.
        rows: list[list[tuple[str, str, QWidget]]] = [
            [("name", self.tr("姓名"), self.name), ("id_type", self.tr("证件类型"), self.id_type),
             ("id_number", self.tr("证件号码"), self.id_number)],
            [("sex", self.tr("性别"), self.sex), ("birth_date", self.tr("出生日期"), self.birth_date),
             ("ethnicity", self.tr("民族"), self.ethnicity)],
            # on two lines: as the widest label of the first column it took ~60 px from every
            # field, and the card scrolled sideways in the default window on a 1366×768 screen
            # the 18-character code under the 18-character ID number: the third column is
            # the one sized for a whole identity number (see _fit_codes)
            [("legal_rep", self.tr("法定\n代表人"), self.legal_rep),
             ("legal_rep_title", self.tr("职务"), self.legal_rep_title),
             ("credit_code", self.tr("统一社会\n信用代码"), self.credit_code)],
            [("phone", self.tr("联系电话"), self.phone),
             ("occupation", self.tr("职业"), self.occupation),
             ("address", self.tr("住址"), self.address)],
            [("agent_name", self.tr("代理人"), self.agent_name),
             ("agent_phone", self.tr("代理人电话"), self.agent_phone),
             ("agent_relation", self.tr("关系"), self.agent_relation)],
        ]
        for r, row in enumerate(rows):
            for c, (key, label, widget) in enumerate(row):
                lab = QLabel(label, self)
                lab.setBuddy(widget)
                lab.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                message = FieldMessage(self, widget)
                self.messages[key] = message
                self._labels[key] = lab
                grid.addWidget(lab, 2 * r, 2 * c)
                grid.addWidget(widget, 2 * r, 2 * c + 1)
                grid.addWidget(message, 2 * r + 1, 2 * c + 1)
        for c in (1, 3, 5):
            grid.setColumnStretch(c, 1)
        # Long items (港澳居民来往内地通行证) must not widen their column: the three field
        # columns share the width equally whatever the window size.
        for combo in (self.sex, self.ethnicity, self.id_type):
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(5)
        self.sex.setMinimumContentsLength(4)  # （未填）: its column gives the ID number room
        for _row in rows:
            for _key, _label, widget in _row:
                # never below what the field itself needs: the 出生日期 field squeezed to
                # 120 px cut its date under its own calendar button
                widget.setMinimumWidth(max(FIELD_MIN, widget.minimumSizeHint().width()))
        self._fit_codes()
        # Tab follows the grid row by row, after the card's header. A compound field is
        # ordered by the widget that takes its focus: given the 出生日期 field itself, Tab
        # went from 性别 straight to 民族.
        order: list[QWidget] = [self.side, self.person_radio, self.org_radio]
        order += [widget for row in rows for _key, _label, widget in row]
        order.append(self.remove_button)
        order = [w.focusProxy() or w for w in order]
        for first, second in itertools.pairwise(order):
            QWidget.setTabOrder(first, second)
        # Enter moves on from the choices and the date too, not only from the text fields
        # (on 证件类型 it did nothing, and the keyboard flow stopped there)
        enter_moves_on(self, self.sex, self.id_type)
        self.birth_date.edit.returnPressed.connect(self.focusNextChild)
        ethnicity_edit = self.ethnicity.lineEdit()
        if ethnicity_edit is not None:
            ethnicity_edit.returnPressed.connect(self.focusNextChild)

        layout = QVBoxLayout(self)
        layout.addLayout(head)
        layout.addLayout(grid)

        self.checks: dict[str, FieldCheck] = {
            "name": FieldCheck(self.name, self.messages["name"], self._check_name,
                               required=True),
            "id_number": FieldCheck(self.id_number, self.messages["id_number"], self._check_id,
                                    self._id_progress),
            "credit_code": FieldCheck(self.credit_code, self.messages["credit_code"],
                                      self._check_credit,
                                      lambda t: self._progress(t, 18)),
            "phone": FieldCheck(self.phone, self.messages["phone"], self._check_phone,
                                self._phone_progress),
            "agent_phone": FieldCheck(self.agent_phone, self.messages["agent_phone"],
                                      self._check_phone, self._phone_progress),
            "legal_rep": FieldCheck(self.legal_rep, self.messages["legal_rep"],
                                    self._check_plain_name),
            "agent_name": FieldCheck(self.agent_name, self.messages["agent_name"],
                                     self._check_plain_name),
        }
        self.person_radio.toggled.connect(self._kind_changed)
        self.id_type.currentIndexChanged.connect(lambda _i: self.checks["id_number"].run(False))
        for edit in (self.name, self.id_number, self.occupation, self.phone, self.address,
                     self.credit_code, self.legal_rep, self.legal_rep_title, self.agent_name,
                     self.agent_phone, self.agent_relation):
            edit.textChanged.connect(self._emit_changed)
        for combo in (self.side, self.sex, self.id_type):
            combo.currentIndexChanged.connect(self._emit_changed)
        self.ethnicity.currentTextChanged.connect(self._emit_changed)
        self.birth_date.dateChanged.connect(self._emit_changed)
        self._kind_changed()

    def _fit_codes(self) -> None:
        """The ID number and the credit code show all 18 characters, with the cursor after
        the last: at 1366×768 the field was 130 px and an ID scrolled its first three digits
        out of view as it was typed (the text jumped sideways at every key). The line under
        the ID number reads whole too: the field is never narrower than the longest thing a
        valid ID makes it say."""
        for edit in (self.id_number, self.credit_code):
            edit.setMinimumWidth(max(edit.minimumWidth(), code_width(edit)))
        message = self.messages["id_number"]
        message.ensurePolished()  # its own (smaller) font, from the style sheet
        longest = OK_MARK + self._id_confirmation(dt.date(1988, 12, 28), Sex.FEMALE)
        self.id_number.setMinimumWidth(max(self.id_number.minimumWidth(),
                                           message.fontMetrics().horizontalAdvance(longest)))

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._fit_codes()

    def _line(self, key: str, placeholder: str) -> QLineEdit:
        edit = QLineEdit(self)
        edit.setObjectName(key)
        edit.setPlaceholderText(placeholder)
        edit.setAccessibleName(placeholder)
        # Enter moves on to the next field, as Tab does (keyboard flow through intake).
        edit.returnPressed.connect(self.focusNextChild)
        return edit

    # ---- checks (the validators decide; the widget shows) ------------------------------
    def _check_name(self, text: str) -> str | None:
        if self.is_person():
            validators.validate_person_name(text)
        elif not text.strip():
            raise ValidationError(self.tr("请填写单位名称。"), field="name")
        return None

    def _check_plain_name(self, text: str) -> str | None:
        validators.validate_person_name(text)
        return None

    def _check_id(self, text: str) -> str | None:
        try:
            return self._check_id_number(text)
        except ValidationError as exc:
            # The label beside says which number: the line under it keeps to the point.
            short = exc.message.removeprefix("身份证号码").removeprefix("证件号码").lstrip("：")
            raise ValidationError(short or exc.message, field="id_number") from None

    def _check_id_number(self, text: str) -> str | None:
        kind = self.id_type.currentData()
        if kind != IdType.RESIDENT.value:
            validators.validate_id_number(kind, text)
            return None
        rid = validators.validate_resident_id(text)
        self._apply_resident_id(rid)
        return self._id_confirmation(rid.birth_date, rid.sex)

    def _id_confirmation(self, birth: dt.date, sex: Sex) -> str:
        """What a valid resident ID says, the way a judgment introduces a party (男，1985年3月12日生).
        Short enough for the ID field's width: "出生日期 1985年3月12日，男" was cut off under it in
        the default window on a 1366×768 screen."""
        return self.tr("{sex}，{date}生").format(sex=self.tr(sex.label), date=format_date(birth))

    def _id_progress(self, text: str) -> str | None:
        if self.id_type.currentData() != IdType.RESIDENT.value:
            return None
        return self._progress(text, 18)

    def _progress(self, text: str, total: int) -> str | None:
        compact = "".join(text.split())
        if len(compact) < total and compact.isalnum() and compact.isascii():
            return self.tr("已输入 {n}/{total} 位").format(n=len(compact), total=total)
        return None

    def _check_credit(self, text: str) -> str | None:
        validators.validate_credit_code(text)
        return None

    def _check_phone(self, text: str) -> str | None:
        try:
            normalized = validators.validate_phone(text)
        except ValidationError:
            # The validator's text names both formats in two sentences; under the field a
            # short line says the same.
            raise ValidationError(self.tr("手机11位或带区号固话"),
                                  field="phone") from None
        return self.tr("手机") if validators.is_mobile(normalized) else normalized

    def _phone_progress(self, text: str) -> str | None:
        digits = "".join(ch for ch in text if ch.isdigit())
        if text.startswith("1") and len(digits) < 11 and digits == text.replace(" ", ""):
            return self.tr("已输入 {n}/11 位").format(n=len(digits))
        if text.startswith("0") and len(digits) < 10:
            return self.tr("固定电话请带区号")
        return None

    def _apply_resident_id(self, rid: validators.ResidentId) -> None:
        # The ID decides birth date and sex; fields stay editable only for other ID types.
        self.birth_date.setValue(rid.birth_date)
        self.sex.setCurrentIndex(self.sex.findData(rid.sex.value))

    def errors(self) -> dict[str, str]:
        for key, check in self.checks.items():
            if self._field_applies(key):
                check.run(final=True)
        return {key: c.error for key, c in self.checks.items()
                if c.error and self._field_applies(key)}

    def _field_applies(self, key: str) -> bool:
        person_only = {"sex", "ethnicity", "birth_date", "id_type", "id_number", "occupation"}
        org_only = {"credit_code", "legal_rep", "legal_rep_title"}
        if self.is_person():
            return key not in org_only
        return key not in person_only

    # ---- kind / heading ----------------------------------------------------------------
    def is_person(self) -> bool:
        return self.person_radio.isChecked()

    def _kind_changed(self, *_args: object) -> None:
        person = self.is_person()
        self.name.setPlaceholderText(self.tr("姓名") if person else self.tr("单位名称"))
        self._labels["name"].setText(self.tr("姓名") if person else self.tr("单位名称"))
        self._labels["address"].setText(self.tr("住址") if person else self.tr("住所"))
        # Fields of the other kind are disabled, not hidden: the card keeps its shape and
        # the field under the mouse stays the one the user aimed at.
        for key, label in self._labels.items():
            applies = self._field_applies(key)
            label.setEnabled(applies)
            self._widget(key).setEnabled(applies)
            if not applies:
                self.messages[key].clear_message()
        self.checks["name"].run(final=False)
        self._emit_changed()

    def _widget(self, key: str) -> QWidget:
        return getattr(self, key)

    def set_ordinal(self, index: int) -> None:
        letter = ORDINALS[index] if index < len(ORDINALS) else str(index + 1)
        self.heading.setText(self.tr("当事人{n}").format(n=letter))

    def focus_field(self, key: str) -> bool:
        widget = getattr(self, key, None)
        if isinstance(widget, QWidget) and self._field_applies(key):
            widget.setFocus(Qt.FocusReason.OtherFocusReason)
            return True
        return False

    def _emit_changed(self, *_args: object) -> None:
        if not self._loading:
            self.changed.emit()

    # ---- load / save -------------------------------------------------------------------
    def load(self, party: PartyInput) -> None:
        self._loading = True
        try:
            self._id, self._version = party.id, party.version
            self.side.setCurrentIndex(max(0, self.side.findData(party.side)))
            (self.person_radio if party.kind == PartyKind.PERSON.value
             else self.org_radio).setChecked(True)
            self.id_type.setCurrentIndex(max(0, self.id_type.findData(party.id_type)))
            for key in ("name", "id_number", "occupation", "phone", "address", "credit_code",
                        "legal_rep", "legal_rep_title", "agent_name", "agent_phone",
                        "agent_relation"):
                getattr(self, key).setText(getattr(party, key) or "")
            self.ethnicity.setCurrentText(party.ethnicity or "")
            self.sex.setCurrentIndex(max(0, self.sex.findData(party.sex)))
            bd = party.birth_date
            self.birth_date.setValue(bd)
            self._kind_changed()
        finally:
            self._loading = False

    def save(self) -> PartyInput:
        bd = self.birth_date.value()
        person = self.is_person()
        return PartyInput(
            name=self.name.text().strip(),
            side=self.side.currentData(),
            kind=PartyKind.PERSON.value if person else PartyKind.ORGANIZATION.value,
            sex=self.sex.currentData() if person else None,
            ethnicity=self.ethnicity.currentText().strip() if person else "",
            birth_date=bd if person else None,
            id_type=self.id_type.currentData() if person else IdType.OTHER.value,
            id_number=self.id_number.text().strip() if person else "",
            occupation=self.occupation.text().strip() if person else "",
            address=self.address.text().strip(),
            phone=self.phone.text().strip(),
            credit_code=self.credit_code.text().strip() if not person else "",
            legal_rep=self.legal_rep.text().strip() if not person else "",
            legal_rep_title=self.legal_rep_title.text().strip() if not person else "",
            agent_name=self.agent_name.text().strip(),
            agent_phone=self.agent_phone.text().strip(),
            agent_relation=self.agent_relation.text().strip(),
            id=self._id,
            version=self._version,
        )


class PartyList(QWidget):
    """Any number of party cards, with buttons to add a person or an organisation."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.editors: list[PartyEditor] = []
        self._cards = QVBoxLayout()
        self._cards.setSpacing(10)
        self.add_person_button = QPushButton(self.tr("＋ 添加自然人"), self)
        self.add_person_button.setObjectName("addPerson")
        self.add_org_button = QPushButton(self.tr("＋ 添加单位"), self)
        self.add_org_button.setObjectName("addOrganization")
        self.add_person_button.clicked.connect(lambda: self.add(PartyKind.PERSON))
        self.add_org_button.clicked.connect(lambda: self.add(PartyKind.ORGANIZATION))
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_person_button)
        buttons.addWidget(self.add_org_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self._cards)
        layout.addLayout(buttons)

    def add(self, kind: PartyKind = PartyKind.PERSON, party: PartyInput | None = None
            ) -> PartyEditor:
        editor = PartyEditor(self)
        if party is None:
            side = PartySide.APPLICANT if not self.editors else PartySide.RESPONDENT
            party = PartyInput(name="", kind=kind.value, side=side.value)
        editor.load(party)
        editor.changed.connect(self.changed)
        editor.remove_requested.connect(lambda: self.remove(editor))
        self.editors.append(editor)
        self._cards.addWidget(editor)
        self._renumber()
        self.changed.emit()
        if self.isVisible():
            editor.name.setFocus()
        return editor

    def remove(self, editor: PartyEditor) -> None:
        if editor in self.editors:
            self.editors.remove(editor)
            self._cards.removeWidget(editor)
            editor.deleteLater()
            self._renumber()
            self.changed.emit()

    def _renumber(self) -> None:
        for i, editor in enumerate(self.editors):
            editor.set_ordinal(i)
            # A case needs two parties: the last two cards cannot be removed.
            editor.remove_button.setEnabled(len(self.editors) > 2)

    def load(self, parties: list[PartyInput]) -> None:
        for editor in list(self.editors):
            self.remove(editor)
        for party in parties:
            self.add(PartyKind(party.kind), party)

    def save(self) -> list[PartyInput]:
        return [e.save() for e in self.editors]

    def check_dates(self) -> None:
        """Raise for the first 出生日期 whose text is not a date (field
        ``parties.<i>.birth_date``): it must not be saved as the date held before."""
        for i, editor in enumerate(self.editors):
            try:
                editor.birth_date.check(self.tr("第 {n} 位当事人的出生日期").format(n=i + 1))
            except ValidationError as exc:
                raise ValidationError(exc.message, field=f"parties.{i}.birth_date") from None

    def errors(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for i, editor in enumerate(self.editors):
            for key, message in editor.errors().items():
                out[f"parties[{i}].{key}"] = message
        return out

    def focus_field(self, name: str) -> bool:
        """``parties[1].phone`` → that card's phone field."""
        if name.startswith("parties["):
            index_text, _, key = name[len("parties["):].partition("].")
            if index_text.isdigit() and int(index_text) < len(self.editors):
                editor = self.editors[int(index_text)]
                return editor.focus_field(key or "name")
        return False


def scroll_wrap(widget: QWidget) -> QScrollArea:
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setWidget(widget)
    return area
