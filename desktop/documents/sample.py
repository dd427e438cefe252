"""A complete made-up case for previews, tests and the benchmark (no real persons)."""

from __future__ import annotations

import datetime as dt
import io
import math
from decimal import Decimal

from desktop.documents.data import (
    AgreementInfo,
    AttachmentFile,
    CaseDocumentData,
    CaseHeader,
    CommitteeInfo,
    ConfirmationInfo,
    DossierInfo,
    FollowUpInfo,
    Obligation,
    OralAgreementInfo,
    Participant,
    Party,
    Session,
    Signature,
    TerminationInfo,
)
from desktop.domain.enums import (
    AttachmentCategory,
    FollowUpMethod,
    ParticipantKind,
    ParticipationRole,
    PartyKind,
    PartySide,
    Performance,
    Satisfaction,
    Sex,
)


def seal_png(name: str = "青山街道人民调解委员会", size: int = 360) -> bytes:
    """A red round specimen seal ("样章") drawn with Pillow — a stand-in for a scanned seal."""
    from PIL import Image, ImageDraw, ImageFont

    from desktop.resources import resource_path

    img = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    red = (200, 20, 20, 230)
    d.ellipse((6, 6, size - 6, size - 6), outline=red, width=10)
    font_path = str(resource_path("resources", "fonts", "wqy-microhei.ttc"))
    star = ImageFont.truetype(font_path, size // 4)
    d.text((size / 2, size / 2), "★", font=star, fill=red, anchor="mm")
    small = ImageFont.truetype(font_path, size // 14)
    d.text((size / 2, size * 0.74), "样章", font=small, fill=red, anchor="mm")
    f = ImageFont.truetype(font_path, size // 10)
    n = len(name)
    for i, ch in enumerate(name):
        angle = math.radians(-150 + 300 * i / max(n - 1, 1)) - math.pi / 2
        r = size * 0.36
        x, y = size / 2 + r * math.cos(angle), size / 2 + r * math.sin(angle)
        glyph = Image.new("RGBA", (size // 8, size // 8), (0, 0, 0, 0))
        ImageDraw.Draw(glyph).text((size // 16, size // 16), ch, font=f, fill=red, anchor="mm")
        glyph = glyph.rotate(-math.degrees(angle) - 90, resample=Image.Resampling.BICUBIC)
        img.alpha_composite(glyph, (int(x - size // 16), int(y - size // 16)))
    out = io.BytesIO()
    img.save(out, "PNG")
    return out.getvalue()


def signature_png(seed: int = 1, width: int = 360, height: int = 120) -> bytes:
    """A pen-like scribble standing in for a signature captured on the pad."""
    from PIL import Image, ImageDraw

    img = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    pts = []
    for i in range(60):
        t = i / 59
        x = 15 + t * (width - 30)
        y = height / 2 + math.sin(t * (9 + seed) + seed) * height * 0.28 * (1 - 0.4 * t)
        pts.append((x, y))
    d.line(pts, fill=(10, 10, 60, 255), width=5, joint="curve")
    out = io.BytesIO()
    img.save(out, "PNG")
    return out.getvalue()


def scan_png(text: str = "身份证复印件") -> bytes:
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (1240, 1754), "white")
    d = ImageDraw.Draw(img)
    d.rectangle((120, 200, 1120, 820), outline="black", width=6)
    d.line((120, 200, 1120, 820), fill="gray", width=3)
    out = io.BytesIO()
    img.save(out, "PNG")
    return out.getvalue()


def sample_case(*, obligations: int = 3, sessions: int = 1, attachments: bool = True,
                signatures: bool = True) -> CaseDocumentData:
    day = dt.date(2026, 11, 20)
    parties = (
        Party(name="𠮷堃", side=PartySide.APPLICANT, sex=Sex.MALE, ethnicity="汉族",
              birth_date=dt.date(1978, 3, 15), id_number="110101197803150019",
              occupation="个体经营", address="青山市青山区青山街道幸福里小区3栋2单元501室",
              phone="13800138000"),
        Party(name="王赟", side=PartySide.RESPONDENT, sex=Sex.FEMALE, ethnicity="汉族",
              birth_date=dt.date(1985, 9, 2), id_number="110101198509020026",
              occupation="教师", address="青山市青山区青山街道幸福里小区3栋2单元401室",
              phone="13912345678", agent_name="李昇", agent_relation="丈夫",
              agent_phone="13700001111"),
        Party(name="青山幸福里物业服务有限公司", side=PartySide.RESPONDENT,
              kind=PartyKind.ORGANIZATION, credit_code="91110101MA01ABCD1X",
              address="青山市青山区青山街道幸福里小区物业中心", legal_rep="赵䶮",
              legal_rep_title="总经理", phone="010-66668888"),
    )
    parts = (
        Participant("陈明", ParticipantKind.MEDIATOR, ParticipationRole.HOST,
                    "青山街道人民调解委员会", "人民调解员"),
        Participant("刘芳", ParticipantKind.MEDIATOR, ParticipationRole.PARTICIPANT,
                    "青山街道人民调解委员会", "人民调解员"),
        Participant("𠮷堃", ParticipantKind.PARTY),
        Participant("王赟", ParticipantKind.PARTY),
        Participant("孙建国", ParticipantKind.POLICE, ParticipationRole.PARTICIPANT,
                    "青山派出所", "社区民警", "031245"),
        Participant("周律", ParticipantKind.LAWYER, ParticipationRole.WITNESS,
                    "青山律师事务所", "律师", "11101201810123456"),
        Participant("吴司", ParticipantKind.JUDICIAL, ParticipationRole.PARTICIPANT,
                    "青山街道司法所", "司法助理员", "SF2019008"),
    )
    sess = tuple(
        Session(
            started_at=dt.datetime(2026, 11, 20 + i, 9, 30),
            ended_at=dt.datetime(2026, 11, 20 + i, 11, 45),
            place="青山街道人民调解委员会调解室",
            participants=parts,
            content=("调解员向双方当事人告知了权利义务。申请人𠮷堃陈述：楼上住户王赟家卫生间"
                     "漏水，导致其房屋天花板、墙面受损，要求赔偿维修费用。被申请人王赟称："
                     "漏水系公共管道老化所致，应由物业公司负责。物业公司代表称：管道属于业主"
                     "专有部分，但愿意协助维修。民警孙建国就双方此前发生的推搡行为进行了法治"
                     "教育；律师周律就相邻关系和物业服务合同的法律规定作了释明。") * (1 + i % 2),
            result="经调解，各方当事人自愿达成协议，签订人民调解协议书。",
            recorder="刘芳",
        )
        for i in range(sessions)
    )
    inv = (
        Session(started_at=dt.datetime(2026, 11, 19, 14, 0), ended_at=dt.datetime(2026, 11, 19,
                15, 0), place="幸福里小区3栋2单元501室（现场）",
                participants=(parts[0], parts[1]),
                interviewee="𠮷堃", interviewee_details="男，48岁，申请人",
                content="现场查看：501室卫生间天花板有明显水渍，面积约4平方米，墙面涂料起皮脱落。"
                        "申请人提供了维修报价单一份，金额8,600元。",
                recorder="刘芳"),
    )
    obs = tuple(
        Obligation(payer="王赟", payee="𠮷堃", content=f"支付房屋维修费用（第{i + 1}期）",
                   amount=Decimal("4000.00") + i * Decimal("1000.50"),
                   manner="银行转账至𠮷堃指定账户", deadline=dt.date(2026, 12, 15 + i))
        for i in range(obligations)
    )
    agreement = AgreementInfo(
        facts=("2026年10月起，被申请人王赟居住的401室卫生间持续漏水，致申请人𠮷堃居住的501室"
               "……天花板及墙面受损。双方多次协商未果，并于2026年11月10日发生争执，经110报警后"
               "由青山派出所移交本委员会调解。"),
        disputed_matters="漏水原因及责任归属；维修费用及其他损失的赔偿数额、支付方式和期限。",
        responsibilities=("被申请人王赟对其专有部分的排水管道负有维护义务，对漏水造成的损失承担"
                          "主要责任；物业公司未及时排查公共部位，承担次要责任并负责协助维修。"),
        obligations=obs + (Obligation(payer="青山幸福里物业服务有限公司", payee="𠮷堃",
                                      content="派员修复501室受损天花板及墙面",
                                      manner="上门维修", deadline=dt.date(2026, 12, 10)),),
        performance_manner="金钱给付以银行转账方式履行，维修由物业公司派员上门完成",
        performance_deadline=dt.date(2026, 12, 31),
        other_terms="本协议履行完毕后，各方就本纠纷再无其他争议。",
        signed_on=day,
    )
    sigs = (Signature("𠮷堃", signature_png(1), signed_on=day),
            Signature("王赟", signature_png(2), signed_on=day))
    med_sigs = (Signature("陈明", signature_png(3)), Signature("刘芳", signature_png(4)))
    atts: tuple[AttachmentFile, ...] = ()
    if attachments:
        atts = (
            AttachmentFile("𠮷堃身份证复印件", AttachmentCategory.IDENTITY, "image/png",
                           scan_png()),
            AttachmentFile("维修报价单", AttachmentCategory.EVIDENCE, "image/png", scan_png()),
        )
    return CaseDocumentData(
        committee=CommitteeInfo(name="青山街道人民调解委员会", short_name="青",
                                address="青山市青山区青山街道和平路1号", phone="010-12345678",
                                seal_png=seal_png()),
        case=CaseHeader(number="（2026）青人调字第0001号", title="𠮷堃与王赟等漏水赔偿纠纷",
                        dispute_type="邻里", source="公安机关移交（110警情）",
                        referring_unit="青山派出所",
                        registered_on=dt.date(2026, 11, 18), accepted_on=dt.date(2026, 11, 18),
                        closed_on=day,
                        facts=("申请人𠮷堃与被申请人王赟系上下楼邻居。王赟家卫生间漏水致𠮷堃"
                               "房屋受损，双方协商未果并发生争执。"),
                        requests="请求调解委员会主持调解，由被申请人赔偿房屋维修费用8,600元。",
                        registrar="刘芳"),
        parties=parties,
        mediators=("陈明", "刘芳"),
        sessions=sess,
        investigations=inv,
        agreement=agreement,
        oral=OralAgreementInfo(facts="双方因停车位使用发生争执。",
                               content="王赟同意于次日挪走占用的车位杂物，𠮷堃不再追究。",
                               performance="当场履行完毕", amount=Decimal(200),
                               reached_on=day),
        termination=TerminationInfo(reason="被申请人明确表示拒绝继续调解",
                                    terminated_on=day),
        followups=(FollowUpInfo(visited_on=dt.date(2026, 12, 20), method=FollowUpMethod.PHONE,
                                performance=Performance.PARTIAL,
                                satisfaction=Satisfaction.SATISFIED,
                                matter="调解协议履行情况",
                                findings="第一期款项已支付，维修已完成；当事人对调解结果满意。",
                                action="提醒按期支付剩余款项，一个月后再次回访。",
                                visitor="刘芳"),),
        confirmation=ConfirmationInfo(court="青山市青山区人民法院", filed_on=dt.date(2026, 11,
                                      25), agreement_effective_on=day),
        attachments=atts,
        party_signatures=sigs if signatures else (),
        mediator_signatures=med_sigs if signatures else (),
        dossier=DossierInfo(filed_by="刘芳", filed_on=dt.date(2026, 12, 31), retention="长期",
                            reviewer="陈明"),
        verification_code="7K3Q-M9TX-2B",
        today=dt.date(2026, 11, 27),
    )


# -- stress cases for review and tests: many parties, long texts, rare characters ---------

SURNAMES = "褚王陈李赵钱孙周吴郑冯卫"
GIVEN = ("十一", "八", "𰻞", "小龙", "𠮷", "䶮", "堃", "赟", "昇", "建华", "秀英", "志强")


def many_party_case(n: int = 12) -> CaseDocumentData:
    """``n`` parties (persons with 民族 and 职业, an organisation, agents), obligations of every
    kind with and without a recipient."""
    from dataclasses import replace

    from desktop.documents.data import ObligationKind

    base = sample_case()
    people = []
    for i in range(n):
        name = SURNAMES[i % len(SURNAMES)] + GIVEN[i % len(GIVEN)]
        if i == 5:
            people.append(Party(name=f"青山第{i}建筑工程有限公司", side=PartySide.RESPONDENT,
                                kind=PartyKind.ORGANIZATION, credit_code="91110101MA01ABCD1X",
                                address="青山市青山区工业园区8号", legal_rep="郑建华",
                                legal_rep_title="执行董事", phone="010-66668888"))
            continue
        if i == 7:
            name = "阿依古丽·买买提"
        people.append(Party(
            name=name, side=PartySide.APPLICANT if i % 2 == 0 else PartySide.RESPONDENT,
            sex=Sex.MALE if i % 3 else Sex.FEMALE, ethnicity="维吾尔族" if i == 7 else "汉族",
            birth_date=dt.date(1958 + i * 3, 1 + i % 12, 1 + i), id_number=(
                f"11010119{58 + i * 3:02d}{1 + i % 12:02d}{1 + i:02d}00{i % 10}X"),
            occupation=("退休职工", "个体经营", "教师", "农民", "快递员", "", "医生", "厨师",
                        "无业", "出租车司机", "会计", "学生")[i],
            address=f"青山市青山区青山街道幸福里小区{i + 1}栋{i % 3 + 1}单元{100 + i}室",
            phone=f"139{i:04d}{i * 7:04d}",
            agent_name="李昇" if i == 3 else "", agent_relation="儿子" if i == 3 else "",
            agent_phone="13700001111" if i == 3 else ""))
    names = [p.name for p in people]
    K = ObligationKind
    obs = (
        Obligation(names[1], names[0], "支付赔偿款", Decimal(8000), "银行转账",
                   dt.date(2026, 12, 10)),
        Obligation(names[3], "", "十日内修复卫生间防水层"),
        Obligation(names[3], names[2], "不得再在楼道堆放杂物"),
        Obligation(names[4], names[1], "返还借用的电动车一辆", deadline=dt.date(2026, 12, 5)),
        Obligation(names[5], "", "清理小区北侧消防通道", deadline=dt.date(2026, 12, 1),
                   kind=K.ACT),
        Obligation(names[6], names[7], "补偿误工费", Decimal("1234.5"), "现金",
                   dt.date(2026, 12, 20)),
    )
    assert base.agreement is not None
    ag = replace(base.agreement, obligations=obs)
    sigs = tuple(Signature(nm, signature_png(i), signed_on=base.today)
                 for i, nm in enumerate(names[:4]))
    return replace(base, parties=tuple(people), agreement=ag, party_signatures=sigs,
                   case=replace(base.case, title=f"{names[0]}等{n}人相邻关系纠纷"))


def long_text_case(chars: int = 5000) -> CaseDocumentData:
    """Facts, record and agreement texts of about ``chars`` characters."""
    from dataclasses import replace

    base = sample_case()
    sentence = ("2026年10月起，被申请人王赟居住的401室卫生间持续漏水，申请人𠮷堃多次于晚间"
                "19时30分拨打联系电话13912345678要求处理，对方称已联系维修人员，但至11月10日"
                "仍未修复，双方为此发生争执，经110报警后由青山派出所移交本委员会调解。")
    text = (sentence * (chars // len(sentence) + 1))[:chars].rstrip("，") + "。"
    assert base.agreement is not None
    ag = replace(base.agreement, facts=text)
    sess = (replace(base.sessions[0], content=text),)
    return replace(base, agreement=ag, sessions=sess,
                   case=replace(base.case, facts=text[:1200]))


# One assigned ideograph from every CJK block and extension, and the compatibility blocks.
CJK_SAMPLES = {
    "URO": "\u4e00", "Ext. A": "\u3400", "Ext. B": "\U00020bb7", "Ext. C": "\U0002a700",
    "Ext. D": "\U0002b740", "Ext. E": "\U0002b820", "Ext. F": "\U0002ceb0",
    "Ext. G": "\U00030ede", "Ext. H": "\U00031350", "Ext. I": "\U0002ebf0",
    "Compatibility": "\uf900", "Compatibility Supplement": "\U0002f800",
}


def rare_character_case() -> CaseDocumentData:
    """Names with characters from the extensions, 陈𰻞 (U+30EDE, Ext. G) among them."""
    from dataclasses import replace

    base = sample_case()
    rare = [
        replace(base.parties[0], name="陈𰻞"),
        replace(base.parties[1], name="王" + CJK_SAMPLES["Ext. E"] + CJK_SAMPLES["Ext. F"],
                agent_name="李" + CJK_SAMPLES["Ext. C"]),
        replace(base.parties[2], legal_rep="赵" + CJK_SAMPLES["Ext. H"]),
    ]
    names = {"𠮷堃": "陈𰻞", "王赟": rare[1].name}

    def swap(text: str) -> str:
        for a, b in names.items():
            text = text.replace(a, b)
        return text

    ag = base.agreement
    assert ag is not None
    ag = replace(ag, facts=swap(ag.facts), obligations=tuple(
        replace(o, payer=swap(o.payer), payee=swap(o.payee), manner=swap(o.manner))
        for o in ag.obligations))
    sigs = tuple(replace(s, signer=swap(s.signer)) for s in base.party_signatures)
    return replace(base, parties=tuple(rare), agreement=ag, party_signatures=sigs,
                   case=replace(base.case, facts=swap(base.case.facts),
                                title=swap(base.case.title)))
