"""人民调解协议书 (人民调解法 Art. 29): what the parties take home and a court may confirm."""

from __future__ import annotations

import re

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Table, TableStyle

from desktop.documents import blocks
from desktop.documents.data import (
    PAYMENT_VERBS,
    REFRAIN_VERBS,
    RETURN_VERBS,
    CaseDocumentData,
    Obligation,
    ObligationKind,
    RenderOptions,
    mediator_names,
)
from desktop.documents.effect import verification_qr
from desktop.documents.forms.common import (
    cn_index,
    fdate,
    issue_date,
    particulars,
    sign_cell,
)
from desktop.documents.layout import CONTENT_W
from desktop.domain.enums import DocumentForm
from desktop.domain.errors import ValidationError
from desktop.domain.money import format_money, to_chinese_upper

_TIME_PHRASE = re.compile(r"^(?:[0-9一二三四五六七八九十百两]+个?(?:日|天|周|月|个月|年)内|"
                          r"本协议生效|协议生效|当日|即日|当场)")


def _manner(manner: str, verb: str) -> str:
    m = manner.strip().rstrip("。；;，,")
    if not m:
        return ""
    if m.startswith(("以", "通过", "采用", "采取", "由")):
        return f"，{m}"
    if m.endswith("方式"):
        return f"，以{m}{verb}"
    if len(m) <= 8:
        return f"，以{m}方式{verb}"
    return f"，{verb}方式：{m}"


def _strip_verb(text: str, verbs: tuple[str, ...]) -> tuple[str, str]:
    for v in verbs:
        if text.startswith(v):
            return v, text[len(v):]
    return "", text


def obligation_sentence(ob: Obligation) -> str:
    """One clause as a lawyer writes it, from the duty's kind; with or without a recipient.

    李小龙于2026年12月10日前向王𠮷支付赔偿款人民币捌仟元整（¥8,000.00），以银行转账方式支付。
    李小龙于十日内修复卫生间防水层。 李小龙不得再在楼道堆放杂物。
    李小龙于2026年12月10日前将电动车一辆返还给王𠮷。
    """
    who, to = ob.payer.strip(), ob.payee.strip()
    what = ob.content.strip().rstrip("。；;，,")
    kind = ob.effective_kind
    when = f"于{fdate(ob.deadline)}前" if ob.deadline else ""
    if not when and _TIME_PHRASE.match(what) and kind != ObligationKind.REFRAIN:
        when = "于"  # 十日内修复… -> 于十日内修复…
    if kind == ObligationKind.REFRAIN:
        since = f"自{fdate(ob.deadline)}起" if ob.deadline else ""
        duty = what if what.startswith(REFRAIN_VERBS) else f"不得{what}"
        text = f"{who}{since}{duty}"
        return text + _manner(ob.manner, "履行") + "。"
    if kind == ObligationKind.PAYMENT:
        verb, thing = _strip_verb(what, PAYMENT_VERBS)
        verb = verb or "支付"
        money = ""
        if ob.amount is not None:
            money = f"人民币{to_chinese_upper(ob.amount).removeprefix('人民币')}" \
                    f"（{format_money(ob.amount)}）"
        recipient = f"向{to}" if to else ""
        text = f"{who}{when}{recipient}{verb}{thing}{money}"
        return text + _manner(ob.manner, verb if verb in ("支付", "给付") else "支付") + "。"
    if kind == ObligationKind.RETURN:
        verb, thing = _strip_verb(what, RETURN_VERBS)
        if what.startswith("将"):
            text = f"{who}{when}{what}"
            if to and to not in what:
                text += f"给{to}"
        else:
            text = f"{who}{when}将{thing}{verb or '返还'}" + (f"给{to}" if to else "")
        return text + _manner(ob.manner, "返还") + "。"
    # An act: the recipient is named only when the wording does not already name them.
    recipient = f"为{to}" if to and to not in what else ""
    return f"{who}{when}{recipient}{what}" + _manner(ob.manner, "履行") + "。"


def obligation_text(i: int, ob: Obligation) -> str:
    return f"（{cn_index(i)}）{obligation_sentence(ob)}"


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
        s.append(blocks.para(particulars(p, ag.signed_on or data.today, age=True),
                             blocks.PLAIN_STYLE))
    s.append(blocks.spacer(2))
    s += [blocks.heading("纠纷主要事实："), blocks.para(ag.facts)]
    s += [blocks.heading("争议事项："), blocks.para(ag.disputed_matters)]
    if (ag.responsibilities or "").strip():  # optional: no empty heading on the signed paper
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
    # The last clause stays on the page where the signatures start, and the mediators and the
    # seal stay with the last parties' rows (never a page of signatures alone).
    signatures = blocks.LeadIn([
        blocks.para(f"本协议一式{cn_copies(copies)}份，当事人各执一份，人民调解委员会留存一份。"),
        blocks.spacer(3)], signature_table(data))
    s.append(signatures)
    meds = mediator_names(data)
    med_rows = [["人民调解员（签名）", n, sign_cell(data, n, mediator=True)] for n in meds]
    # The 待签署 print leaves the date blank: it is the day the seal is put on.
    when = None if opts.unsigned else issue_date(data, ag.signed_on)
    # Only a sealed final has a verification code: drafts and 待签署 prints carry no QR.
    qr = verification_qr(DocumentForm.AGREEMENT, data, fdate(when)) if opts.final else None
    seal = blocks.SealBlock(data.committee.name, fdate(when),
                            data.committee.seal_png if opts.final else None, qr=qr)
    # The mediators sign right above the seal: never leave the seal alone on a page.
    signatures.tail = [blocks.spacer(3),
                       blocks.sign_table(med_rows or [["人民调解员（签名）", "", ""]]),
                       blocks.spacer(8), seal]
    return s


def cn_copies(n: int) -> str:
    return cn_index(n)


def signature_table(data: CaseDocumentData) -> Table:
    """One row per party: who, signature (image when captured), fingerprint box."""
    head = ["当事人", "签名（盖章）", "捺印", "日期"]
    rows: list[list[Flowable | str]] = [[blocks.para(h, blocks.CELL_LABEL) for h in head]]
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
