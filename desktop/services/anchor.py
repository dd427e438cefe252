"""The services' side of anchoring the audit chain: the committee's seal key that signs a
checkpoint, and ``append_entries`` with that key (what every audited write calls; a service
transaction calls its two halves, ``prepare_entries`` and ``audit_chain.write_entries``).

The chain itself is ``desktop.store.audit_chain``; checkpoints and row digests are
``desktop.store.audit_anchor``. The key is opened here because its password comes from the
environment, this session's memory or the keyring (``services.seal_password``).
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.store import audit_chain
from desktop.store.audit_anchor import SigningKey
from desktop.store.audit_chain import Author, Pending
from desktop.store.models import CommitteeKey

log = logging.getLogger(__name__)


def append_entries(session: Session, author: Author, entries: list[dict[str, Any]],
                   checkpoint: str | None = None) -> None:
    """``audit_chain.append_entries``, its checkpoints signed with a committee's seal key."""
    audit_chain.append_entries(session, author, entries, checkpoint,
                               signing_key=committee_signing_key)


def prepare_entries(session: Session, author: Author, entries: list[dict[str, Any]],
                    checkpoint: str | None = None) -> Pending | None:
    """``audit_chain.prepare_entries`` (the part of an append done before the chain is
    locked), with the seal key for checkpoints; finish with ``audit_chain.write_entries``."""
    return audit_chain.prepare_entries(session, author, entries, checkpoint,
                                       signing_key=committee_signing_key)


def committee_signing_key(session: Session, prefer: int | None) -> SigningKey | None:
    """The first usable seal key (the acting user's committee first), or None.

    Usable means: an active key row and its password from the keyring or the environment.
    A missing keyring or password is not an error here: the checkpoint is then unsigned.
    """
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import pkcs12

    from desktop.domain.errors import MediationError
    from desktop.services.seal_password import password_for

    rows = list(session.scalars(select(CommitteeKey).where(CommitteeKey.active)
                                .order_by(CommitteeKey.id.desc())))
    rows.sort(key=lambda r: r.committee_id != prefer)
    for row in rows:
        try:
            password = password_for(row.committee_id, row.pkcs12)
            key, cert, _ = pkcs12.load_key_and_certificates(row.pkcs12, password.encode("utf-8"))
        except (MediationError, ValueError) as err:
            log.info("调委会 %s 的印章证书不可用于审计检查点：%s", row.committee_id, err)
            continue
        except Exception as err:  # noqa: BLE001 - a broken keyring backend must not block a save
            log.warning("读取印章证书失败：%s", err)
            continue
        if not isinstance(key, rsa.RSAPrivateKey) or cert is None:  # checkpoints are PKCS#1
            continue
        return SigningKey(row.committee_id, key,
                          cert.public_bytes(serialization.Encoding.PEM))
    return None
