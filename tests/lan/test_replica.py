"""Reports, drill-downs, search and the dashboard read from a real streaming replica when it
is fresh enough, fall back to the primary past the administrator's threshold or when the
replica is gone, and never write through it (primary + hot standby from the fixture)."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator

import pytest
from sqlalchemy import func, insert, select, text

from desktop.domain.errors import DatabaseError
from desktop.reports.period import Period
from desktop.services import Desk
from desktop.services.dto import CaseQuery, PartyInput
from desktop.store import replica
from desktop.store.db import Database
from desktop.store.models import Case, Committee
from tests.helpers.cases import draft
from tests.helpers.db import Desks
from tests.helpers.pg_replica import ReplicaPair, url

pytestmark = pytest.mark.postgres


@pytest.fixture
def primary(pg_pair: ReplicaPair) -> Iterator[Database]:
    db = Database.connect(url(pg_pair.primary))
    yield db
    replica.detach(db)
    db.close()
    pg_pair.resume_replay()  # a test that paused replay leaves the replica following again


@pytest.fixture
def other_desk(pg_pair: ReplicaPair) -> Iterator[Desk]:
    """Another desk on the primary (no replica): its saves are not this process's own."""
    db = Database.connect(url(pg_pair.primary))
    yield Desks(db)["wang"]
    db.close()


def registered(desk: Desk, name: str) -> int:
    """A case whose applicant is named ``name`` (search finds cases by party names)."""
    return desk.intake.register(draft(parties=[
        PartyInput(name, side="applicant"), PartyInput("李四", side="respondent")])).id


def accepted_case(desk: Desk, name: str) -> int:
    case_id = registered(desk, name)
    desk.intake.accept(case_id)
    return case_id


def found(desk: Desk, name: str) -> list[int]:
    return [r.id for r in desk.cases.search(CaseQuery(text=name)).rows]


def month() -> Period:
    today = dt.date.today()
    return Period.month(today.year, today.month)


def test_a_write_on_the_primary_is_replayed_on_the_replica(pg_pair: ReplicaPair,
                                                           other_desk: Desk) -> None:
    case_id = accepted_case(other_desk, "欧阳复制")
    pg_pair.wait_replayed()
    standby = Database.connect(url(pg_pair.replica))
    try:
        with standby.read() as s:
            assert s.scalar(select(Case.title).where(Case.id == case_id))
            assert s.scalar(text("SELECT pg_is_in_recovery()")) is True
    finally:
        standby.close()


def test_reports_search_and_dashboard_read_the_replica_when_fresh(
        pg_pair: ReplicaPair, primary: Database, other_desk: Desk) -> None:
    director = Desks(primary)["zhuren"]
    replica.attach(primary, pg_pair.replica_spec(), max_lag=3600)
    pg_pair.wait_replayed()
    before = director.reports.report(month(), trend=False).total.counts["accepted"]
    source = replica.last_source(primary)
    assert source.replica and source.reason == "fresh" and source.lag == 0
    assert director.read_note() == "数据来自只读副本，与主服务器同步（延迟不到 1 秒）"

    # Replay paused: another desk's new case is on the primary only. Within the threshold
    # the report, the drill-down, the search and the dashboard still read the replica —
    # which proves where they read — and the note says how far behind it is.
    pg_pair.pause_replay()
    case_id = accepted_case(other_desk, "司马暂停")
    time.sleep(1.2)
    report = director.reports.report(month(), trend=False)
    assert report.total.counts["accepted"] == before
    source = replica.last_source(primary)
    assert source.replica and source.reason == "fresh" and source.lag and source.lag >= 1
    assert director.read_note().startswith("数据来自只读副本，延迟约 ")
    drill = director.reports.cases_behind(month(), None, "accepted")
    assert case_id not in [r.id for r in drill.rows]
    assert case_id not in found(director, "司马暂停")
    mediator = Desks(primary)["wang"]  # the case is his: on his dashboard, once replayed
    assert case_id not in [r.id for r in mediator.cases.dashboard().my_open]

    pg_pair.resume_replay()
    pg_pair.wait_replayed()
    time.sleep(replica.PROBE_EVERY)  # the next probe sees it caught up
    assert director.reports.report(month(), trend=False).total.counts["accepted"] == before + 1
    assert case_id in [r.id for r in director.reports.cases_behind(month(), None, "accepted").rows]
    assert case_id in [r.id for r in mediator.cases.dashboard().my_open]
    assert case_id in found(director, "司马暂停")
    assert replica.last_source(primary).lag == 0


def test_past_the_threshold_reads_fall_back_to_the_primary(
        pg_pair: ReplicaPair, primary: Database, other_desk: Desk) -> None:
    director = Desks(primary)["zhuren"]
    replica.attach(primary, pg_pair.replica_spec(), max_lag=1, probe_every=0)
    pg_pair.wait_replayed()
    before = director.cases.count(CaseQuery())
    assert replica.last_source(primary).replica
    pg_pair.pause_replay()
    case_id = accepted_case(other_desk, "诸葛阈值")
    time.sleep(1.5)
    assert director.cases.count(CaseQuery()) == before + 1  # the primary's figure
    source = replica.last_source(primary)
    assert not source.replica and source.reason == "lagging" and source.lag and source.lag > 1
    assert case_id in found(director, "诸葛阈值")
    note = director.read_note()
    assert note.startswith("只读副本延迟约 ") and "超过设定的 1 秒" in note
    assert note.endswith("本次数据改从主服务器读取")
    assert case_id in [r.id for r in director.reports.cases_behind(month(), None,
                                                                   "accepted").rows]
    pg_pair.resume_replay()
    pg_pair.wait_replayed()
    assert director.cases.count(CaseQuery()) == before + 1
    assert replica.last_source(primary).replica  # back on the replica once caught up


def test_a_desk_sees_its_own_save_even_when_the_replica_has_not_replayed_it(
        pg_pair: ReplicaPair, primary: Database) -> None:
    mediator = Desks(primary)["wang"]
    replica.attach(primary, pg_pair.replica_spec(), max_lag=3600)
    pg_pair.wait_replayed()
    mediator.cases.count(CaseQuery())
    pg_pair.pause_replay()
    case_id = registered(mediator, "上官自己")
    assert case_id in found(mediator, "上官自己")
    assert replica.last_source(primary).reason == "own_write"
    assert mediator.read_note() == "您刚保存的内容尚未同步到只读副本，本次数据从主服务器读取"


def test_a_write_through_the_read_path_is_refused_on_either_server(
        pg_pair: ReplicaPair, primary: Database) -> None:
    router = replica.attach(primary, pg_pair.replica_spec(), max_lag=1, probe_every=0)
    pg_pair.wait_replayed()
    with primary.read() as s:
        committees = s.scalar(select(func.count()).select_from(Committee))

    def try_write() -> None:
        with replica.shared_read(primary) as s:
            s.execute(insert(Committee).values(name="不该写入的调委会", short_name="误"))
            s.flush()

    with pytest.raises(DatabaseError):
        try_write()  # served by the replica
    assert router.last.replica
    # the replica's database object cannot write either
    with pytest.raises(DatabaseError), router.replica_db.write() as s:
        s.execute(insert(Committee).values(name="不该写入的调委会", short_name="误"))
    pg_pair.pause_replay()
    with primary.write() as s:  # make the replica fall behind, then let the lag grow
        s.execute(text("SELECT 1"))
    Desks(primary)["admin"].committees.add("复制测试调委会", "复")
    time.sleep(1.5)
    with pytest.raises(DatabaseError):
        try_write()  # served by the primary, still READ ONLY
    assert not router.last.replica
    with primary.read() as s:
        assert s.scalar(select(func.count()).select_from(Committee)) == committees + 1
        assert s.scalar(select(func.count()).select_from(Committee)
                        .where(Committee.name == "不该写入的调委会")) == 0


def test_a_stopped_replica_sends_reads_to_the_primary_and_comes_back(
        pg_pair: ReplicaPair, primary: Database, other_desk: Desk) -> None:
    director = Desks(primary)["zhuren"]
    replica.attach(primary, pg_pair.replica_spec(), max_lag=30, probe_every=0,
                   retry_after=0.5)
    pg_pair.wait_replayed()
    director.reports.report(month(), trend=False)
    assert replica.last_source(primary).replica
    pg_pair.replica.stop("fast")
    try:
        case_id = accepted_case(other_desk, "东方停机")
        drill = director.reports.cases_behind(month(), None, "accepted")
        assert case_id in [r.id for r in drill.rows]
        source = replica.last_source(primary)
        assert not source.replica and source.reason == "unreachable"
        assert director.read_note() == "只读副本无法连接，本次数据改从主服务器读取"
        assert case_id in found(director, "东方停机")
    finally:
        pg_pair.replica.start()
    pg_pair.wait_replayed()
    time.sleep(0.6)
    assert case_id in found(director, "东方停机")
    assert replica.last_source(primary).replica


def test_the_reports_screen_and_the_status_bar_show_the_note(
        qtbot, pg_pair: ReplicaPair, primary: Database, other_desk: Desk,  # type: ignore[no-untyped-def]
        tmp_path) -> None:
    from desktop.ui import ops
    from desktop.ui.reports import ReportsPage

    replica.attach(primary, pg_pair.replica_spec(), max_lag=1, probe_every=0)
    pg_pair.wait_replayed()
    page = ReportsPage(Desks(primary)["zhuren"])
    qtbot.addWidget(page)
    qtbot.waitUntil(lambda: page.report is not None, timeout=20000)
    ops.wait_idle(10000)
    assert page.read_note.isVisibleTo(page)
    assert page.read_note.text() == "数据来自只读副本，与主服务器同步（延迟不到 1 秒）"
    pg_pair.pause_replay()
    accepted_case(other_desk, "慕容屏幕")
    time.sleep(1.5)
    with qtbot.waitSignal(page.report_shown, timeout=20000):
        page.refresh()
    assert "超过设定的 1 秒，本次数据改从主服务器读取" in page.read_note.text()
    assert "#9a5b00" in page.read_note.styleSheet()  # amber: the figures are the primary's
    page.resize(1366, 768)
    page.grab().save(str(tmp_path / "reports-replica-note.png"))


def test_the_report_command_reads_the_replica_and_says_so(
        pg_pair: ReplicaPair, primary: Database, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    from desktop.cli import main
    from tests.helpers.db import PASSWORDS

    pg_pair.wait_replayed()
    monkeypatch.setenv("MEDIATIONDESK_PASSWORD", PASSWORDS["zhuren"])
    code = main(["report", "monthly", "--month", month().slug, "--db", url(pg_pair.primary),
                 "--replica", pg_pair.replica_spec(), "--replica-max-lag", "60",
                 "--user", "zhuren"])
    out, err = capsys.readouterr()
    assert code == 0, err
    # logging in wrote to the primary just before: the report reads the replica once it has
    # replayed that login (on a loaded machine it may not have yet, and then says so)
    assert ("（数据来自只读副本" in out
            or "（您刚保存的内容尚未同步到只读副本，本次数据从主服务器读取）" in out), out
    code = main(["report", "monthly", "--month", month().slug, "--db", url(pg_pair.primary),
                 "--replica", "127.0.0.1:1", "--user", "zhuren"])
    out = capsys.readouterr().out
    assert code == 0 and "（只读副本无法连接，本次数据改从主服务器读取）" in out


def test_a_query_the_standby_cancels_is_explained_and_the_next_read_uses_the_primary(
        pg_pair: ReplicaPair, primary: Database) -> None:
    director = Desks(primary)["zhuren"]
    router = replica.attach(primary, pg_pair.replica_spec(), max_lag=30, probe_every=0)
    pg_pair.primary.psql("CREATE TABLE conflict_probe (n int); INSERT INTO conflict_probe VALUES (1)",
                         "md")
    pg_pair.replica.psql("ALTER SYSTEM SET max_standby_streaming_delay = '100ms'")
    pg_pair.replica.psql("SELECT pg_reload_conf()")
    pg_pair.wait_replayed()
    try:
        with pytest.raises(DatabaseError) as err, replica.shared_read(primary) as s:
            assert router.last.replica
            s.execute(text("SELECT n FROM conflict_probe")).all()  # holds its lock
            pg_pair.primary.psql("DROP TABLE conflict_probe", "md")  # replay needs that lock
            give_up = time.monotonic() + 60  # a hang guard: replay comes when the box lets it
            while time.monotonic() < give_up:
                s.execute(text("SELECT 1")).all()
                time.sleep(0.2)
        assert err.value.message.startswith("只读副本正在同步数据，中断了这次统计或查询")
        director.cases.count(CaseQuery())
        assert replica.last_source(primary).reason == "unreachable"  # left alone for a while
    finally:
        pg_pair.replica.psql("ALTER SYSTEM RESET max_standby_streaming_delay")
        pg_pair.replica.psql("SELECT pg_reload_conf()")


def test_a_promoted_replica_is_no_longer_read(pg_pair: ReplicaPair, primary: Database) -> None:
    """After a failover the old replica is a primary of its own that no longer follows ours:
    its figures would drift, so reads stay on the profile's primary. (Last in the module: the
    pair is not a pair afterwards.)"""
    import subprocess

    director = Desks(primary)["zhuren"]
    replica.attach(primary, pg_pair.replica_spec(), max_lag=30, probe_every=0)
    pg_pair.wait_replayed()
    director.cases.count(CaseQuery())
    assert replica.last_source(primary).replica
    subprocess.run(pg_pair.replica._cmd(str(pg_pair.replica.bindir / "pg_ctl"), "-D",
                                        str(pg_pair.replica.datadir), "-w", "promote"),
                   check=True, capture_output=True)
    director.cases.count(CaseQuery())
    source = replica.last_source(primary)
    assert not source.replica and source.reason == "promoted"
    assert "已被提升为主服务器" in director.read_note()
