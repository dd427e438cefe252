"""Reports: the monthly (quarterly, yearly, any range) statistics, drill-down and exports.

Who may see what: directors, administrators and read-only inspectors see reports; a mediator
sees his or her own committee's report too (the figures are aggregates without personal data,
and mediators are asked for them at month end). Users whose role spans the deployment
(administrators, county read-only accounts) may pick any committees or all of them; everyone
else is limited to their own committee. Drill-down lists go through the case list's own
visibility rules.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.domain.enums import JointKind, Role, SourceGroup
from desktop.domain.errors import PermissionDenied, ValidationError
from desktop.reports import aggregate, stats
from desktop.reports.figures import Breakdown, Report, Row, SweepRow, TrendPoint, empty_counts
from desktop.reports.official import COLUMN_KEYS as OFFICIAL_KEYS
from desktop.reports.official import OfficialRow, OfficialTable
from desktop.reports.period import Period
from desktop.services import dto
from desktop.services.base import ServiceBase
from desktop.store.models import Case, Committee, Lookup, User

REPORT_ROLES = (Role.DIRECTOR, Role.ADMIN, Role.READONLY, Role.MEDIATOR)
# joint-mediation rows always shown, then any other combination that has cases
JOINT_ROWS = (0, 1, 2, 4, 1 | 2, 1 | 4, 2 | 4, 1 | 2 | 4)
BREAKDOWNS = (
    ("committee", "按调委会", "调委会"),
    ("dispute_type", "按纠纷类型", "纠纷类型"),
    ("source_group", "按来源分类", "来源分类"),
    ("source", "按案件来源", "案件来源"),
    ("mediator", "按调解员", "调解员"),
    ("joint", "按联合调解", "联合调解类型"),
)
FORMATS = ("xlsx", "pdf", "csv")
UNASSIGNED = "未分配"
DIM_TITLES = {"committee_id": "调委会", "dispute_type": "纠纷类型", "source": "案件来源",
              "joint_mask": "联合调解", "mediator_id": "调解员", "type_source": "纠纷类型|来源"}
# the case dimension each breakdown rolls up
DIM_OF = {"committee": "committee_id", "dispute_type": "dispute_type", "source": "source",
          "source_group": "source", "mediator": "mediator_id", "joint": "joint_mask"}
COL_LABELS = dict(zip(stats.COLS, (
    "受理", "书面协议", "口头协议", "终止", "未结", "超期", "协议金额（分）", "申请司法确认",
    "确认有效", "回访", "已履行", "防止民转刑（件）", "防止民转刑（人）", "防止群体性上访（件）",
    "防止群体性上访（人）", "涉及人数", "防止自杀（件）", "防止自杀（人）", "制止群体性械斗（件）",
    "制止群体性械斗（人）"), strict=True))


@dataclass
class Drill:
    """The cases behind one figure: how many, and the first rows (scoped by visibility)."""

    total: int
    rows: list[dto.CaseRow]


def _add(into: list[int], raw: list[int]) -> None:
    into[:] = map(operator.add, into, raw)  # C-speed: thousands of aggregate rows


def joint_label(mask: int) -> str:
    return JointKind(mask).label


class ReportService(ServiceBase):
    # -- scope -----------------------------------------------------------------------------
    def _check_role(self) -> None:
        if self.actor.role not in REPORT_ROLES:
            raise PermissionDenied("您的角色无权查看统计报表。")

    def _check_request(self, period: Period) -> None:
        """The role may see reports and ``period`` is one (a hostile caller may pass anything)."""
        self._check_role()
        if not isinstance(period, Period):
            raise ValidationError("统计期间无效，请选择月份、季度、年度或起止日期。", field="period")

    def committees(self) -> list[tuple[int, str]]:
        """(id, name) of the committees the user may report on."""
        self._check_role()
        with self._read() as s:
            stmt = select(Committee.id, Committee.name).order_by(Committee.id)
            if not self.actor.spans_deployment:
                stmt = stmt.where(Committee.id == self.actor.committee_id)
            return [(i, n) for i, n in s.execute(stmt)]

    def _scope(self, s: Session, committee_ids: Sequence[int] | None,
               names: dict[int, str] | None = None) -> tuple[list[int] | None, str]:
        """Validated committee ids (None = all, unfiltered) and the label for the title."""
        if names is None:
            names = {i: n for i, n in s.execute(select(Committee.id, Committee.name))}
        if not self.actor.spans_deployment:
            own = self.actor.committee_id
            if own is None or (committee_ids and set(committee_ids) != {own}):
                raise PermissionDenied("您只能查看本调委会的统计报表。")
            return [own], names.get(own, "")
        if not committee_ids:
            return None, f"全部调委会（{len(names)} 个）" if len(names) > 1 else (
                next(iter(names.values()), ""))
        unknown = [c for c in committee_ids if c not in names]
        if unknown:
            raise ValidationError(f"找不到调委会：{unknown[0]}。", field="committee")
        ids = sorted(set(committee_ids))
        label = names[ids[0]] if len(ids) == 1 else "、".join(names[i] for i in ids)
        return ids, label

    def committee_ids_by_name(self, names: Sequence[str]) -> list[int]:
        """For the CLI: ``--committee 青山街道人民调解委员会`` (full or short name)."""
        with self._read() as s:
            rows = s.execute(select(Committee.id, Committee.name, Committee.short_name)).all()
        out = []
        for name in names:
            hit = [r[0] for r in rows if name.strip() in (r[1], r[2])]
            if not hit:
                raise ValidationError(f"找不到调委会“{name}”。", field="committee")
            out.append(hit[0])
        return out

    # -- the report ------------------------------------------------------------------------
    def _by_dimension(self, s: Session, period: Period, ids: list[int] | None,
                      from_cases: bool) -> dict[str, dict[Any, list[int]]]:
        """Sums per value of each dimension: from the summary table for whole months,
        quarters and years; other ranges and ``from_cases=True`` compute from the cases."""
        if not from_cases and aggregate.serves(period):
            return aggregate.dimension_sums(s, period, ids)
        return aggregate.by_dimension(stats.aggregate_rows(s, period, ids))

    def report(self, period: Period, committee_ids: Sequence[int] | None = None, *,
               trend: bool = True, from_cases: bool = False) -> Report:
        self._check_request(period)
        with self._read(shared=True) as s:
            committees = {i: n for i, n in s.execute(select(Committee.id, Committee.name))}
            ids, label = self._scope(s, committee_ids, committees)
            by_dim = self._by_dimension(s, period, ids, from_cases)
            months = period.trend_months(12)
            trend_of = stats.trend_rows if from_cases else aggregate.trend_rows
            trend_points = ([TrendPoint(m, *t) for m, t in
                             zip(months, trend_of(s, months, ids), strict=True)]
                            if trend else [])
            sweep = stats.sweep_rows(s, period, ids)
            # one round trip for the dictionaries (a report from the aggregates is a handful
            # of small statements: each one saved is a visible share of its time)
            lookup_rows = s.execute(select(Lookup.kind, Lookup.code, Lookup.name, Lookup.grp,
                                           Lookup.sort_order, Lookup.active)).all()
            lookups = {(k, c): (n, g, o) for k, c, n, g, o, _a in lookup_rows}
            active = [(k, c) for k, c, _n, _g, _o, a in lookup_rows if a]
            mediator_ids = {m for m in by_dim["mediator_id"] if m is not None}
            mediators = {i: n for i, n in s.execute(select(User.id, User.display_name)
                                                           .where(User.id.in_(mediator_ids)))} \
                if mediator_ids else {}
        total_raw = [0] * len(stats.COLS)
        for raw in by_dim["committee_id"].values():
            _add(total_raw, raw)
        total = Row("", "合计", stats.counts_of(total_raw))
        breakdowns = self._rollups(by_dim, ids, committees, lookups, active, mediators)
        sweep_rows = []
        for code, found, resolved in sorted(
                sweep, key=lambda r: lookups.get(("dispute_type", r[0]), ("", "", 999))[2]):
            sweep_rows.append(SweepRow(code, lookups.get(("dispute_type", code),
                                                         (code,))[0], found, resolved))
        sweep_total = SweepRow("", "合计", sum(r.found for r in sweep_rows),
                               sum(r.resolved for r in sweep_rows))
        return Report(period, ids or sorted(committees), label,
                      dt.datetime.now().replace(microsecond=0), total, breakdowns, trend_points,
                      sweep_total, sweep_rows)

    def _rollups(self, by_dim: dict[str, dict[Any, list[int]]], ids: list[int] | None,
                 committees: dict[int, str],
                 lookups: dict[tuple[str, str], tuple[str, str, int]],
                 active: list[tuple[str, str]], mediators: dict[int, str]) -> list[Breakdown]:
        def key_of(which: str, value: Any) -> str:
            if which == "source_group":
                return lookups.get(("source", value), ("", "", 0))[1] or "other"
            if which == "mediator":
                return "" if value is None else str(value)
            return str(value)

        def label_of(which: str, key: str) -> str:
            if which == "committee":
                return committees.get(int(key), key)
            if which in ("dispute_type", "source"):
                return lookups.get((which, key), (key,))[0]
            if which == "source_group":
                groups = {g.value: g.label for g in SourceGroup}
                return groups.get(key, "其他来源")
            if which == "mediator":
                return mediators.get(int(key), key) if key else UNASSIGNED
            return joint_label(int(key))

        def preset(which: str) -> list[str]:
            """Rows listed even when zero, in the order users expect."""
            if which in ("dispute_type", "source"):
                codes = [c for k, c in active if k == which]
                return sorted(codes, key=lambda c: lookups[(which, c)][2])
            if which == "source_group":
                return [g.value for g in SourceGroup]
            if which == "joint":
                return [str(m) for m in JOINT_ROWS]
            if which == "committee":
                return [str(c) for c in (ids or sorted(committees))]
            return []

        out = []
        for which, title, column in BREAKDOWNS:
            if which == "committee" and ids is not None and len(ids) == 1:
                continue
            sums: dict[str, list[int]] = {k: [0] * len(stats.COLS) for k in preset(which)}
            for value, raw in by_dim[DIM_OF[which]].items():
                k = key_of(which, value)
                acc = sums.get(k)
                if acc is None:
                    acc = sums[k] = [0] * len(stats.COLS)
                _add(acc, raw)
            ordered = [Row(k, label_of(which, k), stats.counts_of(v)) for k, v in sums.items()]
            if which == "mediator":
                ordered.sort(key=lambda r: (r.key == "", -int(r.counts["accepted"]), r.label))
            elif which == "joint":
                ordered.sort(key=lambda r: (int(r.key).bit_count(), int(r.key)))
            out.append(Breakdown(which, title, column, ordered))
        return out

    # -- the official monthly form ------------------------------------------------------------
    def official_table(self, period: Period, committee_ids: Sequence[int] | None = None, *,
                       from_cases: bool = False) -> OfficialTable:
        """人民调解工作统计月报表: one row per active dispute type and 合计."""
        self._check_request(period)
        with self._read(shared=True) as s:
            ids, label = self._scope(s, committee_ids)
            by_dim = self._by_dimension(s, period, ids, from_cases)
            sweeps = stats.sweep_official(s, period, ids)
            types = [(c, n) for c, n in s.execute(
                select(Lookup.code, Lookup.name).where(Lookup.kind == "dispute_type",
                                                       Lookup.active.is_(True))
                .order_by(Lookup.sort_order, Lookup.code))]
            groups = {c: g for c, g in s.execute(
                select(Lookup.code, Lookup.grp).where(Lookup.kind == "source"))}
            names = {c: n for c, n in s.execute(
                select(Lookup.code, Lookup.name).where(Lookup.kind == "dispute_type"))}
        raw: dict[str, list[int]] = {c: [0] * len(stats.COLS) for c, _n in types}
        split: dict[str, dict[str, int]] = {}
        accepted = stats.COLS.index("accepted")
        for dtype, values in by_dim["dispute_type"].items():
            _add(raw.setdefault(str(dtype), [0] * len(stats.COLS)), values)
        for pair, values in by_dim["type_source"].items():
            dtype, _bar, source = str(pair).partition("|")
            g = split.setdefault(dtype, {})
            grp = groups.get(source) or "other"
            g[grp] = g.get(grp, 0) + values[accepted]
        days: dict[str, set[tuple[int, dt.date]]] = {}
        found: dict[str, list[int]] = {}
        for cid, day, dtype, n, prevented in sweeps:
            days.setdefault(dtype, set()).add((cid, day))
            f = found.setdefault(dtype, [0, 0])
            f[0] += n
            f[1] += prevented
            raw.setdefault(dtype, [0] * len(stats.COLS))
        rows = []
        order = [c for c, _n in types] + [c for c in raw if c not in dict(types)]
        for code in order:
            figures = self._official_values(stats.counts_of(raw[code]), split.get(code, {}),
                                            len(days.get(code, ())), *found.get(code, [0, 0]))
            rows.append(OfficialRow(code, names.get(code, code), figures))
        total_raw = [0] * len(stats.COLS)
        for v in raw.values():
            _add(total_raw, v)
        total_split: dict[str, int] = {}
        for g in split.values():
            for k, n in g.items():
                total_split[k] = total_split.get(k, 0) + n
        all_days = set().union(*days.values()) if days else set()
        rows.append(OfficialRow("", "合计", self._official_values(
            stats.counts_of(total_raw), total_split, len(all_days),
            sum(f[0] for f in found.values()), sum(f[1] for f in found.values()))))
        return OfficialTable(period, label, dt.datetime.now().replace(microsecond=0), rows)

    @staticmethod
    def _official_values(counts: dict[str, Any], split: dict[str, int], sweeps: int,
                         found: int, prevented: int) -> dict[str, Any]:
        values: dict[str, Any] = {k: counts[k] for k in OFFICIAL_KEYS if k in counts}
        values.update(sweeps=sweeps, sweep_found=found, sweep_prevented=prevented,
                      src_initiative=split.get(SourceGroup.INITIATIVE.value, 0),
                      src_application=split.get(SourceGroup.APPLICATION.value, 0),
                      src_entrusted=split.get(SourceGroup.ENTRUSTED.value, 0))
        return {k: values[k] for k in OFFICIAL_KEYS}

    def export_official(self, table: OfficialTable, fmt: str, path: str | Path) -> Path:
        """Write the monthly form as xlsx or pdf (aggregates only; audited)."""
        fmt = fmt.lower().lstrip(".")
        if fmt not in ("xlsx", "pdf"):
            raise ValidationError(f"月报表只能导出为 xlsx 或 pdf（收到：{fmt}）。", field="format")
        path = Path(path)
        from desktop.reports import export_official

        if fmt == "xlsx":
            export_official.write_xlsx(table, path)
        else:
            export_official.write_pdf(table, path)
        with self._write() as tx:
            tx.audit("export_report", "report", None,
                     f"导出人民调解工作统计月报表 {table.period.label}（{table.committee_label}，"
                     f"{fmt.upper()}）", period=table.period.slug, format=fmt, official=True)
        return path

    # -- the summary table -----------------------------------------------------------------
    def rebuild_aggregates(self) -> int:
        """Recompute ``report_month`` from the cases (administrators); returns its row count."""
        self._require_role(Role.ADMIN, what="重建统计汇总表")
        with self._write() as tx:
            n = aggregate.rebuild_connection(tx.session.connection())
            tx.audit("rebuild_report", "report", None, f"重建统计汇总表（{n} 行）")
        return n

    def verify_aggregates(self, periods: Sequence[Period] | None = None) -> list[str]:
        """Compare the summary table with the computation from the cases, for ``periods`` or
        every month, quarter and year with data; one Chinese line per difference."""
        self._check_role()
        if periods is not None:
            if isinstance(periods, (str, bytes)) or not isinstance(periods, Sequence):
                raise ValidationError("统计期间无效，请选择月份、季度或年度。", field="periods")
            for p in periods:
                self._check_request(p)
        out: list[str] = []
        with self._read() as s:
            ids, _label = self._scope(s, None)
            if periods is None:
                periods = self._periods_with_data(s)
            for p in periods:
                if not aggregate.serves(p):
                    continue
                fast = aggregate.dimension_sums(s, p, ids)
                slow = aggregate.by_dimension(stats.aggregate_rows(s, p, ids))
                zero = [0] * len(stats.COLS)
                for dim, title in DIM_TITLES.items():
                    for v in sorted(set(fast[dim]) | set(slow[dim]), key=repr):
                        a, b = fast[dim].get(v, zero), slow[dim].get(v, zero)
                        for col, x, y in zip(stats.COLS, a, b, strict=True):
                            if x != y:
                                name = UNASSIGNED if v is None else v
                                out.append(f"{p.label} {title} {name}："
                                           f"{COL_LABELS[col]} 汇总表 {x}，按案件计算 {y}")
                if p.kind == "month":
                    got = aggregate.trend_rows(s, [p], ids)
                    want = stats.trend_rows(s, [p], ids)
                    if got != want:
                        out.append(f"{p.label} 趋势（受理、调解成功、调结）：汇总表 {got[0]}，"
                                   f"按案件计算 {want[0]}")
        return out

    @staticmethod
    def _periods_with_data(s: Session) -> list[Period]:
        """Every month, quarter and year from the first acceptance to the last date any
        counted event can carry (closing, visit, ruling, risk resolution)."""
        from sqlalchemy import func

        from desktop.store.models import FollowUp, JudicialConfirmation, RiskFlag

        first = s.scalar(select(func.min(Case.accepted_on)))
        if first is None:
            return []
        lasts = [s.scalar(select(func.max(c))) for c in (
            Case.accepted_on, Case.closed_on, FollowUp.visited_on, JudicialConfirmation.filed_on,
            JudicialConfirmation.ruling_on, RiskFlag.resolved_on)]
        last = max(d for d in lasts if d is not None)
        out: list[Period] = []
        y, m = first.year, first.month
        while (y, m) <= (last.year, last.month):
            out.append(Period.month(y, m))
            if m % 3 == 0 or (y, m) == (last.year, last.month):
                out.append(Period.quarter(y, (m - 1) // 3 + 1))
            if m == 12 or (y, m) == (last.year, last.month):
                out.append(Period.year(y))
            y, m = (y, m + 1) if m < 12 else (y + 1, 1)
        return out

    # -- drill-down ------------------------------------------------------------------------
    def cases_behind(self, period: Period, committee_ids: Sequence[int] | None, metric: str,
                     breakdown: str | None = None, key: str | None = None,
                     limit: int = 500) -> Drill:
        """The cases behind one number of the report (a metric, optionally in one row)."""
        self._check_role()
        if metric not in stats.METRIC_KEYS:
            raise ValidationError(f"该数字（{metric}）没有对应的案件清单。", field="metric")
        with self._read(shared=True) as s:
            ids, _label = self._scope(s, committee_ids)
            conds: list[Any] = []
            if breakdown and breakdown != "total":
                conds.append(self._dim_condition(s, breakdown, key or ""))
            total, case_ids = stats.case_ids_behind(s, period, ids, metric, conds, limit)
        rows = self._case_rows(case_ids)
        return Drill(total, rows)

    def _dim_condition(self, s: Session, breakdown: str, key: str) -> Any:
        if breakdown == "committee":
            return Case.committee_id == int(key)
        if breakdown == "dispute_type":
            return Case.dispute_type == key
        if breakdown == "source":
            return Case.source == key
        if breakdown == "source_group":
            codes = list(s.scalars(select(Lookup.code).where(Lookup.kind == "source",
                                                             Lookup.grp == key)))
            return Case.source.in_(codes)
        if breakdown == "mediator":
            return Case.mediator_id.is_(None) if not key else Case.mediator_id == int(key)
        if breakdown == "joint":
            return Case.joint_mask == int(key)
        raise ValidationError(f"未知的分类：{breakdown}", field="breakdown")

    def _case_rows(self, case_ids: list[int]) -> list[dto.CaseRow]:
        from desktop.services.cases import CaseService

        by_id = CaseService(self.db, self.actor).rows_by_id(case_ids)
        return [by_id[i] for i in case_ids if i in by_id]

    # -- exports ---------------------------------------------------------------------------
    def export(self, report: Report, fmt: str, path: str | Path,
               progress: Callable[[int, str], None] | None = None) -> Path:
        """Write ``report`` as xlsx / pdf / csv to ``path`` (aggregates only; audited)."""
        fmt = fmt.lower().lstrip(".")
        if fmt not in FORMATS:
            raise ValidationError(f"不支持的导出格式：{fmt}（可选 xlsx、pdf、csv）。", field="format")
        path = Path(path)
        if progress:
            progress(10, "正在生成文件…")
        try:
            if fmt == "xlsx":
                from desktop.reports.export_xlsx import write_xlsx
                write_xlsx(report, path)
            elif fmt == "pdf":
                from desktop.reports.export_pdf import write_pdf
                write_pdf(report, path)
            else:
                from desktop.reports.export_csv import write_csv
                write_csv(report, path)
        except OSError as err:  # the file first, the audit entry only once it exists
            raise ValidationError(f"输出文件：无法写入 {path}（{err.strerror or err}），"
                                  "请检查文件夹是否存在、是否有写入权限。", field="out") from err
        if progress:
            progress(90, "正在记录导出日志…")
        with self._write() as tx:
            tx.checkpoint = "report"  # each issued report anchors the audit chain (signed)
            tx.audit("export_report", "report", None,
                     f"导出统计报表 {report.period.label}（{report.committee_label}，{fmt.upper()}）",
                     period=report.period.slug, committees=report.committee_ids, format=fmt)
        if progress:
            progress(100, "完成")
        return path


__all__ = ["BREAKDOWNS", "FORMATS", "Drill", "Period", "ReportService", "empty_counts"]
