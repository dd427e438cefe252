"""Every surface of the app for generic UI tests: the main window with all its sidebar pages,
a case window with all its tabs, and one instance of every QDialog subclass in desktop/ui.

``dialog_classes()`` finds the dialogs by importing every module of desktop/ui, so a new
dialog without an entry in ``DIALOG_FACTORIES`` fails the tests that use it (on purpose: it
must be checked like the others).
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterator
from typing import Any

import desktop.ui
from desktop.services.dto import CaseDraft, PartyInput
from desktop.ui.qt import QDialog, QWidget


def dialog_classes() -> list[type]:
    for info in pkgutil.walk_packages(desktop.ui.__path__, "desktop.ui."):
        importlib.import_module(info.name)
    found: list[type] = []
    todo = list(QDialog.__subclasses__())
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        key = f"{cls.__module__}.{cls.__name__}"
        # a private class, or a shared base (desktop.ui.wizard.ImportWizard) that only its
        # subclasses instantiate, is covered through them
        base_only = bool(cls.__subclasses__()) and key not in _factories()
        if cls.__module__.startswith("desktop.ui.") and not cls.__name__.startswith("_") \
                and not base_only:
            found.append(cls)
    return sorted(set(found), key=lambda c: (c.__module__, c.__name__))


def _factories() -> dict[str, Callable[[Any, QWidget], QWidget]]:
    def import_(path: str) -> Any:
        module, name = path.rsplit(".", 1)
        return getattr(importlib.import_module(module), name)

    def plain(path: str) -> Callable[[Any, QWidget], QWidget]:
        return lambda desk, parent: import_(path)(parent)

    def drill(desk: Any, parent: QWidget) -> QWidget:
        from types import SimpleNamespace

        return import_("desktop.ui.reports.DrillDialog")(
            "明细", SimpleNamespace(rows=[], total=0), parent)

    def seal(desk: Any) -> Any:
        from desktop.services.seal import SealService

        return SealService(desk.db, desk.actor)

    def restore(desk: Any, parent: QWidget) -> QWidget:
        from pathlib import Path
        from types import SimpleNamespace

        info = SimpleNamespace(path=Path("备份.mdbackup"), created_at="2026年11月30日 09:00",
                               rows=120, cases=5)
        return import_("desktop.ui.settings.data.RestoreConfirmDialog")(
            info, Path("restored.sqlite3"), parent)

    return {
        "desktop.ui.signature.SignatureDialog": plain("desktop.ui.signature.SignatureDialog"),
        "desktop.ui.pdfview.PdfPreviewDialog": plain("desktop.ui.pdfview.PdfPreviewDialog"),
        "desktop.ui.referral_wizard.ReferralWizard":
            lambda desk, parent: import_("desktop.ui.referral_wizard.ReferralWizard")(desk, parent),
        "desktop.ui.ledger_wizard.LedgerWizard":
            lambda desk, parent: import_("desktop.ui.ledger_wizard.LedgerWizard")(desk, parent),
        "desktop.ui.login.LoginDialog":
            lambda desk, parent: import_("desktop.ui.login.LoginDialog")(desk.db, parent),
        "desktop.ui.login.FirstRunDialog":
            lambda desk, parent: import_("desktop.ui.login.FirstRunDialog")(desk.db, parent),
        "desktop.ui.login.ChangePasswordDialog":
            lambda desk, parent: import_("desktop.ui.login.ChangePasswordDialog")(desk, parent),
        "desktop.ui.settings.users.NewUserDialog": plain("desktop.ui.settings.users.NewUserDialog"),
        "desktop.ui.settings.users.ResetPasswordDialog":
            lambda desk, parent: import_("desktop.ui.settings.users.ResetPasswordDialog")(
                "王丽", "wangli", parent, user_id=desk.actor.user_id,
                reset=lambda pw: desk.users.reset_password(desk.actor.user_id, pw)),
        "desktop.ui.settings.database.DatabaseProfileDialog":
            lambda desk, parent: import_("desktop.ui.settings.database.DatabaseProfileDialog")(
                parent=parent),
        "desktop.ui.settings.data.RestoreConfirmDialog": restore,
        "desktop.ui.settings.seal.SealKeyDialog":
            lambda desk, parent: import_("desktop.ui.settings.seal.SealKeyDialog")(
                seal(desk), "generate", parent),
        "desktop.ui.settings.seal.SealPasswordChangeDialog":
            lambda desk, parent: import_("desktop.ui.settings.seal.SealPasswordChangeDialog")(
                seal(desk), parent),
        "desktop.ui.seal.SealPasswordDialog":
            lambda desk, parent: import_("desktop.ui.seal.SealPasswordDialog")(
                "本机没有系统密钥环，印章密码不会保存。", parent),
        "desktop.ui.case.common.ReasonDialog":
            lambda desk, parent: import_("desktop.ui.case.common.ReasonDialog")(
                parent, "撤回", "理由："),
        "desktop.ui.case.common.MediatorDialog":
            lambda desk, parent: import_("desktop.ui.case.common.MediatorDialog")(
                parent, [(1, "王建国"), (2, "李秀英")], 2),
        "desktop.ui.case.sessions.SessionDialog": plain("desktop.ui.case.sessions.SessionDialog"),
        "desktop.ui.case.risks.RiskDialog": plain("desktop.ui.case.risks.RiskDialog"),
        "desktop.ui.case.followup.FollowUpDialog": plain("desktop.ui.case.followup.FollowUpDialog"),
        "desktop.ui.case.parties.PartyDialog": plain("desktop.ui.case.parties.PartyDialog"),
        "desktop.ui.reports.DrillDialog": drill,
    }


DIALOG_FACTORIES = _factories()


def make_dialogs(desk: Any, parent: QWidget) -> Iterator[tuple[str, QWidget]]:
    """One instance of every dialog class; KeyError names a dialog the tests do not know."""
    for cls in dialog_classes():
        key = f"{cls.__module__}.{cls.__name__}"
        if key not in DIALOG_FACTORIES:
            raise KeyError(f"{key}: add a factory to tests/ui/app_surfaces.py")
        yield key, DIALOG_FACTORIES[key](desk, parent)


def accepted_case(desk: Any) -> int:
    ref = desk.intake.register(CaseDraft(
        parties=[PartyInput("王五"), PartyInput("李四", side="respondent")],
        dispute_type="neighbor", source="party_apply", facts="邻里噪音纠纷。",
        requests="停止夜间噪音。"))
    return int(desk.intake.accept(ref.id, ref.version).id)


def main_window(qtbot: Any, desk: Any) -> Any:
    from desktop.ui.mainwindow import PAGES, MainWindow

    win = MainWindow(desk, db_label="测试库", is_local=True)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    for key in PAGES:
        page = win.show_page(key)
        # lazy pages (intake, reports) build their real content on first show
        qtbot.waitUntil(lambda p=page: p.isVisible(), timeout=5000)
    return win


def case_window(qtbot: Any, desk: Any, case_id: int) -> Any:
    from desktop.ui.case import CaseWindow

    win = CaseWindow(desk, case_id)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    qtbot.waitUntil(lambda: win.detail is not None, timeout=5000)
    for i in range(win.tabs.count()):
        win.tabs.setCurrentIndex(i)
    return win


def justice_officer() -> Any:
    from desktop.services.dto import ParticipantInput

    return ParticipantInput("judicial", "李司法", "participant")
