"""Corpus-aware translation choice for English queries: which Chinese sense of each English word to search.

A dictionary gives "court" as 法院, 宫廷 and 朝廷, "interest" as 利息, 兴趣 and 利益. The indexed corpus tells
which is meant: a sense the corpus never writes gets nothing, and among the others the ones that occur in the
same documents as the senses of the question's other words win (the standard co-occurrence remedy of
cross-language retrieval, Ballesteros & Croft 1998; Gao et al. 2001). Each candidate's share becomes

    share × log(1 + passages holding it) × (floor + cohesion)

where cohesion is, averaged over the question's other expansions, the best normalised PMI (clipped at 0)
between the candidate's documents and the documents of one of that expansion's candidates. Document sets come
from the BM25 postings (a candidate of several tokens: the documents holding all of them), computed when asked
and kept per term.

    >>> import numpy as np
    >>> from index.bm25 import BM25Index
    >>> from retrieval.lexicon import Expansion
    >>> passages = [["法院", "审理", "利息"], ["法院", "利息"], ["宫廷", "礼仪"], ["兴趣", "爱好"], ["法院", "判决"]]
    >>> senses = SenseChooser(BM25Index.build(passages), np.arange(5))
    >>> court = Expansion("court", ("宫廷", "法院"), 0.6, "cedict", (0.6, 0.4))
    >>> interest = Expansion("interest", ("兴趣", "利息"), 0.6, "cedict", (0.5, 0.5))
    >>> [[round(s, 2) for s in e.shares] for e in senses.choose([court, interest], lambda t: [t])]
    [[0.17, 0.83], [0.14, 0.86]]
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import replace

import numpy as np

from retrieval.lexicon import Expansion

# Weight of a candidate with no co-occurrence evidence, relative to one that always co-occurs (cohesion 1):
# the corpus frequency alone still decides between such candidates.
COHESION_FLOOR = 0.2


class SenseChooser:
    """Reweights the candidates of a query's expansions by corpus frequency and document co-occurrence."""

    def __init__(self, bm25, chunk_doc: np.ndarray, floor: float = COHESION_FLOOR, cooccurrence: bool = True):
        self.bm25 = bm25
        self.chunk_doc = np.asarray(chunk_doc)
        self.n_docs = max(1, int(self.chunk_doc.max()) + 1) if self.chunk_doc.size else 1
        self.floor = floor
        self.cooccurrence = cooccurrence
        self._docs: dict[str, np.ndarray] = {}

    def _term_docs(self, tok: str) -> np.ndarray | None:
        if tok not in self._docs:
            i = self.bm25.vocab.get(tok)
            if i is None:
                return None
            s, e = int(self.bm25.indptr[i]), int(self.bm25.indptr[i + 1])
            self._docs[tok] = np.unique(self.chunk_doc[self.bm25.indices[s:e]])
        return self._docs[tok]

    def _passages(self, toks: Sequence[str]) -> int:
        """Passages holding the rarest token of a candidate (0 when one never occurs)."""
        out = []
        for t in toks:
            i = self.bm25.vocab.get(t)
            if i is None:
                return 0
            out.append(int(self.bm25.indptr[i + 1] - self.bm25.indptr[i]))
        return min(out) if out else 0

    def docs(self, toks: Sequence[str]) -> np.ndarray:
        """Documents holding every token of a candidate."""
        got: np.ndarray | None = None
        for t in toks:
            d = self._term_docs(t)
            if d is None:
                return np.empty(0, dtype=self.chunk_doc.dtype)
            got = d if got is None else np.intersect1d(got, d, assume_unique=True)
        return got if got is not None else np.empty(0, dtype=self.chunk_doc.dtype)

    def _npmi(self, a: np.ndarray, b: np.ndarray) -> float:
        if not a.size or not b.size:
            return 0.0
        both = np.intersect1d(a, b, assume_unique=True).size
        if not both:
            return 0.0
        n = self.n_docs
        p_ab, p_a, p_b = both / n, a.size / n, b.size / n
        if p_ab >= 1.0:
            return 1.0
        return max(0.0, math.log(p_ab / (p_a * p_b)) / -math.log(p_ab))

    def choose(self, expansions: Sequence[Expansion], tokenize: Callable[[str], list[str]]) -> list[Expansion]:
        """The expansions with each multi-candidate one's ``shares`` reweighted (same total); others unchanged."""
        toks = [[tokenize(t) for t in e.terms] for e in expansions]
        docs: list[list[np.ndarray]] | None = None
        out = []
        for i, e in enumerate(expansions):
            if len(e.terms) < 2 or e.source == "title":
                out.append(e)
                continue
            shares = e.term_shares()
            freq = [math.log1p(self._passages(t)) for t in toks[i]]
            coh = [1.0] * len(e.terms)
            others = [j for j in range(len(expansions)) if j != i and expansions[j].source != "title"]
            if self.cooccurrence and others:
                if docs is None:
                    docs = [[self.docs(t) for t in ts] for ts in toks]
                coh = [self.floor + sum(max((self._npmi(docs[i][c], d) for d in docs[j]), default=0.0)
                                        for j in others) / len(others)
                       for c in range(len(e.terms))]
            raw = [s * f * h for s, f, h in zip(shares, freq, coh, strict=True)]
            total = sum(raw)
            if total <= 0:
                out.append(e)
                continue
            out.append(replace(e, shares=tuple(r / total * sum(shares) for r in raw)))
        return out
