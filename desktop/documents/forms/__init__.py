"""One renderer per standard form; ``render`` turns case data into PDF bytes."""

from __future__ import annotations

import importlib
from collections.abc import Callable

from reportlab.platypus import Flowable

from desktop.documents.data import CaseDocumentData, RenderOptions, printable_text
from desktop.documents.fonts import glyph_check
from desktop.documents.layout import PdfMeta, build_pdf, keep_words
from desktop.domain.enums import DocumentForm
from desktop.domain.errors import ValidationError

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


def render(form: DocumentForm | str, data: CaseDocumentData,
           opts: RenderOptions | None = None) -> bytes:
    """PDF bytes of one form (the dossier included). Drafts carry the 草稿 watermark.

    A final with characters no shipped font prints raises ``ValidationError`` (field
    "glyphs", the message names them) unless ``opts.glyphs_confirmed``."""
    form = DocumentForm(form)
    opts = opts or RenderOptions()
    if opts.final and not opts.glyphs_confirmed:
        check = glyph_check(printable_text(data))
        if not check.ok:
            raise ValidationError(check.message, field="glyphs")
    with keep_words(data.people()):
        if form == DocumentForm.DOSSIER:
            from desktop.documents.dossier import render_dossier

            return render_dossier(data, opts)
        data = data.for_form(form.value)
        return build_pdf(story_for(form)(data, opts), meta_for(form, data, opts))
