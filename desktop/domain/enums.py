"""Enumerations of the domain, with their Chinese labels.

Values are short ASCII codes stored in the database; ``label`` is what a person sees.
Dispute types and sources are editable per deployment (see ``DEFAULT_DISPUTE_TYPES`` and
``DEFAULT_SOURCES``, which seed the ``lookup`` table); the rest are fixed by law or workflow.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import TYPE_CHECKING, Self


class LabeledEnum(str, enum.Enum):
    """A ``str`` enum whose members are declared as ``CODE = ("code", "中文")``."""

    _value_: str
    label: str

    if TYPE_CHECKING:
        # What callers can do once the class exists: ``CaseStatus("accepted")`` looks a
        # member up by its code (Enum swaps the two-argument ``__new__`` below for its lookup
        # after building the members). mypy would otherwise ask every lookup for a label
        # (python/mypy#10573) and type ``.value`` as Any because of the custom ``__new__``.
        def __new__(cls, value: str) -> Self: ...

        @property
        def value(self) -> str: ...

    else:

        def __new__(cls, value: str, label: str) -> Self:
            obj = str.__new__(cls, value)
            obj._value_ = value
            obj.label = label
            return obj

    def __str__(self) -> str:
        return self.value

    @classmethod
    def from_label(cls, label: str) -> Self:
        for member in cls:
            if member.label == label:
                return member
        raise ValueError(label)


class CaseStatus(LabeledEnum):
    REGISTERED = ("registered", "登记")
    ACCEPTED = ("accepted", "已受理")
    REFUSED = ("refused", "不予受理")
    MEDIATING = ("mediating", "调解中")
    SUCCEEDED = ("succeeded", "调解成功")
    TERMINATED = ("terminated", "调解终止")
    REFERRED = ("referred", "已移送")
    ARCHIVED = ("archived", "已归档")


OPEN_STATUSES = (CaseStatus.REGISTERED, CaseStatus.ACCEPTED, CaseStatus.MEDIATING)
"""Cases still being worked on (duplicate check, 未结)."""


class Role(LabeledEnum):
    MEDIATOR = ("mediator", "调解员")
    DIRECTOR = ("director", "主任")
    ADMIN = ("admin", "管理员")
    READONLY = ("readonly", "只读/督查")


class PartyKind(LabeledEnum):
    PERSON = ("person", "自然人")
    ORGANIZATION = ("organization", "法人或其他组织")


class PartySide(LabeledEnum):
    APPLICANT = ("applicant", "申请人")
    RESPONDENT = ("respondent", "被申请人")
    PARTY = ("party", "当事人")  # 当事人甲/乙/丙… when sides are not applicant/respondent


class Sex(LabeledEnum):
    MALE = ("male", "男")
    FEMALE = ("female", "女")


class IdType(LabeledEnum):
    RESIDENT = ("resident", "居民身份证")
    PASSPORT = ("passport", "护照")
    HK_MACAO = ("hk_macao", "港澳居民来往内地通行证")
    TAIWAN = ("taiwan", "台湾居民来往大陆通行证")
    FOREIGN_PR = ("foreign_pr", "外国人永久居留身份证")
    OTHER = ("other", "其他证件")


class ParticipantKind(LabeledEnum):
    """Who a session participant is."""

    MEDIATOR = ("mediator", "调解员")
    PARTY = ("party", "当事人")
    AGENT = ("agent", "代理人")
    POLICE = ("police", "民警")
    JUDICIAL = ("judicial", "司法所工作人员")
    LAWYER = ("lawyer", "律师")
    JUDGE = ("judge", "法官")
    INVITED = ("invited", "特邀参加人")  # Art. 20: relatives, neighbours, experts…
    RECORDER = ("recorder", "记录人")


class ParticipationRole(LabeledEnum):
    """The part a participant plays in a session."""

    HOST = ("host", "主持")
    PARTICIPANT = ("participant", "参与")
    WITNESS = ("witness", "见证")


class JointKind(enum.IntFlag):
    """Joint-mediation participants present in a case's sessions, as a bit mask."""

    NONE = 0
    POLICE = 1
    JUDICIAL = 2
    LAWYER = 4
    COURT = 8
    OTHER = 16

    @property
    def label(self) -> str:
        if self == JointKind.NONE:
            return "无联合调解"
        names = {
            JointKind.POLICE: "公安",
            JointKind.JUDICIAL: "司法",
            JointKind.LAWYER: "律师",
            JointKind.COURT: "法院",
            JointKind.OTHER: "其他",
        }
        return "+".join(text for flag, text in names.items() if self & flag)


PARTICIPANT_JOINT_FLAG: dict[ParticipantKind, JointKind] = {
    ParticipantKind.POLICE: JointKind.POLICE,
    ParticipantKind.JUDICIAL: JointKind.JUDICIAL,
    ParticipantKind.LAWYER: JointKind.LAWYER,
    ParticipantKind.JUDGE: JointKind.COURT,
    ParticipantKind.INVITED: JointKind.OTHER,
}


class SourceGroup(LabeledEnum):
    APPLICATION = ("application", "申请调解")
    INITIATIVE = ("initiative", "主动调解")
    ENTRUSTED = ("entrusted", "接受委托移送调解")


class SessionKind(LabeledEnum):
    MEDIATION = ("mediation", "调解")
    INVESTIGATION = ("investigation", "调查")


class OutcomeKind(LabeledEnum):
    WRITTEN = ("written", "书面协议")
    ORAL = ("oral", "口头协议")
    TERMINATED = ("terminated", "终止调解")


class FollowUpMethod(LabeledEnum):
    VISIT = ("visit", "上门回访")
    PHONE = ("phone", "电话回访")
    OTHER = ("other", "其他方式")


class Performance(LabeledEnum):
    FULL = ("full", "已全部履行")
    PARTIAL = ("partial", "部分履行")
    NONE = ("none", "未履行")
    NOT_DUE = ("not_due", "履行期限未到")


class Satisfaction(LabeledEnum):
    SATISFIED = ("satisfied", "满意")
    BASIC = ("basic", "基本满意")
    UNSATISFIED = ("unsatisfied", "不满意")


class RiskKind(LabeledEnum):
    CRIMINAL = ("criminal", "可能激化为刑事案件（民转刑）")
    PETITION = ("petition", "可能引发群体性上访")
    SUICIDE = ("suicide", "可能导致当事人自杀")
    FIGHT = ("fight", "可能引发群体性械斗")
    VIOLENCE = ("violence", "可能引发治安案件")
    OTHER = ("other", "其他风险")


class RiskLevel(LabeledEnum):
    LOW = ("low", "一般")
    MEDIUM = ("medium", "较大")
    HIGH = ("high", "重大")


class ConfirmationRuling(LabeledEnum):
    PENDING = ("pending", "审查中")
    CONFIRMED = ("confirmed", "裁定确认有效")
    REJECTED = ("rejected", "裁定驳回申请")
    WITHDRAWN = ("withdrawn", "撤回申请")


class DocumentForm(LabeledEnum):
    APPLICATION = ("application", "人民调解申请书")
    REGISTRATION = ("registration", "人民调解受理登记表")
    NOTICE = ("notice", "当事人权利义务告知书")
    INVESTIGATION = ("investigation", "人民调解调查记录")
    RECORD = ("record", "人民调解记录")
    AGREEMENT = ("agreement", "人民调解协议书")
    ORAL = ("oral", "人民调解口头协议登记表")
    TERMINATION = ("termination", "终止调解告知书")
    FOLLOWUP = ("followup", "人民调解回访记录")
    CONFIRMATION = ("confirmation", "司法确认申请书")
    DOSSIER = ("dossier", "人民调解卷宗")


class AttachmentCategory(LabeledEnum):
    IDENTITY = ("identity", "身份证明")
    POWER_OF_ATTORNEY = ("power_of_attorney", "授权委托书")
    EVIDENCE = ("evidence", "证据材料")
    SIGNED_SCAN = ("signed_scan", "签字文书扫描件")
    PERFORMANCE = ("performance", "履行凭证")
    CONFIRMATION = ("confirmation", "司法确认材料")
    OTHER = ("other", "其他材料")


@dataclass(frozen=True)
class LookupEntry:
    code: str
    name: str
    group: str = ""  # for sources: a SourceGroup value


DEFAULT_DISPUTE_TYPES: tuple[LookupEntry, ...] = tuple(
    LookupEntry(code, name)
    for code, name in [
        ("marriage", "婚姻家庭"),
        ("neighbor", "邻里"),
        ("housing", "房屋宅基地"),
        ("contract", "合同"),
        ("business", "生产经营"),
        ("damages", "损害赔偿"),
        ("labor", "劳动争议"),
        ("medical", "医疗"),
        ("property_mgmt", "物业"),
        ("traffic", "道路交通事故"),
        ("demolition", "征地拆迁"),
        ("land", "山林土地"),
        ("pollution", "环境污染"),
        ("consumer", "消费"),
        ("other", "其他"),
    ]
)

DEFAULT_SOURCES: tuple[LookupEntry, ...] = (
    LookupEntry("party_apply", "当事人申请", SourceGroup.APPLICATION.value),
    LookupEntry("initiative", "调委会主动调解", SourceGroup.INITIATIVE.value),
    LookupEntry("grid", "网格员上报", SourceGroup.INITIATIVE.value),
    LookupEntry("police_110", "公安机关移交（110警情）", SourceGroup.ENTRUSTED.value),
    LookupEntry("police_station", "派出所移交", SourceGroup.ENTRUSTED.value),
    LookupEntry("court_pre", "人民法院委派（诉前）", SourceGroup.ENTRUSTED.value),
    LookupEntry("court_during", "人民法院委托（诉中）", SourceGroup.ENTRUSTED.value),
    LookupEntry("petition", "信访部门转办", SourceGroup.ENTRUSTED.value),
    LookupEntry("hotline_12345", "12345热线转办", SourceGroup.ENTRUSTED.value),
    LookupEntry("gov_other", "其他政府部门指定", SourceGroup.ENTRUSTED.value),
)

REFERRAL_SOURCES = frozenset(
    {"police_110", "police_station", "court_pre", "court_during", "petition", "hotline_12345",
     "gov_other"}
)
"""Sources whose referring unit and reference number are recorded at intake."""
