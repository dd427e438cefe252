"""Markers that follow from what a test uses, so nobody has to remember them.

``gui``: the test gets a QApplication (``qtbot``, ``qapp`` or a fixture built on them, such as
``ui_app``). ``postgres``: the test gets the throwaway PostgreSQL server (``pg_server`` or a
fixture built on it: ``pg_url``, ``pg_empty_url``, ``pg_template``). A fixture that asks for the
server at run time (``request.getfixturevalue("pg_url")`` inside a parametrized fixture) must
mark that parameter itself: ``pytest.param("postgresql", marks=pytest.mark.postgres)``;
``check_postgres_marked`` fails such a test when it forgot.

A pytest plugin: tests/conftest.py loads it through ``pytest_plugins``.
"""

from __future__ import annotations

from collections.abc import Iterable

import pytest

GUI_FIXTURES = frozenset({"qtbot", "qapp"})
POSTGRES_FIXTURES = frozenset({"pg_server", "pg_url", "pg_empty_url", "pg_template"})


def implied_markers(fixturenames: Iterable[str]) -> set[str]:
    """The markers implied by a test's fixture closure (direct and indirect fixtures)."""
    names = set(fixturenames)
    marks = set()
    if names & GUI_FIXTURES:
        marks.add("gui")
    if names & POSTGRES_FIXTURES:
        marks.add("postgres")
    return marks


def mark_items(items: list[pytest.Item]) -> None:
    for item in items:
        have = {m.name for m in item.iter_markers()}
        for name in sorted(implied_markers(getattr(item, "fixturenames", ())) - have):
            item.add_marker(name)


def check_postgres_marked(fixturedef: pytest.FixtureDef, request: pytest.FixtureRequest) -> None:
    """A per-test PostgreSQL fixture set up for a test without the marker: ``-m "not
    postgres"`` would not have deselected it, so say where the marker is missing."""
    if fixturedef.argname not in POSTGRES_FIXTURES or fixturedef.scope != "function":
        return
    node = request.node
    if isinstance(node, pytest.Item) and node.get_closest_marker("postgres") is None:
        pytest.fail(f"{node.nodeid} uses {fixturedef.argname} but is not marked postgres: "
                    "mark the fixture parameter that asks for it with "
                    "pytest.param(..., marks=pytest.mark.postgres)", pytrace=False)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    mark_items(items)


@pytest.hookimpl(wrapper=True)
def pytest_fixture_setup(fixturedef: pytest.FixtureDef, request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    result = yield  # set up first: failing before leaves pytest's fixture cache inconsistent
    check_postgres_marked(fixturedef, request)
    return result
