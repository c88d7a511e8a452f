"""What every answer proposer shares: the scored sentences of the passages, candidate spans, the small interface.

A *proposer* (one module per answer kind: ``numbers``, ``dates``, ``regions``, ``lists``, ``facts``, ``docs``)
reads a :class:`Context` — the question analysed once, the passages split into sentences with their
key-term coverage — and returns :class:`Candidate` spans, each with the features that the fitted scorer
(``retrieval/answer/scorer.py``) turns into the probability that the candidate is the right answer.

    >>> from ingest.types import Chunk, DocMeta
    >>> from retrieval.types import Hit
    >>> text = "到2025年，全省技术合同成交额突破500亿元。"
    >>> hit = Hit(Chunk("d", 0, 0, len(text), text), "d.txt", DocMeta(region="黑龙江"), 1.0)
    >>> tok = lambda s: [s[i:i + 2] for i in range(len(s) - 1)]
    >>> ctx = build_context("2025年技术合同成交额目标是多少?", (hit,), tokenize=tok, normalize=str)
    >>> ctx.qtype, ctx.sents[0].text
    ('number', '到2025年，全省技术合同成交额突破500亿元。')
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Protocol

from retrieval import qtype
from retrieval.answer import legacy
from retrieval.answer.agreement import agreement
from retrieval.answer.gap import contexts, gaps
from retrieval.answer.subject import (
    WINDOW,
    content_words,
    groups_missing,
    modifier_missing,
    sibling_heads,
    subject_missing,
    subject_words,
)
from retrieval.answer.tidy import clause_start
from retrieval.sentences import fold
from retrieval.types import Hit

Tokenize = Callable[[str], list[str]]
Normalize = Callable[[str], str]
DocText = Callable[[str], str]

Sentence = legacy._Sent  # hit index, chunk offsets, text, folded text, coverage, score


@dataclass(frozen=True)
class Candidate:
    """One proposed answer: a span of a sentence (chunk offsets) or a value read off the document's metadata."""

    kind: str  # number | date | region | list | fact | doc | compare
    sent: Sentence
    start: int
    end: int
    text: str
    features: dict[str, float] = field(default_factory=dict)
    english: str = ""


@dataclass
class Context:
    """The question analysed once, and the passages' sentences ranked by key-term coverage."""

    question: str
    qtype: str
    english: bool
    hits: tuple[Hit, ...]  # retrieved passages, then passages read around them (anchors, following text, heads)
    n_retrieved: int
    sents: list[Sentence]  # best first
    terms: legacy._Terms
    regions: tuple[str, ...]
    periods: tuple[str, ...]
    given: frozenset[str]  # figures the question itself states (never the answer)
    doc_years: tuple[str, ...]  # years the question gives its document ("2023年政府工作报告", "the 2023 report")
    want: int | None  # items a list question asks for
    top_bm25: float
    question_folded: str = ""
    sessions: tuple[int, ...] = ()  # years of the NPC sessions the question names (qtype.session_years)
    subject_missing: float = 0.0  # IDF-weighted share of the question's terms that no passage or title holds
    rarest_missing: float = 0.0  # 1 when the question's rarest term is in no passage or title
    absent_words: tuple[str, ...] = ()  # the question's words the corpus never has (the passages, without a corpus)
    absent_share: float = 0.0  # their share of the question's Chinese words
    segment: Tokenize | None = None  # the segmenter's words of a text as written (span boundaries)
    n_scored: int = 0  # hits whose sentences the first version reads: the retrieved ones and their anchors
    subject: tuple[str, ...] = ()  # the question's Chinese content words (subject.py)
    idf: Callable[[str], float | None] | None = field(default=None, repr=False)  # corpus IDF of a token
    subject_idf: dict = field(default_factory=dict, repr=False)
    # An English question's subject: per English word, its Chinese alternatives (one found is enough)
    subject_groups: tuple[tuple[str, ...], ...] = ()
    asked: tuple[str, ...] = ()  # the subject words of the question's own clause, around its question word
    _gaps: dict = field(default_factory=dict, repr=False)
    _subject_fit: dict = field(default_factory=dict, repr=False)
    _windows: dict = field(default_factory=dict, repr=False)
    _siblings: dict = field(default_factory=dict, repr=False)
    _agreement: dict = field(default_factory=dict, repr=False)

    def gaps(self, s: Sentence) -> list:
        """Spans of ``s`` in the question's gap (``gap.py``; Chinese questions), computed once per sentence."""
        key = (s.hit, s.start)
        if key not in self._gaps:
            self._gaps[key] = [] if self.english else gaps(s.folded, self.question_folded, self.segment)
        return self._gaps[key]

    def subject_fit(self, s: Sentence) -> dict[str, float]:
        """Whether the question's subject is in the reading window of ``s`` (``subject.py``): the sentence, the text
        just before it, its document's title and section — computed once per sentence, read by every candidate."""
        key = (s.hit, s.start)
        if key not in self._subject_fit:
            window = self.window(s)
            if self.subject_groups:
                missing, rarest = groups_missing(self.subject_groups, self.subject_idf, window)
                self._subject_fit[key] = {"sent_subject_missing": missing, "sent_rarest_missing": rarest}
            else:
                missing, rarest = subject_missing(self.subject, self.subject_idf, window)
                self._subject_fit[key] = {"sent_subject_missing": missing, "sent_rarest_missing": rarest,
                                          "sent_modifier_missing": modifier_missing(self.subject, self.subject_idf,
                                                                                    window)}
        return self._subject_fit[key]

    def window(self, s: Sentence) -> str:
        """The reading window of ``s`` (folded, once per sentence): the sentence, the text just before it, its
        document's title and section."""
        key = (s.hit, s.start)
        if key not in self._windows:
            h = self.hits[s.hit]
            self._windows[key] = fold(h.chunk.text[max(0, s.start - WINDOW):s.end] + " " + h.meta.title + " "
                                      + " ".join(h.chunk.section))
        return self._windows[key]

    def siblings(self, s: Sentence) -> dict[str, str]:
        """Heads of the question's metric that ``s`` gives another modifier (``subject.sibling_heads``), once per
        sentence; none without a segmenter."""
        key = (s.hit, s.start)
        if key not in self._siblings:
            self._siblings[key] = {} if self.segment is None else sibling_heads(
                self.subject, self.question_folded, self.window(s), s.folded, self.segment)
        return self._siblings[key]

    def agreement(self, s: Sentence) -> dict[str, float]:
        """Year, session and place agreement of ``s`` and its document (``agreement.py``), once per sentence."""
        key = (s.hit, s.start)
        if key not in self._agreement:
            self._agreement[key] = agreement(self, self.hits[s.hit], s)
        return self._agreement[key]

    def boundaries(self, f: str) -> frozenset[int]:
        """Word boundaries of a (folded) sentence: where spans may start and end; every position without a segmenter."""
        if self.segment is None:
            return frozenset(range(len(f) + 1))
        out, pos = {0}, 0
        for w in self.segment(f):
            pos += len(w)
            out.add(pos)
        return frozenset(out)

    @cached_property
    def wording(self) -> str:
        """The question's wording as the passages would write it: the question, and for an English question also
        the Chinese forms of its words (what the proposers cut a sentence at)."""
        if not self.english:
            return self.question_folded
        return self.question_folded + "｜" + "｜".join(t for t in self.terms.weights if re.search(r"[\u4e00-\u9fff]", t))

    def term_positions(self, f: str) -> list[tuple[int, int, float]]:
        return legacy._term_positions(f, self.terms)


class Proposer(Protocol):
    """One answer kind: ``propose`` returns candidate spans with their kind-specific features."""

    kind: str

    def propose(self, ctx: Context) -> list[Candidate]: ...


def build_context(question: str, hits: Sequence[Hit], *, tokenize: Tokenize, normalize: Normalize,
                  query_regions: Sequence[str] = (), expansions: Sequence[str] = (),
                  doc_text: DocText | None = None, uncovered: Sequence[str] = (), qt: str | None = None,
                  term_idf: Callable[[str], float | None] | None = None,
                  words: Tokenize | None = None, segment: Tokenize | None = None, analysis=None) -> Context:
    """The question analysed once and the passages' sentences scored. ``analysis`` — the search step's
    ``QueryAnalysis`` of the same question — supplies its type, places, periods and asked count; without it
    (a caller that did not search) they are read off the question here."""
    if analysis is not None:
        qt = qt or analysis.qtype
    qt = qt or qtype.classify(question)
    hits = tuple(hits)
    n_ret = len(hits)
    n_scored = len(hits)
    if doc_text is not None and hits:
        hits = hits + legacy._anchor_hits(question, hits, doc_text)
        n_scored = len(hits)
        hits = hits + legacy._context_hits(hits[:3], doc_text)
    places = analysis.places if analysis is not None else qtype.question_regions(question)
    regions = tuple(dict.fromkeys([*places, *(fold(r) for r in query_regions)]))
    if qt == "which-region":
        regions = ()
    periods = analysis.periods if analysis is not None else qtype.question_periods(question)
    terms = legacy._key_terms(question, tuple(expansions), tokenize, normalize, regions, periods, hits,
                              tuple(uncovered))
    want = None
    if qt == "list":
        want = analysis.asked_count if analysis is not None else qtype.asked_count(question)
    legacy_qt = qt if qt in qtype.TYPES else "number"
    sents = legacy._score_sentences(hits, terms, regions, periods, tokenize, normalize, legacy_qt, want,
                                    legacy._anchors(question)) if hits else []
    sents.sort(key=lambda s: -s.score)
    sents = _distinct(sents, hits)
    qf = fold(question)
    given = {n.replace(",", "") for n in re.findall(r"\d[\d,]*(?:\.\d+)?", qf)}
    if qtype.is_english(question):
        from retrieval.numbers_en import word_numbers

        # "originally set for five years": 5年 is stated, not asked ("one", "zero" are mostly pronouns: which one)
        given |= {n for n in word_numbers(qf) if n not in ("0", "1")}
    given = frozenset(given)
    top_bm25 = max((h.scores.get("bm25", 0.0) for h in hits[:n_ret]), default=0.0)
    ctx = Context(question, qt, qtype.is_english(question), hits, n_ret, sents, terms, regions, periods, given,
                  document_years(qf), want, top_bm25, qf, segment=segment, n_scored=n_scored, idf=term_idf,
                  sessions=qtype.session_years(qf))
    subject = [fold(w) for w in words(legacy._QWORDS.sub("，", qf))] if words else list(terms.weights)
    ctx.subject_missing, ctx.rarest_missing = _subject_missing(subject, hits, term_idf)
    if words is not None:  # needs real words: a stand-in tokenizer's bigrams say nothing about the subject
        ctx.absent_words = _absent(subject, hits, term_idf)
        n_words = len([w for w in dict.fromkeys(subject) if len(w) >= 2 and re.fullmatch(r"[\u4e00-\u9fff]+", w)])
        ctx.absent_share = len(ctx.absent_words) / n_words if n_words else 0.0
        own = content_words(list(terms.weights)) if ctx.english else subject_words(qf, subject)
        own = tuple(w for w in own if not any(w in r or r in w for r in regions))  # places are scored as qualifiers
        ctx.subject = own
        if ctx.english and analysis is not None and analysis.expansions:
            groups = [content_words(e.terms) for e in analysis.expansions]
            groups += [(w,) for w in content_words(subject)]  # the Chinese words a mixed question writes
            groups = [tuple(w for w in g if not any(w in r or r in w for r in regions)) for g in groups]
            ctx.subject_groups = tuple(g for g in groups if g)
            own = tuple(dict.fromkeys(w for g in ctx.subject_groups for w in g))
        ctx.subject_idf = {w: v for w in own if (v := (term_idf(w) if term_idf else 1.0)) is not None}
        top = max(ctx.subject_idf.values(), default=1.0)
        ctx.subject_idf.update({w: top + 1.0 for w in own if w not in ctx.subject_idf})
        for w in own:  # the words' two-character parts, for partial matches (subject.py)
            for part in {w[:2], w[-2:]} if len(w) >= 3 else ():
                v = term_idf(part) if term_idf else None
                if v is not None and part not in ctx.subject_idf:
                    ctx.subject_idf[part] = v
        around = contexts(qf) if not ctx.english else None
        if around is not None:
            ctx.asked = tuple(w for w in ctx.subject if w in around[0] or w in around[1])
    return ctx


def _distinct(sents: list[Sentence], hits: Sequence[Hit]) -> list[Sentence]:
    """Each sentence of a document once (best first): overlapping chunks and the passages read around the hits
    repeat sentences, which would otherwise fill the top places that the proposers read."""
    seen: set[tuple[str, int]] = set()
    out = []
    for s in sents:
        key = (hits[s.hit].chunk.doc_id, hits[s.hit].chunk.start + s.start)
        if key not in seen:
            seen.add(key)
            out.append(s)
    return out


def _absent(words: Sequence[str], hits, term_idf) -> tuple[str, ...]:
    """Chinese words (2+ characters) of the question that the corpus never has; without corpus statistics, those
    no passage or title has."""
    cands = [w for w in dict.fromkeys(words) if len(w) >= 2 and re.fullmatch(r"[\u4e00-\u9fff]+", w)]
    if term_idf is not None:
        return tuple(w for w in cands if term_idf(w) is None)
    pool = fold(" ".join(h.chunk.text + " " + h.meta.title for h in hits))
    return tuple(w for w in cands if w not in pool)


def _subject_missing(terms: Sequence[str], hits, term_idf) -> tuple[float, float]:
    """How much of the question's subject the passages lack: the IDF-weighted share of its (Chinese, 2+ character)
    terms found in no passage or title, and whether its rarest term is among them. A term the corpus never has
    gets the highest IDF."""
    pool = fold(" ".join(h.chunk.text + " " + h.meta.title for h in hits))
    cands = list(dict.fromkeys(t for t in terms if len(t) >= 2 and re.search(r"[\u4e00-\u9fff]", t)))
    if not cands:
        return 0.0, 0.0
    idf = {t: (term_idf(t) if term_idf else 1.0) for t in cands}
    top = max((v for v in idf.values() if v is not None), default=1.0)
    idf = {t: (v if v is not None else top + 1.0) for t, v in idf.items()}
    total = sum(idf.values()) or 1.0
    missing = [t for t in cands if t not in pool]
    rarest = max(cands, key=lambda t: idf[t])
    return sum(idf[t] for t in missing) / total, 1.0 if rarest in missing else 0.0

_DOC_YEAR = re.compile(r"((?:19|20)\d\d)\s*年?(?:的|度)?\s*(?:国务院|全国人大|中华人民共和国)?(?:政府工作报告|工作报告|报告|决议|宪法修正案|宪法)"
                       r"|\b((?:19|20)\d\d)(?:'s)? (?:government work report|work report|report|npc resolution|resolution)",
                       re.I)


def document_years(q: str) -> tuple[str, ...]:
    """Years a (folded) question gives its document: 2023年政府工作报告, 1954年宪法, the 2023 government work report.

        >>> document_years("2023年政府工作报告安排了多少？"), document_years("what did the 2008 report say about 2009")
        (('2023',), ('2008',))
        >>> document_years("what ceiling did the 1995 政府工作报告 set")
        ('1995',)
    """
    return tuple(dict.fromkeys(m.group(1) or m.group(2) for m in _DOC_YEAR.finditer(q)))


def proximity(ctx: Context, s: Sentence, a: int, b: int) -> float:
    """Closeness (0–1) of the span ``[a, b)`` of sentence ``s`` (sentence offsets) to the question's key terms."""
    pos = ctx.term_positions(s.folded)
    if not pos:
        return 0.0
    best = 0.0
    for x, y, w in pos:
        if y <= a:
            d = a - y
        elif x >= b:
            d = x - b
        else:
            continue  # the term overlaps the span itself
        best = max(best, math.exp(-d / 15.0) * min(1.0, w))
    return best


_SEP = re.compile(r"[，,。；;：:]")


def clause_fit(ctx: Context, f: str, a: int, b: int, title: str = "") -> dict[str, float]:
    """Whether the clause of the span ``[a, b)`` of folded sentence ``f``, with the clause before it, says what the
    question's own clause asks about (``ctx.asked``): the IDF share of those words it lacks, and the largest share
    of one modifier missing beside its head (粮食产量达到八千亿斤 for 棉花产量达到多少)."""
    cuts = [m.start() for m in _SEP.finditer(f, 0, max(0, a))]
    lo = cuts[-2] + 1 if len(cuts) >= 2 else 0
    nxt = _SEP.search(f, b)
    clause = f[lo:nxt.start() if nxt else len(f)]
    missing, _ = subject_missing(ctx.asked, ctx.subject_idf, clause + " " + title)
    return {"clause_subject_missing": missing,
            "clause_modifier_missing": modifier_missing(ctx.asked, ctx.subject_idf, clause)}


def common_features(ctx: Context, c: Candidate) -> dict[str, float]:
    """Features every candidate has: evidence strength of its sentence, passage rank, year/region agreement."""
    s = c.sent
    h = ctx.hits[s.hit]
    top = ctx.sents[0].score if ctx.sents else 0.0
    rank = s.hit if s.hit < ctx.n_retrieved else ctx.n_retrieved  # read-around passages rank after the last hit
    bm = h.scores.get("bm25", 0.0) / ctx.top_bm25 if ctx.top_bm25 > 0 and s.hit < ctx.n_retrieved else 0.0
    f = {
        "cov": s.coverage,
        "cov_low": max(0.0, 0.3 - s.coverage),  # hinge: weak evidence weighs more than linearly
        "sent_gap": s.score - top,
        "hit_rr": 1.0 / (1 + rank),
        "bm25_rel": bm,
        "is_top_sent": 1.0 if ctx.sents and s is ctx.sents[0] else 0.0,
        "span_len": math.log1p(len(c.text)),
        "in_question": 1.0 if c.text and fold(c.text) in ctx.question_folded else 0.0,
        "missing": float(ctx.terms.missing),
        "subject_missing": ctx.subject_missing,
        "rarest_missing": ctx.rarest_missing,
        "absent_words": float(len(ctx.absent_words)),
        "absent_share": ctx.absent_share,
    }
    if ctx.subject:  # a figure in a sentence without 棉花 is not the 棉花产量 asked
        f.update(ctx.subject_fit(s))
        if siblings := ctx.siblings(s):  # …nor one whose clause is about a head the sentence modifies otherwise: 粮食产量
            a = c.start - s.start
            clause = s.folded[clause_start(s.folded, a):a]
            f["sibling_head"] = 1.0 if any(head in clause for head in siblings) else 0.0
    if ctx.asked:  # the span's own clause (and the one before it) about another thing: 主动审查…2个月内 for 专项审查
        f.update(clause_fit(ctx, s.folded, c.start - s.start, c.end - s.start, fold(h.meta.title)))
    f.update(ctx.agreement(s))
    return f


def kind_of(qt: str) -> str:
    """The candidate kind that answers a question type."""
    return {"number": "number", "date": "date", "which-region": "region", "list": "list", "fact": "fact",
            "which-doc": "doc", "compare": "compare"}.get(qt, "fact")


def head_fit(ctx: Context, f: str, a: int) -> float:
    """How much of the clause before position ``a`` of folded sentence ``f`` is the question's wording, by IDF: 1 for
    钢产量|六千万吨 in "what steel output", less for 粮食产量达到|八千亿斤 (粮食 is not asked); 0.5 without words.

        >>> ctx = build_context("钢产量是多少?", (), tokenize=lambda s: list(s), normalize=str, segment=lambda s: list(s))
        >>> head_fit(ctx, "粮食产量八千亿斤，钢产量六千万吨", 12), head_fit(ctx, "粮食产量八千亿斤，钢产量六千万吨", 4)
        (1.0, 0.5)
    """
    head = f[clause_start(f, a):a]
    if ctx.segment is None or not head:
        return 0.5
    words = [w for w in ctx.segment(head) if re.fullmatch(r"[\u4e00-\u9fff]+", w)]
    if not words:
        return 0.5
    weight = {w: ((ctx.idf(w) if ctx.idf else None) or 1.0) for w in words}
    total = sum(weight.values())
    return round(sum(v for w, v in weight.items() if w in ctx.wording) / total, 3) if total else 0.5
