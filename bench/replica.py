"""Read replica and PgBouncer: what the replica routing costs, and what PgBouncer changes.

    .venv/bin/python bench/replica.py                      # 5,000 demo cases, 100 clients
    .venv/bin/python bench/replica.py --cases 20000 --clients 100 --seconds 10

Starts a throwaway primary and a streaming replica (tests/helpers/pg_replica.py), loads demo
cases, then prints, each with its baseline from the same run:

1. The router's lag probe (primary ``pg_current_wal_lsn()`` + one replica query) against two
   bare ``SELECT 1`` round trips, and the month report / a search read through the router
   (replica) against the same call on the primary alone.
2. ``--clients`` concurrent desks (asyncio psycopg, one connection each, a short read-write
   transaction then ``--think`` seconds idle): straight to PostgreSQL, then through PgBouncer
   in transaction mode (``default_pool_size`` server connections) with psycopg's
   ``prepare_threshold=None``, then through PgBouncer with psycopg's default
   ``prepare_threshold`` (5) to show why that setting is needed. Needs ``pgbouncer`` (apt).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))]


def ms(values: list[float]) -> str:
    return (f"median {statistics.median(values) * 1000:7.2f} ms  "
            f"p95 {pct(values, 95) * 1000:7.2f} ms  (n={len(values)})")


def timed(fn, n: int) -> list[float]:  # type: ignore[no-untyped-def]
    out = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return out


# -- 1. the router ------------------------------------------------------------------------------
def bench_router(primary_url: str, replica_spec: str, replica_url: str, n: int) -> None:
    from sqlalchemy import text

    from desktop.reports.period import Period
    from desktop.services.dto import CaseQuery
    from desktop.store import replica
    from desktop.store.db import Database
    from tests.helpers.db import Desks

    db = Database.connect(primary_url)
    standby = Database.connect(replica_url)
    router = replica.ReplicaRouter(db, replica_spec, max_lag=30)
    with db.engine.connect() as pc, standby.engine.connect() as rc:
        def two_selects() -> None:
            pc.execute(text("SELECT 1")).scalar()
            rc.execute(text("SELECT 1")).scalar()

        timed(two_selects, 20)
        base = timed(two_selects, n)
    router.measure()
    probe = timed(router.measure, n)
    print("1. lag probe")
    print(f"   baseline: SELECT 1 on primary + SELECT 1 on replica  {ms(base)}")
    print(f"   router.measure() (LSN + replay state)                {ms(probe)}")
    print(f"   last probe: {router.measure()}")

    desk = Desks(db)["admin"]
    today = dt.date.today()
    period = Period.month(today.year, today.month)

    def report() -> None:
        desk.reports.report(period, trend=True)

    def search() -> None:
        desk.cases.search(CaseQuery(text="王"))

    for name, fn in (("month report + 12-month trend", report), ("search '王' (first page)", search)):
        replica.detach(db)
        fn()
        on_primary = timed(fn, max(5, n // 10))
        replica.attach(db, replica_spec, max_lag=30)
        fn()
        on_replica = timed(fn, max(5, n // 10))
        replica.attach(db, replica_spec, max_lag=30, probe_every=0)
        fn()
        probed = timed(fn, max(5, n // 10))
        print(f"   {name}:")
        print(f"     primary only (baseline)          {ms(on_primary)}")
        print(f"     via router, replica, probe ≤1/s  {ms(on_replica)}")
        print(f"     via router, probe every call     {ms(probed)}")
        print(f"     note: {replica.last_source(db).note}")
    replica.detach(db)
    standby.close()
    db.close()


# -- 2. PgBouncer ---------------------------------------------------------------------------------
async def desks(conninfo: str, clients: int, seconds: float, think: float,
                prepare_threshold: int | None, backends_of: str) -> dict[str, object]:
    import psycopg

    lat: list[float] = []
    errors: dict[str, int] = {}
    peak = [0]
    connected = [0]
    go = asyncio.Event()
    stop = [float("inf")]

    async def one(i: int) -> None:
        rng = random.Random(i)
        async with await psycopg.AsyncConnection.connect(
                conninfo, prepare_threshold=prepare_threshold) as conn:
            connected[0] += 1
            if connected[0] == clients:  # every desk is logged in: the clock starts now
                stop[0] = time.monotonic() + seconds
                go.set()
            await go.wait()
            await asyncio.sleep(rng.random() * think)
            while time.monotonic() < stop[0]:
                t = time.perf_counter()
                try:
                    async with conn.transaction():
                        cur = await conn.execute(
                            "SELECT id, version FROM mediation_case WHERE id = %s",
                            (rng.randint(1, 5000),))
                        await cur.fetchone()
                        await conn.execute(
                            "UPDATE bench_counter SET n = n + 1 WHERE id = %s", (i,))
                    lat.append(time.perf_counter() - t)
                except psycopg.Error as err:
                    key = type(err).__name__  # e.g. DuplicatePreparedStatement
                    errors[key] = errors.get(key, 0) + 1
                await asyncio.sleep(think)

    async def watch() -> None:
        async with await psycopg.AsyncConnection.connect(backends_of, autocommit=True) as c:
            await go.wait()
            while time.monotonic() < stop[0]:
                cur = await c.execute("SELECT count(*) FROM pg_stat_activity "
                                      "WHERE datname = 'md' AND backend_type = 'client backend'")
                row = await cur.fetchone()
                peak[0] = max(peak[0], int(row[0]) - 1 if row else 0)
                await asyncio.sleep(0.2)

    t0 = time.monotonic()
    await asyncio.gather(watch(), *(one(i) for i in range(clients)))
    return {"lat": lat, "errors": errors, "backends": peak[0], "tps": len(lat) / seconds,
            "login": stop[0] - seconds - t0}


def bench_pgbouncer(server, password: str, clients: int, seconds: float, think: float,  # type: ignore[no-untyped-def]
                    pool: int, folder: Path) -> None:
    server.psql("CREATE TABLE IF NOT EXISTS bench_counter (id int PRIMARY KEY, n int)", "md")
    server.psql(f"INSERT INTO bench_counter SELECT g, 0 FROM generate_series(0, {clients}) g "
                "ON CONFLICT DO NOTHING", "md")
    from tests.helpers.pgbouncer import start_pgbouncer

    direct = f"host=127.0.0.1 port={server.port} dbname=md user=postgres password={password}"
    proc, port = start_pgbouncer(server, folder / "pgbouncer", pool=pool, password=password)
    bounced = f"host=127.0.0.1 port={port} dbname=md user=postgres password={password}"
    print(f"2. {clients} desks, one short read-write transaction every {think * 1000:.0f} ms each, "
          f"{seconds:.0f} s per run")
    try:
        runs = [("straight to PostgreSQL (baseline)", direct, 5),
                (f"PgBouncer transaction mode, pool {pool}, prepare_threshold=None", bounced, None),
                (f"PgBouncer transaction mode, pool {pool}, prepare_threshold=5 (default)",
                 bounced, 5)]
        for label, conninfo, threshold in runs:
            r = asyncio.run(desks(conninfo, clients, seconds, think, threshold, direct))
            lat = r["lat"]
            assert isinstance(lat, list)
            print(f"   {label}:")
            print(f"     all {clients} connected in {r['login']:.1f} s; server connections "
                  f"(peak) {r['backends']}; {r['tps']:.0f} transactions/s; "
                  f"{ms(lat) if lat else 'no transaction'}")
            for err, n in (r["errors"] or {}).items():  # type: ignore[union-attr]
                print(f"     errors: {n} × {err}")
            if not lat:
                log = folder / "pgbouncer" / "pgbouncer.log"
                print(log.read_text()[-1500:] if log.exists() else "(no pgbouncer log)")
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--cases", type=int, default=5000)
    ap.add_argument("--probes", type=int, default=200)
    ap.add_argument("--clients", type=int, default=100)
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--think", type=float, default=0.05)
    ap.add_argument("--pool", type=int, default=20)
    args = ap.parse_args()
    os.environ.setdefault("CI", "true")  # a server that cannot start is an error here
    from desktop.services import demo
    from desktop.store.opening import open_database
    from tests.helpers.db import populate
    from tests.helpers.pg import PG_PASSWORD, start_server
    from tests.helpers.pg_replica import ReplicaPair, start_replica

    (REPO / "bench" / "out").mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="md-bench-replica-", dir="/tmp"))
    primary = start_server(folder)
    replica_server = None
    try:
        name = primary.create_database("md")
        db = open_database(primary.url(name))
        populate(db)
        t = time.perf_counter()
        demo.generate(db, args.cases)
        db.close()
        print(f"{args.cases} demo cases loaded in {time.perf_counter() - t:.1f} s")
        if primary.run_as:
            shutil.chown(folder, primary.run_as)
        replica_server = start_replica(primary, folder)
        ReplicaPair(primary, replica_server).wait_replayed(timeout=300)
        bench_router(primary.url(name), f"127.0.0.1:{replica_server.port}",
                     replica_server.url(name), args.probes)
        bench_pgbouncer(primary, PG_PASSWORD, args.clients, args.seconds, args.think,
                        args.pool, folder)
    finally:
        if replica_server is not None:
            replica_server.stop("immediate")
        primary.stop("immediate")
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
