"""The one module through which all UI code imports Qt (Anki's ``aqt.qt``, qutebrowser's
``qutebrowser.qt``): version workarounds live here and nowhere else.

API::

    from desktop.ui.qt import *                  # every QtCore/QtGui/QtWidgets name, Signal, Slot
    from desktop.ui.qt import QWidget, Qt, Signal
    from desktop.ui import qt
    qt.QtCharts      # PySide6.QtCharts module, imported on first use (keeps cold start small)
    qt.QtPdf         # PySide6.QtPdf
    qt.QtPdfWidgets  # PySide6.QtPdfWidgets
    qt.QtPrintSupport
    qt.QtSvg
    qt.QtTest        # for tests only
    qt.qt_version()  # "6.12.0"

Known defect of the PySide6 6.12.0 wheels on CPython < 3.12, worked around here once:
Python wrappers hand back the singletons without a new reference - ``signal.emit()`` returns a
borrowed ``True`` and every void method (``processEvents()``, ``show()``, ``setText()`` …)
a borrowed ``None`` - so each call costs the singleton one reference until the interpreter
aborts with "Fatal Python error: none_dealloc" / "bool_dealloc" (a busy window gets there in
seconds to minutes). ``_immortal_singletons()`` probes for it at import and, only when present,
gives None/True/False a huge refcount: what CPython 3.12 does for them anyway (immortal
objects). ``REFCOUNT_WORKAROUND`` tells whether it was needed. This module must therefore be
imported before any other PySide6 use - true for the app, the tests and the benches.

Also here, for the same must-run-first reason: ``_chinese_system_locale()`` (see there).

The lazy modules are reached through module ``__getattr__``, so ``from desktop.ui.qt import
QtPdf`` also works and imports it at that moment. Nothing here imports services or the store.

For the type checker the same names are plain imports (the ``TYPE_CHECKING`` block), and it
does not see ``__getattr__``: a Qt name is its real class to mypy, and a misspelt one is an
error instead of ``Any``.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from PySide6 import QtCore, QtGui, QtWidgets
from PySide6.QtCore import Property, QCoreApplication, Signal, Slot  # noqa: F401


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:
    """Qt's marker for a text translated later (lupdate finds it by name), typed: PySide6's
    stub says it returns ``object``; it returns the text unchanged, as this does. Defined
    before the star imports below, so it is the one mypy keeps."""
    return text


if TYPE_CHECKING:
    # What __getattr__ hands out at run time, spelt out for mypy. Later star imports win on a
    # shared name, as QtWidgets before QtGui before QtCore does in _SOURCES.
    from PySide6 import (  # noqa: F401
        QtCharts,
        QtPdf,
        QtPdfWidgets,
        QtPrintSupport,
        QtSvg,
        QtSvgWidgets,
        QtTest,
    )

    # QtGui/QtWidgets redeclare a few QtCore names (QIntList, QPointList, qFuzzyCompare): the
    # later module's wins, as in __getattr__; QtCore's QT_TRANSLATE_NOOP loses to ours above.
    from PySide6.QtCore import *  # type: ignore[assignment]
    from PySide6.QtGui import *  # type: ignore[assignment]
    from PySide6.QtWidgets import *  # type: ignore[assignment]

# Names are resolved on first use (module __getattr__ below) instead of star-importing the
# three modules: PySide6 creates its ~900 types lazily, and a star import forced all of them,
# a third of a second of every cold start. ``from desktop.ui.qt import QWidget`` works the same.
_SOURCES = (QtWidgets, QtGui, QtCore)


def _immortal_singletons() -> bool:
    import sys

    if sys.version_info >= (3, 12):
        return False  # None/True/False are immortal: refcount arithmetic cannot reach zero

    class _Probe(QtCore.QObject):
        ping = QtCore.Signal()

    probe = _Probe()
    none_before, true_before = sys.getrefcount(None), sys.getrefcount(True)
    for _ in range(8):
        probe.ping.emit()  # returns True
        probe.setObjectName("probe")  # a void method: returns None
    lost = max(none_before - sys.getrefcount(None), true_before - sys.getrefcount(True))
    if lost <= 0:
        return False
    import ctypes

    for obj in (None, True, False):
        # ob_refcnt is the first field of every PyObject in release builds.
        ctypes.c_ssize_t.from_address(id(obj)).value += 1 << 40
    return True


def _chinese_system_locale() -> None:
    """Make Qt's *system* locale Chinese on a Linux desktop whose environment says C or
    English. Qt's own widgets use QLocale::system(), not the default we set, for a few texts
    (the file dialog showed "1 bytes" and "30 11 2026"). Qt reads LC_MESSAGES/LC_TIME once,
    on first use, so they are set just for that moment and restored: the C library, Python
    and child processes keep the user's environment."""
    import os
    import sys

    if sys.platform in ("win32", "darwin"):
        return  # the system locale comes from the OS settings there, not the environment
    names = ("LC_ALL", "LC_MESSAGES", "LC_TIME", "LANG")
    if any(os.environ.get(n, "").startswith("zh") for n in names):
        return
    saved = {n: os.environ.get(n) for n in names}
    os.environ.pop("LC_ALL", None)
    os.environ["LC_MESSAGES"] = os.environ["LC_TIME"] = "zh_CN.UTF-8"
    try:
        QtCore.QLocale.system()
    finally:
        for n, value in saved.items():
            if value is None:
                os.environ.pop(n, None)
            else:
                os.environ[n] = value


_chinese_system_locale()  # before anything else asks Qt for the system locale
REFCOUNT_WORKAROUND = _immortal_singletons()
EMIT_REFCOUNT_WORKAROUND = REFCOUNT_WORKAROUND  # older name

_LAZY = {
    "QtCharts": "PySide6.QtCharts",
    "QtPdf": "PySide6.QtPdf",
    "QtPdfWidgets": "PySide6.QtPdfWidgets",
    "QtPrintSupport": "PySide6.QtPrintSupport",
    "QtSvg": "PySide6.QtSvg",
    "QtSvgWidgets": "PySide6.QtSvgWidgets",
    "QtTest": "PySide6.QtTest",
}


def _resolve(name: str) -> Any:
    """Qt names on first use; the heavy, rarely needed Qt modules imported on first use."""
    target = _LAZY.get(name)
    if target is not None:
        module = importlib.import_module(target)
        globals()[name] = module
        return module
    if name == "__all__":  # only a star import asks: then it pays for every name
        names = sorted({n for m in _SOURCES for n in dir(m) if not n.startswith("_")}
                       | set(_OWN))
        globals()["__all__"] = names
        return names
    if not name.startswith("__"):
        for module in _SOURCES:
            try:
                value = getattr(module, name)
            except AttributeError:
                continue
            globals()[name] = value
            return value
    raise AttributeError(f"module 'desktop.ui.qt' has no attribute {name!r}")


if not TYPE_CHECKING:  # hidden from mypy, or every unknown name would be Any again
    __getattr__ = _resolve


def is_alive(obj: object) -> bool:
    """False once the C++ side of a Qt object was deleted (its parent closed, deleteLater)."""
    import shiboken6

    return obj is not None and bool(shiboken6.isValid(obj))


def qt_version() -> str:
    return QtCore.qVersion()


def translate(context: str, text: str, disambiguation: str | None = None, n: int = -1) -> str:
    """``QCoreApplication.translate`` for code that is not a QObject (module-level helpers)."""
    return QCoreApplication.translate(context, text, disambiguation, n)


def set_busy_cursor(on: bool) -> None:
    app: Any = QtWidgets.QApplication.instance()
    if app is None:
        return
    if on:
        app.setOverrideCursor(QtCore.Qt.CursorShape.WaitCursor)
    else:
        app.restoreOverrideCursor()


# Our own helpers, exported by a star import besides the Qt names (not the lazy modules).
_OWN = ("QtCore", "QtGui", "QtWidgets", "Signal", "Slot", "Property", "QCoreApplication",
        "is_alive", "qt_version", "translate", "set_busy_cursor", "REFCOUNT_WORKAROUND")
