"""Benchmark BM25 engines on the gov corpus: build time and per-query latency (p50/p95).

Chunks are the corpus text cut into ~400-character pieces, tokenized with plain ``rjieba.cut``.
Queries are random 15–40 character spans of random chunks (a question-sized token list).
Latency is one full score vector plus a top-10 selection, per query, single thread.

    .venv/bin/python scripts/bench_bm25.py                 # 10k and 100k chunks
    .venv/bin/python scripts/bench_bm25.py --million       # also our engine at 1M (corpus repeated)
"""

from __future__ import annotations

import argparse
import gc
import random
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

CORPUS = Path("/work/shared/corpus/gov")


def load_chunks(n: int, size: int = 400) -> list[str]:
    texts = [p.read_text(encoding="utf-8", errors="replace") for p in sorted(CORPUS.glob("*.txt"))]
    chunks: list[str] = []
    for offset in (0, size // 2):  # a second, shifted cut when the corpus is too small for n
        for t in texts:
            t = " ".join(t.split())
            chunks.extend(t[i : i + size] for i in range(offset, len(t), size) if len(t[i : i + size]) > 50)
        if len(chunks) >= n:
            break
    random.Random(0).shuffle(chunks)
    return chunks[:n]


def make_queries(chunks: list[str], n: int) -> list[list[str]]:
    import rjieba

    rng = random.Random(1)
    out = []
    for _ in range(n):
        c = rng.choice(chunks)
        ln = rng.randint(15, 40)
        s = rng.randint(0, max(0, len(c) - ln))
        out.append([t for t in rjieba.cut(c[s : s + ln]) if t.strip()])
    return out


def top10(scores: np.ndarray) -> np.ndarray:
    part = np.argpartition(-scores, 9)[:10]
    return part[np.argsort(-scores[part])]


def timed_queries(fn, queries) -> tuple[float, float]:
    lat = []
    for q in queries:
        t0 = time.perf_counter()
        fn(q)
        lat.append((time.perf_counter() - t0) * 1000)
    return float(np.percentile(lat, 50)), float(np.percentile(lat, 95))


def make_engine(name: str, tokens: list[list[str]], n_docs: int):
    """Build one engine; return its per-query function (scores + top-10)."""
    if name == "rank_bm25":
        from rank_bm25 import BM25Okapi

        m = BM25Okapi(tokens)
        return lambda q: top10(m.get_scores(q))
    if name == "rank-bm25-rs":
        from rank_bm25_rs import BM25Okapi as RsOkapi

        rs = RsOkapi(tokens)
        return lambda q: top10(rs.get_scores(q))
    if name == "bm25s":
        import bm25s

        b = bm25s.BM25(method="robertson")
        b.index(tokens, show_progress=False)
        vocab = b.vocab_dict

        def fn(q):
            ids = [vocab[t] for t in q if t in vocab]
            return top10(b.get_scores_from_ids(ids) if ids else np.zeros(n_docs, np.float32))

        return fn
    if name == "ours":
        from index.bm25 import BM25Index

        idx = BM25Index.build(tokens)
        print(f"  (ours: {idx.vocab_size:,} terms, {len(idx.data):,} postings, {idx.memory_bytes() / 2**20:,.0f} MiB)")
        return lambda q: idx.top_k(q, 10)
    raise ValueError(name)


def bench(n_docs: int, tokens: list[list[str]], queries: list[list[str]], engines: list[str]) -> list[tuple]:
    rows = []
    for name in engines:
        gc.collect()
        t0 = time.perf_counter()
        fn = make_engine(name, tokens, n_docs)
        build = time.perf_counter() - t0
        qs = queries[:20] if name == "rank_bm25" else queries  # rank_bm25 takes ~0.1 s per query at 10k
        p50, p95 = timed_queries(fn, qs)
        rows.append((n_docs, name, build, p50, p95, len(qs)))
        print(f"| {n_docs:>9,} | {name:<13} | {build:8.1f} | {p50:8.2f} | {p95:8.2f} | {len(qs):>4} |", flush=True)
        del fn
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="10000,100000")
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--million", action="store_true", help="also build our engine at 1M chunks (corpus repeated)")
    args = ap.parse_args()
    import rjieba

    sizes = [int(s) for s in args.sizes.split(",")]
    t0 = time.perf_counter()
    chunks = load_chunks(max(sizes))
    tokens_all = [rjieba.cut(c) for c in chunks]
    print(f"{len(chunks):,} chunks tokenized in {time.perf_counter() - t0:.1f}s; "
          f"mean {np.mean([len(t) for t in tokens_all]):.0f} tokens/chunk", flush=True)
    queries = make_queries(chunks, args.queries)
    print("| chunks    | engine        | build s  | p50 ms   | p95 ms   | q    |")
    print("|-----------|---------------|----------|----------|----------|------|")
    for n in sizes:
        engines = ["rank_bm25", "rank-bm25-rs", "bm25s", "ours"] if n <= 20_000 else ["rank-bm25-rs", "bm25s", "ours"]
        bench(n, tokens_all[:n], queries, engines)
    if args.million:
        reps = -(-1_000_000 // len(tokens_all))
        big = (tokens_all * reps)[:1_000_000]
        bench(len(big), big, queries, ["ours"])


if __name__ == "__main__":
    main()
