"""`mediationdesk selftest` run as a person would: a subprocess, its exit code and its report."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from desktop import selftest

REPO = Path(__file__).resolve().parents[2]


def run_selftest(tmp_path: Path, **env_over: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MEDIATIONDESK_")}
    env.update(
        HOME=str(tmp_path / "home"),
        XDG_DATA_HOME=str(tmp_path / "home" / "data"),
        XDG_CONFIG_HOME=str(tmp_path / "home" / "config"),
        XDG_STATE_HOME=str(tmp_path / "home" / "state"),
        QT_QPA_PLATFORM="offscreen",
        PYTHONIOENCODING="utf-8",
    )
    env.update(env_over)
    return subprocess.run(
        [sys.executable, "-m", "desktop", "selftest", "--output", str(tmp_path / "report.txt")],
        cwd=REPO, env=env, capture_output=True, text=True, encoding="utf-8", timeout=180,
        check=False,
    )


def line(report: str, title: str) -> str:
    found = [
        ln for ln in report.splitlines()
        if ln[:1] in "✔⚠✘" and ln[1:2] == " " and ln[2:].startswith(title + "：")
    ]
    assert found, f"no line for {title!r} in:\n{report}"
    return found[0]


@pytest.mark.slow
def test_report_on_a_fresh_data_dir(tmp_path):
    proc = run_selftest(tmp_path)
    out = proc.stdout
    assert "调解台（MediationDesk）自检报告" in out
    assert f"数据目录：{tmp_path / 'home' / 'data' / 'MediationDesk'}" in out
    for title in ("目录", "程序文件", "数据库", "中文字体", "后台工作进程", "图形界面（Qt）"):
        assert line(out, title).startswith("✔"), line(out, title)
    assert "收到" in line(out, "后台工作进程")  # a process of `-m desktop`, spawned, sent rows
    assert "生僻字 𠮷 䶮 堃 赟 昇" in line(out, "中文字体")
    assert "完整性检查通过" in line(out, "数据库")
    # The keyring line always says what happens to the LAN password.
    assert line(out, "密钥环")[0] in "✔⚠"
    assert "密钥环" in line(out, "密钥环")
    # Exit code and verdict agree, whatever the state of the PDF check.
    pdf = line(out, "文书PDF与电子签章")
    if pdf.startswith("✘"):
        assert proc.returncode == 1 and "项未通过" in out
    else:
        assert proc.returncode == 0 and "可以正常使用" in out
    # The selftest never creates the real database, only a scratch copy.
    assert not (tmp_path / "home" / "data" / "MediationDesk" / "mediationdesk.sqlite3").exists()
    assert (tmp_path / "report.txt").read_text(encoding="utf-8").startswith("调解台")


@pytest.mark.slow
def test_unwritable_data_dir_fails(tmp_path):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the data folder should be")
    proc = run_selftest(tmp_path, MEDIATIONDESK_DATA_DIR=str(blocker / "MediationDesk"))
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert line(proc.stdout, "目录").startswith("✘")
    assert "不可写" in line(proc.stdout, "目录")
    assert "结论：" in proc.stdout and "目录" in proc.stdout.split("结论：")[1]


def test_existing_database_is_copied_not_touched(tmp_path, monkeypatch):
    from desktop.store.opening import open_database

    data = tmp_path / "data"
    monkeypatch.setenv("MEDIATIONDESK_DATA_DIR", str(data))
    monkeypatch.delenv("MEDIATIONDESK_DB", raising=False)
    real = data / "mediationdesk.sqlite3"
    open_database(url=f"sqlite:///{real}", migrate=True, backup=False).close()
    before = real.read_bytes()
    result = selftest.check_database(selftest.app_dirs())
    assert result.status == selftest.PASS, result.detail
    assert "已复制" in result.detail
    assert real.read_bytes() == before
    assert not (data / "backups").exists() or not any((data / "backups").iterdir())


def test_corrupt_database_is_reported(tmp_path, monkeypatch):
    data = tmp_path / "data"
    data.mkdir()
    (data / "mediationdesk.sqlite3").write_bytes(b"this is not an SQLite database" * 100)
    monkeypatch.setenv("MEDIATIONDESK_DATA_DIR", str(data))
    monkeypatch.delenv("MEDIATIONDESK_DB", raising=False)
    result = selftest.check_database(selftest.app_dirs())
    assert result.status == selftest.FAIL
    assert "mediationdesk.sqlite3" in result.detail


def test_qt_probe_failure_is_a_red_line(tmp_path):
    result, info = selftest.check_qt([sys.executable, "-c", "import sys; sys.exit(3)"])
    assert result.status == selftest.FAIL and "退出码 3" in result.detail
    assert info == {}


def test_report_format_lists_every_check():
    report = selftest.Report(started=selftest.datetime(2026, 11, 27, 9, 30))
    report.checks = [
        selftest.CheckResult("a", "目录", selftest.PASS, "可写"),
        selftest.CheckResult("b", "密钥环", selftest.WARN, "无"),
        selftest.CheckResult("c", "数据库", selftest.FAIL, "坏了"),
    ]
    text = selftest.format_report(report)
    assert "时间：2026年11月27日 09:30:00" in text
    assert "✔ 目录：可写" in text and "⚠ 密钥环：无" in text and "✘ 数据库：坏了" in text
    assert "结论：1 项未通过（数据库）" in text
    assert not report.ok
    ascii_text = selftest.format_report(report, ascii_marks=True)
    assert "[失败] 数据库：坏了" in ascii_text


def test_keyring_states(monkeypatch):
    import keyring
    from keyring.backends import fail

    from tests.helpers.keyring import MemoryKeyring

    previous = keyring.get_keyring()
    try:
        keyring.set_keyring(MemoryKeyring())
        ok = selftest.check_keyring()
        assert ok.status == selftest.PASS and "MemoryKeyring" in ok.detail
        keyring.set_keyring(fail.Keyring())
        none = selftest.check_keyring()
        assert none.status == selftest.WARN
        assert "fail.Keyring" in none.detail and "每次启动都会询问数据库密码" in none.detail
    finally:
        keyring.set_keyring(previous)
