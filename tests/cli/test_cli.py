"""The CLI through real subprocesses on real database files."""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from desktop.store.opening import open_database


def run(args: list[str], env: dict[str, str], check: bool = True, timeout: float = 120,
        ) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run([sys.executable, "-m", "desktop", *args], env=env, text=True, check=False,
                          capture_output=True, timeout=timeout, stdin=subprocess.DEVNULL)
    if check and proc.returncode != 0:
        raise AssertionError(f"exit {proc.returncode}: {proc.stdout}\n{proc.stderr}")
    return proc


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    e = {k: v for k, v in os.environ.items() if not k.startswith("MEDIATIONDESK")}
    e["MEDIATIONDESK_DATA_DIR"] = str(tmp_path / "data")
    e["MEDIATIONDESK_CONFIG_DIR"] = str(tmp_path / "config")
    return e


def test_version(env: dict[str, str]) -> None:
    out = run(["--version"], env).stdout
    assert re.match(r"mediationdesk \d+\.\d+", out)


def test_demo_then_list_prints_numbers(env: dict[str, str], tmp_path: Path) -> None:
    out = run(["demo", "--cases", "300"], env).stdout
    assert "已提交 300/300 件" in out and "演示账号：用户名 demo" in out
    listing = run(["case", "list", "--limit", "5"], env)
    lines = [ln for ln in listing.stdout.splitlines() if re.match(r"^\d+\s", ln)]
    assert len(lines) == 5
    assert re.search(r"（20\d\d）[青河]人调字第\d{4}号", listing.stdout)
    assert (tmp_path / "data" / "mediationdesk.sqlite3").exists()
    number = re.search(r"（20\d\d）[青河]人调字第\d{4}号", listing.stdout).group(0)  # type: ignore[union-attr]
    shown = run(["case", "show", number], env).stdout
    assert number in shown and "当事人：" in shown and "********" in shown


def test_init_add_user_add_case_accept(env: dict[str, str], tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'office.sqlite3'}"
    env = dict(env, MEDIATIONDESK_PASSWORD="Admin-2026")
    out = run(["init", "--db", db, "--committee", "青山街道人民调解委员会", "--short", "青"], env).stdout
    assert "管理员：admin" in out
    again = run(["init", "--db", db, "--committee", "x", "--short", "x"], env, check=False)
    assert again.returncode == 1 and again.stderr.startswith("错误：") and "Traceback" not in again.stderr
    out = run(["user", "add", "wang", "--name", "王建国", "--db", db, "--user", "admin"],
              dict(env, NEW_USER_PASSWORD="Wang-2026")).stdout
    assert "王建国" in out and "调解员" in out
    out = run(["case", "add", "--db", db, "--user", "admin", "--applicant", "张𠮷",
               "--applicant-id", "11010519491231002X", "--respondent", "青山物业服务有限公司",
               "--respondent-org", "--legal-rep", "李总", "--type", "property_mgmt",
               "--facts", "拒交物业费", "--accept"], env).stdout
    assert "已受理，案号 （" in out and "青人调字第0001号" in out


def test_user_mistakes_are_one_chinese_line(env: dict[str, str], tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'o.sqlite3'}"
    env = dict(env, MEDIATIONDESK_PASSWORD="Admin-2026")
    run(["init", "--db", db, "--committee", "青山街道人民调解委员会", "--short", "青"], env)
    bad = run(["case", "add", "--db", db, "--user", "admin", "--applicant", "张三",
               "--applicant-id", "110105194912310021", "--respondent", "李四", "--type",
               "neighbor", "--facts", "x"], env, check=False)
    assert bad.returncode == 1 and "校验位" in bad.stderr and "Traceback" not in bad.stderr
    wrong = run(["case", "list", "--db", db, "--user", "admin"],
                dict(env, MEDIATIONDESK_PASSWORD="nope"), check=False)
    assert wrong.returncode == 1 and "用户名或密码错误" in wrong.stderr
    missing = run(["case", "show", "（2026）青人调字第9999号", "--db", db, "--user", "admin"], env,
                  check=False)
    assert missing.returncode == 1 and "找不到" in missing.stderr


def test_sigkill_during_demo_keeps_every_committed_case(env: dict[str, str], tmp_path: Path) -> None:
    path = tmp_path / "killed.sqlite3"
    proc = subprocess.Popen(
        [sys.executable, "-m", "desktop", "demo", "--cases", "200000", "--batch", "1000", "--db",
         f"sqlite:///{path}"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    committed = 0
    assert proc.stdout is not None
    deadline = time.monotonic() + 120
    for line in proc.stdout:
        m = re.match(r"已提交 (\d+)/", line)
        if m:
            committed = int(m.group(1))
        if committed >= 3000 or time.monotonic() > deadline:
            break
    time.sleep(0.3)  # let it get well into the next batch
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert committed >= 3000
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        count = conn.execute("select count(*) from mediation_case").fetchone()[0]
        assert count >= committed and count % 1000 == 0
        orphans = conn.execute("select count(*) from party where case_id not in "
                               "(select id from mediation_case)").fetchone()[0]
        assert orphans == 0
    db = open_database(f"sqlite:///{path}")  # opens and is current
    from desktop.store.audit_chain import verify_chain

    with db.read() as s:
        assert verify_chain(s).ok
    db.close()
