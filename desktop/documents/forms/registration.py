"""人民调解受理登记表: the committee registers and accepts a dispute."""

from __future__ import annotations

from reportlab.platypus import Flowable

from desktop.documents import blocks
from desktop.documents.data import CaseDocumentData, RenderOptions
from desktop.documents.forms.common import (
    age_years,
    dispute_name,
    fdate,
    issue_date,
    party_names,
    sign_cell,
)
from desktop.documents.layout import TextStyle
from desktop.domain.enums import PartyKind


def story(data: CaseDocumentData, opts: RenderOptions) -> list[Flowable]:
    c = data.case
    day = issue_date(data, c.accepted_on, c.registered_on)
    source = c.source + (f"（{c.referring_unit}）" if c.referring_unit and
                         c.referring_unit not in c.source else "")
    s: list[Flowable] = [blocks.title("人民调解受理登记表"),
                         blocks.number_line(f"编号：{c.number}")]
    s.append(blocks.grid(
        [["登记日期", fdate(c.registered_on), "受理日期", fdate(c.accepted_on)],
         ["纠纷类型", dispute_name(data), "纠纷来源", source]],
        [22, 30, 22, 30], label_cols=(0, 2)))
    rows: list[list[str]] = [["当事人", "姓名（名称）", "性别", "年龄", "民族", "职业",
                                      "证件号码", "住址（住所）及联系电话"]]
    for p in data.parties:
        if p.kind == PartyKind.ORGANIZATION:
            ident = p.credit_code
            who = f"{p.name}\n法定代表人：{p.legal_rep}" if p.legal_rep else p.name
            sex = age = nation = "—"
            job = p.legal_rep_title and f"法定代表人职务：{p.legal_rep_title}" or "—"
        else:
            ident, who = p.id_number, p.name
            sex, age = (p.sex.label if p.sex else ""), age_years(p, day)
            nation, job = p.ethnicity, p.occupation
        rows.append([p.side_label, who, sex, age, nation, job, ident,
                     f"{p.address}\n{p.phone}".strip()])
    # 五号 type in the particulars table; an ID number keeps to one line (the cell shrinks
    # its type rather than split it).
    small = TextStyle(size=10.5, leading=15)
    small_c = TextStyle(size=10.5, leading=15, align="center")
    cells = [[blocks.para(v, small_c if r == 0 or c in (0, 2, 3, 4) else small)
              for c, v in enumerate(row)] for r, row in enumerate(rows)]
    s.append(blocks.grid(cells, [15, 20, 7, 7, 13, 15, 33, 46], label_cols=(),
                         repeat_rows=1))
    s.append(blocks.grid(
        [["纠纷简要情况", c.facts],
         ["当事人申请事项", c.requests or "—"],
         ["受理意见", f"经当事人同意，调解 {party_names(data)} 之间的{dispute_name(data)}。"]],
        [22, 82]))
    sig_rows: list[list[blocks.Cell]] = []
    for p in data.parties:
        sig_rows.append(["当事人签名", p.name, sign_cell(data, p.name, height_mm=8)])
    sig_rows.append(["登记人", c.registrar, sign_cell(data, c.registrar, mediator=True,
                                                    height_mm=8)])
    s.append(blocks.keep(blocks.grid(sig_rows, [22, 34, 48], label_cols=(0,)),
                         blocks.spacer(2),
                         blocks.SealBlock(data.committee.name, fdate(day),
                                          data.committee.seal_png if opts.final else None)))
    return s
