"""Search: passages only (no answer), ranked, with filters and retrieval settings from the sidebar."""

from __future__ import annotations

import time

import streamlit as st

from ui.context import Ctx
from ui.i18n import t
from ui.pages import results, source
from ui.pages.ask import query_terms


def run_search(ctx: Ctx, q: str):
    key = ("search", q, ctx.filters, ctx.k, tuple(sorted(ctx.search_kw.items())))
    cached = st.session_state.get("search_result")
    if cached and cached["key"] == key:
        return cached
    t0 = time.perf_counter()
    hits = ctx.engine.search(q, ctx.k, ctx.filters if not ctx.filters.is_empty() else None, **ctx.search_kw)
    res = {"key": key, "hits": hits, "terms": query_terms(ctx.engine, q), "secs": time.perf_counter() - t0}
    st.session_state["search_result"] = res
    st.session_state.pop("source", None)
    return res


def render(ctx: Ctx) -> None:
    lang = ctx.lang
    with st.form("search_form", border=False):
        c1, c2 = st.columns([6, 1], vertical_alignment="bottom")
        q = c1.text_input(t("query", lang), key="sq", placeholder=t("query_ph", lang))
        c2.form_submit_button(t("search_button", lang), type="primary", width="stretch")
    q = (q or "").strip()
    if not q:
        return
    res = run_search(ctx, q)
    main, side = source.layout()
    with main:
        st.caption(t("timing", lang, s=res["secs"], n=len(res["hits"])))
        if not res["hits"]:
            st.info(t("no_results", lang))
        results.hit_list(res["hits"], terms=res["terms"], aligned=ctx.engine.searcher.analyzer.normalize_aligned,
                         lang=lang, key="s")
    if side is not None:
        with side:
            source.render(ctx)
