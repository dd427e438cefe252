"""当事人权利义务告知书: the parties' rights and duties (人民调解法 Art. 23–24)."""

from __future__ import annotations

from reportlab.platypus import Flowable

from desktop.documents import blocks
from desktop.documents.data import CaseDocumentData, RenderOptions
from desktop.documents.fonts import TITLE
from desktop.documents.forms.common import fdate, issue_date, party_names, sign_cell
from desktop.documents.layout import TextStyle

RIGHTS = (
    "（一）选择或者接受人民调解员；",
    "（二）接受调解、拒绝调解或者要求终止调解；",
    "（三）要求调解公开进行或者不公开进行；",
    "（四）自主表达意愿、自愿达成调解协议。",
)
DUTIES = (
    "（一）如实陈述纠纷事实，不得提供虚假证明材料；",
    "（二）遵守调解现场秩序，尊重人民调解员；",
    "（三）尊重对方当事人行使权利。",
)


def story(data: CaseDocumentData, opts: RenderOptions) -> list[Flowable]:
    day = issue_date(data, data.case.accepted_on, data.case.registered_on)
    s: list[Flowable] = [blocks.title("当事人权利义务告知书"),
                         blocks.number_line(f"编号：{data.case.number}"),
                         blocks.para(f"{party_names(data)}：", blocks.PLAIN_STYLE)]
    # One page for the usual two or three parties: 小四 text, like the Ministry's form.
    body = TextStyle(size=12, leading=19, align="justify", indent_chars=2)
    head = TextStyle(size=12, leading=19, chain=TITLE)
    s.append(blocks.para(
        "人民调解委员会是依法设立的调解民间纠纷的群众性组织。人民调解委员会调解民间纠纷，"
        "遵循当事人自愿、平等的原则，不违背法律、法规和国家政策，尊重当事人的权利，不阻止"
        "当事人依法通过仲裁、行政、司法等途径维护自己的权利。人民调解委员会调解民间纠纷不"
        "收取任何费用。根据《中华人民共和国人民调解法》第二十三条、第二十四条的规定，在人民"
        "调解活动中，当事人享有下列权利、承担下列义务：", body))
    s.append(blocks.para("一、当事人享有下列权利：", head))
    s += [blocks.para(r, body) for r in RIGHTS]
    s.append(blocks.para("二、当事人应当履行下列义务：", head))
    s += [blocks.para(d, body) for d in DUTIES]
    s.append(blocks.para("三、其他事项：", head))
    s.append(blocks.para(
        "经人民调解委员会调解达成的调解协议，具有法律约束力，当事人应当按照约定履行。经人民"
        "调解委员会调解达成调解协议后，双方当事人认为有必要的，可以自调解协议生效之日起三十"
        "日内共同向人民法院申请司法确认。", body))
    rows = [[f"当事人（{p.side_label}）签名", p.name, sign_cell(data, p.name)]
            for p in data.parties]
    # The acknowledgement, the signatures and the seal never part across pages.
    s.append(blocks.LeadIn(
        [blocks.para("以上内容已向当事人告知，当事人已知悉。", body), blocks.spacer(3)],
        blocks.sign_table(rows),
        [blocks.spacer(2), blocks.SealBlock(data.committee.name, fdate(day),
                                            data.committee.seal_png if opts.final else None)]))
    return s
