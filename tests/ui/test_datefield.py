"""The one date field (issue 11, point 3): what people type is understood, the calendar opens
at a sensible month and stays on the screen, an empty date is blank (no 2000-01-01)."""

from __future__ import annotations

import datetime as dt

import pytest

from desktop.domain.errors import ValidationError
from desktop.ui.datefield import DateField, parse_date, popup_position
from desktop.ui.qt import QApplication, QLocale, QRect, QSize, Qt, QWidget
from tests.helpers.qtinput import commit_text, type_text

pytestmark = pytest.mark.gui

TODAY = dt.date(2026, 11, 30)


@pytest.mark.parametrize("text", ["20261218", "2026-12-18", "2026/12/18", "2026.12.18",
                                  "2026年12月18日", " 2026 - 12 - 18 ", "２０２６－１２－１８",
                                  "12.18", "12-18", "12/18", "12月18日"])
def test_parse_every_written_form(text):
    assert parse_date(text, today=TODAY) == dt.date(2026, 12, 18)


def test_parse_blank_and_errors():
    assert parse_date("  ") is None
    for bad, words in (("2026-02-30", "不存在"), ("2.30", "不存在"), ("明天", "格式不对"),
                       ("2026-1318", "格式不对")):
        with pytest.raises(ValidationError, match=words):
            parse_date(bad, today=TODAY)


def field(qtbot, **kw) -> DateField:
    f = DateField(**kw)
    qtbot.addWidget(f)
    f.show()
    qtbot.waitExposed(f)
    return f


def enter(qtbot, f: DateField, text: str) -> None:
    f.edit.clear()
    if text.isascii():
        qtbot.keyClicks(f.edit, text)
    else:
        commit_text(f.edit, text)
    qtbot.keyClick(f.edit, Qt.Key.Key_Return)


def test_typing_shows_one_format_and_bad_text_is_named(qtbot):
    f = field(qtbot, optional=True)
    assert f.edit.text() == "" and f.value() is None and not f.date().isValid()
    with qtbot.waitSignal(f.dateChanged):
        enter(qtbot, f, "20261218")
    assert f.value() == dt.date(2026, 12, 18)
    assert f.edit.text() == "2026年12月18日"
    enter(qtbot, f, "2027年1月5日")
    assert f.edit.text() == "2027年1月5日"
    enter(qtbot, f, f"{dt.date.today().year}-2-31")
    assert f.value() == dt.date(2027, 1, 5)  # unchanged
    assert "不存在" in f.error() and f.edit.property("invalid") is True
    enter(qtbot, f, "")
    assert f.value() is None and f.error() == "" and f.edit.text() == ""


def test_required_field_refuses_blank(qtbot):
    f = field(qtbot)
    f.setValue(dt.date(2026, 12, 1))
    enter(qtbot, f, "")
    assert f.value() == dt.date(2026, 12, 1)
    assert f.error() == "请填写日期。"


def test_calendar_opens_at_value_else_anchor_else_today(qtbot):
    f = field(qtbot, optional=True)
    today = dt.date.today()
    assert f.show_popup().page() == (today.year, today.month)
    f.popup.hide()
    f.setAnchor(lambda: dt.date(2027, 3, 9))
    assert f.show_popup().page() == (2027, 3)
    f.popup.hide()
    f.setValue(dt.date(2026, 12, 18))
    popup = f.show_popup()
    assert popup.page() == (2026, 12)
    assert popup.calendar.selectedDate().toPython() == dt.date(2026, 12, 18)
    qtbot.mouseClick(popup.today_button, Qt.MouseButton.LeftButton)
    assert f.value() == today and not popup.isVisible()


def test_calendar_is_chinese_and_starts_on_monday(qtbot):
    f = field(qtbot)
    cal = f.show_popup().calendar
    assert cal.firstDayOfWeek() == Qt.DayOfWeek.Monday
    assert cal.locale().dayName(1, QLocale.FormatType.ShortFormat) == "周一"
    assert cal.locale().standaloneMonthName(12) == "十二月"


def test_popup_position_stays_inside_the_screen():
    screen = QRect(0, 0, 1366, 728)
    size = QSize(300, 240)
    below = popup_position(QRect(100, 100, 200, 30), size, screen)
    assert (below.x(), below.y()) == (100, 130)
    corner = popup_position(QRect(1250, 700, 110, 28), size, screen)  # bottom-right field
    assert corner.x() + 300 <= 1366 and corner.y() + 240 <= 728
    assert corner.y() + 240 <= 700  # flipped above the field, not over it


def test_real_popup_of_a_field_in_the_corner_is_on_screen(qtbot):
    host = QWidget()
    qtbot.addWidget(host)
    f = DateField(host)
    f.setGeometry(0, 0, 220, 30)
    available = QApplication.primaryScreen().availableGeometry()
    host.setGeometry(available.right() - 230, available.bottom() - 40, 230, 35)
    host.show()
    qtbot.waitExposed(host)
    popup = f.show_popup()
    qtbot.waitExposed(popup)
    assert available.contains(popup.frameGeometry()), (popup.frameGeometry(), available)


# -- every date input of the app opens at a sensible month ------------------------------------

def page_of(f: DateField) -> dt.date:
    year, month = f.show_popup().page()
    f.popup.hide()
    return dt.date(year, month, 1)


def month_of(d: dt.date) -> dt.date:
    return d.replace(day=1)


def test_party_birth_date_opens_decades_back_not_1900(qtbot):
    from desktop.ui.party import PartyEditor

    editor = PartyEditor()
    qtbot.addWidget(editor)
    editor.show()
    assert editor.birth_date.edit.text() == ""
    opened = page_of(editor.birth_date)
    assert 30 <= dt.date.today().year - opened.year <= 50
    type_text(editor.birth_date.edit, "1975-06-01")
    qtbot.keyClick(editor.birth_date.edit, Qt.Key.Key_Return)
    assert page_of(editor.birth_date) == dt.date(1975, 6, 1)
    assert editor.save().birth_date == dt.date(1975, 6, 1)


def test_obligation_deadline_opens_at_the_agreement_deadline_or_today(qtbot):
    from desktop.ui.case.obligations import ObligationsTable

    table = ObligationsTable()
    qtbot.addWidget(table)
    table.set_parties([(1, "王五"), (2, "李四")])
    table.add_row()
    table.show()
    deadline = table.table.cellWidget(0, 5)
    assert deadline.edit.text() == ""  # not 2000年1月1日
    assert page_of(deadline) == month_of(dt.date.today())
    table.anchor = lambda: dt.date(2027, 2, 10)
    assert page_of(deadline) == dt.date(2027, 2, 1)
    assert table.save() == []  # an untouched row is the prefill stub: not saved
    table._edit(0, 2).setText("修复卫生间防水层")
    assert table.save()[0].deadline is None


def test_session_and_followup_dates_open_at_their_day(qtbot):
    from desktop.services.dto import FollowUpInput, SessionInput
    from desktop.ui.case.followup import FollowUpDialog
    from desktop.ui.case.sessions import SessionDialog

    sessions = SessionDialog()
    qtbot.addWidget(sessions)
    sessions.load(SessionInput(started_at=dt.datetime(2026, 10, 8, 9, 30), place="调解室"))
    assert page_of(sessions.started_at.date_field) == dt.date(2026, 10, 1)
    assert sessions.save().started_at == dt.datetime(2026, 10, 8, 9, 30)
    assert sessions.save().ended_at == dt.datetime(2026, 10, 8, 10, 30)

    follow = FollowUpDialog()
    qtbot.addWidget(follow)
    follow.load(FollowUpInput(visited_on=dt.date(2026, 11, 20)))
    assert page_of(follow.visited_on) == dt.date(2026, 11, 1)
    assert page_of(follow.next_due) == dt.date(2026, 12, 1)  # 30 days after the visit


def test_agreement_deadline_blank_and_anchors_the_obligations(qtbot, ui_admin_desk):
    from tests.ui import app_surfaces

    win = app_surfaces.case_window(qtbot, ui_admin_desk,
                                   app_surfaces.accepted_case(ui_admin_desk))
    deadline = win.findChild(DateField, "performance_deadline")
    assert deadline is not None and deadline.edit.text() == "" and deadline.value() is None
    assert page_of(deadline) == month_of(dt.date.today())
    deadline.setValue(dt.date(2027, 1, 15))
    obligations = win.findChild(DateField, "obligationDeadline")
    if obligations is None:  # the form starts without rows: add one as the user would
        from desktop.ui.case.outcome import AgreementEditor

        win.findChild(AgreementEditor).obligations.add_row()
        obligations = win.findChild(DateField, "obligationDeadline")
    assert page_of(obligations) == dt.date(2027, 1, 1)
