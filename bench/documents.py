"""Benchmark: how fast the documents render, against the .docx + LibreOffice route.

    .venv/bin/python bench/documents.py [--runs 50] [--lo-runs 5] [--out bench/out]

Measures, in one run on the same machine:
- a two-page 人民调解协议书 (final, with seal, signatures and QR), warm: median of ``--runs``;
- a ~40-page 人民调解卷宗 (dossier) with scans, warm: median of 5, and its file size; as the
  baseline, the same documents rendered one by one and joined with pypdf (the route the
  dossier took before it became one document: every document embedded its own font subsets);
- the same agreement the way many offices make it today: a .docx filled in with python-docx
  and converted by ``libreoffice --headless --convert-to pdf`` (one process per document,
  as a desk would run it), median of ``--lo-runs``.
Prints the ratio. Targets: agreement ≤ 50 ms warm and ≥ 30× faster than LibreOffice; dossier
≤ 600 ms.
Needs (bench only): ``pip install python-docx`` and ``apt-get install libreoffice-writer-nogui``.
"""

from __future__ import annotations

import argparse
import io
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from desktop.documents.data import CaseDocumentData, RenderOptions
from desktop.documents.fonts import warm_up
from desktop.documents.forms.agreement import obligation_text
from desktop.documents.forms.common import fdate, particulars
from desktop.documents.render import render
from desktop.documents.sample import sample_case


def two_page_agreement() -> CaseDocumentData:
    """Two parties, two payments: the common case, two A4 pages."""
    data = sample_case(obligations=2)
    ag = data.agreement
    assert ag is not None
    ag = replace(ag, obligations=ag.obligations[:2], other_terms="")
    return replace(data, parties=data.parties[:2], agreement=ag)


def forty_page_dossier() -> CaseDocumentData:
    from desktop.documents.data import AttachmentFile
    from desktop.documents.sample import scan_png
    from desktop.domain.enums import AttachmentCategory

    data = sample_case(sessions=8)
    scans = tuple(AttachmentFile(f"证据材料{i + 1}", AttachmentCategory.EVIDENCE, "image/png",
                                 scan_png()) for i in range(9))
    return replace(data, attachments=data.attachments + scans)


def joined_separately(data: CaseDocumentData, opts: RenderOptions) -> bytes:
    """Baseline: each document of the dossier rendered on its own, then joined."""
    from pypdf import PdfReader, PdfWriter

    from desktop.documents.dossier import _scan_story
    from desktop.documents.layout import PdfMeta, build_pdf
    from desktop.domain.enums import DocumentForm

    forms = [DocumentForm.APPLICATION, DocumentForm.REGISTRATION, DocumentForm.NOTICE,
             DocumentForm.INVESTIGATION, DocumentForm.RECORD, DocumentForm.AGREEMENT,
             DocumentForm.FOLLOWUP, DocumentForm.CONFIRMATION]
    parts = [render(f, data, opts) for f in forms]
    for a in data.attachments:  # each scan as its own one-page PDF, as the old dossier did
        parts.append(build_pdf(_scan_story([a], {}), PdfMeta(title=a.title)))
    writer = PdfWriter()
    for pdf in parts:
        writer.append(PdfReader(io.BytesIO(pdf)))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def pages(pdf: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)


def timed(fn, runs: int) -> tuple[float, float, object]:  # type: ignore[no-untyped-def]
    """Median wall time and median CPU time (the CPU figure is what a busy shared machine
    cannot inflate)."""
    out = fn()
    walls, cpus = [], []
    for _ in range(runs):
        t, c = time.perf_counter(), time.process_time()
        out = fn()
        walls.append(time.perf_counter() - t)
        cpus.append(time.process_time() - c)
    return statistics.median(walls), statistics.median(cpus), out


def children_cpu() -> float:
    import resource

    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def docx_agreement(data: CaseDocumentData, path: Path) -> None:
    """The same agreement as a filled-in Word template (what many offices use today)."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt

    ag = data.agreement
    assert ag is not None
    doc = Document()
    sec = doc.sections[0]
    sec.page_width, sec.page_height = Mm(210), Mm(297)
    sec.left_margin, sec.right_margin, sec.top_margin, sec.bottom_margin = (
        Mm(28), Mm(26), Mm(28), Mm(26))
    style = doc.styles["Normal"]
    style.font.name = "AR PL UMing CN"
    style.font.size = Pt(14)
    h = doc.add_paragraph()
    h.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = h.add_run("人民调解协议书")
    run.font.size = Pt(22)
    run.bold = True
    doc.add_paragraph(f"编号：{data.case.number}").alignment = WD_ALIGN_PARAGRAPH.RIGHT
    for p in data.parties:
        doc.add_paragraph(particulars(p, ag.signed_on))
    for head, body in (("纠纷主要事实：", ag.facts), ("争议事项：", ag.disputed_matters),
                       ("各方责任：", ag.responsibilities)):
        doc.add_paragraph().add_run(head).bold = True
        doc.add_paragraph("\u3000\u3000" + body)
    doc.add_paragraph().add_run("经调解，各方当事人自愿达成如下协议：").bold = True
    for i, ob in enumerate(ag.obligations, start=1):
        doc.add_paragraph("\u3000\u3000" + obligation_text(i, ob))
    doc.add_paragraph("\u3000\u3000本协议一式三份，当事人各执一份，人民调解委员会留存一份。")
    table = doc.add_table(rows=len(data.parties) + 1, cols=4)
    table.style = "Table Grid"
    for c, t in enumerate(["当事人", "签名（盖章）", "捺印", "日期"]):
        table.cell(0, c).text = t
    for r, p in enumerate(data.parties, start=1):
        table.cell(r, 0).text = f"{p.side_label} {p.name}"
        png = data.signature_of(p.name)
        if png:
            table.cell(r, 1).paragraphs[0].add_run().add_picture(io.BytesIO(png), width=Mm(40))
    for name in data.mediators:
        doc.add_paragraph(f"人民调解员（签名）：{name}")
    if data.committee.seal_png:
        doc.add_picture(io.BytesIO(data.committee.seal_png), width=Mm(42))
    doc.add_paragraph(data.committee.name).alignment = WD_ALIGN_PARAGRAPH.RIGHT
    doc.add_paragraph(fdate(ag.signed_on)).alignment = WD_ALIGN_PARAGRAPH.RIGHT
    doc.save(str(path))


def libreoffice_once(data: CaseDocumentData, work: Path, soffice: str) -> bytes:
    src = work / "agreement.docx"
    docx_agreement(data, src)
    profile = work / "lo-profile"
    subprocess.run([soffice, f"-env:UserInstallation=file://{profile}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(work), str(src)],
                   check=True, capture_output=True, timeout=180)
    return (work / "agreement.pdf").read_bytes()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=50)
    ap.add_argument("--lo-runs", type=int, default=5)
    ap.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "out")
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)

    t = time.perf_counter()
    warm_up()
    print(f"字体加载（一次）：{(time.perf_counter() - t) * 1000:.0f} ms")

    agreement = two_page_agreement()
    opts = RenderOptions(final=True)
    ours, ours_cpu, pdf = timed(lambda: render("agreement", agreement, opts), args.runs)
    (args.out / "agreement.pdf").write_bytes(pdf)  # type: ignore[arg-type]
    print(f"协议书（{pages(pdf)}页，热启动，{args.runs}次中位数）：{ours * 1000:.1f} ms"  # type: ignore[arg-type]
          f"（CPU {ours_cpu * 1000:.1f} ms）")

    dossier = forty_page_dossier()
    dtime, dcpu, dpdf = timed(lambda: render("dossier", dossier, opts), 5)
    (args.out / "dossier.pdf").write_bytes(dpdf)  # type: ignore[arg-type]
    print(f"卷宗（{pages(dpdf)}页，热启动，5次中位数）：{dtime * 1000:.0f} ms"  # type: ignore[arg-type]
          f"（CPU {dcpu * 1000:.0f} ms，目标 ≤ 600 ms），{len(dpdf) / 1e6:.2f} MB")  # type: ignore[arg-type]
    stime, scpu, spdf = timed(lambda: joined_separately(dossier, opts), 3)
    (args.out / "dossier-joined.pdf").write_bytes(spdf)  # type: ignore[arg-type]
    print(f"  对照：同样的文书逐份生成再合并（{pages(spdf)}页，3次中位数）：{stime * 1000:.0f} ms"  # type: ignore[arg-type]
          f"（CPU {scpu * 1000:.0f} ms），{len(spdf) / 1e6:.2f} MB"  # type: ignore[arg-type]
          f"；卷宗文件缩小到 {len(dpdf) / len(spdf):.0%}")  # type: ignore[arg-type]

    soffice = shutil.which("libreoffice") or shutil.which("soffice")
    if not soffice:
        print("未安装 LibreOffice（apt-get install libreoffice-writer-nogui），跳过对比。")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        libreoffice_once(agreement, work, soffice)  # first start creates the profile
        times, cpus = [], []
        for _ in range(args.lo_runs):
            t, c = time.perf_counter(), time.process_time() + children_cpu()
            lo_pdf = libreoffice_once(agreement, work, soffice)
            times.append(time.perf_counter() - t)
            cpus.append(time.process_time() + children_cpu() - c)
        lo, lo_cpu = statistics.median(times), statistics.median(cpus)
        (args.out / "agreement-libreoffice.pdf").write_bytes(lo_pdf)
    print(f"同一协议书经 .docx 模板 + LibreOffice 转换（{pages(lo_pdf)}页，{args.lo_runs}次中位数）："
          f"{lo * 1000:.0f} ms（CPU {lo_cpu * 1000:.0f} ms）")
    print(f"倍数：墙钟 {lo / ours:.1f}×，CPU {lo_cpu / ours_cpu:.1f}×（目标 ≥ 30×）；"
          f"协议书 {ours * 1000:.1f} ms（目标 ≤ 50 ms）")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
