"""Benchmark rjieba vs jieba: throughput, agreement, and the full analyzer's cost.

Chunks: ~400-character pieces of data/samples/*.txt and of the first N files of the gov
corpus. Each timing is the median of several runs.

    .venv/bin/python scripts/bench_tokenizers.py --files 2000 --runs 3

Reports:
* raw segmentation (``cut`` with the same user dictionary) for rjieba and jieba, chars/s;
* token agreement: share of chunks whose token lists are identical, and token-level
  agreement (multiset overlap / max length);
* ``Analyzer.tokenize`` end to end (normalise + numbers + cut + bigrams), and the time
  projected for 50k chunks.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from config import AnalyzerConfig  # noqa: E402
from index.analyzer import Analyzer  # noqa: E402

GOV = Path("/work/shared/corpus/gov")


def load_chunks(files: int, size: int) -> list[str]:
    paths = sorted((ROOT / "data" / "samples").glob("*.txt"))
    if GOV.is_dir():
        paths += sorted(p for p in GOV.glob("*.txt"))[:files]
    chunks: list[str] = []
    for p in paths:
        text = p.read_text(encoding="utf-8", errors="replace")
        chunks.extend(text[i : i + size] for i in range(0, len(text), size) if text[i : i + size].strip())
    return chunks


def median_time(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--files", type=int, default=2000, help="gov corpus files to read (sorted by name)")
    ap.add_argument("--size", type=int, default=400, help="characters per chunk")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--max-chunks", type=int, default=20000, help="cap on chunks timed (jieba is slow)")
    args = ap.parse_args()

    chunks = load_chunks(args.files, args.size)[: args.max_chunks]
    nchars = sum(len(c) for c in chunks)
    print(f"{len(chunks)} chunks, {nchars:,} chars (≈{args.size} chars each)")

    rj = Analyzer(AnalyzerConfig(tokenizer="rjieba"))
    jb = Analyzer(AnalyzerConfig(tokenizer="jieba"))
    # Segment already-normalised text so that only the segmenter is timed.
    norm = [rj.normalize(c) for c in chunks]

    rows = []
    cut_results = {}
    for name, an in (("rjieba", rj), ("jieba", jb)):
        cut = an._cut
        cut_results[name] = [cut(c) for c in norm]  # warm-up + results for agreement
        t = median_time(lambda cut=cut: [cut(c) for c in norm], args.runs)
        rows.append((f"{name} cut", t, nchars / t))
    for name, an in (("rjieba", rj), ("jieba", jb)):
        t = median_time(lambda an=an: [an.tokenize(c) for c in chunks], args.runs)
        rows.append((f"Analyzer.tokenize ({name})", t, nchars / t))
    t = median_time(lambda: [rj.normalize(c) for c in chunks], args.runs)
    rows.append(("normalize only", t, nchars / t))

    print(f"\n{'what':<30} {'median s':>9} {'chars/s':>12} {'50k chunks':>11}")
    for what, t, cps in rows:
        print(f"{what:<30} {t:>9.3f} {cps:>12,.0f} {t * 50000 / len(chunks):>10.1f}s")
    speed = rows[1][1] / rows[0][1]
    print(f"\nrjieba cut is {speed:.1f}× faster than jieba cut")

    a, b = cut_results["rjieba"], cut_results["jieba"]
    same = sum(x == y for x, y in zip(a, b, strict=True))
    inter = sum(sum((Counter(x) & Counter(y)).values()) for x, y in zip(a, b, strict=True))
    total = sum(max(len(x), len(y)) for x, y in zip(a, b, strict=True))
    print(f"identical token lists: {same}/{len(a)} chunks ({100 * same / len(a):.2f}%)")
    print(f"token-level agreement: {100 * inter / total:.3f}%")
    diffs = [(x, y) for x, y in zip(a, b, strict=True) if x != y][:3]
    for x, y in diffs:
        cx, cy = Counter(x), Counter(y)
        print("  rjieba only:", list((cx - cy).elements())[:8], "| jieba only:", list((cy - cx).elements())[:8])


if __name__ == "__main__":
    main()
