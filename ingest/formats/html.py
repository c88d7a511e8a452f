"""Saved web pages (lxml): the main content as text, headings as ``#`` lines, tables as pipe rows, and the
metadata a government page states in its 信息公开 table (索引号, 发文机关, 成文日期, 发文字号).

Main content, by rules readability-style extractors share: scripts, forms and elements whose tag, id or class
names navigation, footers, share bars or sidebars are dropped; then, from ``<body>`` down, the element holding
most of the page's text outside links is followed as long as one child holds at least 80% of it — the article's
container, without the menus and link lists around it. (trafilatura was measured first: on a plain government
page it dropped the ``<h2>一、主要目标</h2>`` headings, a known limitation when it cannot find the main container —
adbar/trafilatura#354, #774 — and the section structure matters here.) Page chrome that survives (当前位置,
版权所有, 分享到) is marked by ``ingest/chrome.py`` as never indexed.

    >>> html = ('<html><head><title>关于印发行动计划的通知_政策文件_山东省人民政府</title></head><body>'
    ...         '<div class="nav"><a href="/">首页</a><a href="/z">政策</a></div>'
    ...         '<table><tr><td>发文机关：</td><td>山东省人民政府</td><td>发文字号：</td><td>鲁政发〔2022〕5号</td></tr>'
    ...         '<tr><td>成文日期：</td><td>2022年03月15日</td></tr></table>'
    ...         '<div class="article"><h1>关于印发行动计划的通知</h1><h2>一、主要目标</h2>'
    ...         '<p>到2025年，全省技术合同成交额突破3000亿元，高新技术企业数量达到3万家。全省研发投入强度达到2.5%。</p>'
    ...         '<table><tr><th>指标</th><th>目标</th></tr><tr><td>技术合同成交额</td><td>3000亿元</td></tr></table>'
    ...         '</div><div class="footer">版权所有：山东省人民政府办公厅</div></body></html>')
    >>> got = load_html(Path("a.html"), html.encode("utf-8"))
    >>> print(got.text)
    # 关于印发行动计划的通知
    ## 一、主要目标
    到2025年，全省技术合同成交额突破3000亿元，高新技术企业数量达到3万家。全省研发投入强度达到2.5%。
    | 指标 | 目标 |
    | 技术合同成交额 | 3000亿元 |
    >>> sorted(got.meta.items())
    [('date', '2022-03-15'), ('doc_number', '鲁政发〔2022〕5号'), ('issuer', '山东省人民政府'), ('title', '关于印发行动计划的通知')]
"""

from __future__ import annotations

import html as html_lib
import re
from pathlib import Path

from ingest.encoding import decode_bytes
from ingest.formats.common import row_line, table_regions
from ingest.loaders import LoadedText, register_loader
from ingest.types import LoadError

_DROP_TAGS = {"script", "style", "noscript", "iframe", "form", "select", "button", "input", "textarea", "nav", "header",
              "footer", "aside", "svg", "canvas", "object", "embed", "template"}
_CHROME = re.compile(r"(?:^|[-_\s])(?:nav|navbar|menu|breadcrumbs?|crumbs?|footer|foot|share|bdshare|copyright|sidebar|"
                     r"toolbar|topbar|header-nav|location|position|weizhi|dqwz|fenxiang|print|related|links?|friend|"
                     r"login|search)(?:$|[-_\s\d])", re.I)
_BLOCK = {"p", "div", "li", "dd", "dt", "section", "article", "blockquote", "pre", "center", "ul", "ol", "dl", "main",
          "figure", "figcaption", "address", "tr", "tbody", "thead", "td", "th", "table"}
_HEADING = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
# 信息公开 table labels → DocMeta fields (others kept as extra fields)
_LABELS = {"发文机关": "issuer", "发布机构": "issuer", "成文日期": "date", "发文日期": "date", "发布日期": "published",
           "发文字号": "doc_number", "文号": "doc_number", "索引号": "index_no", "主题分类": "topic"}
_LABEL_RE = re.compile(r"^\s*(" + "|".join(sorted(_LABELS, key=len, reverse=True)) + r")\s*[:：]?\s*(.*)$")
_DATE = re.compile(r"((?:19|20)\d\d)\s*[年\-/.]\s*(\d{1,2})\s*[月\-/.]\s*(\d{1,2})")
MAX_BYTES = 20 * 2**20  # a larger "page" is refused (not a saved web page)
MAX_DEPTH = 400  # deeper nesting is flattened (pathological pages of 100k nested tags)


def _text(el) -> str:
    return re.sub(r"\s+", " ", "".join(el.itertext())).strip()


def _cjk_len(s: str) -> int:
    return len(re.findall(r"[\u3400-\u9fff]", s)) + len(re.findall(r"[A-Za-z0-9]+", s))


def _link_free_len(el) -> int:
    """Characters of ``el``'s text outside links (what a reader reads, not what a menu lists)."""
    total = _cjk_len("".join(el.itertext()))
    links = sum(_cjk_len("".join(a.itertext())) for a in el.iter("a"))
    return max(0, total - links)


def _is_chrome(el) -> bool:
    if el.tag in _DROP_TAGS:
        return True
    names = f"{el.get('id') or ''} {el.get('class') or ''}"
    return bool(names.strip()) and bool(_CHROME.search(names))


def _stated_meta(root) -> dict[str, str]:
    """Label → value pairs of the page's information table (a cell or span holding 发文机关： and the next one)."""
    out: dict[str, str] = {}
    cells = [c for c in root.iter("td", "th", "span", "li", "div", "p", "dt", "dd", "strong", "b", "label")
             if len(c) == 0 or c.tag in ("td", "th", "li", "dt", "dd")]
    for i, c in enumerate(cells):
        m = _LABEL_RE.match(_text(c))
        if not m or len(_text(c)) > 60:
            continue
        key, value = _LABELS[m.group(1)], m.group(2).strip()
        if not value and i + 1 < len(cells):
            nxt = _text(cells[i + 1])
            value = "" if _LABEL_RE.match(nxt) else nxt
        if value and key not in out:
            out[key] = value[:80]
    for key in ("date", "published"):
        if key in out:
            d = _DATE.search(out[key])
            out[key] = f"{d.group(1)}-{int(d.group(2)):02d}-{int(d.group(3)):02d}" if d else ""
    if not out.get("date") and out.get("published"):
        out["date"] = out["published"]
    out.pop("published", None)
    return {k: v for k, v in out.items() if v}


def _is_layout_table(table) -> bool:
    """A table used for page layout, not data: it nests tables or holds paragraphs, headings or long cells (old
    government sites put the whole article in one cell)."""
    for c in table.iter("td", "th"):
        if len(_text(c)) > 300 or any(isinstance(x.tag, str) and x.tag in ("table", "p", "div", "h1", "h2", "h3", "ul")
                                      for x in c.iterdescendants()):
            return True
    return False


def _main(body):
    """The element holding most of the page's text outside links (see the module docstring)."""
    el = body
    for _ in range(MAX_DEPTH):
        total = _link_free_len(el)
        if total == 0:
            break
        best = max((c for c in el if isinstance(c.tag, str)), key=_link_free_len, default=None)
        if best is None or _link_free_len(best) < 0.8 * total or best.tag == "p":
            break
        if best.tag in ("table", "tbody", "thead", "tr", "td", "th"):
            table = best if best.tag == "table" else next(best.iterancestors("table"), None)
            if table is None or not _is_layout_table(table):
                break  # a data table holds the text: it is the content, rows and all
        el = best
    return el


def _emit(el, lines: list[str], buf: list[str], depth: int = 0) -> None:
    """Append ``el``'s text to ``lines``: a block ends a line, a heading gets ``#``, a table its pipe rows."""
    def flush() -> None:
        s = re.sub(r"[ \t\u3000\xa0]+", " ", "".join(buf)).strip()
        if s:
            lines.append(s)
        buf.clear()

    tag = el.tag if isinstance(el.tag, str) else ""
    if tag and _is_chrome(el):
        if el.tail:
            buf.append(el.tail)
        return
    if tag in _HEADING:
        flush()
        t = _text(el)
        if t:
            lines.append(f"{'#' * _HEADING[tag]} {t}")
    elif tag == "table" and depth < MAX_DEPTH and not _is_layout_table(el):
        flush()
        for tr in el.iter("tr"):
            cells = [_text(c) for c in tr if isinstance(c.tag, str) and c.tag in ("td", "th")]
            if any(cells):
                lines.append(row_line(cells))
    elif tag == "br":
        flush()
    elif depth >= MAX_DEPTH:
        buf.append("".join(el.itertext()))
    else:
        block = tag in _BLOCK
        if block:
            flush()
        if el.text:
            buf.append(el.text)
        for c in el:
            _emit(c, lines, buf, depth + 1)
        if block:
            flush()
    if el.tail and tag:
        buf.append(el.tail)


def _title(root, lines: list[str]) -> str:
    h1 = next((ln[2:] for ln in lines if ln.startswith("# ")), "")
    if h1:
        return h1
    t = root.find(".//title")
    raw = _text(t) if t is not None else ""
    return re.split(r"\s*[_|｜—–-]\s*", raw)[0] if raw else ""


@register_loader(".html", ".htm", ".xhtml", ".shtml")
def load_html(path: Path, data: bytes) -> LoadedText:
    if len(data) > MAX_BYTES:
        raise LoadError(str(path), f"网页过大 / page larger than {MAX_BYTES >> 20} MB: not a saved web page")
    import lxml.html

    head = data[:4096].decode("ascii", "ignore").lower()
    m = re.search(r"charset=[\"']?([a-z0-9_\-]+)", head)
    text, enc = None, ""
    if m:
        try:
            text, enc = data.decode(m.group(1).replace("gb2312", "gb18030").replace("gbk", "gb18030")), m.group(1)
        except (LookupError, UnicodeDecodeError):
            text = None
    if text is None:
        text, enc = decode_bytes(data, str(path))
    try:
        root = lxml.html.document_fromstring(text, parser=lxml.html.HTMLParser(huge_tree=True))
    except (ValueError, lxml.etree.ParserError) as e:
        raise LoadError(str(path), f"无法解析的网页 / cannot parse HTML ({e})") from None
    stated = _stated_meta(root)
    for bad in list(root.iter("script", "style", "noscript", "template")):
        bad.drop_tree()
    body = root.find("body")
    if body is None:
        body = root
    lines: list[str] = []
    buf: list[str] = []
    _emit(_main(body), lines, buf)
    if buf:
        lines.append("".join(buf).strip())
    lines = [ln for ln in lines if ln]
    # the information table itself is metadata, not content
    lines = [ln for ln in lines if not (ln.startswith("|") and _LABEL_RE.match(ln.strip("| ").split("|")[0].strip()))]
    out = "\n".join(lines)
    source = "HTML main content"
    if not out.strip():
        # The parser gave up on the structure (pathological nesting): the page's text with its tags stripped.
        bare = re.sub(r"(?is)<(script|style|noscript)\b.*?</\1>", " ", text)
        bare = re.sub(r"<[^>]*>", "\n", bare)
        out = "\n".join(x for x in (re.sub(r"\s+", " ", ln).strip() for ln in bare.split("\n")) if x)
        out = html_lib.unescape(out)
        source = "HTML, tags stripped (its structure could not be parsed)"
    title = _title(root, lines)
    meta = {**stated, **({"title": title} if title else {})}
    return LoadedText(out, enc, regions=tuple(table_regions(out)), meta=meta, source=source)
