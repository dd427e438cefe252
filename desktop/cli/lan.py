"""LAN mode and trust: `db init/status/upgrade`, `audit verify`, `backup`, `restore`,
`migrate-data`, and the administrator's `user reset-password` / `user unlock`.

`db init --url` is run once by whoever administers the PostgreSQL server, with the URL of the
database owner (e.g. ``postgresql://postgres@server/mediationdesk``). It creates the database
if missing, migrates it, creates the application role the desks log in with (``--app-user``)
and grants it only what the app needs: no UPDATE/DELETE on ``audit_log`` (and a trigger from
migration 0003 refuses them for every role), only SELECT/UPDATE on the single ``audit_head``
row, read-only ``alembic_version`` (desks never migrate a server; ``db upgrade`` does).
"""

from __future__ import annotations

import argparse
import functools
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import cast

from desktop.cli.common import new_password
from desktop.domain.errors import DatabaseError, ValidationError
from desktop.services import Desk
from desktop.store.db import Database
from desktop.store.server import ensure_database, grant_app_role


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser],
             common: argparse.ArgumentParser) -> None:
    db = sub.add_parser("db", help="数据库（局域网服务器）初始化、状态与升级")
    dbsub = db.add_subparsers(dest="db_cmd", metavar="子命令")

    p = dbsub.add_parser("init", help="准备一个新的服务器数据库：数据结构、应用账号授权、第一个管理员")
    p.add_argument("--url", required=True,
                   help="数据库所有者的地址，如 postgresql://postgres@192.168.1.10/mediationdesk"
                        "（密码可放在环境变量 PGPASSWORD 中）；也可以是 sqlite:///文件")
    p.add_argument("--app-user", default="mediationdesk",
                   help="各工作台登录服务器使用的数据库账号（默认 mediationdesk）")
    p.add_argument("--app-password-env", default="MEDIATIONDESK_APP_PASSWORD",
                   help="从该环境变量读取应用账号的密码（默认 MEDIATIONDESK_APP_PASSWORD），否则提示输入")
    p.add_argument("--committee", help="调委会全称（首次初始化时必填）")
    p.add_argument("--short", help="调委会简称（用于案号），如 青")
    p.add_argument("--admin", default="admin", help="第一个管理员的用户名（默认 admin）")
    p.add_argument("--admin-name", default="系统管理员")
    p.add_argument("--admin-password-env", default="MEDIATIONDESK_PASSWORD",
                   help="从该环境变量读取管理员密码（默认 MEDIATIONDESK_PASSWORD），否则提示输入")
    p.set_defaults(func=_friendly(run_db_init))

    p = dbsub.add_parser("status", parents=[common], help="显示数据库位置、结构版本、记录数与审计链头")
    p.set_defaults(func=_friendly(run_db_status))

    p = dbsub.add_parser("upgrade", help="升级较旧的服务器数据库（先做便携备份，再升级，再重新授权）")
    p.add_argument("--url", required=True, help="数据库所有者的地址")
    p.add_argument("--app-user", default="mediationdesk")
    p.add_argument("--backup-dir", default=None, help="升级前备份文件的存放目录（默认用户数据目录下 backups）")
    p.set_defaults(func=_friendly(run_db_upgrade))

    audit = sub.add_parser("audit", help="审计记录").add_subparsers(dest="audit_cmd", metavar="子命令")
    p = audit.add_parser("verify", parents=[common],
                         help="逐条核验审计链和签名检查点，报告第一处断裂")
    p.add_argument("--deep", action="store_true",
                   help="再逐案核对案件、当事人、协议的当前数据与最后一次审计记录的状态摘要")
    p.add_argument("--ca", action="append", default=[], metavar="根证书.pem",
                   help="用调委会保存的根证书文件核验检查点签名（可多次指定；不指定时用数据库中的证书）")
    p.set_defaults(func=_friendly(run_audit_verify))

    p = sub.add_parser("backup", parents=[common], help="把整个数据库导出为便携备份文件（两种数据库通用）")
    p.add_argument("--out", required=True, help="备份文件路径，如 D:\\备份\\调解台-20261127.mdbackup")
    p.set_defaults(func=_friendly(run_backup))

    p = sub.add_parser("restore", parents=[common],
                       help="把便携备份恢复到一个新建的空数据库，并核对条数和校验值")
    p.add_argument("file", help="备份文件")
    p.set_defaults(func=_friendly(run_restore))

    p = sub.add_parser("migrate-data", help="把全部数据从一个数据库搬到另一个（本机 ⇄ 局域网服务器）")
    p.add_argument("--from", dest="src", required=True, help="源数据库地址")
    p.add_argument("--to", dest="dest", required=True, help="目标数据库地址（须为空数据库）")
    p.set_defaults(func=_friendly(run_migrate_data))

    user = sub.choices.get("user")
    if user is not None and user._subparsers is not None:  # `user` group from desktop.cli.setup
        # argparse keeps a group's sub-commands in its first action
        usub = cast("argparse._SubParsersAction[argparse.ArgumentParser]",
                    user._subparsers._group_actions[0])
    else:
        usub = sub.add_parser("user", help="用户管理").add_subparsers(dest="user_cmd", metavar="子命令")
    p = usub.add_parser("reset-password", parents=[common], help="管理员重置某用户的密码（并解锁）")
    p.add_argument("username")
    p.add_argument("--password-env", default="NEW_USER_PASSWORD",
                   help="从该环境变量读取新密码（默认 NEW_USER_PASSWORD），否则提示输入")
    p.set_defaults(func=_friendly(run_user_reset))
    p = usub.add_parser("unlock", parents=[common], help="管理员解锁因连续输错密码被锁定的账号")
    p.add_argument("username")
    p.set_defaults(func=_friendly(run_user_unlock))


# -- helpers ----------------------------------------------------------------------------------
def _friendly(handler: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    """Database failures outside a service call (server down, wrong password…) as one Chinese
    line, like every other user-facing error of the CLI."""
    @functools.wraps(handler)
    def run(args: argparse.Namespace) -> int:
        from sqlalchemy.exc import SQLAlchemyError

        try:
            return handler(args)
        except OSError as err:
            from desktop.cli.common import explain_os_error

            raise ValidationError(explain_os_error(err)) from err
        except SQLAlchemyError as err:
            from desktop.store.profiles import explain

            raise DatabaseError(explain(err)) from err
        except Exception as err:
            import psycopg

            if isinstance(err, psycopg.Error):
                from desktop.store.profiles import explain

                raise DatabaseError(explain(err)) from err
            raise
    return run


def _with_env_password(url: str) -> str:
    """Fill a PostgreSQL URL's missing password from PGPASSWORD (never typed on the command line)."""
    from sqlalchemy.engine import make_url

    from desktop.store.db import resolve_url

    resolved = resolve_url(url)
    u = make_url(resolved)
    if u.get_backend_name() == "postgresql" and not u.password and os.environ.get("PGPASSWORD"):
        u = u.set(password=os.environ["PGPASSWORD"])
    return u.render_as_string(hide_password=False)


# -- handlers --------------------------------------------------------------------------------
def run_db_init(args: argparse.Namespace) -> int:
    from desktop.services import auth
    from desktop.store.opening import open_database

    url = _with_env_password(args.url)
    is_pg = url.startswith("postgresql")
    if is_pg and ensure_database(url):
        print("已在服务器上新建数据库。")
    db = open_database(url)  # creates/migrates the schema (owner's rights)
    try:
        print(f"数据结构已就绪：{db.describe()}")
        if is_pg:
            app_pw = None
            from sqlalchemy import text

            with db.engine.connect() as conn:
                has_role = conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"),
                                        {"r": args.app_user}).first()
            if not has_role or os.environ.get(args.app_password_env):
                app_pw = new_password(args.app_password_env, f"为应用账号 {args.app_user} 设置密码：")
            grant_app_role(db, args.app_user, app_pw)
            print(f"应用账号 {args.app_user} 已授权（审计表只能追加，不能修改或删除）。")
        if auth.bootstrap_needed(db):
            if not args.committee or not args.short:
                raise ValidationError("首次初始化请用 --committee 和 --short 填写调委会全称和简称。",
                                      field="committee")
            password = new_password(args.admin_password_env, f"为管理员 {args.admin} 设置密码：")
            auth.first_run(db, committee_name=args.committee, short_name=args.short,
                           admin_username=args.admin, admin_password=password,
                           display_name=args.admin_name)
            print(f"已创建调委会 {args.committee}（简称 {args.short}）和管理员 {args.admin}。")
        else:
            print("数据库中已有用户，未再创建管理员。")
    finally:
        db.close()
    if is_pg:
        print(f"各工作台在“设置 → 数据库”中填写：服务器 {db.parsed_url.host}，端口 "
              f"{db.parsed_url.port or 5432}，数据库 {db.parsed_url.database}，用户 {args.app_user}。")
    return 0


def run_db_status(args: argparse.Namespace) -> int:
    from desktop.cli.common import existing_database

    existing_database(args)
    from sqlalchemy import func, select

    from desktop.store import migrate
    from desktop.store.db import Database
    from desktop.store.models import AuditEntry, AuditHead, Case, User

    db = Database.connect(_with_env_password(args.db) if args.db else None)
    try:
        state = migrate.schema_state(db)
        labels = {"current": "最新", "empty": "空（未初始化）", "older": "较旧（需要升级）",
                  "newer": "较新（本程序无法使用）"}
        print(f"数据库：{db.describe()}")
        print(f"结构版本：{migrate.current_revision(db) or '无'}（{labels[state]}；本程序为 "
              f"{migrate.head_revision(db)}）")
        if state in ("current", "older"):
            with db.read() as s:
                print(f"用户 {s.scalar(select(func.count()).select_from(User))} 个，案件 "
                      f"{s.scalar(select(func.count()).select_from(Case))} 件，审计记录 "
                      f"{s.scalar(select(func.count()).select_from(AuditEntry))} 条")
                head = s.get(AuditHead, 1)
                if head:
                    print(f"审计链头：第 {head.last_id} 条，{head.last_hash[:16]}…")
    finally:
        db.close()
    return 0 if state == "current" else 1


def run_db_upgrade(args: argparse.Namespace) -> int:
    from desktop.store import migrate, paths
    from desktop.store.backup import backup_archive
    from desktop.store.db import Database, timestamp
    from desktop.store.opening import migrate_to_head

    db = Database.connect(_with_env_password(args.url))
    try:
        state = migrate.schema_state(db)
        if state == "current":
            print("数据库结构已是最新，无需升级。")
        elif state == "empty":
            raise ValidationError("数据库尚未初始化，请使用 mediationdesk db init。")
        else:
            if state == "older":
                folder = Path(args.backup_dir) if args.backup_dir else paths.backup_dir()
                out = folder / f"before-upgrade-{timestamp()}.mdbackup"
                backup_archive(db, out)
                print(f"升级前备份：{out}")
            migrate_to_head(db, backup=True, allow_upgrade=True)
            print(f"已升级到结构版本 {migrate.head_revision(db)}。")
        if not db.is_sqlite:
            grant_app_role(db, args.app_user, None)
            print(f"已重新为应用账号 {args.app_user} 授权。")
    finally:
        db.close()
    return 0


def run_audit_verify(args: argparse.Namespace) -> int:
    from desktop.cli.common import existing_database

    existing_database(args)
    from desktop.store.audit_chain import verify_chain
    from desktop.store.db import Database

    cas: list[bytes] | None = None
    if args.ca:
        cas = []
        for name in args.ca:
            try:
                cas.append(Path(name).read_bytes())
            except OSError as err:
                raise ValidationError(f"无法读取根证书文件 {name}：{err.strerror or err}",
                                      field="ca") from None
            if b"-----BEGIN CERTIFICATE-----" not in cas[-1]:
                raise ValidationError(f"{name} 不是 PEM 格式的证书文件。", field="ca")
    db = Database.connect(_with_env_password(args.db) if args.db else None)
    try:
        with db.read() as s:
            report = verify_chain(s, deep=args.deep, trusted_cas=cas)
    finally:
        db.close()
    if report.ok:
        print(report.text)
        return 0
    print(f"审计链断裂：{report.message}（此前 {report.checked} 条完好）", file=sys.stderr)
    return 3


def _checkpoint_line(db: Database, reason: str) -> str:
    """Take a checkpoint of the audit chain; the line printed is a record kept outside the
    database (write it down or keep the console log with the backup)."""
    from sqlalchemy import select

    from desktop.services import SYSTEM
    from desktop.services.audit import AuditService
    from desktop.store.models import AuditCheckpoint

    AuditService(db, SYSTEM).checkpoint(reason)
    with db.read() as s:
        cp = s.scalars(select(AuditCheckpoint).order_by(AuditCheckpoint.id.desc())
                       .limit(1)).one()  # the one just taken
        signed = "已用印章证书签名" if cp.signature else "未签名：没有可用的印章证书"
        return (f"审计检查点：共 {cp.entry_count} 条，链头 {cp.head_hash[:16]}…（{signed}）")


def run_backup(args: argparse.Namespace) -> int:
    from desktop.cli.common import existing_database

    existing_database(args)
    from desktop.store.backup import backup_archive
    from desktop.store.db import Database

    db = Database.connect(_with_env_password(args.db) if args.db else None)
    try:
        try:
            line = _checkpoint_line(db, "backup")
        except DatabaseError as err:  # a read-only account still gets its backup
            line = f"未能记录审计检查点：{err.message}"
        man = backup_archive(db, Path(args.out))
    finally:
        db.close()
    rows = sum(t.count for t in man.tables.values())
    print(f"已备份 {len(man.tables)} 张表共 {rows} 条记录到 {args.out}（结构版本 {man.revision}）")
    print(line)
    return 0


def run_restore(args: argparse.Namespace) -> int:
    from desktop.cli.common import readable_source
    from desktop.store.backup import restore_to
    from desktop.store.db import resolve_url

    readable_source(args.file, "file")
    url = resolve_url(_with_env_password(args.db) if args.db else None)
    if url.startswith("postgresql"):
        ensure_database(url)
    from desktop.cli.setup import ProgressLine

    man = restore_to(url, Path(args.file), ProgressLine("正在恢复", "张表"))
    rows = sum(t.count for t in man.tables.values())
    print(f"已恢复 {rows} 条记录；各表条数与校验值核对一致（结构版本 {man.revision}，"
          "已升级到本程序的版本）。")
    return 0


def run_migrate_data(args: argparse.Namespace) -> int:
    from desktop.store.backup import migrate_data

    dest = _with_env_password(args.dest)
    if dest.startswith("postgresql"):
        ensure_database(dest)
    from desktop.cli.setup import ProgressLine

    man = migrate_data(_with_env_password(args.src), dest,
                       progress=ProgressLine("正在写入目标数据库", "张表"))
    rows = sum(t.count for t in man.tables.values())
    print(f"已搬移 {rows} 条记录；目标数据库各表条数与校验值核对一致。")
    return 0


def _user_id(desk: Desk, username: str) -> int:
    from desktop.domain.errors import NotFound

    for u in desk.users.list():
        if u.username == username:
            return int(u.id)
    raise NotFound(f"没有用户 {username}。")


def run_user_reset(args: argparse.Namespace) -> int:
    from desktop.cli.common import login_desk, open_db

    db = open_db(args)
    desk = login_desk(args, db)
    uid = _user_id(desk, args.username)
    password = new_password(args.password_env, f"为 {args.username} 设置新密码：")
    desk.users.reset_password(uid, password)
    print(f"已重置 {args.username} 的密码并解锁；下次登录须修改密码。")
    return 0


def run_user_unlock(args: argparse.Namespace) -> int:
    from desktop.cli.common import login_desk, open_db

    db = open_db(args)
    desk = login_desk(args, db)
    desk.users.unlock(_user_id(desk, args.username))
    print(f"已解锁 {args.username}。")
    return 0
