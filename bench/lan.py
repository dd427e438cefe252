"""LAN benchmark: 20 desks on one PostgreSQL server doing a realistic mix, against raw psycopg.

    .venv/bin/python bench/lan.py                 # throwaway server, 20 desks, 20 s
    .venv/bin/python bench/lan.py --desks 100 --pace 5 --seconds 80 --cases 20000
    .venv/bin/python bench/lan.py --url postgresql://postgres:pw@host/db   # an existing, empty DB

Each desk process first warms up, untimed: it loads pypinyin and does one search, one open,
one edit, one session and one acceptance through the services (a process's first save
compiles its statements), then saves once of each kind the raw way (the edit checked like the
others). Then it collects garbage as the desk app does: automatic collection off, what lives
all day frozen, one collection every 30 s.
Each desk process loops: search by a surname (SQL-paged search terms), open one of the hits
(full detail), then save — an edit of the case (optimistic version check, audit chain append)
or a new mediation session. About one loop in ten registers and accepts a walk-in instead (a
case number taken). Lost races are counted as conflicts. The save is made two ways, in turns
of --slice seconds (default 5) that every desk takes at the same moments: the services' save,
then the baseline, raw psycopg (the versioned UPDATE or the session + participant INSERTs,
plus the audit row and the chain head update, one transaction — what the services cost on
top of the database), then the services' again, and so on. Searches, opens and walk-ins go
through the services in both turns, so the server and the machine carry the same reads, and
whatever slows the machine for a while (a checkpoint, autovacuum, another program) falls on
both ways alike. --separate runs the two ways one after the other instead, each for
--seconds, as the bench did until December 2026 (then raw's p95 moved 5–11 ms from run to
run, and with it the ratio).
Only operations started before the end are timed, and a desk that is done waits until all
are before it closes its connection and exits.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import psycopg

    from desktop.services import Desk

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))]


# -- workers ---------------------------------------------------------------------------------
def desk_worker(kind: str, url: str, user: str, seconds: float, go: str, out: str, seed: int,
                pace: float, slice_s: float = 0.0) -> None:
    """One desk's loop. It searches, opens and takes walk-ins through the services whichever
    way it saves, so the server and the machine carry the same reads for both; only the timed
    save differs: the services' (``kind == "app"``), raw psycopg's (``"raw"``), or in turns
    of ``slice_s`` seconds, the services' first (``"mixed"``)."""
    from desktop.domain.errors import DatabaseError
    from desktop.domain.search import load_pinyin
    from desktop.store.db import Database
    from tests.lan.desk import desk_for

    rng = random.Random(seed)
    db = Database.connect(url)
    desk = desk_for(db, user)
    raw = raw_connection(url) if kind in ("raw", "mixed") else None
    user_id = desk.actor.user_id
    now = dt.datetime.now().replace(microsecond=0)
    updates: list[tuple[int, int, int, str]] = []  # acknowledged: case, version before/after, token
    numbers: list[str] = []  # case numbers handed out by acknowledged acceptances
    # a desk that has been open a while: pypinyin's tables loaded (the first save of a process
    # loads them, seconds on a busy machine), and one search, one open and one real save of
    # each kind the loop times done: a process's first edit, session and acceptance compile
    # their statements and import what they import lazily, which made each desk's first timed
    # save its slowest. Not timed; their edits and numbers are checked like the others. A raw
    # desk also saves once of each kind its own way.
    load_pinyin()
    warm_up(desk, rng, updates, numbers)
    if raw is not None:
        cid = updates[-1][0]
        for edit in (True, False):
            token = f"预热-{rng.randrange(10**9)}"
            before = raw_save(raw, cid, edit, user_id, now, token)
            if edit and before is not None:
                updates.append((cid, before, before + 1, token))
    collect_as_the_app_does()
    print("READY", flush=True)
    while not os.path.exists(go):
        time.sleep(0.01)
    ways = ("app", "raw") if kind == "mixed" else (kind,)
    res = {w: {k: [] for k in ("search", "open", "save", "accept", "edit", "session",
                               "save_cpu")} for w in ways}  # type: dict[str, dict[str, list[float]]]
    # (seconds since GO, latency) of each timed save
    when: dict[str, list[tuple[float, float]]] = {w: [] for w in ways}
    conflicts = dict.fromkeys(ways, 0)
    errors = dict.fromkeys(ways, 0)
    cpu = dict.fromkeys(ways, 0.0)
    start = time.time()
    deadline = start + seconds
    while time.time() < deadline:
        if pace:  # the person between two saves (both ways wait alike)
            time.sleep(rng.uniform(0.5 * pace, 1.5 * pace))
            if time.time() >= deadline:  # nothing starts after the end
                break
        way = ways[int((time.time() - start) // slice_s) % 2] if slice_s else ways[0]
        saving_raw = way == "raw"
        cpu0 = time.process_time()
        try:
            made = one_loop(desk, raw if saving_raw else None, rng, res[way], when[way], start,
                            updates, numbers, user_id, now, seed)
            if made == "conflict":
                conflicts[way] += 1
        except DatabaseError:
            errors[way] += 1
        cpu[way] += time.process_time() - cpu0
    finish(out, {"ways": {w: {"lat": res[w], "conflicts": conflicts[w], "errors": errors[w],
                              "cpu": cpu[w], "when": when[w]} for w in ways},
                 "updates": updates, "numbers": numbers}, go)
    if raw is not None:
        raw.close()
    db.close()


def one_loop(desk: Desk, raw: psycopg.Connection[Any] | None, rng: random.Random,
             res: dict[str, list[float]], when: list[tuple[float, float]], start: float,
             updates: list[tuple[int, int, int, str]], numbers: list[str], user_id: int,
             now: dt.datetime, seed: int) -> str:
    """One turn of a desk: a walk-in, or a search, an open and a timed save (the services'
    save, or raw psycopg's when ``raw`` is given). Returns "conflict" for a lost race."""
    from desktop.domain.errors import ConflictError, InvalidTransition
    from desktop.services.dto import CaseQuery, CaseUpdate
    from tests.lan.desk import draft, session_input

    if rng.random() < 0.1:  # a walk-in registered and accepted: a case number is taken
        ref = desk.intake.register(draft(rng))
        t0 = time.perf_counter()
        ref = desk.intake.accept(ref.id, ref.version)
        res["accept"].append(time.perf_counter() - t0)
        numbers.append(str(ref.number))
        return "walk-in"
    t0 = time.perf_counter()
    page = desk.cases.search(CaseQuery(text=rng.choice(SURNAMES), limit=50,
                                       statuses=["accepted", "mediating"], with_total=False))
    res["search"].append(time.perf_counter() - t0)
    if not page.rows:
        return "none"
    # any of the hits: collisions happen when two desks open the same case
    row = rng.choice(page.rows)
    t0 = time.perf_counter()
    detail = desk.cases.get(row.id)
    res["open"].append(time.perf_counter() - t0)
    time.sleep(rng.uniform(0, 0.02))
    edit = rng.random() < 0.6
    c0 = time.process_time()
    t0 = time.perf_counter()
    token = f"请求{seed}-{len(updates)}-{rng.randrange(10**6)}"
    try:
        if raw is not None:
            before = raw_save(raw, row.id, edit, user_id, now, token)
            if before is None:
                raise ConflictError("lost race")
            if edit:  # checked like the services' edits: both change the same rows
                updates.append((row.id, before, before + 1, token))
        elif edit:
            ref = desk.intake.update_case(row.id, detail.version, CaseUpdate(requests=token))
            updates.append((row.id, detail.version, ref.version, token))
        else:
            desk.sessions.add(row.id, session_input(desk, rng))
        took = time.perf_counter() - t0
        res["save_cpu"].append(time.process_time() - c0)
        res["save"].append(took)
        res["edit" if edit else "session"].append(took)
        when.append((time.time() - start - took, took))
    except (ConflictError, InvalidTransition):
        return "conflict"
    return "saved"


def collect_as_the_app_does(interval: float = 30.0) -> None:
    """The desk app's garbage collection (``desktop.app``): no automatic collection, what lives
    all day frozen out of it once the desk is up, a collection every 30 s. With Python's
    automatic collection a save paid now and then for a walk over all of pypinyin's tables."""
    import gc
    import threading

    from desktop.app import freeze_what_lives_all_day

    gc.disable()
    freeze_what_lives_all_day()

    def collect() -> None:
        while True:
            time.sleep(interval)
            gc.collect()

    threading.Thread(target=collect, daemon=True).start()


def warm_up(desk: Desk, rng: random.Random, updates: list[tuple[int, int, int, str]],
            numbers: list[str]) -> None:
    """One search, one open, one edit, one session and one acceptance, as the loop does them.
    Another desk warming up on the same case is a conflict: then another case is tried."""
    from desktop.domain.errors import ConflictError, InvalidTransition
    from desktop.services.dto import CaseQuery, CaseUpdate
    from tests.lan.desk import draft, session_input

    ref = desk.intake.register(draft(rng))
    numbers.append(str(desk.intake.accept(ref.id, ref.version).number))
    edited = added = False
    for _ in range(50):
        page = desk.cases.search(CaseQuery(text=rng.choice(SURNAMES), limit=50,
                                           statuses=["accepted", "mediating"], with_total=False))
        if not page.rows:
            continue
        row = rng.choice(page.rows)
        detail = desk.cases.get(row.id)
        try:
            if not edited:
                token = f"预热-{rng.randrange(10**9)}"
                after = desk.intake.update_case(row.id, detail.version,
                                                CaseUpdate(requests=token))
                updates.append((row.id, detail.version, after.version, token))
                edited = True
            if not added:
                desk.sessions.add(row.id, session_input(desk, rng))
                added = True
            return
        except (ConflictError, InvalidTransition):
            continue
    raise SystemExit("预热失败：50 次都没能保存（每次都与其他工作台冲突或没有可办的案件）")


def raw_connection(url: str) -> psycopg.Connection[Any]:
    import psycopg
    from sqlalchemy.engine import make_url

    u = make_url(url)
    return psycopg.connect(host=u.host, port=u.port, user=u.username, password=u.password,
                           dbname=u.database)


def finish(out: str, result: dict[str, object], go: str) -> None:
    """Write a desk's figures, say DONE, and stay until every desk of the phase is done: a
    process that closes its connections and exits costs CPU (its server backend's too), and
    100 of them exiting while the slower desks still saved made the phase's tail."""
    Path(out).write_text(json.dumps(result))
    print("DONE", flush=True)
    while not os.path.exists(go + "-stop"):
        time.sleep(0.05)


def raw_save(conn: psycopg.Connection[Any], cid: int, edit: bool,
             user_id: int, now: dt.datetime, token: str) -> int | None:
    """One save as raw SQL, one transaction: the versioned UPDATE of 请求 to ``token``
    (``edit``) or the session and participant INSERTs, plus the audit row and the chain-head
    update. Returns the version the edit found (0 for a session); None: a lost race."""
    found: int | None = 0
    with conn.transaction():
        if edit:
            (version,) = conn.execute("SELECT version FROM mediation_case WHERE id = %s "
                                      "FOR UPDATE", (cid,)).fetchone()  # type: ignore[misc]
            n = conn.execute("UPDATE mediation_case SET requests = %s, version = version + 1,"
                             " updated_at = %s WHERE id = %s AND version = %s",
                             (token, now, cid, version)).rowcount
            found = int(version) if n == 1 else None
        else:
            conn.execute("SELECT id FROM mediation_case WHERE id = %s FOR UPDATE", (cid,))
            (seq,) = conn.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM mediation_session "
                                  "WHERE case_id = %s", (cid,)).fetchone()  # type: ignore[misc]
            (sid,) = conn.execute(
                "INSERT INTO mediation_session (case_id, seq, kind, started_at, ended_at, "
                "place, interviewee, content, result, agreed, recorder, created_by, version) "
                "VALUES (%s,%s,'mediation',%s,%s,'调解室','','双方陈述各自意见。','继续调解。',"
                "false,'',%s,1) RETURNING id", (cid, seq, now, now, user_id)).fetchone()  # type: ignore[misc]
            conn.execute("INSERT INTO session_participant (session_id, kind, role, name, unit,"
                         " title, number, user_id) VALUES (%s,'mediator','host','调解员','',"
                         "'','',%s)", (sid, user_id))
        (_last_id, last_hash) = conn.execute(
            "SELECT last_id, last_hash FROM audit_head WHERE id = 1 FOR UPDATE").fetchone()  # type: ignore[misc]
        (aid,) = conn.execute(
            "INSERT INTO audit_log (at, user_id, username, action, entity, entity_id, "
            "case_id, summary, detail, prev_hash, hash) VALUES (%s,%s,'bench','update',"
            "'case',%s,%s,'bench','{}',%s,%s) RETURNING id",
            (now, user_id, cid, cid, last_hash, "0" * 64)).fetchone()  # type: ignore[misc]
        conn.execute("UPDATE audit_head SET last_id = %s, last_hash = %s WHERE id = 1",
                     (aid, "0" * 64))
    return found


# -- driver ----------------------------------------------------------------------------------
def cpu_ticks() -> tuple[int, int]:
    """(busy, total) jiffies of the whole machine so far, from /proc/stat; (0, 0) elsewhere."""
    try:
        fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except (OSError, ValueError):
        return 0, 0
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    return sum(fields[:8]) - idle, sum(fields[:8])


def run_phase(kind: str, url: str, desks: int, seconds: float, folder: Path,
              users: list[str], pace: float, slice_s: float = 0.0) -> list[dict[str, Any]]:
    """Run the desks for ``seconds``; one result per way of saving (two for ``"mixed"``, in
    turns of ``slice_s`` seconds), each with how busy the machine was during its turns."""
    ways = ("app", "raw") if kind == "mixed" else (kind,)
    go = folder / f"{kind}-go"
    procs, outs = [], []
    for i in range(desks):
        user = users[i % len(users)]
        out = folder / f"{kind}-{i}.json"
        outs.append(out)
        procs.append(subprocess.Popen(
            [sys.executable, __file__, "--worker", kind, "--url", url, "--ident", user,
             "--seconds", str(seconds), "--go", str(go), "--out", str(out), "--seed", str(i),
             "--pace", str(pace), "--slice", str(slice_s)],
            stdout=subprocess.PIPE, text=True, cwd=REPO))
    for p in procs:
        assert p.stdout is not None and p.stdout.readline().startswith("READY")
    ticks = {w: [0, 0] for w in ways}  # busy, total jiffies during each way's turns
    turn = {w: 0.0 for w in ways}  # seconds of each way's turns
    t0 = time.time()
    last = cpu_ticks()
    go.touch()
    step = slice_s if len(ways) > 1 else seconds
    k = 0
    while k * step < seconds:  # the turns, as the desks take them (from GO)
        end = min((k + 1) * step, seconds)
        time.sleep(max(0.0, t0 + end - time.time()))
        now = cpu_ticks()
        way = ways[k % len(ways)]
        ticks[way][0] += now[0] - last[0]
        ticks[way][1] += now[1] - last[1]
        turn[way] += end - k * step
        last, k = now, k + 1
    for p in procs:  # every desk done (the end), before any of them exits
        assert p.stdout is not None and p.stdout.readline().startswith("DONE")
    wall = time.time() - t0
    Path(f"{go}-stop").touch()
    for p in procs:
        p.wait()
    results = {w: {"kind": w, "lat": {}, "conflicts": 0, "errors": 0, "cpu": 0.0, "when": [],
                   "wall": turn[w] if len(ways) > 1 else wall,
                   "busy": ticks[w][0] / ticks[w][1] if ticks[w][1] else float("nan")}
               for w in ways}  # type: dict[str, dict[str, Any]]
    updates: list[list[object]] = []
    numbers: list[str] = []
    for out in outs:
        data = json.loads(out.read_text())
        for w, part in data["ways"].items():
            r = results[w]
            for key, v in part["lat"].items():
                r["lat"].setdefault(key, []).extend(v)
            for key in ("conflicts", "errors", "cpu"):
                r[key] += part[key]
            r["when"] += part["when"]
        updates += data["updates"]
        numbers += data["numbers"]
    for r in results.values():  # every acknowledged edit and number, whichever way saved it
        r["updates"], r["numbers"] = updates, numbers
    return list(results.values())


def check_app_phase(url: str, result: dict[str, object]) -> tuple[int, int]:
    """Lost updates and duplicate case numbers after the app phase, from the database.

    A lost update: two acknowledged saves of one case from the same version (the second
    overwrote the first without a conflict), or a case whose stored 请求 is not the token of
    its last acknowledged save. A duplicate number: two cases of one committee with one
    number, or an acknowledged acceptance whose number no case has."""
    from sqlalchemy import create_engine, text

    updates = result["updates"]
    numbers = result["numbers"]
    assert isinstance(updates, list) and isinstance(numbers, list)
    lost = 0
    seen: set[tuple[object, object]] = set()
    last: dict[int, tuple[int, str]] = {}
    for case_id, before, after, token in updates:
        if (case_id, before) in seen:
            lost += 1
        seen.add((case_id, before))
        if case_id not in last or after > last[case_id][0]:
            last[case_id] = (after, token)
    engine = create_engine(url)
    with engine.connect() as con:
        stored = dict(con.execute(text("SELECT id, requests FROM mediation_case WHERE id = ANY(:ids)"),
                                  {"ids": list(last)}).all()) if last else {}
        lost += sum(1 for cid, (_v, token) in last.items() if stored.get(cid) != token)
        dup = con.execute(text("SELECT count(*) FROM (SELECT committee_id, number FROM "
                               "mediation_case WHERE number IS NOT NULL GROUP BY committee_id, "
                               "number HAVING count(*) > 1) d")).scalar() or 0
        have = {r[0] for r in con.execute(text(
            "SELECT number FROM mediation_case WHERE number = ANY(:n)"), {"n": numbers})}
    engine.dispose()
    dup += len(numbers) - len(set(numbers)) + sum(1 for n in set(numbers) if n not in have)
    return lost, int(dup)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--url", help="an existing empty PostgreSQL database (default: throwaway server)")
    ap.add_argument("--desks", type=int, default=20)
    ap.add_argument("--seconds", type=float, default=20)
    ap.add_argument("--cases", type=int, default=3000, help="demo cases loaded first")
    ap.add_argument("--pace", type=float, default=0.0,
                    help="seconds a desk waits between operations, on average (both phases; "
                         "default 0: every desk saves as fast as it can)")
    ap.add_argument("--slice", type=float, default=5.0,
                    help="seconds of each turn of the two ways of saving (default 5)")
    ap.add_argument("--separate", action="store_true",
                    help="the two ways one after the other, each for --seconds (the bench "
                         "before December 2026), instead of in turns")
    ap.add_argument("--worker", choices=["app", "raw", "mixed"], help=argparse.SUPPRESS)
    ap.add_argument("--ident", help=argparse.SUPPRESS)
    ap.add_argument("--go", help=argparse.SUPPRESS)
    ap.add_argument("--out", help=argparse.SUPPRESS)
    ap.add_argument("--seed", type=int, default=0, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        desk_worker(args.worker, args.url, args.ident, args.seconds, args.go, args.out,
                    args.seed, args.pace, args.slice)
        return 0

    from sqlalchemy import select

    from desktop.services import demo
    from desktop.store.models import User
    from desktop.store.opening import open_database
    from tests.helpers.db import populate

    folder = Path(tempfile.mkdtemp(prefix="md-bench-"))
    folder.chmod(0o755)  # the throwaway server runs as the postgres user
    server = None
    url = args.url
    if not url:
        from tests.helpers.pg import start_server

        server = start_server(folder / "pg")
        url = server.url(server.create_database("bench"))
    try:
        db = open_database(url)
        populate(db)
        t0 = time.time()
        demo.generate(db, args.cases, seed=7, months=3)
        print(f"载入 {args.cases} 件演示案件：{time.time() - t0:.1f} 秒")
        with db.read() as s:
            users = [u.username for u in s.scalars(select(User).where(
                User.role.in_(["director", "admin"])))]
        db.close()
        if args.separate:
            results = run_phase("app", url, args.desks, args.seconds, folder, users, args.pace)
            lost, dup = check_app_phase(url, results[0])
            results += run_phase("raw", url, args.desks, args.seconds, folder, users, args.pace)
        else:
            results = run_phase("mixed", url, args.desks, args.seconds, folder, users,
                                args.pace, args.slice)
            lost, dup = check_app_phase(url, results[0])
    finally:
        if server is not None:
            server.stop("immediate")
    cores = os.cpu_count()
    load = os.getloadavg()[0]
    how = (f"每阶段 {args.seconds:.0f} 秒" if args.separate else
           f"共 {args.seconds:.0f} 秒，两种保存方式每 {args.slice:g} 秒轮换")
    print(f"\n{args.desks} 个工作台进程，{how}，PostgreSQL 与工作台同机"
          f"（{cores} 核，结束时 1 分钟负载 {load:.1f}）；延迟单位 ms")
    head = (f"{'保存方式':<14}{'保存/秒':>8}{'保存 p50':>10}{'保存 p95':>10}{'搜索 p50':>10}"
            f"{'打开 p50':>10}{'CPU/保存':>10}{'保存 CPU':>10}{'冲突':>6}{'错误':>6}")
    print(head)
    for r in results:
        lat = r["lat"]  # type: ignore[assignment]
        saves = lat.get("save", [])  # type: ignore[union-attr]
        ms = lambda xs, p: f"{pct(xs, p) * 1000:.1f}" if xs else "-"
        name = "调解台服务" if r["kind"] == "app" else "裸 psycopg"
        print(f"{name:<14}{len(saves) / r['wall']:>8.1f}{ms(saves, 50):>10}{ms(saves, 95):>10}"  # type: ignore[operator]
              f"{ms(lat.get('search', []), 50):>10}{ms(lat.get('open', []), 50):>10}"  # type: ignore[union-attr]
              f"{r['cpu'] / max(1, len(saves)) * 1000:>10.1f}"  # type: ignore[operator]
              f"{ms(lat.get('save_cpu', []), 50):>10}"  # type: ignore[union-attr]
              f"{r['conflicts']:>6}{r['errors']:>6}")
    app, raw = results
    a = len(app["lat"]["save"]) / app["wall"]  # type: ignore[index,operator]
    b = len(raw["lat"]["save"]) / raw["wall"]  # type: ignore[index,operator]
    print(f"服务层保存吞吐为裸 SQL 的 {a / b:.0%}（含搜索和打开案件的时间）；"
          f"保存中位延迟 {statistics.median(app['lat']['save']) * 1000:.1f} ms 对 "  # type: ignore[index]
          f"{statistics.median(raw['lat']['save']) * 1000:.1f} ms。")  # type: ignore[index]
    p95_app = pct(app["lat"]["save"], 95)  # type: ignore[index,arg-type]
    p95_raw = pct(raw["lat"]["save"], 95)  # type: ignore[index,arg-type]
    ratio = p95_app / p95_raw
    accepts = app["lat"]["accept"]  # type: ignore[index]
    print(f"保存 p95：{p95_app * 1000:.1f} ms 对裸 psycopg {p95_raw * 1000:.1f} ms，"
          f"{ratio:.2f} 倍（目标 ≤ 3 倍：{'达到' if ratio <= 3 else '未达到'}）；"
          f"受理取号 {len(accepts)} 次，p95 {pct(accepts, 95) * 1000:.1f} ms")  # type: ignore[arg-type]
    edits, sessions = app["lat"]["edit"], app["lat"]["session"]  # type: ignore[index]
    print(f"其中编辑 {len(edits)} 次 p95 {pct(edits, 95) * 1000:.1f} ms，"
          f"新增调解记录 {len(sessions)} 次 p95 {pct(sessions, 95) * 1000:.1f} ms；"
          f"整机 CPU 忙：服务层保存时 {app['busy']:.0%}，裸 psycopg 保存时 {raw['busy']:.0%}")
    dump = REPO / "bench" / "out" / "lan.json"
    dump.parent.mkdir(parents=True, exist_ok=True)
    dump.write_text(json.dumps({"app": {k: app[k] for k in ("lat", "when", "busy", "wall")},
                                "raw": {k: raw[k] for k in ("lat", "when", "busy", "wall")}}))
    print(f"每次保存的延迟与时刻已写入 {dump.relative_to(REPO)}")
    print(f"丢失的更新 {lost} 处，重复的案号 {dup} 个（都应为 0）；"
          f"确认保存的编辑 {len(app['updates'])} 次、取号 {len(app['numbers'])} 个均已核对"
          + ("" if args.separate else "（两种保存方式的都在内）"))  # type: ignore[arg-type]
    return 0 if lost == 0 and dup == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
