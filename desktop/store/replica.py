"""Reads from a PostgreSQL streaming replica when it is fresh enough; writes never go there.

A LAN profile may name a read-only replica (``replica = host[:port]`` in ``[db]``). Reports,
drill-downs, search and the dashboard then read from it; everything else, and every write,
uses the primary. Before a read the router knows (from a probe at most ``probe_every``
seconds old) how far the replica is behind:

* **Whether** it is behind: the primary's ``pg_current_wal_insert_lsn()`` against the replica's
  ``pg_last_wal_replay_lsn()`` (primary read first). Replay at or past that position means
  every commit acknowledged before the probe is visible on the replica: lag 0. This is exact,
  and it is why we do not use the replay timestamp alone: on an idle primary
  ``now() - pg_last_xact_replay_timestamp()`` grows for ever though nothing is missing.
* **How far** (only when behind, after short re-checks while replay moves forward, so records
  still in flight on the LAN are not counted): ``now() - pg_last_xact_replay_timestamp()`` on the replica. The replica
  holds every commit up to that moment, so the figure is an upper bound on how old the
  missing data can be: an over-estimate only ever sends a read to the primary.

Past ``max_lag`` seconds, or when the replica cannot be reached (then it is left alone for
``retry_after`` seconds), or when it is no longer in recovery (promoted: it no longer follows
our primary), reads fall back to the primary, read-only as well. After this process commits a
write, the next read re-probes, so a desk always sees its own save (read-your-writes).

Sessions of the read path are read-only on both servers: on the primary ``BEGIN READ ONLY``
(``postgresql_readonly``); on the replica the standby refuses writes itself and its
connections also set ``default_transaction_read_only``. A write attempted through the read
path is refused by the server, whichever one it is.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from desktop.domain.errors import DatabaseError, MediationError, ValidationError
from desktop.store.db import Database

if TYPE_CHECKING:
    from desktop.store.profiles import Profile

log = logging.getLogger(__name__)

DEFAULT_MAX_LAG = 30.0  # seconds; the administrator's threshold (``replica_max_lag``)
PROBE_EVERY = 1.0  # seconds a lag measurement is reused (search probes at most once a second)
RETRY_AFTER = 30.0  # seconds an unreachable replica is left alone
CONNECT_TIMEOUT = 3  # seconds: a switched-off replica must not stall every report for long
RECHECK_PAUSE = 0.1  # seconds before re-checking a replica found just behind
RECHECKS = 5  # re-checks at most, and only while its replay position moves


@dataclass(frozen=True)
class ReadSource:
    """Where one read was served from, and the Chinese note the GUI shows about it."""

    replica: bool  # served by the replica
    lag: float | None = None  # seconds behind the primary (upper bound); None: unknown
    # fresh | lagging | own_write | unreachable | promoted | primary (no replica)
    reason: str = "primary"
    max_lag: float = DEFAULT_MAX_LAG

    @property
    def note(self) -> str:
        if self.reason == "primary":
            return ""
        if self.replica:
            if not self.lag or self.lag < 1:
                return "数据来自只读副本，与主服务器同步（延迟不到 1 秒）"
            return f"数据来自只读副本，延迟约 {_seconds(self.lag)}"
        if self.reason == "lagging":
            behind = f"约 {_seconds(self.lag)}" if self.lag is not None else "无法确定"
            return (f"只读副本延迟{behind}，超过设定的 {_seconds(self.max_lag)}，"
                    "本次数据改从主服务器读取")
        if self.reason == "own_write":
            return "您刚保存的内容尚未同步到只读副本，本次数据从主服务器读取"
        if self.reason == "promoted":
            return "只读副本已不再跟随主服务器（可能已被提升为主服务器），本次数据改从主服务器读取"
        return "只读副本无法连接，本次数据改从主服务器读取"


def _seconds(value: float | None) -> str:
    value = float(value or 0)
    if value < 120:
        return f"{max(1, round(value))} 秒"
    if value < 7200:
        return f"{round(value / 60)} 分钟"
    return f"{value / 3600:.1f} 小时"


def _lsn(value: str) -> int:
    """``'16/B374D848'`` → a comparable integer."""
    hi, _, lo = str(value).partition("/")
    return (int(hi, 16) << 32) | int(lo, 16)


def parse_spec(spec: str) -> tuple[str, int | None]:
    """``host``, ``host:port`` or ``[v6addr]:port`` → (host, port or None)."""
    spec = spec.strip()
    host, port = spec, ""
    if spec.startswith("["):
        host, _, rest = spec[1:].partition("]")
        port = rest.lstrip(":")
    elif spec.count(":") == 1:
        host, _, port = spec.partition(":")
    if not host.strip() or any(c.isspace() or c in "/@?#" for c in host):
        raise ValidationError(f"只读副本地址“{spec}”无效，请写成“服务器地址”或“服务器地址:端口”"
                              "（例如 192.168.1.11:5432）。", field="replica")
    try:
        port_no = int(port) if port else None
    except ValueError as err:
        raise ValidationError(f"只读副本的端口“{port}”不是数字，请写成“服务器地址:端口”。",
                              field="replica") from err
    if port_no is not None and not 1 <= port_no <= 65535:
        raise ValidationError("只读副本的端口应在 1 到 65535 之间。", field="replica")
    return host.strip(), port_no


def check_max_lag(value: float | str) -> float:
    try:
        seconds = float(value)
    except (TypeError, ValueError) as err:
        raise ValidationError("只读副本最大延迟应是秒数（1 到 86400）。",
                              field="replica_max_lag") from err
    if not 1 <= seconds <= 86400:
        raise ValidationError("只读副本最大延迟应在 1 秒到 86400 秒（一天）之间。",
                              field="replica_max_lag")
    return seconds


def check_profile(profile: Profile) -> None:
    """The profile's replica fields (called by ``Profile.validate``)."""
    host, port = parse_spec(profile.replica)
    check_max_lag(profile.replica_max_lag)
    if host == profile.host and (port or 5432) == int(profile.port):
        raise ValidationError("只读副本不能与主服务器是同一地址和端口。", field="replica")


def replica_url(primary_url: str, replica: str) -> str:
    """The primary's URL (same database, role and password: a physical replica has them all)
    with the host and port of ``replica``."""
    host, port = parse_spec(replica)
    primary = make_url(primary_url)
    return primary.set(host=host, port=port or primary.port).render_as_string(hide_password=False)


def attach_profile(primary: Database, profile: Profile) -> ReplicaRouter | None:
    """Attach the replica a LAN profile names (none: reads stay on the primary)."""
    if not profile.is_lan or not profile.replica.strip() or primary.is_sqlite:
        detach(primary)
        return None
    return attach(primary, profile.replica, max_lag=profile.replica_max_lag,
                  pgbouncer=profile.pgbouncer)


class ReplicaRouter:
    """Chooses, per read, between the replica and the primary (thread-safe)."""

    def __init__(self, primary: Database, replica: str, *, max_lag: float = DEFAULT_MAX_LAG,
                 probe_every: float = PROBE_EVERY, retry_after: float = RETRY_AFTER,
                 pgbouncer: bool = False) -> None:
        if primary.is_sqlite:
            raise MediationError("只读副本只用于局域网（PostgreSQL）数据库。")
        self.primary = primary
        self.max_lag = check_max_lag(max_lag)
        self.probe_every = probe_every
        self.retry_after = retry_after
        url = replica_url(primary.url, replica) if "://" not in replica else replica
        connect_args: dict[str, Any] = {"connect_timeout": CONNECT_TIMEOUT,
                                        "application_name": "mediationdesk-reader"}
        if not pgbouncer:  # PgBouncer refuses the "options" startup parameter
            connect_args["options"] = "-c default_transaction_read_only=on"
        engine = create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5,
                               connect_args=connect_args)
        if pgbouncer:
            from desktop.store.pooler import no_server_prepare

            no_server_prepare(engine)
        self._replica_engine = engine
        # Not ``postgresql_readonly`` here: resetting it leaves psycopg's read_only False,
        # i.e. an explicit BEGIN READ WRITE, which a standby refuses. A standby is read-only
        # anyway, and default_transaction_read_only covers a "replica" that is not one.
        self.replica_db = Database(url, engine)
        # the primary for reads that fall back: the same pool, but BEGIN READ ONLY
        self.primary_reads = Database(primary.url,
                                      primary.engine.execution_options(postgresql_readonly=True))
        self._lock = threading.Lock()
        self._checked = float("-inf")  # monotonic time of the last probe
        self._down_until = float("-inf")
        self._wrote = False  # this process committed a write since the last probe
        self._own_lsn = -1  # the primary's WAL position just after this process's last write
        self.last = ReadSource(False, None, "unreachable", self.max_lag)
        event.listen(primary.engine, "commit", self._on_commit)

    def _on_commit(self, _conn: Any) -> None:
        self._wrote = True

    # -- measuring -------------------------------------------------------------------------
    def measure(self, wrote: bool = False) -> ReadSource:
        """Probe now: where would a read go, and why. ``wrote``: this process committed a
        write since the last probe; until the replica has replayed it, reads use the primary."""
        try:
            with self.primary.engine.connect() as conn:
                # the insert position, not pg_current_wal_lsn() (the write position): with
                # synchronous_commit=off a committed transaction's record may not be written
                # yet, and the replica would look caught up without it (seen in the tests)
                primary_lsn = _lsn(conn.execute(
                    text("SELECT pg_current_wal_insert_lsn()")).scalar_one())
        except Exception as err:  # noqa: BLE001 - the primary's own read reports the fault
            log.info("primary WAL position unavailable: %s", err)
            return ReadSource(False, None, "unreachable", self.max_lag)
        try:
            with self._replica_engine.connect() as conn:
                state = self._replica_state(conn)
                for _ in range(RECHECKS):  # records may still be on their way: wait while
                    if not state[0] or state[1] >= primary_lsn:  # replay moves forward
                        break
                    time.sleep(RECHECK_PAUSE)
                    before, state = state[1], self._replica_state(conn)
                    if state[1] == before:  # not moving (paused, or cut off from the primary)
                        break
        except Exception as err:  # noqa: BLE001 - any fault: the replica is not usable now
            log.warning("read replica unreachable: %s", err)
            self._down_until = time.monotonic() + self.retry_after
            return ReadSource(False, None, "unreachable", self.max_lag)
        in_recovery, replay_lsn, age = state
        if not in_recovery:
            return ReadSource(False, None, "promoted", self.max_lag)
        lag = 0.0 if replay_lsn >= primary_lsn else age
        if wrote:
            self._own_lsn = primary_lsn  # at or past this desk's last commit
        if replay_lsn < self._own_lsn:
            return ReadSource(False, lag, "own_write", self.max_lag)
        if lag is None or lag > self.max_lag:
            return ReadSource(False, lag, "lagging", self.max_lag)
        return ReadSource(True, lag, "fresh", self.max_lag)

    @staticmethod
    def _replica_state(conn: Any) -> tuple[bool, int, float | None]:
        in_recovery, replay, age = conn.execute(text(
            "SELECT pg_is_in_recovery(), pg_last_wal_replay_lsn(),"
            " extract(epoch FROM now() - pg_last_xact_replay_timestamp())")).one()
        return bool(in_recovery), _lsn(replay) if replay else -1, \
            None if age is None else max(0.0, float(age))

    def choose(self) -> tuple[Database, ReadSource]:
        """The database for the next read and why (re-probed when the last probe is old or
        this process wrote since)."""
        with self._lock:
            now = time.monotonic()
            if now < self._down_until:
                self.last = ReadSource(False, None, "unreachable", self.max_lag)
            elif self._wrote or now - self._checked >= self.probe_every:
                wrote, self._wrote = self._wrote, False
                self.last = self.measure(wrote)
                if wrote and self.last.reason == "unreachable":
                    self._wrote = True  # remember the write for the probe that succeeds
                self._checked = time.monotonic()
            source = self.last
        return (self.replica_db if source.replica else self.primary_reads), source

    @contextlib.contextmanager
    def read(self) -> Iterator[Session]:
        """A read-only session on the replica when fresh enough, else on the primary."""
        db, source = self.choose()
        try:
            with db.read() as session:
                yield session
        except DatabaseError as err:
            # the replica's connection failed mid-read, or the standby cancelled the query to
            # replay WAL (max_standby_streaming_delay): the next reads go to the primary
            cause = err.__cause__
            recovery = "conflict with recovery" in str(cause)
            if source.replica and (isinstance(cause, OperationalError) or recovery):
                with self._lock:
                    self._down_until = time.monotonic() + self.retry_after
                    self.last = ReadSource(False, None, "unreachable", self.max_lag)
                # a running query is cancelled; a session idle in its transaction is cut off
                # instead, and the driver may report that only as a closed connection
                if recovery or getattr(cause, "connection_invalidated", False):
                    raise DatabaseError("只读副本正在同步数据，中断了这次统计或查询。请再试一次："
                                        "接下来将改从主服务器读取。") from err
            raise

    def close(self) -> None:
        with contextlib.suppress(Exception):
            event.remove(self.primary.engine, "commit", self._on_commit)
        self._replica_engine.dispose()


# -- which databases have a replica ----------------------------------------------------------
# Database is an unhashable dataclass, so routers are kept by id(); a router holds its
# primary, so the id cannot be reused while it is registered.
_ROUTERS: dict[int, ReplicaRouter] = {}


def attach(primary: Database, replica: str, *, max_lag: float = DEFAULT_MAX_LAG,
           **options: Any) -> ReplicaRouter:
    """Route ``primary``'s shared reads through ``replica`` (replacing any earlier router)."""
    detach(primary)
    router = ReplicaRouter(primary, replica, max_lag=max_lag, **options)
    _ROUTERS[id(primary)] = router
    return router


def detach(primary: Database) -> None:
    router = _ROUTERS.pop(id(primary), None)
    if router is not None:
        router.close()


def router_of(primary: Database) -> ReplicaRouter | None:
    router = _ROUTERS.get(id(primary))
    return router if router is not None and router.primary is primary else None


@contextlib.contextmanager
def shared_read(primary: Database) -> Iterator[Session]:
    """What reports, search and the dashboard read through: the replica when one is attached
    and fresh enough, else the primary's ordinary read session."""
    router = router_of(primary)
    if router is None:
        with primary.read() as session:
            yield session
    else:
        with router.read() as session:
            yield session


def last_source(primary: Database) -> ReadSource:
    router = router_of(primary)
    return router.last if router is not None else ReadSource(False)


__all__ = ["DEFAULT_MAX_LAG", "ReadSource", "ReplicaRouter", "attach", "attach_profile",
           "check_profile", "detach", "last_source", "parse_spec", "replica_url", "router_of",
           "shared_read"]
