"""The case window: one tab per part of the case file (parties, sessions, outcome, …)."""

from desktop.ui.case.window import CaseWindow

__all__ = ["CaseWindow"]
