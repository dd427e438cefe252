"""Reading and verifying the audit log (directors and administrators)."""

from __future__ import annotations

from desktop.domain.enums import Role
from desktop.services.audit import ChainReport, verify_chain
from desktop.services.base import ServiceBase


class AuditService(ServiceBase):
    def verify(self) -> ChainReport:
        self._require_role(Role.ADMIN, Role.DIRECTOR, Role.READONLY, what="核验审计记录")
        with self._read() as s:
            return verify_chain(s)
