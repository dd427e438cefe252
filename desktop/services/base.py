"""What every service shares: the acting user, one transaction per call, permission checks,
visibility of cases, optimistic-locking checks and the audit trail."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Integer, Row, bindparam, event, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from desktop.domain.enums import Role
from desktop.domain.errors import ConflictError, DatabaseError, NotFound, PermissionDenied
from desktop.domain.search import load_pinyin
from desktop.store.db import Database
from desktop.store.models import Case

OUT_OF_RANGE = "找不到该记录：编号超出范围。"
# the case by id, built once: every service call reads one (building the statement cost
# about as much CPU as running it)
_CASE = select(Case).where(Case.id == bindparam("case_id", type_=Integer))
_CASE_LOCKED = _CASE.with_for_update()
CASE_NOT_FOUND = "找不到该案件，或您无权查看。"
AUDIT_SUMMARY_MAX = 400  # audit_log.summary is VARCHAR(400)


@contextlib.contextmanager
def _ids_in_range() -> Iterator[None]:
    """An id no row can have is "not found" on both backends: SQLite overflows past 64 bits,
    PostgreSQL refuses a parameter past its INTEGER column's 32 bits."""
    try:
        yield
    except DatabaseError as err:
        cause = str(getattr(err.__cause__, "orig", err.__cause__) or "").lower()
        if "out of range" in cause:
            raise NotFound(OUT_OF_RANGE) from err
        raise


@dataclass(frozen=True)
class Actor:
    """The logged-in user on whose behalf a service acts."""

    user_id: int
    username: str
    display_name: str
    role: Role
    committee_id: int | None
    # an administrator set this password: every call but changing it is refused
    must_change_password: bool = False

    @property
    def spans_deployment(self) -> bool:
        """Administrators (and a county-level read-only role without a committee) see all."""
        return self.role == Role.ADMIN or (self.role == Role.READONLY and self.committee_id is None)

    @property
    def may_unmask(self) -> bool:
        """The role may see full personal data at all (per case: permissions.may_unmask)."""
        from desktop.domain.permissions import may_unmask_any

        return may_unmask_any(self)


SYSTEM = Actor(0, "system", "系统", Role.ADMIN, None)

MUST_CHANGE_PASSWORD = ("管理员为您设置了新密码，请先修改密码再进行其他操作"
                        "（调解台登录后会提示修改；命令行：mediationdesk user passwd）。")


@dataclass
class Tx:
    """One unit of work: the session and the audit entries it will append on commit."""

    session: Session
    actor: Actor
    entries: list[dict[str, Any]] = field(default_factory=list)
    checkpoint: str | None = None  # take a signed audit checkpoint with this reason
    # steps that take a row every desk of a committee shares (its case-number counter): run
    # after the report aggregates, just before the audit's digests and the chain (see _write)
    last_steps: list[Callable[[], None]] = field(default_factory=list)

    def at_last(self, step: Callable[[], None]) -> None:
        """Run ``step`` as late as the transaction allows: after the service's own changes
        are flushed and the report aggregates have moved, just before the audit entries are
        prepared and linked. A committee's number counter is taken there, so that an
        acceptance holds it for a few statements rather than for the whole save.

        A step may write the case rows this transaction already holds (the service loaded
        them for update or created them) and may add audit entries; it must not move a report
        figure (``aggregate.last_steps`` refuses that)."""
        self.last_steps.append(step)

    def audit(self, action: str, entity: str, entity_id: int | None, summary: str,
              case_id: int | None = None, **detail: Any) -> None:
        if len(summary) > AUDIT_SUMMARY_MAX:  # a long reason typed by a user: keep the start
            summary = summary[:AUDIT_SUMMARY_MAX - 1] + "…"
        self.entries.append(dict(action=action, entity=entity, entity_id=entity_id,
                                 case_id=case_id, summary=summary, detail=detail))


class ServiceBase:
    def __init__(self, db: Database, actor: Actor) -> None:
        self.db = db
        self.actor = actor

    # -- transactions ----------------------------------------------------------------------
    @contextlib.contextmanager
    def _write(self, *, password_change: bool = False) -> Iterator[Tx]:
        from desktop.reports.aggregate import kept_in_step, last_steps
        from desktop.services.anchor import prepare_entries
        from desktop.store.audit_chain import write_entries

        if not password_change:
            self._require_password_changed()
        load_pinyin()  # search terms need it; its first load must not happen inside the lock
        with _ids_in_range(), self.db.write() as session:
            tx = Tx(session, self.actor)
            # kept_in_step: the report aggregates move in this same transaction as the cases
            with kept_in_step(session):
                event.listen(session, "before_flush", self._stamp_writer)
                try:
                    yield tx
                    session.flush()
                except StaleDataError as err:
                    raise ConflictError(entity="", changed_by="") from err
                except OverflowError as err:  # SQLite: an id beyond 64 bits matches nothing
                    raise NotFound(OUT_OF_RANGE) from err
                # the audit's digests and checks, before the aggregates (cases are locked
                # before report rows on every path) and before the chain's lock
                pending = None if tx.last_steps else prepare_entries(
                    session, self.actor, tx.entries, tx.checkpoint)
            if tx.last_steps:
                # a committee's counter, after the report rows: the order every path takes
                # them in is cases, report rows, counter, chain. The entries' cases are held
                # already (Tx.at_last), so their digests take no new lock here.
                with last_steps(session):
                    for step in tx.last_steps:
                        step()
                pending = prepare_entries(session, self.actor, tx.entries, tx.checkpoint)
            # last: the chain's lock serialises every desk's audited writes until COMMIT,
            # which follows at once (on PostgreSQL the append is one statement, then COMMIT)
            if pending is not None:
                write_entries(session, pending)

    def _stamp_writer(self, session: Session, _ctx: Any, _instances: Any) -> None:
        """Remember who last wrote each case (the conflict message names them)."""
        for obj in session.dirty:
            if isinstance(obj, Case) and session.is_modified(obj, include_collections=False):
                obj.updated_by = self.actor.user_id or None
        for obj in session.new:
            if isinstance(obj, Case):
                obj.updated_by = self.actor.user_id or None

    @contextlib.contextmanager
    def _read(self, *, shared: bool = False) -> Iterator[Session]:
        """A read-only transaction. ``shared``: reports, search and the dashboard, which may
        be served by the LAN profile's read replica when it is fresh enough
        (``desktop.store.replica``); everything else reads the primary."""
        from desktop.store import replica

        self._require_password_changed()
        source = replica.shared_read(self.db) if shared else self.db.read()
        with _ids_in_range(), source as session:
            try:
                yield session
            except OverflowError as err:  # as above; PostgreSQL simply finds no row
                raise NotFound(OUT_OF_RANGE) from err

    def _require_password_changed(self) -> None:
        """Refuse every call of a user who must first change the password an administrator
        set (the database says whether that is still so: changing it lifts this at once)."""
        if not self.actor.must_change_password:
            return
        from desktop.store.models import User

        with self.db.read() as s:
            pending = s.scalar(select(User.must_change_password)
                               .where(User.id == self.actor.user_id))
        if pending:
            raise PermissionDenied(MUST_CHANGE_PASSWORD)

    def _require_unmask(self, case: Case) -> None:
        from desktop.domain.permissions import UNMASK_REFUSED, may_unmask, may_unmask_any

        if not may_unmask_any(self.actor):
            raise PermissionDenied("您的角色不能查看完整的个人信息。")
        if not may_unmask(self.actor, case):
            raise PermissionDenied(UNMASK_REFUSED)

    # -- permissions -----------------------------------------------------------------------
    def _require_role(self, *roles: Role, what: str) -> None:
        if self.actor.role not in roles:
            raise PermissionDenied(f"您的角色（{self.actor.role.label}）无权{what}。")

    def _visible(self, case: Case | Row[Any]) -> bool:
        return self.actor.spans_deployment or case.committee_id == self.actor.committee_id

    def _load_case(self, session: Session, case_id: int, *, for_update: bool = False) -> Case:
        stmt = _CASE_LOCKED if for_update and not self.db.is_sqlite else _CASE
        case = session.scalars(stmt, {"case_id": case_id}).first()
        if case is None or not self._visible(case):
            raise NotFound(CASE_NOT_FOUND)
        return case

    def _require_case_editor(self, case: Case | Row[Any]) -> None:
        """Mediators edit the cases assigned to them (or not yet assigned) in their committee."""
        role = self.actor.role
        if role == Role.READONLY:
            raise PermissionDenied("只读账号不能修改案件。")
        if role == Role.ADMIN:
            return
        if case.committee_id != self.actor.committee_id:
            raise PermissionDenied("不能修改其他调委会的案件。")
        if role == Role.MEDIATOR:
            co = {int(x) for x in case.co_mediator_ids.split(",") if x}
            if case.mediator_id not in (None, self.actor.user_id) and self.actor.user_id not in co:
                raise PermissionDenied("该案件未分配给您，请联系主任分配后再办理。")

    @staticmethod
    def _check_version(obj: Any, expected: int | None, entity: str, label: str,
                       mine: dict[str, Any] | None = None, labels: dict[str, str] | None = None,
                       changed_by: str = "") -> None:
        """Raise ConflictError when someone saved ``obj`` after the caller read it."""
        if expected is None or obj.version == expected:
            return
        from desktop.domain.errors import FieldChange

        changes = []
        for name, value in (mine or {}).items():
            theirs = getattr(obj, name, None)
            if value is not None and theirs != value:
                changes.append(FieldChange(name, (labels or {}).get(name, name), value, theirs))
        raise ConflictError(
            f"{label}已被{changed_by or '其他人'}修改（您看到的是第 {expected} 版，现在是第 "
            f"{obj.version} 版）。请重新加载查看对方的修改，或保留您的修改再次保存。",
            entity=entity, entity_id=getattr(obj, "id", None), current_version=obj.version,
            changes=changes, changed_by=changed_by)

    @staticmethod
    def today() -> dt.date:
        return dt.date.today()
