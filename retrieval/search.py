"""Hybrid search: BM25 over analyzer tokens plus dense vectors, fused, filtered, boosted.

    >>> from config import Config
    >>> from retrieval.search import Searcher
    >>> s = Searcher.open(Config())                                   # doctest: +SKIP
    >>> hits = s.search("高新技术企业 2025 目标", k=5)                 # doctest: +SKIP
    >>> hits[0].doc_name, hits[0].chunk.section_path, hits[0].scores  # doctest: +SKIP
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from config import Config
from index.build import expected_settings, make_analyzer
from index.store import LoadedIndex, load_index
from retrieval.fusion import fuse
from retrieval.query import QueryAnalysis, analyze_query
from retrieval.types import Filters, Hit

MODES = ("hybrid", "bm25", "dense")


@dataclass
class SearchResult:
    """Hits plus what the query analysis found (used by answers and the UI)."""

    hits: list[Hit]
    analysis: QueryAnalysis
    bm25_terms: dict[str, float]


class Searcher:
    """Owns a loaded index, the analyzer and the query encoder; thread-safe for reads."""

    def __init__(self, index: LoadedIndex, cfg: Config, analyzer, encoder=None):
        self.index = index
        self.cfg = cfg
        self.analyzer = analyzer
        self.encoder = encoder
        docs = index.docs
        self._doc_region = np.array([d.meta.region for d in docs], dtype=object)
        self._doc_city = np.array([d.meta.city for d in docs], dtype=object)
        self._doc_year = np.array([d.meta.year or 0 for d in docs], dtype=np.int32)
        self._doc_type = np.array([d.meta.doc_type for d in docs], dtype=object)
        self._doc_keys = [(d.doc_id, d.name) for d in docs]
        from retrieval.lexicon import default_lexicon

        self.lexicon = default_lexicon(glossary=True, cedict=cfg.retrieval.expand_cedict)

    @classmethod
    def open(cls, cfg: Config, encoder=None) -> Searcher:
        """Load the current index of ``cfg.index_dir`` checking that settings match."""
        analyzer = make_analyzer(cfg)
        if encoder is None and cfg.encoder.backend != "none":
            from index.encoders import make_encoder

            encoder = make_encoder(cfg.encoder)
        index = load_index(cfg.index_dir, expect=expected_settings(cfg, analyzer, encoder))
        return cls(index, cfg, analyzer, encoder)

    # ------------------------------------------------------------------ filters

    def doc_mask(self, filters: Filters | None) -> np.ndarray | None:
        """Boolean mask over documents, or None for no restriction."""
        if filters is None or filters.is_empty():
            return None
        m = np.ones(len(self.index.docs), dtype=bool)
        if filters.regions:
            want = set(filters.regions)
            m &= np.array([(r in want) or (c in want) for r, c in zip(self._doc_region, self._doc_city)], dtype=bool)
        if filters.year_from:
            m &= self._doc_year >= filters.year_from
        if filters.year_to:
            m &= (self._doc_year <= filters.year_to) & (self._doc_year > 0)
        if filters.doc_types:
            m &= np.isin(self._doc_type, list(filters.doc_types))
        if filters.docs:
            want = set(filters.docs)
            m &= np.array([i in want or n in want for i, n in self._doc_keys], dtype=bool)
        return m

    def chunk_mask(self, filters: Filters | None) -> np.ndarray | None:
        dm = self.doc_mask(filters)
        return None if dm is None else dm[self.index.chunk_doc]

    # ------------------------------------------------------------------ search

    def search(self, query: str, k: int | None = None, filters: Filters | None = None, **kw) -> list[Hit]:
        """Ranked hits only; keyword arguments as for ``search_full``."""
        return self.search_full(query, k, filters, **kw).hits

    def search_full(
        self,
        query: str,
        k: int | None = None,
        filters: Filters | None = None,
        *,
        mode: str = "hybrid",
        fusion: str | None = None,
        dense_weight: float | None = None,
        expand: bool | None = None,
    ) -> SearchResult:
        rc = self.cfg.retrieval
        k = k or rc.k
        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}; use one of {MODES}")
        if mode != "bm25" and (self.encoder is None or self.index.dense is None):
            mode = "bm25"  # no dense side in this index
        expand = rc.expand_english if expand is None else expand
        qa = analyze_query(query, lexicon=self.lexicon, expand=expand)
        terms = qa.bm25_terms(self.analyzer.tokenize)
        mask = self.chunk_mask(filters)
        n_cand = max(rc.candidates, k)

        lists: dict[str, dict[int, float]] = {}
        if mode in ("hybrid", "bm25") and terms:
            idx, sc = self.index.bm25.top_k(terms, n_cand, mask=mask)
            lists["bm25"] = {int(i): float(s) for i, s in zip(idx, sc) if s > 0}
        if mode in ("hybrid", "dense"):
            qvec = self.encoder.encode_query(query)
            idx, sc = self.index.dense.search(qvec, n_cand, mask=mask)
            lists["dense"] = {int(i): float(s) for i, s in zip(idx, sc) if i >= 0}

        if dense_weight is None:
            dense_weight = rc.dense_weight_en if qa.lang == "en" else rc.dense_weight
        if mode == "bm25":
            weights = {"bm25": 1.0}
        elif mode == "dense":
            weights = {"dense": 1.0}
        else:
            weights = {"bm25": 1.0 - dense_weight, "dense": dense_weight}
        fused = fuse(lists, fusion or rc.fusion, weights, rrf_k=rc.rrf_k)
        if not fused:
            return SearchResult([], qa, terms)

        # Query analysis boosts: a region the query names, a year the passage states.
        scale = max(fused.values()) or 1.0
        regions = set(qa.regions)
        years = [str(y) for y in qa.years]
        for i in fused:
            bonus = 0.0
            if regions:
                d = int(self.index.chunk_doc[i])
                if self._doc_region[d] in regions or self._doc_city[d] in regions:
                    bonus += rc.region_boost
            if years:
                c = self.index.chunk(i)
                if any(y in c.text for y in years):
                    bonus += rc.year_boost
            fused[i] += bonus * scale

        ranked = sorted(fused.items(), key=lambda kv: (-kv[1], kv[0]))[:k]
        hits = []
        for r, (i, s) in enumerate(ranked, start=1):
            c = self.index.chunk(i)
            d = self.index.doc_of_chunk(i)
            scores = {name: lst[i] for name, lst in lists.items() if i in lst}
            scores["fused"] = s
            hits.append(Hit(chunk=c, doc_name=d.name, meta=d.meta, score=s, scores=scores, rank=r))
        return SearchResult(hits, qa, terms)

    def info(self) -> dict[str, Any]:
        m = self.index.manifest
        from collections import Counter

        return {
            "path": str(self.index.path),
            "built_at": m.get("built_at"),
            "build_seconds": m.get("build_seconds"),
            "documents": len(self.index.docs),
            "chunks": self.index.n_chunks,
            "vocab": m.get("counts", {}).get("vocab"),
            "encoder": m.get("encoder"),
            "analyzer": m.get("analyzer"),
            "chunker": m.get("chunker"),
            "roots": m.get("roots"),
            "regions": dict(Counter(d.meta.region or "?" for d in self.index.docs).most_common()),
            "doc_types": dict(Counter(d.meta.doc_type for d in self.index.docs).most_common()),
        }
