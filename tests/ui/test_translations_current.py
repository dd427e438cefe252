"""Every visible string is in the zh_CN catalogue and the compiled .qm is up to date."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_translation_catalogue_is_current() -> None:
    proc = subprocess.run([sys.executable, str(ROOT / "scripts" / "update_translations"),
                           "--check"], capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    ts = (ROOT / "resources" / "translations" / "mediationdesk_zh_CN.ts").read_text("utf-8")
    assert ts.count("<message") > 500 and 'type="unfinished"' not in ts
