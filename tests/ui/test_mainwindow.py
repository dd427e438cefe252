"""Main window: navigation, shortcuts, status bar, remembered geometry, placeholders."""

from __future__ import annotations

import logging

import pytest

from desktop.app import check_connection, start_session
from desktop.ui import ops
from desktop.ui.mainwindow import PAGES, Placeholder, lazy_widget
from desktop.ui.qt import QApplication, QLabel, QLineEdit, Qt, QWidget
from desktop.ui.settings_store import settings


def _window(qtbot, db, desk):
    win = start_session(db, desk.actor)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitUntil(lambda: win.pages["dashboard"].data is not None, timeout=10000)
    return win


def test_status_bar_and_navigation(qtbot, ui_app, ui_db, ui_mediator_desk):
    win = _window(qtbot, ui_db, ui_mediator_desk)
    assert "本地数据库" in win.db_status.text()
    assert "王丽" in win.user_status.text() and "调解员" in win.user_status.text()
    assert list(win.pages) == ["dashboard"]  # other pages are built on first visit
    win.nav.setCurrentRow(1)
    assert win.current_key() == "cases"
    qtbot.keyClick(win, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert win.current_key() == "intake"
    qtbot.keyClick(win, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert win.current_key() == "cases"
    search = win.pages["cases"].findChild(QLineEdit, "searchBox")
    assert QApplication.focusWidget() is search
    ops.wait_idle()


def test_ctrl_digit_opens_each_page_in_order(qtbot, ui_app, ui_db, ui_admin_desk):
    win = _window(qtbot, ui_db, ui_admin_desk)
    keys = (Qt.Key.Key_1, Qt.Key.Key_2, Qt.Key.Key_3, Qt.Key.Key_4, Qt.Key.Key_5)
    for key, page in reversed(list(zip(keys, PAGES, strict=True))):
        qtbot.keyClick(win, key, Qt.KeyboardModifier.ControlModifier)
        assert win.current_key() == page
    ops.wait_idle()


def test_f5_refreshes_the_current_page(qtbot, ui_app, ui_db, ui_admin_desk):
    win = _window(qtbot, ui_db, ui_admin_desk)
    dash = win.pages["dashboard"]
    first = dash.data
    qtbot.keyClick(win, Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: dash.data is not first, timeout=10000)


def test_geometry_is_remembered(qtbot, ui_app, ui_db, ui_admin_desk):
    win = _window(qtbot, ui_db, ui_admin_desk)
    win.resize(1024, 710)  # the offscreen screen is small: stay within it
    win.close()
    assert settings().get("ui/geometry")
    again = _window(qtbot, ui_db, ui_admin_desk)
    assert again.height() == 710


def test_missing_screen_gets_a_placeholder(qtbot, ui_app, caplog):
    with caplog.at_level(logging.WARNING, logger="desktop.ui.mainwindow"):
        w = lazy_widget("desktop.ui.no_such_screen", "Page", "报表")
    qtbot.addWidget(w)
    assert isinstance(w, Placeholder)
    # logged where the app's WARNING-level log keeps it, and explained to the user in Chinese
    assert [r.levelno for r in caplog.records] == [logging.ERROR]
    assert "desktop.ui.no_such_screen" in caplog.records[0].getMessage()
    texts = [label.text() for label in w.findChildren(QLabel)]
    assert any(t.startswith("“报表”无法打开") and "重新安装" in t for t in texts), texts


@pytest.mark.qt_log_ignore("This plugin does not support raise")
def test_open_case_opens_one_window_per_case(qtbot, ui_app, ui_db, ui_admin_desk):
    win = _window(qtbot, ui_db, ui_admin_desk)
    a = win.open_case(1)
    b = win.open_case(1)
    assert a is b and isinstance(a, QWidget) and a.isVisible()
    ops.wait_idle()
    a.close()


def test_check_connection_describes_the_database(ui_db):
    assert "本地数据库" in check_connection(ui_db.url)


def _prepare(qtbot, win) -> None:
    finished: list[bool] = []
    win.prepare_pages(done=lambda: finished.append(True))
    qtbot.waitUntil(lambda: bool(finished), timeout=10000)
    assert ops.wait_idle()


def test_cases_page_is_prepared_while_the_dashboard_is_read(qtbot, ui_app, ui_db,
                                                            ui_mediator_desk):
    """After login the app builds 案件 ahead of its first click: the click then shows a page
    whose rows are already there, no query in between."""
    from desktop.ui.caselist import CaseListPage

    win = _window(qtbot, ui_db, ui_mediator_desk)
    _prepare(qtbot, win)
    page = win.pages["cases"]
    assert isinstance(page, CaseListPage)
    assert win.current_key() == "dashboard" and not page.isVisible()
    rows = page.model.rowCount()
    assert rows > 0 and page.model.loaded_at is not None
    loaded_at = page.model.loaded_at
    win.nav.setCurrentRow(1)
    assert win.pages["cases"] is page and page.isVisible()
    assert page.model.rowCount() == rows and not page.model.loading  # nothing asked again
    assert page.model.loaded_at == loaded_at
    # preparing again builds nothing new
    _prepare(qtbot, win)
    assert win.pages["cases"] is page and list(win.pages) == ["dashboard", "cases"]


def test_a_prepared_page_first_shown_later_queries_again(qtbot, ui_app, ui_db,
                                                         ui_mediator_desk, monkeypatch):
    """A case registered at another desk after login is in the list the first time 案件 is
    looked at: a page prepared longer ago than FRESH_S queries again when first shown."""
    from desktop.services import Desk
    from desktop.services.dto import CaseDraft, PartyInput
    from desktop.ui import caselist

    win = _window(qtbot, ui_db, ui_mediator_desk)
    _prepare(qtbot, win)
    page = win.pages["cases"]
    assert isinstance(page, caselist.CaseListPage)
    # another desk (its own Desk: no change signal reaches this window) registers a case
    other = Desk(ui_db, ui_mediator_desk.actor)
    new_id = other.intake.register(CaseDraft(
        parties=[PartyInput("欧阳晚", side="applicant"), PartyInput("司马来", side="respondent")],
        dispute_type="neighbor", source="party_apply",
        facts="欧阳晚与司马来因排水发生纠纷。")).id
    assert new_id not in [r.id for r in page.model.rows]
    monkeypatch.setattr(caselist, "FRESH_S", 0.0)  # as if the click came a minute later
    win.nav.setCurrentRow(1)
    qtbot.waitUntil(lambda: new_id in [r.id for r in page.model.rows], timeout=10000)
    # only the first look is refreshed: coming back keeps the rows and where the user was
    win.nav.setCurrentRow(0)
    loaded_at = page.model.loaded_at
    win.nav.setCurrentRow(1)
    assert page.model.loaded_at == loaded_at and not page.model.loading


def test_a_failed_preparation_leaves_the_page_to_its_first_visit(qtbot, ui_app, ui_db,
                                                                 ui_mediator_desk, monkeypatch,
                                                                 caplog):
    from desktop.ui import mainwindow

    monkeypatch.setattr(mainwindow, "PREPARED", {"cases": "desktop.ui.no_such_module"})
    win = _window(qtbot, ui_db, ui_mediator_desk)
    with caplog.at_level(logging.ERROR, logger="desktop.ui.mainwindow"):
        _prepare(qtbot, win)
    assert "cases" not in win.pages  # stopped at the failed step, done still called
    assert any("ahead of its first visit" in r.getMessage() for r in caplog.records)
    win.nav.setCurrentRow(1)
    assert win.current_key() == "cases" and win.pages["cases"].isVisible()


def test_a_click_before_the_prepared_page_queried_starts_its_queries(qtbot, ui_app, ui_db,
                                                                   ui_mediator_desk):
    """prepare_pages builds 案件 without its queries and starts them a step later (so their
    worker threads do not slow the build); a click in between starts them itself."""
    win = _window(qtbot, ui_db, ui_mediator_desk)
    assert ops.wait_idle()  # the dashboard's loads are done
    page = win.page("cases", ahead=True)  # what the build step makes
    assert not page.loading_started and not page.model.loading
    assert page.model.rowCount() == 0 and ops.running() == 0  # nothing asked yet
    win.nav.setCurrentRow(1)
    assert win.pages["cases"] is page and page.loading_started
    qtbot.waitUntil(lambda: page.model.rowCount() > 0 and not page.model.loading,
                    timeout=10000)
    _prepare(qtbot, win)  # its later steps change nothing
    assert win.pages["cases"] is page and page.model.rowCount() > 0
