"""Committee details and the editable dictionaries (dispute types, sources)."""

from __future__ import annotations

from sqlalchemy import func, select

from desktop.domain.enums import LookupEntry, Role
from desktop.domain.errors import NotFound, ValidationError
from desktop.domain.numbering import validate_pattern
from desktop.services.base import ServiceBase
from desktop.services.dto import CommitteeView
from desktop.store.models import Committee, Lookup

LOOKUP_KINDS = {"dispute_type": "纠纷类型", "source": "案件来源"}


def _view(c: Committee) -> CommitteeView:
    return CommitteeView(c.id, c.version, c.name, c.short_name, c.number_pattern, c.region,
                         c.address, c.phone, c.director_name, c.seal_png is not None, c.active)


class CommitteeService(ServiceBase):
    def get(self, committee_id: int | None = None) -> CommitteeView:
        cid = committee_id or self.actor.committee_id
        with self._read() as s:
            c = s.get(Committee, cid) if cid else None
            if c is None or not (self.actor.spans_deployment or c.id == self.actor.committee_id):
                raise NotFound("找不到该调委会。")
            return _view(c)

    def list(self) -> list[CommitteeView]:
        with self._read() as s:
            stmt = select(Committee).order_by(Committee.id)
            if not self.actor.spans_deployment:
                stmt = stmt.where(Committee.id == self.actor.committee_id)
            return [_view(c) for c in s.scalars(stmt)]

    def seal_png(self, committee_id: int | None = None) -> bytes | None:
        cid = committee_id or self.actor.committee_id
        if not (self.actor.spans_deployment or cid == self.actor.committee_id):
            raise NotFound("找不到该调委会。")
        with self._read() as s:
            c = s.get(Committee, cid)
            return c.seal_png if c else None

    def add(self, name: str, short_name: str, number_pattern: str | None = None) -> CommitteeView:
        self._require_role(Role.ADMIN, what="新增调委会")
        from desktop.domain.numbering import DEFAULT_PATTERN

        pattern = validate_pattern(number_pattern or DEFAULT_PATTERN)
        if not name.strip() or not short_name.strip():
            raise ValidationError("请填写调委会名称和简称。", field="name")
        with self._write() as tx:
            if tx.session.scalars(select(Committee).where(Committee.name == name)).first():
                raise ValidationError(f"调委会“{name}”已存在。", field="name")
            c = Committee(name=name.strip(), short_name=short_name.strip(), number_pattern=pattern)
            tx.session.add(c)
            tx.session.flush()
            tx.audit("create", "committee", c.id, f"新增调委会 {c.name}")
            return _view(c)

    def update(self, committee_id: int, version: int, *, name: str | None = None,
               short_name: str | None = None, number_pattern: str | None = None,
               region: str | None = None, address: str | None = None, phone: str | None = None,
               director_name: str | None = None, seal_png: bytes | None = None) -> CommitteeView:
        if not (self.actor.role == Role.ADMIN or (self.actor.role == Role.DIRECTOR
                                                  and committee_id == self.actor.committee_id)):
            self._require_role(Role.ADMIN, what="修改调委会信息")
        if number_pattern is not None:
            number_pattern = validate_pattern(number_pattern)
        with self._write() as tx:
            c = tx.session.get(Committee, committee_id, with_for_update={"key_share": True})
            if c is None:
                raise NotFound("找不到该调委会。")
            mine = dict(name=name, short_name=short_name, number_pattern=number_pattern,
                        region=region, address=address, phone=phone, director_name=director_name)
            self._check_version(c, version, "committee", "调委会信息", mine)
            changed = []
            for key, value in mine.items():
                if value is not None and getattr(c, key) != value:
                    setattr(c, key, value.strip())
                    changed.append(key)
            if seal_png is not None:
                c.seal_png = seal_png or None
                changed.append("seal")
            tx.audit("update", "committee", c.id, f"修改调委会信息：{', '.join(changed) or '无'}")
            tx.session.flush()
            return _view(c)


class LookupService(ServiceBase):
    def list(self, kind: str, include_inactive: bool = False) -> list[LookupEntry]:
        with self._read() as s:
            stmt = select(Lookup).where(Lookup.kind == kind).order_by(Lookup.sort_order, Lookup.id)
            if not include_inactive:
                stmt = stmt.where(Lookup.active.is_(True))
            return [LookupEntry(r.code, r.name, r.grp) for r in s.scalars(stmt)]

    def labels(self, kind: str) -> dict[str, str]:
        with self._read() as s:
            return dict(s.execute(select(Lookup.code, Lookup.name).where(Lookup.kind == kind))
                        .all())

    def save(self, kind: str, code: str, name: str, group: str = "", active: bool = True) -> None:
        """Add or rename an entry (codes are never reused for something else)."""
        self._require_role(Role.ADMIN, Role.DIRECTOR, what="修改字典")
        if kind not in LOOKUP_KINDS:
            raise ValidationError("未知的字典。", field="kind")
        if not code.strip() or not name.strip():
            raise ValidationError("代码和名称都必须填写。", field="name")
        with self._write() as tx:
            s = tx.session
            row = s.scalars(select(Lookup).where(Lookup.kind == kind, Lookup.code == code)).first()
            if row is None:
                order = (s.scalar(select(func.max(Lookup.sort_order))
                                  .where(Lookup.kind == kind)) or 0) + 1
                row = Lookup(kind=kind, code=code.strip(), name=name.strip(), grp=group,
                             sort_order=order, active=active)
                s.add(row)
                s.flush()
                tx.audit("create", "lookup", row.id, f"新增{LOOKUP_KINDS[kind]}：{name}")
            else:
                row.name, row.grp, row.active = name.strip(), group or row.grp, active
                tx.audit("update", "lookup", row.id, f"修改{LOOKUP_KINDS[kind]}：{name}")
