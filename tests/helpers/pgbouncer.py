"""A throwaway PgBouncer in transaction mode in front of a test PostgreSQL server.

Debian's ``pgbouncer`` package (1.18 on Debian 12); run as the ``postgres`` user when the
tests run as root (it refuses root). Missing under ``CI=true`` fails, elsewhere skips.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from pathlib import Path

from tests.helpers.pg import PG_PASSWORD, PgServer, _free_port, unavailable


def start_pgbouncer(server: PgServer, folder: Path, *, pool: int = 20,
                    password: str = PG_PASSWORD) -> tuple[subprocess.Popen[bytes], int]:
    """PgBouncer (transaction mode, ``pool`` server connections per database) for every
    database of ``server``; returns the process and its port."""
    exe = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"
    if not Path(exe).exists():
        unavailable("pgbouncer not found (apt-get install pgbouncer)")
    port = _free_port()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "userlist.txt").write_text(f'"postgres" "{password}"\n')
    (folder / "pgbouncer.ini").write_text(f"""[databases]
* = host={server.host} port={server.port}
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {port}
unix_socket_dir =
auth_type = scram-sha-256
auth_file = {folder / 'userlist.txt'}
pool_mode = transaction
default_pool_size = {pool}
max_client_conn = 2000
logfile = {folder / 'pgbouncer.log'}
""")
    if server.run_as:
        for p in (folder, *folder.iterdir()):
            shutil.chown(p, server.run_as)
    cmd = [exe, str(folder / "pgbouncer.ini")]
    proc = subprocess.Popen(["runuser", "-u", server.run_as, "--", *cmd] if server.run_as
                            else cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 15

    while time.monotonic() < deadline:
        if proc.poll() is not None:
            err = proc.stderr.read() if proc.stderr else b""
            unavailable(f"pgbouncer did not start: {err!r}")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return proc, port
        time.sleep(0.1)
    proc.terminate()
    unavailable("pgbouncer did not listen within 15 s")
    raise AssertionError("unreachable")
