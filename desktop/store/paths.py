"""Where the desk keeps its files (platformdirs), overridable for tests and portable installs."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path

import platformdirs

APP_DIR_NAME = "MediationDesk"


def _made(override: str, platform_default: Callable[..., str]) -> Path:
    """The folder named by the environment variable ``override`` (tests, portable installs)
    or the platform's usual one, created if missing."""
    named = os.environ.get(override)
    path = Path(named) if named else Path(platform_default(APP_DIR_NAME, appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def data_dir() -> Path:
    """User data directory: the embedded database, backups, drafts of exports."""
    return _made("MEDIATIONDESK_DATA_DIR", platformdirs.user_data_dir)


def config_dir() -> Path:
    """User settings directory: the ini file with the database profile and the GUI's settings."""
    return _made("MEDIATIONDESK_CONFIG_DIR", platformdirs.user_config_dir)


def backup_dir() -> Path:
    path = data_dir() / "backups"
    path.mkdir(parents=True, exist_ok=True)
    return path


def migrations_dir() -> Path:
    """The Alembic scripts: beside the package in a source tree, in _MEIPASS when frozen."""
    frozen = getattr(sys, "_MEIPASS", None)
    candidates = []
    if frozen:
        candidates.append(Path(frozen) / "migrations")
    candidates.append(Path(__file__).resolve().parents[2] / "migrations")
    for candidate in candidates:
        if (candidate / "env.py").exists():
            return candidate
    raise FileNotFoundError("migrations folder not found: " + ", ".join(map(str, candidates)))
