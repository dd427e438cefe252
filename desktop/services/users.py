"""Users and roles (administrators manage accounts; everyone changes their own password)."""

from __future__ import annotations

import builtins
import datetime as dt
import re

from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import select

from desktop.domain.enums import Role
from desktop.domain.errors import AuthError, NotFound, PermissionDenied, ValidationError
from desktop.services.auth import _hasher, check_password_strength, hash_password
from desktop.services.base import ServiceBase
from desktop.services.dto import UserView
from desktop.store.models import Committee, User


def _view(u: User, committee_names: dict[int, str]) -> UserView:
    return UserView(u.id, u.version, u.username, u.display_name, u.role, Role(u.role).label,
                    u.committee_id, committee_names.get(u.committee_id or 0, ""), u.active,
                    u.locked_until, u.must_change_password)


class UserService(ServiceBase):
    # ``list`` is the public name the GUI, the CLI and the tests call; below it, inside this
    # class body, a bare ``list`` means this method, so annotations spell ``builtins.list``.
    def list(self) -> list[UserView]:
        with self._read() as s:
            names = dict(s.execute(select(Committee.id, Committee.name)).all())
            stmt = select(User).order_by(User.id)
            if not self.actor.spans_deployment:
                stmt = stmt.where(User.committee_id == self.actor.committee_id)
            return [_view(u, names) for u in s.scalars(stmt)]

    def mediators(self) -> builtins.list[UserView]:
        """Users who can be assigned cases in the actor's committee."""
        return [u for u in self.list() if u.active and u.role in ("mediator", "director")]

    def add(self, username: str, display_name: str, password: str, role: str,
            committee_id: int | None = None, *, county: bool = False) -> UserView:
        """``county``: a read-only account of the county (no committee; sees every committee).
        Without it the user belongs to ``committee_id`` or the administrator's committee."""
        self._require_role(Role.ADMIN, what="管理用户")
        if county and role != Role.READONLY.value:
            raise ValidationError("只有只读（督查）账号可以不属于任何调委会。", field="role")
        if county and committee_id is not None:
            raise ValidationError("县级只读账号不属于任何调委会，请不要同时指定调委会。",
                                  field="committee_id")
        if not re.fullmatch(r"[A-Za-z0-9_.\-]{2,40}", username):
            raise ValidationError("用户名为 2–40 位字母、数字或 _ . -。", field="username")
        if not display_name.strip():
            raise ValidationError("请填写姓名。", field="display_name")
        try:
            Role(role)
        except ValueError:
            raise ValidationError("角色无效。", field="role") from None
        check_password_strength(password)
        with self._write() as tx:
            s = tx.session
            if s.scalars(select(User).where(User.username == username)).first():
                raise ValidationError(f"用户名 {username} 已存在。", field="username")
            cid = None if county else (
                committee_id if committee_id is not None else self.actor.committee_id)
            if cid is not None and s.get(Committee, cid) is None:
                raise ValidationError("所选调委会不存在。", field="committee_id")
            user = User(username=username, display_name=display_name.strip(),
                        password_hash=hash_password(password), role=role, committee_id=cid,
                        must_change_password=True)
            s.add(user)
            s.flush()
            tx.audit("create", "user", user.id,
                     f"新增用户 {username}（{display_name}，{Role(role).label}）")
            names = dict(s.execute(select(Committee.id, Committee.name)).all())
            return _view(user, names)

    def update(self, user_id: int, version: int, *, display_name: str | None = None,
               role: str | None = None, active: bool | None = None,
               committee_id: int | None = None) -> UserView:
        self._require_role(Role.ADMIN, what="管理用户")
        with self._write() as tx:
            user = tx.session.get(User, user_id, with_for_update={"key_share": True})
            if user is None:
                raise NotFound("用户不存在。")
            self._check_version(user, version, "user", "该用户",
                                {"display_name": display_name, "role": role, "active": active,
                                 "committee_id": committee_id},
                                {"display_name": "姓名", "role": "角色", "active": "启用状态",
                                 "committee_id": "所属调委会"})
            changes: builtins.list[str] = []
            if display_name is not None and display_name != user.display_name:
                user.display_name = display_name
                changes.append("姓名")
            if role is not None and role != user.role:
                Role(role)
                user.role = role
                changes.append("角色")
            if active is not None and active != user.active:
                if user.id == self.actor.user_id and not active:
                    raise ValidationError("不能停用自己的账号。", field="active")
                user.active = active
                changes.append("启用状态")
            if committee_id is not None and committee_id != user.committee_id:
                user.committee_id = committee_id
                changes.append("所属调委会")
            tx.audit("update", "user", user.id, f"修改用户 {user.username}：{'、'.join(changes)}")
            tx.session.flush()
            names = dict(tx.session.execute(select(Committee.id, Committee.name)).all())
            return _view(user, names)

    def reset_password(self, user_id: int, new_password: str) -> None:
        self._require_role(Role.ADMIN, what="重置密码")
        check_password_strength(new_password)
        with self._write() as tx:
            user = tx.session.get(User, user_id)
            if user is None:
                raise NotFound("用户不存在。")
            user.password_hash = hash_password(new_password)
            user.must_change_password = True
            user.failed_logins = 0
            user.locked_until = None
            tx.audit("reset_password", "user", user.id, f"管理员重置了 {user.username} 的密码并解锁")

    def unlock(self, user_id: int) -> None:
        self._require_role(Role.ADMIN, what="解锁账号")
        with self._write() as tx:
            user = tx.session.get(User, user_id)
            if user is None:
                raise NotFound("用户不存在。")
            user.locked_until = None
            user.failed_logins = 0
            tx.audit("unlock", "user", user.id, f"解锁账号 {user.username}")

    def change_own_password(self, old_password: str, new_password: str) -> None:
        check_password_strength(new_password, field="new_password")
        if old_password == new_password:
            raise ValidationError("新密码不能与旧密码相同。", field="new_password")
        with self._write(password_change=True) as tx:
            user = tx.session.get(User, self.actor.user_id)
            if user is None:
                raise PermissionDenied("账号不存在。")
            try:
                _hasher.verify(user.password_hash, old_password)
            except (VerifyMismatchError, VerificationError, InvalidHashError):
                raise AuthError("原密码不正确。", field="old_password") from None
            user.password_hash = hash_password(new_password)
            user.must_change_password = False
            user.password_changed_at = dt.datetime.now().replace(microsecond=0)
            tx.audit("change_password", "user", user.id, f"{user.username} 修改了自己的密码")
