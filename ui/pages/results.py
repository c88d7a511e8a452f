"""Shared by Ask and Search: passage cards with an "open source" button each."""

from __future__ import annotations

import streamlit as st

from ui.i18n import t
from ui.render import hit_card


def open_source(hit, terms, sentence_span=None, answer_span=None, label="") -> None:
    st.session_state["source"] = {
        "doc": hit.doc_name, "start": int(hit.chunk.start), "end": int(hit.chunk.end), "label": label,
        "sentence": tuple(sentence_span) if sentence_span else None,
        "answer": tuple(answer_span) if answer_span else None, "terms": list(terms),
    }


def hit_list(hits, *, terms, aligned, lang: str, key: str, citations=None) -> None:
    """Render hits as cards; ``citations`` maps chunk_id → Citation for cited passages."""
    citations = citations or {}
    for i, h in enumerate(hits):
        c = citations.get(h.chunk.chunk_id)
        label = f"[{c.n}]" if c else f"#{i + 1}"
        with st.container(border=True):
            st.html(hit_card(h, terms=terms, aligned=aligned, lang=lang, label=label,
                             sentence_span=c.sentence_span if c else None, answer_span=c.answer_span if c else None))
            st.button(f"{t('open_source', lang)} {label}", key=f"{key}_src_{i}", on_click=open_source,
                      args=(h, terms, c.sentence_span if c else None, c.answer_span if c else None, label),
                      type="secondary")
