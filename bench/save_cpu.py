"""CPU time of one save through the services, beside a raw save of the same row, per backend.

    .venv/bin/python bench/save_cpu.py                      # SQLite file and a throwaway PostgreSQL
    .venv/bin/python bench/save_cpu.py --saves 200 --backend postgresql
    .venv/bin/python bench/save_cpu.py --profile 30         # cProfile of the app saves, top 30

One "save" is what a desk of ``bench/lan.py`` does after opening a case: an edit of 请求事项
(``IntakeService.update_case``, optimistic version check, audit entry) or a new mediation
session (``SessionService.add``). Measured with ``time.process_time`` (this process's CPU,
not wall time: the machine is shared, and on PostgreSQL the server's own CPU is not counted),
one desk, one case after another from its committee's open cases, in rounds that also run:

- the baseline: the same row's versioned UPDATE through the bare driver (sqlite3 or psycopg),
  ``SELECT version … FOR UPDATE`` then ``UPDATE … SET requests, version + 1, updated_at``,
  one transaction;
- the same UPDATE through SQLAlchemy Core on the app's engine;
- the search and the open (``CaseService.search`` by a surname, ``CaseService.get``) that
  precede a save at a desk, for scale.

Medians (and p90) per operation in ms of CPU. Each round runs every operation once, so all of
them see the same machine load. At the end the audit chain is verified (it must be intact).
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import io
import pstats
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
OPS = ("raw driver UPDATE", "Core UPDATE", "app edit (update_case)", "app session (sessions.add)",
       "search (surname)", "open (cases.get)")


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))]


def raw_connection(url: str) -> tuple[Any, Callable[[int, str], None]]:
    """A bare driver connection and the baseline save on it."""
    from sqlalchemy.engine import make_url

    u = make_url(url)
    now = dt.datetime.now().replace(microsecond=0)
    if u.get_backend_name() == "sqlite":
        import sqlite3

        conn = sqlite3.connect(u.database or "", timeout=30, isolation_level=None)

        def save_sqlite(cid: int, value: str) -> None:
            conn.execute("BEGIN IMMEDIATE")
            (version,) = conn.execute("SELECT version FROM mediation_case WHERE id = ?",
                                      (cid,)).fetchone()
            conn.execute("UPDATE mediation_case SET requests = ?, version = version + 1, "
                         "updated_at = ? WHERE id = ? AND version = ?",
                         (value, now.isoformat(sep=" "), cid, version))
            conn.execute("COMMIT")
        return conn, save_sqlite
    import psycopg

    pg = psycopg.connect(host=u.host, port=u.port, user=u.username, password=u.password,
                         dbname=u.database)

    def save_pg(cid: int, value: str) -> None:
        with pg.transaction():
            (version,) = pg.execute("SELECT version FROM mediation_case WHERE id = %s "
                                    "FOR UPDATE", (cid,)).fetchone()  # type: ignore[misc]
            pg.execute("UPDATE mediation_case SET requests = %s, version = version + 1, "
                       "updated_at = %s WHERE id = %s AND version = %s",
                       (value, now, cid, version))
    return pg, save_pg


def measure(url: str, saves: int, seed: int, profile: int,
            watch: tuple[str, ...]) -> dict[str, list[float]]:
    from sqlalchemy import bindparam, select, update

    from desktop.domain.search import load_pinyin
    from desktop.services.dto import CaseQuery, CaseUpdate
    from desktop.store.audit_chain import verify_chain
    from desktop.store.db import Database
    from desktop.store.models import Case
    from tests.lan.desk import desk_for, session_input

    rng = random.Random(seed)
    db = Database.connect(url)
    desk = desk_for(db, "zhuren")
    load_pinyin()
    pool = [r.id for r in desk.cases.search(CaseQuery(statuses=["accepted", "mediating"],
                                                      limit=200, with_total=False)).rows]
    assert pool, "no open case in the director's committee"
    raw, raw_save = raw_connection(url)
    ct: Any = Case.__table__
    core_stmt = (update(ct).where(ct.c.id == bindparam("cid"), ct.c.version == bindparam("v"))
                 .values(requests=bindparam("value"), version=ct.c.version + 1,
                         updated_at=dt.datetime.now().replace(microsecond=0)))

    def core_save(cid: int, value: str) -> None:
        with db.write() as s:
            stmt = select(ct.c.version).where(ct.c.id == cid)
            if not db.is_sqlite:
                stmt = stmt.with_for_update()
            v = s.execute(stmt).scalar_one()
            s.execute(core_stmt, {"cid": cid, "v": v, "value": value})

    def edit(cid: int, version: int, value: str) -> None:
        desk.intake.update_case(cid, version, CaseUpdate(requests=value))

    def add_session(cid: int) -> None:
        desk.sessions.add(cid, session_input(desk, rng))

    def search() -> None:
        desk.cases.search(CaseQuery(text=rng.choice(SURNAMES), limit=50,
                                    statuses=["accepted", "mediating"], with_total=False))

    res: dict[str, list[float]] = {k: [] for k in OPS}
    prof = cProfile.Profile(time.process_time) if profile else None

    def timed(op: str, fn: Callable[..., Any], *args: Any) -> None:
        """Run fn(*args); its CPU time goes to ``res[op]`` (a warm-up round has op "")."""
        watched = prof is not None and op in watch
        if watched:
            prof.enable()  # type: ignore[union-attr]
        t0 = time.process_time()
        fn(*args)
        ms = (time.process_time() - t0) * 1000
        if watched:
            prof.disable()  # type: ignore[union-attr]
        if op:
            res[op].append(ms)

    # rounds 0-2 warm up: every statement compiled once, as in a desk open a while
    for i in range(-3, saves):
        cid = pool[i % len(pool)]
        name = dict.fromkeys(OPS, "") if i < 0 else {op: op for op in OPS}
        timed(name["raw driver UPDATE"], raw_save, cid, f"raw{i}")
        timed(name["Core UPDATE"], core_save, cid, f"core{i}")
        version = desk.cases.get(cid).version  # not measured: the desk has it from the open
        timed(name["app edit (update_case)"], edit, cid, version, f"请求{seed}-{i}")
        timed(name["app session (sessions.add)"], add_session, cid)
        timed(name["search (surname)"], search)
        timed(name["open (cases.get)"], desk.cases.get, cid)
    raw.close()
    with db.read() as s:
        report = verify_chain(s)
    print(f"  审计链：{report.message}")
    db.close()
    if prof:
        out = io.StringIO()
        pstats.Stats(prof, stream=out).sort_stats("cumulative").print_stats(profile)
        print(out.getvalue())
        out = io.StringIO()  # the app's own functions
        pstats.Stats(prof, stream=out).sort_stats("cumulative").print_stats(
            str(REPO / "desktop"), profile)
        print(out.getvalue())
        out = io.StringIO()
        pstats.Stats(prof, stream=out).sort_stats("tottime").print_stats(profile)
        print(out.getvalue())
    if not report.ok:
        raise SystemExit(1)
    return res


def prepare(url: str, cases: int) -> None:
    from desktop.services import demo
    from desktop.store.opening import open_database
    from tests.helpers.db import populate

    db = open_database(url)
    populate(db)
    demo.generate(db, cases, seed=7, months=3)
    db.close()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    ap.add_argument("--saves", type=int, default=200, help="rounds (each: every operation once)")
    ap.add_argument("--cases", type=int, default=500, help="demo cases loaded first")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--profile", type=int, default=0, metavar="N",
                    help="cProfile the app's saves and print the top N functions")
    ap.add_argument("--profile-op", action="append", default=[], metavar="WORD",
                    help="which operations --profile covers (default: edit and session), "
                         "by a word of their name: edit, session, search, open")
    args = ap.parse_args()
    args.profile_op = args.profile_op or ["edit", "session"]
    folder = Path(tempfile.mkdtemp(prefix="md-savecpu-"))
    folder.chmod(0o755)  # the throwaway server runs as the postgres user
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    results: dict[str, dict[str, list[float]]] = {}
    server = None
    try:
        for backend in backends:
            if backend == "sqlite":
                url = f"sqlite:///{folder / 'bench.sqlite3'}"
            else:
                from tests.helpers.pg import start_server

                server = start_server(folder / "pg")
                url = server.url(server.create_database("bench"))
            prepare(url, args.cases)
            print(f"{backend}: {args.cases} 件演示案件，{args.saves} 轮")
            watch = tuple(op for op in OPS if any(w in op for w in args.profile_op))
            results[backend] = measure(url, args.saves, args.seed, args.profile, watch)
    finally:
        if server is not None:
            server.stop("immediate")
    import os

    print(f"\nCPU 毫秒/次（process_time，中位数 / p90），{os.cpu_count()} 核，"
          f"结束时 1 分钟负载 {os.getloadavg()[0]:.1f}")
    print(f"{'操作':<30}" + "".join(f"{b:>22}" for b in results))
    for op in OPS:
        print(f"{op:<30}" + "".join(
            f"{statistics.median(r[op]):>14.2f} / {pct(r[op], 90):>5.2f}" for r in results.values()))
    print("A desk of bench/lan.py, per save: search + open + 0.6 × edit + 0.4 × session "
          "(what its CPU/保存 column divides)")
    for b, r in results.items():
        med = {op: statistics.median(v) for op, v in r.items()}
        base = med["raw driver UPDATE"]
        loop = (med["search (surname)"] + med["open (cases.get)"]
                + 0.6 * med["app edit (update_case)"] + 0.4 * med["app session (sessions.add)"])
        print(f"  {b}: {loop:.1f} ms; app edit {med['app edit (update_case)'] / base:.1f}× the "
              f"raw UPDATE, session {med['app session (sessions.add)'] / base:.1f}×")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
