"""Installation self-test: the checks behind ``mediationdesk selftest`` (Qt-free).

Each check returns a :class:`CheckResult` with a plain Chinese detail line an IT clerk can read
aloud to support. Nothing here touches the user's real database: the database check works on a
copy in a temporary folder. Qt is checked in a separate process (see ``desktop.cli.selftest``)
so that a broken Qt installation cannot crash the report itself.

Statuses: ``pass`` (✔), ``warn`` (⚠: works, in a reduced way — does not fail the run),
``fail`` (✘: the exit code is non-zero).
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from types import ModuleType

from desktop import APP_NAME, APP_NAME_ZH, __version__
from desktop.resources import resource_path, resource_root

PASS, WARN, FAIL = "pass", "warn", "fail"
MARKS = {PASS: "✔", WARN: "⚠", FAIL: "✘"}
ASCII_MARKS = {PASS: "[通过]", WARN: "[注意]", FAIL: "[失败]"}

#: Rare characters that appear in real names (生僻字), including one outside the BMP (𠮷).
RARE_NAME_CHARS = "𠮷䶮堃赟昇"
#: Ordinary text every agreement contains; a font without these is not a CJK font at all.
COMMON_CHARS = "人民调解协议书甲乙双方当事人签字盖章年月日￥，。"

NOT_READY_DOCUMENTS = "未检查：文书模块尚未就绪"


@dataclass
class CheckResult:
    key: str
    title: str
    status: str
    detail: str
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.status != FAIL


@dataclass
class Report:
    started: datetime
    facts: list[tuple[str, str]] = field(default_factory=list)
    checks: list[CheckResult] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks)

    @property
    def failed(self) -> list[CheckResult]:
        return [c for c in self.checks if c.status == FAIL]


# --------------------------------------------------------------------------- environment


def is_frozen() -> bool:
    return bool(getattr(sys, "frozen", False))


def app_dirs() -> dict[str, Path]:
    """The per-user folders the application uses — the same rules as ``desktop.store.paths``
    (including its MEDIATIONDESK_DATA_DIR / MEDIATIONDESK_CONFIG_DIR overrides), computed
    without creating anything so that a broken folder can be reported rather than crash."""
    import platformdirs

    name = APP_NAME
    try:
        from desktop.store.paths import APP_DIR_NAME as name
    except ImportError:
        pass
    data = os.environ.get("MEDIATIONDESK_DATA_DIR")
    config = os.environ.get("MEDIATIONDESK_CONFIG_DIR")
    return {
        "data": Path(data) if data else Path(platformdirs.user_data_dir(name, appauthor=False)),
        "config": Path(config) if config else Path(
            platformdirs.user_config_dir(name, appauthor=False)),
        "log": Path(platformdirs.user_log_dir(name, appauthor=False)),
    }


def os_description() -> str:
    desc = f"{platform.system()} {platform.release()} {platform.machine()}"
    if sys.platform.startswith("linux"):
        try:
            from platform import freedesktop_os_release

            pretty = freedesktop_os_release().get("PRETTY_NAME")
            if pretty:
                desc = f"{pretty}（{desc}）"
        except OSError:
            pass
    elif sys.platform == "win32":
        desc = f"Windows {platform.version()}（{platform.machine()}）"
    return desc


# --------------------------------------------------------------------------- checks


def check_paths(dirs: dict[str, Path]) -> CheckResult:
    problems: list[str] = []
    for key, label in (("data", "数据目录"), ("config", "配置目录")):
        folder = dirs[key]
        try:
            folder.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=folder, prefix=".selftest-", delete=True) as fh:
                fh.write(b"ok")
                fh.flush()
        except OSError as err:
            problems.append(f"{label} {folder} 不可写（{err.strerror or err}）")
            continue
        free = shutil.disk_usage(folder).free
        if free < 200 * 1024 * 1024:
            problems.append(f"{label}所在磁盘剩余空间不足 200 MB（剩 {free // (1024 * 1024)} MB）")
    if problems:
        return CheckResult("paths", "目录", FAIL, "；".join(problems))
    free_mb = shutil.disk_usage(dirs["data"]).free // (1024 * 1024)
    return CheckResult("paths", "目录", PASS, f"数据目录和配置目录可写，磁盘剩余 {free_mb} MB")


def check_resources() -> CheckResult:
    root = resource_root()
    missing = []
    migrations = resource_path("migrations")
    if not migrations.is_dir() or not any(migrations.rglob("*.py")):
        missing.append("数据库迁移脚本（migrations）")
    if not resource_path("resources", "icons", "mediationdesk-256.png").is_file():
        missing.append("程序图标")
    fonts = _font_files()
    if not fonts:
        missing.append("中文字体（resources/fonts）")
    qm = sorted(resource_path("resources", "translations").glob("*.qm"))
    if missing:
        return CheckResult("resources", "程序文件", FAIL, f"{root} 中缺少：" + "、".join(missing))
    return CheckResult(
        "resources",
        "程序文件",
        PASS,
        f"迁移脚本、图标、{len(fonts)} 个字体文件、{len(qm)} 个翻译文件齐全",
    )


def _font_files() -> list[Path]:
    folder = resource_path("resources", "fonts")
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix.lower() in {".ttf", ".ttc", ".otf"})


def _sqlite_file_from_url(url: str | None) -> Path | None:
    if url and url.startswith("sqlite:///"):
        return Path(url[len("sqlite:///"):])
    return None


def _default_db_file(dirs: dict[str, Path]) -> Path | None:
    """The embedded database file the app opens by default."""
    try:
        from desktop.store.db import DB_FILE_NAME
    except ImportError:
        return None
    return dirs["data"] / DB_FILE_NAME


def check_database(dirs: dict[str, Path], db_url: str | None = None) -> CheckResult:
    title = "数据库"
    try:
        from desktop.store.opening import open_database
    except ImportError as err:
        return CheckResult("database", title, FAIL, f"未检查：数据库模块尚未就绪（{err}）")

    url = db_url or os.environ.get("MEDIATIONDESK_DB")
    lan_note = ""
    if url and not url.startswith("sqlite"):
        # LAN mode: a self-test never migrates the shared server; check the local pipeline.
        lan_note = "；当前配置为局域网数据库，自检不连接也不修改服务器"
        source = None
    else:
        source = _sqlite_file_from_url(url) if url else _default_db_file(dirs)

    with tempfile.TemporaryDirectory(prefix="mediationdesk-selftest-") as tmp:
        scratch = Path(tmp) / "selftest.sqlite3"
        copied = False
        if source is not None and source.is_file():
            try:
                src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
                dst = sqlite3.connect(scratch)
                with dst:
                    src.backup(dst)
                src.close()
                dst.close()
                copied = True
            except sqlite3.Error as err:
                return CheckResult(
                    "database", title, FAIL, f"无法读取数据库文件 {source}：{err}（文件可能已损坏）"
                )
        try:
            # backup=False: a backup would land in the user's real backup folder.
            db = open_database(url=f"sqlite:///{scratch.as_posix()}", migrate=True, backup=False)
            db.close()
        except Exception as err:  # noqa: BLE001
            what = "迁移数据库副本" if copied else "新建并迁移临时数据库"
            return CheckResult("database", title, FAIL, f"{what}失败：{_one_line(err)}")
        con = sqlite3.connect(scratch)
        try:
            integrity = con.execute("PRAGMA integrity_check").fetchone()[0]
            tables = con.execute(
                "SELECT count(*) FROM sqlite_master WHERE type='table'"
            ).fetchone()[0]
            try:
                head = con.execute("SELECT version_num FROM alembic_version").fetchone()
            except sqlite3.Error:
                head = None
        finally:
            con.close()
    if integrity != "ok":
        return CheckResult("database", title, FAIL, f"完整性检查未通过：{integrity}")
    pg_ok, pg = _postgres_driver()
    if not pg_ok:
        return CheckResult("database", title, FAIL, f"内嵌数据库正常，但局域网数据库驱动缺失：{pg}")
    revision = head[0] if head else "无"
    if copied:
        detail = f"已复制 {source} 到临时目录，迁移到版本 {revision}，完整性检查通过（{tables} 张表）"
    else:
        where = f"；本机数据库 {source} 尚未创建，首次启动时自动创建" if source else ""
        detail = f"新建临时数据库并迁移到版本 {revision}，完整性检查通过（{tables} 张表）{where}"
    return CheckResult("database", title, PASS, f"{detail}；局域网驱动 {pg}{lan_note}")


def _postgres_driver() -> tuple[bool, str]:
    """LAN mode needs psycopg with its compiled libpq (the bundle must carry it)."""
    try:
        import psycopg

        return True, f"psycopg {psycopg.__version__}（{psycopg.pq.__impl__}）"
    except Exception as err:  # noqa: BLE001
        return False, _one_line(err)


def check_fonts() -> CheckResult:
    """Load every face the documents package prints with, then check rare-name coverage."""
    title = "中文字体"
    text = RARE_NAME_CHARS + COMMON_CHARS
    doc_fonts: ModuleType | None
    try:
        from desktop.documents import fonts as doc_fonts
    except ImportError:
        doc_fonts = None
    if doc_fonts is not None and hasattr(doc_fonts, "missing_glyphs"):
        try:
            faces = []
            for chain_name in ("BODY", "TITLE"):
                chain = getattr(doc_fonts, chain_name, None)
                faces += [f for f in getattr(chain, "faces", ()) if f not in faces]
            for face in faces:
                doc_fonts.ensure_registered(face)  # ReportLab really loads the file
            missing = list(doc_fonts.missing_glyphs(text))
        except Exception as err:  # noqa: BLE001
            return CheckResult("fonts", title, FAIL, f"字体加载失败：{_one_line(err)}")
        source = f"文书字体 {len(faces)} 款"
    else:
        try:
            missing = _missing_with_fonttools(text)
        except Exception as err:  # noqa: BLE001
            return CheckResult("fonts", title, FAIL, f"字体加载失败：{_one_line(err)}")
        source = "字体文件"
    if missing:
        return CheckResult(
            "fonts", title, FAIL,
            f"缺少以下字的字形，打印时会显示为方框：{''.join(missing)}",
        )
    return CheckResult(
        "fonts", title, PASS,
        f"{source}已加载，生僻字 {' '.join(RARE_NAME_CHARS)} 均可显示和打印",
    )


def _missing_with_fonttools(text: str) -> list[str]:
    from fontTools.ttLib import TTCollection, TTFont

    files = _font_files()
    if not files:
        raise FileNotFoundError("resources/fonts 中没有字体文件")
    covered: set[int] = set()
    for path in files:
        fonts = (
            TTCollection(str(path), lazy=True).fonts
            if path.suffix.lower() == ".ttc"
            else [TTFont(str(path), lazy=True)]
        )
        for font in fonts:
            cmap = font.getBestCmap() or {}
            covered.update(cmap)
    return [ch for ch in dict.fromkeys(text) if ord(ch) not in covered]


def check_keyring() -> CheckResult:
    title = "密钥环"
    try:
        import keyring
        from keyring.backends import fail as fail_backend
    except Exception as err:  # noqa: BLE001
        return CheckResult("keyring", title, FAIL, f"keyring 组件缺失：{_one_line(err)}")
    try:
        backend = keyring.get_keyring()
    except Exception as err:  # noqa: BLE001
        backend = None
        error = _one_line(err)
    else:
        error = ""
    name = f"{type(backend).__module__}.{type(backend).__name__}" if backend else "无"
    no_backend = backend is None or isinstance(backend, fail_backend.Keyring)
    if not no_backend:
        try:
            keyring.get_password(f"{APP_NAME}-selftest", "selftest")
        except Exception as err:  # noqa: BLE001
            no_backend = True
            error = _one_line(err)
    if no_backend:
        why = f"（{error}）" if error else ""
        return CheckResult(
            "keyring", title, WARN,
            f"本机没有可用的系统密钥环（后端：{name}）{why}。内嵌数据库不受影响；"
            "若连接局域网数据库，程序每次启动都会询问数据库密码，不会以明文保存密码",
        )
    return CheckResult("keyring", title, PASS, f"系统密钥环可用（{name}），局域网数据库密码可安全保存")


def check_pdf() -> CheckResult:
    """Render the sample agreement, seal it with a throwaway committee key, verify it, and
    verify that one flipped byte is caught — all in a temporary folder."""
    title = "文书PDF与电子签章"
    try:
        from desktop.documents.data import RenderOptions
        from desktop.documents.render import render
        from desktop.documents.sample import sample_case
        from desktop.documents.seal import generate_committee_keys, seal_pdf
        from desktop.documents.verify import verify_pdf
        from desktop.domain.enums import DocumentForm
    except ImportError as err:
        return CheckResult("pdf", title, FAIL, f"{NOT_READY_DOCUMENTS}（{err}）")
    committee = "自检测试人民调解委员会"
    password = "selftest-" + os.urandom(6).hex()
    with tempfile.TemporaryDirectory(prefix="mediationdesk-pdf-") as tmp:
        folder = Path(tmp)
        try:
            data = sample_case()
            form = DocumentForm.AGREEMENT
            pdf = render(form, data, RenderOptions(final=True))
            (folder / "agreement.pdf").write_bytes(pdf)
            keys = generate_committee_keys(committee, password)
            sealed = seal_pdf(
                pdf, keys.pkcs12, password, form_code=form.value, form_label=form.label,
                case_number=data.case.number, verification_code="SELFTEST",
                committee=committee,
            )
            (folder / "agreement-sealed.pdf").write_bytes(sealed.data)
            good = verify_pdf((folder / "agreement-sealed.pdf").read_bytes(), [keys.ca_cert_pem])
        except Exception as err:  # noqa: BLE001
            return CheckResult("pdf", title, FAIL, f"生成或签章失败：{_one_line(err)}")
        if not pdf.startswith(b"%PDF-"):
            return CheckResult("pdf", title, FAIL, "生成的文件不是PDF")
        if not good.ok:
            return CheckResult("pdf", title, FAIL, f"签章后核验未通过：{good.message}")
        tampered = bytearray(sealed.data)
        at = tampered.find(b"/Type /Page") + 1 or len(tampered) // 3
        tampered[at] ^= 0x01
        bad = verify_pdf(bytes(tampered), [keys.ca_cert_pem])
        if bad.ok:
            return CheckResult("pdf", title, FAIL, "核验未能发现被改动的文件")
    pages = pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages")
    return CheckResult(
        "pdf", title, PASS,
        f"生成协议书PDF（{max(pages, 1)} 页，{len(pdf) // 1024} KB，含生僻字）、"
        "电子签章并核验通过，改动一个字节后核验能发现",
    )


def check_worker() -> CheckResult:
    """A big load (``demo`` from 20,000 cases) makes its rows in a second process of this
    program; start one as it does and take a few rows from it."""
    title = "后台工作进程"
    from desktop.services.demo import probe_producer

    try:
        rows = probe_producer()
    except Exception as err:  # noqa: BLE001
        return CheckResult("worker", title, FAIL,
                           f"无法启动后台工作进程：{_one_line(err)}（大批量载入演示数据会失败）")
    if rows <= 0:
        return CheckResult("worker", title, FAIL, "后台工作进程没有送回数据")
    return CheckResult("worker", title, PASS, f"已启动后台工作进程并收到 {rows} 行数据")


def check_qt(probe_cmd: Sequence[str] | None) -> tuple[CheckResult, dict[str, object]]:
    """Start Qt in a child process (``probe_cmd``) and read its JSON answer."""
    title = "图形界面（Qt）"
    if not probe_cmd:
        return CheckResult("qt", title, FAIL, "未检查：没有提供 Qt 探测命令"), {}
    results: list[dict[str, object]] = []
    platforms = ["offscreen"]
    requested = os.environ.get("QT_QPA_PLATFORM")
    if requested and requested != "offscreen":
        platforms.append(requested)
    elif not requested and _has_display():
        platforms.append("")  # the platform Qt would pick for the real window
    info: dict[str, object] = {}
    for plat in platforms:
        env = dict(os.environ)
        if plat:
            env["QT_QPA_PLATFORM"] = plat
        else:
            env.pop("QT_QPA_PLATFORM", None)
        label = plat or "默认"
        try:
            proc = subprocess.run(
                [*probe_cmd], check=False, env=env, capture_output=True, timeout=90,
                encoding="utf-8", errors="replace",
            )
        except subprocess.TimeoutExpired:
            return CheckResult("qt", title, FAIL, f"{label} 平台插件启动超时（90 秒）"), info
        except OSError as err:
            return CheckResult("qt", title, FAIL, f"无法启动探测进程：{err}"), info
        answer = _last_json(proc.stdout)
        if proc.returncode != 0 or answer is None:
            tail = " ".join((proc.stderr or "").strip().splitlines()[-3:])
            hint = ""
            if "xcb" in (proc.stderr or ""):
                hint = "。Linux 上请安装 libxcb-cursor0、libxcb-icccm4、libxcb-keysyms1、libxkbcommon-x11-0"
            return CheckResult(
                "qt", title, FAIL,
                f"{label} 平台插件无法加载（退出码 {proc.returncode}）：{tail[:300]}{hint}",
            ), info
        results.append(answer)
        if not info:
            info = answer
    broken = {m: e for r in results if isinstance(failed := r.get("modules_failed", {}), dict)
              for m, e in failed.items()}
    if broken:
        return CheckResult(
            "qt", title, FAIL, "Qt 组件缺失：" + "；".join(f"{m}（{e}）" for m, e in broken.items())
        ), info
    loaded = "、".join(str(r.get("platform")) for r in results)
    note = ""
    if len(results) == 1 and sys.platform != "win32":
        note = "（本机无图形显示，只检查了 offscreen）"
    icon = "，SVG 图标可绘制" if all(r.get("svg_icon") for r in results) else "，但 SVG 图标无法绘制"
    status = PASS if all(r.get("svg_icon") for r in results) else FAIL
    return CheckResult(
        "qt", title, status, f"平台插件 {loaded} 加载成功{icon}{note}"
    ), info


def _has_display() -> bool:
    if sys.platform == "win32" or sys.platform == "darwin":
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def _last_json(text: str | None) -> dict[str, object] | None:
    for line in reversed((text or "").splitlines()):
        line = line.strip()
        if line.startswith("{"):
            try:
                value = json.loads(line)
            except ValueError:
                return None
            return value if isinstance(value, dict) else None
    return None


def _one_line(err: BaseException) -> str:
    text = str(err).strip().splitlines()
    return f"{type(err).__name__}: {text[0] if text else ''}"[:300]


# --------------------------------------------------------------------------- run + report


def run(
    probe_cmd: Sequence[str] | None = None,
    db_url: str | None = None,
    progress: Callable[[str], None] | None = None,
) -> Report:
    report = Report(started=datetime.now())
    dirs = app_dirs()
    timed: list[tuple[str, Callable[[], CheckResult]]] = [
        ("目录", lambda: check_paths(dirs)),
        ("程序文件", check_resources),
        ("数据库", lambda: check_database(dirs, db_url)),
        ("中文字体", check_fonts),
        ("密钥环", check_keyring),
        ("文书PDF与电子签章", check_pdf),
        ("后台工作进程", check_worker),
    ]
    qt_info: dict[str, object] = {}
    for label, fn in timed:
        if progress:
            progress(label)
        report.checks.append(_timed(label, fn))
    if progress:
        progress("图形界面（Qt）")
    t0 = time.perf_counter()
    try:
        qt_result, qt_info = check_qt(probe_cmd)
    except Exception as err:  # noqa: BLE001
        qt_result = CheckResult("qt", "图形界面（Qt）", FAIL, f"检查出错：{_one_line(err)}")
    qt_result.seconds = time.perf_counter() - t0
    report.checks.append(qt_result)

    qt_version = qt_info.get("qt")
    report.facts = [
        ("程序版本", f"{APP_NAME_ZH} {APP_NAME} {__version__}（{'安装版' if is_frozen() else '源码运行'}）"),
        ("操作系统", os_description()),
        ("Python", f"{platform.python_version()}（{platform.python_implementation()}）"),
        ("Qt", f"Qt {qt_version}，PySide6 {qt_info.get('pyside')}" if qt_version else "未知（探测失败）"),
        ("程序位置", str(Path(sys.executable).resolve() if is_frozen() else resource_root())),
        ("数据目录", str(dirs["data"])),
        ("配置目录", str(dirs["config"])),
        ("日志目录", str(dirs["log"])),
    ]
    return report


def _timed(label: str, fn: Callable[[], CheckResult]) -> CheckResult:
    t0 = time.perf_counter()
    try:
        result = fn()
    except Exception as err:  # noqa: BLE001 - one broken check must not hide the others
        tb = traceback.extract_tb(err.__traceback__)
        where = f"{Path(tb[-1].filename).name}:{tb[-1].lineno}" if tb else ""
        result = CheckResult(label, label, FAIL, f"检查出错：{_one_line(err)} {where}")
    result.seconds = time.perf_counter() - t0
    return result


def format_report(report: Report, *, ascii_marks: bool = False) -> str:
    marks = ASCII_MARKS if ascii_marks else MARKS
    lines = [
        f"{APP_NAME_ZH}（{APP_NAME}）自检报告",
        f"时间：{report.started:%Y年%m月%d日 %H:%M:%S}",
    ]
    lines += [f"{k}：{v}" for k, v in report.facts]
    lines.append("-" * 40)
    for c in report.checks:
        lines.append(f"{marks[c.status]} {c.title}：{c.detail}（{c.seconds:.1f} 秒）")
    lines.append("-" * 40)
    failed = report.failed
    warned = [c for c in report.checks if c.status == WARN]
    total = sum(c.seconds for c in report.checks)
    lines.append(f"共 {len(report.checks)} 项检查，耗时 {total:.1f} 秒。")
    if not failed and not warned:
        lines.append(f"结论：全部 {len(report.checks)} 项检查通过，可以正常使用。")
    elif not failed:
        lines.append(
            "结论：没有失败项，可以正常使用；"
            f"{len(warned)} 项提示请留意（" + "、".join(c.title for c in warned) + "）。"
        )
    else:
        lines.append(
            f"结论：{len(failed)} 项未通过（" + "、".join(c.title for c in failed) + "）。"
        )
        lines.append("请把本报告全文（从“自检报告”一行到这里）复制或另存后发给技术支持。")
    return "\n".join(lines)
