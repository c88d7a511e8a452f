"""HTML for the app, built from offsets: every piece of document or query text goes through
``html.escape`` (directly or via retrieval/highlight.render_html); nothing raw reaches markup.

    >>> from ui.render import passage_body
    >>> passage_body("<b>到2025年</b>突破500亿元", [(15, 20, "answer")], offset=0)
    '&lt;b&gt;到2025年&lt;/b&gt;突破<mark class="answer">500亿元</mark>'
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable, Sequence

from retrieval.highlight import Span, render_html, shift, term_spans
from ui.i18n import t

esc = html.escape


def md_plain(text: str) -> str:
    r"""``text`` for a Streamlit widget label, which renders Markdown (bold, links, code): every Markdown character
    backslash-escaped, so a file named ``[x](javascript:…)`` or ``**x**`` shows as typed.

        >>> print(md_plain("[点我](javascript:alert(1)) **x**.docx"))
        \[点我\]\(javascript\:alert\(1\)\) \*\*x\*\*.docx
    """
    return re.sub(r"([\\`*_{}\[\]()#+\-!|~<>$:])", r"\\\1", text)

CSS = """
<style>
.block-container { padding-top: 2.2rem; max-width: 1500px; }
h1 { font-size: 1.9rem !important; padding-bottom: .2rem !important; }
.pq-card { border: 1px solid #e3e6ea; border-radius: 10px; padding: 16px 20px; margin: 4px 0 14px 0; background: #fff; }
.pq-answer { border-left: 5px solid #1f6feb; }
.pq-notfound { border-left: 5px solid #d29922; background: #fffaf0; }
.pq-label { text-transform: uppercase; letter-spacing: .06em; font-size: .75rem; color: #57606a; margin-bottom: 4px; }
.pq-answer-text { font-size: 1.6rem; font-weight: 650; color: #0d1117; line-height: 1.35; }
.pq-answer-en { font-size: 1rem; color: #57606a; margin-top: 2px; }
.pq-badges { margin: 10px 0 6px 0; }
.pq-badge { display: inline-block; font-size: .78rem; padding: 2px 9px; border-radius: 999px; margin: 0 6px 4px 0;
            background: #f0f3f6; color: #24292f; border: 1px solid #e3e6ea; }
.pq-badge.high { background: #dafbe1; border-color: #aceebb; color: #116329; }
.pq-badge.mid { background: #fff8c5; border-color: #f2e08a; color: #7d4e00; }
.pq-badge.low { background: #ffebe9; border-color: #ffcecb; color: #a40e26; }
.pq-support { margin-top: 10px; padding: 8px 12px; background: #f6f8fa; border-radius: 6px; line-height: 1.8; }
.pq-cites { margin: 10px 0 0 0; padding: 0; list-style: none; font-size: .86rem; color: #57606a; }
.pq-cites li { margin: 2px 0; }
.pq-ref { color: #1f6feb; font-weight: 600; font-size: .85em; margin-left: 2px; }
.pq-hit-head { font-weight: 600; color: #0d1117; font-size: 1.0rem; }
.pq-title-en { font-weight: 400; color: #57606a; font-size: 0.85rem; }
.pq-num { color: #1f6feb; margin-right: 6px; }
.pq-meta { color: #57606a; font-size: .82rem; margin: 2px 0 6px 0; }
.pq-meta .sep { margin: 0 6px; color: #b1bac4; }
.pq-text { line-height: 1.8; white-space: pre-wrap; color: #24292f; }
.pq-scores { color: #6e7781; font-size: .76rem; margin-top: 6px; font-variant-numeric: tabular-nums; }
mark.term { background: #fff1a8; padding: 0 1px; border-radius: 2px; }
mark.sentence { background: #ddf4ff; padding: 0 1px; }
mark.answer { background: #ffc9c9; font-weight: 650; padding: 0 2px; border-radius: 2px; }
</style>
"""


def conf_level(confidence: float) -> str:
    """"high" / "mid" / "low": the badge colour for an answer confidence in [0, 1]."""
    return "high" if confidence >= 0.7 else "mid" if confidence >= 0.45 else "low"


def highlight_terms(terms: Iterable[str]) -> list[str]:
    """Terms worth highlighting: two characters or more, and not part of a longer term (the
    analyzer's bigrams of 技术合同成交额 would otherwise light up every 技术 in a document).

    >>> highlight_terms(["技术合同成交额", "技术", "合同", "500亿", "亿", "浙江"])
    ['技术合同成交额', '500亿', '浙江']
    """
    ts = sorted({x.strip() for x in terms if x and len(x.strip()) >= 2}, key=lambda x: (-len(x), x))
    keep: list[str] = []
    for x in ts:
        if not any(x in k for k in keep):
            keep.append(x)
    return keep


def query_term_spans(text: str, terms: Iterable[str], aligned: Callable | None) -> list[Span]:
    return term_spans(text, highlight_terms(terms), aligned=aligned)


def answer_spans(sentence_span: tuple[int, int] | None, answer_span: tuple[int, int] | None) -> list[Span]:
    """Document-offset spans for a citation: the supporting sentence, and the answer when it is
    narrower than the sentence (an answer span equal to the sentence is shown as the sentence)."""
    out: list[Span] = []
    if sentence_span:
        out.append((sentence_span[0], sentence_span[1], "sentence"))
    if answer_span and tuple(answer_span) != tuple(sentence_span or ()):
        out.append((answer_span[0], answer_span[1], "answer"))
    return out


def passage_body(text: str, doc_spans: Sequence[Span], offset: int, term_spans_: Sequence[Span] = ()) -> str:
    """Escaped ``text`` (a passage starting at document offset ``offset``) with document-offset
    spans (``sentence``, ``answer``) and passage-offset term spans marked."""
    return render_html(text, list(term_spans_) + shift(doc_spans, offset))


def meta_line(meta, doc_name: str, section: str, lang: str) -> str:
    """Region · date · type · file · section, each escaped."""
    region = meta.region or t("unknown", lang)
    if meta.city and meta.city != meta.region:
        region = f"{region} {meta.city}"
    parts = [esc(region), esc(meta.date or (str(meta.year) if meta.year else t("unknown", lang))), esc(meta.doc_type),
             esc(doc_name)]
    if section:
        parts.append("§ " + esc(section))
    return '<span class="sep">·</span>'.join(parts)


def scores_line(hit, lang: str) -> str:
    s = hit.scores
    bits = [f"{esc(t('score', lang))} {hit.score:.3f}"]
    if "bm25" in s:
        bits.append(f"BM25 {s['bm25']:.2f}")
    if "dense" in s:
        bits.append(f"dense {s['dense']:.3f}")
    return " · ".join(bits)


def hit_card(hit, *, terms: Iterable[str], aligned: Callable | None, lang: str, label: str = "",
             sentence_span: tuple[int, int] | None = None, answer_span: tuple[int, int] | None = None) -> str:
    """One retrieved passage: title, metadata, highlighted text, scores. ``label`` is e.g. ``[1]``."""
    text = hit.chunk.text
    doc_spans = answer_spans(sentence_span, answer_span)
    body = passage_body(text, doc_spans, hit.chunk.start, query_term_spans(text, terms, aligned))
    num = f'<span class="pq-num">{esc(label)}</span>' if label else ""
    # the English title a sidecar gave, beside the Chinese one the document states (ingest.metadata.localize_title)
    title_en = f' <span class="pq-title-en">{esc(hit.meta.title_en)}</span>' if hit.meta.title_en else ""
    return (
        f'<div class="pq-hit" data-doc="{esc(hit.doc_name)}" data-region="{esc(hit.meta.region)}" '
        f'data-start="{int(hit.chunk.start)}">'
        f'<div class="pq-hit-head">{num}{esc(hit.meta.title or hit.doc_name)}{title_en}</div>'
        f'<div class="pq-meta">{meta_line(hit.meta, hit.doc_name, hit.chunk.section_path, lang)}'
        f'{" · " + esc(hit.location) if hit.location else ""}</div>'
        f'<div class="pq-text">{body}</div>'
        f'<div class="pq-scores">{scores_line(hit, lang)}</div></div>'
    )


def supporting_html(answer) -> str:
    """The supporting sentence with the answer marked, built from the first citation's offsets
    when they fall inside its passage; otherwise the escaped sentence as is."""
    sup = answer.supporting
    for c in answer.citations[:1]:
        ch = c.hit.chunk
        if c.sentence_span and ch.start <= c.sentence_span[0] < c.sentence_span[1] <= ch.end:
            a, b = c.sentence_span
            sent = ch.text[a - ch.start: b - ch.start]
            spans = [sp for sp in answer_spans(None, c.answer_span) if tuple(c.answer_span) != (a, b)]
            if sent.strip() and (sent.strip() in sup or sup.strip() in sent):
                return render_html(sent, shift(spans, a)) + f'<span class="pq-ref">[{c.n}]</span>'
    return esc(sup)


def answer_card(answer, lang: str) -> str:
    """The answer card: short answer, confidence, type, supporting sentence, numbered sources;
    or the not-found state."""
    if answer.abstained:
        other = "en" if lang == "zh" else "zh"
        return (
            '<div class="pq-card pq-notfound" data-state="not-found">'
            f'<div class="pq-answer-text">{esc(t("not_found", lang))}</div>'
            f'<div class="pq-answer-en">{esc(t("not_found", other))}</div>'
            f'<div class="pq-support" style="background:transparent;padding-left:0">{esc(t("not_found_hint", lang))}</div>'
            f'<div class="pq-badges"><span class="pq-badge low">{esc(t("confidence", lang))} {answer.confidence:.2f}</span>'
            "</div></div>"
        )
    lvl = conf_level(answer.confidence)
    en = ""
    if answer.english and answer.english.strip() and answer.english.strip() not in answer.answer:
        en = f'<div class="pq-answer-en">{esc(answer.english)}</div>'
    refs = "".join(f'<span class="pq-ref">[{c.n}]</span>' for c in answer.citations)
    cites = "".join(
        f'<li><span class="pq-ref">[{c.n}]</span> '
        + " · ".join(esc(x) for x in (c.hit.meta.title or c.hit.doc_name, c.hit.meta.region, c.hit.meta.date,
                                      c.location or c.hit.location) if x)
        + (" · § " + esc(c.hit.chunk.section_path) if c.hit.chunk.section_path else "") + "</li>"
        for c in answer.citations
    )
    support = ""
    if answer.supporting:
        support = (f'<div class="pq-label" style="margin-top:12px">{esc(t("supporting", lang))}</div>'
                   f'<div class="pq-support">{supporting_html(answer)}</div>')
    return (
        '<div class="pq-card pq-answer" data-state="answer">'
        f'<div class="pq-label">{esc(t("answer", lang))}</div>'
        f'<div class="pq-answer-text">{esc(answer.answer)}{refs}</div>{en}'
        f'<div class="pq-badges"><span class="pq-badge {lvl}">{esc(t("confidence", lang))} {answer.confidence:.2f} · '
        f'{esc(t("conf_" + lvl, lang))}</span>'
        f'<span class="pq-badge">{esc(t("answer_type", lang))}: {esc(answer.answer_type)}</span>'
        f'<span class="pq-badge">{esc(answer.method)}</span></div>'
        + (f'<div class="pq-note">{esc(answer.note)}</div>' if getattr(answer, "note", "") else "")
        + f'{support}'
        f'<div class="pq-label" style="margin-top:12px">{esc(t("sources", lang))}</div><ul class="pq-cites">{cites}</ul>'
        "</div>"
    )


# ---------------------------------------------------------------- source view

SOURCE_CSS = """
body { margin: 0; font-family: "Source Sans Pro", "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", sans-serif;
       color: #24292f; background: #fff; }
#pq-wrap { display: flex; flex-direction: column; height: 100vh; }
#pq-outline { flex: none; max-height: 30vh; overflow: auto; border-bottom: 1px solid #e3e6ea; padding: 6px 12px;
              font-size: 13px; background: #f6f8fa; }
#pq-outline summary { cursor: pointer; color: #57606a; font-weight: 600; }
#pq-outline a { color: #0969da; text-decoration: none; cursor: pointer; display: block; padding: 1px 0;
                white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
#pq-outline a:hover { text-decoration: underline; }
#pq-doc { flex: 1; overflow: auto; padding: 12px 16px 40vh 16px; white-space: pre-wrap; line-height: 1.85;
          font-size: 15px; }
.pq-target { background: #f3f6fa; box-shadow: 0 0 0 1px #8c959f; border-radius: 3px;
              -webkit-box-decoration-break: clone; box-decoration-break: clone; }
mark.term { background: #fff1a8; padding: 0 1px; }
mark.sentence { background: #cfe8ff; }
mark.answer { background: #ffc9c9; font-weight: 650; }
.pq-sec { display: inline; }
"""

SOURCE_JS = """
<script>
(function () {
  var doc = document.getElementById('pq-doc');
  function go(el, where) {
    if (!el || !doc) return;
    var top = el.getBoundingClientRect().top - doc.getBoundingClientRect().top + doc.scrollTop;
    doc.scrollTop = Math.max(0, top - doc.clientHeight * where);
  }
  // Scroll the document pane only (never the parent page) so the passage is in view.
  function toTarget() { go(document.getElementById('pq-target'), 0.25); }
  toTarget();
  window.addEventListener('load', toTarget);
  var links = document.querySelectorAll('#pq-outline a[data-sec]');
  for (var i = 0; i < links.length; i++) {
    links[i].addEventListener('click', function (ev) {
      ev.preventDefault();
      go(document.getElementById('pq-sec-' + this.getAttribute('data-sec')), 0.02);
    });
  }
})();
</script>
"""


def outline(chunks: Iterable[tuple[int, tuple[str, ...]]]) -> list[tuple[int, str, int]]:
    """Section outline from chunks ``(start, section_path)`` in document order:
    ``(level, heading, start offset of its first chunk)``, each heading once.

    >>> outline([(0, ()), (10, ("一、总则",)), (50, ("一、总则", "（一）目标")), (90, ("二、任务",))])
    [(0, '一、总则', 10), (1, '（一）目标', 50), (0, '二、任务', 90)]
    """
    seen: set[tuple[str, ...]] = set()
    out: list[tuple[int, str, int]] = []
    for start, sec in sorted(chunks, key=lambda c: c[0]):
        for i in range(len(sec)):
            prefix = tuple(sec[: i + 1])
            if prefix not in seen:
                seen.add(prefix)
                out.append((i, sec[i], start))
    return out


def document_html(text: str, passage: tuple[int, int] | None, spans: Sequence[Span] = (),
                  anchors: Sequence[int] = ()) -> str:
    """The whole document, escaped, with ``spans`` (document offsets) marked, the passage wrapped
    in ``<span id="pq-target">`` and empty ``<span id="pq-sec-i">`` anchors at ``anchors[i]``."""
    n = len(text)
    cuts = {0, n}
    if passage:
        ps, pe = max(0, min(passage[0], n)), max(0, min(passage[1], n))
        passage = (ps, pe) if ps < pe else None
    if passage:
        cuts |= set(passage)
    anchor_at: dict[int, list[int]] = {}
    for i, pos in enumerate(anchors):
        p = max(0, min(int(pos), n))
        anchor_at.setdefault(p, []).append(i)
        cuts.add(p)
    bounds = sorted(cuts)
    out: list[str] = []
    for a, b in zip(bounds, bounds[1:] + [None], strict=True):
        if passage and a == passage[1]:
            out.append("</span>")
        for i in anchor_at.get(a, []):
            out.append(f'<span class="pq-sec" id="pq-sec-{i}"></span>')
        if passage and a == passage[0]:
            out.append('<span id="pq-target" class="pq-target">')
        if b is None:
            break
        out.append(render_html(text[a:b], shift(spans, a)))
    return "".join(out)


def source_page(text: str, *, passage: tuple[int, int] | None, spans: Sequence[Span],
                sections: Sequence[tuple[int, str, int]], lang: str) -> str:
    """A self-contained HTML page (for st.components.v1.html) showing the document with the
    passage highlighted and scrolled into view, plus a clickable section outline."""
    body = document_html(text, passage, spans, [s for _, _, s in sections])
    if sections:
        items = "".join(
            f'<a data-sec="{i}" style="padding-left:{lvl * 14}px" title="{esc(head)}">{esc(head)}</a>'
            for i, (lvl, head, _s) in enumerate(sections)
        )
    else:
        items = f"<div>{esc(t('no_outline', lang))}</div>"
    return (
        f'<!doctype html><html><head><meta charset="utf-8"><style>{SOURCE_CSS}</style></head><body>'
        f'<div id="pq-wrap"><details id="pq-outline"><summary>{esc(t("outline", lang))} ({len(sections)})</summary>'
        f"{items}</details>"
        f'<div id="pq-doc">{body}</div></div>{SOURCE_JS}</body></html>'
    )
