"""The standard people's-mediation forms as PDFs (Qt-free; no database access).

- ``render.render(form, CaseDocumentData, RenderOptions) -> bytes``: one form or the dossier
  (the one entry point; each form's layout is in ``forms``, the dossier in ``dossier``).
- ``data``: the plain, frozen data the renderers take (the services fill it in).
- ``fonts``: shipped CJK fonts with per-character fallback; ``missing_glyphs`` for the
  pre-print warning.
- ``layout``: 避头尾 line breaking, the CJK paragraph, A4 pages, 第 N 页 共 M 页, 草稿.
- ``seal`` / ``verify``: the committee's CA and PAdES seal; ``verify_pdf`` with a Chinese verdict.
"""
