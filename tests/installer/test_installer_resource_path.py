"""resource_path finds the top-level data folders from the source tree and from a bundle."""

from __future__ import annotations

import sys
from pathlib import Path

from desktop import resources
from desktop.resources import resource_path, resource_root

REPO = Path(__file__).resolve().parents[2]


def test_source_tree_root_is_repo_top(monkeypatch):
    monkeypatch.delenv(resources.ENV_VAR, raising=False)
    monkeypatch.delattr(sys, "_MEIPASS", raising=False)
    assert resource_root() == REPO
    assert resource_path("migrations").is_dir()
    assert resource_path("resources", "icons") == REPO / "resources" / "icons"


def test_frozen_bundle_uses_meipass(monkeypatch, tmp_path):
    monkeypatch.delenv(resources.ENV_VAR, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert resource_path("resources", "fonts", "x.ttf") == tmp_path / "resources" / "fonts" / "x.ttf"


def test_environment_override_wins(monkeypatch, tmp_path):
    monkeypatch.setattr(sys, "_MEIPASS", "/nonexistent", raising=False)
    monkeypatch.setenv(resources.ENV_VAR, str(tmp_path))
    assert resource_root() == tmp_path
