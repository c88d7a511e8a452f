"""Exact against HNSW search on the dense side: recall@10, query time (median), build time, memory. One table.

    .venv/bin/python scripts/bench_dense.py --cache var/exp/vectors.sqlite \\
        --questions ../shared/eval/gov_dev.jsonl tests/data/gov/dev.jsonl --random 100000 1000000

Rows: the real passage vectors of a vector cache (every vector it holds for the bundled encoder) searched with the
encoded questions of gold files; and ``--random`` sets of random unit vectors (no structure: the hardest case for a
graph index) searched with noisy copies of their own rows. Recall@10 is the share of exact search's top 10 that
HNSW returns. Times are medians over the queries on a shared machine; no assertion is made on them anywhere.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def cached_vectors(path: Path, encoder: str) -> np.ndarray:
    con = sqlite3.connect(path)
    rows = con.execute("SELECT vec FROM vectors WHERE encoder = ?", (encoder,)).fetchall()
    con.close()
    return np.vstack([np.frombuffer(b, dtype=np.float32) for (b,) in rows]) if rows else np.zeros((0, 0), np.float32)


def question_vectors(paths: list[Path], enc) -> np.ndarray:
    qs = [json.loads(x)["question"] for p in paths for x in p.read_text(encoding="utf-8").splitlines() if x.strip()]
    return np.vstack([enc.encode_query(q) for q in qs])


def random_set(n: int, dim: int, n_q: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, dim), dtype=np.float32)
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    q = x[rng.integers(0, n, n_q)] + 0.1 * rng.standard_normal((n_q, dim), dtype=np.float32)
    return x, q / np.linalg.norm(q, axis=1, keepdims=True)


def measure(name: str, x: np.ndarray, q: np.ndarray, settings: list[tuple[int, int]], ef_construction: int) -> list[str]:
    from index.vectors import DenseIndex

    t0 = time.perf_counter()
    flat = DenseIndex.build(x)
    t_flat = time.perf_counter() - t0
    exact, times = [], []
    for v in q:
        t0 = time.perf_counter()
        exact.append(set(flat.search(v, 10)[0].tolist()))
        times.append(time.perf_counter() - t0)
    rows = [f"| {name} | {len(x):,} | exact (Flat) | {t_flat:.1f} | {flat.memory_bytes() / 2**20:,.0f} | 1.000 | "
            f"{statistics.median(times) * 1000:.2f} |"]
    built: dict[int, tuple[DenseIndex, float]] = {}
    for m, ef in settings:
        if m not in built:
            t0 = time.perf_counter()
            built[m] = (DenseIndex.build(x, f"HNSW{m},Flat", ef_construction=ef_construction), time.perf_counter() - t0)
        idx, t_build = built[m]
        idx.ef_search = ef
        rec, times = [], []
        for v, want in zip(q, exact, strict=True):
            t0 = time.perf_counter()
            got = idx.search(v, 10)[0]
            times.append(time.perf_counter() - t0)
            rec.append(len(want & set(got.tolist())) / max(1, len(want)))
        rows.append(f"| {name} | {len(x):,} | HNSW M={m} ef={ef} | {t_build:.1f} | {idx.memory_bytes() / 2**20:,.0f} | "
                    f"{np.mean(rec):.3f} | {statistics.median(times) * 1000:.2f} |")
        print(rows[-1], file=sys.stderr)
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cache", type=Path, help="a vector cache (vectors.sqlite) holding real passage vectors")
    ap.add_argument("--questions", type=Path, nargs="*", default=[], help="gold files whose questions are the queries")
    ap.add_argument("--random", type=int, nargs="*", default=[], help="sizes of random-vector sets")
    ap.add_argument("--queries", type=int, default=200, help="queries per random set")
    ap.add_argument("--m", type=int, nargs="*", default=[32])
    ap.add_argument("--ef", type=int, nargs="*", default=[64, 128, 256])
    ap.add_argument("--ef-construction", type=int, default=80)
    a = ap.parse_args()
    settings = [(m, ef) for m in a.m for ef in a.ef]
    rows: list[str] = []
    if a.cache:
        from config import EncoderConfig
        from index.encoders import make_encoder

        if not a.cache.is_file():
            sys.exit(f"{a.cache}: 没有向量缓存 / no vector cache there")
        if not a.questions:
            sys.exit("--cache needs --questions (gold files whose questions are the queries)")
        enc = make_encoder(EncoderConfig())
        x = cached_vectors(a.cache, enc.name)
        if not len(x):
            sys.exit(f"{a.cache}: no vectors of {enc.name}")
        rows += measure("gov passages (real)", x, question_vectors(a.questions, enc), settings, a.ef_construction)
    for n in a.random:
        x, q = random_set(n, 384, a.queries)
        rows += measure("random unit vectors", x, q, settings, a.ef_construction)
    print("| vectors | n | index | build s | memory MB | recall@10 | query ms (median) |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
