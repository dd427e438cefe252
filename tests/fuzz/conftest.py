"""The fuzz suite's two backends, seeded alike, and its call counter.

``MEDIATIONDESK_FUZZ=long`` (or a number of examples) runs a long profile; the default keeps
the whole suite around two minutes on the CI machine. The number of calls made is printed at
the end of the run (and written to ``$MEDIATIONDESK_FUZZ_REPORT`` when set).
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import keyring
import pytest
from hypothesis import HealthCheck, settings
from sqlalchemy import func, select

from desktop.services.dto import CaseDraft, PartyInput
from desktop.store.db import Database
from desktop.store.models import Base
from desktop.store.opening import open_database
from tests.fuzz.hostile import CALLS
from tests.helpers.db import Desks
from tests.helpers.keyring import MemoryKeyring

_level = os.environ.get("MEDIATIONDESK_FUZZ", "ci")
_examples = {"ci": 4, "long": 300}.get(_level) or int(_level)
settings.register_profile("fuzz", max_examples=_examples, deadline=None, derandomize=_level == "ci",
                          suppress_health_check=list(HealthCheck), database=None)
FUZZ = settings.get_profile("fuzz")



@dataclass
class Backend:
    name: str
    db: Database
    desks: Desks

    def counts(self, skip: tuple[str, ...] = ()) -> dict[str, int]:
        """Rows of every table (the audit log included): what "nothing written" compares."""
        with self.db.engine.connect() as conn:
            return {t.name: int(conn.execute(select(func.count()).select_from(t)).scalar() or 0)
                    for t in Base.metadata.sorted_tables if t.name not in skip}


def seed(db: Database) -> None:
    """Three cases (ids 1–3 on both backends, before any refusal can move a sequence)."""
    wang = Desks(db)["wang"]
    for i, name in enumerate(("李四", "王五", "赵六")):
        ref = wang.intake.register(CaseDraft(
            [PartyInput("张三", side="applicant", phone="13912345678"),
             PartyInput(name, side="respondent")], "neighbor", "party_apply", facts="漏水"))
        if i:
            wang.intake.accept(ref.id)


@pytest.fixture(scope="module")
def backends(template_db_file: Path, tmp_path_factory: pytest.TempPathFactory,
             pg_server, pg_template: str) -> Iterator[list[Backend]]:  # type: ignore[no-untyped-def]
    folder = tmp_path_factory.mktemp("fuzz")
    path = folder / "fuzz.sqlite3"
    shutil.copy(template_db_file, path)
    old_keyring = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring())
    old_password = os.environ.get("MEDIATIONDESK_SEAL_PASSWORD")
    os.environ["MEDIATIONDESK_SEAL_PASSWORD"] = "fuzz-seal"
    cwd = Path.cwd()
    os.chdir(folder)  # report exports to hostile relative paths land here
    dbs = [open_database(f"sqlite:///{path}", backup=False),
           open_database(pg_server.url(pg_server.create_database(template=pg_template)))]
    for db in dbs:
        seed(db)
    try:
        yield [Backend(n, db, Desks(db)) for n, db in zip(("sqlite", "postgresql"), dbs)]
    finally:
        os.chdir(cwd)
        keyring.set_keyring(old_keyring)
        if old_password is None:  # a leaked password made every later unsigned-key test sign
            os.environ.pop("MEDIATIONDESK_SEAL_PASSWORD", None)
        else:
            os.environ["MEDIATIONDESK_SEAL_PASSWORD"] = old_password
        for db in dbs:
            db.close()


def pytest_terminal_summary(terminalreporter) -> None:  # type: ignore[no-untyped-def]
    if not CALLS:
        return
    total = sum(CALLS.values())
    terminalreporter.write_line(
        f"fuzz: {total} calls ({', '.join(f'{k} {v}' for k, v in sorted(CALLS.items()))}); "
        f"profile {_level}, {_examples} examples per target")
    out = os.environ.get("MEDIATIONDESK_FUZZ_REPORT")
    if out:
        Path(out).write_text(json.dumps({"total": total, **CALLS}, ensure_ascii=False), "utf-8")
