"""Build or update the index from folders of documents.

Usage (reads and writes an index folder, so not a doctest)::

    from pathlib import Path
    from config import Config
    from index.build import build_index
    report = build_index([Path("data/samples")], Config())
    report.n_docs, report.n_chunks        # (5, 402)

Re-ingesting a folder processes only new and changed files (unchanged documents are
reused, their vectors come from the cache) and drops documents that disappeared from
that folder; documents ingested from other folders stay. Every build writes a new
version and switches to it atomically (see index/store.py).
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from config import DATA_DIR, Config
from index import milvus_sync, store, versions
from index.faults import crash_point
from index.targets import targets_fingerprint, write_targets
from ingest.types import Chunk, Document, LoadError

# callable(stage, done, total): stages are "load", "chunk", "tokenize", "encode", "write"
Progress = Callable[[str, int, int], None]

# Bump when ingest/chunking logic changes so that reuse of stored documents is refused.
INGEST_VERSION = 3  # 3: a sidecar's English title gives way to the Chinese one the text states (title_en); 2: articles numbered past 第一千条 (the Civil Code) are articles, not body text


@dataclass
class BuildReport:
    n_docs: int = 0
    n_chunks: int = 0
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)
    cut: list[tuple[str, str]] = field(default_factory=list)  # (document, what a limit cut)
    encoded: int = 0  # vectors computed in this build
    cached: int = 0  # vectors taken from the cache
    seconds: float = 0.0
    version: str = ""
    rebuilt: bool = True  # False when nothing changed and the live version was kept

    def to_json(self) -> dict:
        return {
            "documents": self.n_docs, "chunks": self.n_chunks, "added": self.added, "changed": self.changed,
            "unchanged": len(self.unchanged), "removed": self.removed,
            "skipped": [{"file": p, "reason": r} for p, r in self.skipped],
            "cut": [{"doc": d, "what": w} for d, w in self.cut],
            "vectors_encoded": self.encoded, "vectors_cached": self.cached,
            "seconds": round(self.seconds, 2), "version": self.version, "rebuilt": self.rebuilt,
        }


def indexed_text(doc: Document, chunk: Chunk, context: bool = True) -> str:
    """What is tokenized and embedded for a chunk: title, region and section path
    prepended (not stored), so a passage that never names its province still matches."""
    if not context:
        return chunk.text
    m = doc.meta
    place = m.region + (f" {m.city}" if m.city and m.city != m.region else "")
    head = " ".join(x for x in (m.title, place, " ".join(chunk.section)) if x)
    # A passage of a long table that starts after its header row gets the header too (指标 | 2025年目标), so its
    # figures keep their column names.
    header = next((r.header for r in doc.regions if r.kind == "table" and r.header and r.start < chunk.start < r.end
                   and not chunk.text.startswith(r.header)), "")
    if header:
        head = f"{head}\n{header}" if head else header
    return f"{head}\n{chunk.text}" if head else chunk.text


def user_dict_paths(extra: Iterable[Path] = ()) -> list[Path]:
    paths = [DATA_DIR / "userdict.txt", *extra]
    env = os.environ.get("POLICYQA_USER_DICT")
    if env:
        paths += [Path(p) for p in env.split(os.pathsep) if p]
    return [p for p in paths if p.exists()]


def make_analyzer(cfg: Config):
    from index.analyzer import Analyzer

    return Analyzer(cfg.analyzer, user_dict_paths())


def encoder_fingerprint(encoder) -> dict | None:
    return None if encoder is None else {"name": encoder.name, "dim": int(encoder.dim)}


def expected_settings(cfg: Config, analyzer, encoder) -> dict:
    """Manifest keys that a query-time configuration must match."""
    return {"analyzer": analyzer.fingerprint(), "encoder": encoder_fingerprint(encoder)}


class BuildLock:
    """An exclusive, non-blocking lock so that two builds never write one index."""

    def __init__(self, index_dir: Path):
        index_dir.mkdir(parents=True, exist_ok=True)
        self.path = index_dir / "build.lock"
        self.fh = None

    def __enter__(self):
        self.fh = open(self.path, "w")
        try:
            fcntl.flock(self.fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self.fh.close()
            raise store.IndexError_(f"另一个索引任务正在运行 / Another build is running on {self.path.parent}") from None
        return self

    def __exit__(self, *exc):
        fcntl.flock(self.fh, fcntl.LOCK_UN)
        self.fh.close()


def _norm_root(p: Path) -> str:
    return str(p.resolve())


def build_index(
    folders: list[Path],
    cfg: Config,
    *,
    rebuild: bool = False,
    remove: Iterable[str] = (),
    progress: Progress | None = None,
    encoder=None,
) -> BuildReport:
    """Ingest ``folders`` into ``cfg.index_dir`` and publish a new version.

    ``rebuild`` ignores the previous version's documents (vectors still come from the
    cache). ``remove`` lists document names or ids to drop. ``encoder`` may be passed in to
    reuse a loaded model; otherwise it is made from ``cfg.encoder``.
    """
    from ingest.chunking import chunk_document
    from ingest.loaders import load_file
    from ingest.metadata import load_sidecar
    from ingest.pipeline import scan_folder_report

    t0 = time.time()
    progress = progress or (lambda *a: None)
    index_dir = Path(cfg.index_dir)
    report = BuildReport()
    with BuildLock(index_dir):
        analyzer = make_analyzer(cfg)
        if encoder is None and cfg.encoder.backend != "none":
            from index.encoders import make_encoder

            encoder = make_encoder(cfg.encoder)
        settings = {
            "analyzer": analyzer.fingerprint(),
            "encoder": encoder_fingerprint(encoder),
            "chunker": cfg.chunker.__dict__,
            "ingest_version": INGEST_VERSION,
            "targets": targets_fingerprint(),
        }

        # Previous documents, reusable when file, content and ingest logic are unchanged.
        prev_docs: list[Document] = []
        prev_roots: list[str] = []
        prev_manifest: dict = {}
        cur = versions.current_version_dir(index_dir)
        if cur is not None:
            prev_manifest = json.loads((cur / "manifest.json").read_text(encoding="utf-8"))
            prev_docs, prev_roots = store.read_documents(cur / "docs.sqlite")
        reuse_ok = not rebuild and prev_manifest.get("ingest_version") == INGEST_VERSION
        prev_by_path = {d.path: (d, r) for d, r in zip(prev_docs, prev_roots, strict=True)}
        overrides = store.load_overrides(index_dir)

        docs: dict[str, tuple[Document, str]] = {}  # path -> (doc, root)
        roots = [_norm_root(f) for f in folders]
        # Keep documents of folders not being ingested now.
        for d, r in zip(prev_docs, prev_roots, strict=True):
            if r not in roots:
                docs[d.path] = (d, r)

        for folder, root in zip(folders, roots, strict=True):
            folder = Path(folder)
            if not folder.is_dir():
                raise LoadError(str(folder), "不是文件夹 / not a folder")
            try:
                sidecar = load_sidecar(folder)
            except LoadError as e:
                report.skipped.append((e.path, e.reason))
                sidecar = {}
            paths, passed_over = scan_folder_report(folder)
            report.skipped.extend(passed_over)
            for i, p in enumerate(paths):
                progress("load", i, len(paths))
                ap = str(p.resolve())
                ov = {**sidecar.get(p.name, {}), **overrides.get(p.name, {})}
                try:
                    raw_hash = versions.file_sha256(p)
                    old = prev_by_path.get(ap)
                    if reuse_ok and old and old[0].content_hash == raw_hash:
                        d = old[0]
                        if ov:
                            d = replace(d, meta=d.meta.with_overrides(ov))
                        report.unchanged.append(p.name)
                    else:
                        d = replace(load_file(p, ov or None, root=folder, limits=cfg.limits), path=ap)
                        (report.changed if old else report.added).append(p.name)
                except LoadError as e:
                    report.skipped.append((e.path, e.reason))
                    continue
                except OSError as e:
                    report.skipped.append((str(p), f"无法读取 / cannot read: {e.strerror or e}"))
                    continue
                docs[ap] = (d, root)
            progress("load", len(paths), len(paths))
            for d, r in zip(prev_docs, prev_roots, strict=True):
                if r == root and d.path not in docs:
                    report.removed.append(d.name)

        drop = set(remove)
        if drop:
            for ap, (d, _r) in list(docs.items()):
                if d.name in drop or d.doc_id in drop:
                    del docs[ap]
                    report.removed.append(d.name)

        # Apply user overrides also to kept documents of other folders.
        doc_list: list[Document] = []
        root_list: list[str] = []
        for ap in sorted(docs):
            d, r = docs[ap]
            ov = overrides.get(d.name)
            if ov:
                d = replace(d, meta=d.meta.with_overrides(ov))
            doc_list.append(d)
            root_list.append(r)

        nothing_changed = (
            cur is not None and not rebuild and not report.added and not report.changed and not report.removed
            and {k: prev_manifest.get(k) for k in settings} == settings
            and _meta_digest(doc_list) == prev_manifest.get("meta_digest")
        )
        if nothing_changed:
            report.n_docs = len(doc_list)
            report.n_chunks = int(prev_manifest.get("counts", {}).get("chunks", 0))
            report.version = cur.name
            report.rebuilt = False
            milvus_sync.ensure_current(cfg, progress)
            report.seconds = time.time() - t0
            return report

        # Chunk.
        chunks: list[Chunk] = []
        texts: list[str] = []
        for i, d in enumerate(doc_list):
            progress("chunk", i, len(doc_list))
            doc_chunks = chunk_document(d, cfg.chunker)
            if len(doc_chunks) > cfg.limits.max_chunks:
                report.cut.append((d.name, f"only the first {cfg.limits.max_chunks:,} of {len(doc_chunks):,} passages "
                                           "indexed (limits.max_chunks)"))
                doc_chunks = doc_chunks[: cfg.limits.max_chunks]
            if dict(d.meta.extra).get("cut"):
                report.cut.append((d.name, dict(d.meta.extra)["cut"]))
            for c in doc_chunks:
                chunks.append(c)
                texts.append(indexed_text(d, c, cfg.chunker.context_prefix))
        progress("chunk", len(doc_list), len(doc_list))

        # Sparse.
        from index.bm25 import BM25Index

        tokens = []
        for i, t in enumerate(texts):
            if i % 500 == 0:
                progress("tokenize", i, len(texts))
            tokens.append(analyzer.tokenize(t))
        progress("tokenize", len(texts), len(texts))
        bm25 = BM25Index.build(tokens)

        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
        staging = index_dir / f".staging-v{stamp}"
        if staging.exists():
            shutil.rmtree(staging)
        staging.mkdir(parents=True)
        try:
            bm25.save(staging / "bm25")
            crash_point("bm25")
            store.write_docs_db(staging / "docs.sqlite", doc_list, root_list, chunks)
            write_targets(staging / "docs.sqlite", doc_list)  # the policy targets table (#19): ~7 s for 3,611 docs
            crash_point("sqlite")
            manifest = {
                "format_version": store.FORMAT_VERSION,
                **settings,
                "dim": None,
                "roots": sorted(set(root_list)),
                "counts": {"documents": len(doc_list), "chunks": len(chunks), "vocab": int(bm25.vocab_size)},
                "meta_digest": _meta_digest(doc_list),
                "documents": [
                    {"doc_id": d.doc_id, "name": d.name, "path": d.path, "content_hash": d.content_hash,
                     "encoding": d.encoding, "chars": len(d.text)}
                    for d in doc_list
                ],
            }
            if encoder is not None:
                n_new, n_cached = _dense_stage(encoder, texts, staging, manifest, cfg, progress, on_publish=lambda early: (
                    milvus_sync.write_staged(cfg, early, doc_list, chunks, texts, tokens, analyzer, progress)))
                report.encoded, report.cached = n_new, n_cached
                staging = _fresh_staging(index_dir, staging)
            progress("write", 0, 1)
            manifest.update(built_at=datetime.now(UTC).isoformat(timespec="seconds"),
                            build_seconds=round(time.time() - t0, 2))
            (staging / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
            milvus_sync.write_staged(cfg, staging, doc_list, chunks, texts, tokens, analyzer, progress)
            final = versions.publish_version(index_dir, staging, keep=cfg.keep_versions)
            progress("write", 1, 1)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        if encoder is not None:
            from index.dense_stage import clear_status

            clear_status(index_dir)
        report.n_docs, report.n_chunks, report.version = len(doc_list), len(chunks), final.name
        milvus_sync.after_publish(cfg)
        report.seconds = time.time() - t0
        return report


def _dense_stage(encoder, texts: list[str], staging: Path, manifest: dict, cfg: Config, progress: Progress,
                 on_publish: Callable[[Path], None] | None = None) -> tuple[int, int]:
    """Vectors for ``texts`` into ``staging/dense`` (encoding what the cache lacks); returns (encoded, cached).

    When more than ``cfg.encoder.bm25_first_chars`` characters are to be encoded, the BM25 side is published
    first as its own version (manifest ``encoder: null``, ``dense_pending``), so the index answers while the
    dense side is built; ``info`` reads the stage's status file meanwhile (index/dense_stage.py).
    """
    from index.dense_stage import encode_stage
    from index.vector_cache import VectorCache
    from index.vectors import DenseIndex, factory_for

    index_dir = Path(cfg.index_dir)

    def publish_bm25_first(st) -> None:
        if st.chars < cfg.encoder.bm25_first_chars:
            return
        early = index_dir / f".staging-v{datetime.now(UTC).strftime('%Y%m%dT%H%M%S%f')}"
        shutil.copytree(staging, early, copy_function=_link_or_copy)
        m = {**manifest, "encoder": None, "dense_pending": manifest["encoder"],
             "built_at": datetime.now(UTC).isoformat(timespec="seconds")}
        (early / "manifest.json").write_text(json.dumps(m, ensure_ascii=False, indent=1), encoding="utf-8")
        if on_publish is not None:
            on_publish(early)  # the BM25-only version's Milvus collection, when the backend is Milvus
        versions.publish_version(index_dir, early, keep=cfg.keep_versions)

    cache = VectorCache(cfg.vector_cache_path)
    try:
        vecs, st = encode_stage(encoder, texts, cache, index_dir, batch_size=cfg.encoder.batch_size,
                                progress=lambda done, total: progress("encode", done, total), before=publish_bm25_first)
    finally:
        cache.close()
    dim = int(vecs.shape[1]) if len(texts) else int(encoder.dim)
    dc = cfg.dense
    DenseIndex.build(np.asarray(vecs, dtype=np.float32).reshape(-1, encoder.dim), factory_for(len(texts), dc),
                     ef_construction=dc.ef_construction, ef_search=dc.ef_search).save(staging / "dense")
    crash_point("dense")
    manifest["dim"] = dim
    return st.encoded, st.cached


def _link_or_copy(src: str, dst: str) -> None:
    """Hard-link a staged file into another version (published files are never modified), or copy it."""
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def _fresh_staging(index_dir: Path, staging: Path) -> Path:
    """``staging`` renamed to the current time, so a version published after a long dense stage sorts last."""
    new = index_dir / f".staging-v{datetime.now(UTC).strftime('%Y%m%dT%H%M%S%f')}"
    os.replace(staging, new)
    return new


def _meta_digest(docs: list[Document]) -> str:
    import hashlib

    h = hashlib.sha256()
    for d in docs:
        h.update(json.dumps([d.doc_id, d.meta.to_dict()], ensure_ascii=False, sort_keys=True).encode())
    return h.hexdigest()[:16]
