"""Every form, read back from the PDF: labels, the case's values, embedded fonts, pages."""

from __future__ import annotations

import pytest

from desktop.domain.enums import DocumentForm
from tests.documents.conftest import flat, pdf_fonts, pdf_pages, pdf_text

NUMBER = "（2026）青人调字第0001号"
COMMON = [NUMBER]

# form -> (strings that must be in the text layer, expected page count of the sample case)
EXPECTED: dict[DocumentForm, tuple[list[str], int]] = {
    DocumentForm.APPLICATION: ([
        "人民调解申请书", "申请人：𠮷堃", "男", "汉族", "48岁",
        "公民身份号码：110101197803150019", "职业：个体经营", "联系电话：13800138000",
        "被申请人：王赟", "委托代理人：李昇", "统一社会信用代码：91110101MA01ABCD1X",
        "法定代表人：赵䶮", "申请事项", "请求调解委员会主持调解", "事实和理由", "此致",
        "青山街道人民调解委员会", "申请人（签名或盖章）", "2026年11月18日"], 1),
    DocumentForm.REGISTRATION: ([
        "人民调解受理登记表", "编号：" + NUMBER, "登记日期", "受理日期", "2026年11月18日",
        "纠纷类型", "邻里纠纷", "纠纷来源", "公安机关移交（110警情）", "当事人", "姓名（名称）",
        "证件号码", "110101198509020026", "纠纷简要情况", "上下楼邻居",
        "经当事人同意，调解𠮷堃、王赟、青山幸福里物业服务有限公司之间的邻里纠纷", "当事人签名",
        "登记人", "刘芳"], 1),
    DocumentForm.NOTICE: ([
        "当事人权利义务告知书", "第二十三条", "第二十四条", "选择或者接受人民调解员",
        "接受调解、拒绝调解或者要求终止调解", "要求调解公开进行或者不公开进行",
        "自主表达意愿、自愿达成调解协议", "如实陈述纠纷事实", "遵守调解现场秩序，尊重人民调解员",
        "尊重对方当事人行使权利", "不收取任何费用", "司法确认", "𠮷堃", "王赟"], 1),
    DocumentForm.INVESTIGATION: ([
        "人民调解调查记录", "调查时间", "2026年11月19日14时00分至15时00分", "调查地点",
        "幸福里小区3栋2单元501室（现场）", "调查人", "陈明", "被调查人", "𠮷堃（男，48岁，申请人）",
        "记录人", "刘芳", "调查内容", "维修报价单", "被调查人（签名）"], 1),
    DocumentForm.RECORD: ([
        "人民调解记录", "调解时间", "2026年11月20日9时30分至11时45分", "调解地点",
        "人民调解员", "陈明（主持）", "当事人", "参加人", "孙建国", "民警", "青山派出所",
        "031245", "周律", "律师", "青山律师事务所", "11101201810123456", "见证", "吴司",
        "司法所工作人员", "青山街道司法所", "SF2019008", "调解情况", "调解结果", "记录人"], 2),
    DocumentForm.AGREEMENT: ([
        "人民调解协议书", "编号：" + NUMBER, "申请人：𠮷堃", "被申请人：王赟",
        "被申请人：青山幸福里物业服务有限公司", "法定代表人：赵䶮，职务：总经理",
        "纠纷主要事实", "争议事项", "各方责任", "经调解，各方当事人自愿达成如下协议",
        "（一）王赟于2026年12月15日前向𠮷堃支付房屋维修费用（第1期）",
        "人民币肆仟元整（¥4,000.00）", "人民币伍仟元零伍角整（¥5,000.50）",
        "支付方式：银行转账至𠮷堃指定账户", "履行方式、时限", "2026年12月31日前履行完毕",
        "三十日内共同向人民法院申请司法确认",
        "本协议一式四份，当事人各执一份，人民调解委员会留存一份", "签名（盖章）", "捺印",
        "人民调解员（签名）", "陈明", "刘芳", "青山街道人民调解委员会", "2026年11月20日",
        "核验码：7K3Q-M9TX-2B", "可向本调委会或凭二维码核验"], 3),
    DocumentForm.ORAL: ([
        "人民调解口头协议登记表", "当事人", "纠纷简要情况", "停车位", "口头协议内容",
        "王赟同意于次日挪走占用的车位杂物", "涉及金额", "¥200.00（大写：人民币贰佰元整）",
        "履行情况", "当场履行完毕", "人民调解员", "第三十条"], 1),
    DocumentForm.TERMINATION: ([
        "终止调解告知书", "𠮷堃、王赟、青山幸福里物业服务有限公司：", "被申请人明确表示拒绝继续调解",
        "第二十六条", "终止调解", "仲裁", "行政机关", "人民法院提起诉讼", "特此告知",
        "2026年11月20日"], 1),
    DocumentForm.FOLLOWUP: ([
        "人民调解回访记录", "当事人", "协议编号", "回访事项", "调解协议履行情况", "回访时间",
        "2026年12月20日", "回访方式", "电话回访", "协议履行情况", "部分履行", "当事人满意度",
        "满意", "是否起诉", "有无激化风险", "回访情况", "第一期款项已支付", "处理措施",
        "回访人", "刘芳"], 1),
    DocumentForm.CONFIRMATION: ([
        "司法确认申请书", "申请人：𠮷堃", "申请人：王赟", "申请人（签名或盖章）", "请求事项",
        "确认申请人于2026年11月20日经青山街道人民调解委员会主持调解达成的人民调解协议",
        "第三十三条", "三十日内共同向人民法院提出司法确认申请", "此致", "青山市青山区人民法院",
        "2026年11月25日"], 2),
}


@pytest.mark.parametrize("form", list(EXPECTED), ids=lambda f: f.value)
def test_form_text_fonts_and_pages(rendered, form: DocumentForm) -> None:  # type: ignore[no-untyped-def]
    path = rendered(form, final=True)
    raw = pdf_text(path)
    text = flat(raw, footers=False)
    # The application is written by the applicant before the case has a number.
    common = [] if form == DocumentForm.APPLICATION else COMMON
    missing = [s for s in EXPECTED[form][0] + common if flat(s) not in text]
    assert not missing, f"{form.label} lacks {missing}"
    fonts = pdf_fonts(path)
    assert fonts, "no fonts in the PDF"
    for row in fonts:
        # name type [type2] encoding emb sub uni id gen: emb is the 5th field from the end
        assert row[-5] == "yes", f"font not embedded: {row}"
    assert pdf_pages(path) == EXPECTED[form][1]
    if EXPECTED[form][1] > 1:
        assert f"第1页共{EXPECTED[form][1]}页" in flat(raw)
    else:
        assert "第1页共1页" not in flat(raw)
    assert "草稿" not in text


def test_drafts_carry_the_watermark_and_no_seal(rendered) -> None:  # type: ignore[no-untyped-def]
    draft = rendered(DocumentForm.AGREEMENT, final=False)
    final = rendered(DocumentForm.AGREEMENT, final=True)
    assert "草稿" in flat(pdf_text(draft, "-raw"))  # content order: the rotated mark whole
    # The seal image is only on the final: the final has one image more than the draft.
    import subprocess

    def images(p) -> int:  # type: ignore[no-untyped-def]
        out = subprocess.run(["pdfimages", "-list", str(p)], capture_output=True, text=True,
                             check=True).stdout.splitlines()[2:]
        return len([x for x in out if x.split()[2] == "image"])

    assert images(final) == images(draft) + 1


def test_agreement_copies_follow_party_count(case_data) -> None:  # type: ignore[no-untyped-def]
    from dataclasses import replace

    from desktop.documents.render import render

    two = replace(case_data, parties=case_data.parties[:2])
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as tmp:
        p = Path(tmp) / "a.pdf"
        p.write_bytes(render(DocumentForm.AGREEMENT, two))
        assert "本协议一式三份" in flat(pdf_text(p))


def test_an_agreement_without_responsibilities_prints_no_empty_heading(case_data, tmp_path  # type: ignore[no-untyped-def]
                                                                        ) -> None:
    from dataclasses import replace

    from desktop.documents.render import render

    plain = replace(case_data, agreement=replace(case_data.agreement, responsibilities="  "))
    p = tmp_path / "a.pdf"
    p.write_bytes(render(DocumentForm.AGREEMENT, plain))
    text = flat(pdf_text(p))
    assert "各方责任" not in text and "争议事项" in text and "经调解，各方当事人自愿达成如下协议" in text


def test_agreement_without_data_is_refused(case_data) -> None:  # type: ignore[no-untyped-def]
    from dataclasses import replace

    from desktop.documents.render import render
    from desktop.domain.errors import ValidationError

    with pytest.raises(ValidationError, match="调解协议"):
        render(DocumentForm.AGREEMENT, replace(case_data, agreement=None))


def test_long_record_text_flows_over_pages_without_loss(case_data, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from dataclasses import replace

    from desktop.documents.render import render

    sentence = "第{}段：双方就漏水原因和赔偿数额各自陈述意见，调解员释法说理。"
    content = "".join(sentence.format(i) for i in range(1, 121))
    data = replace(case_data, sessions=(replace(case_data.sessions[0], content=content),))
    path = tmp_path / "long.pdf"
    path.write_bytes(render(DocumentForm.RECORD, data))
    text = flat(pdf_text(path), footers=False)
    for i in (1, 60, 120):
        assert flat(sentence.format(i)) in text
    assert pdf_pages(path) >= 3
    assert "调解结果" in text


@pytest.mark.parametrize("remedies", ["", "SERVICE_DEFAULT"])
def test_termination_states_the_remedies_once(case_data, tmp_path, remedies: str) -> None:  # type: ignore[no-untyped-def]
    from dataclasses import replace

    from desktop.documents.forms.termination import SERVICE_DEFAULT
    from desktop.documents.render import render
    from desktop.services.outcomes import DEFAULT_REMEDIES

    # The renderer's copy of the service's default must stay the service's text.
    assert SERVICE_DEFAULT == DEFAULT_REMEDIES
    text = SERVICE_DEFAULT if remedies else ""
    data = replace(case_data, termination=replace(case_data.termination, remedies=text))
    path = tmp_path / "t.pdf"
    path.write_bytes(render(DocumentForm.TERMINATION, data))
    body = flat(pdf_text(path, "-layout"), footers=False)
    for once in ("提起诉讼", "行政机关依法处理", "仲裁委员会"):
        assert body.count(once) <= 1, (once, body)
    assert body.count("提起诉讼") == 1


def test_termination_keeps_the_mediators_own_remedies(case_data, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from dataclasses import replace

    from desktop.documents.render import render

    own = "涉及物业服务合同的，也可以向青山区住房和城乡建设局投诉。"
    data = replace(case_data, termination=replace(case_data.termination, remedies=own))
    path = tmp_path / "t.pdf"
    path.write_bytes(render(DocumentForm.TERMINATION, data))
    body = flat(pdf_text(path), footers=False)
    assert flat(own) in body and body.count("提起诉讼") == 1
