"""Region answers: the region a passage is about (document metadata first, then a province the sentence or title
names), a city named in the best sentences when the question names only the province, and the span for "which
province / city" questions.
"""

from __future__ import annotations

from retrieval import qtype
from retrieval.answer.legacy.common import _Sent, _Span
from retrieval.sentences import fold
from retrieval.types import Hit

# ---- regions ---------------------------------------------------------------------------------------


def _region_of(h: Hit, f: str) -> tuple[str, tuple[int, int] | None]:
    if h.meta.region and h.meta.region != "全国":
        return fold(h.meta.region), None
    for short in qtype.PROVINCES:
        i = f.find(short)
        if i >= 0:
            return short, (i, i + len(short))
    title = fold(h.meta.title)
    for short in qtype.PROVINCES:
        if short in title:
            return short, None
    return "", None


def _city_span(question, top: list[_Sent]) -> _Span | None:
    """A city the best sentences name that the question does not: 黑龙江哪个城市实施了X → 齐齐哈尔."""
    try:
        from ingest.regions import find_regions, province_of
    except ImportError:  # pragma: no cover - the gazetteer ships with ingest
        return None
    q = fold(question)
    for s in top[:2]:
        for name in find_regions(s.folded):
            prov = province_of(name)
            if not prov or prov == name or name in q or fold(name) in q:
                continue
            i = s.folded.find(fold(name))
            if i < 0:
                continue
            return _Span(s, s.start + i, s.start + i + len(name), s.text[i : i + len(name)], s.score)
    return None


def _region_span(question, top: list[_Sent], hits, english: bool) -> _Span | None:
    s = top[0]
    h = hits[s.hit]
    if qtype.asks_city(question) and not h.meta.city and qtype.question_regions(question):
        # The question names the province and asks which of its cities: read the city off the text.
        span = _city_span(question, top)
        if span:
            return span
    short, pos = _region_of(h, s.folded)
    if not short:
        return None
    full = qtype.full_region(short)
    ans = full
    if qtype.asks_city(question) and h.meta.city:
        city = h.meta.city if h.meta.city.endswith(("市", "州", "盟", "区")) else h.meta.city + "市"
        ans = f"{full}{city}"
    # Point at the name when the sentence writes it; otherwise the sentence itself supports the answer.
    i = s.folded.find(short)
    a, b = (s.start + i, s.start + i + len(short)) if i >= 0 else (s.start, s.end)
    return _Span(s, a, b, ans, s.score, qtype.english_region(short))
