"""PDF (pypdfium2, BSD/Apache): text per page in reading order, page numbers kept as regions.

Stored text: the pages' text one after another (a blank line between pages), with line wraps inside Chinese
sentences rejoined and Kangxi radicals / compatibility ideographs folded (a Chromium PDF of 方面 extracts as
⽅⾯); each page is a ``page`` region, so a citation says 第3页 / p. 3. Lines that repeat at the top or bottom of
most pages (running headers, footers, page numbers) stay in the text but in ``skip_spans``: never indexed. A ruled
table is stored as pipe rows (``pdf_tables.py``), so each row is a ``row`` region too: 第2页 · 表1第3行.

A PDF whose pages hold no text (scanned) is OCRed (``ocr.py``, rapidocr): the metadata's ``source`` and ``ocr``
fields say so, with the mean confidence. An encrypted or damaged PDF is refused with the reason.
"""

from __future__ import annotations

import re
from pathlib import Path

from ingest.formats.common import assemble_pages, table_regions
from ingest.formats.pdf_tables import MIN_PATHS, tables_of_pages
from ingest.loaders import LoadedText, budget, register_loader
from ingest.types import LoadError


def _page_texts(path: Path, data: bytes) -> tuple[list[str], int, str, int]:
    """The pages' texts (ruled tables as pipe rows, ``pdf_tables.py``), the page count, the producer's title and
    how many tables were read."""
    try:
        import pypdfium2 as pdfium
        import pypdfium2.raw as pdfium_c
    except ImportError:  # pragma: no cover - depends on the environment
        raise LoadError(str(path), "需要 pypdfium2 / PDF needs pypdfium2 (pip install pypdfium2)") from None
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as e:
        msg = str(e).lower()
        if "password" in msg:
            raise LoadError(str(path), "PDF 已加密 / encrypted PDF (password required): not indexed") from None
        raise LoadError(str(path), f"无法解析的 PDF / damaged or unreadable PDF ({e})") from None
    try:
        n = len(pdf)
        try:
            title = (pdf.get_metadata_dict().get("Title") or "").strip()
        except Exception:  # a damaged info dictionary only loses the title
            title = ""
        texts = []
        ruled: list[int] = []  # pages that draw enough lines to hold a table
        b = budget()
        for i in range(min(n, b.limits.max_pages)):
            if b.over_time():
                b.cut(f"pages {i + 1}–{n} not read: over {b.limits.max_seconds:.0f} s (limits.max_seconds)")
                break
            page = pdf[i]
            tp = page.get_textpage()
            texts.append(tp.get_text_range().replace("\r\n", "\n").replace("\r", "\n"))
            tp.close()
            paths = sum(1 for _ in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_PATH,), max_depth=3))
            if paths >= MIN_PATHS and texts[-1].strip():
                ruled.append(i)
            page.close()
    finally:
        pdf.close()
    found = tables_of_pages(data, ruled, b.over_time)
    for i, (text, _n) in found.items():
        texts[i] = text
    return texts, n, title, sum(k for _t, k in found.values())


@register_loader(".pdf")
def load_pdf(path: Path, data: bytes) -> LoadedText:
    raw, n_pages, title, n_tables = _page_texts(path, data)
    source = f"PDF, {n_pages} pages, text layer" + (f", {n_tables} ruled table(s) as rows" if n_tables else "")
    ocr: dict[str, str] = {}
    if not any(t.strip() for t in raw):
        from ingest.formats.ocr import ocr_pdf

        raw, note = ocr_pdf(path, data)
        source = f"PDF, {n_pages} pages, {note}"
        ocr = {"ocr": note}
    cap = budget().limits.max_pages
    if n_pages > cap:
        budget().cut(f"only the first {cap:,} of {n_pages:,} pages read (limits.max_pages)")
    text, regions, skips = assemble_pages(raw)
    # The producer's title when it is one (not a file name, a URL or a placeholder such as "untitled").
    title_ok = title and not re.search(r"\.(?:docx?|pdf|html?|txt|wps)$|^(?:untitled|microsoft word|无标题)|://", title, re.I)
    return LoadedText(text, "pdf", skip_spans=tuple(skips), regions=tuple([*regions, *table_regions(text)]),
                      meta={**({"title": title} if title_ok else {}), **ocr} or None, source=source)
