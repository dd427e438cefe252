"""Use cases, Qt-free: the CLI, the GUI and the tests all call these.

``Desk(db, actor)`` bundles every service for one logged-in user. Each call is one
transaction, checks the caller's permission, and writes the audit log.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from desktop.services.base import SYSTEM, Actor
from desktop.store.db import Database

if TYPE_CHECKING:
    from desktop.services.documents import DocumentService
    from desktop.services.reports import ReportService


class Desk:
    def __init__(self, db: Database, actor: Actor) -> None:
        from desktop.services.audit import AuditService
        from desktop.services.cases import CaseService
        from desktop.services.committees import CommitteeService, LookupService
        from desktop.services.files import Drafts, FileService
        from desktop.services.followup import ConfirmationService, FollowUpService, RiskService
        from desktop.services.intake import IntakeService
        from desktop.services.outcomes import OutcomeService
        from desktop.services.sessions import SessionService
        from desktop.services.users import UserService

        self.db = db
        self.actor = actor
        self.intake = IntakeService(db, actor)
        self.cases = CaseService(db, actor)
        self.sessions = SessionService(db, actor)
        self.outcomes = OutcomeService(db, actor)
        self.followups = FollowUpService(db, actor)
        self.confirmations = ConfirmationService(db, actor)
        self.risks = RiskService(db, actor)
        self.files = FileService(db, actor)
        self.attachments = self.files
        self.drafts = Drafts(self.files)
        self.users = UserService(db, actor)
        self.committees = CommitteeService(db, actor)
        self.lookups = LookupService(db, actor)
        self.audit = AuditService(db, actor)

    # documents and reports pull in ReportLab/openpyxl: built on first use, not at login
    @cached_property
    def documents(self) -> DocumentService:
        from desktop.services.documents import DocumentService

        return DocumentService(self.db, self.actor)

    @cached_property
    def reports(self) -> ReportService:
        from desktop.services.reports import ReportService

        return ReportService(self.db, self.actor)

    def read_note(self) -> str:
        """Where the last report, search or dashboard read came from, as one Chinese note
        ("数据来自只读副本，延迟约 2 秒"); "" when the profile names no read replica."""
        from desktop.store.replica import last_source

        return last_source(self.db).note

    # shorthands the GUI uses for workflow buttons
    def archive(self, case_id: int, reason: str = "") -> None:
        self.outcomes.archive(case_id, reason)


__all__ = ["SYSTEM", "Actor", "Database", "Desk"]
