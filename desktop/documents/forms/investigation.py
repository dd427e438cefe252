"""人民调解调查记录: one record per investigation (time, place, who, what was found)."""

from __future__ import annotations

from reportlab.platypus import Flowable, PageBreak

from desktop.documents import blocks
from desktop.documents.data import CaseDocumentData, RenderOptions
from desktop.documents.forms.common import fspan, sign_cell
from desktop.domain.enums import ParticipantKind
from desktop.domain.errors import ValidationError


def story(data: CaseDocumentData, opts: RenderOptions) -> list[Flowable]:
    if not data.investigations:
        raise ValidationError("该案件没有调查记录。")
    s: list[Flowable] = []
    for i, inv in enumerate(data.investigations):
        if i:
            s.append(PageBreak())
        investigators = [p.name for p in inv.participants
                         if p.kind == ParticipantKind.MEDIATOR] or list(data.mediators)
        s += [blocks.title("人民调解调查记录"), blocks.number_line(f"编号：{data.case.number}")]
        who = inv.interviewee + (f"（{inv.interviewee_details}）" if inv.interviewee_details
                                 else "")
        others = "、".join(p.name for p in inv.participants
                          if p.kind not in (ParticipantKind.MEDIATOR, ParticipantKind.RECORDER)
                          and p.name != inv.interviewee)
        s.append(blocks.grid(
            [["调查时间", fspan(inv.started_at, inv.ended_at)],
             ["调查地点", inv.place],
             ["调查人", "、".join(investigators)],
             ["被调查人", who],
             ["在场人", others or "—"],
             ["记录人", inv.recorder],
             ["调查内容", inv.content]],
            [22, 82], min_heights_mm={6: 90}))
        rows = [["被调查人（签名）", inv.interviewee, sign_cell(data, inv.interviewee)]]
        rows += [["调查人（签名）", n, sign_cell(data, n, mediator=True)] for n in investigators]
        rows.append(["记录人（签名）", inv.recorder, sign_cell(data, inv.recorder, mediator=True)])
        s += [blocks.spacer(3), blocks.sign_table(rows)]
    return s
