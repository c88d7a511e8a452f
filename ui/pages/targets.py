"""Targets: the policy targets table (index/targets.py) filtered by metric, region, year and kind, sorted by value;
a chart of one metric across years (a line with points) or regions (bars); a click on a point or a bar, or a row's
button, opens its sentence highlighted in the source view."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from index.metrics import load_metrics
from index.targets import KINDS
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


@dataclass(frozen=True)
class ChartPoint:
    """One point of the chart: its x (a year or a region), its series (the region, on a chart across years) and the
    row it plots."""

    x: str
    series: str
    result: object


def chart_points(rows, by: str) -> list[ChartPoint]:
    """Across years: per region, one point per report year (each document's own-year row; a line per region).
    Across regions: one bar per region (its largest value)."""
    if by == "year":
        seen: dict[tuple[str, str], ChartPoint] = {}
        for rs in by_document(rows).values():
            pick = pick_result(rs, rs[0].doc_year)
            if pick is not None:
                key = (pick.region or "?", str(rs[0].doc_year))
                seen.setdefault(key, ChartPoint(key[1], key[0], pick))
        return sorted(seen.values(), key=lambda p: (p.series, p.x))
    best: dict[str, object] = {}
    for r in rows:
        if r.region and (r.region not in best or r.row.value > best[r.region].row.value):
            best[r.region] = r
    return [ChartPoint(k, k, r) for k, r in best.items()]


def chart_spec(pts: list[ChartPoint], by: str, metric: str, x_label: str, series_label: str):
    """An Altair chart of the points (lines with points across years, one per region; bars across regions) whose
    click selects a point: the selection ``pt`` holds the point's index ``i`` into ``pts``."""
    import altair as alt

    data = alt.Data(values=[{"x": p.x, "series": p.series, "value": p.result.row.value, "i": i,
                             "figure": p.result.row.comparator + p.result.row.quantity,
                             "document": p.result.title or p.result.doc} for i, p in enumerate(pts)])
    pick = alt.selection_point(name="pt", fields=["i"], on="click")
    enc = {"x": alt.X("x:N", title=x_label, sort=None), "y": alt.Y("value:Q", title=metric),
           "tooltip": [alt.Tooltip("series:N", title=series_label), alt.Tooltip("x:N", title=x_label),
                       alt.Tooltip("figure:N", title=metric), alt.Tooltip("document:N")]}
    if by == "year":
        if len({p.series for p in pts}) > 1:
            enc["color"] = alt.Color("series:N", title=series_label)
        return alt.Chart(data).encode(**enc).mark_line(point=alt.OverlayMarkDef(size=90, filled=True)).add_params(pick)
    return alt.Chart(data).encode(**enc).mark_bar().add_params(pick)


def selected(event, pts: list):
    """The point a chart event selected, or None."""
    sel = ((event or {}).get("selection") or {}).get("pt") or []
    i = int(sel[0]["i"]) if sel and "i" in sel[0] else -1
    return pts[i] if 0 <= i < len(pts) else None


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
            pts = chart_points(rows, by)
            if pts:
                label = t("years", lang) if by == "year" else t("regions", lang)
                event = st.altair_chart(chart_spec(pts, by, metric, label, t("regions", lang)), on_select="rerun",
                                        key=f"tg_chart_{by}", width="stretch")
                p = selected(event, pts)
                r = p.result if p is not None else None
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
