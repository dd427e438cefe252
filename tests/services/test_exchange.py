"""No double entry: work-order lists in (idempotent, every bad row named, GBK, both backends),
results back to the referring platform, and cases out and back in between installations."""

from __future__ import annotations

import csv
import datetime as dt
import json
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from desktop.domain.errors import ValidationError
from desktop.services import Desk
from desktop.services.dto import (
    AgreementInput,
    FollowUpInput,
    ObligationInput,
    ParticipantInput,
    PartyInput,
    SessionInput,
)
from desktop.services.exchange import ExchangeService
from desktop.services.referrals import (
    ReferralError,
    ReferralService,
    load_mapping,
    open_referrals,
)
from desktop.store.db import Database
from desktop.store.models import AuditEntry, Case, ExternalRef
from desktop.store.opening import open_database
from tests.helpers.db import Desks

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
HEADER = ["工单编号", "来电时间", "来电人", "联系电话", "被反映人", "诉求类型", "工单内容", "派单单位"]


def hotline_rows(start: int, n: int) -> list[list[str]]:
    return [[f"GD2026{i:06d}", f"2026-11-{1 + i % 25:02d} 09:{i % 60:02d}", f"杨{'兰梅菊竹'[i % 4]}{'甲乙丙丁戊己庚辛壬癸'[i % 10]}",
             f"139{i:08d}", f"孔{'明亮'[i % 2]}", "邻里纠纷" if i % 3 else "物业",
             f"第{i}号工单：楼上漏水至楼下，协商未果。", "青山区12345热线"]
            for i in range(start, start + n)]


def write_csv(path: Path, rows: list[list[str]], encoding: str = "gbk") -> Path:
    with path.open("w", encoding=encoding, newline="") as f:
        w = csv.writer(f)
        w.writerow(["青山区12345热线工单派发清单"])
        w.writerow(HEADER)
        w.writerows(rows)
    return path


def write_xlsx(path: Path, rows: list[list[str]]) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.append(["青山区12345热线工单派发清单（2026年11月）"])
    ws.merge_cells("A1:H1")
    ws.append(HEADER)
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


def run_import(desk: Desk, path: Path, **kw: object):  # type: ignore[no-untyped-def]
    sheet = open_referrals(path)
    return ReferralService(desk.db, desk.actor).import_referrals(
        sheet, load_mapping(None, sheet.headers), "hotline_12345", **kw)  # type: ignore[arg-type]


def case_count(db: Database) -> int:
    with db.read() as s:
        return s.scalar(select(func.count()).select_from(Case)) or 0


# -- referral import --------------------------------------------------------------------------

@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def backend_desks(request):  # type: ignore[no-untyped-def]
    if request.param == "sqlite":
        yield request.getfixturevalue("desks")
        return
    db = open_database(request.getfixturevalue("pg_url"))
    yield Desks(db)
    db.close()


def test_referral_import_is_idempotent_and_overlaps_add_only_new(backend_desks, tmp_path):  # type: ignore[no-untyped-def]
    wang = backend_desks["wang"]
    first = write_csv(tmp_path / "week1.csv", hotline_rows(1, 30))
    before = case_count(wang.db)
    dry = run_import(wang, first, dry_run=True)
    assert dry.new == 30 and case_count(wang.db) == before  # a dry run writes nothing
    result = run_import(wang, first)
    assert (result.new, result.already) == (30, 0)
    assert case_count(wang.db) == before + 30
    again = run_import(wang, first)
    assert (again.new, again.already) == (0, 30)
    overlap = write_xlsx(tmp_path / "week2.xlsx", hotline_rows(21, 20))  # 21–30 known, 31–40 new
    later = run_import(wang, overlap)
    assert (later.new, later.already) == (10, 10)
    assert case_count(wang.db) == before + 40
    with wang.db.read() as s:
        refs = s.scalars(select(ExternalRef.ref).order_by(ExternalRef.ref)).all()
        case = s.get(Case, s.scalar(select(ExternalRef.case_id).where(
            ExternalRef.ref == "GD2026000007")))
        assert len(refs) == len(set(refs)) == 40
        assert case.status == "registered" and case.source == "hotline_12345"
        assert case.referring_unit == "青山区12345热线" and case.dispute_type == "neighbor"
        assert case.registered_at.date() == dt.date(2026, 11, 8)
        assert case.mediator_id == wang.actor.user_id
        case_id = case.id
    detail = wang.cases.get(case_id)
    assert [p.name for p in detail.parties] == ["杨竹辛", "孔亮"]


def test_every_bad_row_is_named_and_nothing_is_written(desks, tmp_path):  # type: ignore[no-untyped-def]
    wang = desks["wang"]
    rows = hotline_rows(1, 5)
    rows[1][0] = ""  # no number
    rows[2][1] = "2026-02-30"
    rows[3][5] = "噪音扰民"
    rows[4][3] = "1391234"
    before = case_count(wang.db)
    with pytest.raises(ReferralError) as err:
        run_import(wang, write_csv(tmp_path / "bad.csv", rows, encoding="utf-8-sig"))
    text = [str(p) for p in err.value.problems]
    assert any(t.startswith("第 4 行“工单编号”列") for t in text)
    assert any(t.startswith("第 5 行“来电时间”列") for t in text)
    assert any(t.startswith("第 6 行“诉求类型”列") and "噪音扰民" in t for t in text)
    assert any(t.startswith("第 7 行“联系电话”列") for t in text)
    assert err.value.total == 4 and "未导入任何案件" in err.value.message
    assert case_count(wang.db) == before


def test_mapping_file_names_columns_source_and_types(desks, tmp_path):  # type: ignore[no-untyped-def]
    rows = [["派出所移送编号", "移送日期", "申请人", "对方", "案情"],
            ["PCS-001", "2026年11月3日", "李雷", "韩梅梅", "邻里口角后互殴，双方同意调解。"]]
    path = tmp_path / "police.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    mapping = tmp_path / "map.json"
    mapping.write_text(json.dumps({"columns": {"external_ref": "派出所移送编号", "respondent": "D",
                                               "facts": "案情"},
                                   "source": "police_station", "referring_unit": "青山派出所"},
                                  ensure_ascii=False), encoding="utf-8")
    sheet = open_referrals(path)
    svc = ReferralService(desks.db, desks["wang"].actor)
    result = svc.import_referrals(sheet, load_mapping(mapping, sheet.headers), None)
    assert result.new == 1
    with desks.db.read() as s:
        case = s.get(Case, result.case_ids[0])
        assert (case.source, case.referring_unit, case.referral_ref) == (
            "police_station", "青山派出所", "PCS-001")
    mapping.write_text(json.dumps({"columns": {"facts": "不存在的列"}}, ensure_ascii=False),
                       encoding="utf-8")
    with pytest.raises(ValidationError) as err:
        load_mapping(mapping, sheet.headers)
    assert "表头中没有“不存在的列”" in err.value.message


def test_results_go_back_without_personal_data(desks, tmp_path):  # type: ignore[no-untyped-def]
    wang = desks["wang"]
    result = run_import(wang, write_csv(tmp_path / "w.csv", hotline_rows(1, 3)))
    first = result.case_ids[0]
    ref = wang.intake.accept(first, wang.cases.get(first).version)
    wang.outcomes.terminate(ref.id, "一方拒绝继续调解", "")
    rows = ReferralService(desks.db, wang.actor).results("hotline_12345", dt.date(2026, 1, 1))
    by_ref = {r["工单号"]: r for r in rows}
    done = by_ref["GD2026000001"]
    assert done["办理结果"] == "调解终止" and done["案号"].startswith("（")
    assert "一方拒绝继续调解" in done["办理情况"] and done["调解员"] == "王建国"
    assert by_ref["GD2026000002"]["办理结果"] == "办理中"
    flat = json.dumps(rows, ensure_ascii=False)
    assert "139" not in flat  # no phones (nor ID numbers) in the feedback


# -- case exchange ----------------------------------------------------------------------------

def full_case(desk: Desk) -> int:
    from tests.helpers.cases import draft

    ref = desk.intake.register(draft())
    ref = desk.intake.accept(ref.id, ref.version)
    desk.sessions.add(ref.id, SessionInput(
        dt.datetime(2026, 11, 20, 9, 30), "青山街道综治中心调解室", content="释法析理",
        result="达成一致", agreed=True, participants=[
            ParticipantInput("mediator", "王建国", role="host"),
            ParticipantInput("police", "赵警官", unit="青山派出所", number="012345"),
            ParticipantInput("lawyer", "孙律师", unit="青山律师事务所", number="13301201810123456"),
        ]))
    detail = desk.cases.get(ref.id)
    a, b = detail.parties[:2]
    desk.outcomes.save_agreement(ref.id, AgreementInput(
        facts="楼上漏水", disputed_matters="维修与赔偿", obligations=[
            ObligationInput("支付维修费", b.id, a.id, Decimal("1234.50")),
            ObligationInput("修复卫生间防水层", b.id, None, None)]))
    for p in detail.parties:
        desk.outcomes.sign(ref.id, signer_kind="party", signer_name=p.name, png=PNG, party_id=p.id)
    desk.outcomes.sign(ref.id, signer_kind="mediator", signer_name=desk.actor.display_name,
                       png=PNG + b"m", user_id=desk.actor.user_id)
    desk.outcomes.conclude_written(ref.id)
    desk.followups.add(ref.id, FollowUpInput(dt.date.today(), "phone", "full", "satisfied",
                                            findings="已履行"))
    return ref.id


def target_db(template_db_file: Path, tmp_path: Path) -> Database:
    path = tmp_path / "county.sqlite3"
    shutil.copy(template_db_file, path)
    return open_database(f"sqlite:///{path}")


def test_export_json_then_import_into_another_installation_is_identical(
        desks, template_db_file, tmp_path):  # type: ignore[no-untyped-def]
    wang = desks["wang"]
    cid = full_case(wang)
    out = tmp_path / "cases.zip"
    result = ExchangeService(desks.db, desks["zhuren"].actor).export_cases(
        out, fmt="json", with_documents=True, target="县司法局")
    assert result.cases == 1
    county = target_db(template_db_file, tmp_path)
    try:
        director = Desks(county)["zhuren"]
        imported = ExchangeService(county, director.actor).import_cases(out)
        assert (imported.new, imported.updated) == (1, 0)
        src = wang.cases.get(cid, unmask=True)
        with county.read() as s:
            new_id = s.scalar(select(Case.id).where(Case.number == src.number))
        dst = Desks(county)["wang"].cases.get(new_id, unmask=True)
        assert dst.number == src.number and dst.status == src.status == "succeeded"
        assert [(p.name, p.id_number, p.phone) for p in dst.parties] == \
            [(p.name, p.id_number, p.phone) for p in src.parties]
        assert [[(q.kind, q.unit, q.number) for q in x.participants] for x in dst.sessions] == \
            [[(q.kind, q.unit, q.number) for q in x.participants] for x in src.sessions]
        assert dst.agreement is not None and src.agreement is not None
        assert [(o.content, o.amount) for o in dst.agreement.obligations] == \
            [(o.content, o.amount) for o in src.agreement.obligations]
        assert dst.mediator_name == "王建国"  # users travel by login name
        history = Desks(county)["zhuren"].cases.history(new_id)
        assert any("［原记录" in h.summary and "登记" in h.summary for h in history)
        # the county's own next number for that committee and year follows the imported one
        with county.read() as s:
            from desktop.store.models import NumberCounter

            counters = s.scalars(select(NumberCounter)).all()
            assert any(c.last_seq >= 1 for c in counters)
        # importing the same file again updates, never duplicates
        again = ExchangeService(county, director.actor).import_cases(out)
        assert (again.new, again.updated) == (0, 1)
        assert case_count(county) == 1
    finally:
        county.close()


def test_a_number_that_belongs_to_another_case_is_refused(desks, template_db_file, tmp_path):  # type: ignore[no-untyped-def]
    wang = desks["wang"]
    full_case(wang)
    out = tmp_path / "cases.json"
    ExchangeService(desks.db, desks["zhuren"].actor).export_cases(out, fmt="json")
    county = target_db(template_db_file, tmp_path)
    try:
        other = Desks(county)["wang"]
        from tests.helpers.cases import draft

        ref = other.intake.register(draft(parties=[
            PartyInput("赵六", side="applicant"), PartyInput("钱七", side="respondent")]))
        other.intake.accept(ref.id, ref.version)  # takes the same number, for another case
        with county.read() as s:
            audit_before = s.scalar(select(func.count()).select_from(AuditEntry))
        with pytest.raises(ValidationError) as err:
            ExchangeService(county, Desks(county)["zhuren"].actor).import_cases(out)
        assert "已属于另一件案件" in err.value.message
        assert case_count(county) == 1
        with county.read() as s:
            assert s.scalar(select(func.count()).select_from(AuditEntry)) == audit_before
    finally:
        county.close()


def test_json_export_follows_the_published_schema(desks, tmp_path):  # type: ignore[no-untyped-def]
    import jsonschema

    full_case(desks["wang"])
    svc = ExchangeService(desks.db, desks["zhuren"].actor)
    schema = json.loads((Path(__file__).resolve().parents[2] / "docs" / "exchange"
                         / "cases-v1.schema.json").read_text(encoding="utf-8"))
    for masked in (False, True):
        out = tmp_path / f"cases-{masked}.json"
        svc.export_cases(out, fmt="json", masked=masked)
        payload = json.loads(out.read_text(encoding="utf-8"))
        jsonschema.validate(payload, schema)
        assert ("rows" in payload["cases"][0]) is not masked
    payload["cases"][0]["status"] = "成功"  # the schema can fail
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(payload, schema)


def test_incremental_export_sends_only_changed_cases(desks, tmp_path):  # type: ignore[no-untyped-def]
    wang = desks["wang"]
    first = full_case(wang)
    from tests.helpers.cases import draft

    second = wang.intake.register(draft()).id
    svc = ExchangeService(desks.db, desks["zhuren"].actor)
    all_ = svc.export_cases(tmp_path / "a.json", fmt="json", target="县")
    assert all_.cases == 2
    none = svc.export_cases(tmp_path / "b.json", fmt="json", target="县", changed=True)
    assert none.cases == 0
    wang.cases.get(first, unmask=True)  # a look is not a change
    wang.intake.accept(second, wang.cases.get(second).version)
    one = svc.export_cases(tmp_path / "c.json", fmt="json", target="县", changed=True)
    assert one.cases == 1
    payload = json.loads((tmp_path / "c.json").read_text(encoding="utf-8"))
    assert payload["cases"][0]["status"] == "accepted"


def test_xlsx_and_csv_one_row_per_case_masked(desks, tmp_path):  # type: ignore[no-untyped-def]
    wang = desks["wang"]
    full_case(wang)
    svc = ExchangeService(desks.db, desks["zhuren"].actor)
    svc.export_cases(tmp_path / "c.xlsx", fmt="xlsx", masked=True)
    ws = load_workbook(tmp_path / "c.xlsx").active
    header = [c.value for c in ws[1]]
    row = dict(zip(header, [c.value for c in ws[2]], strict=True))
    assert row["调解结果"] == "书面协议" and "民警赵警官（青山派出所）" in row["联合调解参加人"]
    assert "*" in (row["证件号码"] or "*") and "****" in row["联系电话"]
    svc.export_cases(tmp_path / "c.csv", fmt="csv", mapping={"案号": "调解案号"})
    text = (tmp_path / "c.csv").read_text(encoding="utf-8-sig")
    assert text.startswith("调解案号,")
    with pytest.raises(ValidationError) as err:
        svc.export_cases(tmp_path / "missing" / "x.csv", fmt="csv")
    assert "不存在" in err.value.message
