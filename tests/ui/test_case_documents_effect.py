"""The 文书 tab's print action: the 待签署 version until every signature is there (the button
says so, the hint names who is missing), then the sealed final; the table tells them apart."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from desktop.documents.sample import seal_png, signature_png
from desktop.services.dto import AgreementInput, ObligationInput, ParticipantInput, SessionInput
from desktop.ui import ops
from desktop.ui.case.documents import documents_service
from desktop.ui.qt import Qt
from tests.helpers.windows import open_case_window
from tests.ui.test_case_window import register

pytestmark = pytest.mark.gui
SEAL_PASSWORD = "seal-effect-2026"


def agreed_case(desk) -> int:  # type: ignore[no-untyped-def]
    ref = register(desk)
    ref = desk.intake.accept(ref.id, ref.version)
    desk.sessions.add(ref.id, SessionInput(
        started_at=dt.datetime(2026, 11, 27, 9, 30), place="调解室", content="双方陈述。",
        participants=[ParticipantInput("mediator", desk.actor.display_name, "host")]))
    a, b = desk.cases.get(ref.id).parties
    desk.outcomes.save_agreement(ref.id, AgreementInput(
        facts="噪音", disputed_matters="噪音", obligations=[
            ObligationInput("支付补偿", b.id, a.id, Decimal(500))]))
    return ref.id


@pytest.mark.slow
def test_print_gives_the_unsigned_version_then_the_sealed_final(qtbot, desks, monkeypatch
                                                                ) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("MEDIATIONDESK_SEAL_PASSWORD", SEAL_PASSWORD)
    documents_service(desks["zhuren"]).create_seal_key(password=SEAL_PASSWORD)
    committee = desks["zhuren"].committees.get()
    desks["zhuren"].committees.update(committee.id, committee.version, seal_png=seal_png())
    desk = desks["wang"]
    cid = agreed_case(desk)
    win = open_case_window(qtbot, desk, cid)
    tab = win.documents_tab
    win.tabs.setCurrentWidget(tab)
    tab.form.setCurrentIndex(tab.form.findData("agreement"))
    qtbot.waitUntil(lambda: ops.wait_idle(50) and tab.final_button.text() == "打印待签署文本",
                    timeout=10000)
    assert "尚缺：申请人王𠮷签名、被申请人李四签名、调解员王建国签名" in tab.hint.text()
    qtbot.mouseClick(tab.final_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: ops.wait_idle(50) and len(win.detail.documents) == 1, timeout=20000)
    doc = win.detail.documents[0]
    assert (doc.kind, doc.final, doc.verification_code) == ("unsigned", False, "")
    qtbot.waitUntil(lambda: win.preview is not None and win.preview.isVisible(), timeout=10000)
    assert "（待签署）" in win.preview.windowTitle()
    assert tab.table.item(0, 1).text() == "待签署"
    win.preview.close()

    for i, p in enumerate(desk.cases.get(cid).parties):
        desk.outcomes.sign(cid, signer_kind="party", signer_name=p.name, party_id=p.id,
                           png=signature_png(i + 1))
    desk.outcomes.sign(cid, signer_kind="mediator", signer_name="王建国", png=signature_png(5),
                       user_id=desk.actor.user_id)
    win.reload()
    qtbot.waitUntil(lambda: ops.wait_idle(50) and tab.final_button.text() == "盖章生成正式文书",
                    timeout=10000)
    assert "签名齐全" in tab.hint.text()
    qtbot.mouseClick(tab.final_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: ops.wait_idle(50) and len(win.detail.documents) == 2, timeout=20000)
    final = win.detail.documents[1]
    assert final.kind == "final" and final.final and final.verification_code
    assert tab.table.item(1, 1).text() == "正式（已盖章）"
    # A form that needs no signatures keeps the plain final button.
    tab.form.setCurrentIndex(tab.form.findData("record"))
    assert tab.final_button.text() == "生成正式文书（盖章）"
