"""Targets: the policy targets table (index/targets.py) filtered by metric, region, year and kind, sorted by value;
a chart of one metric across years (a line with points) or regions (bars); a click on a point or a bar, or a row's
button, opens its sentence highlighted in the source view."""

from __future__ import annotations

import streamlit as st

from index.targets import KINDS, load_metrics
from retrieval.targets import TargetFilter, by_document, pick_result, query_targets
from ui.context import Ctx
from ui.i18n import t
from ui.pages import source
from ui.render import md_plain

MAX_ROWS = 300  # rows listed with an "open source" button each; the table above holds them all


def _open(r) -> None:
    st.session_state["source"] = {"doc": r.doc, "start": r.row.sent_start, "end": r.row.sent_end,
                                  "label": r.row.quantity, "sentence": (r.row.sent_start, r.row.sent_end),
                                  "answer": (r.row.start, r.row.end), "terms": []}


def _chart_points(rows, by: str) -> dict[str, object]:
    """The row each point plots: one per year (each document's own-year row) or per region (the largest value)."""
    pts: dict[str, object] = {}
    if by == "year":
        for rs in by_document(rows).values():
            pick = pick_result(rs, rs[0].doc_year)
            if pick is not None:
                pts.setdefault(str(rs[0].doc_year), pick)
        return dict(sorted(pts.items()))
    for r in rows:
        if r.region and (r.region not in pts or r.row.value > pts[r.region].row.value):
            pts[r.region] = r
    return pts


def chart_spec(pts: dict[str, object], by: str, metric: str, x_label: str):
    """An Altair chart of the points (a line with points by year, bars by region) whose click selects a point:
    the selection ``pt`` holds the point's index ``i`` into ``list(pts)``."""
    import altair as alt

    data = alt.Data(values=[{"x": x, "value": r.row.value, "i": i, "figure": r.row.comparator + r.row.quantity,
                             "document": r.title or r.doc} for i, (x, r) in enumerate(pts.items())])
    pick = alt.selection_point(name="pt", fields=["i"], on="click")
    base = alt.Chart(data).encode(
        x=alt.X("x:N", title=x_label, sort=None), y=alt.Y("value:Q", title=metric),
        tooltip=[alt.Tooltip("x:N", title=x_label), alt.Tooltip("figure:N", title=metric),
                 alt.Tooltip("document:N")])
    if by == "year":
        return base.mark_line(point=alt.OverlayMarkDef(size=90, filled=True)).add_params(pick)
    return base.mark_bar().add_params(pick)


def selected(event, pts: dict[str, object]):
    """The row of the point a chart event selected, or None."""
    sel = ((event or {}).get("selection") or {}).get("pt") or []
    if not sel or "i" not in sel[0]:
        return None
    rows = list(pts.values())
    i = int(sel[0]["i"])
    return rows[i] if 0 <= i < len(rows) else None


def render(ctx: Ctx) -> None:
    lang = ctx.lang
    if ctx.engine is None:
        st.info(t("no_index", lang))
        return
    ix = ctx.engine.searcher.index
    metrics = load_metrics()
    c1, c2, c3, c4 = st.columns([3, 2, 2, 2])
    names = [""] + list(metrics.canonical)
    metric = c1.selectbox(t("tg_metric", lang), names, key="tg_metric",
                          format_func=lambda m: (f"{m} · {metrics.english.get(m, '')}" if m else t("tg_any", lang)))
    kinds = c2.multiselect(t("tg_kind", lang), list(KINDS), default=["target"], key="tg_kind",
                           format_func=lambda k: t(f"tg_{k}", lang))
    regions = sorted({d.meta.region for d in ix.docs if d.meta.region})
    region = c3.multiselect(t("regions", lang), regions, key="tg_region")
    sort = c4.selectbox(t("tg_sort", lang), ["doc", "value", "year"], key="tg_sort",
                        format_func=lambda s: t(f"tg_sort_{s}", lang))
    rows = query_targets(ix, TargetFilter(metric=metric, kinds=tuple(kinds), regions=tuple(region)))
    if rows is None:
        st.warning(t("tg_rebuild", lang))
        return
    if sort == "value":
        rows.sort(key=lambda r: -r.row.value)
    elif sort == "year":
        rows.sort(key=lambda r: (r.row.year or str(r.doc_year or ""), r.doc))
    st.caption(t("tg_count", lang, n=len(rows)))
    main, side = source.layout()
    with main:
        if metric and rows:
            by = st.radio(t("tg_chart_by", lang), ["year", "region"], horizontal=True, key="tg_by",
                          format_func=lambda b: t(f"tg_by_{b}", lang))
            pts = _chart_points(rows, by)
            if pts:
                label = t("years", lang) if by == "year" else t("regions", lang)
                event = st.altair_chart(chart_spec(pts, by, metric, label), on_select="rerun", key=f"tg_chart_{by}",
                                        width="stretch")
                r = selected(event, pts)
                st.caption(t("tg_chart_click", lang))
                if r is not None and st.session_state.get("tg_chart_opened") != (by, r.doc, r.row.start):
                    st.session_state["tg_chart_opened"] = (by, r.doc, r.row.start)  # a selection opens once
                    _open(r)
                    st.rerun()
        st.dataframe([{t("regions", lang): r.region, t("tg_year", lang): r.row.year or r.doc_year,
                       t("tg_kind", lang): t(f"tg_{r.row.kind}", lang), t("tg_metric", lang): r.row.metric or r.row.subject,
                       t("tg_value", lang): r.row.comparator + r.row.quantity, t("documents", lang): r.title or r.doc,
                       t("tg_sentence", lang): r.sentence} for r in rows], hide_index=True, key="tg_table")
        for i, r in enumerate(rows[:MAX_ROWS]):
            label = f"{r.region or '?'} {r.row.year or r.doc_year or ''} {r.row.metric or r.row.subject} " \
                    f"{r.row.comparator}{r.row.quantity}"
            st.button(f"{t('open_source', lang)} · {md_plain(label)}", key=f"tg_src_{i}", on_click=_open, args=(r,))
    if side is not None:
        with side:
            source.render(ctx)
