"""Realistic synthetic data: committees, users, and cases across the whole case life.

Fast enough for a million cases (bulk Core inserts with ids assigned here, one transaction
per batch, so a killed load keeps every batch it reported as committed). Names include rare
characters (𠮷 䶮 堃 赟 昇) and minority names with ·; ID numbers and credit codes are valid.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import itertools
import multiprocessing
import os
import queue
import random
import signal
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import Table, func, select, text

from desktop.domain import deadlines
from desktop.domain.enums import (
    DEFAULT_DISPUTE_TYPES,
    DEFAULT_SOURCES,
    REFERRAL_SOURCES,
    JointKind,
    Role,
)
from desktop.domain.errors import DatabaseError, ValidationError
from desktop.domain.numbering import DEFAULT_PATTERN, validate_pattern
from desktop.domain.validators import credit_code_check_char, resident_id_check_char
from desktop.reports import aggregate
from desktop.services.anchor import append_entries
from desktop.services.base import SYSTEM
from desktop.services.intake import party_names, raise_counters
from desktop.services.terms import case_terms
from desktop.store import bulk
from desktop.store.bulk import bulk_insert
from desktop.store.db import Database
from desktop.store.models import (
    Agreement,
    Base,
    Case,
    Committee,
    FollowUp,
    JudicialConfirmation,
    MediationSession,
    NumberCounter,
    Obligation,
    OralAgreement,
    Party,
    RiskFlag,
    SearchTerm,
    SessionParticipant,
    Setting,
    Termination,
    User,
)

DEMO_PASSWORD = "demo1234"
MAX_DEMO_CASES = 100_000_000  # a city's decade is ten million; beyond this, a typo
SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢") + ["欧阳", "司马", "诸葛", "上官"]
GIVEN = list("伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志红玉兰春梅海燕文斌鹏辉宇浩然欣怡子涵梓萱一诺") + ["堃", "赟", "昇", "䶮", "𠮷", "淼", "犇", "喆"]
MINORITY = ["买买提·艾力", "阿依古丽·吐尔逊", "扎西·次仁", "巴特尔·那木吉拉", "古丽娜尔·阿不都"]
ETHNIC = ["汉族"] * 18 + ["回族", "满族", "壮族", "维吾尔族", "蒙古族", "藏族"]
REGIONS = ["330102", "330106", "330110", "110105", "110108", "440304", "320102", "510104",
           "420106", "370102"]
STREETS = ["青山路", "解放路", "人民路", "河西街", "和平巷", "幸福里", "建设路", "文化路"]
COMPANIES = ["青山物业服务有限公司", "河西建筑工程有限公司", "顺达运输有限公司", "万家乐超市",
             "安居房地产开发有限公司", "康宁医院", "新华装饰工程有限公司"]
CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
FACTS = {
    "neighbor": "双方系邻居，因{x}楼上卫生间漏水导致楼下房屋天花板受损发生纠纷，多次协商未果。",
    "marriage": "双方系夫妻关系，因家庭琐事及子女抚养问题发生矛盾，女方要求离婚并分割共同财产。",
    "property_mgmt": "业主以物业服务不到位为由拒交物业费，物业公司要求补交{x}个月物业费。",
    "labor": "申请人在被申请人处务工，被申请人拖欠工资{x}个月，申请人多次讨要未果。",
    "traffic": "双方在青山路口发生交通事故，造成一方车辆受损、人员轻微受伤，就赔偿数额协商不成。",
    "damages": "被申请人饲养的犬只将申请人咬伤，双方就医疗费、误工费赔偿发生争议。",
    "contract": "双方签订装修合同，因工程质量及工期延误发生纠纷，申请人要求退还部分工程款。",
}


@dataclass
class DemoStats:
    cases: int = 0
    parties: int = 0
    sessions: int = 0
    seconds: float = 0.0
    rebuild_seconds: float = 0.0  # of ``seconds``: building what a deferring load dropped


def _resident_id(rng: random.Random, birth: dt.date, female: bool) -> str:
    seq = rng.randrange(0, 500) * 2 + (0 if female else 1)
    first17 = f"{rng.choice(REGIONS)}{birth:%Y%m%d}{seq:03d}"
    return first17 + resident_id_check_char(first17)


def _credit_code(rng: random.Random) -> str:
    body = "91" + rng.choice(REGIONS) + "".join(rng.choice(CREDIT_ALPHABET) for _ in range(9))
    return body + credit_code_check_char(body)


def _person_name(rng: random.Random) -> str:
    r = rng.random()
    if r < 0.01:
        return rng.choice(MINORITY)
    given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else "")
    return rng.choice(SURNAMES) + given


def ensure_demo_accounts(db: Database) -> tuple[str, str] | None:
    """On an empty database create two committees and demo users; return the demo login.
    Returns None when the database already has users that are not from a demo."""
    from desktop.services.auth import hash_password

    with db.write() as s:
        if s.scalar(select(func.count()).select_from(User)):
            row = s.get(Setting, "demo_login")
            if row is None:
                return None
            username, _, password = row.value.partition(":")
            return username, password
        pw = hash_password(DEMO_PASSWORD)
        c1 = Committee(name="青山街道人民调解委员会", short_name="青", number_pattern=DEFAULT_PATTERN,
                       region="青山区", address="青山区青山路1号综治中心二楼", phone="0571-87000001",
                       director_name="周主任")
        c2 = Committee(name="河西镇人民调解委员会", short_name="河", number_pattern=DEFAULT_PATTERN,
                       region="河西镇", address="河西镇政府综治中心", phone="0571-87000002",
                       director_name="吴主任")
        s.add_all([c1, c2])
        s.flush()
        users = [User(username="demo", display_name="演示管理员", password_hash=pw,
                      role=Role.ADMIN.value, committee_id=c1.id)]
        for i, c in enumerate((c1, c2), start=1):
            users.append(User(username=f"director{i}", display_name=c.director_name,
                              password_hash=pw, role=Role.DIRECTOR.value, committee_id=c.id))
        names = ["王建国", "李秀英", "张明", "刘芳", "陈堃", "杨赟", "黄海燕", "赵志红"]
        for i, name in enumerate(names, start=1):
            users.append(User(username=f"mediator{i}", display_name=name, password_hash=pw,
                              role=Role.MEDIATOR.value, committee_id=(c1 if i <= 4 else c2).id))
        users.append(User(username="inspector", display_name="县司法局督查", password_hash=pw,
                          role=Role.READONLY.value, committee_id=None))
        s.add_all(users)
        s.add(Setting(key="demo_login", value=f"demo:{DEMO_PASSWORD}"))
        s.flush()
        append_entries(s, SYSTEM, [dict(action="demo_setup", entity="committee", entity_id=c1.id,
                                         case_id=None, summary="创建演示调委会和演示账号", detail={})])
    return ("demo", DEMO_PASSWORD)


def generate(db: Database, n: int, *, seed: int = 1, months: int = 24, batch: int = 5000,
             today: dt.date | None = None,
             progress: Callable[[int, int], None] | None = None,
             defer: bool | None = None, note: Callable[[str], None] | None = None,
             process: bool | None = None) -> DemoStats:
    """Load ``n`` demo cases in batches of ``batch``, one transaction each.

    A producer makes the rows of the next batch while this thread writes the current one:
    the database's work (COPY, index upkeep, commit) and Python's run side by side. The
    producer assigns the ids itself from the next free ids read at the start; each batch checks
    in its transaction that nobody else has written cases meanwhile. ``process``: the producer
    is a process of its own that also encodes the rows for the database (by default from
    ``PROCESS_AT`` cases on a machine with more than one core); otherwise a thread of this one.

    ``defer``: drop the loaded tables' secondary indexes (and on PostgreSQL their foreign
    keys) first and build them once at the end (``desktop.store.bulk``), which ``note`` announces.
    By default a load does so when it brings at least ``DEFER_AT`` cases and at least as many
    as the database holds: building an index once then costs less than keeping it up row by
    row. A load that is killed leaves the record of what it dropped, and the next
    ``open_database`` builds it."""
    t0 = time.perf_counter()
    plan, days = make_plan(db, n, seed=seed, months=months, batch=batch, today=today)
    target = _bulk_database(db)
    if defer is None:
        defer = n >= DEFER_AT and n >= plan.ids["case"] - 1
    if process is None:
        process = n >= PROCESS_AT and (os.cpu_count() or 1) > 1
    done = 0
    deferred: list[bulk.Deferred] = []
    stack = contextlib.ExitStack()
    try:
        if defer:
            stack.enter_context(bulk.loading_lock(db.engine))
            with target.write() as s:
                conn = s.connection()
                deferred = bulk.deferrable(conn, [_table(m).name for _k, m in _ORDER],
                                           DEFERRED_INDEX_TABLES)
                deferred = bulk.drop_deferred(conn, deferred, record=True)
        try:
            batches = (_produced_elsewhere(plan, days, "sqlite" if db.is_sqlite else "postgresql")
                       if process else _produced(plan, days))
            for item in batches:
                with target.write() as s:
                    _write_batch(s, db, item, owner=bool(deferred))
                    # the batch's report aggregates, in the batch's transaction
                    aggregate.add_range(s.connection(), item.first["case"], item.last_case)
                    append_entries(s, SYSTEM, [dict(
                        action="demo_load", entity="case", entity_id=None, case_id=None,
                        detail={}, summary=f"载入演示案件 {item.cases} 件")])
                done += item.cases
                if item.stats is not None:
                    plan.stats.cases, plan.stats.parties, plan.stats.sessions = (
                        item.stats.cases, item.stats.parties, item.stats.sessions)
                if progress:
                    progress(done, n)
        finally:
            if deferred:
                if note:
                    fks = sum(d.kind == "fk" for d in deferred)
                    note(f"正在建立 {len(deferred) - fks} 个索引"
                         + (f"、核对 {fks} 项关联……" if fks else "……"))
                t1 = time.perf_counter()
                with target.write() as s:
                    bulk.rebuild_deferred(s.connection(), deferred)
                plan.stats.rebuild_seconds = time.perf_counter() - t1
    finally:
        stack.close()
        if target is not db:
            target.close()
    plan.stats.seconds = time.perf_counter() - t0
    return plan.stats


DEFER_AT = 10_000
FILL_TRIGGER = "search_term_fill"  # migration 0016's: fills in a term row's case columns
PROCESS_AT = 20_000  # a load this big makes its rows in a process of its own (about 1 s to start)
# the tables whose secondary indexes a deferring load drops: every per-batch step reads the
# others by an index (the report aggregates read follow-ups, confirmations and risks by case)
DEFERRED_INDEX_TABLES = ("mediation_case", "party", "search_term", "mediation_session",
                         "session_participant", "agreement", "obligation")


def check_load(n: int, batch: int, months: int) -> None:
    """Refuse a load that cannot be meant, before anything is written."""
    if not 0 <= n <= MAX_DEMO_CASES:
        raise ValidationError(f"演示案件数量（--cases）应在 0 到 {MAX_DEMO_CASES:,} 之间。",
                              field="cases")
    if batch < 1:
        raise ValidationError("每批案件数（--batch）至少为 1。", field="batch")
    if not 1 <= months <= 600:
        raise ValidationError("时间跨度（--months）应在 1 到 600 个月之间。", field="months")


def make_plan(db: Database, n: int, *, seed: int = 1, months: int = 24, batch: int = 5000,
              today: dt.date | None = None) -> tuple[_Plan, _Days]:
    """What a load of ``n`` cases starts from: the desk's committees and mediators, the next
    free ids and case-number counters, and the registration days in batches (``_make_batch``
    turns each into rows; ``bench/load.py`` does so without writing them)."""
    check_load(n, batch, months)
    rng = random.Random(seed)
    today = today or dt.date.today()
    start_day = today - dt.timedelta(days=int(months * 30.4))
    span = (today - start_day).days
    with db.read() as s:
        committees = [(c.id, c.short_name, validate_pattern(c.number_pattern))
                      for c in s.scalars(select(Committee))]
        mediators: dict[int, list[tuple[int, str]]] = {}
        for u in s.scalars(select(User).where(User.role.in_(["mediator", "director"]))):
            if u.committee_id:
                mediators.setdefault(u.committee_id, []).append((u.id, u.display_name))
        ids = {key: _next_id(s, model) for key, model in _ID_MODELS.items()}
        counters = {(c, y): seq for c, y, seq in s.execute(
            select(NumberCounter.committee_id, NumberCounter.year, NumberCounter.last_seq))}
    committees = [c for c in committees if c[0] in mediators] or committees
    # registration days in order, so numbers rise with acceptance dates
    per_day = [0] * (span + 1)
    for _ in range(n):
        per_day[rng.randrange(span + 1)] += 1
    plan = _Plan(rng, committees, mediators, today, ids, counters, DemoStats())
    return plan, _Days(per_day, start_day, batch)


_ID_MODELS: dict[str, Any] = {"case": Case, "party": Party, "session": MediationSession,
                              "agreement": Agreement}
# the tables of a batch, parents first
_ORDER: list[tuple[str, Any]] = [
    ("case", Case), ("party", Party), ("term", SearchTerm), ("session", MediationSession),
    ("participant", SessionParticipant), ("agreement", Agreement), ("obligation", Obligation),
    ("oral", OralAgreement), ("termination", Termination), ("followup", FollowUp),
    ("confirmation", JudicialConfirmation), ("risk", RiskFlag)]


@dataclass
class _Days:
    """The registration days of a load, in batches: a count per day (the same draws as a
    sorted list of n dates, little memory at ten million), iterable any number of times and
    picklable, so a producer process can walk it."""

    per_day: list[int]
    start_day: dt.date
    batch: int

    def __iter__(self) -> Iterator[list[dt.date]]:
        chunk: list[dt.date] = []
        for offset, count in enumerate(self.per_day):
            day = self.start_day + dt.timedelta(days=offset)
            for _ in range(count):
                chunk.append(day)
                if len(chunk) == self.batch:
                    yield chunk
                    chunk = []
        if chunk:
            yield chunk


@dataclass
class _Plan:
    """What the producer needs and keeps: the random source, the desk's committees and
    mediators, and the next ids and case-number counters it hands out."""

    rng: random.Random
    committees: list[tuple[int, str, str]]
    mediators: dict[int, list[tuple[int, str]]]
    today: dt.date
    ids: dict[str, int]
    counters: dict[tuple[int, int], int]
    stats: DemoStats


@dataclass
class _Batch:
    rows: dict[str, list[dict[str, Any]]]
    counters: dict[tuple[int, int], int]  # the counters this batch moved, at their new values
    first: dict[str, int]  # the ids this batch starts at (checked against the database)
    last_case: int
    cases: int
    # made in a producer process: the rows encoded there (``rows`` is then empty) and that
    # process's totals after this batch
    payloads: list[bulk.Payload] | None = None
    stats: DemoStats | None = None


def _produced(plan: _Plan, chunks: Iterable[list[dt.date]]) -> Iterator[_Batch]:
    """The batches of ``chunks``, each made on a producer thread while the caller writes the
    one before. An error in the producer is raised here; leaving early stops the producer.
    Both threads share one core (the GIL): ``_produced_elsewhere`` is what a big load uses."""
    out: queue.Queue[_Batch | BaseException | None] = queue.Queue(maxsize=2)
    stop = threading.Event()

    def put(item: _Batch | BaseException | None) -> None:
        while not stop.is_set():
            try:
                out.put(item, timeout=0.1)
                return
            except queue.Full:
                continue

    def produce() -> None:
        try:
            for days in chunks:
                if stop.is_set():
                    return
                put(_make_batch(plan, days))
            put(None)
        except BaseException as err:  # noqa: BLE001 - handed to the consumer, raised there
            put(err)

    worker = threading.Thread(target=produce, name="demo-producer", daemon=True)
    worker.start()
    try:
        yield from _delivered(out.get)
    finally:
        stop.set()
        worker.join()


def _delivered(receive: Callable[[], _Batch | BaseException | None]) -> Iterator[_Batch]:
    """The batches a producer hands over through ``receive``, up to the None that ends them;
    an error it handed over instead is raised here."""
    while True:
        item = receive()
        if item is None:
            return
        if isinstance(item, BaseException):
            raise item
        yield item


def _produced_elsewhere(plan: _Plan, days: _Days, backend: str) -> Iterator[_Batch]:
    """The batches of ``days``, each made and encoded for ``backend`` in a producer process
    while the caller writes the one before: making and encoding the rows is two thirds of a
    load's Python work, and there it runs on a core of its own.

    The process is spawned (a fresh interpreter, as on Windows: nothing of this process's
    connections or threads is copied into it) and holds nothing of the database; the same
    plan and seed give the same rows as ``_produced``. An error there is raised here; leaving
    early, or Ctrl+C, stops it; a producer that dies stops the load with a message."""
    ctx = multiprocessing.get_context("spawn")
    receive, send = ctx.Pipe(duplex=False)
    worker = ctx.Process(target=_produce, args=(plan, days, backend, send),
                         name="demo-producer", daemon=True)
    with _sigint_ignored():  # inherited through exec: Ctrl+C never reaches it, even while
        worker.start()       # it imports (and prints no traceback there)
    send.close()  # the producer holds the only writing end: its exit ends ``recv``

    def recv() -> _Batch | BaseException | None:
        try:
            return cast("_Batch | BaseException | None", receive.recv())
        except (EOFError, OSError):  # OSError: it died in the middle of a batch
            worker.join(5)
            raise DatabaseError(
                f"生成演示数据的进程意外退出（代码 {worker.exitcode}），已停止载入"
                "（已提交的批次都保留）。请重新运行；如仍失败，请将日志交给技术人员。") from None

    try:
        yield from _delivered(recv)
    finally:
        receive.close()
        if worker.is_alive():
            worker.terminate()
        worker.join()


@contextlib.contextmanager
def _sigint_ignored() -> Iterator[None]:
    """SIGINT ignored while the producer starts (a process started meanwhile keeps it so);
    only the main thread may change a signal's handler, elsewhere this does nothing."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    before = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, before)


def probe_producer(backend: str = "sqlite", cases: int = 20) -> int:
    """Start a producer process as a big load does and make ``cases`` cases there, with no
    database: the rows it sent back. ``selftest`` runs it, so an installation whose
    interpreter cannot start one (a packaging fault) says so before a load needs it."""
    today = dt.date.today()
    plan = _Plan(random.Random(1), [(1, "检", validate_pattern(DEFAULT_PATTERN))],
                 {1: [(1, "自检")]}, today, {"case": 1, "party": 1, "session": 1, "agreement": 1},
                 {}, DemoStats())
    days = _Days([cases], today - dt.timedelta(days=1), max(1, cases // 2))
    return sum(p.rows for item in _produced_elsewhere(plan, days, backend)
               for p in item.payloads or ())


def _produce(plan: _Plan, days: _Days, backend: str, send: Any) -> None:
    """The producer process: every batch of ``days`` made, encoded and sent, then None; an
    error is sent instead (as a RuntimeError naming it when it cannot be pickled)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C is the loader's to handle
    try:
        for chunk in days:
            item = _make_batch(plan, chunk)
            item.payloads = [bulk.encode_rows(backend, _table(model), item.rows[key])
                             for key, model in _ORDER if item.rows[key]]
            item.rows = {}
            item.stats = dataclasses.replace(plan.stats)
            send.send(item)
        send.send(None)
    except (BrokenPipeError, ConnectionResetError):
        return  # the loader stopped reading: it has stopped
    except BaseException as err:  # noqa: BLE001 - handed to the loader, raised there
        try:
            send.send(err)
        except Exception:  # noqa: BLE001 - an exception that does not pickle
            send.send(RuntimeError(f"{type(err).__name__}: {err}"))
    finally:
        send.close()


def _bulk_database(db: Database) -> Database:
    """For SQLite, a separate engine with ``synchronous=NORMAL``: in WAL mode every committed
    batch still survives a killed process; only a power cut could drop the last batches of
    demo data. Desk work keeps ``synchronous=FULL``."""
    if not db.is_sqlite:
        return db
    from sqlalchemy import event

    from desktop.store.db import _make_engine

    engine = _make_engine(db.url)

    @event.listens_for(engine, "connect")
    def _normal(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.execute("PRAGMA synchronous=NORMAL")

    return Database(db.url, engine)


def _next_id(s: Any, model: Any) -> int:
    return int(s.scalar(select(func.max(model.id))) or 0) + 1


TYPES = [e.code for e in DEFAULT_DISPUTE_TYPES]
TYPE_WEIGHTS = [14, 22, 8, 9, 4, 10, 8, 2, 9, 6, 2, 3, 1, 3, 2]
SOURCES = [e.code for e in DEFAULT_SOURCES]
SOURCE_WEIGHTS = [40, 10, 10, 12, 8, 6, 3, 4, 5, 2]
# ``choices`` with cumulative weights draws exactly what it draws with the weights, without
# summing them again on every call
TYPE_CUM = list(itertools.accumulate(TYPE_WEIGHTS))
SOURCE_CUM = list(itertools.accumulate(SOURCE_WEIGHTS))
PERFORMANCES, PERFORMANCE_CUM = ["full", "partial", "none"], list(itertools.accumulate([85, 10, 5]))


def _make_batch(plan: _Plan, days: list[dt.date]) -> _Batch:
    """The rows of one batch of cases (no database access: runs in the producer, a thread or
    a process)."""
    rng, committees, mediators, today, stats = (plan.rng, plan.committees, plan.mediators,
                                                plan.today, plan.stats)
    types, type_cum, sources, source_cum = TYPES, TYPE_CUM, SOURCES, SOURCE_CUM
    first = dict(plan.ids)
    case_id, party_id = plan.ids["case"], plan.ids["party"]
    session_id, agreement_id = plan.ids["session"], plan.ids["agreement"]
    counters = plan.counters
    moved: set[tuple[int, int]] = set()
    rows: dict[str, list[dict[str, Any]]] = {k: [] for k in (
        "case", "party", "term", "session", "participant", "agreement", "obligation", "oral",
        "termination", "followup", "confirmation", "risk")}
    for day in days:
        cid, short, pattern = rng.choice(committees)
        med_id, med_name = rng.choice(mediators.get(cid) or [(None, "")])
        dtype = rng.choices(types, cum_weights=type_cum)[0]
        source = rng.choices(sources, cum_weights=source_cum)[0]
        registered = dt.datetime.combine(day, dt.time(rng.randrange(8, 18), rng.randrange(60)))
        age = (today - day).days
        # parties
        parties: list[dict[str, Any]] = []
        nparties = 2 if rng.random() < 0.85 else 3
        for i in range(nparties):
            side = "applicant" if i == 0 else "respondent"
            if i > 0 and rng.random() < 0.15:
                parties.append(dict(id=party_id, case_id=case_id, sort_order=i, side=side,
                                    kind="organization", name=rng.choice(COMPANIES),
                                    credit_code=_credit_code(rng), legal_rep=_person_name(rng),
                                    legal_rep_title="总经理", address="青山区" + rng.choice(STREETS)
                                    + f"{rng.randrange(1, 300)}号", phone=f"0571-8{rng.randrange(10**6, 10**7)}",
                                    id_type="resident", id_number="", version=1))
            else:
                female = rng.random() < 0.5
                birth = dt.date(rng.randrange(1945, 2004), rng.randrange(1, 13), rng.randrange(1, 29))
                parties.append(dict(id=party_id, case_id=case_id, sort_order=i, side=side,
                                    kind="person", name=_person_name(rng),
                                    sex="female" if female else "male", ethnicity=rng.choice(ETHNIC),
                                    birth_date=birth, id_type="resident",
                                    id_number=_resident_id(rng, birth, female),
                                    phone=f"1{rng.choice('3456789')}{rng.randrange(10**8, 10**9)}",
                                    address="青山区" + rng.choice(STREETS) + f"{rng.randrange(1, 300)}号",
                                    occupation=rng.choice(["务工", "个体", "退休", "农民", "职员"]),
                                    version=1))
            party_id += 1
        # fate of the case by its age
        r = rng.random()
        if r < 0.02:
            status = "refused"
        elif age < 40 and r < 0.5:
            status = rng.choice(["registered", "accepted", "mediating", "mediating"])
        elif r < 0.04:
            status = "referred"
        else:
            status = "succeeded" if rng.random() < 0.93 else "terminated"
        number = year = seq = None
        accepted_on = deadline = closed_on = archived_on = None
        outcome = None
        agreed_amount = None
        joint_mask = 0
        if status not in ("registered", "refused") and not (status == "referred" and r < 0.03):
            accepted_on = min(day + dt.timedelta(days=rng.randrange(0, 3)), today)
            year = accepted_on.year
            seq = counters.get((cid, year), 0) + 1
            counters[(cid, year)] = seq
            moved.add((cid, year))
            number = pattern.format(year=year, short=short, seq=seq)  # checked by make_plan
            deadline = deadlines.mediation_deadline(accepted_on)
        if status in ("succeeded", "terminated", "referred", "refused"):
            base = accepted_on or day
            closed_on = min(base + dt.timedelta(days=rng.randrange(1, 45)), today)
        if status in ("mediating", "succeeded", "terminated") and accepted_on:
            # one to three sessions, some joint
            joint = rng.random()
            kinds = []
            if joint < 0.25:
                kinds = rng.choice([["police"], ["police", "judicial", "lawyer"], ["lawyer"],
                                    ["judicial"], ["police", "lawyer"], ["judge"]])
            for k in range(1, (2 if rng.random() < 0.7 else 3)):
                when = dt.datetime.combine(min(accepted_on + dt.timedelta(days=k * 3), today),
                                           dt.time(9 + k))
                rows["session"].append(dict(id=session_id, case_id=case_id, seq=k,
                                            kind="mediation", started_at=when,
                                            place="综治中心人民调解室", content="调解员向双方释明法律规定，听取双方意见……",
                                            result="双方达成一致" if status == "succeeded" else "",
                                            agreed=status == "succeeded", recorder=med_name, version=1))
                rows["participant"].append(dict(session_id=session_id, kind="mediator",
                                                role="host", name=med_name, unit="", title="",
                                                number="", user_id=med_id))
                for p in parties:
                    rows["participant"].append(dict(session_id=session_id, kind="party",
                                                    role="participant", name=p["name"], unit="",
                                                    title="", number="", party_id=p["id"]))
                for kind in kinds:
                    unit, num = {"police": ("青山派出所", f"{rng.randrange(10**5, 10**6)}"),
                                 "judicial": ("青山司法所", f"SF{rng.randrange(1000, 9999)}"),
                                 "lawyer": ("青山律师事务所", f"1330120{rng.randrange(10**9, 10**10)}"),
                                 "judge": ("青山区人民法院", "")}[kind]
                    rows["participant"].append(dict(session_id=session_id, kind=kind,
                                                    role="participant", name=_person_name(rng),
                                                    unit=unit, title="", number=num))
                    joint_mask |= {"police": JointKind.POLICE, "judicial": JointKind.JUDICIAL,
                                   "lawyer": JointKind.LAWYER, "judge": JointKind.COURT}[kind]
                session_id += 1
                stats.sessions += 1
        if status == "succeeded":
            amount = Decimal(rng.choice([0, 500, 1200, 3000, 8000, 12000, 50000])) + Decimal(
                rng.randrange(0, 100))
            agreed_amount = amount
            if rng.random() < 0.8:
                outcome = "written"
                rows["agreement"].append(dict(
                    id=agreement_id, case_id=case_id, facts=FACTS.get(dtype, "双方发生纠纷。").format(x=3),
                    disputed_matters="赔偿数额及履行方式", responsibilities="被申请人承担主要责任",
                    other_terms="", performance_manner="现金或银行转账", copies=nparties + 1,
                    status="signed", signed_on_paper=rng.random() < 0.3, effective_on=closed_on,
                    total_amount=amount, version=1, performance_deadline=closed_on))
                rows["obligation"].append(dict(
                    agreement_id=agreement_id, seq=1, payer_party_id=parties[1]["id"],
                    payee_party_id=parties[0]["id"], content="赔偿损失", amount=amount,
                    manner="银行转账", deadline=closed_on))
                agreement_id += 1
                if rng.random() < 0.1 and closed_on:
                    filed = closed_on + dt.timedelta(days=rng.randrange(1, 25))
                    if filed <= today:
                        rows["confirmation"].append(dict(
                            case_id=case_id, court="青山区人民法院", filed_on=filed,
                            ruling=rng.choice(["confirmed", "confirmed", "pending", "rejected"]),
                            ruling_on=filed + dt.timedelta(days=10)
                            if filed + dt.timedelta(days=10) <= today else None,
                            ruling_number="", notes="", version=1))
            else:
                outcome = "oral"
                rows["oral"].append(dict(case_id=case_id, facts="", content="双方当场达成口头协议，互不追究。",
                                         performance="当场履行", amount=amount, reached_on=closed_on,
                                         version=1))
            if closed_on and (today - closed_on).days > 14 and rng.random() < 0.7:
                rows["followup"].append(dict(
                    case_id=case_id, visited_on=min(closed_on + dt.timedelta(days=14), today),
                    method=rng.choice(["phone", "visit"]),
                    performance=rng.choices(PERFORMANCES, cum_weights=PERFORMANCE_CUM)[0],
                    satisfaction="satisfied", lawsuit=False, escalation_risk=False,
                    findings="已按协议履行", action="", visitor=med_name))
        elif status == "terminated":
            outcome = "terminated"
            rows["termination"].append(dict(case_id=case_id, reason="双方分歧较大，经多次调解未能达成一致。",
                                            remedies="可依法向人民法院提起诉讼。", terminated_on=closed_on))
        risk_level = None
        if rng.random() < 0.03:
            risk_level = rng.choice(["medium", "high"])
            prevented = status in ("succeeded", "terminated") and rng.random() < 0.8
            rows["risk"].append(dict(case_id=case_id, kind=rng.choice(["criminal", "petition"]),
                                     level=risk_level, description="当事人情绪激动，有激化可能。",
                                     people=rng.randrange(2, 30), measures="稳控化解，报告派出所",
                                     reported_to_police=True, flagged_on=day,
                                     resolved_on=closed_on if prevented else None,
                                     prevented=prevented, version=1))
            if prevented:
                risk_level = None
        if status in ("succeeded", "terminated", "refused", "referred") and closed_on and \
                (today - closed_on).days > 60 and rng.random() < 0.6:
            archived_on = closed_on + dt.timedelta(days=30)
            status_final = "archived"
        else:
            status_final = status
        pn = party_names([_P(p["name"], p["side"]) for p in parties])
        rows["case"].append(dict(
            id=case_id, committee_id=cid, status=status_final, number=number, number_year=year,
            number_seq=seq, title=f"{pn}纠纷"[:200], dispute_type=dtype, source=source,
            referring_unit="青山派出所" if source in REFERRAL_SOURCES else "",
            referral_ref=f"青公（{day.year}）{rng.randrange(1, 999)}号" if source in REFERRAL_SOURCES else "",
            facts=FACTS.get(dtype, "双方因琐事发生纠纷，要求调解。").format(x=rng.randrange(2, 12)),
            requests="要求对方赔偿损失", registered_at=registered, accepted_on=accepted_on,
            deadline=deadline, closed_on=closed_on, archived_on=archived_on, outcome=outcome,
            refuse_reason="不属于人民调解受理范围" if status == "refused" else "",
            joint_mask=int(joint_mask), agreed_amount=agreed_amount, mediator_id=med_id,
            co_mediator_ids="", party_count=nparties, people_involved=nparties,
            risk_level=risk_level, party_names=pn, version=1, updated_at=registered))
        rows["party"].extend(parties)
        for t in case_terms(number, seq, year, [(p["name"], p.get("id_number", ""),
                                                   p.get("phone", ""), p.get("credit_code", ""))
                                                  for p in parties]):
            rows["term"].append(dict(case_id=case_id, term=t, committee_id=cid,
                                      registered_at=registered, status=status_final,
                                      mediator_id=med_id))
        stats.parties += nparties
        stats.cases += 1
        case_id += 1
    plan.ids.update(case=case_id, party=party_id, session=session_id, agreement=agreement_id)
    return _Batch(rows, {k: counters[k] for k in moved}, first, case_id - 1, len(days))


def _write_batch(s: Any, db: Database, batch: _Batch, *, owner: bool = False) -> None:
    """One batch into the database, in the caller's transaction.

    ``owner``: the load owns the tables (it has dropped their indexes). On PostgreSQL the
    search terms' fill trigger is then off for the batch's COPY, inside its transaction: it is
    a BEFORE ROW trigger, and a table with one is copied row by row instead of in buffered
    groups, while every term the load writes already carries what the trigger fills in (its
    WHEN is false for each of them). A batch that stops rolls the switch back with it; the
    lock it takes keeps other writers of search terms waiting for the batch, not readers."""
    for key, model in _ID_MODELS.items():
        if _next_id(s, model) != batch.first[key]:
            raise DatabaseError("载入演示数据期间有其他工作台在这个数据库里保存了记录，已停止载入"
                                "（已提交的批次都保留）。请在没有人使用时再载入演示数据。")
    rows = batch.rows

    conn = s.connection()
    quiet = owner and not db.is_sqlite
    if quiet:
        conn.exec_driver_sql(f"ALTER TABLE search_term DISABLE TRIGGER {FILL_TRIGGER}")
    if batch.payloads is not None:
        for payload in batch.payloads:
            bulk.write_payload(conn, payload)
    for key, model in _ORDER:
        data = rows.get(key)
        if data:
            core = _table(model)
            bulk_insert(conn, core, data)
    if quiet:
        conn.exec_driver_sql(f"ALTER TABLE search_term ENABLE TRIGGER {FILL_TRIGGER}")
    raise_counters(s, batch.counters, postgres=not db.is_sqlite)
    if not db.is_sqlite:
        for table in ("mediation_case", "party", "mediation_session", "agreement"):
            s.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                           f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"))


@dataclass
class _P:
    name: str
    side: str


def _table(model: type[Base]) -> Table:
    """The Core table of a model (declarative maps every model here to one ``Table``)."""
    return cast(Table, model.__table__)
