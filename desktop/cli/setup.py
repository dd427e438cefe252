"""`init`, `user add`, `demo`, `backup`: setting a desk up."""

from __future__ import annotations

import argparse
import getpass
import os
import sys

from desktop.cli.common import login_desk, new_password, open_db
from desktop.domain.errors import ValidationError


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser],
             common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("init", parents=[common], help="创建数据库和第一个管理员")
    p.add_argument("--committee", required=True, help="调委会全称，如 青山街道人民调解委员会")
    p.add_argument("--short", required=True, help="调委会简称（用于案号），如 青")
    p.add_argument("--admin", default="admin", help="管理员用户名（默认 admin）")
    p.add_argument("--admin-name", default="系统管理员", help="管理员姓名")
    p.set_defaults(func=run_init)

    user = sub.add_parser("user", help="用户管理").add_subparsers(dest="user_cmd", metavar="子命令")
    p = user.add_parser("add", parents=[common], help="新增用户")
    p.add_argument("username")
    p.add_argument("--name", required=True, help="姓名")
    p.add_argument("--role", choices=["mediator", "director", "admin", "readonly"],
                   default="mediator")
    p.add_argument("--committee-id", type=int, default=None)
    p.add_argument("--county", action="store_true",
                   help="县级只读（督查）账号：不属于任何调委会，能查看全部调委会（须 --role readonly）")
    p.add_argument("--password-env", default="NEW_USER_PASSWORD",
                   help="从该环境变量读取新用户的密码（默认 NEW_USER_PASSWORD），否则提示输入")
    p.set_defaults(func=run_user_add)

    p = user.add_parser("passwd", parents=[common],
                        help="修改自己的密码（管理员设置或重置的密码须先改掉）")
    p.add_argument("--password-env", default="NEW_USER_PASSWORD",
                   help="从该环境变量读取新密码（默认 NEW_USER_PASSWORD），否则提示输入；"
                        "原密码即登录密码（MEDIATIONDESK_PASSWORD）")
    p.set_defaults(func=run_user_passwd)

    p = sub.add_parser("demo", parents=[common], help="生成演示数据（空库时同时创建演示账号）")
    p.add_argument("--cases", type=int, default=1000, help="案件数量（默认 1000）")
    p.add_argument("--seed", type=int, default=20261127)
    p.add_argument("--months", type=int, default=24, help="时间跨度（月，默认 24）")
    p.add_argument("--batch", type=int, default=5000, help="每批提交的案件数")
    p.set_defaults(func=run_demo)


def run_init(args: argparse.Namespace) -> int:
    from desktop.services import auth

    db = open_db(args)
    if not auth.bootstrap_needed(db):
        raise ValidationError("数据库已初始化（已有用户），无需再次 init。")
    password = new_password("MEDIATIONDESK_PASSWORD", f"为管理员 {args.admin} 设置密码：")
    auth.first_run(db, committee_name=args.committee, short_name=args.short,
                   admin_username=args.admin, admin_password=password,
                   display_name=args.admin_name)
    print(f"已创建数据库：{db.describe()}")
    print(f"调委会：{args.committee}（简称 {args.short}）；管理员：{args.admin}")
    return 0


def run_user_add(args: argparse.Namespace) -> int:
    db = open_db(args)
    desk = login_desk(args, db)
    password = new_password(args.password_env, f"为 {args.username} 设置初始密码：")
    user = desk.users.add(args.username, args.name, password, args.role, args.committee_id,
                          county=args.county)
    print(f"已新增用户 {user.username}（{user.display_name}，{user.role_label}，"
          f"{user.committee_name}），首次登录须修改密码。")
    return 0


def run_user_passwd(args: argparse.Namespace) -> int:
    from desktop.services import auth

    db = open_db(args)
    username = getattr(args, "user", None) or os.environ.get("MEDIATIONDESK_USER") or ""
    old = os.environ.get("MEDIATIONDESK_PASSWORD")
    if old is None:
        if not sys.stdin.isatty():
            raise ValidationError("请在环境变量 MEDIATIONDESK_PASSWORD 中提供原密码（无人值守运行时）。",
                                  field="password")
        old = getpass.getpass(f"{username} 的原密码：")
    from desktop.services import Desk

    desk = Desk(db, auth.login(db, username, old))
    new = new_password(args.password_env, "新密码：")
    desk.users.change_own_password(old, new)
    print(f"已修改 {username} 的密码。")
    return 0


class ProgressLine:
    """``已提交 120000/1000000 件（12%）  3,210 件/秒  预计还需 4分34秒``: one line
    rewritten in place on a terminal, one line per call when the output is a file or pipe."""

    def __init__(self, what: str, unit: str) -> None:
        import time

        self.what, self.unit = what, unit
        self.t0 = time.perf_counter()
        self.tty = sys.stdout.isatty()

    def __call__(self, done: int, total: int) -> None:
        import time

        elapsed = max(time.perf_counter() - self.t0, 1e-6)
        rate = done / elapsed
        left = (total - done) / rate if rate else 0.0
        pct = f"{100 * done // total}%" if total else "100%"
        line = (f"{self.what} {done}/{total} {self.unit}（{pct}）  {rate:,.0f} {self.unit}/秒  "
                f"预计还需 {_duration(left)}")
        if self.tty:
            print("\r" + line + "\x1b[K", end="" if done < total else "\n", flush=True)
        else:
            print(line, flush=True)


def _duration(seconds: float) -> str:
    s = int(seconds + 0.5)
    if s >= 3600:
        return f"{s // 3600}小时{s % 3600 // 60}分"
    if s >= 60:
        return f"{s // 60}分{s % 60}秒"
    return f"{s}秒"


def run_demo(args: argparse.Namespace) -> int:
    from desktop.services import demo

    demo.check_load(args.cases, args.batch, args.months)  # before the demo accounts
    db = open_db(args)
    login = demo.ensure_demo_accounts(db)
    if login is None:  # an existing real deployment: only an administrator may add demo data
        desk = login_desk(args, db)
        from desktop.domain.enums import Role

        desk.users._require_role(Role.ADMIN, what="生成演示数据")
    progress = ProgressLine("已提交", "件")

    stats = demo.generate(db, args.cases, seed=args.seed, months=args.months,
                          batch=args.batch, progress=progress,
                          note=lambda text: print(text, flush=True))
    print(f"完成：{stats.cases} 件案件、{stats.parties} 名当事人、{stats.sessions} 次调解记录，"
          f"用时 {stats.seconds:.1f} 秒"
          + (f"，其中建立索引 {stats.rebuild_seconds:.1f} 秒" if stats.rebuild_seconds else "")
          + f"（{db.describe()}）")
    if login:
        print(f"演示账号：用户名 {login[0]}，密码 {login[1]}（另有主任 director1、调解员 mediator1 等，密码相同）")
    return 0


