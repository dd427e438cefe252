"""Helpers shared by the CLI command modules: open the database, log in, print tables."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
import unicodedata

from desktop.domain.errors import AuthError
from desktop.services import Desk
from desktop.store.db import Database

DEMO_LOGIN_KEY = "demo_login"


def open_db(args: argparse.Namespace, *, migrate: bool = True) -> Database:
    return Database.open(getattr(args, "db", None), migrate=migrate)


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
