"""终止调解告知书 (Art. 26): why mediation ended and which remedies remain."""

from __future__ import annotations

from reportlab.platypus import Flowable

from desktop.documents import blocks
from desktop.documents.data import CaseDocumentData, RenderOptions
from desktop.documents.forms.common import dispute_name, fdate, party_names, sign_cell
from desktop.domain.errors import ValidationError

REMEDIES = (
    ("（一）依法申请仲裁（劳动争议、农村土地承包经营纠纷等依法可以仲裁的，或者当事人之间"
     "订有仲裁协议的）；"),
    "（二）请求有关行政机关依法处理；",
    "（三）依法向人民法院提起诉讼。",
)

# What the outcome service stores when the mediator leaves 救济途径 empty: it restates the
# list above, so printing it after the list stated the remedies twice.
SERVICE_DEFAULT = (
    "经调解，双方当事人未能达成调解协议，本委员会依法终止调解。当事人可以依法通过仲裁、"
    "行政、司法等途径维护自己的权利：属于劳动争议的，可以向劳动人事争议仲裁委员会申请仲裁；"
    "属于行政机关职责范围的，可以请求有关行政机关依法处理；也可以依法向人民法院提起诉讼。"
)


def _norm(text: str) -> str:
    return "".join(text.split()).rstrip("。")


def extra_remedies(text: str) -> str:
    """The mediator's own remedies text, or "" when it only restates the standard list."""
    text = text.strip()
    if not text or _norm(text) in (_norm(SERVICE_DEFAULT), *(_norm(r) for r in REMEDIES)):
        return ""
    return text


def story(data: CaseDocumentData, opts: RenderOptions) -> list[Flowable]:
    t = data.termination
    if t is None:
        raise ValidationError("该案件没有终止调解的记录。")
    accepted = fdate(data.case.accepted_on or data.case.registered_on)
    s: list[Flowable] = [blocks.title("终止调解告知书"),
                         blocks.number_line(f"编号：{data.case.number}"),
                         blocks.para(f"{party_names(data)}：", blocks.PLAIN_STYLE)]
    reason = t.reason.rstrip("。")
    s.append(blocks.para(
        f"你们之间的{dispute_name(data)}，本委员会于{accepted}受理调解。终止调解的原因："
        f"{reason}。依照《中华人民共和国人民调解法》第二十六条的规定，本委员会决定终止调解。"))
    s.append(blocks.para("你们可以依法通过仲裁、行政、司法等途径维护自己的权利："))
    closing: list[Flowable] = [blocks.para(r) for r in REMEDIES]
    extra = extra_remedies(t.remedies)
    if extra:
        closing.append(blocks.para(extra))
    closing += [blocks.para("特此告知。"), blocks.spacer(6),
                blocks.SealBlock(data.committee.name, fdate(t.terminated_on),
                                 data.committee.seal_png if opts.final else None),
                blocks.spacer(6)]
    rows = [[f"当事人（{p.side_label}）签收", p.name, sign_cell(data, p.name)]
            for p in data.parties]
    # The remedies, the seal and the receipts stay together (no page of signatures alone).
    s.append(blocks.LeadIn(closing, blocks.sign_table(rows), min_rows=1))
    return s
