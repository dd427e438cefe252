#!/usr/bin/env python3
"""Print pyproject.toml's runtime dependencies as a requirements list for the Linux packages.

PySide6-Pdf is dropped: it is a separate distribution only from PySide6 6.10 on; in the
pinned 6.8 (constraints.txt) QtPdf ships inside PySide6-Addons.
"""

import sys
import tomllib
from pathlib import Path

repo = Path(__file__).resolve().parents[2]
deps = tomllib.loads((repo / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
for dep in deps:
    if dep.lower().startswith("pyside6-pdf"):
        continue
    print(dep.split(";")[0].strip())
sys.exit(0)
