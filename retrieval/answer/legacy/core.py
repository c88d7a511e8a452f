"""The first version's extractive path: ``_extractive`` (score sentences, take a span by question type, check
region, period and confidence), abstention, citations of the passages, and the English words of a question that
have no Chinese form. The answer step itself is ``retrieval/answer/extract.py``.
"""

from __future__ import annotations

import re

from retrieval import qtype
from retrieval.answer.legacy.common import _Sent, _Span
from retrieval.answer.legacy.dates import _date_span
from retrieval.answer.legacy.facts import _fact_span
from retrieval.answer.legacy.lists import _list_span
from retrieval.answer.legacy.numbers import _number_span
from retrieval.answer.legacy.regions import _region_span
from retrieval.answer.legacy.sentences import (
    _anchor_hits,
    _anchors,
    _context_hits,
    _key_terms,
    _region_named,
    _score_sentences,
)
from retrieval.qtype import classify
from retrieval.sentences import fold
from retrieval.types import NOT_FOUND, Answer, Citation


def _uncovered(question: str) -> tuple[str, ...]:
    if not re.search(r"[A-Za-z]{3}", question):
        return ()
    from retrieval.query import analyze_query  # noqa: PLC0415 - only for English words; the lexicon is cached

    return analyze_query(question).uncovered


def _extractive(question, hits, tokenize, normalize, query_regions, threshold, cite: tuple[int, float], expansions,
                doc_text=None, uncovered: tuple[str, ...] = (), prepared=None) -> Answer:
    """The first version's pick. ``prepared`` — the answer step's analysed question and scored sentences
    (``retrieval.answer.base.Context``) — spares analysing the question and scoring the passages a second time."""
    qt = classify(question)
    english = qtype.is_english(question)
    if not hits:
        return _abstain(question, qt, hits)
    orig = hits
    if prepared is not None:
        hits, regions, periods, terms = prepared.hits, prepared.regions, prepared.periods, prepared.terms
        sents = [s for s in prepared.sents if s.hit < prepared.n_scored]
    else:
        n_scored = len(hits)
        if doc_text is not None:
            hits = hits + _anchor_hits(question, hits, doc_text)
            n_scored = len(hits)
            hits = hits + _context_hits(hits[:3], doc_text)
        regions = tuple(dict.fromkeys([*qtype.question_regions(question), *(fold(r) for r in query_regions)]))
        if qt == "which-region":
            regions = ()  # the region is what is asked, not a qualifier
        periods = qtype.question_periods(question)
        terms = _key_terms(question, expansions, tokenize, normalize, regions, periods, hits, uncovered)
        want = qtype.asked_count(question) if qt == "list" else None
        sents = _score_sentences(hits[:n_scored], terms, regions, periods, tokenize, normalize, qt, want,
                                 _anchors(question))
        sents.sort(key=lambda s: -s.score)
    if not sents:
        return _abstain(question, qt, orig)
    top = sents[:8]

    span: _Span | None = None
    masked = False
    if qt == "number":
        span, masked = _number_span(question, top, terms, periods, hits)
    elif qt == "date":
        span = _date_span(question, top, hits)
    elif qt == "which-region":
        span = _region_span(question, top, hits, english)
    elif qt == "list":
        span = _list_span(question, top, terms, hits, english)
    elif qt == "which-doc":
        s = top[0]
        h = hits[s.hit]
        span = _Span(s, s.start, s.end, h.meta.title or h.doc_name, s.score)
    if span is None and qt in ("fact", "list"):
        span = _fact_span(question, top, terms, hits)
    if span is None or masked:
        return _abstain(question, qt, orig, confidence=0.2 if masked else 0.1, supporting=top[0].text)

    best = span.sent
    rank_prior = 1.0 / (1 + 0.3 * span.sent.hit)
    confidence = max(0.0, min(1.0, 0.75 * best.coverage + 0.15 * rank_prior + 0.1 * min(1.0, span.score)))
    h = hits[best.hit]
    if regions and h.meta.region and not _region_named(regions, h, best.folded, fold(h.chunk.text),
                                                        fold(h.meta.title + " " + " ".join(h.chunk.section))):
        # The question is about another region than the document that would answer it.
        return _abstain(question, qt, orig, confidence=min(confidence, 0.2), supporting=best.text)
    if span.conflict:
        # The figure found is stated for another year/period than the one asked.
        return _abstain(question, qt, orig, confidence=min(confidence, 0.25), supporting=best.text)
    if uncovered and qt == "number" and _counted_uncovered(question, uncovered, hits):
        # "How many Nobel laureates …": the very thing counted has no Chinese form in any passage.
        confidence = min(confidence, 0.5 * confidence, threshold - 0.01)
    if confidence < threshold:
        return _abstain(question, qt, orig, confidence=confidence, supporting=best.text)
    answer = span.answer.strip()
    if english and span.english and span.english not in answer:
        answer = f"{answer} ({span.english})"
    if len(answer) > 100:
        answer = answer[:100]
    cites = _citations(span, top, hits, *cite)  # (max_citations, cite_ratio)
    return Answer(question=question, answer=answer, answer_type=qt, abstained=False, confidence=confidence,
                  supporting=best.text, citations=cites, hits=orig, method="extractive", english=span.english)


def _counted_uncovered(question: str, uncovered: tuple[str, ...], hits) -> bool:
    """Whether the noun a "how many / how much" question counts is one of its uncovered English words."""
    m = re.search(r"\bhow (?:many|much)\s+((?:[A-Za-z][\w'’-]*\s*){1,3})", question, re.I)
    if not m:
        return False
    pool = fold(" ".join(h.chunk.text for h in hits))
    head = {w.lower() for w in re.findall(r"[A-Za-z][\w'’-]*", m.group(1))}
    return any(w.lower() in head and w.lower() not in pool for w in uncovered)


def _abstain(question, qt, hits, confidence: float = 0.0, supporting: str = "") -> Answer:
    cites = tuple(Citation(n=i + 1, hit=h) for i, h in enumerate(hits[:3]))
    return Answer(question=question, answer=NOT_FOUND, answer_type=qt, abstained=True, confidence=confidence,
                  supporting=supporting, citations=cites, hits=tuple(hits))


# ---- citations ---------------------------------------------------------------------------------------


def _citations(span: _Span, top: list[_Sent], hits, max_citations: int, cite_ratio: float) -> tuple[Citation, ...]:
    """[1] = the passage holding the answer; then other passages whose best sentence scores at least
    ``cite_ratio`` of the answer's sentence (0.85 measured: citation precision 0.56 → 0.88 on the public set,
    answers unchanged; lower values cite more near-miss context)."""
    h = hits[span.sent.hit]
    base = h.chunk.start
    ans_span = (base + span.start, base + span.end) if span.end > span.start else None
    cites = [Citation(n=1, hit=h, sentence_span=(base + span.sent.start, base + span.sent.end), answer_span=ans_span)]
    used = {span.sent.hit}
    for s in top:
        if len(cites) >= max_citations:
            break
        if s.hit in used or s.score < cite_ratio * span.sent.score:
            continue
        used.add(s.hit)
        hb = hits[s.hit].chunk.start
        cites.append(Citation(n=len(cites) + 1, hit=hits[s.hit], sentence_span=(hb + s.start, hb + s.end)))
    return tuple(cites)
