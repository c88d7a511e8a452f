"""Documents: the indexed documents with metadata; upload, index a folder, edit metadata, remove."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from config import ROOT
from ingest.types import DOC_TYPES
from ui.context import Ctx
from ui.engine import clear_engine, shared_encoder
from ui.i18n import t
from ui.logic import (
    build_message,
    build_problem_lines,
    doc_rows,
    filter_rows,
    progress_fraction,
    safe_filename,
    uploads_dir,
    valid_date,
)

SAMPLES = ROOT / "data" / "samples"


def run_build(ctx: Ctx, folders: list[Path], remove: list[str] = ()) -> bool:
    """Build with a progress bar; keep the report for the next run; drop the cached engine. A failed build (another
    build holds the lock, a folder that cannot be read) reruns the page to show why; files already saved stay."""
    from index.build import build_index

    lang = ctx.lang
    bar = st.progress(0.0, text=t("building", lang))

    def progress(stage: str, done: int, total: int) -> None:
        bar.progress(progress_fraction(stage, done, total), text=f"{t('stage_' + stage, lang)} {done}/{total}")

    try:
        report = build_index(list(folders), ctx.cfg, remove=list(remove), progress=progress,
                             encoder=shared_encoder(ctx.cfg))
    except Exception as e:  # LoadError (folder), IndexError_ (lock), mismatches: show, do not crash
        bar.empty()
        st.session_state["build_msg"] = ("error", f"{t('build_failed', lang)} {e}", [], "")
        st.rerun()  # the message shows at the top of the page (show_build_msg) now, not after the next click
    bar.progress(1.0)
    clear_engine()
    for k in ("ask_result", "search_result", "source"):
        st.session_state.pop(k, None)
    skipped = build_problem_lines(report, lang)
    head = t("skipped_head", lang, n=len(skipped))
    st.session_state["build_msg"] = ("success", build_message(report, lang), skipped, head)
    return True


def show_build_msg() -> None:
    msg = st.session_state.pop("build_msg", None)
    if not msg:
        return
    kind, text, skipped, head = msg
    (st.error if kind == "error" else st.success)(text)
    if skipped:  # file names and reasons as plain text (no markdown, no markup)
        st.warning(head)
        st.code("\n".join(skipped), language=None, wrap_lines=True)


def index_samples_button(ctx: Ctx) -> None:
    if st.button(t("index_samples", ctx.lang), type="primary", key="index_samples"):
        if run_build(ctx, [SAMPLES]):
            st.rerun()


def render(ctx: Ctx) -> None:
    lang = ctx.lang
    show_build_msg()
    engine = ctx.engine
    if engine is not None:
        index = engine.searcher.index
        import numpy as np

        counts = np.bincount(index.chunk_doc, minlength=len(index.docs)).tolist()
        rows = doc_rows(index.docs, counts)
        st.subheader(f"{t('doc_list', lang)} ({len(rows)})")
        needle = st.text_input(t("doc_filter", lang), key="doc_filter")
        shown = filter_rows(rows, needle)
        st.dataframe(shown, width="stretch", hide_index=True, key="doc_table",
                     column_order=["name", "title", "region", "city", "date", "doc_type", "script", "issuer",
                                   "doc_number", "passages", "chars", "path"])
    else:
        st.info(t("no_index", lang) + " " + t("no_index_how", lang))
        index_samples_button(ctx)

    tabs = st.tabs([t("upload", lang), t("index_folder", lang), t("edit_meta", lang), t("remove_doc", lang)])
    with tabs[0]:
        from ingest.loaders import supported_suffixes

        suffixes = supported_suffixes()
        st.caption(t("upload_help", lang, s=" ".join(suffixes), d=uploads_dir()))
        files = st.file_uploader(t("upload", lang), accept_multiple_files=True, key="uploads",
                                 type=[s.lstrip(".") for s in suffixes], label_visibility="collapsed")
        if st.button(t("upload_button", lang), key="upload_go", type="primary"):
            if not files:
                st.warning(t("upload_none", lang))
            else:
                folder = uploads_dir()
                folder.mkdir(parents=True, exist_ok=True)
                for f in files:
                    (folder / safe_filename(f.name)).write_bytes(f.getvalue())
                if run_build(ctx, [folder]):
                    st.rerun()
    with tabs[1]:
        path = st.text_input(t("folder_path", lang), key="folder_path", placeholder=str(SAMPLES))
        if st.button(t("folder_button", lang), key="folder_go"):
            p = Path(path.strip() or SAMPLES).expanduser()
            if not p.is_dir():
                st.error(t("folder_missing", lang, p=p))
            elif run_build(ctx, [p]):
                st.rerun()
    if engine is None:
        return
    names = [d.name for d in index.docs]
    by_name = {d.name: d for d in index.docs}
    with tabs[2]:
        st.caption(t("edit_help", lang))
        name = st.selectbox(t("edit_doc", lang), names, key="edit_doc",
                            format_func=lambda n: f"{by_name[n].meta.title[:50]} ({n})")
        if name:
            m = by_name[name].meta
            with st.form("edit_form"):
                title = st.text_input(t("title", lang), m.title)
                c1, c2, c3 = st.columns(3)
                region = c1.text_input(t("region", lang), m.region)
                date = c2.text_input(t("date", lang), m.date)
                dtype = c3.selectbox(t("doc_type", lang), DOC_TYPES,
                                     index=DOC_TYPES.index(m.doc_type) if m.doc_type in DOC_TYPES else len(DOC_TYPES) - 1)
                if st.form_submit_button(t("save_meta", lang), type="primary"):
                    if not valid_date(date):
                        st.error(t("bad_date", lang))
                    else:
                        from index.store import save_override

                        fields = {"title": title.strip(), "region": region.strip(), "date": date.strip(),
                                  "doc_type": dtype}
                        save_override(Path(ctx.cfg.index_dir), name, {k: v for k, v in fields.items() if v != ""})
                        if run_build(ctx, []):
                            st.rerun()
    with tabs[3]:
        st.caption(t("remove_help", lang))
        name = st.selectbox(t("edit_doc", lang), names, key="remove_doc",
                            format_func=lambda n: f"{by_name[n].meta.title[:50]} ({n})")
        sure = st.checkbox(t("remove_confirm", lang), key="remove_sure")
        if st.button(t("remove_button", lang), key="remove_go", disabled=not (name and sure)):
            doc = by_name[name]
            up = uploads_dir().resolve()
            if run_build(ctx, [], remove=[name]):
                try:  # our own uploaded copy goes too, so a later upload re-index does not bring it back
                    p = Path(doc.path).resolve()
                    if up in p.parents:
                        p.unlink(missing_ok=True)
                except OSError:
                    pass
                st.rerun()
    with st.expander(t("index_info", lang)):
        info = engine.searcher.info()
        info["load_seconds"] = round(getattr(engine, "load_seconds", 0.0), 2)
        st.json(info, expanded=False)
