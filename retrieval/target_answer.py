"""Answers from the policy targets table: "which province targets 500亿 contract turnover".

A which-region or which-document question that names a metric of ``data/metrics.tsv`` (in Chinese, or in English
through the query's expansions) and a figure is answered from the table's target rows of that metric whose value
equals the figure, every source sentence cited. No matching row: None, and the passage answer runs as before.

Example (over an engine ``qa``)::

    a = answer_from_table("哪个省提出技术合同成交额突破500亿元？", res.analysis, qa.searcher.index, filters)
    a.answer, [c.hit.doc_name for c in a.citations]
"""

from __future__ import annotations

import re

from index.analyzer import to_simplified
from index.metrics import load_metrics
from index.numbers import parse_quantity, quantities_equal
from index.store import LoadedIndex
from retrieval.query import QueryAnalysis
from retrieval.targets import TargetFilter, TargetResult, by_document, pick_result, query_targets
from retrieval.types import Answer, Citation, Filters, Hit

ASKS = ("which-region", "which-doc")
# A table answer is a figure matched exactly in a target sentence of the named metric; its confidence sits above
# the passage answers' usual accept threshold (data/answer_scorer.json) but below certainty, as rows can be misread.
CONFIDENCE = 0.9


def question_metric(question: str, analysis: QueryAnalysis) -> str:
    """The canonical metric a question names ("" when none): in its Chinese text or in its English expansions.

    >>> from retrieval.query import analyze_query
    >>> q = "Which province targets 50 billion yuan of technology contract turnover by 2025?"
    >>> question_metric(q, analyze_query(q)), question_metric("哪个省的技术合同成交额目标是500亿元", analyze_query("x"))
    ('技术合同成交额', '技术合同成交额')
    """
    table = load_metrics()
    found = table.find_all(to_simplified(question))
    if found:
        return max(found, key=lambda f: f[1] - f[0])[2]
    low = question.lower()
    named = [(len(en), name) for name, en in table.english.items() if re.search(rf"\b{re.escape(en.lower())}\b", low)]
    if named:  # the longest English name: "GDP growth" before "GDP"
        return max(named)[1]
    for e in analysis.expansions:
        for t in e.terms:
            if t in table.phrase_to_metric:
                return table.phrase_to_metric[t]
    return ""


def answer_from_table(question: str, analysis: QueryAnalysis, ix: LoadedIndex,
                      filters: Filters | None = None, hits: tuple[Hit, ...] = ()) -> Answer | None:
    """The table's answer, or None; ``hits`` (the passages the search found) are kept on the answer."""
    if analysis.qtype not in ASKS or not analysis.numbers:
        return None
    metric = question_metric(question, analysis)
    if not metric:
        return None
    f = filters or Filters()
    rows = query_targets(ix, TargetFilter(metric=metric, kinds=("target",), regions=tuple(f.regions),
                                          year_from=f.year_from, year_to=f.year_to, docs=tuple(f.docs)))
    if not rows:
        return None
    figures = [q for q in (parse_quantity(n) for n in analysis.numbers) if q is not None]
    match = [r for r in rows if any(quantities_equal(r.row.quantity, q) for q in figures)]
    if analysis.years:
        dated = [r for r in match if r.row.year and any(str(y) in r.row.year for y in analysis.years)]
        match = dated or match
    if not match:
        return None
    if analysis.qtype == "which-region":
        names = list(dict.fromkeys(r.region for r in match if r.region))
    else:
        names = list(dict.fromkeys(r.title or r.doc for r in match))
    if not names:
        return None
    citations = tuple(_cite(ix, r, n) for n, r in enumerate(match[:8], start=1))
    return Answer(question=question, answer="、".join(names) + "".join(f" [{c.n}]" for c in citations),
                  answer_type=analysis.qtype, abstained=False, confidence=CONFIDENCE,
                  supporting=" ".join(r.sentence for r in match[:8]), citations=citations, hits=tuple(hits),
                  method="table")


def _cite(ix: LoadedIndex, r: TargetResult, n: int) -> Citation:
    """A citation of a row: the passage holding its sentence, the sentence and the figure highlighted."""
    chunks = ix.chunks_of_doc(r.doc_idx)
    i = next((c for c in chunks if ix.chunk_start[c] <= r.row.start < ix.chunk_end[c]), chunks[0])
    c = ix.chunk(i)
    d = ix.docs[r.doc_idx]
    hit = Hit(chunk=c, doc_name=d.name, meta=d.meta, score=1.0, scores={"table": 1.0}, rank=n,
              location=d.location(c.start, c.end) if d.regions else "")
    return Citation(n=n, hit=hit, sentence_span=(r.row.sent_start, r.row.sent_end),
                    answer_span=(r.row.start, r.row.end))


def compare_from_table(question: str, analysis: QueryAnalysis, ix: LoadedIndex, filters: Filters | None = None,
                       hits: tuple[Hit, ...] = ()) -> Answer | None:
    """A comparison of two years or two regions on a metric the question names ("did the 2024 or the 2025 report
    set the higher deficit ratio"), each side the table's target for that year or region; None when a side has
    no row (the passage comparison then runs)."""
    from dataclasses import replace

    from retrieval.answer import compare

    metric = question_metric(question, analysis)
    if not metric:
        return None
    f = filters or Filters()
    rows = query_targets(ix, TargetFilter(metric=metric, kinds=("target",), regions=tuple(f.regions),
                                          docs=tuple(f.docs)))
    if not rows:
        return None
    places = set(analysis.places or analysis.regions)
    cand = [r for r in rows if r.region in places] if places else rows
    docs = by_document(cand)

    def side(_q: str, s: tuple[str, str, str]) -> compare.SideValue:
        if s[1] == "year":
            y = int(s[2])
            # the document of that year first (a report sets its own year's target), else any row for that year
            res = next((p for rs in docs.values() if rs[0].doc_year == y and (p := pick_result(rs, y))), None)
            if res is None:
                res = next((r for r in cand if r.row.year == str(y)), None)
        elif s[1] == "region":
            res = next((r for r in rows if r.region == s[2]
                        and (not analysis.years or (r.row.year and any(str(y) in r.row.year for y in analysis.years)))),
                       None)
        else:
            res = None
        if res is None:
            return compare.SideValue(s[0], None, "", 0.0, None)
        return compare.SideValue(s[0], res.row.value, res.row.quantity, CONFIDENCE, _cite(ix, res, 1))

    ans = compare.compare_answer(question, side, 0.0)
    if ans is None or ans.abstained:
        return None
    return replace(ans, hits=tuple(hits), method="table")


_TREND = re.compile(r"变化|趋势|历年|演变|走势|以来|\bchanged?\b|\btrend\b|\bover the years\b|\bsince\b|\bevolved?\b",
                    re.I)
MAX_TREND_POINTS = 12  # the answer lists at most this many years (the app's chart shows them all)


def trend_from_table(question: str, analysis: QueryAnalysis, ix: LoadedIndex, filters: Filters | None = None,
                     hits: tuple[Hit, ...] = ()) -> Answer | None:
    """"How has the GDP growth target changed since 2015": the metric's target for each year from the first year the
    question names (to the last, when it names two), one row per document of that year, every sentence cited."""
    if not _TREND.search(question) or not analysis.years:
        return None
    metric = question_metric(question, analysis)
    if not metric:
        return None
    f = filters or Filters()
    lo = analysis.years[0]
    hi = analysis.years[-1] if len(analysis.years) > 1 else None
    places = tuple(analysis.places or analysis.regions) or tuple(f.regions)
    growth = True if re.search(r"(?:增长|涨幅)$", metric) else None  # a growth metric's rates, not its levels
    rows = query_targets(ix, TargetFilter(metric=metric, kinds=("target",), regions=places, docs=tuple(f.docs),
                                          growth=growth))
    if not rows:
        return None
    by_year: dict[int, TargetResult] = {}
    for rs in by_document(rows).values():
        y = rs[0].doc_year
        if y is None or y < lo or (hi is not None and y > hi) or y in by_year:
            continue
        p = pick_result(rs, y)
        if p is not None:
            by_year[y] = p
    if len(by_year) < 2:
        return None
    pts = [by_year[y] for y in sorted(by_year)][:MAX_TREND_POINTS]
    citations = tuple(_cite(ix, r, n) for n, r in enumerate(pts, start=1))
    text = "；".join(f"{r.doc_year}年 {r.row.quantity} [{n}]" for n, r in enumerate(pts, start=1))
    return Answer(question=question, answer=text, answer_type="list", abstained=False, confidence=CONFIDENCE,
                  supporting=" ".join(r.sentence for r in pts), citations=citations, hits=tuple(hits), method="table")
