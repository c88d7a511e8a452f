"""Benchmark an index as a user meets it: load time, memory, and search / ask latency (medians, p95), one table.

    .venv/bin/python scripts/bench.py [--index var/index] [--questions FILE.jsonl] [--rounds 3] [--loads 3]
        [--backends local,milvus]

``--backends``: the chunk stores to measure side by side (``milvus`` needs the index copied into Milvus:
``cli.py ingest <folders> --backend milvus``); a column per store and the ratio of medians to the first.

``--questions``: JSON Lines with a ``question`` field (a gold set); by default ``../shared/eval/seeds_gold.jsonl``
when it exists, else a few built-in questions. The machine is shared and noisy: every figure is a median (or p95)
over repeated runs, never a single timing; compare configurations by the ratio of medians.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from config import Config  # noqa: E402

DEFAULT_QUESTIONS = ROOT.parent / "shared" / "eval" / "seeds_gold.jsonl"
BUILTIN = ["哪个省份将技术合同成交额的目标设定为突破500亿元？", "Which province targets 50 billion yuan of contract turnover?",
           "研发经费投入强度达到多少？", "高新技术企业数量的目标是多少家？"]


def _pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(q * (len(xs) - 1))))]


def load_questions(path: Path | None) -> list[str]:
    p = path or (DEFAULT_QUESTIONS if DEFAULT_QUESTIONS.is_file() else None)
    if p is None:
        return BUILTIN
    if not p.is_file():
        raise SystemExit(f"找不到问题文件 / no such questions file: {p}")
    out = []
    for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            try:
                out.append(json.loads(line)["question"])
            except (ValueError, KeyError, TypeError):
                raise SystemExit(f"{p}:{n}: 不是带 question 字段的 JSON / not JSON with a 'question' field") from None
    return out


def measure(cfg, questions: list[str], rounds: int, loads: int) -> tuple[dict, dict[str, list[float]]]:
    """Open the index ``loads`` times and ask every question ``rounds`` times: (info, {measure: samples})."""
    from index.store import IndexError_
    from retrieval.engine import PolicyQA

    out: dict[str, list[float]] = {"open index (s)": [], "search (ms)": [], "ask (ms)": [], "BM25 list, 100 (ms)": []}
    qa = None
    for _ in range(max(1, loads)):
        t = time.perf_counter()
        try:
            if qa is not None and qa.searcher.store is not None:
                qa.searcher.store.backend.close()
            qa = PolicyQA.open(cfg)
        except (IndexError_, ValueError) as e:
            raise SystemExit(str(e)) from None
        out["open index (s)"].append(time.perf_counter() - t)
    info = qa.searcher.info()
    qa.ask(questions[0])  # warm-up: lazily built tables (titles, sense statistics, CC-CEDICT index)
    s = qa.searcher
    for _ in range(max(1, rounds)):
        for q in questions:
            t = time.perf_counter()
            res = s.search_full(q)
            out["search (ms)"].append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            qa.ask(q)
            out["ask (ms)"].append((time.perf_counter() - t) * 1000)
            if res.bm25_terms:  # one candidate list alone: the store's own cost, without analysis, fusion or answers
                t = time.perf_counter()
                s._bm25(res.bm25_terms, 100, None)  # noqa: SLF001 - the store call the searcher makes
                out["BM25 list, 100 (ms)"].append((time.perf_counter() - t) * 1000)
    if s.store is not None:
        s.store.backend.close()
    return info, out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--index", type=Path, default=None, help="index folder (default: the configured var/index)")
    ap.add_argument("--questions", type=Path, default=None)
    ap.add_argument("--rounds", type=int, default=3, help="times each question is asked")
    ap.add_argument("--loads", type=int, default=3, help="times the index is opened")
    ap.add_argument("--backends", default="local", help="comma-separated: local, milvus (side by side)")
    a = ap.parse_args()
    from index.backends import backend_name

    base = Config() if a.index is None else Config().with_(index_dir=a.index)
    try:
        backends = [backend_name(b) for b in a.backends.split(",") if b.strip()] or ["local"]
    except ValueError as e:
        raise SystemExit(f"--backends: {e}") from None
    questions = load_questions(a.questions)
    runs = {b: measure(base.with_(backend=b), questions, a.rounds, a.loads) for b in backends}
    info = runs[backends[0]][0]
    print(f"index {info['path']}: {info['documents']} documents, {info['chunks']} passages, "
          f"retrievers {', '.join(info['retrievers'])}; {len(questions)} questions × {a.rounds} rounds"
          + "".join(f"; milvus {r[0].get('milvus_uri')} ({r[0].get('milvus_analysis')})"
                    for b, r in runs.items() if b == "milvus") + "\n")
    head = "| measure | " + " | ".join(f"{b} median | {b} p95" for b in backends)
    head += " | " + " | ".join(f"{b} / {backends[0]}" for b in backends[1:]) + " |" if len(backends) > 1 else " |"
    print(head)
    print("|" + " --- |" * (1 + 2 * len(backends) + max(0, len(backends) - 1)))
    for m in runs[backends[0]][1]:
        cells, meds = [], []
        for b in backends:
            xs = runs[b][1][m]
            med = statistics.median(xs) if xs else float("nan")
            meds.append(med)
            fmt = ".2f" if m.endswith("(s)") else ".1f"
            cells += [format(med, fmt), format(_pct(xs, 0.95), fmt) if xs else "–"]
        ratios = [f"{x / meds[0]:.1f}×" if meds[0] else "–" for x in meds[1:]]
        label = f"{m[:-4]}, {a.loads} loads (s)" if m == "open index (s)" else m
        print(f"| {label} | " + " | ".join(cells + ratios) + " |")
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"| peak memory (MB, the process) | {rss_mb:.0f} |" + " |" * (2 * len(backends) - 1 + max(0, len(backends) - 1)))


if __name__ == "__main__":
    main()
