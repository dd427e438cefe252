"""Domain terms, one wording for the UI and the PDFs alike (人民调解法 and the Ministry of
Justice's standard forms). Look terms up by English key: ``TERMS["agreement"]``."""

from __future__ import annotations

from typing import Final

TERMS: Final[dict[str, str]] = {
    # people
    "party": "当事人",
    "applicant": "申请人",
    "respondent": "被申请人",
    "agent": "代理人",
    "legal_representative": "法定代表人",
    "committee": "人民调解委员会",
    "committee_short": "调委会",
    "director": "主任",
    "mediator": "调解员",
    "people_mediator": "人民调解员",
    "recorder": "记录人",
    "invited_participant": "参加人",
    # case life
    "case": "纠纷案件",
    "registration": "登记",
    "accept": "受理",
    "refuse": "不予受理",
    "mediating": "调解中",
    "mediation_success": "调解成功",
    "terminate": "终止调解",
    "refer": "移送",
    "follow_up": "回访",
    "performance": "履行",
    "archive": "归档",
    "deadline": "调解期限",
    "extension": "延长调解期限",
    "risk_flag": "风险预警",
    "joint_mediation": "联合调解",
    "judicial_confirmation": "司法确认",
    "case_number": "案件编号",
    # documents
    "application": "人民调解申请书",
    "registration_form": "人民调解受理登记表",
    "rights_notice": "当事人权利义务告知书",
    "investigation_record": "人民调解调查记录",
    "mediation_record": "人民调解记录",
    "agreement": "人民调解协议书",
    "oral_agreement": "人民调解口头协议登记表",
    "termination_notice": "终止调解告知书",
    "follow_up_record": "人民调解回访记录",
    "dossier": "卷宗",
    "people_mediation_dossier": "人民调解卷宗",
    "dossier_contents": "卷内目录",
    # statistics
    "success_rate": "调解成功率",
    "resolution_rate": "化解率",
    "agreement_amount": "协议金额",
}


def term(key: str) -> str:
    """The Chinese term for ``key``; KeyError for an unknown key (a typo should fail loudly)."""
    return TERMS[key]


__all__ = ["TERMS", "term"]
