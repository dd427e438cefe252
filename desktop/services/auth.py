"""Accounts: slow salted password hashes (Argon2id), login with lockout, first-run set-up."""

from __future__ import annotations

import datetime as dt
import functools
import re

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import func, select

from desktop.domain.enums import Role
from desktop.domain.errors import AuthError, ValidationError
from desktop.domain.numbering import DEFAULT_PATTERN
from desktop.services.base import SYSTEM, Actor, Tx
from desktop.store.db import Database
from desktop.store.models import Committee, User

MAX_FAILURES = 5
LOCK_MINUTES = 15
_hasher = PasswordHasher()  # Argon2id, time_cost=3, memory 64 MiB: ~50 ms a check


def hash_password(password: str) -> str:
    return _hasher.hash(password)


# no 0/O, 1/l/I: a one-time password is read out or copied by hand
_READABLE_LETTERS = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ"
_READABLE_DIGITS = "23456789"


def one_time_password() -> str:
    """A password an administrator hands on after a reset (the user must change it at the
    next login): ten readable characters, letters and digits, e.g. ``Kp7m-x3Rq9``."""
    import secrets

    chars = _READABLE_LETTERS + _READABLE_DIGITS
    while True:
        raw = "".join(secrets.choice(chars) for _ in range(9))
        word = f"{raw[:4]}-{raw[4:]}"
        if any(c in _READABLE_DIGITS for c in raw) and any(c.isalpha() for c in raw):
            check_password_strength(word)
            return word


def check_password_strength(password: str, field: str = "password") -> None:
    if len(password) < 8:
        raise ValidationError("密码至少 8 位。", field=field)
    classes = sum(bool(re.search(p, password)) for p in (r"[A-Za-z]", r"\d", r"[^A-Za-z\d]"))
    if classes < 2:
        raise ValidationError("密码须同时包含字母、数字、符号中的至少两类。", field=field)


LOGIN_FAILED = (f"用户名或密码错误。连续输错 {MAX_FAILURES} 次的账号会被锁定 {LOCK_MINUTES} 分钟，"
                "可请管理员提前解锁。")


@functools.cache
def _dummy_hash() -> str:
    return _hasher.hash("not-a-password-of-anyone")


def _burn_a_check(password: str) -> None:
    """Spend the time a real password check takes (no timing difference to measure)."""
    try:
        _hasher.verify(_dummy_hash(), password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        pass


def _actor(user: User) -> Actor:
    return Actor(user.id, user.username, user.display_name, Role(user.role), user.committee_id,
                 bool(user.must_change_password))


def login(db: Database, username: str, password: str) -> Actor:
    """Check the password; after 5 failures the account is locked for 15 minutes."""
    from desktop.services.anchor import append_entries

    now = dt.datetime.now().replace(microsecond=0)
    with db.write() as session:
        # locked: two desks typing the same account's password at once count both failures
        user = session.scalars(select(User).where(User.username == username.strip())
                               .with_for_update(key_share=True)).first()
        # One answer for every failure (unknown user, wrong password, locked account), and
        # the same work for each: nothing tells a guesser whether the account exists.
        if user is None:
            _burn_a_check(password)
            raise AuthError(LOGIN_FAILED)
        if user.locked_until and user.locked_until > now:
            _burn_a_check(password)
            raise AuthError(LOGIN_FAILED)
        try:
            _hasher.verify(user.password_hash, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            user.failed_logins += 1
            if user.failed_logins >= MAX_FAILURES:
                user.locked_until = now + dt.timedelta(minutes=LOCK_MINUTES)
                user.failed_logins = 0
                append_entries(session, _actor(user), [dict(
                    action="lock", entity="user", entity_id=user.id, case_id=None,
                    summary=f"账号 {user.username} 因连续输错密码被锁定 {LOCK_MINUTES} 分钟", detail={})])
            session.commit()
            raise AuthError(LOGIN_FAILED) from None
        if not user.active:  # told only to whoever knows the password
            raise AuthError("该账号已停用，请联系管理员。")
        user.failed_logins = 0
        user.locked_until = None
        if _hasher.check_needs_rehash(user.password_hash):
            user.password_hash = hash_password(password)
        return _actor(user)


def bootstrap_needed(db: Database) -> bool:
    with db.read() as session:
        return not session.scalar(select(func.count()).select_from(User))


def first_run(db: Database, *, committee_name: str, short_name: str, admin_username: str,
              admin_password: str, display_name: str = "系统管理员",
              number_pattern: str = DEFAULT_PATTERN) -> Actor:
    """Create the first committee and administrator (refused once any user exists)."""
    from desktop.services.anchor import append_entries

    if not committee_name.strip():
        raise ValidationError("请填写调委会名称。", field="committee_name")
    if not short_name.strip():
        raise ValidationError("请填写调委会简称（用于案号，如“青”）。", field="short_name")
    if not re.fullmatch(r"[A-Za-z0-9_.\-]{2,40}", admin_username):
        raise ValidationError("用户名为 2–40 位字母、数字或 _ . -。", field="username")
    check_password_strength(admin_password)
    with db.write() as session:
        if session.scalar(select(func.count()).select_from(User)):
            raise ValidationError("数据库已初始化，不能重复创建第一个管理员。")
        committee = Committee(name=committee_name.strip(), short_name=short_name.strip(),
                              number_pattern=number_pattern)
        session.add(committee)
        session.flush()
        user = User(username=admin_username, display_name=display_name,
                    password_hash=hash_password(admin_password), role=Role.ADMIN.value,
                    committee_id=committee.id)
        session.add(user)
        session.flush()
        actor = _actor(user)
        tx = Tx(session, SYSTEM)
        tx.audit("create", "committee", committee.id, f"创建调委会 {committee.name}")
        tx.audit("create", "user", user.id, f"创建管理员 {user.username}")
        append_entries(session, SYSTEM, tx.entries)
    return actor
