"""One story per standard form (``story_for``) and its PDF properties (``meta_for``).

Rendering a form (or the dossier) to PDF bytes is ``desktop.documents.render.render``."""

from __future__ import annotations

import importlib
from collections.abc import Callable

from reportlab.platypus import Flowable

from desktop.documents.data import CaseDocumentData, RenderOptions
from desktop.documents.layout import PdfMeta
from desktop.domain.enums import DocumentForm

StoryFn = Callable[[CaseDocumentData, RenderOptions], list[Flowable]]

MODULES: dict[DocumentForm, str] = {
    DocumentForm.APPLICATION: "application",
    DocumentForm.REGISTRATION: "registration",
    DocumentForm.NOTICE: "notice",
    DocumentForm.INVESTIGATION: "investigation",
    DocumentForm.RECORD: "record",
    DocumentForm.AGREEMENT: "agreement",
    DocumentForm.ORAL: "oral",
    DocumentForm.TERMINATION: "termination",
    DocumentForm.FOLLOWUP: "followup",
    DocumentForm.CONFIRMATION: "confirmation",
}


def story_for(form: DocumentForm) -> StoryFn:
    module = importlib.import_module(f"desktop.documents.forms.{MODULES[form]}")
    story: StoryFn = module.story
    return story


def meta_for(form: DocumentForm, data: CaseDocumentData, opts: RenderOptions) -> PdfMeta:
    # Identification read back by ``verify`` (and by people, in the PDF properties).
    state = "final" if opts.final else "unsigned" if opts.unsigned else "draft"
    keywords = f"mediationdesk;case={data.case.number};form={form.value};state={state}"
    if data.verification_code:
        keywords += f";code={data.verification_code}"
    meta = PdfMeta(
        title=f"{form.label} {data.case.number}" + ("（待签署）" if opts.unsigned else ""),
        subject=form.label,
        keywords=keywords,
        author=data.committee.name,
        draft=not opts.final and not opts.unsigned,
    )
    if opts.unsigned and not opts.final:
        from desktop.documents.effect import draw_unsigned_header

        meta.extra_page_drawers.append(draw_unsigned_header(form))
    return meta
