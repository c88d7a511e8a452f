"""The on-disk index: versioned directories, an atomic switch, and the loaded view.

Layout of ``index_dir``::

    CURRENT                 name of the live version (replaced atomically)
    versions/<version>/
        manifest.json       format, encoder, analyzer, chunker, documents + hashes, counts, build time
        docs.sqlite         documents (stored text, metadata) and chunks (offsets, section)
        bm25/               sparse index (npz + json, no pickle)
        dense/              FAISS index (absent when the encoder is "none")
    cache/vectors.sqlite    dense vectors by (encoder, text hash), shared by all versions
    overrides.json          user edits of document metadata, re-applied at every build
    build.lock              held while a build runs

How a version is written, published, pruned and protected while read: ``index/versions.py``.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from index.versions import atomic_write_text, check_files, current_version_dir, read_lease
from ingest.types import Chunk, DocMeta, Document, Region

FORMAT_VERSION = 1


class IndexError_(Exception):
    """Base class for index problems shown to the user."""


class IndexMissingError(IndexError_):
    pass


class IndexMismatchError(IndexError_):
    """The index was built with other encoder/analyzer/chunker settings."""


class IndexCorruptError(IndexError_):
    """A file of the index is missing, truncated or damaged."""


REPAIR = ("重新建索引即可修复（向量取自缓存，无需重新编码）/ repair: python cli.py ingest <folder> --rebuild "
          "(vectors come from the cache, nothing is re-encoded)")


# ---------------------------------------------------------------- SQLite docs

_SCHEMA = """
CREATE TABLE documents (
    idx INTEGER PRIMARY KEY, doc_id TEXT UNIQUE, name TEXT, path TEXT, root TEXT,
    content_hash TEXT, encoding TEXT, text TEXT, meta TEXT, skip_spans TEXT, regions TEXT
);
CREATE TABLE chunks (
    idx INTEGER PRIMARY KEY, doc_idx INTEGER, ordinal INTEGER, start INTEGER, "end" INTEGER, section TEXT
);
CREATE INDEX chunks_doc ON chunks(doc_idx);
"""


def write_docs_db(path: Path, docs: list[Document], roots: list[str], chunks: list[Chunk]) -> None:
    con = sqlite3.connect(path)
    try:
        con.executescript(_SCHEMA)
        pos = {d.doc_id: i for i, d in enumerate(docs)}
        con.executemany(
            "INSERT INTO documents VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            (
                (
                    i, d.doc_id, d.name, d.path, roots[i], d.content_hash, d.encoding, d.text,
                    json.dumps(d.meta.to_dict(), ensure_ascii=False), json.dumps(list(d.skip_spans)),
                    json.dumps([r.to_list() for r in d.regions], ensure_ascii=False),
                )
                for i, d in enumerate(docs)
            ),
        )
        con.executemany(
            "INSERT INTO chunks VALUES (?,?,?,?,?,?)",
            (
                (i, pos[c.doc_id], c.ordinal, c.start, c.end, json.dumps(list(c.section), ensure_ascii=False))
                for i, c in enumerate(chunks)
            ),
        )
        con.commit()
    finally:
        con.close()


def read_documents(path: Path) -> tuple[list[Document], list[str]]:
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        cols = {r[1] for r in con.execute("PRAGMA table_info(documents)")}
        regions = "regions" if "regions" in cols else "'[]'"  # stores written before regions existed have none
        rows = con.execute(
            f"SELECT doc_id, name, path, root, content_hash, encoding, text, meta, skip_spans, {regions} "
            "FROM documents ORDER BY idx"
        ).fetchall()
    finally:
        con.close()
    docs, roots = [], []
    for doc_id, name, p, root, h, enc, text, meta, spans, regs in rows:
        docs.append(
            Document(
                doc_id=doc_id, name=name, path=p, text=text, meta=DocMeta.from_dict(json.loads(meta)),
                content_hash=h, encoding=enc, skip_spans=tuple(tuple(s) for s in json.loads(spans)),
                regions=tuple(Region.from_list(x) for x in json.loads(regs or "[]")),
            )
        )
        roots.append(root)
    return docs, roots


# ---------------------------------------------------------------- loaded view


@dataclass
class LoadedIndex:
    """A read-only, loaded index version: documents, chunk table, sparse and dense indexes.

    Chunks are kept as parallel numpy arrays (row ``i`` of the BM25 matrix and id ``i``
    of the FAISS index is chunk ``i``); ``chunk(i)`` builds a ``Chunk`` on demand so
    memory stays flat as corpora grow.
    """

    path: Path
    manifest: dict[str, Any]
    docs: list[Document]
    roots: list[str]
    chunk_doc: np.ndarray  # int32 doc index per chunk
    chunk_ordinal: np.ndarray
    chunk_start: np.ndarray
    chunk_end: np.ndarray
    chunk_section: list[tuple[str, ...]]
    bm25: Any  # index.bm25.BM25Index
    dense: Any | None  # index.vectors.DenseIndex

    @property
    def n_chunks(self) -> int:
        return int(self.chunk_doc.shape[0])

    def chunk(self, i: int) -> Chunk:
        d = self.docs[int(self.chunk_doc[i])]
        s, e = int(self.chunk_start[i]), int(self.chunk_end[i])
        return Chunk(doc_id=d.doc_id, ordinal=int(self.chunk_ordinal[i]), start=s, end=e, text=d.text[s:e],
                     section=self.chunk_section[i])

    def doc_of_chunk(self, i: int) -> Document:
        return self.docs[int(self.chunk_doc[i])]

    def doc_by_id(self, key: str) -> Document | None:
        """The document whose id or file name is ``key`` (a dict built on first use)."""
        by_key = self.__dict__.get("_by_key")
        if by_key is None:
            by_key = {}
            for d in reversed(self.docs):  # the first document wins a name shared by two folders
                by_key[d.name] = d
            for d in reversed(self.docs):
                by_key[d.doc_id] = d
            self.__dict__["_by_key"] = by_key
        return by_key.get(key)

    def chunks_of_doc(self, doc_idx: int) -> list[int]:
        return np.nonzero(self.chunk_doc == doc_idx)[0].tolist()


def current_manifest(index_dir: Path) -> dict[str, Any] | None:
    """The manifest of the current version (None without an index, or when it cannot be read: ``load_index``
    then says why)."""
    vdir = current_version_dir(index_dir)
    if vdir is None:
        return None
    try:
        return json.loads((vdir / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def load_index(index_dir: Path, expect: dict[str, Any] | None = None, load_dense: bool = True) -> LoadedIndex:
    """Load the current version. ``expect`` holds settings that must match the manifest
    (``encoder``, ``analyzer``); a difference raises IndexMismatchError telling to rebuild.

    A build that publishes (and prunes) while this reads can remove the version being read; then the version that
    is current by then is read instead (a few tries), so a reader never fails on a concurrent re-index."""
    for attempt in range(5):
        before = _current_name(index_dir)
        try:
            with read_lease(index_dir, before) if before else contextlib.nullcontext(True) as present:
                if before and not present and attempt < 4:
                    continue  # pruned between reading CURRENT and taking the lease: CURRENT has moved on
                return _load_version(index_dir, expect, load_dense, before)
        except (IndexCorruptError, IndexMissingError, FileNotFoundError):
            if attempt == 4 or _current_name(index_dir) == before:
                raise  # not a race with a build: the index really is missing or damaged
            time.sleep(0.05)
    raise AssertionError("unreachable")


def _current_name(index_dir: Path) -> str | None:
    try:
        return (Path(index_dir) / "CURRENT").read_text(encoding="utf-8").strip()
    except OSError:
        return None


def _load_version(index_dir: Path, expect: dict[str, Any] | None, load_dense: bool, name: str | None) -> LoadedIndex:
    from index.bm25 import BM25Index

    vdir = index_dir / "versions" / name if name else None
    if vdir is None or not (vdir / "manifest.json").exists():
        raise IndexMissingError(
            f"索引不存在 / No index at {index_dir}. 请先运行 / run first: python cli.py ingest <folder>"
        )
    problems = check_files(vdir)
    if problems:
        raise IndexCorruptError(f"索引文件损坏 / The index at {vdir} is damaged: {'; '.join(problems[:3])}. {REPAIR}")
    try:
        manifest = json.loads((vdir / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise IndexCorruptError(f"索引文件损坏 / {vdir / 'manifest.json'} cannot be read ({e}). {REPAIR}") from None
    if manifest.get("format_version") != FORMAT_VERSION:
        raise IndexMismatchError(
            f"Index at {vdir} has format {manifest.get('format_version')}, this code reads {FORMAT_VERSION}: "
            "rebuild with `python cli.py ingest <folder> --rebuild`."
        )
    for key, want in (expect or {}).items():
        have = manifest.get(key)
        if have != want:
            raise IndexMismatchError(
                f"索引设置不一致 / The index at {vdir} was built with another {key} ({_short(have)}) than the current "
                f"configuration ({_short(want)}): rebuild with `python cli.py ingest <folder> --rebuild`."
            )
    try:
        docs, roots = read_documents(vdir / "docs.sqlite")
        con = sqlite3.connect(f"file:{vdir / 'docs.sqlite'}?mode=ro", uri=True)
        try:
            rows = con.execute('SELECT doc_idx, ordinal, start, "end", section FROM chunks ORDER BY idx').fetchall()
        finally:
            con.close()
        arr = np.array([r[:4] for r in rows], dtype=np.int64).reshape(-1, 4)
        sec_cache: dict[str, tuple[str, ...]] = {}
        sections = [sec_cache.setdefault(r[4], tuple(json.loads(r[4]))) for r in rows]
    except (sqlite3.Error, ValueError, TypeError, IndexError) as e:
        raise IndexCorruptError(f"索引文件损坏 / {vdir / 'docs.sqlite'} cannot be read ({e}). {REPAIR}") from None
    try:
        bm25 = BM25Index.load(vdir / "bm25")
    except (OSError, ValueError, KeyError) as e:
        raise IndexCorruptError(f"索引文件损坏 / {vdir / 'bm25'} cannot be read ({e}). {REPAIR}") from None
    dense = None
    if load_dense and (vdir / "dense").exists():
        from index.vectors import DenseIndex

        try:
            dense = DenseIndex.load(vdir / "dense")
        except (OSError, ValueError, RuntimeError) as e:
            raise IndexCorruptError(f"索引文件损坏 / {vdir / 'dense'} cannot be read ({e}). {REPAIR}") from None
    if dense is not None and dense.ntotal != len(rows):
        raise IndexCorruptError(f"索引文件损坏 / {vdir}: {dense.ntotal:,} vectors for {len(rows):,} passages. {REPAIR}")
    return LoadedIndex(
        path=vdir, manifest=manifest, docs=docs, roots=roots,
        chunk_doc=arr[:, 0].astype(np.int32), chunk_ordinal=arr[:, 1].astype(np.int32),
        chunk_start=arr[:, 2], chunk_end=arr[:, 3], chunk_section=sections, bm25=bm25, dense=dense,
    )


def _short(v: Any) -> str:
    s = json.dumps(v, ensure_ascii=False, sort_keys=True) if not isinstance(v, str) else v
    return s if len(s) < 120 else s[:117] + "..."


def load_overrides(index_dir: Path) -> dict[str, dict[str, Any]]:
    p = index_dir / "overrides.json"
    if not p.exists():
        return {}
    return json.loads(p.read_text(encoding="utf-8"))


def save_override(index_dir: Path, doc_name: str, fields: dict[str, Any]) -> None:
    """Record a user's metadata edit for a document (by file name); kept across re-indexing."""
    index_dir.mkdir(parents=True, exist_ok=True)
    cur = load_overrides(index_dir)
    cur.setdefault(doc_name, {}).update({k: v for k, v in fields.items() if v not in (None, "")})
    atomic_write_text(index_dir / "overrides.json", json.dumps(cur, ensure_ascii=False, indent=1))


def iter_manifest_docs(manifest: dict[str, Any]) -> Iterable[dict[str, Any]]:
    return manifest.get("documents", [])
