"""Helpers the settings tabs share."""

from __future__ import annotations

from collections.abc import Callable

from desktop.ui.qt import QPushButton

TestConnection = Callable[[str], str]


def _primary(text: str, name: str) -> QPushButton:
    b = QPushButton(text, objectName=name)
    b.setProperty("role", "primary")
    return b
