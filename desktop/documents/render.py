"""The one entry point for rendering: a standard form, or the whole dossier, as PDF bytes.

    from desktop.documents.render import render
    pdf = render(DocumentForm.AGREEMENT, data, RenderOptions(final=True))

Each form's layout is its module in ``documents/forms`` (``forms.story_for``); the dossier is
``documents/dossier.py``. Sealing a rendered final is ``documents/seal.py``.
"""

from __future__ import annotations

from desktop.documents.data import CaseDocumentData, RenderOptions, printable_text
from desktop.documents.dossier import render_dossier
from desktop.documents.fonts import glyph_check
from desktop.documents.forms import meta_for, story_for
from desktop.documents.layout import build_pdf, keep_words
from desktop.domain.enums import DocumentForm
from desktop.domain.errors import ValidationError


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
            return render_dossier(data, opts)
        data = data.for_form(form.value)
        return build_pdf(story_for(form)(data, opts), meta_for(form, data, opts))


__all__ = ["render"]
