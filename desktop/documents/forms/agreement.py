"""人民调解协议书 (人民调解法 Art. 29): what the parties take home and a court may confirm."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Table, TableStyle

from desktop.documents import blocks
from desktop.documents.data import CaseDocumentData, RenderOptions
from desktop.documents.effect import verification_qr
from desktop.documents.forms.common import (
    cn_index,
    fdate,
    issue_date,
    mediator_names,
    money_both,
    particulars,
    sign_cell,
)
from desktop.documents.layout import CONTENT_W
from desktop.domain.enums import DocumentForm
from desktop.domain.errors import ValidationError


def obligation_text(i: int, ob) -> str:  # type: ignore[no-untyped-def]
    when = f"于{fdate(ob.deadline)}前" if ob.deadline else ""
    what = ob.content.rstrip("。；;")
    text = f"（{cn_index(i)}）{ob.payer}{when}向{ob.payee}{what}"
    if ob.amount is not None:
        text += f"，金额{money_both(ob.amount)}"
    if ob.manner:
        text += f"，履行方式：{ob.manner.rstrip('。')}"
    return text + "。"


def story(data: CaseDocumentData, opts: RenderOptions) -> list[Flowable]:
    ag = data.agreement
    if ag is None:
        raise ValidationError("该案件尚未填写调解协议，无法生成人民调解协议书。")
    copies = len(data.parties) + 1
    s: list[Flowable] = [
        blocks.title("人民调解协议书"),
        blocks.number_line(f"编号：{data.case.number}"),
    ]
    for p in data.parties:
        s.append(blocks.para(particulars(p, ag.signed_on or data.today), blocks.PLAIN_STYLE))
    s.append(blocks.spacer(2))
    s += [blocks.heading("纠纷主要事实："), blocks.para(ag.facts)]
    s += [blocks.heading("争议事项："), blocks.para(ag.disputed_matters)]
    s += [blocks.heading("各方责任："), blocks.para(ag.responsibilities)]
    s.append(blocks.heading("经调解，各方当事人自愿达成如下协议："))
    for i, ob in enumerate(ag.obligations, start=1):
        s.append(blocks.para(obligation_text(i, ob)))
    if ag.other_terms:
        s.append(blocks.para(f"（{cn_index(len(ag.obligations) + 1)}）{ag.other_terms}"))
    manner = ag.performance_manner or "按上述约定履行"
    limit = f"{fdate(ag.performance_deadline)}前履行完毕" if ag.performance_deadline else "按上述约定期限"
    s += [blocks.heading("履行方式、时限："), blocks.para(f"{manner.rstrip('。')}；{limit}。")]
    s.append(blocks.para(
        "本协议经各方当事人签名（盖章）或者按指印，人民调解员签名并加盖人民调解委员会印章后"
        "生效。本协议具有法律约束力，当事人应当按照约定履行；人民调解委员会对协议的履行情况"
        "进行监督。"))
    s.append(blocks.para(
        "各方当事人认为有必要的，可以自本协议生效之日起三十日内共同向人民法院申请司法确认；"
        "人民法院依法确认调解协议有效，一方当事人拒绝履行或者未全部履行的，对方当事人可以向"
        "人民法院申请强制执行。"))
    s.append(blocks.para(
        f"本协议一式{cn_copies(copies)}份，当事人各执一份，人民调解委员会留存一份。"))
    s.append(blocks.spacer(3))
    s.append(signature_table(data))
    s.append(blocks.spacer(3))
    meds = mediator_names(data)
    med_rows = [["人民调解员（签名）", n, sign_cell(data, n, mediator=True)] for n in meds]
    # The 待签署 print leaves the date blank: it is the day the seal is put on.
    when = None if opts.unsigned else issue_date(data, ag.signed_on)
    # Only a sealed final has a verification code: drafts and 待签署 prints carry no QR.
    qr = verification_qr(DocumentForm.AGREEMENT, data, fdate(when)) if opts.final else None
    seal = blocks.SealBlock(data.committee.name, fdate(when),
                            data.committee.seal_png if opts.final else None, qr=qr)
    # The mediators sign right above the seal: never leave the seal alone on a page.
    s.append(blocks.keep(blocks.sign_table(med_rows or [["人民调解员（签名）", "", ""]]),
                         blocks.spacer(8), seal))
    return s


def cn_copies(n: int) -> str:
    return cn_index(n)


def signature_table(data: CaseDocumentData) -> Table:
    """One row per party: who, signature (image when captured), fingerprint box."""
    head = ["当事人", "签名（盖章）", "捺印", "日期"]
    rows: list[list] = [[blocks.para(h, blocks.CELL_LABEL) for h in head]]
    for p in data.parties:
        who = f"{p.side_label}\n{p.name}"
        if p.legal_rep:
            who += f"\n法定代表人：{p.legal_rep}"
        rows.append([
            blocks.para(who, blocks.CELL_LABEL),
            sign_cell(data, p.name, height_mm=16, width_mm=50),
            blocks.FingerprintBox(14 * mm),
            blocks.para(fdate(data.signed_on(p.name), blank="年　月　日"), blocks.CELL_LABEL),
        ])
    widths = [CONTENT_W * f for f in (0.30, 0.34, 0.14, 0.22)]
    table = Table(rows, colWidths=widths, repeatRows=1, rowHeights=[9 * mm] + [24 * mm] * len(data.parties))
    table.setStyle(TableStyle(blocks.GRID.getCommands() + [("ALIGN", (0, 0), (-1, -1),
                                                             "CENTER")]))
    return table
