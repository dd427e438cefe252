"""Backup and restore for the administrator (设置→数据, and what the CLI's ``backup`` /
``restore`` do), over ``desktop.store.backup``.

A backup is the portable archive of the whole database. A restore never overwrites the
database in use: it goes into a new SQLite file beside it (``restored-YYYYMMDD-HHMMSS``),
is checked row by row against the archive, and the caller then points the settings at it.
"""

from __future__ import annotations

import datetime as dt
import time
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from desktop.domain.enums import Role
from desktop.domain.errors import MediationError, ValidationError
from desktop.services.base import ServiceBase

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class BackupResult:
    path: Path
    size: int
    seconds: float
    rows: int
    tables: int
    finished_at: dt.datetime


@dataclass(frozen=True)
class ArchiveInfo:
    path: Path
    size: int
    created_at: str  # 2026年11月27日 14:05, or "" when the archive does not say
    source: str
    rows: int
    cases: int
    revision: str


@dataclass(frozen=True)
class RestoreResult:
    archive: Path
    target: Path
    rows: int
    seconds: float


@dataclass(frozen=True)
class DailyBackup:
    path: Path
    day: dt.date
    size: int


def human_size(n: int) -> str:
    if n < 1024:
        return f"{n} 字节"
    if n < 1024 * 1024:
        return f"{n / 1024:.1f} KB"
    return f"{n / 1024 / 1024:.1f} MB"


def suggested_name(now: dt.datetime | None = None) -> str:
    return f"调解台备份-{(now or dt.datetime.now()):%Y%m%d-%H%M}.mdbackup"


def _created(text: str) -> str:
    from desktop.domain.dates import format_datetime

    try:
        return format_datetime(dt.datetime.fromisoformat(text))
    except ValueError:
        return ""


def _bad_archive(path: Path, err: BaseException) -> ValidationError:
    return ValidationError(f"备份文件已损坏或不是调解台的备份文件：{path.name}。请换一个备份文件。",
                           field="archive")


class BackupService(ServiceBase):
    def _admin(self, what: str) -> None:
        self._require_role(Role.ADMIN, what=what)

    # -- backup ------------------------------------------------------------------------------
    def backup(self, out: Path | str, progress: Progress | None = None) -> BackupResult:
        from desktop.store.backup import backup_archive

        self._admin("备份数据")
        out = Path(out)
        if not out.name or out.is_dir():
            raise ValidationError("请选择备份文件的保存位置和文件名。", field="out")
        if out.suffix != ".mdbackup":
            out = out.with_name(out.name + ".mdbackup")
        start = time.monotonic()
        try:
            man = backup_archive(self.db, out, progress)
        except OSError as err:
            raise ValidationError(f"无法写入备份文件 {out}：{err.strerror or err}。"
                                  "请换一个有写入权限、空间足够的位置。", field="out") from None
        seconds = time.monotonic() - start
        rows = sum(t.count for t in man.tables.values())
        with self._write() as tx:
            tx.audit("backup", "database", None, f"备份数据库到 {out.name}（{rows} 条记录）")
        return BackupResult(out, out.stat().st_size, seconds, rows, len(man.tables),
                            dt.datetime.now().replace(microsecond=0))

    # -- restore -----------------------------------------------------------------------------
    def inspect(self, archive: Path | str) -> ArchiveInfo:
        """Read and fully check an archive (every table's count and checksum)."""
        from desktop.store.backup import verify_archive

        self._admin("恢复数据")
        path = Path(archive)
        if not path.is_file():
            raise ValidationError(f"找不到备份文件：{path}", field="archive")
        try:
            man = verify_archive(path)
        except MediationError:
            raise
        except (zipfile.BadZipFile, KeyError, OSError, ValueError, zlib.error, EOFError) as err:
            raise _bad_archive(path, err) from None
        cases = man.tables.get("mediation_case")
        return ArchiveInfo(path, path.stat().st_size, _created(man.created_at), man.source,
                           sum(t.count for t in man.tables.values()),
                           cases.count if cases else 0, man.revision)

    def can_restore(self) -> bool:
        return self.db.sqlite_path is not None

    def restore_target(self) -> Path:
        here = self.db.sqlite_path
        if here is None:
            raise ValidationError("局域网数据库的恢复须在服务器上由管理员用命令 mediationdesk restore 完成；"
                                  "本页只能恢复本机数据库。")
        return here.parent / f"restored-{dt.datetime.now():%Y%m%d-%H%M%S}.sqlite3"

    def restore(self, archive: Path | str, target: Path | None = None,
                progress: Progress | None = None) -> RestoreResult:
        """Restore into a new SQLite file (never the one in use); returns where it went."""
        from desktop.store.backup import restore_to

        path = Path(archive)
        self.inspect(path)
        target = Path(target) if target else self.restore_target()
        if target.exists():
            raise ValidationError(f"目标文件已存在：{target}，恢复只写入新的空数据库。",
                                  field="target")
        if self.db.sqlite_path is not None and target.resolve() == self.db.sqlite_path.resolve():
            raise ValidationError("不能恢复到正在使用的数据库。", field="target")
        start = time.monotonic()
        try:
            man = restore_to(f"sqlite:///{target.as_posix()}", path, progress)
        except MediationError:
            _remove(target)
            raise
        except (zipfile.BadZipFile, KeyError, ValueError, zlib.error, EOFError) as err:
            _remove(target)
            raise _bad_archive(path, err) from None
        except OSError as err:
            _remove(target)
            raise ValidationError(f"无法写入恢复后的数据库 {target}：{err.strerror or err}。",
                                  field="target") from None
        rows = sum(t.count for t in man.tables.values())
        with self._write() as tx:
            tx.audit("restore", "database", None,
                     f"从备份 {path.name} 恢复 {rows} 条记录到新数据库 {target.name}")
        return RestoreResult(path, target, rows, time.monotonic() - start)

    # -- the automatic daily copies ----------------------------------------------------------
    def daily_folder(self) -> Path | None:
        here = self.db.sqlite_path
        return here.parent / "backups" if here is not None else None

    def daily_backups(self) -> list[DailyBackup]:
        self._admin("查看自动备份")
        folder = self.daily_folder()
        if folder is None or not folder.is_dir():
            return []
        out = []
        for p in sorted(folder.glob("daily-*.sqlite3"), reverse=True):
            try:
                day = dt.datetime.strptime(p.stem.removeprefix("daily-"), "%Y%m%d").date()
            except ValueError:
                continue
            out.append(DailyBackup(p, day, p.stat().st_size))
        return out


def _remove(target: Path) -> None:
    for p in (target, target.with_name(target.name + "-wal"),
              target.with_name(target.name + "-shm"), target.with_name(target.name + "-journal")):
        p.unlink(missing_ok=True)
