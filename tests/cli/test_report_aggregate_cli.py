"""`report verify` and `report rebuild` through real subprocesses on a demo database."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "desktop", *args], env=env, text=True,
                          check=False, capture_output=True, timeout=300,
                          stdin=subprocess.DEVNULL)


def test_verify_finds_a_planted_difference_and_rebuild_repairs_it(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MEDIATIONDESK")}
    env["MEDIATIONDESK_DATA_DIR"] = str(tmp_path / "data")
    env["MEDIATIONDESK_CONFIG_DIR"] = str(tmp_path / "config")
    assert run(["demo", "--cases", "300"], env).returncode == 0
    ok = run(["report", "verify"], env)  # every month, quarter and year of the demo data
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "一致" in ok.stdout
    db = tmp_path / "data" / "mediationdesk.sqlite3"
    with sqlite3.connect(db) as con:
        month = con.execute("SELECT max(month) FROM report_month WHERE accepted > 0 "
                            "AND dim = 'dispute_type'").fetchone()[0]
        con.execute("UPDATE report_month SET accepted = accepted + 2 WHERE month = ? AND "
                    "dim = 'dispute_type' AND value = (SELECT min(value) FROM report_month "
                    "WHERE month = ? AND dim = 'dispute_type')", (month, month))
    label = f"{month // 100}-{month % 100:02d}"
    bad = run(["report", "verify", "--month", label], env)
    assert bad.returncode == 1
    assert f"{month // 100}年{month % 100}月 纠纷类型" in bad.stdout and "受理 汇总表" in bad.stdout
    assert "report rebuild" in bad.stderr and "Traceback" not in bad.stderr
    rebuilt = run(["report", "rebuild"], env)
    assert rebuilt.returncode == 0 and "已重建" in rebuilt.stdout
    assert run(["report", "verify", "--month", label], env).returncode == 0


def test_demo_load_on_postgresql_copies_and_keeps_the_aggregate(pg_url: str,
                                                                tmp_path: Path) -> None:
    """The COPY path of the demo load on a real PostgreSQL: progress with a rate and an ETA,
    and `report verify` finds the aggregate equal to the cases."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MEDIATIONDESK")}
    env["MEDIATIONDESK_DATA_DIR"] = str(tmp_path / "data")
    env["MEDIATIONDESK_CONFIG_DIR"] = str(tmp_path / "config")
    # the server's database already has the fixture's users: an administrator loads it
    env["MEDIATIONDESK_PASSWORD"] = "admin1234"
    load = run(["demo", "--cases", "300", "--batch", "100", "--db", pg_url, "--user", "admin"],
               env)
    assert load.returncode == 0, load.stdout + load.stderr
    assert "已提交 300/300 件（100%）" in load.stdout and "件/秒" in load.stdout
    assert "预计还需" in load.stdout
    ok = run(["report", "verify", "--db", pg_url, "--user", "admin"], env)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "一致" in ok.stdout
