"""Benchmark: one month's full report against the single raw GROUP BY, on SQLite and PostgreSQL.

Issue 17 targets: the month report from the summary table (report_month) ≤ 3× the raw GROUP BY,
with the 12-month trend ≤ 5×; the figures identical to today's computation from the cases.

    # once: a million demo cases (bench/out/ is git-ignored)
    .venv/bin/mediationdesk demo --cases 1000000 --db sqlite:///bench/out/reports-1m.sqlite3
    # the same rows into PostgreSQL (COPY), so both backends are measured on identical data
    .venv/bin/python bench/reports.py --sqlite bench/out/reports-1m.sqlite3 \
        --pg postgresql://postgres:PW@127.0.0.1:55432/bench --load-pg
    # the measurement
    .venv/bin/python bench/reports.py --sqlite bench/out/reports-1m.sqlite3 --pg postgresql://…

Printed per backend, each beside the baseline measured in the same run — the raw query
``SELECT dispute_type, count(*) … WHERE accepted_on in the month GROUP BY dispute_type`` (best
and median of N): the month report, the 12-month trend, the report with the trend and the
official monthly form, each from the aggregates and from the cases (today's computation,
``from_cases=True``), their ratios to the raw query, whether both paths give identical figures,
and a 10,000-row ledger import (new rows, then the same file again: all unchanged). Both
backends must give identical figures. Exit 1 when any figure differs.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import sqlite3
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from sqlalchemy import select, text

from desktop.domain.enums import Role
from desktop.reports import aggregate, stats
from desktop.reports.period import Period
from desktop.services.base import Actor
from desktop.services.ledger import LedgerService, open_ledger
from desktop.services.reports import ReportService
from desktop.store.db import Database
from desktop.store.models import User
from desktop.store.opening import open_database

RAW = text("SELECT dispute_type, count(*) FROM mediation_case "
           "WHERE accepted_on >= :s AND accepted_on <= :e GROUP BY dispute_type")
COPY_TABLES = ("committee", "app_user", "lookup", "mediation_case", "follow_up",
               "judicial_confirmation", "risk_flag", "sweep_record", "report_month")


def timed(fn: Callable[[], Any], n: int) -> tuple[float, float, Any]:
    fn()  # warm the caches: both sides measured warm
    times, result = [], None
    for _ in range(n):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return min(times), statistics.median(times), result


def admin(db: Database) -> Actor:
    with db.read() as s:
        u = s.scalars(select(User).where(User.role == "admin").order_by(User.id)).first()
        assert u is not None, "no administrator in the benchmark database"
        return Actor(u.id, u.username, u.display_name, Role.ADMIN, u.committee_id)


def default_month(db: Database) -> Period:
    with db.read() as s:
        last = s.scalar(text("SELECT max(accepted_on) FROM mediation_case"))
    last = dt.date.fromisoformat(str(last)[:10])
    first = last.replace(day=1) - dt.timedelta(days=1)  # the last complete month
    return Period.month(first.year, first.month)


def load_pg(sqlite_path: str, pg_url: str) -> None:
    """Copy the tables the reports read from the SQLite demo into a migrated PostgreSQL db."""
    import psycopg

    db = open_database(pg_url, backup=False)  # migrate to head
    db.close()
    url = pg_url.replace("postgresql+psycopg://", "postgresql://")
    src = sqlite3.connect(sqlite_path)
    with psycopg.connect(url) as pg:
        pg.execute("TRUNCATE " + ", ".join(COPY_TABLES) + " CASCADE")
        for table in COPY_TABLES:
            cols = [r[1] for r in src.execute(f"PRAGMA table_info({table})")]
            pg_cols = {r[0] for r in pg.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = %s",
                (table,))}
            cols = [c for c in cols if c in pg_cols]
            bools = {r[0] for r in pg.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = %s "
                "AND data_type = 'boolean'", (table,))}
            idx = [i for i, c in enumerate(cols) if c in bools]
            t = time.perf_counter()
            n = 0
            with pg.cursor().copy(f"COPY {table} ({', '.join(cols)}) FROM STDIN") as copy:
                for row in src.execute(f"SELECT {', '.join(cols)} FROM {table}"):
                    if idx:
                        row = list(row)
                        for i in idx:
                            row[i] = None if row[i] is None else bool(row[i])
                    copy.write_row(row)
                    n += 1
            if "id" in cols:  # report_month has a composite key, no sequence
                pg.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                           f"coalesce((SELECT max(id) FROM {table}), 1))")
            print(f"  {table}: {n} rows in {time.perf_counter() - t:.1f} s", flush=True)
    src.close()
    # freshly loaded pages are not all-visible yet: without VACUUM, PostgreSQL's index-only
    # scans still visit the heap (a live server's autovacuum does this on its own)
    with psycopg.connect(url, autocommit=True) as pg:
        pg.execute("VACUUM ANALYZE")


def replicate(url: str, times: int, with_terms: bool = False, start: int = 1) -> None:
    """Grow a demo database ``times``-fold for the report benchmark when a demo load of that
    size would take hours on this machine: the cases the reports read (and their follow-ups,
    confirmations and risk flags) copied with offset ids and case numbers, same dates, so each
    month holds ``times`` × its cases; then report_month rebuilt (timed). Parties, sessions and
    documents are not copied (no report reads them). ``with_terms`` copies the search terms
    too (for ``bench/ui_list.py``): every name then matches ``times`` × its cases. ``start``:
    the database already holds that many copies (grow 10× → 100× without starting again).
    Works on SQLite and PostgreSQL alike (one INSERT … SELECT per table and copy); on
    PostgreSQL, from one copy (``start`` 1), all copies at once (see _replicate_pg_bulk)."""
    from sqlalchemy import inspect

    from desktop.reports.aggregate import rebuild_connection

    db = open_database(url, backup=False)
    tables = ["mediation_case", "follow_up", "judicial_confirmation", "risk_flag"]
    tables += ["search_term"] if with_terms else []
    cols = {t: [c["name"] for c in inspect(db.engine).get_columns(t)] for t in tables}
    with db.read() as s:
        n, top = s.execute(text("SELECT count(*), max(id) FROM mediation_case")).one()
    n, top = n // start, top // start  # the original load: ids 1..top
    t = time.perf_counter()
    if start == 1:
        if db.is_sqlite:
            db.engine.dispose()  # the journal mode changes only with no other connection
            _replicate_sqlite_bulk(str(db.engine.url.database), tables, cols, top, times)
        else:
            _replicate_pg_bulk(db, tables, cols, top, times)
        start = times  # done: skip the copy-by-copy loop below
    for k in range(start, times):
        with db.engine.begin() as con:
            if db.is_sqlite:  # the term index takes random inserts: keep it in memory
                con.exec_driver_sql("PRAGMA cache_size=-4000000")
            for table in tables:
                off = con.execute(text(f"SELECT max(id) FROM {table}")).scalar() or 0
                exprs = []
                for c in cols[table]:
                    if c == "id":
                        exprs.append(f"id + {off}" if table != "mediation_case" else f"id + {k * top}")
                    elif c == "case_id":
                        exprs.append(f"case_id + {k * top}")
                    elif c == "number_seq":
                        exprs.append(f"number_seq + {k * 1000000}")
                    else:
                        exprs.append(c)
                src = "id <= :top" if table == "mediation_case" else "case_id <= :top"
                con.execute(text(f"INSERT INTO {table} ({', '.join(cols[table])}) "
                                 f"SELECT {', '.join(exprs)} FROM {table} WHERE {src}"),
                            {"top": top})
        print(f"  copy {k}/{times - 1}: {n * (k + 1):,} cases, "
              f"{time.perf_counter() - t:.0f} s", flush=True)
    if db.is_sqlite:  # sampled, as the app gathers them (store/opening.refresh_statistics)
        with db.engine.begin() as con:
            con.exec_driver_sql("PRAGMA analysis_limit=1000")
            con.execute(text("ANALYZE"))
    else:
        for table in tables:
            con_ = db.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
            con_.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                              f"(SELECT max(id) FROM {table}))"))
            con_.close()
    t = time.perf_counter()
    with db.write() as s:
        rows = rebuild_connection(s.connection())
    print(f"  report_month rebuilt from {n * times:,} cases: {rows:,} rows in "
          f"{time.perf_counter() - t:.0f} s", flush=True)
    if not db.is_sqlite:  # loaded pages are not all-visible until a vacuum (index-only scans)
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as con:
            con.execute(text("VACUUM ANALYZE"))
    db.close()


def _copy_exprs(table: str, cols: list[str], top: int, big: int) -> str:
    """The SELECT list of copy k (a column of the series) of ``table``: ids offset by
    k × the table's largest id (the case's for case ids), case numbers by k × 1,000,000."""
    exprs = []
    for c in cols:
        if c == "id":
            exprs.append(f"id + k * {top if table == 'mediation_case' else big}")
        elif c == "case_id":
            exprs.append(f"case_id + k * {top}")
        elif c == "number_seq":
            exprs.append("number_seq + k * 1000000")
        else:
            exprs.append(c)
    return ", ".join(exprs)


def _bulk_copies(con: Any, begin: Callable[[], Any], index_sql: str, series: str, ph: str,
                 tables: list[str], cols: dict[str, list[str]], top: int, times: int) -> None:
    """Both backends' copy loop: per table, in one transaction, the secondary indexes
    (``index_sql``: their names and DDL, parameter ``t``) dropped, all copies made by one
    INSERT … SELECT joined with ``series`` (the copy numbers k as a table ``g``), the indexes
    built again. ``con``: a DB-API connection with ``execute`` (sqlite3, psycopg); ``begin``:
    its transaction; ``ph``: its parameter placeholder."""
    for table in tables:
        t0 = time.perf_counter()
        big = con.execute(f"SELECT max(id) FROM {table}").fetchone()[0] or 0
        if big == 0:
            continue
        src = f"id <= {ph}" if table == "mediation_case" else f"case_id <= {ph}"
        with begin():
            idx = con.execute(index_sql, {"t": table}).fetchall()
            for name, _ in idx:
                con.execute(f'DROP INDEX "{name}"')
            con.execute(f"INSERT INTO {table} ({', '.join(cols[table])}) "
                        f"SELECT {_copy_exprs(table, cols[table], top, big)} FROM {table} "
                        f"CROSS JOIN {series} WHERE {src}", (top,))
            t1 = time.perf_counter()
            for _, ddl in idx:
                con.execute(ddl)
        print(f"  {table}: {times - 1} copies in {t1 - t0:.0f} s, {len(idx)} indexes "
              f"rebuilt in {time.perf_counter() - t1:.0f} s", flush=True)


def _replicate_sqlite_bulk(path: str, tables: list[str], cols: dict[str, list[str]], top: int,
                           times: int) -> None:
    """SQLite's side of _replicate_pg_bulk: the copy numbers from a recursive series, foreign
    keys off (the copies point at copied cases). The search-term fill trigger's WHEN clause is
    false for the copied rows, which carry their case's columns."""
    con = sqlite3.connect(path, isolation_level=None)
    # a rollback journal holds only the few pages the copy changes; WAL would hold every
    # page it writes (tens of GB at 10M), then copy them again at the checkpoint
    con.execute("PRAGMA journal_mode = DELETE")
    con.execute("PRAGMA foreign_keys = OFF")
    con.execute("PRAGMA cache_size = -4000000")
    con.execute("PRAGMA temp_store = FILE")

    @contextlib.contextmanager
    def begin() -> Iterator[None]:
        con.execute("BEGIN")
        try:
            yield
        except BaseException:
            con.execute("ROLLBACK")
            raise
        con.execute("COMMIT")

    _bulk_copies(con, begin,
                 "SELECT name, sql FROM sqlite_master WHERE type = 'index' "
                 "AND tbl_name = :t AND sql IS NOT NULL",
                 f"(WITH RECURSIVE g(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM g "
                 f"WHERE k < {times - 1}) SELECT k FROM g) AS g", "?",
                 tables, cols, top, times)
    con.execute("PRAGMA journal_mode = WAL")  # the app's mode
    con.close()


def _replicate_pg_bulk(db: Database, tables: list[str], cols: dict[str, list[str]], top: int,
                       times: int) -> None:
    """All ``times - 1`` copies of each table in one INSERT … SELECT over generate_series, with
    the table's secondary indexes dropped first and built again after (one sort each instead
    of hundreds of millions of random index inserts: copy by copy, 10M cases with their 200M
    search terms took over 100 minutes here) and with triggers and foreign-key checks off for
    the copy (``session_replication_role = replica``): the copied rows are already complete and
    consistent — the search terms carry their case's columns, which the fill trigger would
    only have set from the same values. Ids: table id + k × the table's largest id."""
    import psycopg

    url = db.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(url, autocommit=True) as con:

        @contextlib.contextmanager
        def begin() -> Iterator[None]:
            with con.transaction():
                con.execute("SET LOCAL session_replication_role = replica")
                yield

        _bulk_copies(con, begin,
                     "SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i "
                     "JOIN pg_class c ON c.oid = i.indexrelid "
                     "WHERE i.indrelid = %(t)s::regclass AND i.indexrelid NOT IN "
                     "(SELECT conindid FROM pg_constraint WHERE conrelid = %(t)s::regclass)",
                     f"generate_series(1, {times - 1}) AS g(k)", "%s",
                     tables, cols, top, times)


def ledger_file(rows: int) -> Path:
    from openpyxl import Workbook

    path = REPO / "bench" / "out" / f"ledger-{rows}.xlsx"
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        return path
    wb = Workbook()
    ws = wb.active
    ws.append(["青山街道矛盾纠纷排查台账"])
    ws.merge_cells("A1:I1")
    ws.append(["序号", "排查日期", "当事人", "纠纷类型", "来源", "简要情况", "化解情况", "化解日期", "责任人"])
    types = ["邻里纠纷", "婚姻家庭", "房屋宅基地", "劳资纠纷", "合同", "物业", "山林土地", "损害赔偿"]
    start = dt.date(2025, 1, 1)
    for i in range(rows):
        day = start + dt.timedelta(days=i % 600)
        done = i % 40 != 0
        ws.append([i + 1, day, f"张{i}、李{i}", types[i % len(types)], "网格员上报",
                   f"第{i}号纠纷：因琐事发生争执", "已化解" if done else "化解中",
                   day + dt.timedelta(days=5) if done else None, "王建国"])
    wb.save(path)
    return path


def bench_backend(label: str, url: str, period: Period | None, n: int, ledger_rows: int
                  ) -> dict[str, Any]:
    db = open_database(url, backup=False)
    svc = ReportService(db, admin(db))
    period = period or default_month(db)
    with db.read() as s:
        cases = s.scalar(text("SELECT count(*) FROM mediation_case"))

    def raw() -> Any:
        with db.read() as s:
            return s.execute(RAW, {"s": period.start, "e": period.end}).all()

    def trend(module: Any) -> Any:
        months = period.trend_months(12)
        with db.read() as s:
            return module.trend_rows(s, months, None)

    with db.read() as s:
        agg_rows = s.scalar(text("SELECT count(*) FROM report_month"))
    r_best, r_med, rows = timed(raw, n)
    runs = {
        "aggregate: month report (no trend)": lambda: svc.report(period, trend=False),
        "aggregate: 12-month trend alone": lambda: trend(aggregate),
        "aggregate: month report + trend": lambda: svc.report(period),
        "aggregate: official monthly form": lambda: svc.official_table(period),
        "cases:     month report (no trend)": lambda: svc.report(period, trend=False,
                                                              from_cases=True),
        "cases:     12-month trend alone": lambda: trend(stats),
        "cases:     month report + trend": lambda: svc.report(period, from_cases=True),
        "cases:     official monthly form": lambda: svc.official_table(period,
                                                                     from_cases=True),
    }
    # each run beside a baseline run just before it: on a shared machine the load moves
    # between runs, so the ratio of each pair is the figure to read (median over n pairs)
    res, ratio = {}, {}
    for k, fn in runs.items():
        fn()
        times, pairs = [], []
        for _ in range(n):
            r_t = time.perf_counter()
            raw()
            t0 = time.perf_counter()
            result = fn()
            t1 = time.perf_counter()
            times.append(t1 - t0)
            pairs.append((t1 - t0) / (t0 - r_t))
        res[k] = (min(times), statistics.median(times), result)
        ratio[k] = statistics.median(pairs)
    r2_best, _r2_med, _rows = timed(raw, n)  # the baseline again: did the machine's load move?
    full = res["aggregate: month report + trend"][2]
    accepted = sum(c for _t, c in rows)
    if accepted != full.total.counts["accepted"]:
        print(f"  WARNING: raw query {accepted} ≠ report {full.total.counts['accepted']} "
              "(is the database still being written?)")
    print(f"\n== {label}: {cases:,} cases, {period.label}（受理 {accepted:,}）, "
          f"report_month {agg_rows:,} rows ==")
    print(f"  {'raw GROUP BY by type (baseline)':<36} best {r_best * 1000:8.1f} ms   "
          f"median {r_med * 1000:8.1f} ms   (again at the end: best {r2_best * 1000:.1f} ms)")
    targets = {"aggregate: month report (no trend)": 3.0, "aggregate: month report + trend": 5.0}
    for what, (best, med, _r) in res.items():
        goal = targets.get(what)
        mark = "" if goal is None else (f"   target ≤ {goal:.0f}×: "
                                        f"{'met' if ratio[what] <= goal else 'NOT met'}")
        print(f"  {what:<36} best {best * 1000:8.1f} ms   median {med * 1000:8.1f} ms"
              f"   best/best {best / r_best:6.2f}×, paired median {ratio[what]:6.2f}×{mark}")

    def figs(r: Any) -> Any:
        return (r.total.counts, [(b.key, [(x.key, x.counts) for x in b.rows])
                                 for b in r.breakdowns],
                [(p.accepted, p.succeeded, p.closed) for p in r.trend])

    same = (figs(full) == figs(res["cases:     month report + trend"][2])
            and res["aggregate: 12-month trend alone"][2] == res["cases:     12-month trend alone"][2]
            and [r.values for r in res["aggregate: official monthly form"][2].rows]
            == [r.values for r in res["cases:     official monthly form"][2].rows])
    print(f"  aggregate and from-cases figures identical (report, trend, official form): "
          f"{'yes' if same else 'NO'}")
    official = res["aggregate: official monthly form"][2]
    if official.total.values["accepted"] != full.total.counts["accepted"]:
        print("  WARNING: the official table's 受理 differs from the report's")
    t = full.total.counts
    print(f"  受理 {t['accepted']} 调结 {t['closed']} 成功 {t['succeeded']} 未结 {t['open']} "
          f"超期 {t['overdue']} 金额 {t['amount']} 涉及人数 {t['people']} "
          f"成功率 {full.success_rate.text}")
    out = {"same": same, "figures": (full.total.counts, [(b.key, [(r.key, r.counts) for r in b.rows])
                                           for b in full.breakdowns],
                       [(p.accepted, p.succeeded, p.closed) for p in full.trend])}
    if ledger_rows:
        path = ledger_file(ledger_rows)
        lsvc = LedgerService(db, admin(db))
        t0 = time.perf_counter()
        ledger = open_ledger(path)
        t1 = time.perf_counter()
        res = lsvc.import_ledger(ledger)
        t2 = time.perf_counter()
        again = lsvc.import_ledger(open_ledger(path))
        t3 = time.perf_counter()
        print(f"  ledger {ledger_rows:,} rows: read {t1 - t0:.2f} s, check+import {t2 - t1:.2f} s "
              f"(new {res.new}), re-import {t3 - t2:.2f} s (unchanged {again.unchanged})")
        with db.write() as s:  # leave the database as it was
            s.execute(text("DELETE FROM sweep_record WHERE import_batch = :b"), {"b": res.batch})
    db.close()
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sqlite", help="SQLite demo database file")
    ap.add_argument("--pg", help="PostgreSQL URL")
    ap.add_argument("--load-pg", action="store_true", help="copy the SQLite data into --pg first")
    ap.add_argument("--month", help="month to report, e.g. 2026-10 (default: last complete)")
    ap.add_argument("-n", type=int, default=5, help="timed repetitions (after one warm-up)")
    ap.add_argument("--ledger-rows", type=int, default=10000)
    ap.add_argument("--replicate", type=int, default=0,
                    help="first grow the SQLite demo this many times (see replicate())")
    ap.add_argument("--replicate-from", type=int, default=1,
                    help="the database already holds this many copies")
    ap.add_argument("--with-terms", action="store_true",
                    help="--replicate copies the search terms too (for bench/ui_list.py)")
    args = ap.parse_args()
    (REPO / "bench" / "out").mkdir(parents=True, exist_ok=True)  # results and the ledger file
    if args.replicate > 1:
        urls = ([f"sqlite:///{Path(args.sqlite).resolve()}"] if args.sqlite else []) + (
            [args.pg] if args.pg and not args.load_pg else [])
        for url in urls:  # each backend grown on its own (PostgreSQL server-side)
            replicate(url, args.replicate, args.with_terms, args.replicate_from)
    if args.load_pg:
        load_pg(args.sqlite, args.pg)
    period = Period.parse(args.month) if args.month else None
    results = {}
    if args.sqlite:
        url = f"sqlite:///{Path(args.sqlite).resolve()}"
        if period is None:
            db = open_database(url, backup=False)
            period = default_month(db)
            db.close()
        results["sqlite"] = bench_backend("SQLite", url, period, args.n, args.ledger_rows)
    if args.pg:
        results["pg"] = bench_backend("PostgreSQL", args.pg, period, args.n, args.ledger_rows)
    if len(results) == 2:
        same = results["sqlite"]["figures"] == results["pg"]["figures"]
        print(f"\nSQLite and PostgreSQL figures identical: {'yes' if same else 'NO'}")
        return 0 if same and all(r["same"] for r in results.values()) else 1
    return 0 if all(r["same"] for r in results.values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
