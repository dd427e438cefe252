"""`mediationdesk user unlock` / `user reset-password` (administrators only), on a real file."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop.cli import main as cli
from desktop.domain.errors import AuthError
from desktop.services.auth import login
from desktop.store.db import Database
from tests.helpers.db import PASSWORDS


def test_unlock_and_reset_password(db_file: Path, monkeypatch: pytest.MonkeyPatch,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    db = Database.connect(f"sqlite:///{db_file}")
    try:
        for _ in range(5):
            with pytest.raises(AuthError):
                login(db, "li", "wrong-password")
        with pytest.raises(AuthError, match="锁定"):
            login(db, "li", PASSWORDS["li"])
        monkeypatch.setenv("MEDIATIONDESK_PASSWORD", PASSWORDS["zhuren"])
        assert cli(["user", "unlock", "li", "--db", str(db_file), "--user", "zhuren"]) == 1
        assert "无权" in capsys.readouterr().err  # a director may not
        monkeypatch.setenv("MEDIATIONDESK_PASSWORD", PASSWORDS["admin"])
        assert cli(["user", "unlock", "li", "--db", str(db_file), "--user", "admin"]) == 0
        assert login(db, "li", PASSWORDS["li"]).username == "li"
        monkeypatch.setenv("NEW_USER_PASSWORD", "Brand-new-2026")
        assert cli(["user", "reset-password", "li", "--db", str(db_file), "--user", "admin"]) == 0
        assert "下次登录须修改密码" in capsys.readouterr().out
        assert login(db, "li", "Brand-new-2026").username == "li"
        assert cli(["user", "unlock", "nobody", "--db", str(db_file), "--user", "admin"]) == 1
        assert cli(["audit", "verify", "--db", str(db_file)]) == 0
    finally:
        db.close()


@pytest.mark.postgres
def test_lan_commands_explain_an_unusable_server_in_one_line(
        pg_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    from sqlalchemy.engine import make_url

    u = make_url(pg_url)
    refused = u.set(port=1).render_as_string(hide_password=False)
    wrong = u.set(password="wrong").render_as_string(hide_password=False)
    missing = u.set(database="no_such_db").render_as_string(hide_password=False)
    for argv, words in ((["db", "status", "--db", refused], "无法连接"),
                        (["audit", "verify", "--db", wrong], "用户名或密码"),
                        (["backup", "--db", missing, "--out", "/dev/null"], "没有这个数据库")):
        assert cli(argv) == 1
        err = capsys.readouterr().err
        assert words in err and "Traceback" not in err, err
