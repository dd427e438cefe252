"""Old migrations are frozen: what a revision writes may not depend on today's code.

A revision in migrations/versions may import only the standard library, ``sqlalchemy`` and
``alembic`` — never ``desktop.*`` (not the domain's lists, not the models, not the services):
editing the enums would otherwise silently change what an old revision writes into a fresh
database. (``migrations/env.py`` is not a revision; it imports ``desktop.store.models`` for the
metadata, which is fine.) And a fresh database gets exactly the seed rows listed here.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from desktop.store.opening import open_database

VERSIONS = Path(__file__).resolve().parents[2] / "migrations" / "versions"
ALLOWED_THIRD_PARTY = {"sqlalchemy", "alembic"}

# The lookup rows a fresh database gets, as revision 0001 seeded them on 2026-11-27:
# (kind, code, name, grp, sort_order). Changing them needs a new revision, not this list.
SEED_ROWS = [
    ("dispute_type", "marriage", "婚姻家庭", "", 0),
    ("dispute_type", "neighbor", "邻里", "", 1),
    ("dispute_type", "housing", "房屋宅基地", "", 2),
    ("dispute_type", "contract", "合同", "", 3),
    ("dispute_type", "business", "生产经营", "", 4),
    ("dispute_type", "damages", "损害赔偿", "", 5),
    ("dispute_type", "labor", "劳动争议", "", 6),
    ("dispute_type", "medical", "医疗", "", 7),
    ("dispute_type", "property_mgmt", "物业", "", 8),
    ("dispute_type", "traffic", "道路交通事故", "", 9),
    ("dispute_type", "demolition", "征地拆迁", "", 10),
    ("dispute_type", "land", "山林土地", "", 11),
    ("dispute_type", "pollution", "环境污染", "", 12),
    ("dispute_type", "consumer", "消费", "", 13),
    ("dispute_type", "other", "其他", "", 14),
    ("source", "party_apply", "当事人申请", "application", 0),
    ("source", "initiative", "调委会主动调解", "initiative", 1),
    ("source", "grid", "网格员上报", "initiative", 2),
    ("source", "police_110", "公安机关移交（110警情）", "entrusted", 3),
    ("source", "police_station", "派出所移交", "entrusted", 4),
    ("source", "court_pre", "人民法院委派（诉前）", "entrusted", 5),
    ("source", "court_during", "人民法院委托（诉中）", "entrusted", 6),
    ("source", "petition", "信访部门转办", "entrusted", 7),
    ("source", "hotline_12345", "12345热线转办", "entrusted", 8),
    ("source", "gov_other", "其他政府部门指定", "entrusted", 9),
]


def forbidden_imports(source: str) -> list[str]:
    """Every import in the module (also inside functions, also ``importlib.import_module``
    and ``__import__`` with a literal name) that is neither stdlib nor sqlalchemy/alembic."""
    names: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            names.append((node.lineno, "." * node.level + (node.module or "")))
        elif isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
            func = node.func
            called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if called in ("import_module", "__import__") and isinstance(node.args[0].value, str):
                names.append((node.lineno, node.args[0].value))
    bad = []
    for line, name in names:
        top = name.split(".")[0]
        if name.startswith(".") or not (top in sys.stdlib_module_names
                                        or top in ALLOWED_THIRD_PARTY):
            bad.append(f"line {line}: {name}")
    return bad


# The revisions that run app code, and why: 0015 fills the report aggregates of an existing
# database with the app's own counting rules (a second copy of them in a migration would drift).
# It only does so while the app's column list is the one it created; a later revision that
# changes the aggregates' columns must rebuild them itself, so editing the rules cannot change
# what 0015 writes into a table of another shape.
# 0017 recomputes the search terms of names with the characters RARE_READINGS gives a
# reading, with the term rules every save uses (case_terms): terms are always what today's
# rules make of a case, so a later change of the rules changes what it writes only to what a
# save would write; a fresh database has no parties, so it writes nothing there. It writes
# the rows with Core on 0016's columns (no models).
ALLOWED_APP_IMPORTS = {
    "0015_report_aggregates.py": {"desktop.reports.aggregate", "desktop.store.models"},
    "0017_rare_name_terms.py": {"desktop.services.terms", "desktop.domain.search"},
}


def test_no_revision_imports_the_app() -> None:
    files = sorted(VERSIONS.glob("*.py"))
    assert len(files) >= 10
    found = {f.name: [line for line in forbidden_imports(f.read_text(encoding="utf-8"))
                      if line.split(": ", 1)[1] not in ALLOWED_APP_IMPORTS.get(f.name, set())]
             for f in files}
    assert {k: v for k, v in found.items() if v} == {}


def test_the_check_sees_an_app_import_inside_a_function() -> None:
    sample = (
        "import sqlalchemy as sa\nfrom alembic import op\nimport json\n"
        "def _seed():\n    from desktop.domain.enums import DEFAULT_DISPUTE_TYPES\n"
        "    import desktop.services.cases\n"
        "    importlib.import_module('desktop.store.models')\n"
    )
    assert forbidden_imports(sample) == [
        "line 5: desktop.domain.enums", "line 6: desktop.services.cases",
        "line 7: desktop.store.models"]


def _assert_seed(url: str) -> None:
    db = open_database(url)
    try:
        with db.read() as s:
            rows = s.execute(text(
                "select kind, code, name, grp, sort_order, active, version from lookup "
                "order by kind, sort_order")).all()
            head = s.execute(text("select id, last_id, last_hash from audit_head")).all()
    finally:
        db.close()
    assert [tuple(r) for r in rows] == [(*r, True, 1) for r in sorted(
        SEED_ROWS, key=lambda r: (r[0], r[4]))]
    assert [tuple(r) for r in head] == [(1, 0, "0" * 64)]


def test_a_fresh_database_gets_exactly_the_seed_rows(tmp_path: Path) -> None:
    _assert_seed(f"sqlite:///{tmp_path / 'fresh.sqlite3'}")


@pytest.mark.postgres
def test_a_fresh_postgres_database_gets_exactly_the_seed_rows(pg_empty_url: str) -> None:
    _assert_seed(pg_empty_url)
