"""司法确认申请书 (Art. 33): the parties jointly ask the court to confirm the agreement."""

from __future__ import annotations

from reportlab.platypus import Flowable

from desktop.documents import blocks
from desktop.documents.data import CaseDocumentData, RenderOptions
from desktop.documents.effect import verification_qr
from desktop.documents.forms.common import fdate, particulars, sign_cell
from desktop.documents.layout import TextStyle
from desktop.domain.enums import DocumentForm
from desktop.domain.errors import ValidationError


def story(data: CaseDocumentData, opts: RenderOptions) -> list[Flowable]:
    conf = data.confirmation
    if conf is None:
        raise ValidationError("该案件没有司法确认申请。")
    effective = conf.agreement_effective_on or (data.agreement.signed_on if data.agreement
                                                else None)
    s: list[Flowable] = [blocks.title("司法确认申请书"), blocks.spacer(3)]
    for p in data.parties:
        # Every party is an applicant here: the application is joint (Art. 33).
        s.append(blocks.para(particulars(p, conf.filed_on).replace(
            f"{p.side_label}：", "申请人：", 1), blocks.PLAIN_STYLE))
    s += [blocks.spacer(2), blocks.heading("请求事项：")]
    s.append(blocks.para(
        f"请求人民法院依法确认申请人于{fdate(effective)}经{data.committee.name}主持调解达成的"
        f"人民调解协议（编号：{data.case.number}）有效。{conf.requests}"))
    s.append(blocks.heading("事实和理由："))
    s.append(blocks.para(
        f"申请人之间因{data.case.dispute_type}纠纷，经{data.committee.name}调解，于"
        f"{fdate(effective)}自愿达成人民调解协议，协议自各方签名、人民调解员签名并加盖人民调解"
        "委员会印章之日起生效。依照《中华人民共和国人民调解法》第三十三条和《中华人民共和国"
        "民事诉讼法》的规定，申请人自调解协议生效之日起三十日内共同向人民法院提出司法确认"
        "申请。"))
    s.append(blocks.para("申请人共同承诺：（一）出于解决纠纷的目的自愿达成调解协议，没有恶意串通、"
                         "规避法律的行为；（二）所提供的材料真实、合法；（三）如因该协议内容而给他人"
                         "造成损害的，愿意承担相应的民事责任和其他法律责任。"))
    s.append(blocks.keep(blocks.para("此致", blocks.BODY_STYLE),
                         blocks.para(conf.court, blocks.PLAIN_STYLE)))
    rows = [["申请人（签名或盖章）", p.name, sign_cell(data, p.name)] for p in data.parties]
    # The date goes with the last signatures, the attachments line with the first ones.
    s += [blocks.spacer(2), blocks.LeadIn(
        [blocks.para("附：人民调解协议书一份；申请人身份证明材料。", blocks.PLAIN_STYLE),
         blocks.spacer(4)], blocks.sign_table(rows),
        [blocks.para(fdate(conf.filed_on), TextStyle(size=14, leading=30,
                                                             align="right"))])]
    qr = verification_qr(DocumentForm.CONFIRMATION, data, fdate(conf.filed_on or data.today))
    if opts.final and qr is not None:
        s += [blocks.spacer(2), qr]
    if conf.ruling:
        note = f"登记：{conf.court}"
        if conf.ruling_on:
            note += f"于{fdate(conf.ruling_on)}"
        note += conf.ruling
        if conf.ruling_number:
            note += f"（{conf.ruling_number}）"
        s.append(blocks.para(note + "。", blocks.SMALL_STYLE))
    return s
