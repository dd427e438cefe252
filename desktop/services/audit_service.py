"""Reading and verifying the audit log (directors and administrators)."""

from __future__ import annotations

from desktop.domain.enums import Role
from desktop.services.audit import ChainReport, verify_chain
from desktop.services.base import ServiceBase


class AuditService(ServiceBase):
    def verify(self, *, deep: bool = False, trusted_cas: list[bytes] | None = None) -> ChainReport:
        self._require_role(Role.ADMIN, Role.DIRECTOR, Role.READONLY, what="核验审计记录")
        with self._read() as s:
            return verify_chain(s, deep=deep, trusted_cas=trusted_cas)

    def checkpoint(self, reason: str) -> None:
        """Record a (signed, when a seal key is usable) checkpoint of the chain now."""
        with self._write() as tx:
            tx.checkpoint = reason
