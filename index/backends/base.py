"""The storage backend interface: what a store of chunks must do for search, whatever engine holds it.

A backend holds one row per chunk (:class:`ChunkRow`: its id, its document's filterable metadata, the text to
match after our own normalisation, and its vector when the index has a dense side) and answers sparse (BM25),
dense and hybrid searches under a :class:`ChunkFilter`. Results are :class:`ScoredChunks`, best first, with
each engine's own scores: BM25 scores are not comparable across backends (Milvus Lite's are negative), ranks are.

    >>> f = ChunkFilter(regions=("山东",), year_from=2020)
    >>> f.is_empty(), ChunkFilter().is_empty()
    (False, True)
    >>> query_text({"人工智能": 2.0, "山东": 1.0}, levels=4)
    '人工智能 人工智能 人工智能 人工智能 山东 山东'
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple, Protocol

import numpy as np


@dataclass(frozen=True)
class ChunkRow:
    """One chunk as a backend stores it. ``text`` is the chunk's text after the analyzer's normalisation
    (traditional → simplified, full-width → half-width, number forms), so that every backend matches alike."""

    chunk_id: str  # "<doc_id>:<ordinal>", the chunk's stable id
    doc_id: str
    ordinal: int
    start: int
    end: int
    text: str
    section: str = ""
    region: str = ""
    city: str = ""
    year: int = 0  # 0: unknown
    doc_type: str = "other"
    vector: np.ndarray | None = None
    tokens: tuple[str, ...] | None = None  # the analyzer's tokens of the indexed text, for a backend that wants them


@dataclass(frozen=True)
class ChunkFilter:
    """Restrict a search; empty fields mean no restriction. A chunk matches ``regions`` by its document's
    region or city; the years are an inclusive range."""

    regions: tuple[str, ...] = ()
    year_from: int | None = None
    year_to: int | None = None
    doc_types: tuple[str, ...] = ()
    doc_ids: tuple[str, ...] = ()

    def is_empty(self) -> bool:
        return not (self.regions or self.year_from or self.year_to or self.doc_types or self.doc_ids)


class ScoredChunks(NamedTuple):
    """Chunk ids, best first, and their scores (higher is better within one result)."""

    ids: list[str]
    scores: np.ndarray


class Backend(Protocol):
    """What PolicyQA needs from a chunk store."""

    def add(self, rows: Sequence[ChunkRow]) -> None:
        """Insert or replace the rows (by ``chunk_id``); searchable once the call returns."""

    def remove_docs(self, doc_ids: Sequence[str]) -> None:
        """Delete every chunk of these documents."""

    def sparse_search(self, terms: Mapping[str, float], k: int, where: ChunkFilter | None = None) -> ScoredChunks:
        """BM25 over the chunk text: ``terms`` are analyzer tokens with their query weights."""

    def sparse_search_many(self, queries: Sequence[Mapping[str, float]], k: int,
                           where: ChunkFilter | None = None) -> list[ScoredChunks]:
        """Several BM25 queries under one filter: one round trip where the engine allows it."""

    def dense_search(self, vector: np.ndarray, k: int, where: ChunkFilter | None = None) -> ScoredChunks:
        """Cosine nearest neighbours of ``vector``."""

    def hybrid_search(self, terms: Mapping[str, float], vector: np.ndarray, k: int, where: ChunkFilter | None = None,
                      dense_weight: float | None = None) -> ScoredChunks:
        """Sparse and dense fused: reciprocal-rank fusion, or weighted scores when ``dense_weight`` is given."""

    def count(self) -> int:
        """The number of chunks stored."""

    def close(self) -> None:
        """Release the engine's resources."""


def query_text(terms: Mapping[str, float], levels: int = 4) -> str:
    """A weighted term query as text for an engine that analyses query text itself (Milvus' BM25 function):
    each term repeated in proportion to its weight, 1 to ``levels`` times (a query term's frequency multiplies its
    BM25 contribution there, measured with Milvus Lite 3.2.2). Terms of no weight are left out."""
    pos = {t: w for t, w in terms.items() if w > 0 and t.strip()}
    if not pos:
        return ""
    top = max(pos.values())
    return " ".join(" ".join([t] * max(1, round(levels * w / top))) for t, w in pos.items())
