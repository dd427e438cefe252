"""`mediationdesk seal-key` and `document --final` on a terminal without a keyring: the seal
password is asked with getpass (never echoed, never stored); without a terminal the command
says which environment variable to set. The real entry point in a pseudo-terminal."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

from tests.documents.test_documents_service import concluded_case
from tests.helpers.db import PASSWORDS, Desks

REPO = Path(__file__).resolve().parents[2]
SEAL_PW = "Seal#2026"


def _env(db_file: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MEDIATIONDESK_")}
    env.update(MEDIATIONDESK_DB=f"sqlite:///{db_file}", MEDIATIONDESK_PASSWORD=PASSWORDS["zhuren"],
               MEDIATIONDESK_CONFIG_DIR=str(db_file.parent / "config"),
               MEDIATIONDESK_DATA_DIR=str(db_file.parent / "data"),
               PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring", PYTHONPATH=str(REPO))
    return env


def run_on_tty(args: list[str], env: dict[str, str], answers: list[tuple[str, str]],
               timeout: float = 120) -> tuple[int, str]:
    """Run the CLI with a pseudo-terminal as its controlling terminal; answer each prompt."""
    pid, fd = pty.fork()
    if pid == 0:  # child
        os.chdir(REPO)
        os.execve(sys.executable, [sys.executable, "-m", "desktop", *args], env)
    out = b""
    pending = list(answers)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                break
            if not chunk:
                break
            out += chunk
        text = out.decode("utf-8", "replace")
        if pending and pending[0][0] in text:
            _prompt, answer = pending.pop(0)
            out += b"\n"  # keep the next prompt apart in the transcript
            os.write(fd, answer.encode() + b"\r")
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    return os.waitstatus_to_exitcode(status), out.decode("utf-8", "replace")


def test_seal_key_and_final_document_prompt_on_a_terminal(desks: Desks, db_file, tmp_path):
    cid = concluded_case(desks)
    number = desks["wang"].cases.get(cid).number
    env = _env(db_file)
    code, out = run_on_tty(["seal-key", "--user", "zhuren"], env, [
        ("为电子印章设置密码", SEAL_PW), ("再输入一次", SEAL_PW)])
    assert code == 0, out
    assert "已生成调解委员会根证书和签章证书" in out
    assert "本机没有系统密钥环，印章密码不会保存" in out
    assert SEAL_PW not in out  # getpass: never echoed

    pdf = tmp_path / "协议书.pdf"
    code, out = run_on_tty(["document", number, "--form", "agreement", "--final",
                            "--no-seal-image-ok", "--out", str(pdf), "--user", "zhuren"],
                           env, [("电子印章密码：", SEAL_PW)])
    assert code == 0, out
    assert "正式文书（已加盖电子印章）" in out and SEAL_PW not in out
    verified = subprocess.run([sys.executable, "-m", "desktop", "verify", str(pdf)], env=env,
                              capture_output=True, text=True, cwd=REPO, timeout=120, check=False)
    assert verified.returncode == 0 and "【通过】" in verified.stdout


def test_without_a_terminal_the_variable_is_named(desks: Desks, db_file):
    env = _env(db_file)
    done = subprocess.run([sys.executable, "-m", "desktop", "seal-key", "--user", "zhuren"],
                          env=env, capture_output=True, text=True, cwd=REPO,
                          stdin=subprocess.DEVNULL, timeout=120, check=False)
    assert done.returncode != 0
    assert "MEDIATIONDESK_SEAL_PASSWORD" in done.stderr and "Traceback" not in done.stderr
