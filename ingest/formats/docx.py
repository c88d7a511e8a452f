"""DOCX (python-docx): paragraphs and tables in document order; heading styles become ``#`` headings.

Stored text: one paragraph per line; a paragraph in a "Heading N" / "标题 N" style as ``#``×N + its text (the chunker
reads Markdown headings as sections); a table as pipe rows, one row per line (merged cells once), so a row never
splits across passages and ``common.table_regions`` marks the table, its header and each row. The core
properties' title, when set, is the title.

    >>> import io, docx as _d
    >>> d = _d.Document(); _ = d.add_heading("总体要求", level=1); _ = d.add_paragraph("到2025年，全省技术合同成交额突破500亿元。")
    >>> t = d.add_table(rows=2, cols=2); t.cell(0, 0).text, t.cell(0, 1).text = "指标", "目标"
    >>> t.cell(1, 0).text, t.cell(1, 1).text = "高新技术企业", "5000家"
    >>> buf = io.BytesIO(); d.save(buf)
    >>> got = load_docx(Path("a.docx"), buf.getvalue())
    >>> print(got.text)
    # 总体要求
    到2025年，全省技术合同成交额突破500亿元。
    | 指标 | 目标 |
    | 高新技术企业 | 5000家 |
    >>> [(r.kind, r.label) for r in got.regions]
    [('table', '1'), ('row', '1.1')]
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from ingest.formats.common import row_line, table_regions
from ingest.loaders import LoadedText, register_loader
from ingest.types import LoadError

MAX_UNZIPPED = 200 * 2**20  # a DOCX whose parts unzip to more than this is refused (zip bomb)
_HEADING = re.compile(r"^(?:Heading|标题)\s*(\d)$", re.I)


@register_loader(".docx")
def load_docx(path: Path, data: bytes) -> LoadedText:
    try:
        import docx
        from docx.oxml.ns import qn
    except ImportError:  # pragma: no cover - depends on the environment
        raise LoadError(str(path), "需要 python-docx / DOCX needs python-docx (pip install python-docx)") from None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            if sum(i.file_size for i in z.infolist()) > MAX_UNZIPPED:
                raise LoadError(str(path), f"解压后过大 / unzips to more than {MAX_UNZIPPED >> 20} MB (zip bomb?)")
        d = docx.Document(io.BytesIO(data))
    except LoadError:
        raise
    except Exception as e:  # python-docx raises many kinds on a damaged file
        raise LoadError(str(path), f"不是有效的 DOCX / not a valid DOCX file ({type(e).__name__})") from None
    lines: list[str] = []
    body = d.element.body
    for el in body.iterchildren():
        if el.tag == qn("w:p"):
            p = docx.text.paragraph.Paragraph(el, d)
            text = re.sub(r"[ \t\u3000]+$", "", p.text.replace("\n", " ")).strip()
            if not text:
                continue
            m = _HEADING.match(p.style.name if p.style is not None else "")
            lines.append(f"{'#' * int(m.group(1))} {text}" if m and 1 <= int(m.group(1)) <= 6 else text)
        elif el.tag == qn("w:tbl"):
            t = docx.table.Table(el, d)
            for row in t.rows:
                cells, seen = [], set()
                for c in row.cells:
                    if id(c._tc) in seen:  # a merged cell repeats across the cells it spans
                        continue
                    seen.add(id(c._tc))
                    cells.append(c.text)
                if any(x.strip() for x in cells):
                    lines.append(row_line(cells))
    text = "\n".join(lines)
    title = (d.core_properties.title or "").strip()
    return LoadedText(text, "docx", regions=tuple(table_regions(text)), meta={"title": title} if title else None,
                      source="DOCX")
