"""Evidence gathering and sentence scoring: anchors (figures and quoted phrases of the question) and the extra passages
they and the document text supply, the question's weighted key terms, and the score of every sentence of the
passages by term coverage, with the question's region and year/period as qualifiers that the document's metadata may
also satisfy.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import replace

from ingest.types import Chunk
from retrieval.answer.legacy.common import (
    _DATE_FULL,
    _DATE_MD,
    _DATE_RANGE,
    _EN_STOP,
    _NUM,
    _QWORDS,
    MISSING_WEIGHT,
    DocText,
    _Sent,
    _Terms,
)
from retrieval.answer.legacy.lists import _list_candidates
from retrieval.qtype import PERIOD_YEARS
from retrieval.sentences import fold, split_sentences
from retrieval.types import Hit

_QUOTED = re.compile(r"[“\"「『‘]([^”\"」』’]{4,30})[”\"」』’]")


def _anchors(question: str) -> list[str]:
    """Literal strings of the question worth finding verbatim: figures of 3+ digits and quoted Chinese phrases."""
    q = re.sub(r"(?<=\d),(?=\d{3})", "", fold(question))
    out = [m.group(0) for m in re.finditer(r"(?<![\d.])\d{3,}(?:\.\d+)?(?![\d])", q)
           if not re.fullmatch(r"(19|20)\d\d", m.group(0))]
    out += [m.group(1) for m in _QUOTED.finditer(q) if re.search(r"[\u4e00-\u9fff]{2}", m.group(1))]
    return out


def _anchor_rx(anc: str) -> str:
    # Figures may be written with thousands separators (3,178) in the document.
    return r"(?<![\d.,])" + ",?".join(map(re.escape, anc)) + r"(?!\d)" if anc[0].isdigit() else re.escape(anc)


def _has_anchor(f: str, anc: str) -> bool:
    return re.search(_anchor_rx(anc), f) is not None


def _anchor_hits(question: str, hits: tuple[Hit, ...], doc_text: DocText) -> tuple[Hit, ...]:
    """Passages of the retrieved documents that hold an anchor of the question but were not retrieved."""
    anchors = _anchors(question)
    if not anchors:
        return ()
    out: list[Hit] = []
    seen: set[str] = set()
    for h in hits[:10]:
        doc_id = h.chunk.doc_id
        if doc_id in seen:
            continue
        seen.add(doc_id)
        try:
            text = doc_text(doc_id)
        except Exception:  # noqa: BLE001 - a missing document only means no extra context
            continue
        if not text:
            continue
        ftext = fold(text)
        for anc in anchors:
            for m in re.finditer(_anchor_rx(anc), ftext):
                pos = m.start()
                if any(x.chunk.doc_id == doc_id and x.chunk.start <= pos < x.chunk.end for x in (*hits, *out)):
                    continue
                a = max(0, pos - 200)
                b = min(len(text), m.end() + 200)
                spans = [(x + a, y + a) for x, y in split_sentences(text[a:b])]
                inside = [k for k, (x, y) in enumerate(spans) if x <= pos < y]
                if not inside:
                    continue
                k = inside[0]
                lo, hi = spans[max(0, k - 1)][0], spans[min(len(spans) - 1, k + 1)][1]
                if k == 0 and a > 0:
                    lo = spans[k][0]
                chunk = Chunk(doc_id, -1, lo, hi, text[lo:hi], h.chunk.section)
                out.append(Hit(chunk=chunk, doc_name=h.doc_name, meta=h.meta, score=hits[-1].score,
                               scores={"anchor": 1.0}, rank=len(hits) + len(out) + 1))
                if len(out) >= 3:
                    return tuple(out)
    return tuple(out)


def _context_hits(hits: tuple[Hit, ...], doc_text: DocText) -> tuple[Hit, ...]:
    """The text right after each of the best passages (ordinal -2) and the head of the best document (-3)."""
    out: list[Hit] = []
    for j, h in enumerate(hits):
        try:
            text = doc_text(h.chunk.doc_id)
        except Exception:  # noqa: BLE001
            continue
        if not text:
            continue
        a, b = h.chunk.end, min(len(text), h.chunk.end + 300)
        if b - a > 5:
            out.append(replace(h, chunk=Chunk(h.chunk.doc_id, -2, a, b, text[a:b], h.chunk.section)))
        if j == 0 and h.chunk.start > 0:
            out.append(replace(h, chunk=Chunk(h.chunk.doc_id, -3, 0, min(len(text), 500),
                                              text[: min(len(text), 500)], ())))
    return tuple(out)


# ---- key terms and sentence scoring ------------------------------------------------------------


def _key_terms(question, expansions, tokenize, normalize, regions, periods, hits, uncovered=()) -> _Terms:
    q = _QWORDS.sub("，", fold(question))
    q = re.sub(r"(?<=\d),(?=\d{3})", "", q)
    toks = [t for t in tokenize(normalize(q))]
    for e in expansions:
        toks.extend(tokenize(normalize(e)))
    pool = fold(" ".join(h.chunk.text + " " + h.meta.title for h in hits))
    qualifiers = {fold(r) for r in regions} | set(periods)
    out: dict[str, float] = {}
    for t in toks:
        t = fold(t).strip()
        if not t or not re.search(r"\w", t) or t in _EN_STOP:
            continue
        if t in qualifiers or any(t in r for r in qualifiers if len(t) >= 2 and not t.isdigit()):
            continue  # scored separately as qualifiers
        if re.fullmatch(r"(19|20)\d\d年?", t) and t[:4] in periods:
            continue
        if re.fullmatch(r"[a-z][a-z\-']*", t) and t not in pool:
            continue  # English words that no passage contains (the expansions carry their meaning)
        out[t] = 1.0
    missing = sum(1 for w in uncovered if w.lower() not in pool)
    return _Terms(out, missing)


def _score_sentences(hits, terms: _Terms, regions, periods, tokenize, normalize, qt, want=None,
                     anchors: Sequence[str] = ()) -> list[_Sent]:
    raw: list[tuple[int, int, int, str, str, set[str]]] = []
    for i, h in enumerate(hits):
        text = h.chunk.text
        for a, b in split_sentences(text):
            s = text[a:b]
            if not re.search(r"\w", s):
                continue
            f = fold(s)
            raw.append((i, a, b, s, f, set(fold(t) for t in tokenize(normalize(s)))))
    if not raw:
        return []
    n = len(raw)
    weights: dict[str, float] = {}
    for t in terms.weights:
        df = sum(1 for r in raw if t in r[5] or t in r[4])
        idf = math.log((n + 1) / (max(df, 1) + 0.5)) + 0.5
        length = 1.0 if len(t) >= 2 else 0.4
        weights[t] = idf * length
    total_terms = sum(weights.values())
    q_weight = 0.0
    # Qualifiers (region, period) are each worth as much as a strong term.
    qual_w = max([*weights.values(), 1.0]) * 1.2
    q_weight = qual_w * (len(regions) + (1 if periods else 0))
    # An uncovered English word weighs like an average term that no sentence can hold.
    miss_w = MISSING_WEIGHT * (total_terms / len(weights) if weights else 1.0) * terms.missing
    denom = total_terms + q_weight + miss_w or 1.0

    by_hit: dict[int, list[int]] = {}
    for k, r in enumerate(raw):
        by_hit.setdefault(r[0], []).append(k)
    out: list[_Sent] = []
    for k, (i, a, b, s, f, toks) in enumerate(raw):
        h = hits[i]
        siblings = by_hit[i]
        pos = siblings.index(k)
        context = " ".join(raw[j][4] for j in siblings[max(0, pos - 2) : pos])  # preceding sentences
        title = fold(h.meta.title + " " + " ".join(h.chunk.section))
        got = 0.0
        for t, w in weights.items():
            if t in toks or t in f:
                got += w
            elif t in context or t in title:
                got += 0.4 * w
        for r in regions:
            meta_regions = {fold(h.meta.region), fold(h.meta.city)}
            if r in f:
                got += qual_w
            elif r in meta_regions or r in title:
                got += 0.8 * qual_w
            elif r in context:
                got += 0.5 * qual_w
        if periods:
            got += qual_w * _period_match(periods, f, context, title)
        coverage = got / denom
        if regions and h.meta.region and not _region_named(regions, h, f, context, title):
            coverage *= 0.4  # the question names another region than this document's
        bonus = 0.0
        if qt == "number" and any(_num_ok(m) for m in _NUM.finditer(f)):
            bonus += 0.08
        if qt == "date" and (_DATE_FULL.search(f) or _DATE_RANGE.search(f) or _DATE_MD.search(f)):
            bonus += 0.08
        if qt == "list" and "、" in f:
            bonus += 0.05
        if qt == "list" and want and any(len(c[2]) == want for c in _list_candidates(s)):
            bonus += 0.1
        if anchors and any(_has_anchor(f, x) for x in anchors):
            bonus += 0.3  # the sentence states the very figure / quoted phrase the question names
        if len(s) < 6:
            bonus -= 0.1
        # Long run-on sentences collect terms by chance: a mild length penalty.
        bonus -= 0.06 * max(0.0, math.log2(len(s) / 80))
        score = coverage + bonus + 0.04 / (1 + i)
        out.append(_Sent(i, a, b, s, f, coverage, score))
    return out


def _region_named(regions, h: Hit, f: str, context: str, title: str) -> bool:
    meta = {fold(h.meta.region), fold(h.meta.city)} - {""}
    return any(r in meta or r in f or r in context or r in title for r in regions)


def _period_match(periods, f: str, context: str, title: str) -> float:
    """1 when the sentence names the question's year/period, less when only its context does."""
    def names(text: str) -> bool:
        for p in periods:
            if p in text:
                return True
            if p.isdigit():
                for per, yrs in PERIOD_YEARS.items():
                    if int(p) == yrs[-1] and per in text:
                        return True
            elif p in PERIOD_YEARS and str(PERIOD_YEARS[p][-1]) + "年" in text:
                return True
        return False

    if names(f):
        return 1.0
    if names(context):
        return 0.6
    if names(title):
        return 0.5
    return 0.0


def _num_ok(m: re.Match) -> bool:
    unit = m.group("unit") or ""
    if unit in ("年", "月", "日"):
        return False
    return bool(unit or m.group("mag"))
