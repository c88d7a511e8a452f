"""Dense vector index: a thin FAISS wrapper (inner product over L2-normalised vectors = cosine).

Exact ``Flat`` search (``IndexFlatIP``, memory-mapped) for small indexes: at 384-d float32 that is 1.5 KB per
chunk and a few ms per query up to ~100k chunks. Above ``DenseConfig.hnsw_above`` vectors the build makes an HNSW
graph over the same flat vectors (``"HNSW32,Flat"``): sub-millisecond queries at the cost of build time and of
loading the graph into memory; ``factory_for`` chooses, ``DenseConfig.kind`` overrides. A search restricted by a
filter to few rows is exact over those rows whatever the index.

    >>> from config import DenseConfig
    >>> factory_for(1_000, DenseConfig()), factory_for(200_000, DenseConfig()), factory_for(10, DenseConfig(kind="hnsw"))
    ('Flat', 'HNSW32,Flat', 'HNSW32,Flat')
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

FORMAT_VERSION = 1
_FILE = "dense.faiss"
_META = "dense_meta.json"
SMALL_MASK = 20_000  # at most this many allowed ids: exact numpy dot over just those rows


def factory_for(n: int, cfg) -> str:
    """The FAISS index factory string for ``n`` vectors under a ``DenseConfig``."""
    if cfg.kind not in ("auto", "flat", "hnsw"):
        raise ValueError(f"dense.kind must be 'auto', 'flat' or 'hnsw', got {cfg.kind!r}")
    if cfg.kind == "flat" or (cfg.kind == "auto" and n < cfg.hnsw_above):
        return "Flat"
    return f"HNSW{cfg.hnsw_m},Flat"


def _faiss():
    import faiss  # lazy: importing index.vectors stays cheap

    return faiss


class DenseIndex:
    """Top-k inner-product search with an optional allow-mask, persisted with ``faiss.write_index``.

    Example::

        >>> import numpy as np
        >>> from index.vectors import DenseIndex
        >>> m = np.eye(4, dtype=np.float32)
        >>> idx = DenseIndex.build(m)
        >>> idx.search(m[2], k=2)[0].tolist()[0]
        2
        >>> idx.search(m[2], k=2, mask=np.array([True, True, False, True]))[0].tolist()[0] != 2
        True
    """

    def __init__(self, index, factory: str = "Flat", ef_search: int = 256) -> None:
        self._index = index
        self.factory = factory
        self.ef_search = ef_search  # HNSW only: candidates explored per query (recall against speed)

    @property
    def is_hnsw(self) -> bool:
        return self.factory.startswith("HNSW")

    @classmethod
    def build(cls, matrix: np.ndarray, index_factory: str = "Flat", ef_construction: int = 80,
              ef_search: int = 256) -> DenseIndex:
        """Index the rows of ``matrix`` (row i = chunk ordinal i)."""
        faiss = _faiss()
        x = np.ascontiguousarray(matrix, dtype=np.float32)
        if x.ndim != 2 or x.shape[1] == 0:
            raise ValueError(f"DenseIndex.build: expected a 2-D (n, dim) matrix, got shape {x.shape}")
        if not np.isfinite(x).all():
            raise ValueError("DenseIndex.build: matrix contains NaN or infinite values")
        index = faiss.index_factory(x.shape[1], index_factory, faiss.METRIC_INNER_PRODUCT)
        if index_factory.startswith("HNSW"):
            index.hnsw.efConstruction = ef_construction
        if not index.is_trained:
            index.train(x)
        if len(x):
            index.add(x)
        return cls(index, index_factory, ef_search)

    @property
    def dim(self) -> int:
        return int(self._index.d)

    @property
    def ntotal(self) -> int:
        return int(self._index.ntotal)

    def search(self, qvec: np.ndarray, k: int, mask: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Best ``k`` rows by inner product with ``qvec``, best first: ``(indices int64, scores float32)``.

        ``mask`` (bool, length ``ntotal``) restricts the search to rows where it is True.
        """
        q = np.ascontiguousarray(qvec, dtype=np.float32).reshape(1, -1)
        if q.shape[1] != self.dim:
            raise ValueError(f"DenseIndex.search: query has dim {q.shape[1]}, index has dim {self.dim}")
        empty = np.zeros(0, np.int64), np.zeros(0, np.float32)
        if k <= 0 or self.ntotal == 0:
            return empty
        params = None
        if mask is not None:
            mask = np.asarray(mask)
            if mask.dtype != np.bool_ or mask.shape != (self.ntotal,):
                raise ValueError(
                    f"DenseIndex.search: mask must be a bool array of shape ({self.ntotal},), got {mask.dtype} {mask.shape}"
                )
            allowed = np.flatnonzero(mask)
            if len(allowed) == 0:
                return empty
            if len(allowed) <= SMALL_MASK:
                exact = self._search_subset(q[0], allowed, k)
                if exact is not None:
                    return exact
            faiss = _faiss()
            bits = np.packbits(mask, bitorder="little")  # faiss reads bit i as bitmap[i >> 3] >> (i & 7)
            sel = faiss.IDSelectorBitmap(self.ntotal, faiss.swig_ptr(bits))
            if self.is_hnsw:
                # A filter leaves fewer neighbours per hop: explore more, in proportion to what it removes.
                ef = min(4096, int(max(self.ef_search, k) * self.ntotal / len(allowed)))
                params = faiss.SearchParametersHNSW(sel=sel, efSearch=ef)
            else:
                params = faiss.SearchParameters(sel=sel)
        elif self.is_hnsw:
            params = _faiss().SearchParametersHNSW(efSearch=max(self.ef_search, k))
        kk = min(k, self.ntotal)
        scores, ids = self._index.search(q, kk, params=params)
        keep = ids[0] >= 0  # -1 pads when fewer than k rows are allowed
        return ids[0][keep].astype(np.int64), scores[0][keep].astype(np.float32)

    def _search_subset(self, q: np.ndarray, allowed: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray] | None:
        try:
            rows = self._index.reconstruct_batch(allowed.astype(np.int64))
        except RuntimeError:  # index type without reconstruct (e.g. IVF without direct map)
            return None
        sc = rows @ q
        if len(sc) > k:
            part = np.argpartition(-sc, k - 1)[:k]
        else:
            part = np.arange(len(sc))
        order = part[np.lexsort((allowed[part], -sc[part]))]
        return allowed[order].astype(np.int64), sc[order].astype(np.float32)

    def save(self, directory: str | Path) -> None:
        d = Path(directory)
        d.mkdir(parents=True, exist_ok=True)
        _faiss().write_index(self._index, str(d / _FILE))
        meta = {"format": FORMAT_VERSION, "dim": self.dim, "ntotal": self.ntotal, "factory": self.factory,
                "ef_search": self.ef_search}
        (d / _META).write_text(json.dumps(meta, indent=1), encoding="utf-8")

    @classmethod
    def load(cls, directory: str | Path, mmap: bool = True) -> DenseIndex:
        """Open a saved index; Flat indexes are memory-mapped read-only when ``mmap``."""
        faiss = _faiss()
        d = Path(directory)
        path, meta_path = d / _FILE, d / _META
        for p in (path, meta_path):
            if not p.is_file():
                raise FileNotFoundError(f"dense index not found: {p} is missing")
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as e:
            raise ValueError(f"{meta_path}: not valid JSON ({e})") from e
        if meta.get("format") != FORMAT_VERSION:
            raise ValueError(f"{meta_path}: dense format {meta.get('format')!r}, expected {FORMAT_VERSION}; rebuild")
        index = None
        if mmap:
            try:
                index = faiss.read_index(str(path), faiss.IO_FLAG_MMAP | faiss.IO_FLAG_READ_ONLY)
            except RuntimeError:  # index types faiss cannot map are read normally
                index = None
        if index is None:
            try:
                index = faiss.read_index(str(path))
            except RuntimeError as e:
                raise ValueError(f"{path}: cannot read FAISS index ({e})") from e
        if index.d != meta["dim"] or index.ntotal != meta["ntotal"]:
            raise ValueError(f"{path}: holds {index.ntotal}x{index.d}, manifest says {meta['ntotal']}x{meta['dim']}")
        return cls(index, meta.get("factory", "Flat"), int(meta.get("ef_search", 256)))

    def vectors(self, start: int = 0, n: int | None = None) -> np.ndarray:
        """The stored vectors ``start … start+n`` (all by default), as float32 rows (for copying to another store).

            >>> DenseIndex.build(np.eye(3, dtype=np.float32)).vectors(1, 1).tolist()
            [[0.0, 1.0, 0.0]]
        """
        n = self.ntotal - start if n is None else n
        return np.asarray(self._index.reconstruct_n(start, n), dtype=np.float32)

    def memory_bytes(self) -> int:
        """Approximate size of the stored vectors (mapped or resident) plus an HNSW graph's links."""
        links = self.ntotal * int(self.factory[4:].split(",")[0] or 32) * 2 * 4 if self.is_hnsw else 0
        return self.ntotal * self.dim * 4 + links
