"""Evaluation: run eval.runner on a gold file, view report.json metrics, charts and failures,
and compare two configurations side by side."""

from __future__ import annotations

import time
from pathlib import Path

import streamlit as st

from config import ROOT
from ui.context import Ctx
from ui.i18n import t
from ui.logic import (
    breakdown_rows,
    compare_rows,
    eval_dir,
    find_reports,
    load_report,
    metric_rows,
    progress_from_args,
    safe_filename,
)

DEFAULT_GOLD = ROOT.parent / "shared" / "eval" / "seeds_gold.jsonl"


def _report_label(p: Path) -> str:
    return f"{p.parent.name}  ({time.strftime('%Y-%m-%d %H:%M', time.localtime(p.stat().st_mtime))})"


def show_report(path: Path, lang: str) -> None:
    try:
        rep = load_report(path)
    except (OSError, ValueError) as e:
        st.error(t("invalid_report", lang, p=path, e=e))
        return
    out = path.parent
    c1, c2, c3 = st.columns(3)
    c1.metric(t("eval_nq", lang), rep.get("n_questions", "–"))
    c2.metric(t("eval_default", lang), str(rep.get("default", "–")))
    c3.metric(t("eval_config", lang), len(rep["configs"]))
    st.markdown(f"**{t('eval_metrics', lang)}**")
    rows = metric_rows(rep)
    if rows:
        st.dataframe(rows, hide_index=True, width="stretch", key="eval_metrics")
    names = list(rep["configs"])
    default = rep.get("default") if rep.get("default") in names else names[0] if names else None
    if default:
        cfg = rep["configs"][default]
        b1, b2 = st.columns(2)
        for col, key, label in ((b1, "by_lang", "eval_by_lang"), (b2, "by_type", "eval_by_type")):
            br = breakdown_rows(cfg, key)
            if br:
                col.markdown(f"**{t(label, lang)} · {default}**")
                col.dataframe(br, hide_index=True, width="stretch", key=f"eval_{key}")
    charts = sorted(out.glob("*.png"))
    if charts:
        st.markdown(f"**{t('eval_charts', lang)}**")
        cols = st.columns(2)
        for i, png in enumerate(charts):
            cols[i % 2].image(str(png), caption=png.name, width="stretch")
    if len(names) >= 2:
        st.markdown(f"**{t('eval_compare', lang)}**")
        a_col, b_col = st.columns(2)
        a = a_col.selectbox("A", names, index=names.index(default), key="cmp_a")
        b = b_col.selectbox("B", names, index=next((i for i, n in enumerate(names) if n != a), 0), key="cmp_b")
        st.dataframe(compare_rows(rep, a, b), hide_index=True, width="stretch", key="eval_cmp")
        for col, n in ((a_col, a), (b_col, b)):
            desc = rep["configs"][n].get("description")
            if desc:
                col.caption(str(desc))
    failures = out / "failures.md"
    if failures.exists():
        with st.expander(t("eval_failures", lang)):
            # Plain text: failure lists quote documents, which must not become markup.
            st.code(failures.read_text(encoding="utf-8", errors="replace")[:200_000], language=None, wrap_lines=True)


def run_panel(ctx: Ctx) -> None:
    lang = ctx.lang
    try:
        from eval import runner
        from eval.configs import CONFIGS, DEFAULT
    except Exception as e:  # runner not there (yet) or broken: viewing reports still works
        st.info(f"{t('eval_missing_runner', lang)} {e}")
        return
    gold = st.text_input(t("eval_gold", lang), str(DEFAULT_GOLD) if DEFAULT_GOLD.exists() else "", key="eval_gold")
    up = st.file_uploader(t("eval_gold_upload", lang), type=["jsonl"], key="eval_gold_up")
    corpus = st.text_input("corpus", str(ROOT / "data" / "samples"), key="eval_corpus")
    names = [c.name for c in CONFIGS]
    chosen = st.multiselect(t("eval_config", lang), names, default=[n for n in (DEFAULT, "naive") if n in names],
                            key="eval_configs")
    out = st.text_input(t("eval_out", lang), str(eval_dir() / time.strftime("run-%Y%m%d-%H%M")), key="eval_out")
    if not st.button(t("eval_start", lang), type="primary", key="eval_go"):
        return
    if up is not None:
        dest = eval_dir() / "gold"
        dest.mkdir(parents=True, exist_ok=True)
        gold_path = dest / safe_filename(up.name)
        gold_path.write_bytes(up.getvalue())
    else:
        gold_path = Path(gold.strip()).expanduser()
    if not gold_path.is_file():
        st.error(t("eval_gold_missing", lang, p=gold_path))
        return
    bar = st.progress(0.0, text=t("eval_running", lang))

    def progress(*args):
        frac, label = progress_from_args(*args)
        if frac is not None:
            bar.progress(frac, text=label)

    try:
        runner.run(gold_path, Path(corpus), Path(out), chosen or None, index_root=eval_dir() / "index",
                   progress=progress)
    except Exception as e:
        bar.empty()
        st.error(f"{t('eval_failed', lang)} {type(e).__name__}: {e}")
        return
    bar.progress(1.0)
    st.success(t("eval_done", lang, d=out))
    st.session_state["eval_pick"] = str(Path(out) / "report.json")


def render(ctx: Ctx) -> None:
    lang = ctx.lang
    tab_view, tab_run = st.tabs([t("eval_existing", lang), t("eval_run", lang)])
    with tab_run:
        run_panel(ctx)
    with tab_view:
        reports = find_reports()
        if not reports:
            st.info(t("eval_none", lang))
            return
        labels = [str(p) for p in reports]
        pick = st.session_state.get("eval_pick")
        idx = labels.index(pick) if pick in labels else 0
        chosen = st.selectbox(t("eval_report", lang), labels, index=idx, key="eval_report",
                              format_func=lambda s: _report_label(Path(s)))
        show_report(Path(chosen), lang)
