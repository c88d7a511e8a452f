"""Named evaluation configurations: data only (overrides of ``Config`` plus a search mode).

Each configuration changes a few fields of the user's base ``Config``; those that touch the
chunker, the analyzer or the encoder need their own index (``build_key``), the rest share one.

    >>> from config import Config
    >>> from eval.configs import CONFIGS, get_config
    >>> c = get_config("no-expansion")
    >>> c.apply(Config()).retrieval.expand_english
    False
    >>> get_config("naive").apply(Config()).chunker.strategy
    'fixed'
    >>> build_key(get_config("bm25").apply(Config())) == build_key(Config())
    True
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, replace
from typing import Any

from config import Config

DEFAULT = "hybrid-minmax"
MODES = ("hybrid", "bm25", "dense")


@dataclass(frozen=True)
class EvalConfig:
    """One named configuration: field overrides per ``Config`` section, and the search mode."""

    name: str
    description: str
    mode: str = "hybrid"
    chunker: tuple[tuple[str, Any], ...] = ()
    analyzer: tuple[tuple[str, Any], ...] = ()
    retrieval: tuple[tuple[str, Any], ...] = ()

    def apply(self, base: Config) -> Config:
        """``base`` with this configuration's overrides."""
        return base.with_(
            chunker=replace(base.chunker, **dict(self.chunker)),
            analyzer=replace(base.analyzer, **dict(self.analyzer)),
            retrieval=replace(base.retrieval, **dict(self.retrieval)),
        )


CONFIGS: tuple[EvalConfig, ...] = (
    EvalConfig("hybrid-minmax", "default: BM25 + dense, weighted min-max fusion, expansion, region/year boosts"),
    EvalConfig("hybrid-rrf", "BM25 + dense fused by reciprocal rank (RRF) instead of min-max",
               retrieval=(("fusion", "rrf"),)),
    EvalConfig("bm25", "BM25 only (same analyzer and index as the default)", mode="bm25"),
    EvalConfig("dense", "dense vectors only (same encoder and index as the default)", mode="dense"),
    EvalConfig("no-expansion", "default without English → Chinese query expansion",
               retrieval=(("expand_english", False),)),
    EvalConfig("no-cedict", "default without the CC-CEDICT expansion layer (glossary only)",
               retrieval=(("expand_cedict", False),)),
    EvalConfig("no-context", "default without the title/region/section prefix on indexed passages (own index)",
               chunker=(("context_prefix", False),)),
    EvalConfig(
        "naive",
        "design-card baseline: 500-char fixed chunks, plain jieba, BM25 + FAISS equal min-max, best-overlap sentence",
        chunker=(("strategy", "fixed"), ("size", 500), ("overlap", 50), ("context_prefix", False)),
        analyzer=(("tokenizer", "jieba"), ("opencc", ""), ("bigrams", False), ("stopwords", False),
                  ("normalize_numbers", False)),
        retrieval=(("fusion", "minmax"), ("dense_weight", 0.5), ("dense_weight_en", 0.5), ("dense_weight_mixed", 0.5),
                   ("dense_query", "original"), ("number_variants", False), ("figure_weight", 1.0), ("prf_terms", 0),
                   ("expand_english", False), ("expand_cedict", False), ("region_boost", 0.0), ("year_boost", 0.0),
                   ("answer", "naive")),
    ),
)

# English / mixed retrieval ablations (issue 11): each switches one mechanism of the default off.
CONFIGS += (
    EvalConfig("dense-original", "dense side encodes the question as typed (no Chinese forms appended)",
               retrieval=(("dense_query", "original"),)),
    EvalConfig("dense-chinese", "dense side encodes only the Chinese forms of an English question",
               retrieval=(("dense_query", "chinese"),)),
    EvalConfig("no-number-variants", "a bare figure from the question does not match its counted forms (3178家)",
               retrieval=(("number_variants", False),)),
    EvalConfig("no-figure-weight", "figures of English questions weigh like any other BM25 term",
               retrieval=(("figure_weight", 1.0),)),
    EvalConfig("equal-weights", "BM25 and dense weigh the same for every language (0.5)",
               retrieval=(("dense_weight", 0.5), ("dense_weight_en", 0.5), ("dense_weight_mixed", 0.5))),
    EvalConfig("old-weights", "previous fusion weights: dense 0.5 for Chinese, 0.8 for English",
               retrieval=(("dense_weight", 0.5), ("dense_weight_en", 0.8), ("dense_weight_mixed", 0.5))),
    EvalConfig("prf", "adds cross-lingual pseudo-relevance feedback (5 Chinese terms of the top 3 dense hits)",
               retrieval=(("prf_terms", 5), ("prf_source", "dense"))),
)

BY_NAME = {c.name: c for c in CONFIGS}


def get_config(name: str) -> EvalConfig:
    try:
        return BY_NAME[name]
    except KeyError:
        raise ValueError(f"unknown evaluation configuration {name!r}; known: {', '.join(BY_NAME)}") from None


def build_key(cfg: Config, extra: str = "") -> str:
    """Short hash of the settings that shape an index (chunker, analyzer, encoder) plus ``extra``."""
    data = {"chunker": asdict(cfg.chunker), "analyzer": asdict(cfg.analyzer),
            "encoder": [cfg.encoder.backend, cfg.encoder.model], "extra": extra}
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:12]
