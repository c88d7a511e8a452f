"""DenseIndex (FAISS) against numpy, and the SQLite vector cache with encode_with_cache."""

from __future__ import annotations

import numpy as np
import pytest

import index.vectors as vectors
from index.vector_cache import VectorCache, encode_with_cache, text_hash
from index.vectors import DenseIndex


def unit_rows(n: int, dim: int = 32, seed: int = 0) -> np.ndarray:
    x = np.random.default_rng(seed).standard_normal((n, dim)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def numpy_top_k(m: np.ndarray, q: np.ndarray, k: int, mask=None) -> tuple[list[int], np.ndarray]:
    s = m @ q
    ids = [i for i in np.argsort(-s, kind="stable") if mask is None or mask[i]][:k]
    return ids, s[ids]


@pytest.fixture(scope="module")
def data():
    m = unit_rows(500)
    return m, DenseIndex.build(m), unit_rows(10, seed=1)


def test_flat_search_equals_numpy(data):
    m, idx, qs = data
    assert (idx.dim, idx.ntotal) == (32, 500)
    for q in qs:
        ids, sc = idx.search(q, 10)
        want_ids, want_sc = numpy_top_k(m, q, 10)
        assert ids.tolist() == want_ids
        np.testing.assert_allclose(sc, want_sc, rtol=1e-5, atol=1e-6)
        assert ids.dtype == np.int64 and sc.dtype == np.float32


@pytest.mark.parametrize("small_mask_limit", [vectors.SMALL_MASK, 0])  # numpy subset path / faiss selector path
@pytest.mark.parametrize("density", [0.01, 0.3, 1.0])
def test_mask_respected(data, monkeypatch, small_mask_limit, density):
    monkeypatch.setattr(vectors, "SMALL_MASK", small_mask_limit)
    m, idx, qs = data
    mask = np.random.default_rng(4).random(len(m)) < density
    for q in qs:
        ids, sc = idx.search(q, 8, mask=mask)
        assert mask[ids].all()
        want_ids, want_sc = numpy_top_k(m, q, 8, mask)
        assert ids.tolist() == want_ids
        np.testing.assert_allclose(sc, want_sc, rtol=1e-5, atol=1e-6)


def test_edge_cases(data):
    m, idx, qs = data
    assert len(idx.search(qs[0], 10, mask=np.zeros(len(m), bool))[0]) == 0
    assert len(idx.search(qs[0], 0)[0]) == 0
    assert len(idx.search(qs[0], 10_000)[0]) == len(m)
    one = np.zeros(len(m), bool)
    one[42] = True
    assert idx.search(qs[0], 5, mask=one)[0].tolist() == [42]
    with pytest.raises(ValueError, match="dim"):
        idx.search(np.ones(7, np.float32), 3)
    with pytest.raises(ValueError, match="mask"):
        idx.search(qs[0], 3, mask=np.ones(3, bool))
    with pytest.raises(ValueError, match="2-D"):
        DenseIndex.build(np.ones(5, np.float32))
    with pytest.raises(ValueError, match="NaN"):
        DenseIndex.build(np.full((2, 3), np.nan, np.float32))
    empty = DenseIndex.build(np.zeros((0, 4), np.float32))
    assert empty.ntotal == 0 and len(empty.search(np.ones(4), 3)[0]) == 0


@pytest.mark.parametrize("mmap", [True, False])
def test_save_load_round_trip(data, tmp_path, mmap):
    m, idx, qs = data
    idx.save(tmp_path)
    back = DenseIndex.load(tmp_path, mmap=mmap)
    assert (back.dim, back.ntotal, back.factory) == (idx.dim, idx.ntotal, "Flat")
    mask = np.arange(len(m)) % 3 == 0
    for q in qs:
        for kw in ({}, {"mask": mask}):
            a, b = back.search(q, 5, **kw), idx.search(q, 5, **kw)
            assert a[0].tolist() == b[0].tolist()
            np.testing.assert_array_equal(a[1], b[1])


def test_load_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="dense.faiss"):
        DenseIndex.load(tmp_path)
    DenseIndex.build(unit_rows(5)).save(tmp_path)
    (tmp_path / "dense.faiss").write_bytes(b"garbage")
    with pytest.raises(ValueError, match="dense.faiss"):
        DenseIndex.load(tmp_path, mmap=False)


def test_factory_seam_hnsw(data):
    m, _, qs = data
    idx = DenseIndex.build(m, index_factory="HNSW16,Flat")
    assert idx.factory == "HNSW16,Flat"
    for i in (0, 17, 499):
        assert idx.search(m[i], 1)[0].tolist() == [i]


# ------------------------------------------------------------------ vector cache


class CountingEncoder:
    """Deterministic fake encoder that records every text it encodes; can fail on a given call."""

    def __init__(self, name: str = "fake:v1", dim: int = 8, fail_on_call: int | None = None) -> None:
        self.name, self.dim = name, dim
        self.encoded: list[str] = []
        self.calls = 0
        self.fail_on_call = fail_on_call

    def encode_passages(self, texts, batch_size=16, progress=None):
        self.calls += 1
        if self.calls == self.fail_on_call:
            raise KeyboardInterrupt("simulated kill")
        self.encoded.extend(texts)
        rows = [np.random.default_rng(int(text_hash(t)[:8], 16)).standard_normal(self.dim) for t in texts]
        return np.asarray(rows, np.float32).reshape(len(texts), self.dim)

    def encode_query(self, text):
        return self.encode_passages([text])[0]


def test_cache_put_get(tmp_path):
    path = tmp_path / "sub" / "vectors.sqlite"
    with VectorCache(path) as c:
        hs = [text_hash(f"t{i}") for i in range(1200)]
        assert c.put_many("e", [(h, np.full(3, i, np.float32)) for i, h in enumerate(hs)], batch=500) == 1200
        got = c.get_many("e", hs + ["missing"])
        assert len(got) == 1200 and got[hs[7]].tolist() == [7, 7, 7]
        assert c.get_many("other-encoder", hs) == {}
        assert c.count() == 1200 and c.count("e") == 1200
    with VectorCache(path) as c:  # persisted
        assert c.get_many("e", hs[:1])[hs[0]].dtype == np.float32


def test_cache_sets_a_non_sqlite_file_aside(tmp_path):
    bad = tmp_path / "x.sqlite"
    bad.write_bytes(b"not a database at all" * 100)
    with VectorCache(bad) as c:  # never trusted, never deleted: moved aside, a fresh cache in its place
        assert c.count() == 0 and c.set_aside.read_bytes().startswith(b"not a database")


def test_encode_with_cache_encodes_only_misses(tmp_path):
    texts = [f"第{i}条 医保政策" for i in range(10)] + ["第3条 医保政策"]  # one duplicate
    enc = CountingEncoder()
    progress: list[tuple[int, int]] = []
    with VectorCache(tmp_path / "v.sqlite") as cache:
        first = encode_with_cache(enc, texts, cache, batch_size=4, progress=lambda d, n: progress.append((d, n)))
        assert sorted(enc.encoded) == sorted(set(texts))  # duplicate encoded once
        assert progress[-1] == (11, 11)
        np.testing.assert_array_equal(first[3], first[10])
        np.testing.assert_array_equal(first, CountingEncoder().encode_passages(texts))

        enc2 = CountingEncoder()
        again = encode_with_cache(enc2, texts + ["新文本"], cache, batch_size=4)
        assert enc2.encoded == ["新文本"]
        np.testing.assert_array_equal(again[:11], first)

        other = CountingEncoder(name="fake:v2")
        encode_with_cache(other, texts[:2], cache)
        assert len(other.encoded) == 2  # cache is per encoder name
        assert len(encode_with_cache(enc2, [], cache)) == 0


def test_interrupted_build_keeps_committed_batches(tmp_path):
    texts = [f"段落{i}" for i in range(10)]
    path = tmp_path / "v.sqlite"
    with VectorCache(path) as cache:
        with pytest.raises(KeyboardInterrupt):
            encode_with_cache(CountingEncoder(fail_on_call=3), texts, cache, batch_size=3)
    with VectorCache(path) as cache:  # a new process would reopen the file
        assert cache.count("fake:v1") == 6
        enc = CountingEncoder()
        encode_with_cache(enc, texts, cache, batch_size=3)
        assert enc.encoded == texts[6:]


def test_encode_with_cache_without_cache_and_bad_shapes():
    enc = CountingEncoder()
    assert encode_with_cache(enc, ["a", "b"], None).shape == (2, 8)
    with pytest.raises(TypeError):
        encode_with_cache(enc, "ab", None)

    class Wrong(CountingEncoder):
        def encode_passages(self, texts, batch_size=16, progress=None):
            return np.zeros((len(texts), 3), np.float32)

    with pytest.raises(ValueError, match="shape"):
        encode_with_cache(Wrong(), ["a"], None)


def _clustered(n: int, dim: int = 32, seed: int = 0) -> np.ndarray:
    """Unit vectors around 20 centres: the structure real embeddings have (random ones have none)."""
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((20, dim))
    x = centres[rng.integers(0, 20, n)] + 0.3 * rng.standard_normal((n, dim))
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


def test_hnsw_finds_what_exact_search_finds_and_survives_save_load(tmp_path):
    from config import DenseConfig
    from index.vectors import DenseIndex, factory_for

    x = _clustered(3000)
    factory = factory_for(len(x), DenseConfig(kind="hnsw", hnsw_m=16))
    hnsw = DenseIndex.build(x, factory, ef_construction=40, ef_search=64)
    flat = DenseIndex.build(x)
    assert hnsw.is_hnsw and not flat.is_hnsw and hnsw.memory_bytes() > flat.memory_bytes()
    hnsw.save(tmp_path / "d")
    loaded = DenseIndex.load(tmp_path / "d")
    assert loaded.factory == "HNSW16,Flat" and loaded.ef_search == 64
    recall = []
    for qi in range(0, 3000, 60):
        q = x[qi] + 0.05 * np.random.default_rng(qi).standard_normal(32).astype(np.float32)
        want = set(flat.search(q, 10)[0].tolist())
        got = loaded.search(q, 10)[0]
        recall.append(len(want & set(got.tolist())) / 10)
    assert np.mean(recall) >= 0.95


@pytest.mark.parametrize("allowed_share", [0.01, 0.5])
def test_hnsw_search_honours_the_mask(allowed_share, monkeypatch):
    """A few allowed rows are searched exactly; many go through the graph with a selector — never a masked-out row."""
    from index import vectors
    from index.vectors import DenseIndex

    monkeypatch.setattr(vectors, "SMALL_MASK", 100)  # 30 rows exact, 1,500 through the graph

    x = _clustered(3000, seed=1)
    idx = DenseIndex.build(x, "HNSW16,Flat", ef_construction=40, ef_search=64)
    mask = np.random.default_rng(2).random(3000) < allowed_share
    ids, sc = idx.search(x[0], 10, mask=mask)
    assert len(ids) == min(10, int(mask.sum())) and mask[ids].all()
    assert (np.diff(sc) <= 1e-6).all()


def test_factory_for_rejects_an_unknown_kind():
    from config import DenseConfig
    from index.vectors import factory_for

    with pytest.raises(ValueError, match="flat"):
        factory_for(10, DenseConfig(kind="ivf"))
