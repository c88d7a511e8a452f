import pytest

from retrieval.fusion import fuse, fuse_minmax, fuse_rrf, minmax


def test_minmax_scales_to_unit_interval():
    assert minmax({1: 2.0, 2: 4.0, 3: 3.0}) == {1: 0.0, 2: 1.0, 3: 0.5}


@pytest.mark.parametrize("scores", [{}, {7: 3.0}, {1: 2.0, 2: 2.0}])
def test_minmax_degenerate(scores):
    out = minmax(scores)
    assert set(out) == set(scores)
    assert all(v == 1.0 for v in out.values())


def test_weighted_minmax_missing_candidate_gets_zero():
    out = fuse_minmax({"bm25": {1: 10.0, 2: 0.0}, "dense": {2: 0.9, 3: 0.1}}, {"bm25": 0.3, "dense": 0.7})
    assert out[1] == pytest.approx(0.3)
    assert out[2] == pytest.approx(0.7)
    assert out[3] == pytest.approx(0.0)


def test_zero_weight_ignores_list():
    out = fuse_minmax({"bm25": {1: 1.0, 2: 0.5}, "dense": {3: 1.0}}, {"bm25": 0.0, "dense": 1.0})
    assert set(out) == {3}


def test_rrf_matches_formula():
    out = fuse_rrf({"a": {1: 0.9, 2: 0.5}, "b": {2: 3.0, 1: 1.0}}, k=60)
    assert out[1] == pytest.approx(1 / 61 + 1 / 62)
    assert out[2] == pytest.approx(1 / 62 + 1 / 61)


def test_rrf_weights():
    out = fuse_rrf({"a": {1: 1.0}, "b": {2: 1.0}}, k=10, weights={"a": 2.0, "b": 1.0})
    assert out[1] > out[2]


def test_unknown_method():
    with pytest.raises(ValueError, match="unknown fusion"):
        fuse({}, "sum", {})
