"""人民调解工作统计月报表 against a hand count (SQLite and PostgreSQL), and its XLSX / PDF
read back (openpyxl; pdftotext -layout, pdffonts)."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import update

from desktop.domain.errors import ValidationError
from desktop.reports.aggregate import rebuild_connection
from desktop.reports.official import COLUMN_KEYS
from desktop.reports.period import Period
from desktop.services.reports import ReportService
from desktop.store.models import Case, RiskFlag, SweepRecord

NOV = Period.parse("2026-11")
D = dt.date
# on top of tests/reports/seed.py: the people each case involves, the two new risk kinds and
# two more sweep records (one already registered as case c3, so not 预防)
PEOPLE = {"c1": 2, "c2": 5, "c3": 3, "c6": 4, "c8": 2, "c14": 10, "c15": 1, "c4": 6}
RISKS = [("c3", "suicide", 1, True, D(2026, 11, 15)),
         ("c14", "suicide", 2, False, D(2026, 11, 16)),  # not prevented
         ("c6", "suicide", 1, True, D(2026, 12, 2)),  # December
         ("c2", "fight", 15, True, D(2026, 11, 20)),
         ("c2", "fight", 8, True, D(2026, 11, 22)),  # same case: one 件, people add up
         ("c16", "fight", 6, True, D(2026, 11, 5))]


def extend(db, ids) -> None:  # type: ignore[no-untyped-def]
    with db.write() as s:
        for name, n in PEOPLE.items():
            s.execute(update(Case).where(Case.id == ids[name]).values(people_involved=n))
        for name, kind, people, prevented, resolved in RISKS:
            s.add(RiskFlag(case_id=ids[name], kind=kind, people=people, prevented=prevented,
                           resolved_on=resolved, flagged_on=D(2026, 10, 1)))
        s.add(SweepRecord(committee_id=ids["A"], fingerprint="x-1", found_on=D(2026, 11, 2),
                          dispute_type="marriage", resolved=True, resolved_on=D(2026, 11, 3),
                          case_id=ids["c3"]))
        s.add(SweepRecord(committee_id=ids["A"], fingerprint="x-2", found_on=D(2026, 11, 10),
                          dispute_type="neighbor", resolved=True, resolved_on=D(2026, 11, 11)))
        s.flush()  # rows written past the services: recount the report aggregates
        rebuild_connection(s.connection())


def row(**kw: object) -> dict[str, object]:
    out: dict[str, object] = {k: 0 for k in COLUMN_KEYS}
    out["amount"] = Decimal("0.00")
    out.update({k: Decimal(v) if isinstance(v, str) else v for k, v in kw.items()})
    return out


# Counted by hand: seed.py's November plus the lines above.
EXPECTED = {
    "neighbor": row(sweeps=2, sweep_found=3, sweep_prevented=3, accepted=3, people=9,
                    src_initiative=1, src_application=2, succeeded=2, written=1, oral=1,
                    amount="6200.50", petition_cases=1, petition_people=12, fight_cases=1,
                    fight_people=23),
    "marriage": row(sweeps=2, sweep_found=2, accepted=1, people=3, src_application=1,
                    suicide_cases=1, suicide_people=1),
    "contract": row(succeeded=1, written=1, amount="30000.00", criminal_cases=2,
                    criminal_people=5, petition_cases=1, petition_people=12),
    "damages": row(accepted=1, people=4, src_application=1),
    "labor": row(sweeps=1, sweep_found=1, sweep_prevented=1, accepted=2, people=11,
                 src_application=1, src_entrusted=1, succeeded=1, oral=1),
    "land": row(sweeps=1, sweep_found=1),
    "property_mgmt": row(fight_cases=1, fight_people=6),
}
# 排查次数 in 合计 is distinct (committee, day) over all types: 5, not the rows' sum 6
TOTAL = row(sweeps=5, sweep_found=7, sweep_prevented=4, accepted=7, people=27,
            src_initiative=1, src_application=5, src_entrusted=1, succeeded=4, written=2,
            oral=2, amount="36200.50", criminal_cases=2, criminal_people=5, suicide_cases=1,
            suicide_people=1, petition_cases=2, petition_people=24, fight_cases=2,
            fight_people=29)


@pytest.fixture
def extended(seeded):  # type: ignore[no-untyped-def]
    desks, ids = seeded
    extend(desks.db, ids)
    return desks, ids


def test_official_table_matches_hand_count(extended) -> None:  # type: ignore[no-untyped-def]
    desks, _ids = extended
    table = ReportService(desks.db, desks.actor("admin")).official_table(NOV)
    by_key = {r.key: r for r in table.rows}
    assert len(table.rows) == 16 and table.rows[-1].label == "合计"  # 15 types + 合计
    for code, expected in EXPECTED.items():
        assert by_key[code].values == expected, code
    others = [r for r in table.rows[:-1] if r.key not in EXPECTED]
    assert len(others) == 8 and all(r.values == row() for r in others)
    assert table.total.values == TOTAL
    for k in COLUMN_KEYS:
        if k != "sweeps":
            assert sum(r.values[k] for r in table.rows[:-1]) == TOTAL[k], k


def test_new_figures_in_the_report(extended) -> None:  # type: ignore[no-untyped-def]
    desks, ids = extended
    svc = ReportService(desks.db, desks.actor("admin"))
    t = svc.report(NOV).total.counts
    assert (t["people"], t["suicide_cases"], t["suicide_people"], t["fight_cases"],
            t["fight_people"]) == (27, 1, 1, 2, 29)
    groups = {r.key: r.counts["accepted"] for r in svc.report(NOV).breakdown("source_group").rows}
    assert groups == {"application": 5, "initiative": 1, "entrusted": 1}
    name = {v: k for k, v in ids.items() if k.startswith("c")}
    assert sorted(name[r.id] for r in svc.cases_behind(NOV, None, "fight_cases").rows) == \
        ["c16", "c2"]
    assert [name[r.id] for r in svc.cases_behind(NOV, None, "suicide_cases").rows] == ["c3"]
    # a director sees the own committee only (A: without c14/c15, c16 and B's sweep)
    own = ReportService(desks.db, desks.actor("zhuren")).official_table(NOV).total.values
    assert (own["accepted"], own["people"], own["sweeps"], own["sweep_found"],
            own["fight_people"]) == (5, 16, 4, 6, 23)


def test_official_xlsx_and_pdf_read_back(extended, tmp_path) -> None:  # type: ignore[no-untyped-def]
    desks, _ids = extended
    svc = ReportService(desks.db, desks.actor("admin"))
    table = svc.official_table(NOV)
    xlsx = svc.export_official(table, "xlsx", tmp_path / "月报表.xlsx")
    ws = load_workbook(xlsx).active
    assert ws["A1"].value == "人民调解工作统计月报表"
    assert "A1:U1" in {str(r) for r in ws.merged_cells.ranges}
    assert "A3:A4" in {str(r) for r in ws.merged_cells.ranges}
    assert ws.freeze_panes == "B5"
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1
    header = [ws.cell(4, j).value for j in range(2, 22)]
    assert header[:5] == ["排查次数", "排查发现纠纷", "预防纠纷", "受理（件）", "涉及人数"]
    groups = [ws.cell(3, j).value for j in range(2, 22) if ws.cell(3, j).value]
    assert groups == ["排查纠纷", "调解纠纷", "防止民转刑", "防止自杀", "防止群体性上访",
                      "制止群体性械斗"]
    labels = [ws.cell(i, 1).value for i in range(5, 21)]
    assert labels[-1] == "合计" and labels[:2] == ["婚姻家庭", "邻里"]
    total = [ws.cell(20, j).value for j in range(2, 22)]
    assert total == [TOTAL[k] for k in COLUMN_KEYS]  # real numbers, not text
    assert isinstance(ws.cell(20, 13).value, (int, float)) and ws.cell(20, 13).number_format == \
        "#,##0.00"

    pdf = svc.export_official(table, "pdf", tmp_path / "月报表.pdf")
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert "人民调解工作统计月报表" in text and "制止群体性械斗" in text
    total_line = next(line for line in text.splitlines() if line.strip().startswith("合计"))
    assert total_line.split()[1:] == ["5", "7", "4", "7", "27", "1", "5", "1", "4", "2", "2",
                                      "36,200.50", "2", "5", "1", "1", "2", "24", "2", "29"]
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True,
                          check=True).stdout
    # one A4 landscape page
    assert re.search(r"Pages:\s+1\n", info) and "841.89 x 595.276 pts (A4)" in info
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True,
                           check=True).stdout
    assert fonts.count("\n") >= 3
    assert all(" yes " in line for line in fonts.splitlines()[2:])  # every font embedded
    with pytest.raises(ValidationError, match="xlsx 或 pdf"):
        svc.export_official(table, "csv", tmp_path / "x.csv")


def test_cli_report_monthly_official(db_file, tmp_path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    from desktop.cli import main
    from desktop.store.opening import open_database
    from tests.helpers.db import PASSWORDS
    from tests.reports.seed import seed

    db = open_database(f"sqlite:///{db_file}")
    try:
        extend(db, seed(db))
    finally:
        db.close()
    monkeypatch.setenv("MEDIATIONDESK_PASSWORD", PASSWORDS["admin"])
    base = ["--db", f"sqlite:///{db_file}", "--user", "admin"]
    for fmt in ("xlsx", "pdf"):
        out = tmp_path / f"表.{fmt}"
        assert main(["report", "monthly", "--month", "2026-11", "--official", "--out", str(out),
                     *base]) == 0
        printed = capsys.readouterr().out
        assert "人民调解工作统计月报表（2026年11月）" in printed and f"已导出：{out}" in printed
        assert "涉及人数：27" in printed and "制止群体性械斗（人）：29" in printed
        assert out.exists()
    assert main(["report", "monthly", "--month", "2026-11", "--official", "--out",
                 str(tmp_path / "表.csv"), *base]) == 1
    assert "月报表只能导出为 xlsx 或 pdf" in capsys.readouterr().err


def test_people_involved_out_of_range_is_refused_by_the_service(db) -> None:  # type: ignore[no-untyped-def]
    from desktop.services.dto import CaseDraft, PartyInput
    from desktop.services.intake import IntakeService
    from tests.helpers.db import Desks

    desks = Desks(db)
    svc = IntakeService(db, desks.actor("wang"))
    parties = [PartyInput("王五"), PartyInput("赵六", side="respondent")]
    for bad in (-3, 100001):
        with pytest.raises(ValidationError) as err:
            svc.register(CaseDraft(parties=parties, dispute_type="neighbor",
                                   source="party_apply", facts="漏水", people_involved=bad))
        assert err.value.field == "people_involved" and "涉及人数" in err.value.message
    case = svc.register(CaseDraft(parties=parties, dispute_type="neighbor", source="party_apply",
                                  facts="漏水", people_involved=40))
    with db.read() as s:
        assert s.get(Case, case.id).people_involved == 40
