"""mypy sees real Qt classes through desktop/ui/qt.py (not ``Any`` from its lazy
``__getattr__``), and the project's plugin accepts the inherited Qt properties PySide6's stubs
leave off constructors while still checking their names and types."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

SNIPPET = '''
from desktop.ui.qt import QLabel, QPushButton, QT_TRANSLATE_NOOP, QWidgt

ok = QLabel("x", objectName="title", toolTip="tip")
typo = QLabel("x", objectNam="title")
wrong = QPushButton("x", objectName=3)
label: str = QT_TRANSLATE_NOOP("ctx", "text")
reveal_type(ok)
'''


@pytest.mark.slow
def test_mypy_sees_real_qt_names_and_inherited_properties(tmp_path: Path) -> None:
    from mypy import api

    probe = tmp_path / "probe.py"
    probe.write_text(SNIPPET, encoding="utf-8")
    out, err, _status = api.run([
        "--config-file", str(ROOT / "pyproject.toml"), "--follow-imports=silent",
        "--cache-dir", str(tmp_path / "cache"), "--no-error-summary", str(probe)])
    lines = [ln.split(":", 2)[1:] for ln in out.splitlines() if ln.startswith(str(probe))]
    found = {(int(n), text.strip()) for n, text in lines}
    assert err == ""
    assert any(n == 2 and '"QWidgt"' in t and "[attr-defined]" in t for n, t in found)
    assert not any(n == 4 for n, _t in found)  # objectName= and toolTip= are accepted
    assert any(n == 5 and '"objectNam"' in t for n, t in found)  # misspelt property
    assert any(n == 6 and "call-overload" in t for n, t in found)  # objectName must be str
    assert not any(n == 7 for n, _t in found)  # the translation marker returns str
    assert (8, 'note: Revealed type is "PySide6.QtWidgets.QLabel"') in found
