"""Command-line entry point: ``mediationdesk`` with no arguments opens the GUI.

Each group of subcommands lives in its own module listed in ``COMMAND_MODULES``; a module
exposes ``register(subparsers, common)`` where ``common`` is the parent parser carrying
``--db``/``--user``. Handlers return an exit code; user mistakes raise ``MediationError`` and
are printed as one Chinese line (no traceback).
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mediationdesk",
        description="调解台 MediationDesk：人民调解案件管理。不带参数运行时打开图形界面。",
    )
    parser.add_argument("--version", action="version", version=f"mediationdesk {__version__}")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--db",
        metavar="URL",
        help="数据库地址（sqlite:///文件 或 postgresql://…）；默认读取环境变量 MEDIATIONDESK_DB，"
        "否则使用本机用户数据目录中的内嵌数据库",
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
    args = parser.parse_args(argv)
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


if __name__ == "__main__":
    raise SystemExit(main())
