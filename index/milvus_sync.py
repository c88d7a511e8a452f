"""Index versions in Milvus: one collection per version, written whole before the version is published.

The local build (``index/build.py``) stays the source of truth for documents, their text and metadata (SQLite),
the analyzer's vocabulary statistics the query analysis reads (senses, IDF, pinyin names) and the vectors (the
vector cache). This module copies a version's chunks into Milvus — the indexed text (title, region and section
prefixed, as BM25 and the encoder see it) after our normalisation, its analyzer tokens, the vectors, the
filterable metadata — into a collection named after the version. Milvus Lite computes BM25 statistics per
segment, so a version is loaded in bulk and flushed once, never trickled in. The build writes the collection
*before* it switches ``CURRENT`` (:func:`write_version`), and drops the collections of versions no longer on disk
after (:func:`drop_stale`, after a grace period): a build killed while loading Milvus leaves the previous version
and its collection serving, and a reader that opened the version before keeps its collection for a while. Several indexes can
share one Milvus server: each index folder has a key of its own (``milvus_key``, written once), collections are
named by key and version, and a sync drops only its own index's older collections.

    >>> collection_for("3f2a9c01", "v20261203T130001123456")
    'policyqa_3f2a9c01_v20261203T130001123456'
"""

from __future__ import annotations

import json
import re
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path

import numpy as np

from index.backends.base import ChunkRow
from index.backends.milvus import COLLECTION, MilvusBackend, MilvusBackendError, close_client, open_client
from index.faults import crash_point

Progress = Callable[[str, int, int], None]
PREFIX = COLLECTION.rsplit("_", 1)[0] + "_"  # "policyqa_"


KEY_FILE = "milvus_key"


def collection_for(key: str, version: str) -> str:
    """The collection holding version ``version`` of the index keyed ``key`` (letters, digits, underscores)."""
    return PREFIX + re.sub(r"[^0-9A-Za-z_]", "_", f"{key}_{version}")


def index_key(index_dir: Path, create: bool = False) -> str | None:
    """The index folder's Milvus key (``None`` when it has none and ``create`` is false)."""
    path = Path(index_dir) / KEY_FILE
    try:
        key = path.read_text(encoding="ascii").strip()
        if re.fullmatch(r"[0-9a-f]{8,32}", key):
            return key
    except (OSError, UnicodeDecodeError):
        pass
    if not create:
        return None
    key = uuid.uuid4().hex[:12]
    from index.versions import atomic_write_text  # noqa: PLC0415

    atomic_write_text(path, key + "\n")
    return key


def chunk_rows(docs: Sequence, chunks: Sequence, texts: Sequence[str], tokens: Sequence[Sequence[str]] | None,
               vectors: np.ndarray | None, normalize: Callable[[str], str]) -> Iterator[ChunkRow]:
    """The rows of a version: ``chunks`` with their indexed ``texts`` (and analyzer ``tokens``, ``vectors``) in
    order; ``docs`` the documents they belong to (``Document``)."""
    by_id = {d.doc_id: d for d in docs}
    for i, c in enumerate(chunks):
        m = by_id[c.doc_id].meta
        yield ChunkRow(c.chunk_id, c.doc_id, c.ordinal, c.start, c.end, normalize(texts[i]),
                       c.section_path, m.region, m.city, m.year or 0, m.doc_type,
                       vectors[i] if vectors is not None else None,
                       tuple(tokens[i]) if tokens is not None else None)


def write_version(cfg, version: str, rows: Iterable[ChunkRow], n: int, dim: int | None,
                  progress: Progress | None = None, batch: int = 2_000) -> str:
    """Write collection ``version`` of ``cfg.index_dir``'s index from ``rows`` (``n`` of them): dropped and
    written again whole, flushed once. Returns the collection's name."""
    progress = progress or (lambda *a: None)
    name = collection_for(index_key(cfg.index_dir, create=True), version)
    client = open_client(cfg.milvus_target, cfg.milvus_token)
    try:
        _load(cfg, client, name, rows, n, dim, progress, batch)
    except MilvusBackendError:
        raise
    except Exception as e:  # the server went away, a quota, a schema the server refuses: say so, no traceback
        raise MilvusBackendError(f"{cfg.milvus_target}: 写入 Milvus 失败 / writing collection {name} failed "
                                 f"({type(e).__name__}: {e}); 之前的索引版本未受影响 / the previous index version "
                                 "is untouched") from e
    finally:
        close_client(client)
    return name


def _load(cfg, client, name: str, rows: Iterable[ChunkRow], n: int, dim: int | None, progress: Progress,
          batch: int) -> None:
    backend = MilvusBackend(cfg.milvus_target, dim=dim, collection=name, reset=True, client=client,
                            analysis=cfg.milvus_analysis)
    pending: list[ChunkRow] = []
    done = 0
    progress("milvus", 0, n)
    for row in rows:
        pending.append(row)
        if len(pending) >= batch:
            backend.insert(pending)
            done += len(pending)
            pending = []
            progress("milvus", done, n)
            crash_point("milvus")
    if pending:
        backend.insert(pending)
        crash_point("milvus")
    backend.flush()
    progress("milvus", n, n)


RETIRED_FILE = "milvus_retired.json"  # collection → when it was first found superseded


def drop_stale(cfg, now: float | None = None) -> list[str]:
    """Drop this index's collections whose version is no longer on disk (pruned, or a killed build's) once they
    have been superseded for ``cfg.milvus_grace_s`` seconds: a reader that opened the version before keeps
    searching its collection meanwhile (the local store's files outlive a prune in memory; a dropped collection
    would not). Returns the dropped names."""
    key = index_key(cfg.index_dir)
    if key is None:
        return []
    index_dir = Path(cfg.index_dir)
    vdir = index_dir / "versions"
    keep = {collection_for(key, p.name) for p in vdir.iterdir()} if vdir.is_dir() else set()
    mine = collection_for(key, "")
    now = time.time() if now is None else now
    state_path = index_dir / RETIRED_FILE
    try:
        retired = {k: float(v) for k, v in json.loads(state_path.read_text(encoding="utf-8")).items()}
    except (OSError, ValueError, TypeError, AttributeError):
        retired = {}
    dropped: list[str] = []
    client = open_client(cfg.milvus_target, cfg.milvus_token)
    try:
        stale = [c for c in client.list_collections() if c.startswith(mine) and c not in keep]
        for c in stale:
            if now - retired.setdefault(c, now) >= cfg.milvus_grace_s:
                client.drop_collection(c)
                dropped.append(c)
    finally:
        close_client(client)
    from index.versions import atomic_write_text  # noqa: PLC0415

    left = {c: t for c, t in retired.items() if c in stale and c not in dropped}
    atomic_write_text(state_path, json.dumps(left, indent=1) + "\n")
    return dropped


def sync_milvus(cfg, progress: Progress | None = None) -> dict:
    """Make sure the current version of ``cfg.index_dir`` has its complete collection at ``cfg.milvus_target``
    (an index built before the backend was switched to Milvus, or a collection lost on the server); returns
    ``{"collection", "chunks", "seconds"}``."""
    from index.build import indexed_text, make_analyzer  # noqa: PLC0415
    from index.store import load_index  # noqa: PLC0415

    t0 = time.time()
    idx = load_index(cfg.index_dir)
    name = collection_for(index_key(cfg.index_dir, create=True), idx.path.name)
    n = idx.n_chunks
    client = open_client(cfg.milvus_target, cfg.milvus_token)
    try:
        complete = client.has_collection(name) and _complete(cfg, name, client, n)
    finally:
        close_client(client)
    if not complete:
        analyzer = make_analyzer(cfg)
        context = cfg.chunker.context_prefix
        chunks = [idx.chunk(i) for i in range(n)]
        texts = [indexed_text(idx.doc_of_chunk(i), c, context) for i, c in enumerate(chunks)]  # as the build's
        tokens = ([analyzer.tokenize(t) for t in texts] if cfg.milvus_analysis == "policyqa" else None)
        dim = idx.dense.dim if idx.dense is not None else None
        vectors = idx.dense.vectors() if dim else None
        write_version(cfg, idx.path.name, chunk_rows(idx.docs, chunks, texts, tokens, vectors, analyzer.normalize),
                      n, dim, progress)
    drop_stale(cfg)
    return {"collection": name, "chunks": n, "seconds": round(time.time() - t0, 2)}


def _complete(cfg, name: str, client, n: int) -> bool:
    """Whether collection ``name`` holds all ``n`` chunks, analysed as configured."""
    try:
        return MilvusBackend(cfg.milvus_target, collection=name, client=client,
                             analysis=cfg.milvus_analysis).count() == n
    except MilvusBackendError:  # another analysis or an older layout: written again
        return False


# -- the build's hooks (index/build.py): each does nothing unless ``backend = "milvus"`` -------------------------

def _milvus(cfg) -> bool:
    from index.backends import backend_name  # noqa: PLC0415

    return backend_name(cfg.backend) == "milvus"


def ensure_current(cfg, progress: Progress | None = None) -> None:
    """A build that changed nothing: the current version gets its collection if it lacks one (an index built
    before the backend was switched to Milvus); a failed copy leaves the local index intact."""
    if _milvus(cfg):
        sync_milvus(cfg, progress)


def write_staged(cfg, staging: Path, docs: Sequence, chunks: Sequence, texts: Sequence[str],
                 tokens: Sequence[Sequence[str]] | None, analyzer, progress: Progress | None = None) -> None:
    """The staged version's collection, written before the version is published, so a build killed meanwhile
    leaves the previous version and its collection serving."""
    if not _milvus(cfg):
        return
    from index.vectors import DenseIndex  # noqa: PLC0415

    dense = DenseIndex.load(staging / "dense") if (staging / "dense").exists() else None
    vectors = dense.vectors() if dense is not None else None
    keep_tokens = tokens if cfg.milvus_analysis == "policyqa" else None
    rows = chunk_rows(docs, chunks, texts, keep_tokens, vectors, analyzer.normalize)
    write_version(cfg, staging.name.removeprefix(".staging-"), rows, len(chunks),
                  dense.dim if dense is not None else None, progress)


def after_publish(cfg) -> None:
    """After a version is published (and old ones pruned): drop the collections of versions no longer on disk."""
    if _milvus(cfg):
        drop_stale(cfg)
