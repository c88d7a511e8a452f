"""Chunk stores behind one small protocol (:class:`Backend`): the embedded store (``index/store.py``) and Milvus
(``milvus.py``). Importing this package is cheap: a backend imports its client library when constructed.

    >>> backend_name(" Milvus "), backend_name("")
    ('milvus', 'local')
"""

from index.backends.base import Backend, ChunkFilter, ChunkRow, ScoredChunks, query_text

BACKENDS = ("local", "milvus")

__all__ = ["BACKENDS", "Backend", "ChunkFilter", "ChunkRow", "ScoredChunks", "backend_name", "query_text"]


def backend_name(value: str | None) -> str:
    """The configured backend (``Config.backend``), normalised and checked: ``local`` or ``milvus``."""
    name = (value or "local").strip().lower()
    if name not in BACKENDS:
        raise ValueError(f"unknown backend {value!r}; expected one of {', '.join(BACKENDS)}")
    return name
