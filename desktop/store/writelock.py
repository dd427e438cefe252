"""A writers' queue for one SQLite file shared by several processes.

SQLite lets one writer in at a time; the others wait in its busy handler, which sleeps up to
100 ms between tries. On a loaded machine a writer that commits and writes again at once wins
the lock nearly every time, and a patient waiter can lose for the whole busy timeout (seen:
eight processes accepting cases at load 18, one of them refused after 30 s). Waiting on a lock
file that is tried every few milliseconds instead lets every waiter in within a few turns.

The lock is advisory and covers only the app's own write transactions; SQLite's own locking
still protects the file from anything else that writes to it.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from pathlib import Path
from types import TracebackType
from typing import Self

from desktop.domain.errors import DatabaseError

POLL_SECONDS = 0.002

BUSY_MESSAGE = "数据库正忙（其他工作台正在保存），请稍候几秒再试。您输入的内容没有丢失。"


class WriterLock:
    """Held around one write transaction; ``timeout`` seconds at most to get in."""

    def __init__(self, database_file: Path, timeout: float) -> None:
        self.path = database_file.with_name(database_file.name + "-writer.lock")
        self.timeout = timeout
        self._threads = threading.Lock()  # this process's own writers, one at a time
        self._fd: int | None = None

    def __enter__(self) -> Self:
        deadline = time.monotonic() + self.timeout
        if not self._threads.acquire(timeout=self.timeout):
            raise DatabaseError(BUSY_MESSAGE)
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError:
            # A folder we cannot create files in (read-only share): SQLite's own lock remains.
            self._fd = None
            return self
        try:
            while not _try_lock(fd):
                if time.monotonic() >= deadline:
                    raise DatabaseError(BUSY_MESSAGE)
                time.sleep(POLL_SECONDS)
        except OSError:
            # No locking on this file system (some network shares): SQLite's own lock remains.
            os.close(fd)
            return self
        except BaseException:
            os.close(fd)
            self._threads.release()
            raise
        self._fd = fd
        return self

    def __exit__(self, kind: type[BaseException] | None, err: BaseException | None,
                 tb: TracebackType | None) -> None:
        fd, self._fd = self._fd, None
        try:
            if fd is not None:
                try:
                    _unlock(fd)
                finally:
                    os.close(fd)  # closing drops the lock too, should unlocking have failed
        finally:
            self._threads.release()


if sys.platform == "win32":
    import msvcrt

    def _try_lock(fd: int) -> bool:
        try:
            os.lseek(fd, 0, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _unlock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)


try_lock = _try_lock  # for other locks on files beside the database (``bulk.loading_lock``)
