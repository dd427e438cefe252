"""Typing into widgets in tests.

``qtbot.keyClicks`` with any non-ASCII text aborts the whole process (qasciikey.cpp assert,
see TOOLCHAIN.md), so Chinese is committed the way an input method does it: a
``QInputMethodEvent`` whose commit string is the text. ASCII goes through real key clicks.
"""

from __future__ import annotations

from desktop.ui.qt import QApplication, QInputMethodEvent, QtTest, QWidget


def commit_text(widget: QWidget, text: str) -> None:
    """What an IME does when the user picks a candidate: commit ``text`` at the cursor."""
    widget.setFocus()
    event = QInputMethodEvent("", [])
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def type_text(widget: QWidget, text: str, qtbot: object | None = None, delay_ms: int = -1) -> None:
    """Type ``text`` as a person would: ASCII runs by key clicks, everything else by IME
    commits, one character at a time so textEdited fires per character."""
    widget.setFocus()
    run = ""
    for ch in text:
        if ch.isascii() and ch.isprintable():
            run += ch
            continue
        if run:
            QtTest.QTest.keyClicks(widget, run, delay=delay_ms)
            run = ""
        commit_text(widget, ch)
    if run:
        QtTest.QTest.keyClicks(widget, run, delay=delay_ms)
