"""Where the application's data files are: the one place that knows.

Data files live at the top of the source tree, beside the ``desktop`` package::

    resources/fonts/…  resources/icons/…  resources/translations/*.qm  migrations/

The PyInstaller bundle (``installer/mediationdesk.spec``) copies them to the same relative
places under ``sys._MEIPASS``, so one call works from a source checkout, an editable install
and a frozen bundle::

    resource_path("resources", "fonts", "DroidSansFallbackFull.ttf")
    resource_path("migrations")

Qt-free and import-light on purpose: any layer may use it.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

__all__ = ["resource_path", "resource_root"]

#: Environment variable that overrides the root (for packagers and tests).
ENV_VAR = "MEDIATIONDESK_RESOURCES"


def resource_root() -> Path:
    """The directory that contains ``resources/`` and ``migrations/``."""
    override = os.environ.get(ENV_VAR)
    if override:
        return Path(override)
    bundle = getattr(sys, "_MEIPASS", None)  # set by the PyInstaller bootloader
    if bundle:
        return Path(bundle)
    # Source tree / editable install: desktop/resources.py -> repo top level.
    return Path(__file__).resolve().parent.parent


def resource_path(*parts: str | os.PathLike[str]) -> Path:
    """Absolute path of a data file, e.g. ``resource_path("resources", "icons", "x.png")``.

    The path is returned whether or not the file exists; callers decide how to report a
    missing file.
    """
    return resource_root().joinpath(*parts)
