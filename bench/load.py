"""Loading at scale: the demo load (what `demo`, and by the same bulk path `restore` and
`migrate-data`, do) against its two floors measured in the same run.

    .venv/bin/python bench/load.py --cases 100000                       # SQLite file in bench/out
    .venv/bin/python bench/load.py --cases 100000 --pg postgresql+psycopg://…/empty_db
    .venv/bin/python bench/load.py --cases 1000000 --pg throwaway --no-floors --baseline both

Printed, each as cases/s and rows/s:
* the load: ``demo.generate`` into a fresh migrated database (rows made and encoded in a
  producer process -- on a thread below 20,000 cases -- while the previous batch is written;
  report aggregates and the audit entry per batch);
* floor 1, Python alone: the same rows made with no database (``_make_batch``);
* floor 2, the database alone: those rows written again into a second fresh database by the
  same bulk path (COPY / executemany), with its indexes and foreign keys, with no generation,
  aggregates or audit;
* the baselines (``--baseline``): ``thread``, the same load making its rows on a thread of the
  loading process (``process=False``), as every load did before the producer process; ``kept``,
  the same load keeping the indexes (on PostgreSQL and the foreign keys) up row by row
  (``defer=False``), as every load did before it built them once at the end.
The load cannot beat the slower floor; on one machine both floors share its cores. The
extrapolation to 10,000,000 cases is printed beside the issue's 15-minute target.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from sqlalchemy import func, select, text

from desktop.services import demo
from desktop.store.bulk import bulk_insert
from desktop.store.db import Database
from desktop.store.opening import open_database

TODAY = dt.date(2026, 11, 30)


def fresh(url_or_path: str, tag: str) -> tuple[str, Database]:
    if url_or_path.startswith("postgresql"):
        from sqlalchemy import create_engine
        from sqlalchemy.engine import make_url

        u = make_url(url_or_path)
        name = f"{u.database}_{tag}"
        admin = create_engine(u.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as con:
            con.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
            con.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        url = u.set(database=name).render_as_string(hide_password=False)
    else:
        path = Path(url_or_path).with_name(f"{Path(url_or_path).stem}-{tag}.sqlite3")
        for p in path.parent.glob(path.name + "*"):
            p.unlink()
        url = f"sqlite:///{path}"
    db = open_database(url, backup=False)
    demo.ensure_demo_accounts(db)
    return url, db


def children_cpu() -> float:
    """CPU seconds of the finished child processes (the load's producer process); 0 where
    the system does not count them (Windows)."""
    try:
        import resource
    except ImportError:
        return 0.0
    u = resource.getrusage(resource.RUSAGE_CHILDREN)
    return u.ru_utime + u.ru_stime


def rows_of(batch: demo._Batch) -> int:
    return sum(len(v) for v in batch.rows.values())


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cases", type=int, default=100_000)
    ap.add_argument("--batch", type=int, default=5000)
    ap.add_argument("--pg", help="PostgreSQL URL; databases <name>_load and <name>_floor are "
                                 "created beside it (default: SQLite files in bench/out); "
                                 "'throwaway': a server of its own, stopped at the end")
    ap.add_argument("--no-floors", action="store_true",
                    help="skip the floors (floor 1 holds every batch in memory: some 15 GB "
                         "at 1,000,000 cases)")
    ap.add_argument("--baseline", choices=["thread", "kept", "both"], default="thread",
                    help="the load beside it: rows made on a thread (process=False), indexes "
                         "kept up row by row (defer=False), or both (default: thread)")
    args = ap.parse_args()
    out = REPO / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    server = None
    if args.pg == "throwaway":
        import tempfile

        from tests.helpers.pg import start_server

        folder = Path(tempfile.mkdtemp(prefix="md-load-"))
        folder.chmod(0o755)  # the server runs as the postgres user
        server = start_server(folder / "pg")
        args.pg = server.url(server.create_database("bench"))
    try:
        return run(args, out)
    finally:
        if server is not None:
            server.stop("immediate")


def run(args: argparse.Namespace, out: Path) -> int:
    target = args.pg or str(out / "load.sqlite3")

    # the load itself and, beside it, its baselines: the rows made on a thread of this process
    # (every load before the producer process), the indexes (and foreign keys) kept up row by
    # row (every load before the deferred build)
    runs: list[tuple[str, dict[str, bool]]] = [("load", {})]
    if args.baseline in ("thread", "both"):
        runs.append(("thread", {"process": False}))
    if args.baseline in ("kept", "both"):
        runs.append(("kept", {"defer": False}))
    loads: list[tuple[str, float, float, demo.DemoStats]] = []
    for tag, options in runs:
        _url, db = fresh(target, tag)
        t0, c0, k0 = time.perf_counter(), time.process_time(), children_cpu()
        stats = demo.generate(db, args.cases, seed=3, batch=args.batch, today=TODAY,
                              **options)
        cpu = time.process_time() - c0 + children_cpu() - k0
        loads.append((tag, time.perf_counter() - t0, cpu, stats))
        with db.read() as s:
            cases = s.scalar(select(func.count()).select_from(text("mediation_case")))
        db.close()
        assert cases == args.cases, (cases, args.cases)
    if args.no_floors:
        return report(args, loads, None, None, None)

    # floor 1: the same rows made with no database
    _u2, floor_db = fresh(target, "floor")
    plan, chunks = demo.make_plan(floor_db, args.cases, seed=3, batch=args.batch, today=TODAY)
    t0 = time.perf_counter()
    batches = [demo._make_batch(plan, days) for days in chunks]
    gen_s = time.perf_counter() - t0
    n_rows = sum(rows_of(b) for b in batches)

    # floor 2: those rows written by the same bulk path, nothing else
    t0 = time.perf_counter()
    for b in batches:
        with floor_db.write() as s:
            conn = s.connection()
            for key, model in demo._ORDER:
                if b.rows[key]:
                    bulk_insert(conn, demo._table(model), b.rows[key])
    write_s = time.perf_counter() - t0
    floor_db.close()
    return report(args, loads, gen_s, write_s, n_rows)


def report(args: argparse.Namespace, loads: list[tuple[str, float, float, demo.DemoStats]],
           gen_s: float | None, write_s: float | None, n_rows: int | None) -> int:
    kind = "PostgreSQL (COPY)" if args.pg else "SQLite (executemany)"
    rows = f"{n_rows:,} rows ({n_rows / args.cases:.1f} per case), " if n_rows else ""
    print(f"\n{kind}: {args.cases:,} demo cases, {rows}batches of {args.batch:,}; "
          f"{os.cpu_count()} cores, load {os.getloadavg()[0]:.1f} at the end")
    lines = []
    for tag, secs, _cpu, stats in loads:
        if tag == "load":
            what = "indexes and foreign keys" if args.pg else "indexes"
            built = (f" ({what} built at the end: {stats.rebuild_seconds:.1f} s)"
                     if stats.rebuild_seconds else "")
            lines.append((f"the load (demo.generate){built}", secs))
        elif tag == "thread":
            lines.append(("baseline: the rows made on a thread of the loader (process=False)",
                          secs))
        else:
            lines.append(("baseline: the load keeping them up row by row (defer=False)", secs))
    if gen_s is not None and write_s is not None:
        lines += [("floor 1: Python makes the rows, no database", gen_s),
                  ("floor 2: the database takes them with its indexes, nothing else", write_s)]
    for what, secs in lines:
        per_row = f"   {n_rows / secs:10,.0f} rows/s" if n_rows else ""
        print(f"  {what}\n  {'':<48} {secs:8.1f} s   {args.cases / secs:8,.0f} cases/s{per_row}")
    load_s, load_cpu, stats = loads[0][1], loads[0][2], loads[0][3]
    print(f"  the load's own CPU (with its producer process): {load_cpu:.1f} s "
          f"({load_cpu / load_s:.0%} of its wall time); cases loaded: {stats.cases:,}")
    for tag, secs, cpu, _stats in loads[1:]:
        print(f"  the load against baseline '{tag}': {secs / load_s:.2f}× as fast "
              f"(the baseline's CPU {cpu:.1f} s)")
    rate = args.cases / load_s
    print(f"  10,000,000 cases at this rate: {10_000_000 / rate / 60:,.0f} min "
          f"(target 15 min needs {10_000_000 / 900:,.0f} cases/s: "
          f"{'met' if rate >= 10_000_000 / 900 else 'NOT met'})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
