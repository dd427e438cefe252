"""Every open/save file dialog of the app goes through here, so each one starts in a
sensible folder, proposes a sensible name and speaks Chinese.

- Starts in the folder last used for the same ``purpose`` (remembered in the settings file),
  else in the user's documents folder (created when missing), never in the working directory.
- Proposes a sensible file name (``suggest_name``): （2026）青人调字第0001号-调解协议书.pdf,
  2026年11月统计报表.xlsx.
- Filters are written in Chinese by the callers ("PDF 文件 (*.pdf)").
- The platform's native dialog is used where a platform theme provides one (Windows, macOS,
  GTK/KDE desktops). Where Qt falls back to its own widget dialog (plain X11, UOS/Kylin
  without a portal, the offscreen test platform) it is fully Chinese (qtbase_zh_CN plus
  ``desktop.ui.qt_zh`` for the texts qtbase leaves in English) and
  ``prepare_widget_dialog`` puts the documents folder and home in its sidebar (whose dark
  background came from the main window's style rule, now scoped to the main window).

The dialogs are built as objects (not the static ``getOpenFileName``) so that tests can find
them, look at them and answer them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from desktop.ui.qt import (
    QApplication,
    QDialog,
    QFileDialog,
    QLabel,
    QStandardPaths,
    QWidget,
    translate,
)

_BAD_CHARS = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')

#: Set by tests to look at (and answer) each dialog before it runs: called with the dialog.
#: When it returns a list of paths those are taken as the user's choice and the dialog is not
#: run (a test cannot click in a modal loop). None: run the dialog for real.
before_exec: Callable[[QFileDialog], list[str] | None] | None = None


def tr(text: str) -> str:
    return translate("filedialogs", text)


def documents_dir() -> Path:
    """The user's documents folder (created when missing); home as the last resort."""
    located = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    path = Path(located) if located else Path.home()
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError:
        return Path.home()
    return path


def _settings() -> Any:
    from desktop.ui.settings_store import settings

    return settings()


def _last_dirs() -> dict[str, str]:
    try:
        value = json.loads(_settings().get("dialogs/last_dirs") or "{}")
    except ValueError:  # a hand-edited settings file must not block a dialog
        return {}
    return value if isinstance(value, dict) else {}


def start_dir(purpose: str) -> Path:
    """The last folder used for ``purpose`` if it still exists, else the documents folder."""
    last = _last_dirs().get(purpose)
    if last and Path(str(last)).is_dir():
        return Path(str(last))
    return documents_dir()


def remember_dir(purpose: str, chosen: str | Path) -> None:
    folder = Path(chosen)
    folder = folder if folder.is_dir() else folder.parent
    dirs = _last_dirs()
    dirs[purpose] = str(folder)
    s = _settings()
    s.set("dialogs/last_dirs", json.dumps(dirs, ensure_ascii=False))
    s.sync()


def suggest_name(*parts: str, suffix: str = "") -> str:
    """A file name from ``parts`` joined with "-": characters Windows refuses are dropped.
    ``suggest_name("（2026）青人调字第0001号", "调解协议书", suffix=".pdf")``."""
    stem = "-".join(p.strip() for p in parts if p and p.strip())
    stem = _BAD_CHARS.sub("", stem).strip(" .") or tr("未命名")
    return stem + suffix


def prepare_widget_dialog(dialog: QFileDialog) -> None:
    """Useful places in the sidebar of Qt's own (non-native) file dialog."""
    # the sidebar starts with the documents folder and home, not only "/"
    from desktop.ui.qt import QUrl

    places = [QUrl.fromLocalFile(str(documents_dir())), QUrl.fromLocalFile(str(Path.home()))]
    desktop = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DesktopLocation)
    if desktop and Path(desktop).is_dir():
        places.append(QUrl.fromLocalFile(desktop))
    dialog.setSidebarUrls(places)
    from desktop.ui.qt import QHeaderView, QTreeView

    tree = dialog.findChild(QTreeView, "treeView")
    if tree is not None:  # the date column was cut to "2026/1… 19:46"
        tree.header().setSectionResizeMode(3, QHeaderView.ResizeMode.ResizeToContents)


def build_dialog(parent: QWidget | None, title: str, purpose: str, filters: str, *,
                 save: bool = False, name: str = "", many: bool = False,
                 native: bool | None = None) -> QFileDialog:
    """The dialog ``open_file``/``save_file`` run (exposed for tests and screenshots)."""
    dialog = QFileDialog(parent, title, str(start_dir(purpose)), filters)
    dialog.setObjectName(f"fileDialog_{purpose}")
    if native is False:  # tests and screenshots look at Qt's own dialog
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    if save:
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setFileMode(QFileDialog.FileMode.AnyFile)
        suffix = Path(name).suffix.lstrip(".")
        if suffix:
            dialog.setDefaultSuffix(suffix)
        if name:
            dialog.selectFile(name)
    else:
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptOpen)
        dialog.setFileMode(QFileDialog.FileMode.ExistingFiles if many
                           else QFileDialog.FileMode.ExistingFile)
    # Qt builds its own widgets only when no platform theme offers a native dialog (plain
    # X11 without a GTK/KDE theme or portal, the offscreen platform): then make them ours.
    if dialog.findChild(QLabel, "lookInLabel") is not None:
        prepare_widget_dialog(dialog)
        from desktop.ui import screenfit

        dialog.resize(screenfit.default_size(880, 540, parent))  # Qt's default cuts the dates
    return dialog


def _run(dialog: QFileDialog, purpose: str) -> list[str]:
    if before_exec is not None:
        answer = before_exec(dialog)
        if answer is not None:
            chosen = answer
            if chosen:
                remember_dir(purpose, chosen[0])
            dialog.deleteLater()
            return chosen
    app = QApplication.instance()
    chosen = dialog.selectedFiles() if app and dialog.exec() == QDialog.DialogCode.Accepted \
        else []
    dialog.deleteLater()
    if chosen:
        remember_dir(purpose, chosen[0])
    return chosen


def open_file(parent: QWidget | None, title: str, purpose: str, filters: str) -> str:
    """One existing file ("" when cancelled)."""
    chosen = _run(build_dialog(parent, title, purpose, filters), purpose)
    return chosen[0] if chosen else ""


def open_files(parent: QWidget | None, title: str, purpose: str, filters: str) -> list[str]:
    return _run(build_dialog(parent, title, purpose, filters, many=True), purpose)


def save_file(parent: QWidget | None, title: str, purpose: str, name: str,
              filters: str) -> str:
    """A path to write ("" when cancelled); ``name`` is proposed in the remembered folder."""
    chosen = _run(build_dialog(parent, title, purpose, filters, save=True, name=name), purpose)
    return chosen[0] if chosen else ""
