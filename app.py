"""PolicyQA Streamlit app: a thin layer over retrieval/ and index/ (page logic lives in ui/).

Run: ``make run`` (indexes data/samples if needed, then ``streamlit run app.py``). The index
directory comes from the configuration (``POLICYQA_INDEX_DIR``); the engine loads once per
process (ui/engine.py). All document and query text is escaped before it reaches HTML.
"""

from __future__ import annotations

import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import streamlit as st  # noqa: E402

from config import Config  # noqa: E402
from index.store import IndexError_, IndexMissingError  # noqa: E402
from ui.context import Ctx  # noqa: E402
from ui.engine import load_engine  # noqa: E402
from ui.i18n import t  # noqa: E402
from ui.logic import filter_summary  # noqa: E402
from ui.pages import ask, documents, evaluation, search, sidebar, targets  # noqa: E402
from ui.render import CSS  # noqa: E402

PAGES = {"ask": ask.render, "search": search.render, "targets": targets.render, "docs": documents.render,
         "eval": evaluation.render}

st.set_page_config(page_title="PolicyQA 政策文件问答", page_icon="📑", layout="wide")


def main() -> None:
    st.html(CSS)
    lang = "en" if st.session_state.get("lang_en") else "zh"
    st.sidebar.toggle(t("english", lang), key="lang_en")
    page = st.sidebar.radio(t("page", lang), list(PAGES), key="page", format_func=lambda p: t(p, lang))
    cfg = Config()
    engine = None
    problem = None
    try:
        with st.spinner(t("loading", lang)):
            engine = load_engine(cfg)
    except IndexMissingError:
        problem = "missing"
    except IndexError_ as e:  # built with other settings, or another build holds the lock
        problem = str(e)

    st.title(t("app_title", lang))
    caption = t("app_tagline", lang)
    if engine is not None:
        idx = engine.searcher.index
        caption += "  ·  " + t("n_docs", lang, n=len(idx.docs), c=idx.n_chunks)
    st.caption(caption)
    # Filters and retrieval settings only where they apply (they also apply to Ask).
    filters, k, kw = sidebar.render(engine if page in ("ask", "search") else None, lang)
    ctx = Ctx(lang=lang, cfg=cfg, engine=engine, filters=filters, k=k, search_kw=kw)

    if engine is None and page in ("ask", "search"):
        if problem == "missing":
            st.info(f"**{t('no_index', lang)}** {t('no_index_how', lang)}")
            documents.index_samples_button(ctx)
        else:
            st.error(f"{t('index_error', lang)} {problem}")
            if st.button(t("rebuild", lang), key="rebuild"):
                if documents.run_build(ctx, []):
                    st.rerun()
        documents.show_build_msg()
        return
    if page in ("ask", "search") and not filters.is_empty():
        st.caption("🔎 " + t("filters_active", lang, f=filter_summary(filters)))
    PAGES[page](ctx)


main()
