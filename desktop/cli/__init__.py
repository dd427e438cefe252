"""Command-line entry point: ``mediationdesk`` with no arguments opens the GUI.

Each group of subcommands lives in its own module listed in ``COMMAND_MODULES``; a module
exposes ``register(subparsers, common)`` where ``common`` is the parent parser carrying
``--db``/``--user``. Handlers return an exit code; user mistakes raise ``MediationError`` and
are printed as one Chinese line (no traceback).
"""

from __future__ import annotations

import argparse
import importlib
import re
import sys
from collections.abc import Sequence
from typing import NoReturn

from desktop import __version__
from desktop.domain.errors import MediationError

COMMAND_MODULES: list[str] = [
    "desktop.cli.setup",
    "desktop.cli.cases",
    "desktop.cli.selftest",
    "desktop.cli.lan",
    "desktop.cli.documents",
    "desktop.cli.reports",
    "desktop.cli.exchange",
]


class ChineseParser(argparse.ArgumentParser):
    """argparse with its usage errors as one Chinese line and exit status 1 (a user error,
    like every other one of the CLI). Subcommand parsers inherit the class."""

    def error(self, message: str) -> NoReturn:
        print(f"错误：{explain_usage(message)}（用 {self.prog} -h 查看用法）", file=sys.stderr)
        raise SystemExit(1)


_USAGE = [
    (re.compile(r"argument (\S+): invalid (\w+) value: (.*)"), "参数 {0} 的值 {2} 无效（应为{1}）"),
    (re.compile(r"argument (\S+): invalid choice: (.*?) \(choose from (.*)\)"),
     "参数 {0} 的取值 {1} 无效，可选：{2}"),
    (re.compile(r"argument (\S+): expected one argument"), "参数 {0} 后面缺少取值"),
    (re.compile(r"argument (\S+): not allowed with argument (\S+)"), "参数 {0} 不能与 {1} 同时使用"),
    (re.compile(r"the following arguments are required: (.*)"), "缺少必填参数：{0}"),
    (re.compile(r"unrecognized arguments: (.*)"), "无法识别的参数：{0}"),
    (re.compile(r"ambiguous option: (\S+) could match (.*)"), "参数 {0} 有歧义，可能是：{1}"),
]
_TYPES = {"int": "整数", "float": "数字"}


def explain_usage(message: str) -> str:
    for pattern, chinese in _USAGE:
        m = pattern.fullmatch(message.strip())
        if m:
            groups = [_TYPES.get(g, g) for g in m.groups()]
            return chinese.format(*groups)
    return f"命令行参数有误：{message}"


def build_parser() -> argparse.ArgumentParser:
    parser = ChineseParser(
        prog="mediationdesk",
        description="调解台 MediationDesk：人民调解案件管理。不带参数运行时打开图形界面。",
    )
    parser.add_argument("--version", action="version", version=f"mediationdesk {__version__}")
    common = ChineseParser(add_help=False)
    common.add_argument(
        "--db",
        metavar="URL",
        help="数据库地址（sqlite:///文件 或 postgresql://…）；默认读取环境变量 MEDIATIONDESK_DB，"
        "否则使用本机用户数据目录中的内嵌数据库",
    )
    common.add_argument(
        "--replica",
        metavar="HOST[:PORT]",
        help="局域网只读副本（PostgreSQL 流复制备库）；统计、查询从副本读取，写入仍到主服务器。"
        "默认读取环境变量 MEDIATIONDESK_REPLICA",
    )
    common.add_argument(
        "--replica-max-lag",
        metavar="秒",
        type=float,
        default=None,
        help="副本落后超过这个秒数时改从主服务器读取（默认 30；环境变量 MEDIATIONDESK_REPLICA_MAX_LAG）",
    )
    common.add_argument(
        "--user",
        metavar="USERNAME",
        help="以该用户身份操作；密码从环境变量 MEDIATIONDESK_PASSWORD 读取，否则提示输入",
    )
    sub = parser.add_subparsers(dest="command", metavar="命令")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub, common)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv:
        from desktop.app import run_gui

        return run_gui([sys.argv[0]])
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as done:  # --help, --version, or a usage error already printed
        return done.code if isinstance(done.code, int) else 1
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except MediationError as err:
        print(f"错误：{err.message}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("已中断。", file=sys.stderr)
        return 130
    except Exception as err:  # noqa: BLE001 - last resort: a bug still ends in one Chinese line
        print(f"错误：程序内部出错（{type(err).__name__}），未完成本次操作。详情已记入 "
              f"{_log_crash(argv)}，请把该文件交给技术支持。", file=sys.stderr)
        return 1


def _log_crash(argv: list[str]) -> str:
    """Append the traceback to crash.log in the data directory (or the temp dir)."""
    import datetime as dt
    import tempfile
    import traceback
    from pathlib import Path

    try:
        from desktop.store import paths

        folder = paths.data_dir() / "logs"
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        folder = Path(tempfile.gettempdir())
    path = folder / "crash.log"
    # never write a password given on the command line into the log
    shown = ["***" if "://" in a and "@" in a else a for a in argv]
    try:
        with path.open("a", encoding="utf-8") as fh:
            fh.write(f"--- {dt.datetime.now():%Y-%m-%d %H:%M:%S} mediationdesk {' '.join(shown)}\n")
            fh.write(traceback.format_exc())
    except OSError:
        return "（无法写入日志）"
    return str(path)


if __name__ == "__main__":
    raise SystemExit(main())
