"""人民调解记录 (调解笔录): one record per session, invited joint participants as 参加人."""

from __future__ import annotations

from reportlab.platypus import Flowable, PageBreak

from desktop.documents import blocks
from desktop.documents.data import CaseDocumentData, RenderOptions
from desktop.documents.forms.common import fspan, sign_cell
from desktop.documents.layout import TextStyle
from desktop.domain.enums import ParticipantKind
from desktop.domain.errors import ValidationError

INVITED = (ParticipantKind.POLICE, ParticipantKind.JUDICIAL, ParticipantKind.LAWYER,
           ParticipantKind.JUDGE, ParticipantKind.INVITED)


def story(data: CaseDocumentData, opts: RenderOptions) -> list[Flowable]:
    if not data.sessions:
        raise ValidationError("该案件还没有调解记录。")
    s: list[Flowable] = []
    for i, ses in enumerate(data.sessions):
        if i:
            s.append(PageBreak())
        mediators = [p for p in ses.participants if p.kind == ParticipantKind.MEDIATOR]
        med_text = "、".join(f"{p.name}（{p.role.label}）" for p in mediators) or "、".join(
            data.mediators)
        present = [p.name for p in ses.participants
                   if p.kind in (ParticipantKind.PARTY, ParticipantKind.AGENT)]
        party_text = "；".join(
            f"{p.side_label}：{p.name}" + (f"（委托代理人：{p.agent_name}）" if p.agent_name
                                          and p.agent_name in present else "")
            for p in data.parties)
        invited = [p for p in ses.participants if p.kind in INVITED]
        s += [blocks.title("人民调解记录"),
              blocks.number_line(f"编号：{data.case.number}　第{i + 1}次调解")]
        s.append(blocks.grid(
            [["调解时间", fspan(ses.started_at, ses.ended_at)],
             ["调解地点", ses.place],
             ["人民调解员", med_text],
             ["当事人", party_text],
             ["记录人", ses.recorder]],
            [22, 82]))
        if invited:
            small = TextStyle(size=10.5, leading=15)
            small_c = TextStyle(size=10.5, leading=15, align="center")
            head = ["姓名", "身份", "工作单位", "职务", "证件编号", "作用"]
            rows: list[list[blocks.Cell]] = [
                [blocks.para("参加人（邀请参加调解的人员）", small_c), "", "", "", "", ""],
                [blocks.para(h, small_c) for h in head]]
            for p in invited:
                rows.append([blocks.para(v, small) for v in
                             (p.name, p.kind.label, p.unit, p.title, p.number, p.role.label)])
            s.append(blocks.grid(rows, [13, 24, 30, 14, 30, 9], label_cols=(),
                                 spans=[((0, 0), (5, 0))]))
        s.append(blocks.grid(
            [["调解情况", ses.content], ["调解结果", ses.result or "—"]],
            [22, 82], min_heights_mm={0: 50}))
        sig_rows = [[f"当事人（{p.side_label}）", p.name, sign_cell(data, p.name)]
                    for p in data.parties if not present or p.name in present]
        sig_rows += [["参加人", p.name, ""] for p in invited]
        sig_rows += [["人民调解员", p.name, sign_cell(data, p.name, mediator=True)]
                     for p in mediators]
        sig_rows.append(["记录人", ses.recorder, sign_cell(data, ses.recorder, mediator=True)])
        s += [blocks.spacer(2), blocks.LeadIn(
            [blocks.para("以上记录经核对无误。签名：", blocks.PLAIN_STYLE)],
            blocks.sign_table(sig_rows))]
    return s
