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
                       "PKCS#12（.p12/.pfx）证书。证书密码保存在系统密钥环中；无人值守时可由环境"
                       "变量 MEDIATIONDESK_SEAL_PASSWORD 提供。")
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
        try:
            trusted.append(Path(ca).read_bytes())
        except OSError as err:
            print(f"错误：无法读取根证书文件 {ca}：{err.strerror}", file=sys.stderr)
            return 2
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
    # the PDF is written (to a temporary name beside the target) inside the transaction that
    # records it: if the write fails, the record rolls back; the rename after commit is atomic
    tmp = out.with_name(out.name + ".part")
    try:
        issued = service.issue(case_id, args.form, final=args.final, deliver=tmp.write_bytes)
        tmp.replace(out)
    except OSError as err:
        from desktop.cli.common import explain_os_error
        from desktop.domain.errors import ValidationError

        raise ValidationError(explain_os_error(err), field="out") from err
    finally:
        tmp.unlink(missing_ok=True)
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


def seal_key_command(args: argparse.Namespace) -> int:
    import os

    from desktop.cli.common import login_desk, open_db, readable_source, writable_target
    from desktop.services.documents import PASSWORD_ENV, DocumentService

    # the files first: nothing is generated or recorded for a path that cannot be used
    if args.import_file is not None:
        readable_source(args.import_file, "import")
    if args.ca_out is not None:
        writable_target(args.ca_out, "ca_out")
    db = open_db(args)
    desk = login_desk(args, db)
    service = DocumentService(db, desk.actor)
    committee_id = None
    if args.committee:
        from desktop.domain.errors import NotFound

        match = [c for c in desk.committees.list() if args.committee in (c.name, c.short_name)]
        if not match:
            raise NotFound(f"找不到调解委员会：{args.committee}")
        committee_id = match[0].id
    password = os.environ.get(PASSWORD_ENV)
    if args.import_file:
        if not password:
            import getpass

            password = getpass.getpass("证书文件的密码：")
        ca = service.import_seal_key(Path(args.import_file).read_bytes(), password,
                                     committee_id)
        print("已导入电子印章证书。")
    else:
        ca = service.create_seal_key(committee_id, password=password)
        print("已生成调解委员会根证书和签章证书（有效期10年）。")
    if args.ca_out:
        Path(args.ca_out).write_text(ca, encoding="ascii")
        print(f"根证书已写入 {args.ca_out}")
    return 0
