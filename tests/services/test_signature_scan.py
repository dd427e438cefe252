"""A signature on paper and the scan of the signed page are one write: both or neither."""

from __future__ import annotations

import hashlib
import sqlite3
from decimal import Decimal

import pytest

from desktop.domain.errors import ValidationError
from desktop.services.dto import AgreementInput, ObligationInput
from tests.helpers.db import Desks
from tests.services.test_case_life import accepted, joint_session

SCAN = b"%PDF-1.4\n% the signed page, scanned\n" + b"0" * 64


def _rows(path: str, sha: str) -> dict[str, int]:
    """Counted with the sqlite3 module on the database file, not through the services."""
    with sqlite3.connect(path) as con:
        return {
            "attachment": con.execute("select count(*) from attachment where sha256 = ?",
                                      (sha,)).fetchone()[0],
            "blob": con.execute("select count(*) from blob where sha256 = ?",
                                (sha,)).fetchone()[0],
            "signature": con.execute("select count(*) from signature").fetchone()[0],
            "audit": con.execute("select count(*) from audit_log where action in "
                                 "('attach', 'sign')").fetchone()[0],
        }


def test_failed_signature_leaves_no_scan(desks: Desks) -> None:
    wang = desks["wang"]
    path = desks.db.engine.url.database
    assert path and path.endswith(".sqlite3")
    cid = accepted(wang)
    joint_session(wang, cid)
    a, b = wang.cases.get(cid).parties
    wang.outcomes.save_agreement(cid, AgreementInput(
        "楼上漏水致楼下受损", "赔偿数额", "被申请人负主要责任", obligations=[
            ObligationInput("赔偿维修费", b.id, a.id, Decimal("800.00"))]))
    sha = hashlib.sha256(SCAN).hexdigest()
    before = _rows(path, sha)
    assert before == {"attachment": 0, "blob": 0, "signature": 0, "audit": 0}

    # The scan is stored first in the transaction; the signature then fails (a signer who is
    # not a party of this case): nothing of the scan may remain.
    with pytest.raises(ValidationError) as err:
        wang.outcomes.sign_with_scan(cid, signer_kind="party", signer_name="路人甲",
                                     party_id=a.id + b.id + 1000, scan_filename="签字页.pdf",
                                     scan_data=SCAN)
    assert err.value.message == "签名人不是本案当事人。"
    assert _rows(path, sha) == before
    assert wang.cases.get(cid).attachments == []

    sig = wang.outcomes.sign_with_scan(cid, signer_kind="party", signer_name=a.name,
                                       party_id=a.id, scan_filename="签字页.pdf", scan_data=SCAN)
    assert _rows(path, sha) == {"attachment": 1, "blob": 1, "signature": 1, "audit": 2}
    c = wang.cases.get(cid)
    assert [(x.category, x.filename, x.note) for x in c.attachments] == [
        ("signed_scan", "签字页.pdf", f"{a.name} 签字")]
    assert [(g.id, g.signer_name, g.on_paper) for g in c.signatures] == [(sig, a.name, True)]


def test_a_bad_scan_is_refused_before_anything_is_written(desks: Desks) -> None:
    wang = desks["wang"]
    cid = accepted(wang)
    joint_session(wang, cid)
    a = wang.cases.get(cid).parties[0]
    with pytest.raises(ValidationError) as err:
        wang.outcomes.sign_with_scan(cid, signer_kind="party", signer_name=a.name,
                                     party_id=a.id, scan_filename="签字页.exe",
                                     scan_data=b"MZ\x90\x00")
    assert err.value.field == "file" and "不支持的文件类型" in err.value.message
    c = wang.cases.get(cid)
    assert c.attachments == [] and c.signatures == []
