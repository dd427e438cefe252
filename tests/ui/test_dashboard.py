"""工作台: cards filled from the service, deadlines flagged, each line opens its case."""

from __future__ import annotations

import os
from pathlib import Path

from desktop.ui.dashboard import ALERT_ROLE, BADGE_ROLE, DashboardPage
from desktop.ui.qt import Qt


def test_cards_and_open_case(qtbot, ui_app, ui_mediator_desk):
    page = DashboardPage(ui_mediator_desk)
    qtbot.addWidget(page)
    page.resize(1100, 700)
    page.show()
    qtbot.waitSignal(page.loaded, timeout=10000).wait() if page.data is None else None
    qtbot.waitUntil(lambda: page.data is not None, timeout=10000)
    assert page.cards["my_open"].count.text() == "5"
    deadlines = page.cards["deadlines"].list
    assert deadlines.count() == 1
    item = deadlines.item(0)
    assert item.text().startswith("张三丰 与 李四")
    assert item.data(BADGE_ROLE) == "剩 2 天" and not item.data(ALERT_ROLE)
    assert page.cards["today_sessions"].empty.isVisible()
    with qtbot.waitSignal(page.open_case, timeout=2000) as sig:
        deadlines.itemActivated.emit(item)
    assert sig.args == [item.data(Qt.ItemDataRole.UserRole)]


def test_refreshes_after_a_change(qtbot, ui_app, ui_admin_desk):
    from desktop.ui import ops

    page = DashboardPage(ui_admin_desk)
    qtbot.addWidget(page)
    qtbot.waitUntil(lambda: page.data is not None, timeout=10000)
    cases = ui_admin_desk.cases.search(__import__("desktop.services.dto", fromlist=["x"])
                                       .CaseQuery(statuses=["registered"])).rows
    ref = ui_admin_desk.intake.accept(cases[0].id, cases[0].version)
    before = page.data
    ops.notify(ops.ChangeKind.CASE, [ref.id])
    qtbot.waitUntil(lambda: page.data is not before, timeout=10000)


def test_empty_desk_offers_new_case(qtbot, ui_app, tmp_path):
    from desktop.app import start_session
    from desktop.services import auth
    from desktop.store.opening import open_database

    db = open_database(f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    try:
        actor = auth.first_run(db, committee_name="青山街道人民调解委员会", short_name="青",
                               admin_username="admin", admin_password="Admin#2026")
        win = start_session(db, actor)
        qtbot.addWidget(win)
        win.show()
        dash = win.pages["dashboard"]
        qtbot.waitUntil(lambda: dash.data is not None, timeout=10000)
        button = dash.cards["my_open"].action
        assert button is not None and button.isVisible()
        button.click()
        assert win.current_key() == "intake"
    finally:
        from desktop.ui import ops

        ops.wait_idle()
        db.close()


def test_cards_say_loading_until_the_answer(qtbot, ui_app, ui_mediator_desk):
    import threading

    gate = threading.Event()
    real = ui_mediator_desk.cases.dashboard
    ui_mediator_desk.cases.dashboard = lambda: (gate.wait(10), real())[1]
    page = DashboardPage(ui_mediator_desk)
    qtbot.addWidget(page)
    assert page.cards["today_sessions"].empty.text() == "正在加载…"
    gate.set()
    qtbot.waitUntil(lambda: page.data is not None, timeout=10000)
    assert page.cards["today_sessions"].empty.text() == "今天没有安排调解"


def test_one_click_opens_and_admin_sees_only_own_cases_as_mine(qtbot, ui_app, ui_admin_desk):
    page = DashboardPage(ui_admin_desk)
    qtbot.addWidget(page)
    page.resize(1100, 700)
    page.show()
    qtbot.waitUntil(lambda: page.data is not None, timeout=10000)
    # the five seeded cases are the mediator's: none is the administrator's own
    assert page.cards["my_open"].count.text() == "0"
    assert page.cards["my_open"].empty.isVisible()
    deadlines = page.cards["deadlines"].list  # the committee's deadlines, supervised
    assert deadlines.count() == 1
    rect = deadlines.visualItemRect(deadlines.item(0))
    with qtbot.waitSignal(page.open_case, timeout=2000) as sig:
        qtbot.mouseClick(deadlines.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert sig.args == [deadlines.item(0).data(Qt.ItemDataRole.UserRole)]


def test_unaccepted_case_is_named_by_its_registration_day(qtbot, ui_app, ui_mediator_desk):
    page = DashboardPage(ui_mediator_desk)
    qtbot.addWidget(page)
    qtbot.waitUntil(lambda: page.data is not None, timeout=10000)
    subs = [page.cards["my_open"].list.item(i).data(Qt.ItemDataRole.UserRole + 1)
            for i in range(page.cards["my_open"].list.count())]
    unaccepted = [s for s in subs if "未受理" in s]
    assert len(unaccepted) == 2
    assert all("#" not in s and "登记）" in s for s in unaccepted)


def test_the_session_loads_pinyin_before_the_first_save(db_file, tmp_path):
    """The day's first save must not pay for pypinyin's tables: the session loads them in the
    background as soon as the main window is made (in a fresh process, where nothing loaded
    them yet; logging in does not)."""
    import subprocess
    import sys
    import textwrap

    from tests.helpers.db import PASSWORDS

    script = textwrap.dedent(f"""
        import os, sys, time
        sys.path.insert(0, {str(Path(__file__).resolve().parents[2])!r})
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        from desktop.app import create_application, start_session
        from desktop.domain.search import load_pinyin
        from desktop.services import auth
        from desktop.store.opening import open_database
        app = create_application([])
        db = open_database("sqlite:///{db_file}")
        actor = auth.login(db, "wang", {PASSWORDS["wang"]!r})
        before = load_pinyin.cache_info().currsize
        win = start_session(db, actor)
        end = time.monotonic() + 30
        while load_pinyin.cache_info().currsize == 0 and time.monotonic() < end:
            app.processEvents()
            time.sleep(0.01)
        print(before, load_pinyin.cache_info().currsize)
    """)
    out = subprocess.run([sys.executable, "-c", script], check=False, capture_output=True, text=True,
                         timeout=120, env=dict(os.environ, MEDIATIONDESK_DATA_DIR=str(tmp_path)))
    assert out.stdout.split() == ["0", "1"], out.stderr[-2000:]
