"""Password guessing from several desks at once on PostgreSQL: every failure is counted (no
lost update on the counter), the account locks, and no desk sees anything but AuthError."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import select

from desktop.domain.errors import AuthError
from desktop.services.auth import login
from desktop.store.db import Database
from desktop.store.models import User
from tests.helpers.db import PASSWORDS


@pytest.mark.postgres
def test_concurrent_wrong_passwords_lock_the_account(pg_url: str) -> None:
    dbs = [Database.connect(pg_url) for _ in range(4)]
    try:
        def attempt(i: int) -> str:
            try:
                login(dbs[i % 4], "wang", f"wrong-{i}")
            except AuthError as err:
                return err.message
            return "logged in?!"

        with ThreadPoolExecutor(4) as pool:
            messages = list(pool.map(attempt, range(8)))
        assert all("密码" in m for m in messages), messages
        assert len(set(messages)) == 1  # the same words whether or not it locked
        with pytest.raises(AuthError):
            login(dbs[0], "wang", PASSWORDS["wang"])
        with dbs[0].read() as s:
            assert s.scalar(select(User.locked_until).where(User.username == "wang"))
    finally:
        for db in dbs:
            db.close()
