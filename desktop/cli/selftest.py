"""``mediationdesk selftest``: check this installation and print a report for support.

The checks themselves are Qt-free (``desktop.selftest``). Qt is started in a child process —
this same command with the hidden ``--qt-probe`` flag — so a missing platform plugin shows up
as a ✘ line in the report instead of killing it.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
from pathlib import Path

QT_MODULES = ("QtWidgets", "QtSvg", "QtPrintSupport", "QtPdf", "QtCharts")


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser],
             common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "selftest",
        parents=[common],
        help="检查本机安装（数据库、字体、密钥环、PDF、图形界面），打印可发给技术支持的报告",
        description="检查本机安装是否完整，打印诊断报告。全部通过时退出码为 0，否则为 1。",
    )
    p.add_argument("-o", "--output", metavar="FILE", help="同时把报告保存到该文件（UTF-8）")
    p.add_argument("--pause", action="store_true", help="结束后等待按回车键（用于开始菜单快捷方式）")
    p.add_argument("--qt-probe", action="store_true", help=argparse.SUPPRESS)
    p.set_defaults(func=run)


def probe_command() -> list[str]:
    """How to start this program again as a Qt probe.

    The probe does not go through the full command-line parser, so a broken subcommand
    module elsewhere cannot hide the Qt result (the bundle's entry script short-circuits
    ``selftest --qt-probe`` the same way).
    """
    if getattr(sys, "frozen", False):
        exe = Path(sys.executable)
        # Windows: the GUI exe has no console to print to; its console twin does.
        cli = exe.with_name("mediationdesk-cli.exe")
        if sys.platform == "win32" and cli.exists():
            exe = cli
        return [str(exe), "selftest", "--qt-probe"]
    return [sys.executable, "-m", "desktop.cli.selftest", "--qt-probe"]


def run(args: argparse.Namespace) -> int:
    if args.qt_probe:
        return qt_probe()
    from desktop import selftest

    _make_stdout_safe()
    ascii_marks = not _can_encode("✔✘⚠")
    print("正在自检，请稍候……", flush=True)
    report = selftest.run(probe_cmd=probe_command(), db_url=getattr(args, "db", None))
    text = selftest.format_report(report, ascii_marks=ascii_marks)
    print(text, flush=True)
    if args.output:
        out = Path(args.output)
        out.write_text(selftest.format_report(report) + "\n", encoding="utf-8")
        print(f"报告已保存到：{out.resolve()}")
    if args.pause and sys.stdin and sys.stdin.isatty():
        try:
            input("按回车键关闭窗口……")
        except EOFError:
            pass
    return 0 if report.ok else 1


def qt_probe() -> int:
    """Child process: start a QGuiApplication on the current platform, report as JSON."""
    answer: dict[str, object] = {}
    import PySide6
    from PySide6 import QtCore
    from PySide6.QtGui import QGuiApplication, QIcon

    app = QGuiApplication([sys.argv[0] if sys.argv else "mediationdesk"])
    answer["platform"] = app.platformName()
    answer["qt"] = QtCore.qVersion()
    answer["pyside"] = PySide6.__version__
    failed: dict[str, str] = {}
    for name in QT_MODULES:
        try:
            importlib.import_module(f"PySide6.{name}")
        except ImportError as err:
            failed[name] = str(err)[:200]
    answer["modules_failed"] = failed
    from desktop.resources import resource_path

    icon = QIcon(str(resource_path("resources", "icons", "mediationdesk.svg")))
    answer["svg_icon"] = not icon.pixmap(32, 32).isNull()
    answer["image_formats"] = sorted(
        bytes(f.data()).decode() for f in __import__(
            "PySide6.QtGui", fromlist=["QImageReader"]
        ).QImageReader.supportedImageFormats()
    )
    answer["env_platform"] = os.environ.get("QT_QPA_PLATFORM", "")
    print(json.dumps(answer, ensure_ascii=False), flush=True)
    del app
    return 0


def _make_stdout_safe() -> None:
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure:
            try:
                reconfigure(errors="replace")
            except (ValueError, OSError):
                pass


def _can_encode(text: str) -> bool:
    encoding = getattr(sys.stdout, "encoding", None) or "ascii"
    try:
        text.encode(encoding)
    except (UnicodeEncodeError, LookupError):
        return False
    return True


if __name__ == "__main__":  # ``python -m desktop.cli.selftest --qt-probe``
    if sys.argv[1:] == ["--qt-probe"]:
        raise SystemExit(qt_probe())
    raise SystemExit("usage: python -m desktop.cli.selftest --qt-probe")
