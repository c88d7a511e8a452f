"""Load the current index version into Milvus: one collection per version, written whole, then published.

The local build (``index/build.py``) stays the source of truth for documents, their text and metadata (SQLite),
the analyzer's vocabulary statistics the query analysis reads (senses, IDF, pinyin names) and the vectors (the
vector cache). This module copies its chunks into Milvus — the indexed text (title, region and section prefixed,
as BM25 and the encoder see it) after our normalisation, the vectors, the filterable metadata — into a collection
named after the version. Milvus Lite computes BM25 statistics per segment, so a version is loaded in bulk and
flushed once, never trickled in; only when it is complete are older versions' collections dropped, so a reader
never sees half a corpus and an interrupted sync leaves the previous collection serving.

    >>> collection_for("v20261203T130001123456")
    'policyqa_v20261203T130001123456'
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable

from index.backends.base import ChunkRow
from index.backends.milvus import COLLECTION, MilvusBackend, open_client

Progress = Callable[[str, int, int], None]
PREFIX = COLLECTION.rsplit("_", 1)[0] + "_"  # "policyqa_"


def collection_for(version: str) -> str:
    """The collection holding index version ``version`` (letters, digits and underscores only)."""
    return PREFIX + re.sub(r"[^0-9A-Za-z_]", "_", version)


def chunk_key(doc_id: str, ordinal: int) -> str:
    """A chunk's id in Milvus: ``<doc_id>:<ordinal>``, as :attr:`ingest.types.Chunk.chunk_id`."""
    return f"{doc_id}:{int(ordinal)}"


def sync_milvus(cfg, progress: Progress | None = None, batch: int = 2_000) -> dict:
    """Write the current version of ``cfg.index_dir`` to Milvus at ``cfg.milvus_target``; returns
    ``{"collection", "chunks", "seconds"}``. A collection already complete for this version is kept as is."""
    from index.build import indexed_text, make_analyzer  # noqa: PLC0415
    from index.store import load_index  # noqa: PLC0415

    progress = progress or (lambda *a: None)
    t0 = time.time()
    idx = load_index(cfg.index_dir)
    name = collection_for(idx.path.name)
    dim = idx.dense.dim if idx.dense is not None else None
    n = idx.n_chunks
    client = open_client(cfg.milvus_target)
    try:
        if client.has_collection(name) and MilvusBackend(cfg.milvus_target, collection=name, client=client).count() == n:
            _drop_others(client, name)
            return {"collection": name, "chunks": n, "seconds": round(time.time() - t0, 2)}
        backend = MilvusBackend(cfg.milvus_target, dim=dim, collection=name, reset=True, client=client)
        analyzer = make_analyzer(cfg)
        vectors = idx.dense.vectors() if dim else None
        context = cfg.chunker.context_prefix
        rows: list[ChunkRow] = []
        for i in range(n):
            if i % 1000 == 0:
                progress("milvus", i, n)
            d, c = idx.doc_of_chunk(i), idx.chunk(i)
            rows.append(ChunkRow(chunk_key(d.doc_id, c.ordinal), d.doc_id, c.ordinal, c.start, c.end,
                                 analyzer.normalize(indexed_text(d, c, context)), c.section_path, d.meta.region,
                                 d.meta.city, d.meta.year or 0, d.meta.doc_type,
                                 vectors[i] if vectors is not None else None))
            if len(rows) >= batch:
                backend.insert(rows)
                rows = []
        if rows:
            backend.insert(rows)
        backend.flush()
        progress("milvus", n, n)
        _drop_others(client, name)
    finally:
        client.close()
    return {"collection": name, "chunks": n, "seconds": round(time.time() - t0, 2)}


def _drop_others(client, keep: str) -> None:
    for other in client.list_collections():
        if other.startswith(PREFIX) and other != keep:
            client.drop_collection(other)
