"""调解台 MediationDesk — case management for people's-mediation rooms."""

from __future__ import annotations

from importlib import metadata as _metadata

try:
    __version__ = _metadata.version("mediationdesk")
except _metadata.PackageNotFoundError:  # running from a source tree or a frozen bundle
    __version__ = "0.1.0"

APP_NAME = "MediationDesk"
APP_NAME_ZH = "调解台"
