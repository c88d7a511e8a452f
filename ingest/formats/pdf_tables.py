"""Ruled tables of PDF pages as pipe rows (pdfplumber, MIT), in their place among the page's lines.

PDFium gives a page's text with a table's cells run together line by line (``1 研发经费投入强度 2.6%``), so a row is
not a unit and a figure loses its column. A page that draws lines (a ruled table is paths: its cell borders) is read
again with pdfplumber: each table it finds (at least two rows and two columns) becomes pipe rows
(``| 指标 | 目标 |``, as a DOCX table is stored, so ``table_regions`` marks every row and a citation says 表1第3行),
and the page's other lines keep their order around it, by their position on the page. A page without lines, or
without a table pdfplumber can read, keeps PDFium's text; so does every page when pdfplumber is not installed.

    >>> cell_text("研发经费投\\n入强度")
    '研发经费投入强度'
    >>> cell_text("Total R&D\\nspending")
    'Total R&D spending'
"""

from __future__ import annotations

import io
import logging
import re

from ingest.formats.common import row_line

# A page whose drawing has fewer path objects than this is not read for tables: a ruled 2 × 2 table is at least
# 4 borders (Chromium draws the 4 × 3 fixture table of tests/test_ingest_formats.py as 31 paths; a page of text
# draws none), so pages of plain text never pay pdfplumber's parse (~0.1 s a page).
MIN_PATHS = 4
_CJK_JOIN = re.compile(r"(?<=[\u3400-\u9fff，、（“《])\s*\n\s*(?=[\u3400-\u9fff，。、）”》%\d])")


def cell_text(cell: str | None) -> str:
    """A cell's text on one line: a wrap between Chinese characters is dropped, any other becomes a space."""
    if not cell:
        return ""
    return re.sub(r"\s*\n\s*", " ", _CJK_JOIN.sub("", cell.strip()))


def _rows(table) -> list[str]:
    rows = [[cell_text(c) for c in r] for r in table.extract()]
    rows = [r for r in rows if any(r)]
    if len(rows) < 2 or max(len(r) for r in rows) < 2:
        return []
    width = max(len(r) for r in rows)
    lines = [row_line(r + [""] * (width - len(r))) for r in rows]
    return [lines[0], "| " + " | ".join(["---"] * width) + " |", *lines[1:]]


def page_text_with_tables(page) -> tuple[str, int] | None:
    """A pdfplumber page's text with its ruled tables as pipe rows, and how many tables; None when it has none."""
    tables = []
    for t in page.find_tables():
        rows = _rows(t)
        if rows:
            tables.append((t.bbox, rows))
    if not tables:
        return None

    def outside(obj) -> bool:
        if obj.get("object_type") != "char":
            return True
        cx, cy = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
        return not any(b[0] <= cx <= b[2] and b[1] <= cy <= b[3] for b, _ in tables)

    items = [(float(x["top"]), 0, x["text"]) for x in page.filter(outside).extract_text_lines() if x["text"].strip()]
    items += [(float(b[1]), 1, "\n".join(rows)) for b, rows in tables]
    items.sort(key=lambda x: (x[0], x[1]))
    return "\n".join(t for _, _, t in items), len(tables)


def tables_of_pages(data: bytes, pages: list[int], over_time=lambda: False) -> dict[int, tuple[str, int]]:
    """``{page index: (text with tables, number of tables)}`` for those of ``pages`` (0-based) that hold a table.
    Empty when pdfplumber is not installed or cannot read the file (PDFium's text stays); pages left when
    ``over_time()`` turns true keep PDFium's text too."""
    if not pages:
        return {}
    try:
        import pdfplumber
    except ImportError:  # pragma: no cover - depends on the environment
        return {}
    logging.getLogger("pdfminer").setLevel(logging.ERROR)  # font-descriptor warnings of every CJK PDF
    out: dict[int, tuple[str, int]] = {}
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            for i in pages:
                if over_time():
                    break
                got = page_text_with_tables(pdf.pages[i])
                if got is not None:
                    out[i] = got
    except Exception:  # noqa: BLE001 - pdfminer fails in many ways on files PDFium reads; PDFium's text stays
        return out
    return out
