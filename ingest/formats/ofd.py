"""OFD (GB/T 33190, the national format of official electronic documents): text in reading order, page by page.

An OFD file is a zip of XML parts: ``OFD.xml`` names the document root (``DocBody/DocRoot``) and its title
(``DocInfo/Title``); the root's ``Pages/Page/@BaseLoc`` name each page's ``Content.xml``, whose ``TextObject``
elements (``Boundary="x y w h"``, millimetres) hold ``TextCode`` runs (``X``, ``Y`` inside the boundary). Runs are
read into lines by their vertical position and left to right within a line; pages are then assembled like a
PDF's (``common.assemble_pages``: page regions, wraps rejoined, running headers and footers never indexed).

Read with the standard library and lxml: the maintained Python reader (easyofd) depends on PyMuPDF, which is AGPL.
Not read: text drawn as paths (vectorised glyphs), images of text (no OCR here), annotations and signatures — a
file that yields no text says so.

    >>> import io, zipfile
    >>> buf = io.BytesIO()
    >>> with zipfile.ZipFile(buf, "w") as z:
    ...     z.writestr("OFD.xml", OFD_XML.format(title="示例"))
    ...     z.writestr("Doc_0/Document.xml", DOCUMENT_XML.format(pages='<ofd:Page ID="1" BaseLoc="Pages/Page_0/Content.xml"/>'))
    ...     z.writestr("Doc_0/Pages/Page_0/Content.xml", page_xml([(20, 30, "一、总体要求"), (20, 40, "全省技术合同成交额"),
    ...                                                              (80, 40, "突破500亿元。")]))
    >>> got = load_ofd(Path("a.ofd"), buf.getvalue())
    >>> got.text, got.meta, [r.label for r in got.regions]
    ('一、总体要求\\n全省技术合同成交额突破500亿元。', {'title': '示例'}, ['1'])
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from pathlib import Path

from ingest.formats.common import assemble_pages, table_regions
from ingest.loaders import LoadedText, budget, register_loader
from ingest.types import LoadError

MAX_UNZIPPED = 500 * 2**20
_NS = "http://www.ofdspec.org/2016"

# The skeleton of the parts, for fixtures and the docstring example (a real producer writes much more).
OFD_XML = (f'<?xml version="1.0" encoding="UTF-8"?><ofd:OFD xmlns:ofd="{_NS}" Version="1.0" DocType="OFD">'
           '<ofd:DocBody><ofd:DocInfo><ofd:Title>{title}</ofd:Title></ofd:DocInfo>'
           '<ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>')
DOCUMENT_XML = (f'<?xml version="1.0" encoding="UTF-8"?><ofd:Document xmlns:ofd="{_NS}">'
                '<ofd:CommonData><ofd:PhysicalBox>0 0 210 297</ofd:PhysicalBox></ofd:CommonData>'
                '<ofd:Pages>{pages}</ofd:Pages></ofd:Document>')


def page_xml(runs: list[tuple[float, float, str]]) -> str:
    """A page's Content.xml holding text runs at ``(x, y)`` millimetres (fixtures)."""
    objs = "".join(f'<ofd:TextObject ID="{i + 2}" Boundary="{x} {y - 4} 120 6" Font="1" Size="4">'
                   f'<ofd:TextCode X="0" Y="4">{t}</ofd:TextCode></ofd:TextObject>' for i, (x, y, t) in enumerate(runs))
    return (f'<?xml version="1.0" encoding="UTF-8"?><ofd:Page xmlns:ofd="{_NS}"><ofd:Content>'
            f'<ofd:Layer ID="1">{objs}</ofd:Layer></ofd:Content></ofd:Page>')


def _local(el) -> str:
    return el.tag.rsplit("}", 1)[-1] if isinstance(el.tag, str) else ""


def _find(root, name: str):
    return next((e for e in root.iter() if _local(e) == name), None)


def _resolve(base_dir: str, loc: str) -> str:
    loc = loc.strip().replace("\\", "/")
    return posixpath.normpath(loc.lstrip("/") if loc.startswith("/") else posixpath.join(base_dir, loc))


def _page_text(root) -> str:
    runs = []
    for obj in root.iter():
        if _local(obj) != "TextObject":
            continue
        try:
            bx, by = (float(v) for v in (obj.get("Boundary") or "0 0").split()[:2])
            size = float(obj.get("Size") or 3.5)
        except ValueError:
            bx, by, size = 0.0, 0.0, 3.5
        for code in obj:
            if _local(code) != "TextCode" or not (code.text or "").strip():
                continue
            try:
                x, y = float(code.get("X") or 0), float(code.get("Y") or 0)
            except ValueError:
                x, y = 0.0, 0.0
            runs.append((by + y, bx + x, size, code.text))
    runs.sort()
    lines: list[list[tuple[float, str]]] = []
    last = None
    for y, x, size, text in runs:
        if last is None or abs(y - last) > 0.5 * size:
            lines.append([])
            last = y
        lines[-1].append((x, text))
    out = []
    for line in lines:
        parts = [t for _x, t in sorted(line)]
        joined = ""
        for t in parts:  # Chinese runs join as they are; Latin words keep a space between them
            joined += (" " if joined and re.match(r"[A-Za-z0-9]", t[:1]) and re.search(r"[A-Za-z0-9]$", joined) else "") + t
        out.append(joined.strip())
    return "\n".join(out)


@register_loader(".ofd")
def load_ofd(path: Path, data: bytes) -> LoadedText:
    from lxml import etree

    try:
        z = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise LoadError(str(path), "不是有效的 OFD（应为 zip 包）/ not a valid OFD file (not a zip package)") from None
    with z:
        if sum(i.file_size for i in z.infolist()) > MAX_UNZIPPED:
            raise LoadError(str(path), f"解压后过大 / unzips to more than {MAX_UNZIPPED >> 20} MB")
        names = set(z.namelist())

        def xml(name: str):
            if name not in names:
                raise LoadError(str(path), f"OFD 缺少部件 / OFD part missing: {name}")
            try:
                return etree.fromstring(z.read(name), parser=etree.XMLParser(resolve_entities=False, no_network=True))
            except etree.XMLSyntaxError as e:
                raise LoadError(str(path), f"OFD 部件无法解析 / OFD part {name} is not valid XML ({e})") from None

        ofd = xml("OFD.xml")
        root_el = _find(ofd, "DocRoot")
        if root_el is None or not (root_el.text or "").strip():
            raise LoadError(str(path), "OFD 缺少 DocRoot / OFD.xml names no document root")
        doc_name = _resolve("", root_el.text)
        doc = xml(doc_name)
        base = posixpath.dirname(doc_name)
        pages = [_resolve(base, p.get("BaseLoc") or "") for p in doc.iter() if _local(p) == "Page" and p.get("BaseLoc")]
        if not pages:
            raise LoadError(str(path), "OFD 没有页面 / OFD document lists no pages")
        b = budget()
        if len(pages) > b.limits.max_pages:
            b.cut(f"only the first {b.limits.max_pages:,} of {len(pages):,} pages read (limits.max_pages)")
        raw = []
        for i, p in enumerate(pages[: b.limits.max_pages]):
            if b.over_time():
                b.cut(f"pages {i + 1}–{len(pages)} not read: over {b.limits.max_seconds:.0f} s (limits.max_seconds)")
                break
            raw.append(_page_text(xml(p)))
    if not any(t.strip() for t in raw):
        raise LoadError(str(path), "OFD 中没有可提取的文字（可能是图片或矢量字形）/ no extractable text in the OFD "
                                   "(images or vectorised glyphs: unsupported)")
    text, regions, skips = assemble_pages(raw)
    title_el = _find(ofd, "Title")
    title = (title_el.text or "").strip() if title_el is not None else ""
    return LoadedText(text, "ofd", skip_spans=tuple(skips), regions=tuple([*regions, *table_regions(text)]),
                      meta={"title": title} if title else None, source=f"OFD, {len(pages)} pages")
