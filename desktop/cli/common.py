"""Helpers shared by the CLI command modules: open the database, log in, print tables."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING

from desktop.domain.errors import AuthError, ValidationError
from desktop.services import Desk
from desktop.store.db import Database

if TYPE_CHECKING:  # the list importers load only with their commands
    from desktop.services.sheets import ListRefused

DEMO_LOGIN_KEY = "demo_login"


def new_password(env: str, prompt: str) -> str:
    """A password being set: from the environment variable ``env`` when the run is unattended,
    otherwise typed twice on the terminal."""
    value = os.environ.get(env)
    if value:
        return value
    if not sys.stdin.isatty():
        raise ValidationError(f"请在环境变量 {env} 中提供密码（无人值守运行时）。", field="password")
    first = getpass.getpass(prompt)
    if getpass.getpass("再输入一次：") != first:
        raise ValidationError("两次输入的密码不一致。", field="password")
    return first


def open_db(args: argparse.Namespace, *, migrate: bool = True) -> Database:
    from desktop.store.opening import open_database  # Alembic only when a command opens

    db = open_database(getattr(args, "db", None), migrate=migrate)
    from desktop.store import pooler

    bouncer = pooler.wanted(os.environ.get("MEDIATIONDESK_PGBOUNCER"))
    if bouncer:
        pooler.through_pgbouncer(db)
    spec = getattr(args, "replica", None) or os.environ.get("MEDIATIONDESK_REPLICA")
    if spec and not db.is_sqlite:
        from desktop.store import replica

        max_lag = getattr(args, "replica_max_lag", None) or os.environ.get(
            "MEDIATIONDESK_REPLICA_MAX_LAG") or replica.DEFAULT_MAX_LAG
        try:
            replica.attach(db, spec, max_lag=replica.check_max_lag(max_lag), pgbouncer=bouncer)
        except BaseException:
            db.close()
            raise
    return db


def login_desk(args: argparse.Namespace, db: Database) -> Desk:
    """Log in as ``--user`` (or $MEDIATIONDESK_USER); password from $MEDIATIONDESK_PASSWORD or a
    prompt. A demo database (made by ``mediationdesk demo``) falls back to its demo account."""
    from desktop.services import auth

    username = getattr(args, "user", None) or os.environ.get("MEDIATIONDESK_USER")
    password = os.environ.get("MEDIATIONDESK_PASSWORD")
    if not username:
        demo = demo_login(db)
        if demo:
            username, password = demo
            print(f"（使用演示账号 {username}）", file=sys.stderr)
        elif sys.stdin.isatty():
            username = input("用户名：").strip()
        else:
            raise AuthError("请用 --user 指定用户（密码放在环境变量 MEDIATIONDESK_PASSWORD 中）。")
    if password is None:
        if not sys.stdin.isatty():
            raise AuthError("请在环境变量 MEDIATIONDESK_PASSWORD 中提供密码（无人值守运行时）。")
        password = getpass.getpass(f"{username} 的密码：")
    return Desk(db, auth.login(db, username, password))


def demo_login(db: Database) -> tuple[str, str] | None:
    from desktop.store.models import Setting

    with db.read() as s:
        row = s.get(Setting, DEMO_LOGIN_KEY)
        if row is None:
            return None
        user, _, password = row.value.partition(":")
        return user, password


def writable_target(path: str, field: str = "out") -> Path:
    """Refuse an output path that cannot be written before anything is done or recorded."""
    target = Path(path).expanduser()
    folder = target.parent if str(target.parent) else Path(".")
    if not str(path).strip():
        raise ValidationError("输出文件：请填写文件路径。", field=field)
    if target.is_dir():
        raise ValidationError(f"输出文件：{path} 是一个文件夹，请写文件名。", field=field)
    if not folder.is_dir():
        raise ValidationError(f"输出文件：文件夹 {folder} 不存在，请先建立或换一个位置。",
                              field=field)
    if not os.access(folder, os.W_OK) or (target.exists() and not os.access(target, os.W_OK)):
        raise ValidationError(f"输出文件：没有写入 {path} 的权限，请换一个位置。", field=field)
    return target


def readable_source(path: str, field: str = "file") -> Path:
    source = Path(path).expanduser()
    if not source.is_file():
        raise ValidationError(f"文件 {path} 不存在，请检查路径。", field=field)
    if not os.access(source, os.R_OK):
        raise ValidationError(f"没有读取 {path} 的权限。", field=field)
    return source


def existing_database(args: argparse.Namespace) -> None:
    """An SQLite file that should already exist (backup, status, verify): say so when it does
    not, instead of creating an empty one."""
    from desktop.store.db import resolve_url

    url = getattr(args, "db", None) or os.environ.get("MEDIATIONDESK_DB")
    if not url:
        return
    try:
        resolved = resolve_url(url)
    except Exception:  # noqa: BLE001 - a malformed URL is explained by Database.connect
        return
    if resolved.startswith("sqlite:///"):
        file = Path(resolved.removeprefix("sqlite:///"))
        if str(file) not in ("", ":memory:") and not file.is_file():
            raise ValidationError(f"找不到数据库文件 {file}，请检查路径。", field="db")


def explain_os_error(err: OSError) -> str:
    """A file-system failure as one Chinese sentence naming the file."""
    import errno

    what = {errno.ENOENT: "不存在", errno.EACCES: "没有访问权限", errno.EPERM: "没有访问权限",
            errno.ENOSPC: "磁盘空间已满", errno.EISDIR: "是一个文件夹", errno.ENOTDIR: "路径中有一段不是文件夹",
            errno.EROFS: "位于只读磁盘上", errno.ENAMETOOLONG: "路径过长"}.get(err.errno or 0, "无法访问")
    name = err.filename or ""
    return f"文件 {name} {what}，请检查路径。" if name else f"文件操作失败：{what}。"


def width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, cols: int) -> str:
    if width(text) > cols:
        out = ""
        for ch in text:
            if width(out + ch) > cols - 1:
                break
            out += ch
        text = out + "…"
    return text + " " * (cols - width(text))


def print_table(headers: list[str], rows: list[list[str]], widths: list[int]) -> None:
    print("  ".join(pad(h, w) for h, w in zip(headers, widths)).rstrip())
    print("  ".join("-" * w for w in widths))
    for r in rows:
        print("  ".join(pad(c, w) for c, w in zip(r, widths)).rstrip())


def print_problems(err: ListRefused, what: str, nothing: str) -> int:
    """A list that could not be imported: every named problem on stderr; exit status 1.
    ``err`` has ``total`` and ``problems`` (LedgerError, ReferralError)."""
    print(f"{what}有 {err.total} 处问题，未导入任何{nothing}：", file=sys.stderr)
    for p in err.problems:
        print(f"  {p}", file=sys.stderr)
    if err.total > len(err.problems):
        print(f"  ……另有 {err.total - len(err.problems)} 处问题未列出", file=sys.stderr)
    return 1
