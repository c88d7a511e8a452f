"""PolicyQA Streamlit app (thin layer over retrieval/).

Run: ``make run`` (indexes data/samples if needed, then ``streamlit run app.py``).
All document and query text is escaped before it reaches HTML; highlights are built
from offsets (retrieval/highlight.py).
"""

from __future__ import annotations

import html
import os

import streamlit as st

from config import Config
from retrieval.highlight import render_html, shift, term_spans

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

st.set_page_config(page_title="PolicyQA 政策问答", layout="wide")

CSS = """
<style>
mark.term { background: #fff3b0; padding: 0 1px; }
mark.answer { background: #ffb3b3; font-weight: 600; padding: 0 1px; }
.passage { border-left: 3px solid #ddd; padding: 4px 10px; margin: 6px 0 14px 0; line-height: 1.7; }
.meta { color: #666; font-size: 0.85em; }
</style>
"""


@st.cache_resource(show_spinner="加载索引 / Loading index…")
def get_engine():
    from retrieval.engine import PolicyQA

    return PolicyQA.open(Config())


def passage_html(hit, terms, analyzer, answer_span=None) -> str:
    spans = term_spans(hit.text, terms, aligned=analyzer.normalize_aligned)
    if answer_span:
        spans += shift([(answer_span[0], answer_span[1], "answer")], hit.chunk.start)
    return render_html(hit.text, spans)


def main() -> None:
    st.markdown(CSS, unsafe_allow_html=True)
    st.title("PolicyQA 政策文件问答")
    try:
        engine = get_engine()
    except Exception as e:  # index missing or mismatched: say what to do
        st.error(f"{e}")
        st.info("运行 / run: `python cli.py ingest data/samples`")
        return
    q = st.text_input("问题 / Question", placeholder="例如：哪个省份将2025年技术合同成交额目标设为500亿元？ / which province targets 500亿 contract turnover")
    if not q:
        st.caption(f"已索引 {len(engine.searcher.index.docs)} 篇文档、{engine.searcher.index.n_chunks} 个段落 / documents, passages indexed.")
        return
    ans = engine.ask(q)
    an = engine.searcher.analyzer
    res_terms = [t for t in an.tokenize(q) if len(t) >= 2]
    if ans.abstained:
        st.warning("未在文档中找到答案 / Not found in these documents")
    else:
        st.markdown(f"### {html.escape(ans.answer)}")
        st.caption(f"类型 type: {ans.answer_type} · 置信度 confidence: {ans.confidence:.2f}")
        if ans.supporting:
            st.markdown(f"<div class='passage'>{html.escape(ans.supporting)}</div>", unsafe_allow_html=True)
    for c in ans.citations:
        h = c.hit
        m = h.meta
        st.markdown(
            f"<div class='meta'>[{c.n}] <b>{html.escape(m.title)}</b> · {html.escape(m.region or '?')} · "
            f"{html.escape(m.date)} · {html.escape(h.chunk.section_path)}</div>"
            f"<div class='passage'>{passage_html(h, res_terms, an, c.answer_span)}</div>",
            unsafe_allow_html=True,
        )


main()
