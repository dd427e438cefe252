"""人民调解口头协议登记表 (Art. 28, 30): an oral agreement, recorded by the mediator."""

from __future__ import annotations

from reportlab.platypus import Flowable

from desktop.documents import blocks
from desktop.documents.data import CaseDocumentData, RenderOptions, mediator_names
from desktop.documents.effect import verification_qr
from desktop.documents.forms.common import (
    fdate,
    issue_date,
    money_both,
    sign_cell,
)
from desktop.documents.layout import TextStyle
from desktop.domain.enums import DocumentForm
from desktop.domain.errors import ValidationError


def story(data: CaseDocumentData, opts: RenderOptions) -> list[Flowable]:
    oral = data.oral
    if oral is None:
        raise ValidationError("该案件没有口头协议。")
    day = issue_date(data, oral.reached_on)
    s: list[Flowable] = [blocks.title("人民调解口头协议登记表"),
                         blocks.number_line(f"编号：{data.case.number}")]
    parties = "\n".join(
        f"{p.side_label}：{p.name}" + (f"（联系电话：{p.phone}）" if p.phone else "")
        for p in data.parties)
    meds = mediator_names(data)
    s.append(blocks.grid(
        [["当事人", parties],
         ["纠纷简要情况", oral.facts or data.case.facts],
         ["口头协议内容", oral.content],
         ["涉及金额", money_both(oral.amount) if oral.amount is not None else "—"],
         ["履行情况", oral.performance or "—"],
         ["达成日期", fdate(oral.reached_on)],
         ["人民调解员", "、".join(meds)]],
        [22, 82], min_heights_mm={2: 24}))
    effect = blocks.para("依照《中华人民共和国人民调解法》第三十条，口头调解协议自各方当事人达成"
                         "协议之日起生效。", TextStyle(size=12, leading=20))
    # Signatures inside the ruled form, the seal right under it.
    rows: list[list[blocks.Cell]] = [
        [f"当事人（{p.side_label}）签名", p.name, sign_cell(data, p.name)] for p in data.parties]
    rows += [["人民调解员签名", n, sign_cell(data, n, mediator=True)] for n in meds]
    s.append(blocks.LeadIn([effect], blocks.grid(rows, [38, 28, 38], label_cols=(0,)),
                           [blocks.spacer(6),
                            blocks.SealBlock(data.committee.name, fdate(day),
                                             data.committee.seal_png if opts.final else None,
                                             qr=verification_qr(DocumentForm.ORAL, data, fdate(day))
                                             if opts.final else None)]))
    return s
