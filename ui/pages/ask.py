"""Ask: a question → answer card (answer, confidence, supporting sentence, [n] sources) + passages."""

from __future__ import annotations

import time

import streamlit as st

from ui.context import Ctx
from ui.i18n import t
from ui.pages import results, source
from ui.render import answer_card

# Our own examples (not evaluation questions): one English-mixed, one Chinese, one traditional-script topic.
EXAMPLES = (
    "which province targets 500亿 contract turnover",
    "浙江省2021年科技工作的主要思路是什么？",
    "黑龙江科技振兴行动计划的期限是哪几年？",
)


def query_terms(engine, q: str) -> list[str]:
    """The analysed query's BM25 terms (incl. English → Chinese expansions), for highlighting."""
    from retrieval.query import analyze_query

    try:
        qa = analyze_query(q, lexicon=engine.searcher.lexicon)
        return sorted(qa.bm25_terms(engine.searcher.analyzer.tokenize), key=len, reverse=True)
    except ValueError:
        return []


def _set_q(text: str) -> None:
    st.session_state["q"] = text


def run_ask(ctx: Ctx, q: str):
    """Answer ``q`` once per (question, filters, settings); reruns (e.g. opening a source) reuse it."""
    key = ("ask", q, ctx.filters, ctx.k, tuple(sorted(ctx.search_kw.items())))
    cached = st.session_state.get("ask_result")
    if cached and cached["key"] == key:
        return cached
    t0 = time.perf_counter()
    ans = ctx.engine.ask(q, ctx.k, ctx.filters if not ctx.filters.is_empty() else None, **ctx.search_kw)
    res = {"key": key, "answer": ans, "terms": query_terms(ctx.engine, q), "secs": time.perf_counter() - t0}
    st.session_state["ask_result"] = res
    st.session_state.pop("source", None)  # a new question closes the old source view
    return res


def render(ctx: Ctx) -> None:
    lang = ctx.lang
    with st.form("ask_form", border=False):
        c1, c2 = st.columns([6, 1], vertical_alignment="bottom")
        q = c1.text_input(t("question", lang), key="q", placeholder=t("question_ph", lang))
        c2.form_submit_button(t("ask_button", lang), type="primary", width="stretch")
    q = (q or "").strip()
    if not q:
        cols = st.columns([1, 4, 4, 4])
        cols[0].caption(t("try", lang))
        for i, ex in enumerate(EXAMPLES):
            cols[i + 1].button(ex, key=f"ex_{i}", on_click=_set_q, args=(ex,), type="tertiary")
        return
    with st.spinner("…"):
        res = run_ask(ctx, q)
    ans = res["answer"]
    aligned = ctx.engine.searcher.analyzer.normalize_aligned
    main, side = source.layout()
    with main:
        st.html(answer_card(ans, lang))
        st.caption(t("timing", lang, s=res["secs"], n=len(ans.hits)))
        cites = {c.hit.chunk.chunk_id: c for c in ans.citations}
        cited_hits = [c.hit for c in ans.citations]
        if cited_hits:
            st.subheader(t("cited", lang))
            results.hit_list(cited_hits, terms=res["terms"], aligned=aligned, lang=lang, key="cited", citations=cites)
        others = [h for h in ans.hits if h.chunk.chunk_id not in cites]
        if others:
            st.subheader(t("retrieved", lang) if cited_hits else t("results", lang))
            results.hit_list(others, terms=res["terms"], aligned=aligned, lang=lang, key="other")
    if side is not None:
        with side:
            source.render(ctx)
