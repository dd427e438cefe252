"""A throwaway PostgreSQL primary with a real streaming replica (hot standby) beside it.

The primary is a cluster of its own (``tests/helpers/pg.py``'s recipe; initdb's pg_hba.conf
already admits replication connections from 127.0.0.1 with scram-sha-256 and PostgreSQL 15's
default ``wal_level`` is ``replica``, but we say so explicitly as the manual does). A
replication role is created, ``pg_basebackup -R -X stream`` copies the cluster into a second
data directory (``-R`` writes ``standby.signal`` and ``primary_conninfo``), and that copy is
started on another port as a hot standby. Like the primary, a replica that cannot start FAILS
the tests under ``CI=true`` and skips them elsewhere.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.helpers.pg import PG_PASSWORD, PgServer, _free_port, start_server, unavailable

REPLICATION_USER = "md_replicator"
REPLICATION_PASSWORD = "md-replication-secret"


@dataclass
class ReplicaPair:
    primary: PgServer
    replica: PgServer

    def replica_spec(self) -> str:
        """What the profile's ``replica`` key holds: host:port."""
        return f"{self.replica.host}:{self.replica.port}"

    def wait_replayed(self, timeout: float = 30) -> None:
        """Until the replica has replayed everything the primary has written so far."""
        target = self.primary.psql("SELECT pg_current_wal_lsn()").strip()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            done = self.replica.psql(
                f"SELECT pg_last_wal_replay_lsn() >= '{target}'::pg_lsn").strip()
            if done == "t":
                return
            time.sleep(0.05)
        raise AssertionError(f"the replica did not replay up to {target} in {timeout} s")

    def pause_replay(self) -> None:
        self.replica.psql("SELECT pg_wal_replay_pause()")

    def resume_replay(self) -> None:
        if self.replica.psql("SELECT pg_is_in_recovery()").strip() == "t":  # not if promoted
            self.replica.psql("SELECT pg_wal_replay_resume()")


def start_replica(primary: PgServer, base: Path) -> PgServer:
    primary.psql(f"CREATE ROLE {REPLICATION_USER} WITH REPLICATION LOGIN "
                 f"PASSWORD '{REPLICATION_PASSWORD}'")
    datadir = base / "replica"
    replica = PgServer(primary.bindir, datadir, primary.sockdir, _free_port(),
                       base / "replica.log", primary.run_as)
    env = dict(os.environ, PGPASSWORD=REPLICATION_PASSWORD)
    try:
        subprocess.run(primary._cmd(
            str(primary.bindir / "pg_basebackup"), "-h", primary.host, "-p", str(primary.port),
            "-U", REPLICATION_USER, "-D", str(datadir), "-R", "-X", "stream",
            "--checkpoint=fast"), check=True, capture_output=True, env=env, timeout=120)
        replica.start()
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as err:
        log = replica.log.read_text() if replica.log.exists() else ""
        unavailable(f"the streaming replica did not start: {getattr(err, 'stderr', err)!r} "
                    f"{log[-2000:]}")
    return replica


@pytest.fixture(scope="module")
def pg_pair() -> Iterator[ReplicaPair]:
    """A primary (with the fixture users' migrated database ``md``) and its streaming replica."""
    from desktop.store.opening import open_database
    from tests.helpers.db import populate

    base = Path(tempfile.mkdtemp(prefix="md-pgrep-", dir="/tmp"))
    primary = start_server(base)
    replica: PgServer | None = None
    try:
        primary.psql("ALTER SYSTEM SET wal_level = 'replica'")  # the default, said out loud
        name = primary.create_database("md")
        db = open_database(primary.url(name))
        populate(db)
        db.close()
        if primary.run_as:
            shutil.chown(base, primary.run_as)
        replica = start_replica(primary, base)
        pair = ReplicaPair(primary, replica)
        pair.wait_replayed()
        yield pair
    finally:
        if replica is not None:
            replica.stop("immediate")
        primary.stop("immediate")
        shutil.rmtree(base, ignore_errors=True)


def url(server: PgServer) -> str:
    return server.url("md", password=PG_PASSWORD)
