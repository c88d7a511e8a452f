"""Hybrid search: BM25 over analyzer tokens plus dense vectors, fused, filtered, boosted.

Usage (over a built index, so not a doctest)::

    from config import Config
    from retrieval.search import Searcher
    s = Searcher.open(Config())
    hits = s.search("高新技术企业 2025 目标", k=5)
    hits[0].doc_name, hits[0].chunk.section_path, hits[0].scores
"""

from __future__ import annotations

import bisect
import re
import threading
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from config import Config, RetrievalConfig
from index.build import expected_settings, make_analyzer
from index.dense_stage import dense_build_info
from index.store import LoadedIndex, current_manifest, load_index
from retrieval.feedback import feedback_terms
from retrieval.fusion import fuse
from retrieval.lexicon import GLOSSARY_WEIGHT, Expansion
from retrieval.query import QueryAnalysis, analyze_query, clean_query
from retrieval.senses import SenseChooser
from retrieval.store import open_store
from retrieval.types import Filters, Hit

MODES = ("hybrid", "bm25", "dense")
_QVEC_CACHE = 256


@dataclass
class SearchResult:
    """Hits plus what the query analysis found (used by answers and the UI)."""

    hits: list[Hit]
    analysis: QueryAnalysis
    bm25_terms: dict[str, float]


_FIGURE_TOKEN = re.compile(r"^\d+(?:\.\d+)?(?:%|[\u3400-\u9fff]{0,3})$")
_YEAR_TOKEN = re.compile(r"^(?:19|20)\d\d年?$")
_BARE_NUMBER = re.compile(r"^\d+(?:\.\d+)?$")
_NUMBER_VARIANT = re.compile(r"^(?![万亿千百十])[\u3400-\u9fff]{1,2}$")


def is_figure_token(tok: str) -> bool:
    """A figure ("3178家", "500亿", "20%", "4720") but not a year ("2021", "2021年")."""
    return bool(_FIGURE_TOKEN.match(tok)) and not _YEAR_TOKEN.match(tok)


def fusion_dense_weight(lang: str, rc: RetrievalConfig) -> float:
    """The dense side's fusion weight for a query of language ``lang`` (zh, zh-hant, en, mixed)."""
    return {"en": rc.dense_weight_en, "mixed": rc.dense_weight_mixed}.get(lang, rc.dense_weight)


def dense_query_text(qa: QueryAnalysis, how: str = "append") -> str:
    """What the dense encoder sees for ``qa``: English and mixed questions can carry their Chinese forms.

    The small multilingual encoder matches Chinese passages far better from Chinese words, so "append" adds
    the first Chinese candidate of each expansion plus places and figures; "chinese" encodes those alone
    (with the question's own Chinese parts); "original" leaves the question as typed.

        >>> from retrieval.query import analyze_query
        >>> dense_query_text(analyze_query("R&D spending of enterprises in Shanxi in 2021"), "chinese")
        '研发经费 企业 山西 2021'
    """
    if how not in ("original", "append", "chinese"):
        raise ValueError(f"unknown dense_query {how!r}: use 'original', 'append' or 'chinese'")
    if how == "original" or not qa.is_english:
        return qa.text
    zh = [e.terms[0] for e in qa.expansions if e.terms] + [t for t, _ in qa.entity_terms]
    zh = list(dict.fromkeys(zh))
    if how == "chinese":
        return " ".join([*qa.zh_parts, *zh]) or qa.text
    return f"{qa.text} {' '.join(zh)}".strip()


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
        self._sorted_vocab: list[str] | None = None  # for number variants, built on first use
        self._docmatch = None  # document-level title/year index, built on first use
        self._titles = None  # folded titles for English document names (retrieval/titles.py), on first use
        self._pinyin = None  # corpus words by their pinyin, for English questions that spell names (pinyin_names.py)
        self._senses: SenseChooser | None = None  # corpus-aware choice of English words' Chinese senses
        self._qvecs: dict[str, np.ndarray] = {}  # query text → vector, oldest first (query_vector)
        self._qvec_lock = threading.Lock()
        self.store = open_store(cfg, index)  # None: the embedded BM25 + FAISS store; else Milvus (store.py)

    @classmethod
    def open(cls, cfg: Config, encoder=None) -> Searcher:
        """Load the current index of ``cfg.index_dir`` checking that settings match."""
        analyzer = make_analyzer(cfg)
        built = current_manifest(cfg.index_dir)
        # An index built without an encoder (``ingest --encoder none``) opens as what it is, BM25 only, whatever
        # encoder the configuration names; one built with another encoder still asks for a rebuild.
        bm25_only = built is not None and "encoder" in built and built["encoder"] is None
        if bm25_only:
            encoder = None  # also while a build's dense side is still being encoded ("dense_pending")
        elif encoder is None and cfg.encoder.backend != "none":
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
            m &= np.array([(r in want) or (c in want) for r, c in zip(self._doc_region, self._doc_city, strict=True)], dtype=bool)
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
        query = clean_query(query)
        rc = self.cfg.retrieval
        k = min(max(1, k or rc.k), max(1, self.index.n_chunks))  # k of 10^9 asks for every passage, no more
        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}; use one of {MODES}")
        if mode != "bm25" and (self.encoder is None or self.index.dense is None):
            mode = "bm25"  # no dense side in this index
        expand = rc.expand_english if expand is None else expand
        qa = analyze_query(query, lexicon=self.lexicon, expand=expand)
        if expand and rc.title_terms and qa.en_parts:
            qa = self.with_title_terms(qa)
        if expand and rc.pinyin_weight > 0 and qa.uncovered:
            qa = self.with_pinyin_names(qa, rc.pinyin_weight)
        if rc.corpus_senses and qa.expansions:
            qa = replace(qa, expansions=tuple(self.senses(rc).choose(qa.expansions, self.analyzer.tokenize)))
        terms = qa.bm25_terms(self.analyzer.tokenize)
        if rc.number_variants:
            terms = self.with_number_variants(terms)
        if rc.figure_weight != 1.0 and (qa.is_english or rc.figure_weight_all):
            terms = {t: w * rc.figure_weight if is_figure_token(t) else w for t, w in terms.items()}
        mask = self.chunk_mask(filters)
        n_cand = max(rc.candidates, k)

        lists: dict[str, dict[int, float]] = {}
        doc_sc = self.doc_scores(terms, qa) if rc.doc_boost > 0 and terms else None
        if mode in ("hybrid", "bm25") and terms:
            lists["bm25"] = self._bm25(terms, n_cand, mask, filters)
            if doc_sc is not None and rc.doc_passages > 0:
                # The passages of the documents the query names best join the candidates even when the
                # whole-corpus ranking left them out (their words are the title's, not the passage's).
                top_docs = np.argsort(-doc_sc)[: rc.doc_top]
                dmask = np.isin(self.index.chunk_doc, top_docs[doc_sc[top_docs] > 0])
                if mask is not None:
                    dmask &= mask
                for i, sc in self._bm25(terms, rc.doc_passages, dmask).items():
                    lists["bm25"].setdefault(i, sc)
                if rc.title_credit:
                    # Only the best-matching document (and any tied with it). Measured, R@5 gov_dev / own dev: all
                    # three top documents 0.875 / 0.889, the best only 0.885 / 0.889 (both before title aliases);
                    # with aliases the best only 0.923 / 0.896, within 0.9 of the best the same R@5, fewer answers.
                    named = top_docs[doc_sc[top_docs] >= max(0.99 * doc_sc[top_docs[0]], 1e-9)]
                    self._credit_titles(lists["bm25"], terms, named, mask, rc.doc_passages)
        if mode in ("hybrid", "dense"):
            qvec = self.query_vector(dense_query_text(qa, rc.dense_query))
            if self.store is not None:
                lists["dense"] = self.store.dense(qvec, n_cand, mask, filters)
            else:
                idx, sc = self.index.dense.search(qvec, n_cand, mask=mask)
                lists["dense"] = {int(i): float(s) for i, s in zip(idx, sc, strict=True) if i >= 0}

        if dense_weight is None:
            dense_weight = fusion_dense_weight(qa.lang, rc)
        if mode == "bm25":
            weights = {"bm25": 1.0}
        elif mode == "dense":
            weights = {"dense": 1.0}
        else:
            weights = {"bm25": 1.0 - dense_weight, "dense": dense_weight}
        method = fusion or rc.fusion
        fused = fuse(lists, method, weights, rrf_k=rc.rrf_k)

        # Cross-lingual pseudo-relevance feedback: an English question shares no words with the passages, and its
        # expansions miss the document's own wording; the first-pass top passages supply it.
        if rc.prf_terms > 0 and qa.is_english and mode != "dense" and fused:
            source = {"fused": fused, **lists}.get(rc.prf_source, fused)
            top = [i for i, _ in sorted(source.items(), key=lambda kv: (-kv[1], kv[0]))[: rc.prf_docs]]
            extra = self.feedback_terms(top, terms, rc.prf_terms, rc.prf_weight)
            if extra:
                terms = {**terms, **{t: terms.get(t, 0.0) + w for t, w in extra.items()}}
                lists["bm25"] = self._bm25(terms, n_cand, mask, filters)
                fused = fuse(lists, method, weights, rrf_k=rc.rrf_k)
        if not fused:
            return SearchResult([], qa, terms)

        # Query analysis boosts: a region the query names, a year the passage states, a document the query names.
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
            if doc_sc is not None:
                bonus += rc.doc_boost * float(doc_sc[int(self.index.chunk_doc[i])])
            fused[i] += bonus * scale

        ranked = sorted(fused.items(), key=lambda kv: (-kv[1], kv[0]))[:k]
        hits = []
        for r, (i, s) in enumerate(ranked, start=1):
            c = self.index.chunk(i)
            d = self.index.doc_of_chunk(i)
            scores = {name: lst[i] for name, lst in lists.items() if i in lst}
            scores["fused"] = s
            hits.append(Hit(chunk=c, doc_name=d.name, meta=d.meta, score=s, scores=scores, rank=r,
                            location=d.location(c.start, c.end) if d.regions else ""))
        return SearchResult(hits, qa, terms)

    def query_vector(self, text: str) -> np.ndarray:
        """The encoder's vector for a query text, remembered for the last ``_QVEC_CACHE`` texts: encoding is most of a
        hybrid search's time (~25 ms of ~30 at 100k passages, scripts/bench_scale.py), and the app asks again for
        the same query whenever a widget changes."""
        with self._qvec_lock:
            v = self._qvecs.get(text)
        if v is None:
            v = self.encoder.encode_query(text)
            with self._qvec_lock:
                if len(self._qvecs) >= _QVEC_CACHE:
                    self._qvecs.pop(next(iter(self._qvecs)))
                self._qvecs[text] = v
        return v

    def with_title_terms(self, qa: QueryAnalysis) -> QueryAnalysis:
        """``qa`` with the indexed titles its English document names compose to, as glossary-weight expansions
        (a title typed in Chinese weighs as much); their words are no longer uncovered."""
        if self._titles is None:
            from retrieval.titles import TitleTable

            self._titles = TitleTable([d.meta.title for d in self.index.docs])
        found = [t for part in qa.en_parts for t in self._titles.compose(part, self.lexicon)]
        if not found:
            return qa
        covered = {w.lower() for t in found for w in t.words}
        return replace(qa, expansions=(*qa.expansions, *(Expansion(t.span, (t.title,), GLOSSARY_WEIGHT, "title")
                                                          for t in found)),
                       uncovered=tuple(w for w in qa.uncovered if w.lower() not in covered))

    def with_pinyin_names(self, qa: QueryAnalysis, weight: float) -> QueryAnalysis:
        """``qa`` with the corpus words its uncovered capitalised English words spell in pinyin (贾鲁 for Jialu,
        ``retrieval/pinyin_names.py``); those words are no longer uncovered."""
        if self._pinyin is None:
            from retrieval.pinyin_names import PinyinNames

            self._pinyin = PinyinNames(self.index.bm25.vocab)
        found = self._pinyin.expansions(qa.text, qa.uncovered, weight)
        if not found:
            return qa
        covered = {w.lower() for e in found for w in e.span.split()}
        return replace(qa, expansions=(*qa.expansions, *found),
                       uncovered=tuple(w for w in qa.uncovered if w.lower().removesuffix("'s") not in covered))

    def senses(self, rc) -> SenseChooser:
        """The corpus-aware chooser of English words' Chinese senses (``retrieval/senses.py``), one per setting."""
        key = rc.sense_cooccurrence
        if self._senses is None or self._senses.cooccurrence != key:
            self._senses = SenseChooser(self.index.bm25, self.index.chunk_doc, cooccurrence=key)
        return self._senses

    def doc_scores(self, terms: dict[str, float], qa: QueryAnalysis) -> np.ndarray:
        """Per document: how well its title, issuer and year match the query (``retrieval/docmatch.py``)."""
        if self._docmatch is None:
            from retrieval.docmatch import DocMatcher, title_aliases

            def translate(title: str) -> list[str]:
                return [t for e in analyze_query(title, lexicon=self.lexicon, expand=True).expansions for t in e.terms]

            aliases = [title_aliases(d.meta.title, d.text, translate) for d in self.index.docs]
            self._docmatch = DocMatcher([d.meta for d in self.index.docs], self.analyzer.tokenize, aliases=aliases,
                                        normalize=self.analyzer.normalize)
        english = [w for part in qa.en_parts for w in part.split()]
        titles = [e.terms[0] for e in qa.expansions if e.source == "title"]
        if titles:
            terms = dict(terms)
            for t in titles:
                for tok in self.analyzer.tokenize(t):
                    terms[tok] = terms.get(tok, 0.0) + GLOSSARY_WEIGHT
        rc = self.cfg.retrieval
        named = self.analyzer.normalize(" ".join([qa.text, *titles])) if rc.doc_name_weight else ""
        return self._docmatch.scores(terms, qa.years, english, specificity=rc.doc_specificity, named=named,
                                     name_weight=rc.doc_name_weight, places=(*qa.regions, *qa.cities))

    def with_number_variants(self, terms: dict[str, float]) -> dict[str, float]:
        """Add the indexed forms of each bare figure: the tokenizer keeps a counter with its figure
        ("3178家", "1500项", "2025年"), so "3178" taken from an English question would match nothing.

        A variant is the figure followed by one or two Chinese characters that are not a scale
        (万/亿/千/百/十 would change the quantity); it gets the figure's weight (any one form may occur).
        """
        out = dict(terms)
        for tok, w in terms.items():
            if not _BARE_NUMBER.match(tok):
                continue
            for v in self._vocab_with_prefix(tok):
                if _NUMBER_VARIANT.match(v[len(tok):]):
                    out[v] = max(out.get(v, 0.0), w)
        return out

    def _vocab_with_prefix(self, prefix: str) -> list[str]:
        if self._sorted_vocab is None:
            self._sorted_vocab = sorted(self.index.bm25.vocab)
        vocab = self._sorted_vocab
        out = []
        for i in range(bisect.bisect_left(vocab, prefix), len(vocab)):
            if not vocab[i].startswith(prefix):
                break
            out.append(vocab[i])
        return out

    def _credit_titles(self, scores: dict[int, float], terms: dict[str, float], docs, mask, n: int) -> None:
        """The passages of a document the query names score its title's words as if they held them.

        A law's articles say 合作区 once its first article has named 横琴粤澳深度合作区; the query's words that the title
        holds then match only the few passages that repeat the name, and the article that answers ranks below them.
        Each passage of the document gets the best title-word score any of its passages has, plus its own score for
        the query's other words (BM25 adds over terms).
        """
        for d in docs:
            title = self._docmatch.doc_tokens[int(d)]  # the title's tokens (and an English title's Chinese words)
            own = {t: w for t, w in terms.items() if t in title}
            rest = {t: w for t, w in terms.items() if t not in title}
            if not own or not rest:
                continue
            dmask = self.index.chunk_doc == int(d)
            if mask is not None:
                dmask = dmask & mask
            if self.store is not None:  # one round trip for both lists
                own_sc, rest_sc = self.store.sparse_many([own, rest], n, dmask)
            else:
                own_sc, rest_sc = self._bm25(own, 1, dmask), self._bm25(rest, n, dmask)
            credit = max(own_sc.values(), default=0.0)
            for i, sc in rest_sc.items():
                scores[i] = max(scores.get(i, 0.0), sc + credit)

    def _bm25(self, terms: dict[str, float], n: int, mask: np.ndarray | None,
              filters: Filters | None = None) -> dict[int, float]:
        """BM25 candidates within ``mask``; ``filters`` when the mask is theirs (a backend then filters by them)."""
        if self.store is not None:
            return self.store.sparse(terms, n, mask, filters)
        idx, sc = self.index.bm25.top_k(terms, n, mask=mask)
        return {int(i): float(s) for i, s in zip(idx, sc, strict=True) if s > 0}

    def feedback_terms(self, chunks: list[int], query_terms: dict[str, float], n: int, weight: float) -> dict[str, float]:
        """Pseudo-relevance feedback terms of the passages ``chunks`` (``retrieval/feedback.py``)."""
        texts = [self.index.chunk(i).text for i in chunks]
        return feedback_terms(self.index.bm25, self.analyzer.tokenize, texts, query_terms, n, weight)

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
            "dense_index": self.index.dense.factory if self.index.dense is not None else None,
            # 检索方式 / the retrievers this index answers with
            "retrievers": ["bm25", "dense"] if self.index.dense is not None and self.encoder is not None else ["bm25"],
            **dense_build_info(Path(self.cfg.index_dir)),
            **(self.store.info() if self.store is not None else {"backend": "local"}),
            "analyzer": m.get("analyzer"),
            "chunker": m.get("chunker"),
            "roots": m.get("roots"),
            "regions": dict(Counter(d.meta.region or "?" for d in self.index.docs).most_common()),
            "doc_types": dict(Counter(d.meta.doc_type for d in self.index.docs).most_common()),
        }
