"""What a report holds: counters, rates and breakdowns, already labelled in Chinese.

Plain data (no SQL, no Qt), so the exports, the GUI and the tests read the same objects.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from desktop.domain.dates import format_date, format_datetime
from desktop.reports.period import Period

CENT = Decimal("0.01")


@dataclass(frozen=True)
class Metric:
    key: str
    label: str
    definition: str
    money: bool = False


METRICS: tuple[Metric, ...] = (
    Metric("accepted", "受理", "统计期间内受理的案件数（按受理日期）。"),
    Metric("closed", "调结", "统计期间内调解结束的案件数（按结案日期）= 调解成功 + 终止。"),
    Metric("succeeded", "调解成功", "统计期间内达成调解协议的案件数 = 书面协议 + 口头协议。"),
    Metric("written", "书面协议", "调解成功中签订书面调解协议书的件数。"),
    Metric("oral", "口头协议", "调解成功中达成口头协议的件数。"),
    Metric("terminated", "终止", "统计期间内终止调解的件数。"),
    Metric("open", "未结", "期末未结：期末及以前已受理、至期末尚未调结的案件数。"),
    Metric("overdue", "超期",
           "期末未结且调解期限早于期末的案件，加上统计期间内调结但结案日期晚于调解期限的案件。"),
    Metric("amount", "协议涉及金额", "统计期间内调解成功案件的协议金额合计（元）。", money=True),
    Metric("conf_applied", "申请司法确认", "统计期间内当事人共同申请司法确认的案件数（按申请日期）。"),
    Metric("conf_confirmed", "确认有效", "统计期间内人民法院裁定确认调解协议有效的案件数（按裁定日期）。"),
    Metric("followed", "回访", "统计期间内进行过回访的案件数。"),
    Metric("performed", "已履行", "统计期间内回访时记录为“已全部履行”的案件数。"),
    Metric("criminal_cases", "防止民转刑（件）",
           "统计期间内化解且确认防止了激化为刑事案件的风险所在案件数（风险类型“民转刑”）。"),
    Metric("criminal_people", "防止民转刑（人）", "上述风险登记的涉及人数合计。"),
    Metric("petition_cases", "防止群体性上访（件）",
           "统计期间内化解且确认防止了群体性上访的风险所在案件数（风险类型“群体性上访”）。"),
    Metric("petition_people", "防止群体性上访（人）", "上述风险登记的涉及人数合计。"),
    Metric("people", "涉及人数", "统计期间内受理案件登记的涉及人数（登记表“涉及人数”）之和。"),
    Metric("suicide_cases", "防止自杀（件）",
           "统计期间内化解且确认防止了当事人自杀的风险所在案件数（风险类型“可能导致当事人自杀”）。"),
    Metric("suicide_people", "防止自杀（人）", "上述风险登记的涉及人数合计。"),
    Metric("fight_cases", "制止群体性械斗（件）",
           "统计期间内化解且确认制止了群体性械斗的风险所在案件数（风险类型“可能引发群体性械斗”）。"),
    Metric("fight_people", "制止群体性械斗（人）", "上述风险登记的涉及人数合计。"),
)
METRIC_BY_KEY = {m.key: m for m in METRICS}
COUNT_KEYS = tuple(m.key for m in METRICS if not m.money)

SUCCESS_RATE_LABEL = "调解成功率"
SUCCESS_RATE_DEF = ("调解成功率 = 调解成功件数 ÷ 受理件数（司法行政部门月报口径）。分子按结案日期、"
                    "分母按受理日期统计，跨月案件可使比率超过 100%。")
RESOLVE_RATE_LABEL = "化解率"
RESOLVE_RATE_DEF = ("化解率 = 化解件数 ÷ 排查发现件数（综治中心矛盾纠纷排查台账口径）。分母为统计期间内"
                    "排查发现的纠纷，分子为其中至期末已化解的纠纷。")


def half_up(value: Decimal, unit: Decimal = CENT) -> Decimal:
    return value.quantize(unit, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Rate:
    label: str
    definition: str
    numerator: int
    denominator: int

    @property
    def percent(self) -> Decimal | None:
        """Percentage, half-up to two decimals; None when the denominator is zero."""
        if not self.denominator:
            return None
        return half_up(Decimal(self.numerator) * 100 / Decimal(self.denominator))

    @property
    def fraction(self) -> Decimal | None:
        """The same value as a fraction (0.9738), for spreadsheets' percent format."""
        p = self.percent
        return None if p is None else p / 100

    @property
    def text(self) -> str:
        p = self.percent
        return "—" if p is None else f"{p}%"


def success_rate(counts: dict[str, int | Decimal]) -> Rate:
    return Rate(SUCCESS_RATE_LABEL, SUCCESS_RATE_DEF, int(counts.get("succeeded", 0)),
                int(counts.get("accepted", 0)))


def empty_counts() -> dict[str, int | Decimal]:
    return {m.key: (Decimal("0.00") if m.money else 0) for m in METRICS}


@dataclass
class Row:
    key: str  # the dimension value as text ("" for the total row)
    label: str
    counts: dict[str, int | Decimal] = field(default_factory=empty_counts)

    @property
    def rate(self) -> Rate:
        return success_rate(self.counts)


@dataclass
class Breakdown:
    key: str  # committee / dispute_type / source_group / source / mediator / joint
    title: str  # 按纠纷类型
    column: str  # 纠纷类型
    rows: list[Row]


@dataclass
class TrendPoint:
    period: Period
    accepted: int
    succeeded: int
    closed: int

    @property
    def rate(self) -> Rate:
        return Rate(SUCCESS_RATE_LABEL, SUCCESS_RATE_DEF, self.succeeded, self.accepted)


@dataclass
class SweepRow:
    key: str
    label: str
    found: int
    resolved: int

    @property
    def rate(self) -> Rate:
        return Rate(RESOLVE_RATE_LABEL, RESOLVE_RATE_DEF, self.resolved, self.found)


@dataclass
class Report:
    period: Period
    committee_ids: list[int]
    committee_label: str  # 青山街道人民调解委员会 / 全部调委会（3 个）
    generated_at: dt.datetime
    total: Row
    breakdowns: list[Breakdown]
    trend: list[TrendPoint]
    sweep_total: SweepRow
    sweep_rows: list[SweepRow]

    @property
    def success_rate(self) -> Rate:
        return self.total.rate

    @property
    def resolve_rate(self) -> Rate:
        return self.sweep_total.rate

    def breakdown(self, key: str) -> Breakdown:
        for b in self.breakdowns:
            if b.key == key:
                return b
        raise KeyError(key)

    @property
    def title(self) -> str:
        return f"{self.committee_label}人民调解工作统计表（{self.period.label}）".replace(
            "委员会人民调解", "委员会")

    @property
    def range_text(self) -> str:
        p = self.period
        return (f"统计期间：{format_date(p.start)} 至 {format_date(p.end)}　"
                f"制表时间：{format_datetime(self.generated_at)}")


def definitions(report: Report | None = None) -> list[tuple[str, str]]:
    """(term, definition) for the 说明 sheet / page, including the rates with their figures."""
    out = [(m.label, m.definition) for m in METRICS]
    if report is not None:
        sr, rr = report.success_rate, report.resolve_rate
        out.append((SUCCESS_RATE_LABEL, (f"{SUCCESS_RATE_DEF} 本期：{sr.numerator} ÷ "
                    f"{sr.denominator} = {sr.text}")))
        out.append((RESOLVE_RATE_LABEL, (f"{RESOLVE_RATE_DEF} 本期：{rr.numerator} ÷ "
                    f"{rr.denominator} = {rr.text}")))
    else:
        out += [(SUCCESS_RATE_LABEL, SUCCESS_RATE_DEF), (RESOLVE_RATE_LABEL, RESOLVE_RATE_DEF)]
    out += [
        ("排查发现", "统计期间内（按排查日期）登记在矛盾纠纷排查台账中的纠纷件数。"),
        ("化解", "上述纠纷中标记为已化解、且化解日期不晚于期末（或未填化解日期）的件数。"),
        ("比率", "分母为 0 时显示“—”；百分比按四舍五入保留两位小数。"),
        ("口径", ("按案件当前记录统计：恢复调解的案件以最后一次结案计；不予受理、未受理即移送的案件"
                 "不计入受理和未结；联合调解按案件各次调解的参加人员类型组合分类。")),
        ("个人信息", "本表为汇总数据，不含当事人姓名、身份证号码、电话、住址等个人信息。"),
    ]
    return out
