"""The scale benchmark (``make bench``): indexes of 10k, 100k and 1M passages of gov text, one table.

    .venv/bin/python scripts/bench_scale.py --source var/gov_bm25 --sizes 10000 100000 1000000

Passages are the chunks of a built index (``--source``, e.g. the BM25-only gov index of ``ingest --encoder none``),
whole documents in order; above its size the corpus is repeated (copies of the documents under new names). The
dense side holds **random unit vectors** (encoding a million passages is days of CPU): its latency and memory are
real, its hits meaningless; the recall of the approximate index on real vectors is ``scripts/bench_dense.py``'s.
Queries are the questions of ``--questions`` (gold files), encoded by the bundled encoder as in real use.

For each size: the build (BM25 + dense index + document store; tokenising is not timed, the tokens of the source
are reused), the size on disk, then in a fresh process: opening the index, resident memory, p50/p95 of ``search``
(BM25, dense, hybrid, query encoding included) and ``ask``, by one client and by ``--clients`` threads at once.
The reference row is rank_bm25 (the design card's library) over the same passages. Shared machine: medians, and
no test asserts any of these times.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

DEFAULT_QUESTIONS = [ROOT.parent / "shared" / "eval" / "gov_dev.jsonl", ROOT / "tests" / "data" / "gov" / "dev.jsonl"]


def _pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(q * (len(xs) - 1))))] if xs else float("nan")


def peak_rss_mb() -> float:
    """This process's peak resident memory. Not ``ru_maxrss``: Linux keeps it across fork and exec, so a child
    started by the (large) parent would report the parent's."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _du(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def questions(paths: list[Path], n: int) -> list[str]:
    out = []
    for p in paths:
        if p.is_file():
            out += [json.loads(x)["question"] for x in p.read_text(encoding="utf-8").splitlines() if x.strip()]
    if not out:
        sys.exit("没有问题文件 / no questions: pass --questions gold files")
    step = max(1, len(out) // n)
    return out[::step][:n]


def source_passages(src: Path):
    """Documents, chunks and their analyzer tokens of the source index."""
    from config import Config
    from index.build import indexed_text, make_analyzer
    from index.store import load_index

    cfg = Config().with_(index_dir=src)
    idx = load_index(src, load_dense=False)
    an = make_analyzer(cfg)
    chunks = [idx.chunk(i) for i in range(idx.n_chunks)]
    t0 = time.time()
    tokens = [an.tokenize(indexed_text(idx.doc_of_chunk(i), c)) for i, c in enumerate(chunks)]
    print(f"  tokenised {len(chunks):,} source passages in {time.time() - t0:.0f} s", file=sys.stderr)
    return idx, chunks, tokens, an


def build_size(n: int, src, work: Path) -> dict:
    """An index of ``n`` passages under ``work``; returns build figures."""
    from config import Config, DenseConfig
    from index import store, versions
    from index.bm25 import BM25Index
    from index.build import INGEST_VERSION
    from index.encoders import make_encoder
    from index.vectors import DenseIndex, factory_for

    idx, chunks, tokens, an = src
    docs, roots, out_chunks, out_tokens = [], [], [], []
    rep = 0
    while len(out_chunks) < n:
        for di, d in enumerate(idx.docs):
            if len(out_chunks) >= n:
                break
            nd = d if rep == 0 else replace(d, doc_id=f"{d.doc_id}#r{rep}", name=f"{d.name}#r{rep}")
            docs.append(nd)
            roots.append(idx.roots[di])
            for i in idx.chunks_of_doc(di):
                out_chunks.append(replace(chunks[i], doc_id=nd.doc_id))
                out_tokens.append(tokens[i])
        rep += 1
    enc = make_encoder(Config().encoder)
    rng = np.random.default_rng(n)
    vecs = rng.standard_normal((len(out_chunks), enc.dim), dtype=np.float32)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    index_dir = work / f"n{n}"
    shutil.rmtree(index_dir, ignore_errors=True)
    staging = index_dir / ".staging-v0"
    staging.mkdir(parents=True)
    t0 = time.time()
    BM25Index.build(out_tokens).save(staging / "bm25")
    t_bm25 = time.time() - t0
    dc = DenseConfig()
    factory = factory_for(len(vecs), dc)
    t0 = time.time()
    DenseIndex.build(vecs, factory, ef_construction=dc.ef_construction, ef_search=dc.ef_search).save(staging / "dense")
    t_dense = time.time() - t0
    t0 = time.time()
    store.write_docs_db(staging / "docs.sqlite", docs, roots, out_chunks)
    t_docs = time.time() - t0
    manifest = {"format_version": store.FORMAT_VERSION, "analyzer": an.fingerprint(),
                "encoder": {"name": enc.name, "dim": int(enc.dim)}, "chunker": idx.manifest.get("chunker"),
                "ingest_version": INGEST_VERSION, "dim": int(enc.dim),
                "counts": {"documents": len(docs), "chunks": len(out_chunks)}, "documents": [],
                "note": "scripts/bench_scale.py: random unit vectors on the dense side"}
    (staging / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    versions.publish_version(index_dir, staging)
    return {"n": len(out_chunks), "docs": len(docs), "dense_index": factory, "build_bm25_s": t_bm25,
            "build_dense_s": t_dense, "build_docs_s": t_docs, "disk_mb": _du(index_dir) / 2**20,
            "index_dir": str(index_dir), "tokens": out_tokens}


def measure(index_dir: Path, qs: list[str], clients: int) -> dict:
    """Run in a fresh process: open, memory, latencies."""
    from config import Config
    from retrieval.engine import PolicyQA

    cfg = Config().with_(index_dir=index_dir)
    t0 = time.perf_counter()
    qa = PolicyQA.open(cfg)
    t_open = time.perf_counter() - t0
    qa.ask(qs[0])  # lazily built tables (titles, senses) are part of the first query, not of each
    out: dict = {"open_s": t_open}

    def timed(fn, q):
        qa.searcher._qvecs.clear()  # every query pays its encoding, as a new question does (query_vector's cache)
        t = time.perf_counter()
        fn(q)
        return (time.perf_counter() - t) * 1000

    runs = {"bm25": lambda q: qa.search(q, mode="bm25"), "dense": lambda q: qa.search(q, mode="dense"),
            "hybrid": lambda q: qa.search(q), "ask": lambda q: qa.ask(q)}
    for name, fn in runs.items():
        ms = [timed(fn, q) for q in qs]
        out[name] = (statistics.median(ms), _pct(ms, 0.95))
    out["rss_mb"] = peak_rss_mb()  # one client
    for name in ("hybrid", "ask"):
        with ThreadPoolExecutor(clients) as pool:
            ms = list(pool.map(lambda q, f=runs[name]: timed(f, q), qs * 2))
        out[f"{name}_x{clients}"] = (statistics.median(ms), _pct(ms, 0.95))
    out["rss_peak_mb"] = peak_rss_mb()  # with the threads
    return out


def rank_bm25_row(tokens: list[list[str]], qs: list[str], an, n_q: int = 10) -> tuple[float, float]:
    from rank_bm25 import BM25Okapi

    t0 = time.time()
    bm = BM25Okapi(tokens)
    t_build = time.time() - t0
    ms = []
    for q in qs[:n_q]:
        t = time.perf_counter()
        sc = bm.get_scores(an.tokenize(q))
        np.argpartition(-sc, min(10, len(sc) - 1))[:10]
        ms.append((time.perf_counter() - t) * 1000)
    return t_build, statistics.median(ms)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--source", type=Path, default=ROOT / "var" / "gov_bm25", help="a built index whose passages to use")
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    ap.add_argument("--questions", type=Path, nargs="*", default=DEFAULT_QUESTIONS)
    ap.add_argument("--n-queries", type=int, default=60)
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--work", type=Path, default=ROOT / "var" / "bench")
    ap.add_argument("--rank-bm25-upto", type=int, default=100_000, help="largest size rank_bm25 is run at")
    ap.add_argument("--keep", action="store_true", help="keep the built indexes under --work")
    ap.add_argument("--measure", type=Path, help=argparse.SUPPRESS)  # child mode: measure one index
    a = ap.parse_args()
    qs = questions(a.questions, a.n_queries)
    if a.measure:
        print(json.dumps(measure(a.measure, qs, a.clients)))
        return
    from index.versions import current_version_dir

    if current_version_dir(a.source) is None:
        sys.exit(f"{a.source}: 没有索引 / no index there: build one first, e.g. "
                 f"python cli.py ingest ../shared/corpus/gov --encoder none --index {a.source}")
    src = source_passages(a.source)
    rows = []
    for n in a.sizes:
        print(f"  building {n:,} passages …", file=sys.stderr)
        b = build_size(n, src, a.work)
        child = subprocess.run([sys.executable, __file__, "--measure", b["index_dir"], "--n-queries", str(a.n_queries),
                                "--clients", str(a.clients), "--questions", *map(str, a.questions)],
                               capture_output=True, text=True, cwd=ROOT)
        if child.returncode != 0:
            sys.exit(f"measuring {b['index_dir']} failed:\n{child.stderr[-2000:]}")
        m = json.loads(child.stdout.strip().splitlines()[-1])
        ref = rank_bm25_row(b["tokens"], qs, src[3]) if n <= a.rank_bm25_upto else None
        rows.append((b, m, ref))
        print(f"  {n:,}: {json.dumps(m)}", file=sys.stderr)
        if not a.keep:
            shutil.rmtree(b["index_dir"], ignore_errors=True)
    print(f"{len(qs)} questions (gov, mixed languages); dense side random unit vectors; {os.cpu_count()} cores; "
          f"times in ms, p50 / p95; ×{a.clients} = {a.clients} threads at once\n")
    print(f"| passages | dense index | build s (BM25 + dense + store) | disk MB | open s | memory MB (1 / ×{a.clients}) | BM25 search | "
          f"dense search | hybrid search | ask | hybrid ×{a.clients} | ask ×{a.clients} | rank_bm25 (build s / query) |")
    print("| --- " * 13 + "|")

    def f(p):
        return f"{p[0]:.1f} / {p[1]:.1f}"

    for b, m, ref in rows:
        ref_s = f"{ref[0]:.0f} / {ref[1]:.0f}" if ref else "—"
        print(f"| {b['n']:,} | {b['dense_index']} | {b['build_bm25_s']:.0f} + {b['build_dense_s']:.0f} + "
              f"{b['build_docs_s']:.0f} | {b['disk_mb']:,.0f} | {m['open_s']:.2f} | {m['rss_mb']:,.0f} / {m['rss_peak_mb']:,.0f} | "
              f"{f(m['bm25'])} | "
              f"{f(m['dense'])} | {f(m['hybrid'])} | {f(m['ask'])} | {f(m[f'hybrid_x{a.clients}'])} | "
              f"{f(m[f'ask_x{a.clients}'])} | {ref_s} |")


if __name__ == "__main__":
    main()
