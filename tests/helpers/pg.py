"""A throwaway PostgreSQL server for the LAN-mode tests (TOOLCHAIN.md recipe).

Started once per session with initdb + pg_ctl in a temp dir on a free port (as the
``postgres`` user when the tests run as root). Each test gets a fresh database cloned from a
migrated template. Under ``CI=true`` a server that cannot start FAILS the tests — CI never
passes by skipping; on a developer's laptop without PostgreSQL they are skipped with the
reason.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

PG_PASSWORD = "md-test-secret"


def _bindir() -> Path | None:
    env = os.environ.get("PG_BINDIR")
    if env:
        return Path(env)
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                      key=lambda p: int(p.split("/")[4]) if p.split("/")[4].isdigit() else 0)
    if versions:
        return Path(versions[-1]).parent
    found = shutil.which("initdb")
    return Path(found).resolve().parent if found else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def unavailable(reason: str) -> None:
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"PostgreSQL is required in CI but unavailable: {reason}", pytrace=False)
    pytest.skip(f"PostgreSQL not available: {reason}")


@dataclass
class PgServer:
    bindir: Path
    datadir: Path
    sockdir: Path
    port: int
    log: Path
    run_as: str | None
    host: str = "127.0.0.1"
    databases: list[str] = field(default_factory=list)

    def _cmd(self, *args: str) -> list[str]:
        return ["runuser", "-u", self.run_as, "--", *args] if self.run_as else list(args)

    def url(self, database: str = "postgres", user: str = "postgres",
            password: str = PG_PASSWORD) -> str:
        return f"postgresql+psycopg://{user}:{password}@{self.host}:{self.port}/{database}"

    def start(self) -> None:
        subprocess.run(self._cmd(
            str(self.bindir / "pg_ctl"), "-D", str(self.datadir), "-l", str(self.log), "-w",
            "-t", "60", "-o",
            f"-k {self.sockdir} -p {self.port} -h {self.host} -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=300",
            "start"), check=True, capture_output=True)

    def stop(self, mode: str = "fast") -> None:
        subprocess.run(self._cmd(str(self.bindir / "pg_ctl"), "-D", str(self.datadir), "-w",
                                 "-m", mode, "stop"), capture_output=True, check=False)

    def restart(self) -> None:
        self.stop("fast")
        self.start()

    def psql(self, sql: str, database: str = "postgres") -> str:
        env = dict(os.environ, PGPASSWORD=PG_PASSWORD)
        psql = self.bindir / "psql"
        out = subprocess.run([str(psql if psql.exists() else shutil.which("psql") or "psql"), "-h", self.host, "-p", str(self.port),
                              "-U", "postgres", "-d", database, "-v", "ON_ERROR_STOP=1", "-Atc",
                              sql], check=True, capture_output=True, text=True, env=env)
        return out.stdout

    def create_database(self, name: str | None = None, template: str | None = None) -> str:
        name = name or f"t_{uuid.uuid4().hex[:12]}"
        self.psql(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
        self.databases.append(name)
        return name


def start_server(base: Path) -> PgServer:
    bindir = _bindir()
    if bindir is None or not (bindir / "initdb").exists():
        unavailable("initdb not found (apt-get install postgresql)")
    assert bindir is not None
    run_as = None
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            unavailable("running as root but there is no 'postgres' user to own the cluster")
        run_as = "postgres"
    base.mkdir(parents=True, exist_ok=True)
    datadir, sockdir = base / "data", base / "sock"
    sockdir.mkdir(exist_ok=True)
    pwfile = base / "pwfile"
    pwfile.write_text(PG_PASSWORD + "\n")
    if run_as:
        shutil.chown(base, run_as)
        shutil.chown(sockdir, run_as)
        shutil.chown(pwfile, run_as)
        os.chmod(base, 0o755)
    server = PgServer(bindir, datadir, sockdir, _free_port(), base / "server.log", run_as)
    try:
        subprocess.run(server._cmd(
            str(bindir / "initdb"), "-D", str(datadir), "-U", "postgres", f"--pwfile={pwfile}",
            "-E", "UTF8", "--locale=C.UTF-8", "--auth-host=scram-sha-256",
            "--auth-local=trust"), check=True, capture_output=True)
        server.start()
    except subprocess.CalledProcessError as err:
        log = server.log.read_text() if server.log.exists() else ""
        unavailable(f"{err.cmd[0]} failed: {err.stderr!r} {log[-2000:]}")
    return server


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    base = Path(tempfile.mkdtemp(prefix="md-pg-", dir="/tmp"))
    server = start_server(base)
    try:
        yield server
    finally:
        server.stop("immediate")
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="session")
def pg_template(pg_server: PgServer) -> str:
    """A migrated database with the standard fixture users; tests clone it."""
    from desktop.store.opening import open_database
    from tests.helpers.db import populate

    name = pg_server.create_database("md_template")
    db = open_database(pg_server.url(name))
    populate(db)
    db.close()
    return name


@pytest.fixture
def pg_url(pg_server: PgServer, pg_template: str) -> str:
    """URL of a fresh migrated PostgreSQL database (with the fixture users) for one test."""
    return pg_server.url(pg_server.create_database(template=pg_template))


@pytest.fixture
def pg_empty_url(pg_server: PgServer) -> str:
    """URL of a fresh, empty PostgreSQL database (no schema)."""
    return pg_server.url(pg_server.create_database())
