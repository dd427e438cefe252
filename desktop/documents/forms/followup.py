"""人民调解回访记录 (Art. 31): how the agreement is being performed."""

from __future__ import annotations

from reportlab.platypus import Flowable, PageBreak

from desktop.documents import blocks
from desktop.documents.data import CaseDocumentData, RenderOptions
from desktop.documents.forms.common import fdate, sign_cell
from desktop.domain.errors import ValidationError


def story(data: CaseDocumentData, opts: RenderOptions) -> list[Flowable]:
    if not data.followups:
        raise ValidationError("该案件还没有回访记录。")
    s: list[Flowable] = []
    parties = "、".join(f"{p.name}（{p.side_label}）" for p in data.parties)
    for i, f in enumerate(data.followups):
        if i:
            s.append(PageBreak())
        s += [blocks.title("人民调解回访记录"), blocks.number_line(f"编号：{data.case.number}")]
        s.append(blocks.grid(
            [["当事人", parties, "", ""],
             ["协议编号", data.case.number, "", ""],
             ["回访事项", f.matter or "调解协议履行情况", "", ""],
             ["回访时间", fdate(f.visited_on), "回访方式", f.method.label],
             ["协议履行情况", f.performance.label, "当事人满意度", f.satisfaction.label],
             ["是否起诉", "是" if f.lawsuit else "否", "有无激化风险",
              "有" if f.escalation_risk else "无"],
             ["回访情况", f.findings, "", ""],
             ["处理措施", f.action or "—", "", ""],
             ["回访人", f.visitor, "记录日期", fdate(f.visited_on)]],
            [22, 30, 22, 30], label_cols=(0,), label_cells=[(3, 2), (4, 2), (5, 2), (8, 2)],
            spans=[((1, r), (3, r)) for r in (0, 1, 2, 6, 7)],
            min_heights_mm={6: 70, 7: 30}))
        s += [blocks.spacer(3), blocks.sign_table(
            [["回访人（签名）", f.visitor, sign_cell(data, f.visitor, mediator=True)]])]
    return s
