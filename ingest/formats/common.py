"""Shared by the converted-format loaders: table rows as text, their regions, and PDF text repair.

Tables are stored as Markdown pipe rows (``| 指标 | 目标 |``), one row per line, so a row is never cut inside
(the chunker splits between lines first) and a reader of the stored text sees the table; ``table_regions`` finds
them again in any stored text (a DOCX's, a web page's, a Markdown file's).

    >>> text = "前言\\n| 指标 | 目标 |\\n| --- | --- |\\n| 技术合同成交额 | 500亿元 |\\n结尾"
    >>> [(r.kind, r.label, text[r.start:r.end]) for r in table_regions(text)][1:]
    [('row', '1.1', '| 技术合同成交额 | 500亿元 |')]
    >>> table_regions(text)[0].header
    '| 指标 | 目标 |'
    >>> fix_pdf_text("一、总体要求\\n⽅⾯的工作要进一步加强，坚持创新驱动\\n发展战略。\\n二、主要任务")
    '一、总体要求\\n方面的工作要进一步加强，坚持创新驱动发展战略。\\n二、主要任务'
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

from ingest.types import Region

_ROW = re.compile(r"^\|.*\|\s*$")
_RULE = re.compile(r"^\|(?:\s*:?-{3,}:?\s*\|)+\s*$")


def row_line(cells: list[str]) -> str:
    """One table row as a pipe line; cell text on one line, pipes in cells escaped."""
    clean = [re.sub(r"\s+", " ", c).strip().replace("|", "｜") for c in cells]
    return "| " + " | ".join(clean) + " |"


def table_regions(text: str) -> list[Region]:
    """A ``table`` region per block of consecutive pipe rows (its ``header`` the first row) and a ``row`` region per
    body row (``"table.row"``, counting from 1 after the header; the ``| --- |`` rule is not a row)."""
    out: list[Region] = []
    pos = 0
    block: list[tuple[int, int, str]] = []
    n_table = 0

    def flush() -> None:
        nonlocal n_table
        if len(block) < 2:
            block.clear()
            return
        n_table += 1
        header = block[0][2]
        out.append(Region(block[0][0], block[-1][1], "table", str(n_table), header))
        body = [b for b in block[1:] if not _RULE.match(b[2])]
        for i, (a, b, _t) in enumerate(body, 1):
            out.append(Region(a, b, "row", f"{n_table}.{i}"))
        block.clear()

    for line in text.split("\n"):
        end = pos + len(line)
        if _ROW.match(line):
            block.append((pos, end, line))
        else:
            flush()
        pos = end + 1
    flush()
    return out


def fold_compat(text: str) -> str:
    """Kangxi radicals (⽅ U+2F45) and CJK compatibility ideographs as the ordinary characters they stand for:
    PDF producers map glyphs to them, and a reader (or a copied quote) means 方."""
    return "".join(unicodedata.normalize("NFKC", c) if "\u2f00" <= c <= "\u2fdf" or "\uf900" <= c <= "\ufaff"
                   or "\u2e80" <= c <= "\u2eff" else c for c in text)


_CJK = "\u3400-\u9fff"
_SENT_END = "。！？；：!?;:」』”）)"
# A line that starts a heading or a list item stays on its own line (the chunker reads headings at line starts).
_HEAD = re.compile(r"^(?:第[一二三四五六七八九十百零〇\d]+[编章节条]|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[)）]|"
                   r"\d+[.、．]|#|\||——|附件)")


def fix_pdf_text(text: str) -> str:
    """Compatibility forms folded; a line break inside a Chinese sentence (the PDF's line wrap) removed.

    A line is a wrap when it runs (nearly) the full width of the page's longest line, does not end a sentence, and
    the next line continues in Chinese and opens no heading or list item; a short line (a heading, a paragraph's
    last line) keeps its break.
    """
    lines = [x.strip() for x in fold_compat(text).split("\n")]
    width = max((len(x) for x in lines if not x.startswith("|")), default=0)  # a table's pipe rows are no text width
    out: list[str] = []
    wrapped = False  # the last line of ``out`` ended at the page's width
    for s in lines:
        if (out and out[-1] and s and wrapped and re.match(f"[{_CJK}，、“（]", s[0]) and out[-1][-1] not in _SENT_END
                and re.match(f"[{_CJK}，、”）\\d%]", out[-1][-1]) and not _HEAD.match(s)):
            out[-1] += s
        else:
            out.append(s)
        wrapped = len(s) >= 0.8 * width and width >= 12
    return "\n".join(out)


_PAGE_NO = re.compile(r"^[-—–\s]*(?:第\s*)?(?!(?:19|20)\d\d\b)\d{1,4}\s*(?:页|/\s*\d{1,4})?[-—–\s]*$|^(?:page|p\.)\s*\d{1,4}(?:\s*(?:of|/)\s*\d+)?$",
                      re.I)


def furniture(pages: list[list[str]]) -> set[str]:
    """Lines that open or close most pages (≥ half, at least 3 pages): running headers and footers."""
    if len(pages) < 3:
        return set()
    c: Counter[str] = Counter()
    for lines in pages:
        edge = {re.sub(r"\d+", "#", x.strip()) for x in lines[:2] + lines[-2:] if x.strip()}
        c.update(edge)
    return {k for k, v in c.items() if v >= max(3, len(pages) / 2)}



def assemble_pages(raw: list[str]) -> tuple[str, list[Region], list[tuple[int, int]]]:
    """Pages' texts (a PDF's or an OFD's) as one stored text: a blank line between pages, each page a ``page``
    region, line wraps rejoined (``fix_pdf_text``), and the running headers, footers and page numbers at the top or
    bottom of pages returned as spans never to index."""
    pages = [fix_pdf_text(t).split("\n") for t in raw]
    repeated = furniture(pages)
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
        body_lines = body.split("\n")
        for j, line in enumerate(body_lines):
            s = line.strip()
            edge = j < 2 or j >= len(body_lines) - 2
            if s and edge and (re.sub(r"\d+", "#", s) in repeated or _PAGE_NO.match(s)):
                skips.append((start + off, start + off + len(line)))
            off += len(line) + 1
        parts.append(body)
        pos += len(body)
        regions.append(Region(start, pos, "page", str(i)))
    return "".join(parts), regions, skips
