"""Sidebar: filters (region, years, type, documents), number of results, advanced retrieval settings."""

from __future__ import annotations

import streamlit as st

from retrieval.search import MODES
from ui.i18n import t
from ui.logic import build_filters, facet_values

FILTER_KEYS = ("f_regions", "f_years", "f_types", "f_docs")


def _clear_filters() -> None:
    for k in FILTER_KEYS:
        st.session_state.pop(k, None)


def render(engine, lang: str):
    """Draw the filter widgets; return (filters, k, search_kw)."""
    if engine is None:
        return build_filters([], None, None, [], []), 10, {}
    docs = engine.searcher.index.docs
    titles = {d.name: d.meta.title or d.name for d in docs}
    facets = facet_values(docs)
    st.sidebar.subheader(t("filters", lang))
    regions = st.sidebar.multiselect(t("regions", lang), facets["regions"], key="f_regions", placeholder=t("all", lang))
    years = facets["years"]
    year_range = full = None
    if len(years) >= 2:
        full = (years[0], years[-1])
        year_range = st.sidebar.slider(t("years", lang), years[0], years[-1], full, key="f_years")
    types = st.sidebar.multiselect(t("doc_types", lang), facets["doc_types"], key="f_types", placeholder=t("all", lang))
    chosen = st.sidebar.multiselect(t("documents", lang), facets["docs"], key="f_docs", placeholder=t("all", lang),
                                    format_func=lambda n: f"{titles.get(n, n)[:40]} ({n})")
    st.sidebar.button(t("reset_filters", lang), on_click=_clear_filters, key="f_clear")
    k = st.sidebar.slider(t("n_results", lang), 3, 30, engine.cfg.retrieval.k, key="k")
    kw: dict = {}
    with st.sidebar.expander(t("advanced", lang)):
        has_dense = engine.searcher.encoder is not None and engine.searcher.index.dense is not None
        modes = list(MODES) if has_dense else ["bm25"]
        kw["mode"] = st.selectbox(t("mode", lang), modes, key="mode")
        kw["fusion"] = st.selectbox(t("fusion", lang), ["minmax", "rrf"],
                                    index=0 if engine.cfg.retrieval.fusion == "minmax" else 1, key="fusion")
        auto = st.checkbox(t("dense_weight_auto", lang), value=True, key="dw_auto")
        dw = st.slider(t("dense_weight", lang), 0.0, 1.0, engine.cfg.retrieval.dense_weight, 0.05, key="dw",
                       disabled=auto or kw["mode"] != "hybrid")
        if not auto:
            kw["dense_weight"] = dw
    return build_filters(regions, year_range, full, types, chosen), k, kw
