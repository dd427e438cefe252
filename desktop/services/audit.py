"""Reading and verifying the audit log (directors and administrators).

The hash chain and its verification are ``desktop.store.audit_chain``; signed checkpoints
``desktop.store.audit_anchor``; every audited write appends through
``desktop.services.anchor.append_entries``.
"""

from __future__ import annotations

from desktop.domain.enums import Role
from desktop.services.base import ServiceBase
from desktop.store.audit_chain import ChainReport, verify_chain


class AuditService(ServiceBase):
    def verify(self, *, deep: bool = False, trusted_cas: list[bytes] | None = None) -> ChainReport:
        self._require_role(Role.ADMIN, Role.DIRECTOR, Role.READONLY, what="核验审计记录")
        with self._read() as s:
            return verify_chain(s, deep=deep, trusted_cas=trusted_cas)

    def checkpoint(self, reason: str) -> None:
        """Record a (signed, when a seal key is usable) checkpoint of the chain now."""
        with self._write() as tx:
            tx.checkpoint = reason
