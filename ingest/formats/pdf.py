"""PDF (pypdfium2, BSD/Apache): text per page in reading order, page numbers kept as regions.

Stored text: the pages' text one after another (a blank line between pages), with line wraps inside Chinese
sentences rejoined and Kangxi radicals / compatibility ideographs folded (a Chromium PDF of 方面 extracts as
⽅⾯); each page is a ``page`` region, so a citation says 第3页 / p. 3. Lines that repeat at the top or bottom of
most pages (running headers, footers, page numbers) stay in the text but in ``skip_spans``: never indexed.

A PDF whose pages hold no text (scanned) is OCRed (``ocr.py``, rapidocr): the metadata's ``source`` and ``ocr``
fields say so, with the mean confidence. An encrypted or damaged PDF is refused with the reason.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from ingest.formats.common import fix_pdf_text, table_regions
from ingest.loaders import LoadedText, register_loader
from ingest.types import LoadError, Region

MAX_PAGES = 2000  # pages read per PDF; the rest is reported as cut (see LoadedText.source)
_PAGE_NO = re.compile(r"^[-—–\s]*(?:第\s*)?(?!(?:19|20)\d\d\b)\d{1,4}\s*(?:页|/\s*\d{1,4})?[-—–\s]*$|^(?:page|p\.)\s*\d{1,4}(?:\s*(?:of|/)\s*\d+)?$",
                      re.I)


def _page_texts(path: Path, data: bytes) -> tuple[list[str], int, str]:
    try:
        import pypdfium2 as pdfium
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
        for i in range(min(n, MAX_PAGES)):
            page = pdf[i]
            tp = page.get_textpage()
            texts.append(tp.get_text_range().replace("\r\n", "\n").replace("\r", "\n"))
            tp.close()
            page.close()
        return texts, n, title
    finally:
        pdf.close()


def _furniture(pages: list[list[str]]) -> set[str]:
    """Lines that open or close most pages (≥ half, at least 3 pages): running headers and footers."""
    if len(pages) < 3:
        return set()
    c: Counter[str] = Counter()
    for lines in pages:
        edge = {re.sub(r"\d+", "#", x.strip()) for x in lines[:2] + lines[-2:] if x.strip()}
        c.update(edge)
    return {k for k, v in c.items() if v >= max(3, len(pages) / 2)}


@register_loader(".pdf")
def load_pdf(path: Path, data: bytes) -> LoadedText:
    raw, n_pages, title = _page_texts(path, data)
    source = f"PDF, {n_pages} pages, text layer"
    ocr: dict[str, str] = {}
    if not any(t.strip() for t in raw):
        from ingest.formats.ocr import ocr_pdf

        raw, note = ocr_pdf(path, data)
        source = f"PDF, {n_pages} pages, {note}"
        ocr = {"ocr": note}
    if n_pages > MAX_PAGES:
        source += f"; only the first {MAX_PAGES} pages read"
    pages = [fix_pdf_text(t).split("\n") for t in raw]
    furniture = _furniture(pages)
    parts: list[str] = []
    regions: list[Region] = []
    skips: list[tuple[int, int]] = []
    pos = 0
    for i, lines in enumerate(pages, 1):
        body = "\n".join(x for x in lines).strip("\n")
        if not body.strip():
            continue
        if parts:
            parts.append("\n\n")
            pos += 2
        start = pos
        off = 0
        for j, line in enumerate(body.split("\n")):
            s = line.strip()
            edge = j < 2 or j >= len(body.split("\n")) - 2
            if s and edge and (re.sub(r"\d+", "#", s) in furniture or _PAGE_NO.match(s)):
                skips.append((start + off, start + off + len(line)))
            off += len(line) + 1
        parts.append(body)
        pos += len(body)
        regions.append(Region(start, pos, "page", str(i)))
    text = "".join(parts)
    # The producer's title when it is one (not a file name, a URL or a placeholder such as "untitled").
    title_ok = title and not re.search(r"\.(?:docx?|pdf|html?|txt|wps)$|^(?:untitled|microsoft word|无标题)|://", title, re.I)
    return LoadedText(text, "pdf", skip_spans=tuple(skips), regions=tuple(regions + table_regions(text)),
                      meta={**({"title": title} if title_ok else {}), **ocr} or None, source=source)
