"""The markers are consistent: every marker a test uses is declared (``--strict-markers``
refuses the others), every marker declared in pyproject.toml is used, and the ``gui`` and
``postgres`` markers follow from the fixtures a test uses (tests/helpers/markers.py, applied by
tests/conftest.py). CONTRIBUTING.md says what each marker means."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

import pytest

from tests.helpers.markers import implied_markers

REPO = Path(__file__).resolve().parents[2]
BUILTIN = {"parametrize", "skip", "skipif", "xfail", "usefixtures", "filterwarnings"}


def declared_in_pyproject() -> set[str]:
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    lines = config["tool"]["pytest"]["ini_options"]["markers"]
    return {line.split(":")[0].strip() for line in lines}


def used_in_tests() -> set[str]:
    """``pytest.mark.NAME`` anywhere under tests/ (decorators, pytestmark, pytest.param)."""
    used = set()
    for path in (REPO / "tests").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Attribute)
                    and node.value.attr == "mark"):
                used.add(node.attr)
    return used - BUILTIN


def test_declared_markers_are_the_used_ones(pytestconfig: pytest.Config) -> None:
    declared = declared_in_pyproject()
    assert declared == {"gui", "postgres", "slow"}
    registered = {line.split(":")[0].split("(")[0].strip()
                  for line in pytestconfig.getini("markers")}  # ours and the plugins'
    used = used_in_tests() | implied_markers({"qtbot", "pg_url"})
    assert used - registered == set(), "used but never declared"
    assert declared - used == set(), "declared in pyproject.toml but used nowhere"


def test_fixtures_imply_markers() -> None:
    assert implied_markers({"qtbot", "request"}) == {"gui"}
    assert implied_markers({"qapp"}) == {"gui"}
    assert implied_markers({"pg_server", "tmp_path"}) == {"postgres"}
    assert implied_markers({"pg_empty_url", "qtbot"}) == {"gui", "postgres"}
    assert implied_markers({"tmp_path", "db"}) == set()


def test_a_qt_test_is_marked_gui_without_writing_it(qtbot, request: pytest.FixtureRequest) -> None:
    assert request.node.get_closest_marker("gui") is not None


def test_a_plain_test_is_not(request: pytest.FixtureRequest) -> None:
    assert {m.name for m in request.node.iter_markers()} == set()


def test_a_postgres_test_without_the_marker_fails(pytester: pytest.Pytester,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """A fixture asking for the server at run time with an unmarked parameter is refused.
    (A separate pytest run, in a subprocess: its failure is the expected outcome.)"""
    monkeypatch.setenv("PYTHONPATH", str(REPO))
    pytester.makeini("[pytest]\nmarkers =\n    postgres: the server\n    gui: Qt\n")
    pytester.makeconftest(
        "import pytest\n"
        "@pytest.fixture\ndef pg_url():\n    return 'postgresql://nowhere'\n")
    pytester.makepyfile(
        "import pytest\n"
        "@pytest.fixture(params=['sqlite', 'postgresql'])\n"
        "def backend(request):\n"
        "    return request.getfixturevalue('pg_url') if request.param != 'sqlite' else ''\n"
        "def test_x(backend):\n    pass\n"
        "def test_direct(pg_url, request):\n"
        "    assert request.node.get_closest_marker('postgres')\n")
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider",
                                           "-p", "tests.helpers.markers", "-q")
    result.assert_outcomes(passed=2, errors=1)
    result.stdout.fnmatch_lines(["*test_x?postgresql? uses pg_url but is not marked postgres*"])
