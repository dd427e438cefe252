"""Screens of 新建登记, the case window, the signature pad and the document preview at
1280×800, for people to look at (docs/screenshots/, linked from the README).

They are written to docs/screenshots when MEDIATIONDESK_SCREENSHOTS=1 (run it under
``xvfb-run -a -s "-screen 0 1280x800x24"`` and look at every image before committing), else
to a temporary folder; either way each image is checked to be a full-size, non-blank screen.
"""

from __future__ import annotations

import datetime as dt
import os
from decimal import Decimal
from pathlib import Path

import pytest

from desktop.domain.validators import resident_id_check_char
from desktop.services.dto import (
    AgreementInput,
    CaseDraft,
    FollowUpInput,
    ObligationInput,
    ParticipantInput,
    PartyInput,
    RiskInput,
    SessionInput,
)
from desktop.ui import ops
from desktop.ui.qt import QImage, QWidget
from tests.helpers.qtinput import commit_text
from tests.helpers.strokes import sign

pytestmark = [pytest.mark.gui, pytest.mark.slow]

ID17 = "33010619850312001"
WANG_ID = ID17 + resident_id_check_char(ID17)


@pytest.fixture
def shots(tmp_path) -> Path:
    if os.environ.get("MEDIATIONDESK_SCREENSHOTS") == "1":
        folder = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
    else:
        folder = tmp_path / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def app(qapp):
    from desktop.app import apply_theme, choose_font
    from desktop.ui import guards

    font, sheet = qapp.font(), qapp.styleSheet()
    choose_font(qapp)
    apply_theme(qapp)  # sets the Fusion style, which drops the guards' style wrapper…
    guards.install(qapp)  # …so put it back, in the app's own order (desktop.app.main)
    yield qapp
    qapp.setStyleSheet(sheet)  # the next tests see the bare application again
    qapp.setFont(font)
    guards.install(qapp)  # and its guards: test_screen_fit once saw a window wider than the screen


def save(widget: QWidget, folder: Path, name: str) -> Path:
    from desktop.ui.qt import QApplication

    for _ in range(5):
        QApplication.processEvents()
    path = folder / f"{name}.png"
    assert widget.grab().save(str(path))
    image = QImage(str(path))
    assert image.width() >= 600 and image.height() >= 400
    colours = {image.pixel(x, y) for x in range(0, image.width(), 7)
               for y in range(0, image.height(), 7)}
    assert len(colours) > 6, f"{name} looks blank"
    return path


def sample_case(desk) -> int:
    ref = desk.intake.register(CaseDraft(
        parties=[PartyInput("王𠮷", id_number=WANG_ID, phone="13800138000",
                            address="青山街道幸福小区3栋402室"),
                 PartyInput("刘䶮", side="respondent", phone="13912345678",
                            address="青山街道幸福小区3栋502室")],
        dispute_type="neighbor", source="police_110", referring_unit="青山派出所",
        referral_ref="110-20261127-018", facts="刘䶮家卫生间漏水，致楼下王𠮷家天花板受损。",
        requests="王𠮷要求刘䶮赔偿维修费并赔礼道歉。"))
    ref = desk.intake.accept(ref.id, ref.version)
    detail = desk.cases.get(ref.id)
    wang, liu = detail.parties
    desk.sessions.add(ref.id, SessionInput(
        started_at=dt.datetime.now().replace(hour=9, minute=30, second=0, microsecond=0),
        ended_at=dt.datetime.now().replace(hour=11, minute=0, second=0, microsecond=0),
        place="青山街道人民调解室", content="民警介绍现场勘查情况；律师释明相邻关系的法律规定；"
        "双方陈述各自意见后同意协商赔偿。", result="双方达成一致意见。", agreed=True,
        recorder=desk.actor.display_name,
        participants=[
            ParticipantInput("mediator", desk.actor.display_name, "host", "青山街道人民调解委员会",
                             "人民调解员"),
            ParticipantInput("party", "王𠮷", "participant", party_id=wang.id),
            ParticipantInput("party", "刘䶮", "participant", party_id=liu.id),
            ParticipantInput("police", "赵警官", "participant", "青山派出所", "民警", "031234"),
            ParticipantInput("judicial", "钱助理", "participant", "青山司法所", "司法助理员",
                             "SF-0907"),
            ParticipantInput("lawyer", "孙律师", "witness", "青山律师事务所", "律师",
                             "13301201910123456")]))
    desk.risks.flag(ref.id, RiskInput(
        kind="violence", level="medium", people=2, reported_to_police=True,
        description="双方曾在楼道发生推搡。", measures="已通知社区民警，分开调解。"))
    desk.intake.extend(ref.id, 15, "需等待物业出具漏水鉴定。")
    desk.outcomes.save_agreement(ref.id, AgreementInput(
        facts="刘䶮家卫生间漏水，致楼下王𠮷家天花板受损。", disputed_matters="维修费用的承担。",
        responsibilities="刘䶮承担全部责任。", other_terms="双方就此纠纷再无其他争议。",
        obligations=[
            ObligationInput("赔偿天花板维修费", liu.id, wang.id, Decimal(8000), "银行转账",
                            dt.date.today() + dt.timedelta(days=7)),
            ObligationInput("赔偿误工费", liu.id, wang.id, Decimal(2000), "银行转账",
                            dt.date.today() + dt.timedelta(days=7))]))
    return ref.id


def test_intake_screens(qtbot, app, desks, shots):
    from desktop.ui.intake import IntakePage

    desk = desks["wang"]
    desk.intake.register(CaseDraft(
        parties=[PartyInput("王𠮷", id_number=WANG_ID), PartyInput("赵六", side="respondent")],
        dispute_type="neighbor", source="party_apply", facts="此前登记的纠纷"))
    page = IntakePage(desk)
    qtbot.addWidget(page)
    page.resize(1280, 800)
    page.show()
    qtbot.waitExposed(page)
    save(page, shots, "intake-empty")
    a, b = page.parties.editors
    commit_text(a.name, "王𠮷")
    qtbot.keyClicks(a.id_number, WANG_ID)
    qtbot.keyClicks(a.phone, "1380013")
    commit_text(a.address, "青山街道幸福小区3栋402室")
    commit_text(b.name, "刘3")
    page.source.setCurrentIndex(page.source.findData("police_110"))
    commit_text(page.referring_unit, "青山派出所")
    commit_text(page.facts, "刘䶮家卫生间漏水，致楼下王𠮷家天花板受损。")
    qtbot.waitUntil(lambda: page.duplicate_list.count() == 1, timeout=5000)
    save(page, shots, "intake-validation-duplicate")


def test_case_window_screens(qtbot, app, desks, shots):
    from desktop.ui.case import CaseWindow
    from desktop.ui.case.documents import documents_service
    from desktop.ui.case.sessions import SessionDialog, session_input

    desk = desks["wang"]
    case_id = sample_case(desk)
    desk.attachments.add_attachment(case_id, "现场照片.png", _photo(), "evidence")
    win = CaseWindow(desk, case_id)
    qtbot.addWidget(win)
    win.resize(1280, 800)
    win.show()
    qtbot.waitExposed(win)
    qtbot.waitUntil(lambda: win.detail is not None, timeout=5000)
    for tab, name in ((win.parties_tab, "case-parties"), (win.sessions_tab, "case-sessions"),
                      (win.outcome_tab, "case-agreement"), (win.risks_tab, "case-risks"),
                      (win.history_tab, "case-history")):
        win.tabs.setCurrentWidget(tab)
        save(win, shots, name)
    win.tabs.setCurrentWidget(win.attachments_tab)
    win.attachments_tab.table.selectRow(0)
    qtbot.waitUntil(lambda: win.attachments_tab.preview.currentWidget()
                    is win.attachments_tab.image, timeout=5000)
    save(win, shots, "case-attachments")

    dialog = SessionDialog(win)
    dialog.load(session_input(win.detail.sessions[0]))
    dialog.show()
    qtbot.waitExposed(dialog)
    save(dialog, shots, "session-record")
    dialog.close()

    win.tabs.setCurrentWidget(win.outcome_tab)
    pad = win.outcome_tab.agreement.sign(
        win.outcome_tab.agreement._signer_rows[0])
    pad.resize(720, 420)
    qtbot.waitExposed(pad)
    sign(pad.pad, "tablet")
    save(pad, shots, "signature-pad")
    pad.reject()

    issued = documents_service(desk).issue(case_id, "agreement")
    from desktop.ui.case.documents import open_preview

    preview = open_preview(win, issued.data, "协议书（草稿）", 3)
    preview.resize(1000, 780)
    qtbot.waitExposed(preview)
    qtbot.wait(1500)  # QPdfView renders pages on its own thread
    save(preview, shots, "agreement-preview")
    preview.close()

    detail = desk.cases.get(case_id)
    for p in detail.parties:
        desk.outcomes.sign(case_id, signer_kind="party", signer_name=p.name, png=b"\x89PNG",
                           party_id=p.id)
    desk.outcomes.sign(case_id, signer_kind="mediator", signer_name=desk.actor.display_name,
                       png=b"\x89PNG", user_id=desk.actor.user_id)
    desk.outcomes.conclude_written(case_id)
    desk.followups.add(case_id, FollowUpInput(visited_on=dt.date.today(), method="phone",
                                              performance="full", satisfaction="satisfied",
                                              findings="刘䶮已转账一万元，王𠮷确认收到。",
                                              visitor=desk.actor.display_name))
    win.reload()
    qtbot.waitUntil(lambda: ops.wait_idle(50) and win.detail.status == "succeeded",
                    timeout=5000)
    win.tabs.setCurrentWidget(win.followup_tab)
    save(win, shots, "case-followup")
    win.tabs.setCurrentWidget(win.outcome_tab)
    save(win, shots, "case-agreement-signed")


def _photo() -> bytes:
    from desktop.ui.qt import QBuffer, QByteArray, QColor, QIODevice, QPainter, Qt

    image = QImage(800, 600, QImage.Format.Format_RGB32)
    image.fill(QColor("#d9d4c7"))
    painter = QPainter(image)
    painter.setPen(QColor("#6b5e4a"))
    painter.setBrush(QColor("#b8ad96"))
    painter.drawEllipse(250, 150, 300, 220)
    painter.setPen(QColor("#333"))
    painter.drawText(image.rect(), Qt.AlignmentFlag.AlignBottom | Qt.AlignmentFlag.AlignHCenter,
                     "天花板水渍")
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data.data())
