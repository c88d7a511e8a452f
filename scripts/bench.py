"""Benchmark an index as a user meets it: load time, memory, and search / ask latency (medians, p95), one table.

    .venv/bin/python scripts/bench.py [--index var/index] [--questions FILE.jsonl] [--rounds 3] [--loads 3]

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


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--index", type=Path, default=None, help="index folder (default: the configured var/index)")
    ap.add_argument("--questions", type=Path, default=None)
    ap.add_argument("--rounds", type=int, default=3, help="times each question is asked")
    ap.add_argument("--loads", type=int, default=3, help="times the index is opened")
    a = ap.parse_args()
    from index.store import IndexError_
    from retrieval.engine import PolicyQA

    cfg = Config() if a.index is None else Config().with_(index_dir=a.index)
    questions = load_questions(a.questions)
    loads, qa = [], None
    for _ in range(max(1, a.loads)):
        t = time.perf_counter()
        try:
            qa = PolicyQA.open(cfg)
        except IndexError_ as e:
            raise SystemExit(str(e)) from None
        loads.append(time.perf_counter() - t)
    info = qa.searcher.info()
    qa.ask(questions[0])  # warm-up: lazily built tables (titles, sense statistics, CC-CEDICT index)
    search_ms, ask_ms = [], []
    for _ in range(max(1, a.rounds)):
        for q in questions:
            t = time.perf_counter()
            qa.search(q)
            search_ms.append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            qa.ask(q)
            ask_ms.append((time.perf_counter() - t) * 1000)
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"index {info['path']}: {info['documents']} documents, {info['chunks']} passages, "
          f"retrievers {', '.join(info['retrievers'])}; {len(questions)} questions × {a.rounds} rounds\n")
    print("| measure | median | p95 |\n| --- | --- | --- |")
    print(f"| open index (s, {len(loads)} loads) | {statistics.median(loads):.2f} | {_pct(loads, 0.95):.2f} |")
    print(f"| search (ms) | {statistics.median(search_ms):.1f} | {_pct(search_ms, 0.95):.1f} |")
    print(f"| ask (ms) | {statistics.median(ask_ms):.1f} | {_pct(ask_ms, 0.95):.1f} |")
    print(f"| peak memory (MB) | {rss_mb:.0f} | |")


if __name__ == "__main__":
    main()
