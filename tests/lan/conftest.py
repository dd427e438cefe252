"""Helpers for the LAN-mode tests: run desk processes and check what they acknowledged."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, select

from desktop.store.audit_chain import verify_chain
from desktop.store.db import Database
from desktop.store.models import AuditEntry, Case, MediationSession, NumberCounter

REPO = Path(__file__).resolve().parents[2]


def desk_seconds(default: float) -> float:
    return float(os.environ.get("LAN_DESK_SECONDS", default))


def spawn_desk(url: str, user: str, log: Path, *, seconds: float = 5, go: Path | None = None,
               seed: int = 0, hold: bool = False, think: float = 0.02) -> subprocess.Popen[str]:
    cmd = [sys.executable, "-m", "tests.lan.desk", "--url", url, "--user", user,
           "--seconds", str(seconds), "--go", str(go or ""), "--log", str(log),
           "--seed", str(seed), "--think", str(think)]
    if hold:
        cmd.append("--hold")
    return subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=dict(os.environ, PYTHONPATH=str(REPO)))


def desk_argv(url: str, user: str, log: Path, *, seconds: float, go: Path, seed: int,
              think: float = 0.02, min_steps: int = 0, until_after: Path | None = None
              ) -> list[str]:
    return ["--url", url, "--user", user, "--seconds", str(seconds), "--go", str(go),
            "--log", str(log), "--seed", str(seed), "--think", str(think),
            "--min-steps", str(min_steps), "--until-after", str(until_after or "")]


def start_desks(url: str, users: list[str], folder: Path, seconds: float,
                prefix: str = "desk", min_steps: int = 0, until_after: Path | None = None
                ) -> tuple[subprocess.Popen[str], list[Path]]:
    """One process per desk (forked after the imports by a launcher); when all are connected
    and warm, they go at the same instant."""
    go = folder / f"{prefix}-go"
    logs = [folder / f"{prefix}{i:02d}.jsonl" for i in range(len(users))]
    spec = folder / f"{prefix}-spec.json"
    spec.write_text(json.dumps([desk_argv(url, u, log, seconds=seconds, go=go, seed=i,
                                          min_steps=min_steps, until_after=until_after)
                                for i, (u, log) in enumerate(zip(users, logs))]))
    launcher = subprocess.Popen([sys.executable, "-m", "tests.lan.desk", "--spawn", str(spec)],
                                cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True, env=dict(os.environ, PYTHONPATH=str(REPO)))
    assert launcher.stdout is not None
    ready = 0
    while ready < len(users):
        line = launcher.stdout.readline()
        if not line:  # the launcher ended: a desk failed before it was ready
            launcher.wait(timeout=30)
            raise AssertionError(launcher.stderr.read() if launcher.stderr else "desk failed")
        ready += line.count("READY")
    go.touch()
    return launcher, logs


def wait_desks(launcher: subprocess.Popen[str], seconds: float, min_steps: int = 0,
               *, open_ended: bool = False) -> None:
    """``open_ended``: the desks may work past ``seconds`` (``min_steps``, ``until_after``)."""
    _, err = launcher.communicate(timeout=seconds + 120 + (600 if min_steps or open_ended else 0))
    assert launcher.returncode == 0, f"a desk crashed:\n{err[-3000:]}"


def run_desks(url: str, users: list[str], folder: Path, seconds: float,
              min_steps: int = 0) -> list[Path]:
    """The desks work for ``seconds`` and, on a machine too loaded to get far in that time,
    on until each has done ``min_steps`` steps: the checks below need enough work done."""
    procs, logs = start_desks(url, users, folder, seconds, min_steps=min_steps)
    wait_desks(procs, seconds, min_steps)
    return logs


@dataclass
class Acks:
    records: list[dict] = field(default_factory=list)

    @classmethod
    def read(cls, logs: list[Path]) -> Acks:
        recs = []
        for log in logs:
            if log.exists():
                recs += [json.loads(x) for x in log.read_text(encoding="utf-8").splitlines() if x]
        return cls(recs)

    def of(self, op: str) -> list[dict]:
        return [r for r in self.records if r["op"] == op]

    def counts(self) -> Counter[str]:
        return Counter(r["op"] for r in self.records)


def check_history(db: Database, acks: Acks, *, exact: bool = True) -> dict[str, int]:
    """What the desks acknowledged is in the database, numbers are gapless, no lost update.

    ``exact``: no desk died or lost its connection, so every committed update and acceptance
    was acknowledged (the audit log holds exactly the acknowledged ones).
    """
    crashes = acks.of("crash")
    assert not crashes, crashes[0]["tb"]
    with db.read() as s:
        # numbers: unique and gapless per committee and year, matching the counter row
        rows = s.execute(select(Case.committee_id, Case.number_year, Case.number_seq, Case.id,
                                Case.number).where(Case.number_seq.is_not(None))).all()
        by_key: dict[tuple[int, int], list[int]] = defaultdict(list)
        for cid, year, seq, _id, _num in rows:
            by_key[(cid, year)].append(seq)
        for key, seqs in by_key.items():
            assert sorted(seqs) == list(range(1, len(seqs) + 1)), f"gap or duplicate in {key}"
            counter = s.get(NumberCounter, key)
            assert counter is not None and counter.last_seq == len(seqs)
        numbers = {r[3]: r[4] for r in rows}
        # every acknowledged write is there
        ids = set(s.scalars(select(Case.id)))
        for r in acks.of("register"):
            assert r["case"] in ids
        accepted = Counter(r["case"] for r in acks.of("accept"))
        assert all(n == 1 for n in accepted.values()), "a case was accepted twice"
        for r in acks.of("accept"):
            assert numbers.get(r["case"]) == r["number"]
        sessions = set(s.scalars(select(MediationSession.id)))
        for r in acks.of("session"):
            assert r["session"] in sessions
        # no lost update: no two acknowledged saves produced the same version of a case
        pairs = Counter((r["case"], r["version"]) for r in acks.of("update"))
        dup = [p for p, n in pairs.items() if n > 1]
        assert not dup, f"two desks both saved version {dup[0]}"
        details = defaultdict(str)
        for case_id, detail in s.execute(select(AuditEntry.case_id, AuditEntry.detail)
                                         .where(AuditEntry.action == "update",
                                                AuditEntry.entity == "case")):
            details[case_id] += detail
        for r in acks.of("update"):
            assert f"{r['token']}\"" in details[r["case"]], f"acknowledged edit {r['token']} lost"
        n_update_audit = s.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.action == "update", AuditEntry.entity == "case"))
        n_accept_audit = s.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.action == "accept"))
        if exact:
            assert n_update_audit == len(acks.of("update"))
            assert n_accept_audit == len(acks.of("accept")) == len(rows)
        else:
            assert n_update_audit >= len(acks.of("update"))
        # lost races were reported to the desk with what the other desk changed
        for r in acks.of("lost"):
            assert r["kind"] in ("ConflictError", "InvalidTransition")
            if r["what"] == "update" and r["kind"] == "ConflictError":
                assert r["changes"], "a conflict without the other desk's changes"
        # deep: every case's rows match the digest its last audited write recorded
        report = verify_chain(s, deep=True)
        assert report.ok, report.message
    return dict(acks.counts())
