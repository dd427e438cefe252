"""人民调解工作统计月报表: the bureaus' fixed-layout monthly form as plain data.

Rows are the dispute types (every active one, in the lookup's order) and 合计; columns are the
form's, grouped under two-level headers (排查纠纷 / 调解纠纷 / the four prevented risks).
No SQL and no Qt here: ``ReportService.official_table`` fills it, the exporters lay it out.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from desktop.reports.period import Period

OFFICIAL_TITLE = "人民调解工作统计月报表"


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # the lower header line
    group: str  # the upper (merged) header line; "" = a single cell spanning both lines
    definition: str
    money: bool = False


COLUMNS: tuple[Column, ...] = (
    Column("sweeps", "排查次数", "排查纠纷",
           "统计期间内开展排查的次数：矛盾纠纷排查台账中（调委会，排查日期）不同组合的个数，"
           "即一个调委会在一天内登记的排查记为一次。分类行只计该类纠纷的排查日，"
           "合计行按全部纠纷去重，故合计不一定等于各行之和。来源字段：sweep_record.committee_id、"
           "found_on。"),
    Column("sweep_found", "排查发现纠纷", "排查纠纷",
           "统计期间内（按排查日期 found_on）登记在排查台账中的纠纷件数。"),
    Column("sweep_prevented", "预防纠纷", "排查纠纷",
           "上述排查发现的纠纷中，在排查阶段即已化解（resolved 为是，化解日期 resolved_on 不晚于"
           "期末或未填）、未转为调解案件（case_id 为空）的件数。"),
    Column("accepted", "受理（件）", "调解纠纷", "统计期间内受理的案件数（按受理日期 accepted_on）。"),
    Column("people", "涉及人数", "调解纠纷",
           "上述受理案件登记的涉及人数（mediation_case.people_involved）之和。"),
    Column("src_initiative", "主动调解", "调解纠纷",
           "受理案件中来源属于“主动调解”分组的件数（案件来源 source 的分组 lookup.grp = initiative）。"),
    Column("src_application", "依申请", "调解纠纷",
           "受理案件中来源属于“申请调解”分组的件数（grp = application）。"),
    Column("src_entrusted", "委托移送", "调解纠纷",
           "受理案件中来源属于“接受委托移送调解”分组的件数（grp = entrusted）。"),
    Column("succeeded", "调解成功（件）", "调解纠纷",
           "统计期间内达成调解协议的件数（按结案日期 closed_on，outcome 为书面或口头协议）。"),
    Column("written", "书面协议", "调解纠纷", "调解成功中签订书面调解协议书的件数。"),
    Column("oral", "口头协议", "调解纠纷", "调解成功中达成口头协议的件数。"),
    Column("amount", "协议金额（元）", "调解纠纷",
           "调解成功案件的协议金额（agreed_amount）合计。", money=True),
    Column("criminal_cases", "件", "防止民转刑",
           "统计期间内（按化解日期 risk_flag.resolved_on）化解且确认防止（prevented）的"
           "“民转刑”风险所在案件数。"),
    Column("criminal_people", "人", "防止民转刑", "上述风险登记的涉及人数（risk_flag.people）之和。"),
    Column("suicide_cases", "件", "防止自杀",
           "同上，风险类型为“可能导致当事人自杀”（suicide）的案件数。"),
    Column("suicide_people", "人", "防止自杀", "上述风险登记的涉及人数之和。"),
    Column("petition_cases", "件", "防止群体性上访",
           "同上，风险类型为“可能引发群体性上访”（petition）的案件数。"),
    Column("petition_people", "人", "防止群体性上访", "上述风险登记的涉及人数之和。"),
    Column("fight_cases", "件", "制止群体性械斗",
           "同上，风险类型为“可能引发群体性械斗”（fight）的案件数。"),
    Column("fight_people", "人", "制止群体性械斗", "上述风险登记的涉及人数之和。"),
)
COLUMN_KEYS = tuple(c.key for c in COLUMNS)
ROW_HEADER = "纠纷类型"


def header_groups() -> list[tuple[str, int, int]]:
    """(group title, first column index, last column index), indices into ``COLUMNS``."""
    out: list[tuple[str, int, int]] = []
    for i, c in enumerate(COLUMNS):
        if out and out[-1][0] == c.group:
            out[-1] = (c.group, out[-1][1], i)
        else:
            out.append((c.group, i, i))
    return out


@dataclass
class OfficialRow:
    key: str  # dispute type code; "" for 合计
    label: str
    values: dict[str, int | Decimal] = field(default_factory=dict)

    def cells(self) -> list[int | Decimal]:
        return [self.values[k] for k in COLUMN_KEYS]


@dataclass
class OfficialTable:
    period: Period
    committee_label: str
    generated_at: dt.datetime
    rows: list[OfficialRow]  # the dispute types, then 合计

    @property
    def title(self) -> str:
        return OFFICIAL_TITLE

    @property
    def subtitle(self) -> str:
        return (f"填报单位：{self.committee_label}　统计期间：{self.period.start:%Y年%m月%d日} 至 "
                f"{self.period.end:%Y年%m月%d日}　制表时间：{self.generated_at:%Y年%m月%d日}")

    @property
    def total(self) -> OfficialRow:
        return self.rows[-1]


def zero_values() -> dict[str, int | Decimal]:
    return {c.key: (Decimal("0.00") if c.money else 0) for c in COLUMNS}
