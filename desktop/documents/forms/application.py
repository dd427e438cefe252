"""人民调解申请书: the applicant asks the committee to mediate."""

from __future__ import annotations

from reportlab.platypus import Flowable

from desktop.documents import blocks
from desktop.documents.data import CaseDocumentData, RenderOptions
from desktop.documents.forms.common import fdate, issue_date, particulars, sign_cell
from desktop.documents.layout import TextStyle
from desktop.domain.enums import PartySide


def story(data: CaseDocumentData, opts: RenderOptions) -> list[Flowable]:
    c = data.case
    day = issue_date(data, c.registered_on)
    s: list[Flowable] = [blocks.title("人民调解申请书"), blocks.spacer(4)]
    for p in data.parties:
        s.append(blocks.para(particulars(p, day, age=True), blocks.PLAIN_STYLE))
    s += [blocks.spacer(2), blocks.heading("申请事项："), blocks.para(c.requests or "请求调解。")]
    s.append(blocks.heading("事实和理由："))
    applicants = [p for p in data.parties if p.side == PartySide.APPLICANT] or list(
        data.parties[:1])
    rows = [["申请人（签名或盖章）", p.name, sign_cell(data, p.name)] for p in applicants]
    # The facts' last lines go with 此致 and the signatures onto their page.
    s += [blocks.LeadIn(
        [blocks.para(c.facts or ""), blocks.spacer(2), blocks.para("此致", blocks.BODY_STYLE),
         blocks.para(data.committee.name, blocks.PLAIN_STYLE), blocks.spacer(6)],
        blocks.sign_table(rows),
        [blocks.para(fdate(day), TextStyle(size=14, leading=30, align="right"))],
        )]
    return s
