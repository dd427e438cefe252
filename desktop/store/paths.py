"""Where the desk keeps its files (platformdirs), overridable for tests and portable installs."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import platformdirs

APP_DIR_NAME = "MediationDesk"


def data_dir() -> Path:
    """User data directory: the embedded database, backups, drafts of exports."""
    override = os.environ.get("MEDIATIONDESK_DATA_DIR")
    path = Path(override) if override else Path(
        platformdirs.user_data_dir(APP_DIR_NAME, appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def config_dir() -> Path:
    override = os.environ.get("MEDIATIONDESK_CONFIG_DIR")
    path = Path(override) if override else Path(
        platformdirs.user_config_dir(APP_DIR_NAME, appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


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
