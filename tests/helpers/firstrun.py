"""The first-run dialog's first step, filled as a new administrator would."""

from __future__ import annotations

from typing import Any

from tests.helpers.qtinput import type_text


def to_seal_step(qtbot: Any, dlg: Any, *, admin: str | None = None, display: str | None = None,
                 password: str = "Admin#2026") -> None:
    """Type the committee, its short name, (the account and name,) the password twice, press
    下一步 and wait for the seal step."""
    type_text(dlg.committee, "青山街道人民调解委员会")
    type_text(dlg.short_name, "青")
    if admin is not None:
        dlg.admin.setText(admin)
    if display is not None:
        type_text(dlg.display, display)
    type_text(dlg.pw1, password)
    type_text(dlg.pw2, password)
    dlg.ok.click()
    qtbot.waitUntil(lambda: dlg.steps.currentIndex() == 1, timeout=10000)
