"""Fusion of ranked candidate lists from several retrievers.

Pure functions over ``{chunk_index: score}`` dicts.

    >>> fuse_minmax({"bm25": {1: 10.0, 2: 5.0}, "dense": {2: 0.9, 3: 0.8}}, {"bm25": 0.5, "dense": 0.5})[2]
    0.5
    >>> sorted(fuse_rrf({"bm25": {1: 10.0, 2: 5.0}, "dense": {2: 0.9}}, k=60).items())[0][0]
    1
"""

from __future__ import annotations

from collections.abc import Mapping

Scores = Mapping[int, float]


def minmax(scores: Scores) -> dict[int, float]:
    """Scale scores to [0, 1] within one list; a list of equal scores maps to 1."""
    if not scores:
        return {}
    lo, hi = min(scores.values()), max(scores.values())
    if hi - lo <= 1e-12:
        return {i: 1.0 for i in scores}
    return {i: (s - lo) / (hi - lo) for i, s in scores.items()}


def fuse_minmax(lists: Mapping[str, Scores], weights: Mapping[str, float]) -> dict[int, float]:
    """Weighted sum of min-max normalised scores; a candidate missing from a list gets 0 there."""
    out: dict[int, float] = {}
    for name, scores in lists.items():
        w = weights.get(name, 0.0)
        if w == 0.0:
            continue
        for i, s in minmax(scores).items():
            out[i] = out.get(i, 0.0) + w * s
    return out


def fuse_rrf(lists: Mapping[str, Scores], k: int = 60, weights: Mapping[str, float] | None = None) -> dict[int, float]:
    """Reciprocal rank fusion: sum of w / (k + rank), rank starting at 1."""
    out: dict[int, float] = {}
    for name, scores in lists.items():
        w = 1.0 if weights is None else weights.get(name, 0.0)
        if w == 0.0:
            continue
        ranked = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
        for r, (i, _s) in enumerate(ranked, start=1):
            out[i] = out.get(i, 0.0) + w / (k + r)
    return out


def fuse(lists: Mapping[str, Scores], method: str, weights: Mapping[str, float], rrf_k: int = 60) -> dict[int, float]:
    if method == "minmax":
        return fuse_minmax(lists, weights)
    if method == "rrf":
        return fuse_rrf(lists, k=rrf_k, weights=weights)
    raise ValueError(f"unknown fusion method {method!r} (use 'minmax' or 'rrf')")
