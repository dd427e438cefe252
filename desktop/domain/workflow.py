"""The case workflow as an explicit state machine: who may move a case from where to where.

``TRANSITIONS`` is the single source of truth; services consult ``check_transition`` before any
status change, and the GUI asks ``allowed_actions`` to decide which buttons to offer.
"""

from __future__ import annotations

from dataclasses import dataclass

from desktop.domain.enums import CaseStatus as S
from desktop.domain.enums import Role
from desktop.domain.errors import InvalidTransition, PermissionDenied, ValidationError

WORKERS = frozenset({Role.MEDIATOR, Role.DIRECTOR, Role.ADMIN})
MANAGERS = frozenset({Role.DIRECTOR, Role.ADMIN})


@dataclass(frozen=True)
class Transition:
    action: str
    label: str
    sources: frozenset[S]
    target: S | None  # None: the action keeps the status (extension, follow-up…)
    roles: frozenset[Role]
    needs_reason: bool = False


def _t(action: str, label: str, sources: set[S], target: S | None, roles: frozenset[Role],
       needs_reason: bool = False) -> Transition:
    return Transition(action, label, frozenset(sources), target, roles, needs_reason)


TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in (
        _t("accept", "受理", {S.REGISTERED}, S.ACCEPTED, WORKERS),
        _t("refuse", "不予受理", {S.REGISTERED}, S.REFUSED, WORKERS, needs_reason=True),
        _t("start", "开始调解", {S.ACCEPTED}, S.MEDIATING, WORKERS),
        _t("add_session", "记录调解/调查", {S.ACCEPTED, S.MEDIATING}, None, WORKERS),
        _t("succeed", "调解成功", {S.ACCEPTED, S.MEDIATING}, S.SUCCEEDED, WORKERS),
        _t("terminate", "终止调解", {S.ACCEPTED, S.MEDIATING}, S.TERMINATED, WORKERS,
           needs_reason=True),
        _t("extend", "延长调解期限", {S.ACCEPTED, S.MEDIATING}, None, WORKERS, needs_reason=True),
        _t("refer", "移送/转办", {S.REGISTERED, S.REFUSED, S.TERMINATED}, S.REFERRED, WORKERS,
           needs_reason=True),
        _t("reopen", "恢复调解", {S.TERMINATED}, S.MEDIATING, MANAGERS, needs_reason=True),
        _t("follow_up", "回访", {S.SUCCEEDED}, None, WORKERS),
        _t("confirm", "司法确认", {S.SUCCEEDED}, None, WORKERS),
        _t("flag_risk", "登记风险", {S.REGISTERED, S.ACCEPTED, S.MEDIATING, S.SUCCEEDED,
                                 S.TERMINATED}, None, WORKERS),
        _t("edit", "修改案件信息", {S.REGISTERED, S.ACCEPTED, S.MEDIATING}, None, WORKERS),
        _t("edit_agreement", "编辑调解协议", {S.ACCEPTED, S.MEDIATING, S.SUCCEEDED}, None,
           WORKERS),
        _t("sign", "签名", {S.ACCEPTED, S.MEDIATING, S.SUCCEEDED}, None, WORKERS),
        _t("attach", "添加材料", {S.REGISTERED, S.ACCEPTED, S.MEDIATING, S.SUCCEEDED,
                              S.TERMINATED, S.REFUSED, S.REFERRED}, None, WORKERS),
        # 承办调解员: a case registered by a director or an administrator may have none yet.
        # Open cases only, in the GUI and in IntakeService.assign alike: a closed case keeps
        # the mediator it was closed with (the report counts its outcome by them).
        _t("assign", "分配调解员", {S.REGISTERED, S.ACCEPTED, S.MEDIATING}, None, MANAGERS),
        _t("archive", "归档", {S.SUCCEEDED, S.TERMINATED, S.REFUSED, S.REFERRED}, S.ARCHIVED,
           MANAGERS),
    )
}


def check_transition(action: str, status: S | str, role: Role | str, reason: str = "") -> Transition:
    """Raise a Chinese error unless ``role`` may do ``action`` on a case in ``status``."""
    t = TRANSITIONS.get(action)
    if t is None:
        raise InvalidTransition(f"未知的操作：{action}")
    status, role = S(status), Role(role)
    if role not in t.roles:
        raise PermissionDenied(f"您的角色（{role.label}）不能执行“{t.label}”。")
    if status not in t.sources:
        allowed = "、".join(s.label for s in sorted(t.sources, key=list(S).index))
        raise InvalidTransition(
            f"案件当前状态为“{status.label}”，不能执行“{t.label}”（仅限：{allowed}）。")
    if t.needs_reason and not reason.strip():
        raise ValidationError(f"“{t.label}”必须填写原因。", field="reason")
    return t


def allowed_actions(status: S | str, role: Role | str) -> list[str]:
    status, role = S(status), Role(role)
    return [a for a, t in TRANSITIONS.items() if status in t.sources and role in t.roles]
