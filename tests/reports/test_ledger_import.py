"""Ledger import: mapping guessed from Chinese headers, every bad row named, all-or-nothing,
idempotent re-import, and the imported sweep feeding the 化解率."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import func, select

from desktop.cli import main
from desktop.domain.errors import PermissionDenied, ValidationError
from desktop.reports.period import Period
from desktop.services.ledger import LedgerError, LedgerService, guess_mapping, open_ledger
from desktop.services.reports import ReportService
from desktop.store.models import SweepRecord
from tests.helpers.db import PASSWORDS
from tests.reports.ledgers import HEADER, sweep_rows, write_xlsx


def count(db) -> int:  # type: ignore[no-untyped-def]
    with db.read() as s:
        return int(s.scalar(select(func.count()).select_from(SweepRecord)) or 0)


def test_mapping_guess_from_chinese_headers() -> None:
    m = guess_mapping(["序号", "排查时间", "纠纷当事人", "矛盾纠纷类型", "信息来源", "基本情况",
                       "处理情况", "办结日期", "包案责任人"])
    assert m == {"found_on": 1, "parties": 2, "dispute_type": 3, "source": 4, "summary": 5,
                 "resolution": 6, "resolved_on": 7, "responsible": 8}
    assert guess_mapping(HEADER)["found_on"] == 1


@pytest.mark.slow
def test_2446_swept_2382_resolved_gives_97_38(any_db, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from tests.helpers.db import Desks

    desks = Desks(any_db)
    path = write_xlsx(tmp_path / "台账.xlsx", sweep_rows(2446, 2382))
    svc = LedgerService(any_db, desks.actor("zhuren"))
    result = svc.import_ledger(path)
    assert (result.rows, result.new, result.resolved) == (2446, 2446, 2382)
    report = ReportService(any_db, desks.actor("zhuren")).report(Period.parse("2026"))
    rate = report.resolve_rate
    assert (rate.numerator, rate.denominator, rate.text) == (2382, 2446, "97.38%")
    # the same file again: nothing new, nothing changed
    again = svc.import_ledger(path)
    assert (again.new, again.updated, again.unchanged) == (0, 0, 2446)
    assert count(any_db) == 2446


def test_reimport_updates_rows_resolved_since(db, desks, tmp_path) -> None:  # type: ignore[no-untyped-def]
    rows = sweep_rows(10, 4)
    svc = LedgerService(db, desks.actor("zhuren"))
    svc.import_ledger(write_xlsx(tmp_path / "a.xlsx", rows))
    rows[5][6], rows[5][7] = "已化解", rows[5][1] + dt.timedelta(days=9)
    result = svc.import_ledger(write_xlsx(tmp_path / "b.xlsx", rows))
    assert (result.new, result.updated, result.unchanged) == (0, 1, 9)
    report = ReportService(db, desks.actor("zhuren")).report(Period.parse("2026"))
    assert (report.resolve_rate.numerator, report.resolve_rate.denominator) == (5, 10)


def test_blank_lines_two_level_merged_header_and_csv(db, desks, tmp_path) -> None:  # type: ignore[no-untyped-def]
    rows = sweep_rows(6, 3)
    for r in rows:  # 是否化解 column instead of free text
        r[6] = "是" if r[7] else "否"
    rows.insert(2, [None] * 9)
    rows.insert(5, ["", "  ", None, "", "", "", "", "", ""])
    path = write_xlsx(tmp_path / "two.xlsx", rows, two_level=True)
    ledger = open_ledger(path)
    assert ledger.headers[6:8] == ["是否化解", "化解日期"] and ledger.headers[1] == "排查日期"
    assert ledger.rows[0][0] == 4  # data starts below the two header rows
    svc = LedgerService(db, desks.actor("zhuren"))
    result = svc.import_ledger(ledger)
    assert (result.new, result.resolved, result.blank_rows) == (6, 3, 2)
    csv_path = tmp_path / "t.csv"
    lines = [",".join(HEADER), "1,2026/3/5,赵一、钱二,邻里,当事人申请,噪音,已化解,2026年3月9日,李四",
             ",,,,,,,,", "2,20260306,孙三,合同纠纷,,欠款,化解中,,李四"]
    csv_path.write_text("\n".join(lines), encoding="gbk")  # a WPS-style GBK CSV
    r2 = svc.import_ledger(csv_path)
    assert (r2.new, r2.resolved, r2.blank_rows) == (2, 1, 1)
    with db.read() as s:
        rec = s.scalars(select(SweepRecord).where(SweepRecord.parties == "赵一、钱二")).one()
        assert (rec.found_on, rec.resolved_on, rec.dispute_type) == (
            dt.date(2026, 3, 5), dt.date(2026, 3, 9), "neighbor")


def test_every_bad_row_named_and_nothing_written(db, desks, tmp_path) -> None:  # type: ignore[no-untyped-def]
    rows = sweep_rows(8, 4)
    rows[1][1] = "2026-13-40"  # no such date            -> row 4
    rows[2][3] = "外星人纠纷"  # unknown type              -> row 5
    rows[3][2] = None  # no parties                        -> row 6
    rows[4][7] = "明天"  # resolved_on not a date          -> row 7
    rows[5][7] = rows[5][1] - dt.timedelta(days=1)  # resolved before found -> row 8
    rows[6][1] = 3.5  # a number where a date belongs      -> row 9
    path = write_xlsx(tmp_path / "bad.xlsx", rows)
    svc = LedgerService(db, desks.actor("zhuren"))
    with pytest.raises(LedgerError) as info:
        svc.import_ledger(path)
    text = [str(p) for p in info.value.problems]
    assert info.value.total == 6
    assert text[0].startswith("第 4 行“排查日期”列：") and "2026-13-40" in text[0]
    assert text[1].startswith("第 5 行“纠纷类型”列：未知的纠纷类型“外星人纠纷”")
    assert text[2] == "第 6 行“当事人”列：当事人为空。"
    assert text[3].startswith("第 7 行“化解日期”列：") and "明天" in text[3]
    assert text[4] == "第 8 行“化解日期”列：化解日期早于排查日期。"
    assert text[5].startswith("第 9 行“排查日期”列：")
    assert "未导入任何数据" in info.value.message
    assert count(db) == 0
    with pytest.raises(LedgerError):
        svc.import_ledger(path, dry_run=True)


def test_not_a_spreadsheet_and_missing_columns(db, desks, tmp_path) -> None:  # type: ignore[no-untyped-def]
    svc = LedgerService(db, desks.actor("zhuren"))
    fake = tmp_path / "台账.xlsx"
    fake.write_bytes(b"%PDF-1.7 this is not a workbook")
    with pytest.raises(ValidationError, match="不是可读取的 Excel"):
        svc.import_ledger(fake)
    png = tmp_path / "photo.png"
    png.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    with pytest.raises(ValidationError, match="不是可读取的"):
        svc.import_ledger(png)
    binary_csv = tmp_path / "x.csv"
    binary_csv.write_bytes(b"\x00\x01\x02garbage")
    with pytest.raises(ValidationError, match="二进制"):
        svc.import_ledger(binary_csv)
    no_header = write_xlsx(tmp_path / "nh.xlsx", [[1, 2, 3]], header=["甲", "乙", "丙"])
    with pytest.raises(ValidationError, match="找不到表头"):
        svc.import_ledger(no_header)
    no_type = write_xlsx(tmp_path / "nt.xlsx", [[1, dt.date(2026, 1, 2), "张三"]],
                         header=["序号", "排查日期", "当事人"])
    with pytest.raises(LedgerError, match="纠纷类型"):
        svc.import_ledger(no_type)
    assert count(db) == 0


def test_permissions(db, desks, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = write_xlsx(tmp_path / "a.xlsx", sweep_rows(3, 1))
    with pytest.raises(PermissionDenied):
        LedgerService(db, desks.actor("ducha")).import_ledger(path)
    b = desks.actor("zhao").committee_id
    with pytest.raises(PermissionDenied):
        LedgerService(db, desks.actor("zhuren")).import_ledger(path, committee_id=b)
    LedgerService(db, desks.actor("admin")).import_ledger(path, committee_id=b)
    with db.read() as s:
        assert set(s.scalars(select(SweepRecord.committee_id))) == {b}


@pytest.mark.slow
def test_cli_import_dry_run_mapping_and_report(db_file, tmp_path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    header = ["编号", "时间", "姓名", "类别", "渠道", "情况", "结果", "完成", "人员"]
    path = write_xlsx(tmp_path / "odd.xlsx", sweep_rows(5, 2), header=header)
    mapping = tmp_path / "map.json"
    mapping.write_text(json.dumps({"found_on": "时间", "parties": "C", "dispute_type": "类别",
                                   "resolution": "结果", "resolved_on": "H"}), encoding="utf-8")
    monkeypatch.setenv("MEDIATIONDESK_PASSWORD", PASSWORDS["zhuren"])
    url = f"sqlite:///{db_file}"
    base = ["--db", url, "--user", "zhuren"]
    assert main(["import-ledger", str(path), "--dry-run", "--mapping", str(mapping), *base]) == 0
    assert "试运行" in capsys.readouterr().out
    assert main(["import-ledger", str(path), "--mapping", str(mapping), *base]) == 0
    assert "新增 5 条" in capsys.readouterr().out
    bad = write_xlsx(tmp_path / "bad.xlsx", [[1, "昨天", "张三", "邻里"]])
    assert main(["import-ledger", str(bad), *base]) == 1
    err = capsys.readouterr().err
    assert "第 3 行“排查日期”列" in err and "未导入任何数据" in err
    out = tmp_path / "r.xlsx"
    assert main(["report", "monthly", "--year", "2026", "--format", "xlsx", "--out", str(out),
                 *base]) == 0
    printed = capsys.readouterr().out
    assert "化解率：2 ÷ 5 = 40.00%" in printed and out.exists()
    for extra in (["--month", "2026-11"], ["--quarter", "2026Q4"],
                  ["--from", "2026-01-01", "--to", "2026-03-31"]):
        target = tmp_path / f"r{len(extra)}.csv"
        assert main(["report", "monthly", *extra, "--out", str(target), *base]) == 0
        assert target.read_bytes().startswith(b"\xef\xbb\xbf")
    assert main(["report", "monthly", "--month", "2026-13", *base]) == 1
    assert main(["report", "monthly", "--month", "2026-11", "--committee", "河西镇人民调解委员会",
                 *base]) == 1  # a director of 青山 may not
    assert "本调委会" in capsys.readouterr().err
