"""Helpers the settings tabs share."""

from __future__ import annotations

from collections.abc import Callable

from desktop.ui.dialogs import primary_button as _primary

TestConnection = Callable[[str], str]

__all__ = ["TestConnection", "_primary"]
