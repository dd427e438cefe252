"""``mediationdesk verify`` and ``mediationdesk document``: check and render the forms."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported where used: the CLI starts without loading every service
    from desktop.services.documents import DocumentService, IssuedDocument

FORM_CHOICES = ["agreement", "application", "registration", "notice", "investigation",
                "record", "oral", "termination", "followup", "confirmation", "dossier"]


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser],
             common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("verify", parents=[common], help="核验调解文书（PDF文件或核验码）",
                       description="核验调解文书：文件是否完好、是否为已生效的盖章文书、是哪一案件"
                       "的哪份文书、有哪些人签名、何时由哪个调解委员会盖章。可给出PDF文件，或文书上"
                       "印的核验码（查本机登记的文书）。文件被改动、印章不明或不是生效文书时返回非零。")
    p.add_argument("file", metavar="FILE.pdf|核验码",
                   help="要核验的PDF文件，或文书上的核验码（如 7K3Q-M9TX-2B）")
    p.add_argument("--ca", metavar="CA.pem", action="append", default=[],
                   help="另外信任的调解委员会根证书（可多次指定）；默认信任数据库中各调委会的证书")
    p.set_defaults(func=verify_command)

    p = sub.add_parser("document", parents=[common], help="生成案件的调解文书PDF",
                       description="按案号生成一份人民调解文书（无人值守，供批量打印和技术支持）。"
                       "--final 生成加盖电子印章的正式文书并登记其SHA-256；协议书、口头协议登记表"
                       "和司法确认申请书须各方签名齐全后才能盖章，之前用 --for-signing 打印待签署文本。")
    p.add_argument("case_number", metavar="CASE_NUMBER", help="案号，如（2026）青人调字第0001号")
    p.add_argument("--form", required=True, choices=FORM_CHOICES, help="文书种类")
    p.add_argument("--out", required=True, metavar="FILE.pdf", help="输出文件")
    kind = p.add_mutually_exclusive_group()
    kind.add_argument("--final", action="store_true", help="生成正式文书（盖电子印章，无草稿水印）")
    kind.add_argument("--for-signing", action="store_true",
                      help="打印待签署文本（协议书等签署后生效的文书：无水印、不盖章，供各方签名）")
    p.add_argument("--no-seal-image-ok", action="store_true",
                   help="调委会未设置印章图像时仍生成正式文书（打印后须加盖实物印章）")
    p.add_argument("--missing-glyphs-ok", action="store_true",
                   help="文中有字体缺字时仍生成正式文书（打印后在空白处手写补正）")
    p.set_defaults(func=document_command)

    p = sub.add_parser("seal-key", parents=[common], help="生成或导入调解委员会电子印章证书",
                       description="为当前用户所在的调解委员会生成根证书和签章证书（10年），或导入"
                       "PKCS#12（.p12/.pfx）证书。证书密码保存在系统密钥环中（没有密钥环时不保存，盖章时"
                       "再输入）；无人值守时可由环境变量 MEDIATIONDESK_SEAL_PASSWORD 提供，"
                       "在终端中运行时会提示输入。")
    p.add_argument("--import", dest="import_file", metavar="FILE.p12", help="导入已有的证书文件")
    p.add_argument("--ca-out", metavar="CA.pem", help="把根证书写入该文件（供他处核验时信任）")
    p.add_argument("--committee", metavar="NAME", help="调解委员会名称（管理员为其他调委会设置时）")
    p.set_defaults(func=seal_key_command)


def _quiet_pyhanko() -> None:
    # pyHanko logs path-building failures with tracebacks; the verdict says it in Chinese.
    logging.getLogger("pyhanko").setLevel(logging.CRITICAL)
    logging.getLogger("pyhanko_certvalidator").setLevel(logging.CRITICAL)


def verify_command(args: argparse.Namespace) -> int:
    from desktop.documents.verify import verify_pdf
    from desktop.services.documents import looks_like_code

    _quiet_pyhanko()
    path = Path(args.file)
    if not path.exists() and looks_like_code(args.file):
        return _verify_code(args)
    try:
        data = path.read_bytes()
    except OSError as err:
        print(f"错误：无法读取文件 {path}：{err.strerror}", file=sys.stderr)
        return 2
    trusted: list[bytes] = []
    for ca in args.ca:
        try:
            trusted.append(Path(ca).read_bytes())
        except OSError as err:
            print(f"错误：无法读取根证书文件 {ca}：{err.strerror}", file=sys.stderr)
            return 2
    issued = None
    if args.db or not args.ca:
        import hashlib

        from desktop.cli.common import open_db
        from desktop.services.documents import find_issued, trusted_certs

        db = open_db(args)
        trusted += trusted_certs(db)
        issued = find_issued(db, hashlib.sha256(data).hexdigest())
    result = verify_pdf(data, trusted)
    print(result.report())
    if issued:
        print(f"登记：本系统于{issued.created_at:%Y年%m月%d日 %H:%M}登记过此文件"
              f"（{issued.kind_label}，SHA-256 一致）。")
    return 0 if result.ok else 1


def _verify_code(args: argparse.Namespace) -> int:
    from desktop.cli.common import open_db
    from desktop.services.documents import verify_code

    result, doc = verify_code(open_db(args), args.file)
    print(result.report())
    print(f"登记：核验码 {doc.verification_code} 对应本系统于{doc.created_at:%Y年%m月%d日 %H:%M}"
          f"登记的{doc.kind_label}文书（{doc.pages}页）。请将当事人持有的文书与上述信息核对。")
    return 0 if result.ok else 1


def document_command(args: argparse.Namespace) -> int:
    from desktop.cli.common import login_desk, open_db, writable_target
    from desktop.domain.errors import NotFound
    from desktop.services.documents import DocumentService

    _quiet_pyhanko()
    # check the output first: a final document is recorded (row, blob, audit) when issued,
    # and must never be recorded without its file
    out = writable_target(args.out, "out")
    db = open_db(args)
    desk = login_desk(args, db)
    case_id = desk.cases.find_by_number(args.case_number)
    if case_id is None:
        raise NotFound(f"找不到案号为 {args.case_number} 的案件。")
    service = DocumentService(db, desk.actor)
    missing = _missing(service, case_id)
    if missing:
        print("警告：以下字符没有可用字体，打印出来会是空白方框：" + "、".join(
            f"“{c}”(U+{ord(c):04X})" for c in missing), file=sys.stderr)
        if args.final and not args.missing_glyphs_ok:
            print("错误：正式文书中有打印不出的字。核对当事人姓名后，确认仍要生成时请加 "
                  "--missing-glyphs-ok（打印后在空白处手写补正）。", file=sys.stderr)
            return 1
    if args.final:
        # Say what is missing before anything else: an unsigned agreement is never sealed.
        state = service.signing_state(case_id, args.form)
        if state is not None and not state.complete:
            from desktop.domain.errors import ValidationError

            raise ValidationError(state.refusal(), field="signatures")
    if args.final and not service.seal_image_configured(case_id):
        print("警告：调委会没有设置印章图像，正式文书上只印“（调委会印章）”位置，打印后须加盖"
              "实物印章。", file=sys.stderr)
        if not args.no_seal_image_ok:
            print("错误：确认无印章图像也要生成时，请加 --no-seal-image-ok；或先在“设置→电子印章”中"
                  "上传印章图像。", file=sys.stderr)
            return 1
    # the PDF is written (to a temporary name beside the target) inside the transaction that
    # records it: if the write fails, the record rolls back; the rename after commit is atomic
    tmp = out.with_name(out.name + ".part")
    try:
        issued = _issue_unlocking(service, case_id, args.form, args.final, args.for_signing,
                                  glyphs_confirmed=bool(missing), deliver=tmp.write_bytes)
        tmp.replace(out)
    except OSError as err:
        from desktop.cli.common import explain_os_error
        from desktop.domain.errors import ValidationError

        raise ValidationError(explain_os_error(err), field="out") from err
    finally:
        tmp.unlink(missing_ok=True)
    kind = {"final": "正式文书（已加盖电子印章）", "unsigned": "待签署文本（未盖章，签名后方生效）"
            }.get(issued.kind, "草稿")
    print(f"已生成{issued.form.label}{kind}：{args.out}（{issued.pages}页）")
    if issued.final:
        print(f"核验码：{issued.verification_code}")
    if issued.signers:
        print("签名：" + "、".join(issued.signers))
    print(f"SHA-256：{issued.sha256}")
    return 0


def _missing(service: DocumentService, case_id: int) -> list[str]:
    from desktop.documents.data import printable_text
    from desktop.documents.fonts import missing_glyphs

    return missing_glyphs(printable_text(service.case_data(case_id)))


def _ask_seal_password(prompt: str, *, twice: bool = False) -> str:
    """Interactive prompt when stdin is a terminal; otherwise the environment must say it."""
    import getpass

    from desktop.domain.errors import ValidationError
    from desktop.services.seal import PASSWORD_ENV

    if not sys.stdin.isatty():
        raise ValidationError(f"请在环境变量 {PASSWORD_ENV} 中提供印章密码（无人值守运行时）。",
                              field="seal_password")
    first = getpass.getpass(prompt)
    if twice and getpass.getpass("再输入一次：") != first:
        raise ValidationError("两次输入的印章密码不一致。", field="seal_password")
    return first


def _issue_unlocking(service: DocumentService, case_id: int, form: str, final: bool,
                     unsigned: bool = False, glyphs_confirmed: bool = False,
                     deliver: Callable[[bytes], object] | None = None) -> IssuedDocument:
    """Issue; when no seal password is at hand, ask once on the terminal and retry."""
    from desktop.services.seal import SealPasswordNeeded, SealService

    try:
        return service.issue(case_id, form, final=final, unsigned=unsigned,
                             glyphs_confirmed=glyphs_confirmed, deliver=deliver)
    except SealPasswordNeeded as need:
        password = _ask_seal_password(need.message + "\n电子印章密码：")
        SealService(service.db, service.actor).unlock(password, committee_id=need.committee_id)
        return service.issue(case_id, form, final=final, unsigned=unsigned,
                             glyphs_confirmed=glyphs_confirmed, deliver=deliver)


def seal_key_command(args: argparse.Namespace) -> int:
    import os

    from desktop.cli.common import login_desk, open_db, readable_source, writable_target
    from desktop.services.seal import NO_KEYRING, PASSWORD_ENV, SealService, keyring_available

    # the files first: nothing is generated or recorded for a path that cannot be used
    if args.import_file is not None:
        readable_source(args.import_file, "import")
    if args.ca_out is not None:
        writable_target(args.ca_out, "ca_out")
    db = open_db(args)
    desk = login_desk(args, db)
    service = SealService(db, desk.actor)
    committee_id = None
    if args.committee:
        from desktop.domain.errors import NotFound

        match = [c for c in desk.committees.list() if args.committee in (c.name, c.short_name)]
        if not match:
            raise NotFound(f"找不到调解委员会：{args.committee}")
        committee_id = match[0].id
    password = os.environ.get(PASSWORD_ENV)
    from_env = bool(password)
    ring = keyring_available()
    if args.import_file:
        if not password:
            password = _ask_seal_password("证书文件的密码：")
        info = service.import_pkcs12(Path(args.import_file).read_bytes(), password,
                                     remember=ring and not from_env, committee_id=committee_id)
        print("已导入电子印章证书。")
    else:
        if not password:
            password = _ask_seal_password("为电子印章设置密码（至少 8 位，含字母、数字、符号中的两类）：",
                                          twice=True)
        info = service.generate(password, remember=ring and not from_env,
                                committee_id=committee_id)
        print("已生成调解委员会根证书和签章证书（有效期10年）。")
    print(f"持有者：{info.holder}；到期：{info.expiry_text}；SHA-256 指纹：{info.fingerprint}")
    if not ring and not from_env:
        print(NO_KEYRING + f"（无人值守时可用环境变量 {PASSWORD_ENV} 提供。）")
    if args.ca_out:
        ca = service.ca_certificate_pem(info.committee_id)
        Path(args.ca_out).write_text(ca, encoding="ascii")
        print(f"根证书已写入 {args.ca_out}")
    return 0
