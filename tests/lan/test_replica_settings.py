"""The replica's profile fields: parsed, validated with a Chinese message naming the field,
kept in the ini file; the lag note's wording (no server needed)."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop.domain.errors import ValidationError
from desktop.services.connection import to_profile
from desktop.store import profiles, replica
from desktop.store.replica import ReadSource


def test_profile_keeps_the_replica_and_its_threshold(tmp_path: Path) -> None:
    ini = tmp_path / "mediationdesk.ini"
    ini.write_text("[ui]\nlast_page = reports\n", encoding="utf-8")
    p = profiles.Profile(mode="lan", host="192.168.1.10", replica="192.168.1.11:5433",
                         replica_max_lag=45)
    profiles.save_profile(p, ini)
    back = profiles.load_profile(ini)
    assert (back.replica, back.replica_max_lag) == ("192.168.1.11:5433", 45)
    assert "last_page = reports" in ini.read_text(encoding="utf-8")
    # an old ini without the keys, and a hand-edited bad number: no replica / the default
    ini.write_text("[db]\nmode = lan\nhost = h\nreplica_max_lag = 三十\n", encoding="utf-8")
    old = profiles.load_profile(ini)
    assert (old.replica, old.replica_max_lag) == ("", 30)
    settings_dict = {"mode": "lan", "host": "h", "port": 5432, "name": "md", "user": "u",
                     "replica": "r1", "replica_max_lag": 12}
    assert to_profile(settings_dict).replica_max_lag == 12


@pytest.mark.parametrize(("spec", "host", "port"), [
    ("192.168.1.11", "192.168.1.11", None), ("replica.lan:5433", "replica.lan", 5433),
    ("[fe80::1]:6432", "fe80::1", 6432), (" db2 ", "db2", None)])
def test_replica_addresses(spec: str, host: str, port: int | None) -> None:
    assert replica.parse_spec(spec) == (host, port)


@pytest.mark.parametrize(("spec", "lag", "words"), [
    ("192.168.1.11:abc", 30, "端口“abc”不是数字"),
    ("192.168.1.11:70000", 30, "1 到 65535"),
    ("user@host", 30, "只读副本地址“user@host”无效"),
    ("192.168.1.11", 0, "1 秒到 86400 秒"),
    ("192.168.1.10:5432", 30, "不能与主服务器是同一地址"),
])
def test_bad_replica_settings_are_named(spec: str, lag: int, words: str) -> None:
    p = profiles.Profile(mode="lan", host="192.168.1.10", replica=spec, replica_max_lag=lag)
    with pytest.raises(ValidationError) as err:
        p.validate()
    assert words in err.value.message
    assert err.value.field in ("replica", "replica_max_lag")


def test_replica_url_keeps_database_role_and_password() -> None:
    primary = "postgresql+psycopg://app:s%40cret@10.0.0.1:5432/mediationdesk?sslmode=require"
    assert replica.replica_url(primary, "10.0.0.2") == (
        "postgresql+psycopg://app:s%40cret@10.0.0.2:5432/mediationdesk?sslmode=require")
    assert "@10.0.0.2:6432/" in replica.replica_url(primary, "10.0.0.2:6432")


def test_the_notes() -> None:
    assert ReadSource(False).note == ""  # no replica configured: nothing to say
    assert ReadSource(True, 0.0, "fresh").note == "数据来自只读副本，与主服务器同步（延迟不到 1 秒）"
    assert ReadSource(True, 2.4, "fresh").note == "数据来自只读副本，延迟约 2 秒"
    assert ReadSource(True, 300, "fresh", 600).note == "数据来自只读副本，延迟约 5 分钟"
    assert ReadSource(False, 95, "lagging", 30).note == (
        "只读副本延迟约 95 秒，超过设定的 30 秒，本次数据改从主服务器读取")
    assert ReadSource(False, None, "lagging", 30).note.startswith("只读副本延迟无法确定")
    assert ReadSource(False, None, "unreachable").note == "只读副本无法连接，本次数据改从主服务器读取"
    assert "已被提升为主服务器" in ReadSource(False, None, "promoted").note
    assert "尚未同步" in ReadSource(False, 0.3, "own_write").note


def test_an_embedded_database_has_no_replica(tmp_path: Path) -> None:
    from desktop.store.opening import open_database

    db = open_database(f"sqlite:///{tmp_path / 'x.sqlite3'}")
    try:
        assert replica.attach_profile(db, profiles.Profile(replica="10.0.0.2")) is None
        with pytest.raises(Exception, match="只读副本只用于局域网"):
            replica.attach(db, "10.0.0.2")
        assert replica.last_source(db).note == ""
    finally:
        db.close()
