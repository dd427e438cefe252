"""One desk as a separate process, for the multi-desk tests and the benchmark.

    python -m tests.lan.desk --url URL --user zhuren --seconds 20 --go FILE --log FILE --seed 3

Until the deadline it registers, accepts, edits and records sessions on overlapping cases
(it picks among the few most recent cases of its committee, so desks collide). Every write the
service acknowledged is appended to the log as one JSON line *after* the call returned, so
"acknowledged" ⊆ "committed". Lost races (ConflictError, or the case moved on:
InvalidTransition) are logged as such; DatabaseError (server restart, busy SQLite) is logged
with its Chinese message and the desk carries on; anything else is logged as a crash and the
process exits 1.

``--hold`` instead opens a write transaction that half-writes a case and takes a case number,
prints HOLDING and sleeps, for the SIGKILL test.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import sys
import time
import traceback
from pathlib import Path

_REPO = str(Path(__file__).resolve().parents[2])
if _REPO not in sys.path:
    sys.path.insert(0, _REPO)

from desktop.domain.errors import (
    ConflictError,
    DatabaseError,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    ValidationError,
)
from desktop.services import Desk
from desktop.services.dto import (
    CaseDraft,
    CaseQuery,
    CaseUpdate,
    ParticipantInput,
    PartyInput,
    SessionInput,
)
from desktop.store.db import Database

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华"
OPEN = ["accepted", "mediating"]


class Log:
    WORK = ("register", "accept", "update", "session")

    def __init__(self, path: Path) -> None:
        self.fh = path.open("a", encoding="utf-8")
        self.last_work = 0.0  # when this desk last saved something

    def write(self, **rec: object) -> None:
        rec["t"] = time.time()
        if rec.get("op") in self.WORK:
            self.last_work = float(rec["t"])  # type: ignore[arg-type]
        rec["pid"] = os.getpid()
        self.fh.write(json.dumps(rec, ensure_ascii=False, default=str) + "\n")
        self.fh.flush()


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2)))


def draft(rng: random.Random) -> CaseDraft:
    a, b = _name(rng), _name(rng)
    return CaseDraft(parties=[PartyInput(a, side="applicant", phone=f"139{rng.randint(0, 10**8 - 1):08d}"),
                              PartyInput(b, side="respondent")],
                     dispute_type="neighbor" if rng.random() < 0.5 else "marriage",
                     source="party_apply", facts=f"{a}与{b}因邻里琐事发生纠纷，申请调解。",
                     requests="请求调解。")


def session_input(desk: Desk, rng: random.Random) -> SessionInput:
    start = dt.datetime.now().replace(microsecond=0) - dt.timedelta(hours=1)
    return SessionInput(started_at=start, ended_at=start + dt.timedelta(minutes=40),
                        place="调解室", content="双方陈述各自意见。", result="继续调解。",
                        participants=[ParticipantInput("mediator", desk.actor.display_name,
                                                       role="host", user_id=desk.actor.user_id)])


def recent(desk: Desk, statuses: list[str], n: int = 8) -> list[tuple[int, int]]:
    page = desk.cases.search(CaseQuery(statuses=statuses, limit=n, with_total=False))
    return [(r.id, r.version) for r in page.rows]


class Worker:
    def __init__(self, desk: Desk, log: Log, rng: random.Random, think: float) -> None:
        self.desk, self.log, self.rng, self.think = desk, log, rng, think
        self.n = 0

    def step(self) -> None:
        r = self.rng.random()
        if r < 0.25:
            self.register()
        elif r < 0.45:
            self.accept()
        elif r < 0.80:
            self.update()
        else:
            self.add_session()

    def _pause(self) -> None:  # the person reading the screen before pressing 保存
        if self.think:
            time.sleep(self.rng.uniform(0, self.think))

    def register(self) -> None:
        t0 = time.perf_counter()
        ref = self.desk.intake.register(draft(self.rng))
        self.log.write(op="register", case=ref.id, version=ref.version,
                       ms=(time.perf_counter() - t0) * 1000)

    def accept(self) -> None:
        pool = recent(self.desk, ["registered"])
        if not pool:
            return self.register()
        case_id, version = self.rng.choice(pool)
        self._pause()
        t0 = time.perf_counter()
        try:
            ref = self.desk.intake.accept(case_id, version)
        except (ConflictError, InvalidTransition) as err:
            self.log.write(op="lost", what="accept", case=case_id, kind=type(err).__name__,
                           msg=err.message)
            return
        self.log.write(op="accept", case=case_id, version=ref.version, number=ref.number,
                       ms=(time.perf_counter() - t0) * 1000)

    def update(self) -> None:
        pool = recent(self.desk, ["registered", *OPEN])
        if not pool:
            return self.register()
        case_id, _ = self.rng.choice(pool)
        detail = self.desk.cases.get(case_id)
        self._pause()
        self.n += 1
        token = f"T{os.getpid()}-{self.n}"
        t0 = time.perf_counter()
        try:
            ref = self.desk.intake.update_case(case_id, detail.version,
                                               CaseUpdate(title=f"纠纷{token}"))
        except ConflictError as err:
            self.log.write(op="lost", what="update", case=case_id, kind="ConflictError",
                           changes=[[c.field, str(c.mine), str(c.theirs)] for c in err.changes],
                           msg=err.message)
            return
        except InvalidTransition as err:
            self.log.write(op="lost", what="update", case=case_id, kind="InvalidTransition",
                           msg=err.message)
            return
        self.log.write(op="update", case=case_id, token=token, before=detail.version,
                       version=ref.version, ms=(time.perf_counter() - t0) * 1000)

    def add_session(self) -> None:
        pool = recent(self.desk, OPEN)
        if not pool:
            return self.accept()
        case_id, _ = self.rng.choice(pool)
        t0 = time.perf_counter()
        try:
            sid = self.desk.sessions.add(case_id, session_input(self.desk, self.rng))
        except InvalidTransition as err:
            self.log.write(op="lost", what="session", case=case_id, kind="InvalidTransition",
                           msg=err.message)
            return
        self.log.write(op="session", case=case_id, session=sid,
                       ms=(time.perf_counter() - t0) * 1000)


def hold(db: Database, desk: Desk) -> None:
    """Half-write a case and take a number inside one transaction, then wait to be killed."""
    from sqlalchemy import select

    from desktop.services.intake import next_case_number
    from desktop.store.models import Case, Committee

    ref = desk.intake.register(draft(random.Random(1)))
    with db.write() as s:
        case = s.scalars(select(Case).where(Case.id == ref.id)).one()
        case.title = "HALF-WRITTEN"
        committee = s.get(Committee, case.committee_id)
        assert committee is not None
        case.number_seq = next_case_number(s, committee, dt.date.today().year,
                                           postgres=not db.is_sqlite)
        case.number = f"HALF-{case.number_seq}"
        case.status = "accepted"
        s.flush()
        print(f"HOLDING {ref.id}", flush=True)
        time.sleep(600)


def desk_for(db: Database, username: str) -> Desk:
    """A Desk for a fixture user without the (deliberately slow) password check."""
    from sqlalchemy import select

    from desktop.domain.enums import Role
    from desktop.services import Actor
    from desktop.store.models import User

    with db.read() as s:
        u = s.scalars(select(User).where(User.username == username)).one()
        return Desk(db, Actor(u.id, u.username, u.display_name, Role(u.role), u.committee_id))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", required=True)
    ap.add_argument("--user", required=True)
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--go", default="", help="print READY, then begin when this file exists")
    ap.add_argument("--log", required=True)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--think", type=float, default=0.02)
    ap.add_argument("--hold", action="store_true")
    ap.add_argument("--min-steps", type=int, default=0,
                    help="go on past --seconds until this many steps are done (a slow machine "
                         "then takes longer instead of testing less)")
    ap.add_argument("--until-after", default="",
                    help="go on past --seconds until a save more than 1 s after this file "
                         "appeared (the test's kill or restart)")
    args = ap.parse_args(argv)
    db = Database.connect(args.url)
    desk = desk_for(db, args.user)
    if args.hold:
        hold(db, desk)
        return 0
    log = Log(Path(args.log))
    worker = Worker(desk, log, random.Random(args.seed), args.think)
    # warm up outside the measured time: connect, compile, load the pinyin tables
    desk.cases.search(CaseQuery(limit=1, with_total=False))
    from desktop.services.terms import case_terms

    case_terms(None, None, None, [("张三", "", "", "")])
    if args.go:
        os.write(1, b"READY\n")  # one write: desks forked together share the pipe
        give_up = time.time() + 180  # a sibling failed and the test never says go
        while not os.path.exists(args.go):
            if time.time() > give_up:
                return 1
            time.sleep(0.02)
    log.write(op="start")
    deadline = time.time() + args.seconds
    give_up = deadline + 600  # a hang guard for --min-steps, not a speed limit
    steps = 0
    def more_wanted() -> bool:
        if steps < args.min_steps:
            return True
        if args.until_after:
            try:
                mark = os.path.getmtime(args.until_after)
            except OSError:
                return True  # the test has not killed or restarted anything yet
            return log.last_work <= mark + 1
        return False

    while time.time() < deadline or (more_wanted() and time.time() < give_up):
        steps += 1
        try:
            worker.step()
        except DatabaseError as err:
            log.write(op="dberror", msg=err.message)
            time.sleep(0.2)
        except (PermissionDenied, NotFound, ValidationError) as err:
            log.write(op="refused", kind=type(err).__name__, msg=err.message)
        except Exception:  # noqa: BLE001 - the test asserts there is none
            log.write(op="crash", tb=traceback.format_exc())
            return 1
    log.write(op="end")
    db.close()
    return 0


def spawn(argvs: list[list[str]]) -> int:
    """Fork one desk process per argv after the imports are done (saves ~1.5 s of CPU per
    desk on a loaded CI box); each child opens its own connections after the fork. Exits 1
    if any desk did."""
    children = []
    for argv in argvs:
        pid = os.fork()
        if pid == 0:  # the desk
            code = 1
            try:
                code = main(argv)
            except BaseException:  # noqa: BLE001 - reported through the exit status
                traceback.print_exc()
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(code)
        children.append(pid)
    failed = 0
    for pid in children:
        _, status = os.waitpid(pid, 0)
        failed += os.waitstatus_to_exitcode(status) != 0
    return 1 if failed else 0


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--spawn":
        raise SystemExit(spawn(json.loads(Path(sys.argv[2]).read_text())))
    raise SystemExit(main())
