"""What anchoring the audit chain costs a save, against the same saves without it.

    .venv/bin/python bench/audit_anchor.py [--saves 300]

On one SQLite file: the same case edits (update_case, one audited write each) with the row
digests (case + parties + agreement, hashed in the write transaction) and with the digest
step switched off (the baseline, in the same run); then the cost of one signed checkpoint
(PKCS#12 unlock + RSA-2048 signature) against an unsigned one.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--saves", type=int, default=300)
    args = ap.parse_args()

    import keyring

    from desktop.services import SYSTEM
    from desktop.services.audit import AuditService
    from desktop.services.dto import CaseUpdate
    from desktop.store import audit_anchor as anchor
    from desktop.store.opening import open_database
    from tests.helpers.db import Desks, populate
    from tests.helpers.keyring import MemoryKeyring
    from tests.lan.desk import draft

    keyring.set_keyring(MemoryKeyring())
    folder = Path(tempfile.mkdtemp(prefix="md-bench-anchor-"))
    db = open_database(f"sqlite:///{folder / 'b.sqlite3'}", backup=False)
    populate(db)
    desk = Desks(db)["zhuren"]
    refs = [desk.intake.register(draft(random.Random(i))) for i in range(20)]
    real = anchor.case_digests

    def run(label: str) -> list[float]:
        times = []
        for i in range(args.saves):
            ref = refs[i % len(refs)]
            v = desk.cases.get(ref.id).version
            t = time.perf_counter()
            desk.intake.update_case(ref.id, v, CaseUpdate(facts=f"{label} {i}"))
            times.append((time.perf_counter() - t) * 1000)
        return times

    rounds: dict[str, list[float]] = {"with digests": [], "baseline (no digests)": []}
    for _ in range(3):  # interleaved, so load on the machine hits both alike
        anchor.case_digests = lambda s, ids, **kw: {}  # type: ignore[assignment]
        rounds["baseline (no digests)"] += run("b")
        anchor.case_digests = real  # type: ignore[assignment]
        rounds["with digests"] += run("d")
    for label, t in rounds.items():
        print(f"{label:24s} saves={len(t)} median={statistics.median(t):.2f} ms "
              f"p90={sorted(t)[int(len(t) * 0.9)]:.2f} ms")

    svc = AuditService(db, SYSTEM)
    t = time.perf_counter()
    svc.checkpoint("backup")
    unsigned = (time.perf_counter() - t) * 1000
    desk.documents.create_seal_key()
    t = time.perf_counter()
    svc.checkpoint("backup")
    signed = (time.perf_counter() - t) * 1000
    print(f"checkpoint unsigned {unsigned:.1f} ms, signed {signed:.1f} ms")
    db.close()


if __name__ == "__main__":
    main()
