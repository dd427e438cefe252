"""调解台 MediationDesk — case management for people's-mediation rooms."""

from __future__ import annotations

APP_NAME = "MediationDesk"
APP_NAME_ZH = "调解台"


def __getattr__(name: str) -> str:
    # ``__version__`` is read from the installed metadata on first use only: importlib.metadata
    # costs ~60 ms, which every start of the GUI and the CLI would otherwise pay.
    if name != "__version__":
        raise AttributeError(f"module 'desktop' has no attribute {name!r}")
    from importlib import metadata

    try:
        version = metadata.version("mediationdesk")
    except metadata.PackageNotFoundError:  # running from a source tree or a frozen bundle
        version = "0.1.0"
    globals()["__version__"] = version
    return version
