"""The committee seal in the app: first-run step, 设置→电子印章, and the once-per-session
password prompt when there is no keyring. Real widgets, real SQLite files, real PDFs sealed
and verified with pyHanko; the keyring is the in-memory backend or none at all."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail

from desktop.services import Desk
from desktop.services import seal as seal_service
from desktop.services.documents import DocumentService
from desktop.services.dto import (
    AgreementInput,
    CaseDraft,
    ObligationInput,
    ParticipantInput,
    PartyInput,
    SessionInput,
)
from desktop.ui import ops
from desktop.ui.login import FirstRunDialog, LoginDialog
from desktop.ui.qt import QApplication, QColor, QImage, QPainter, Qt
from tests.helpers.firstrun import to_seal_step
from tests.helpers.qtinput import type_text

pytestmark = pytest.mark.gui

SEAL_PW = "Seal#2026"


@pytest.fixture(autouse=True)
def _fresh_session(monkeypatch):
    monkeypatch.delenv("MEDIATIONDESK_SEAL_PASSWORD", raising=False)
    seal_service.forget_session()
    yield
    seal_service.forget_session()


@pytest.fixture
def no_keyring(monkeypatch):
    before = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    yield
    keyring.set_keyring(before)


def seal_png(path: Path) -> Path:
    img = QImage(200, 200, QImage.Format.Format_ARGB32)
    img.fill(Qt.GlobalColor.transparent)
    p = QPainter(img)
    p.setPen(QColor("#c8102e"))
    p.drawEllipse(10, 10, 180, 180)
    p.end()
    img.save(str(path), "PNG")
    return path


def png_bytes() -> bytes:
    from desktop.ui.qt import QBuffer, QByteArray, QIODevice

    img = QImage(240, 80, QImage.Format.Format_ARGB32)
    img.fill(Qt.GlobalColor.transparent)
    p = QPainter(img)
    p.drawLine(10, 60, 230, 20)
    p.end()
    raw = QByteArray()
    buf = QBuffer(raw)
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    img.save(buf, "PNG")
    buf.close()
    return bytes(raw.data())


def concluded_case(desk: Desk) -> int:
    ref = desk.intake.register(CaseDraft(
        parties=[PartyInput("张三", phone="13800138000"), PartyInput("李四", side="respondent")],
        dispute_type="neighbor", source="party_apply", facts="邻里噪音纠纷。",
        requests="停止夜间噪音。"))
    ref = desk.intake.accept(ref.id, ref.version)
    detail = desk.cases.get(ref.id)
    desk.sessions.add(ref.id, SessionInput(
        started_at=dt.datetime(2026, 11, 27, 9, 30), place="调解室", content="双方陈述。",
        participants=[ParticipantInput("mediator", desk.actor.display_name, "host")]))
    a, b = detail.parties
    desk.outcomes.save_agreement(ref.id, AgreementInput(
        facts="噪音", disputed_matters="噪音", obligations=[
            ObligationInput("支付补偿", b.id, a.id, Decimal(500))]))
    for p in detail.parties:
        desk.outcomes.sign(ref.id, signer_kind="party", signer_name=p.name, png=png_bytes(),
                           party_id=p.id)
    desk.outcomes.sign(ref.id, signer_kind="mediator", signer_name=desk.actor.display_name,
                       png=png_bytes(), user_id=desk.actor.user_id)
    desk.outcomes.conclude_written(ref.id)
    return ref.id


def dialogs(name: str) -> list:
    return [w for w in QApplication.topLevelWidgets()
            if w.objectName() == name and w.isVisible()]


@pytest.mark.parametrize("ring", ["memory", "none"])
def test_first_run_with_seal_then_a_final_agreement_seals_and_verifies(
        qtbot, ui_app, tmp_path, request, ring):
    store = request.getfixturevalue("memory_keyring" if ring == "memory" else "no_keyring")
    from desktop.store.opening import open_database

    db = open_database(f"sqlite:///{tmp_path / 'fresh.sqlite3'}")
    try:
        dlg = FirstRunDialog(db)
        qtbot.addWidget(dlg)
        dlg.show()
        to_seal_step(qtbot, dlg, admin="wangjg", display="王建国")
        form = dlg.seal_form
        assert "设置→电子印章" in dlg.skip_button.toolTip()
        if ring == "none":
            assert not form.remember.isVisibleTo(dlg)
            assert "本机没有系统密钥环" in form.keyring_note.text()
        else:
            assert form.remember.isChecked()
        # a weak password is refused inline, naming what to fix
        type_text(form.pw1, "short")
        type_text(form.pw2, "short")
        dlg.seal_button.click()
        qtbot.waitUntil(lambda: dlg.error.isVisible(), timeout=10000)
        assert "印章密码至少 8 位" in dlg.error.text()
        for w in (form.pw1, form.pw2):
            w.clear()
            type_text(w, SEAL_PW)
        form.set_image_file(str(seal_png(tmp_path / "seal.png")))
        with qtbot.waitSignal(dlg.accepted, timeout=20000):
            dlg.seal_button.click()
        assert dlg.seal_info.configured and dlg.seal_info.holder == "青山街道人民调解委员会"
        if ring == "memory":
            assert SEAL_PW in store.store.values()

        # the login form comes up with the new administrator's name, focus on the password
        login = LoginDialog(db, username=dlg.admin_username)
        qtbot.addWidget(login)
        login.show()
        qtbot.waitExposed(login)
        assert login.username.text() == "wangjg"
        assert login.focusWidget() is login.password

        # no environment variable anywhere: the final agreement is sealed and verifies
        from desktop.services import auth

        desk = Desk(db, auth.login(db, "wangjg", "Admin#2026"))
        cid = concluded_case(desk)
        issued = DocumentService(db, desk.actor).issue(cid, "agreement", final=True)
        result, known = DocumentService(db, desk.actor).verify(issued.data)
        assert result.ok, result.report()
        assert known is not None and result.committee == "青山街道人民调解委员会"
        assert desk.committees.seal_png() is not None
    finally:
        ops.wait_idle()
        db.close()


def test_first_run_seal_step_may_be_skipped(qtbot, ui_app, tmp_path, memory_keyring):
    from desktop.store.opening import open_database

    db = open_database(f"sqlite:///{tmp_path / 'skip.sqlite3'}")
    try:
        dlg = FirstRunDialog(db)
        qtbot.addWidget(dlg)
        to_seal_step(qtbot, dlg)
        with qtbot.waitSignal(dlg.accepted, timeout=5000):
            dlg.skip_button.click()
        info = seal_service.SealService(db, dlg.actor).info()
        assert not info.configured and "尚未设置" in info.warning
    finally:
        ops.wait_idle()
        db.close()


def test_no_keyring_asks_for_the_seal_password_once_per_session(qtbot, desks, no_keyring):
    from desktop.ui.case import CaseWindow

    director = desks["zhuren"]
    seal_service.SealService(director.db, director.actor).generate(SEAL_PW, SEAL_PW)
    from desktop.documents.sample import seal_png as sample_seal

    committee = director.committees.get()
    director.committees.update(committee.id, committee.version, seal_png=sample_seal())
    seal_service.forget_session()  # as after a restart: memory is empty, nothing stored
    desk = desks["wang"]
    cid = concluded_case(desk)
    win = CaseWindow(desk, cid)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitUntil(lambda: win.detail is not None, timeout=5000)
    tab = win.documents_tab
    win.tabs.setCurrentWidget(tab)
    tab.form.setCurrentIndex(tab.form.findData("agreement"))
    tab.final_button.click()
    qtbot.waitUntil(lambda: bool(dialogs("sealPasswordDialog")), timeout=20000)
    prompt = dialogs("sealPasswordDialog")[0]
    assert "本机没有系统密钥环，印章密码不会保存，每次启动后首次盖章时需输入" in \
        prompt.findChild(type(prompt.error), "pageHint").text()
    type_text(prompt.password, "Wrong#2026")
    prompt.ok.click()
    qtbot.waitUntil(lambda: prompt.error.isVisible(), timeout=10000)
    assert prompt.error.text() == "印章密码不正确。"
    prompt.password.clear()
    type_text(prompt.password, SEAL_PW)
    prompt.ok.click()
    qtbot.waitUntil(lambda: ops.wait_idle(50) and len(win.detail.documents) == 1, timeout=30000)
    assert win.detail.documents[0].final
    # the second seal of the session does not ask again
    tab.final_button.click()
    qtbot.waitUntil(lambda: ops.wait_idle(50) and len(win.detail.documents) == 2, timeout=30000)
    assert not dialogs("sealPasswordDialog")
    data = desk.files.blob(win.detail.documents[0].sha256)
    assert DocumentService(desk.db, desk.actor).verify(data)[0].ok
    for w in QApplication.topLevelWidgets():
        if w.objectName() == "pdfPreview":
            w.close()


def test_settings_seal_page_shows_the_certificate_and_renewal_keeps_old_documents_valid(
        qtbot, desks, memory_keyring, tmp_path):
    from desktop.ui.settings import SettingsPage

    director = desks["zhuren"]
    page = SettingsPage(director)
    qtbot.addWidget(page)
    seal = page.show_tab("电子印章")
    assert seal is page.seal
    qtbot.waitUntil(lambda: seal.info is not None, timeout=10000)
    assert "尚未设置" in seal.status.text()
    dlg = seal.generate()
    type_text(dlg.form.pw1, SEAL_PW)
    type_text(dlg.form.pw2, SEAL_PW)
    with qtbot.waitSignal(dlg.accepted, timeout=20000):
        dlg.ok.click()
    qtbot.waitUntil(lambda: seal.info.configured, timeout=5000)
    first_fp = seal.fingerprint.text()
    assert seal.holder.text() == "青山街道人民调解委员会"
    assert re.fullmatch(r"([0-9A-F]{2}:){31}[0-9A-F]{2}", first_fp)
    until = dt.date.today() + dt.timedelta(days=3652)
    assert f"{until.year}年{until.month}月{until.day}日" in seal.validity.text()
    assert seal.password_state.text() == "已保存在本机系统密钥环中。"
    assert not seal.expiry_warning.isVisible()

    cid = concluded_case(desks["wang"])
    old = DocumentService(director.db, desks["wang"].actor).issue(cid, "agreement", final=True)

    dlg = seal.generate()  # now 更新证书
    assert dlg.windowTitle() == "更新电子印章证书"
    type_text(dlg.form.pw1, "Renew#2027")
    type_text(dlg.form.pw2, "Renew#2027")
    with qtbot.waitSignal(dlg.accepted, timeout=20000):
        dlg.ok.click()
    qtbot.waitUntil(lambda: seal.fingerprint.text() != first_fp, timeout=5000)
    assert "另保留 1 份以前的证书" in seal.older.text()
    service = DocumentService(director.db, director.actor)
    assert service.verify(old.data)[0].ok  # sealed with the old certificate: still valid
    new = DocumentService(director.db, desks["wang"].actor).issue(cid, "agreement", final=True)
    assert service.verify(new.data)[0].ok

    # replace the image, change the password: the certificate stays the same
    seal.replace_image(str(seal_png(tmp_path / "new-seal.png")))
    qtbot.waitUntil(lambda: ops.wait_idle(50) and seal.info.seal_png is not None, timeout=5000)
    fp = seal.fingerprint.text()
    pw = seal.change_password()
    type_text(pw.old, "Renew#2027")
    type_text(pw.new1, "Change#2028")
    type_text(pw.new2, "Change#2028")
    with qtbot.waitSignal(pw.accepted, timeout=20000):
        pw.ok.click()
    assert seal.fingerprint.text() == fp
    assert "Change#2028" in memory_keyring.store.values()
    assert service.verify(
        DocumentService(director.db, desks["wang"].actor).issue(cid, "agreement", final=True)
        .data)[0].ok

    # under 90 days the page warns, naming the expiry date as people write it
    soon = seal_service.SealService(director.db, director.actor).info(
        today=until - dt.timedelta(days=30))
    seal.load(soon)
    assert seal.expiry_warning.isVisibleTo(seal)
    assert f"将于{until.year}年{until.month}月{until.day}日到期（还剩 30 天）" in \
        seal.expiry_warning.text()


def test_import_replacement_certificate_with_a_wrong_password_is_one_message(
        qtbot, desks, memory_keyring, tmp_path):
    from desktop.documents.seal import generate_committee_keys
    from desktop.ui.settings.seal import SealPage

    p12 = tmp_path / "county.p12"
    p12.write_bytes(generate_committee_keys("青山街道人民调解委员会", "County#2026").pkcs12)
    page = SealPage(desks["zhuren"])
    qtbot.addWidget(page)
    dlg = page.import_()
    dlg.form.set_pkcs12_file(str(p12))
    type_text(dlg.form.pw1, "nope-2026")
    dlg.ok.click()
    qtbot.waitUntil(lambda: dlg.error.isVisible(), timeout=10000)
    assert dlg.error.text() == "证书文件无法打开：密码错误或文件不是 PKCS#12（.p12/.pfx）格式。"
    dlg.form.pw1.clear()
    type_text(dlg.form.pw1, "County#2026")
    with qtbot.waitSignal(dlg.accepted, timeout=20000):
        dlg.ok.click()
    qtbot.waitUntil(lambda: page.info is not None and page.info.configured, timeout=5000)
    assert page.holder.text() == "青山街道人民调解委员会"


def _named_places() -> set[str]:
    root = Path(__file__).resolve().parents[2] / "desktop"
    found: set[str] = set()
    for path in root.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "设置—" not in text, f"{path}: 用“设置→X”称呼设置页"
        found |= set(re.findall(r"设置\s*→\s*([\u4e00-\u9fff]+)", text))
    return found


def test_every_settings_place_named_in_the_app_exists(qtbot, ui_app, ui_admin_desk):
    from desktop.ui.settings import TAB_NAMES, SettingsPage

    places = _named_places()
    assert {"电子印章", "数据库"} <= places
    page = SettingsPage(ui_admin_desk)
    qtbot.addWidget(page)
    tabs = {page.tabs.tabText(i) for i in range(page.tabs.count())}
    assert tabs == set(TAB_NAMES)
    assert places <= tabs, places - tabs
