"""Source view: the whole document, the cited passage highlighted and scrolled into view,
its metadata and section outline; traditional-script documents can be shown in simplified."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from ui.context import Ctx
from ui.i18n import t
from ui.render import answer_spans, esc, md_plain, meta_line, outline, query_term_spans, source_page

SOURCE_HEIGHT = 720


def layout():
    """(main, side) containers: two columns while a source is open, else the full width."""
    if st.session_state.get("source"):
        main, side = st.columns([1, 1], gap="medium")
        return main, side
    return st.container(), None


def _close() -> None:
    st.session_state.pop("source", None)


def render(ctx: Ctx) -> None:
    lang = ctx.lang
    src = st.session_state.get("source")
    if not src:
        return
    index = ctx.engine.searcher.index
    pos = next((i for i, d in enumerate(index.docs) if d.name == src["doc"]), None)
    head = st.columns([5, 1], vertical_alignment="center")
    head[1].button(f"✕ {t('close', lang)}", key="src_close", on_click=_close, width="stretch")
    if pos is None:
        head[0].subheader(t("source_view", lang))
        st.warning(t("doc_missing", lang))
        return
    doc = index.docs[pos]
    head[0].markdown(f"**{t('source_view', lang)} {src.get('label', '')}**")
    section = ""
    chunk_ids = index.chunks_of_doc(pos)
    chunks = [(int(index.chunk_start[i]), index.chunk_section[i]) for i in chunk_ids]
    for s, sec in chunks:
        if s == src["start"]:
            section = " > ".join(sec)
    st.html(f'<div class="pq-hit-head">{esc(doc.meta.title or doc.name)}</div>'
            f'<div class="pq-meta">{meta_line(doc.meta, doc.name, section, lang)}'
            f'{("<span class=sep>·</span>" + esc(doc.meta.issuer)) if doc.meta.issuer else ""}'
            f'{("<span class=sep>·</span>" + esc(doc.meta.doc_number)) if doc.meta.doc_number else ""}</div>')
    where = doc.location(*(src.get("answer") or src.get("sentence") or (src["start"], src["end"])))
    if where or doc.regions:
        # A converted file (PDF, DOCX, web page): the stored text is what was extracted; say from where.
        st.html(f'<div class="pq-meta">{esc(where)}{"<span class=sep>·</span>" if where else ""}'
                f'{esc(t("extracted_from", lang))} {esc(doc.meta.source or doc.path)}</div>')
        original = Path(doc.path)
        if original.is_file():
            st.download_button(f"{t('original_file', lang)} {md_plain(doc.name)}", data=original.read_bytes(),
                               file_name=doc.name, key="src_original")
    text = doc.text
    if doc.meta.script == "traditional":
        if st.toggle(t("show_simplified", lang), key="src_simplified"):
            from index.analyzer import to_simplified

            text = to_simplified(text)  # char-aligned: offsets stay valid
    spans = query_term_spans(text, src.get("terms", []), ctx.engine.searcher.analyzer.normalize_aligned)
    spans += answer_spans(src.get("sentence"), src.get("answer"))
    page = source_page(text, passage=(src["start"], src["end"]), spans=spans, sections=outline(chunks), lang=lang)
    # The page is built only from escaped text plus our own scroll script (ui/render.py).
    if hasattr(st, "iframe"):
        st.iframe(page, height=SOURCE_HEIGHT)
    else:  # older Streamlit
        import streamlit.components.v1 as components

        components.html(page, height=SOURCE_HEIGHT, scrolling=False)
