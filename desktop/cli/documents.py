"""``mediationdesk verify`` and ``mediationdesk document``: check and render the forms."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

FORM_CHOICES = ["agreement", "application", "registration", "notice", "investigation",
                "record", "oral", "termination", "followup", "confirmation", "dossier"]


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("verify", parents=[common], help="核验盖章的调解文书PDF是否完好",
                       description="核验调解文书PDF上的调解委员会电子印章：文件是否完好、是哪一案件"
                       "的哪份文书、何时由哪个调解委员会盖章。文件被改动或印章不明时返回非零。")
    p.add_argument("file", metavar="FILE.pdf", help="要核验的PDF文件")
    p.add_argument("--ca", metavar="CA.pem", action="append", default=[],
                   help="另外信任的调解委员会根证书（可多次指定）；默认信任数据库中各调委会的证书")
    p.set_defaults(func=verify_command)

    p = sub.add_parser("document", parents=[common], help="生成案件的调解文书PDF",
                       description="按案号生成一份人民调解文书（无人值守，供批量打印和技术支持）。"
                       "--final 生成加盖电子印章的正式文书，并登记其SHA-256。")
    p.add_argument("case_number", metavar="CASE_NUMBER", help="案号，如（2026）青人调字第0001号")
    p.add_argument("--form", required=True, choices=FORM_CHOICES, help="文书种类")
    p.add_argument("--out", required=True, metavar="FILE.pdf", help="输出文件")
    p.add_argument("--final", action="store_true", help="生成正式文书（盖电子印章，无草稿水印）")
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

    _quiet_pyhanko()
    path = Path(args.file)
    try:
        data = path.read_bytes()
    except OSError as err:
        print(f"错误：无法读取文件 {path}：{err.strerror}", file=sys.stderr)
        return 2
    trusted: list[bytes] = []
    for ca in args.ca:
        trusted.append(Path(ca).read_bytes())
    issued = None
    if args.db or not args.ca:
        from desktop.cli.common import open_db
        from desktop.services.documents import trusted_certs

        db = open_db(args)
        trusted += trusted_certs(db)
        issued = _issued(db, data)
    result = verify_pdf(data, trusted)
    print(result.report())
    if result.ok and issued:
        print(f"登记：本系统于{issued}登记过此文件（SHA-256 一致）。")
    return 0 if result.ok else 1


def _issued(db, data: bytes) -> str | None:  # type: ignore[no-untyped-def]
    import hashlib

    from sqlalchemy import select

    from desktop.store.models import Document

    sha = hashlib.sha256(data).hexdigest()
    with db.read() as s:
        doc = s.scalars(select(Document).where(Document.sha256 == sha)).first()
        return f"{doc.created_at:%Y年%m月%d日 %H:%M}" if doc else None


def document_command(args: argparse.Namespace) -> int:
    from desktop.cli.common import login_desk, open_db
    from desktop.domain.errors import NotFound
    from desktop.services.documents import DocumentService

    _quiet_pyhanko()
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
    issued = _issue_unlocking(service, case_id, args.form, args.final)
    Path(args.out).write_bytes(issued.data)
    kind = "正式文书（已加盖电子印章）" if issued.final else "草稿"
    print(f"已生成{issued.form.label}{kind}：{args.out}（{issued.pages}页）")
    if issued.final:
        print(f"验证码：{issued.verification_code}")
    print(f"SHA-256：{issued.sha256}")
    return 0


def _missing(service, case_id: int) -> list[str]:  # type: ignore[no-untyped-def]
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


def _issue_unlocking(service, case_id: int, form: str, final: bool):  # type: ignore[no-untyped-def]
    """Issue; when no seal password is at hand, ask once on the terminal and retry."""
    from desktop.services.seal import SealPasswordNeeded, SealService

    try:
        return service.issue(case_id, form, final=final)
    except SealPasswordNeeded as need:
        password = _ask_seal_password(need.message + "\n电子印章密码：")
        SealService(service.db, service.actor).unlock(password, committee_id=need.committee_id)
        return service.issue(case_id, form, final=final)


def seal_key_command(args: argparse.Namespace) -> int:
    import os

    from desktop.cli.common import login_desk, open_db
    from desktop.services.seal import NO_KEYRING, PASSWORD_ENV, SealService, keyring_available

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
