"""Which store answers the searcher's candidate lists: the embedded one (``None``) or Milvus.

The searcher works in the local version's chunk numbers and document masks; :class:`BackendLists` turns the
user's filters into Milvus scalar filters (region, year, type, document), a mask over a few documents (the
documents a query names) into a filter on their ids, and Milvus' chunk ids (``<doc_id>:<ordinal>``) back into
chunk numbers, so fusion, boosts, answers and citations run unchanged on either backend.

    >>> mask_docs(np.array([True, False, True]), np.array([0, 0, 1]), ["a", "b"])
    ('a', 'b')
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np

from index.backends import backend_name
from index.backends.base import ChunkFilter
from index.store import LoadedIndex
from retrieval.types import Filters

FEW_DOCS = 64  # a mask over at most this many documents is sent as their ids; a wider one as the user's filters


def mask_docs(mask: np.ndarray, chunk_doc: np.ndarray, doc_ids: list[str]) -> tuple[str, ...]:
    """The ids of the documents that have a chunk allowed by ``mask``."""
    return tuple(doc_ids[int(d)] for d in np.unique(chunk_doc[mask]))


class BackendLists:
    """Sparse and dense candidate lists from a :class:`~index.backends.base.Backend`, in local chunk numbers."""

    def __init__(self, backend, index: LoadedIndex, uri: str) -> None:
        self.backend, self.index, self.uri = backend, index, uri
        self._doc_ids = [d.doc_id for d in index.docs]
        # Milvus' chunk ids are ingest.types.Chunk.chunk_id, "<doc_id>:<ordinal>"
        self._number = {f"{self._doc_ids[int(d)]}:{int(o)}": i
                        for i, (d, o) in enumerate(zip(index.chunk_doc, index.chunk_ordinal, strict=True))}

    def chunk_filter(self, filters: Filters) -> ChunkFilter:
        """The user's filters as Milvus scalar filters; document names resolved to their ids here (the local
        store keeps names, Milvus the ids)."""
        doc_ids: tuple[str, ...] = ()
        if filters.docs:
            want = set(filters.docs)
            doc_ids = tuple(d.doc_id for d in self.index.docs if d.doc_id in want or d.name in want) or ("\0",)
        return ChunkFilter(regions=tuple(filters.regions), year_from=filters.year_from, year_to=filters.year_to,
                           doc_types=tuple(filters.doc_types), doc_ids=doc_ids)

    def _where(self, mask: np.ndarray | None, filters: Filters | None) -> ChunkFilter | None:
        if mask is None or bool(mask.all()):
            return None
        docs = mask_docs(mask, self.index.chunk_doc, self._doc_ids)
        if len(docs) > FEW_DOCS and filters is not None and not filters.is_empty():
            return self.chunk_filter(filters)  # the mask is the filters' (Searcher.chunk_mask): the same chunks
        return ChunkFilter(doc_ids=docs)

    def _numbered(self, res) -> dict[int, float]:
        out: dict[int, float] = {}
        for cid, s in zip(res.ids, res.scores, strict=True):
            i = self._number.get(cid)
            if i is not None and s > 0:
                out[i] = float(s)
        return out

    def sparse(self, terms: dict[str, float], n: int, mask: np.ndarray | None,
               filters: Filters | None = None) -> dict[int, float]:
        """BM25 candidates within ``mask``; pass ``filters`` when ``mask`` is theirs (a whole-corpus search)."""
        if mask is not None and not mask.any():
            return {}
        return self._numbered(self.backend.sparse_search(terms, n, self._where(mask, filters)))

    def sparse_many(self, queries: list[dict[str, float]], n: int, mask: np.ndarray | None) -> list[dict[int, float]]:
        """Several BM25 candidate lists within one (narrow) ``mask``, in one request."""
        if mask is not None and not mask.any():
            return [{} for _ in queries]
        return [self._numbered(r) for r in self.backend.sparse_search_many(queries, n, self._where(mask, None))]

    def dense(self, qvec: np.ndarray, n: int, mask: np.ndarray | None,
              filters: Filters | None = None) -> dict[int, float]:
        if mask is not None and not mask.any():
            return {}
        return self._numbered(self.backend.dense_search(qvec, n, self._where(mask, filters)))

    def info(self) -> dict[str, Any]:
        return {"backend": "milvus", "milvus_uri": re.sub(r"//[^/@]*@", "//***@", self.uri),  # no credentials
                "milvus_collection": self.backend.collection, "milvus_analysis": self.backend.analysis,
                "milvus_chunks": self.backend.count()}


def open_store(cfg, index: LoadedIndex) -> BackendLists | None:
    """``None`` for ``backend = "local"``; for ``"milvus"`` the collection of the loaded version, or an
    :class:`~index.store.IndexError_` saying to run ``ingest --backend milvus`` when it is missing or incomplete."""
    if backend_name(cfg.backend) == "local":
        return None
    from index.backends.milvus import MilvusBackend, MilvusBackendError, close_client, open_client  # noqa: PLC0415
    from index.milvus_sync import collection_for, index_key  # noqa: PLC0415

    key = index_key(cfg.index_dir)
    uri, coll = cfg.milvus_target, collection_for(key or "none", index.path.name)
    client = open_client(uri, cfg.milvus_token)
    if key is None or not client.has_collection(coll):
        close_client(client)
        raise MilvusBackendError(f"{uri}: 没有当前索引版本的 Milvus 集合 / no Milvus collection for index version "
                                 f"{index.path.name}: run `POLICYQA_BACKEND=milvus cli.py ingest <folders>`")
    backend = MilvusBackend(uri, collection=coll, client=client, analysis=cfg.milvus_analysis)
    if backend.count() != index.n_chunks:
        raise MilvusBackendError(f"{uri}: 集合 {coll} 不完整 / the collection holds {backend.count()} of "
                                 f"{index.n_chunks} chunks: run `POLICYQA_BACKEND=milvus cli.py ingest <folders>` again")
    return BackendLists(backend, index, uri)
