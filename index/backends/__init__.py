"""Chunk stores behind one small protocol (:class:`Backend`): the embedded store (``index/store.py``) and Milvus
(``milvus.py``). Importing this package is cheap: a backend imports its client library when constructed."""

from index.backends.base import Backend, ChunkFilter, ChunkRow, ScoredChunks, query_text

__all__ = ["Backend", "ChunkFilter", "ChunkRow", "ScoredChunks", "query_text"]
