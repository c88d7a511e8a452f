"""BM25Index against the reference rank_bm25.BM25Okapi, plus weights, masks and persistence."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest
from rank_bm25 import BM25Okapi

from index.bm25 import BM25Index

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples"
TOL = {"float64": dict(rtol=1e-12, atol=1e-12), "float32": dict(rtol=2e-6, atol=1e-6)}


def random_corpus(seed: int = 0, n_docs: int = 300) -> tuple[list[list[str]], list[str]]:
    rng = random.Random(seed)
    vocab = [f"t{i}" for i in range(200)]
    # Zipf-like: a few terms occur in most docs (negative idf → epsilon floor), most are rare.
    weights = [1 / (i + 1) for i in range(len(vocab))]
    docs = [rng.choices(vocab, weights, k=rng.randint(0, 40)) for _ in range(n_docs)]
    return docs, vocab


def sample_corpus() -> list[list[str]]:
    import rjieba

    docs = []
    for p in sorted(SAMPLES.glob("*.txt")):
        text = "".join(p.read_text(encoding="utf-8").split())
        docs.extend([t for t in rjieba.cut(text[i : i + 200]) if t.strip()] for i in range(0, len(text), 200))
    return docs


@pytest.fixture(scope="module")
def rand():
    docs, vocab = random_corpus()
    return docs, vocab, BM25Okapi(docs)


@pytest.fixture(scope="module")
def real():
    docs = sample_corpus()
    assert len(docs) > 50
    return docs, BM25Okapi(docs)


def random_queries(vocab: list[str], n: int = 40, seed: int = 1) -> list[list[str]]:
    rng = random.Random(seed)
    return [rng.choices(vocab + ["unknown-term"], k=rng.randint(1, 8)) for _ in range(n)]


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_scores_equal_reference_random(rand, dtype):
    docs, vocab, ref = rand
    idx = BM25Index.build(docs, dtype=dtype)
    assert idx.n_docs == len(docs)
    assert idx.vocab_size == len(ref.idf)
    assert any(v == ref.epsilon * ref.average_idf for v in ref.idf.values())  # the floor is exercised
    for q in random_queries(vocab):
        np.testing.assert_allclose(idx.scores(q), ref.get_scores(q), **TOL[dtype])


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_scores_and_ranking_equal_reference_real_text(real, dtype):
    import rjieba

    docs, ref = real
    idx = BM25Index.build(docs, dtype=dtype)
    rng = random.Random(2)
    for _ in range(20):
        d = rng.choice([d for d in docs if len(d) > 10])
        s = rng.randint(0, len(d) - 6)
        q = rjieba.cut("".join(d[s : s + 6]))
        want = ref.get_scores(q)
        got = idx.scores(q)
        np.testing.assert_allclose(got, want, **TOL[dtype])
        ids, sc = idx.top_k(q, 10)
        ref_order = [i for i in np.argsort(-want, kind="stable") if want[i] > 0][:10]
        np.testing.assert_allclose(sc, want[ref_order], **TOL[dtype])
        # Same documents, except where float rounding may reorder exact ties.
        if len(set(np.round(want[ref_order], 6))) == len(ref_order):
            assert ids.tolist() == ref_order


def test_duplicate_terms_count_like_reference(rand):
    docs, _, ref = rand
    idx = BM25Index.build(docs, dtype="float64")
    for q in (["t3", "t3"], ["t3", "t7", "t3", "t3"]):
        np.testing.assert_allclose(idx.scores(q), ref.get_scores(q), rtol=1e-12)
    np.testing.assert_allclose(idx.scores(["t3", "t3"]), 2 * idx.scores(["t3"]), rtol=1e-12)


@pytest.mark.parametrize("query", [[], ["never-seen"], {}, {"never-seen": 3.0}, {"t1": 0.0}])
def test_empty_or_unknown_query_scores_zero(rand, query):
    docs, _, _ = rand
    idx = BM25Index.build(docs)
    assert not idx.scores(query).any()
    ids, sc = idx.top_k(query, 5)
    assert len(ids) == 0 and len(sc) == 0


def test_weighted_query_multiplies_contributions(rand):
    docs, _, ref = rand
    idx = BM25Index.build(docs, dtype="float64")
    got = idx.scores({"t5": 2.0, "t40": 0.5, "t90": 0.5, "nope": 9.0})
    want = 2.0 * ref.get_scores(["t5"]) + 0.5 * ref.get_scores(["t40"]) + 0.5 * ref.get_scores(["t90"])
    np.testing.assert_allclose(got, want, rtol=1e-12)
    # Weight 1 for every term is the plain list query.
    np.testing.assert_allclose(idx.scores({"t5": 1, "t40": 1}), ref.get_scores(["t5", "t40"]), rtol=1e-12)


def test_epsilon_floor_for_very_common_term():
    docs = [["common", f"r{i}"] for i in range(9)] + [["other"]]
    ref = BM25Okapi(docs)
    idx = BM25Index.build(docs, dtype="float64")
    assert idx.idf[idx.vocab["common"]] == pytest.approx(0.25 * ref.average_idf)
    np.testing.assert_allclose(idx.scores(["common", "r3"]), ref.get_scores(["common", "r3"]), rtol=1e-12)


def test_top_k_order_ties_and_k(rand):
    docs, _, ref = rand
    idx = BM25Index.build(docs)
    ids, sc = idx.top_k(["t1", "t30"], 1000)
    assert np.all(np.diff(sc) <= 0)
    assert len(ids) == int((ref.get_scores(["t1", "t30"]) > 0).sum())  # only matching docs
    tie = sc[:-1] == sc[1:]
    assert np.all(ids[:-1][tie] < ids[1:][tie])  # ties: lower ordinal first
    assert len(idx.top_k(["t1"], 0)[0]) == 0
    assert idx.top_k(["t1"], 3)[0].tolist() == ids_for(idx, ["t1"])[:3]


def ids_for(idx: BM25Index, q) -> list[int]:
    s = idx.scores(q).astype(np.float64)
    return [int(i) for i in np.lexsort((np.arange(len(s)), -s)) if s[i] > 0]


@pytest.mark.parametrize("density", [0.02, 0.5, 1.0])
def test_mask_filters(rand, density):
    docs, vocab, _ = rand
    idx = BM25Index.build(docs)
    mask = np.random.default_rng(3).random(len(docs)) < density
    for q in random_queries(vocab, 10):
        ids, sc = idx.top_k(q, 7, mask=mask)
        assert mask[ids].all()
        want = [i for i in ids_for(idx, q) if mask[i]][:7]
        assert ids.tolist() == want
    assert len(idx.top_k(["t1"], 5, mask=np.zeros(len(docs), bool))[0]) == 0


def test_bad_inputs(rand):
    docs, _, _ = rand
    idx = BM25Index.build(docs)
    with pytest.raises(TypeError, match="not a str"):
        idx.scores("t1 t2")
    with pytest.raises(ValueError, match="mask"):
        idx.top_k(["t1"], 3, mask=np.ones(3, bool))
    with pytest.raises(ValueError, match="mask"):
        idx.top_k(["t1"], 3, mask=np.ones(len(docs), int))
    with pytest.raises(ValueError, match="not finite"):
        idx.scores({"t1": float("nan")})
    with pytest.raises(ValueError, match="no documents"):
        BM25Index.build([])
    with pytest.raises(TypeError, match="document 1 is a str"):
        BM25Index.build([["a"], "b c"])


def test_empty_documents_and_small_batches_build_same_index(rand):
    docs, vocab, _ = rand
    docs = [[], *docs, []]
    a = BM25Index.build(docs)
    b = BM25Index.build(docs, batch_docs=7)
    for q in random_queries(vocab, 5):
        np.testing.assert_array_equal(a.scores(q), b.scores(q))
    assert a.scores(["t1"])[0] == 0


@pytest.mark.parametrize("mmap", [True, False])
def test_save_load_round_trip(rand, tmp_path, mmap):
    docs, vocab, _ = rand
    idx = BM25Index.build(docs)
    idx.save(tmp_path)
    assert not list(tmp_path.glob("*.pkl"))
    back = BM25Index.load(tmp_path, mmap=mmap)
    assert isinstance(back.data, np.memmap) == mmap
    assert (back.n_docs, back.vocab_size, back.k1, back.b, back.epsilon) == (idx.n_docs, idx.vocab_size, 1.5, 0.75, 0.25)
    assert back.memory_bytes() == idx.memory_bytes() > 0
    for q in random_queries(vocab, 10):
        np.testing.assert_array_equal(back.scores(q), idx.scores(q))
        a, b = back.top_k(q, 5), idx.top_k(q, 5)
        assert a[0].tolist() == b[0].tolist()
    back.top_k({"t2": 0.5}, 3, mask=np.ones(len(docs), bool))


def test_load_errors(rand, tmp_path):
    with pytest.raises(FileNotFoundError, match="bm25_meta.json"):
        BM25Index.load(tmp_path / "nowhere")
    docs, _, _ = rand
    BM25Index.build(docs).save(tmp_path)
    (tmp_path / "bm25_data.npy").unlink()
    with pytest.raises(FileNotFoundError, match="bm25_data.npy"):
        BM25Index.load(tmp_path)


def test_a_corpus_of_two_passages_still_ranks():
    """Okapi's idf is ≤ 0 for every term of a two-passage corpus (one short file); the index still finds the passage
    that holds the query's words."""
    from index.bm25 import BM25Index

    idx = BM25Index.build([["青岛市", "技术合同", "800亿元"], ["济南市", "技术合同", "600亿元"]])
    ids, scores = idx.top_k({"青岛市": 1.0, "技术合同": 1.0}, 2)
    assert ids.tolist()[0] == 0 and scores[0] > scores[1] > 0
