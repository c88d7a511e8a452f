"""Retrieval figures (R@5, MRR@10) of the BM25 side for a grid of ``doc_boost`` values over gold sets.

    .venv/bin/python scripts/tune_doc_boost.py --index var/gov_bm25 --gold tests/data/gov/dev.jsonl \
        [--gold ../shared/eval/gov_dev.jsonl] [--grid 0,0.1,0.2,0.3,0.5,0.8]

Prints one table row per value and gold file. The default in config.py is chosen on the development
questions only (never the lockbox).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from config import Config, EncoderConfig  # noqa: E402
from retrieval.search import Searcher  # noqa: E402


def spans(s: Searcher, q: dict) -> list[tuple[str, int, int]]:
    docs = {d.name: d.text for d in s.index.docs}
    out = []
    for ev in q.get("evidence", []):
        t = docs.get(ev["doc"], "")
        i = t.find(ev["quote"])
        if i >= 0:
            out.append((ev["doc"], i, i + len(ev["quote"])))
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--index", type=Path, required=True)
    ap.add_argument("--gold", type=Path, action="append", required=True)
    ap.add_argument("--grid", default="0,0.1,0.2,0.3,0.5,0.8")
    ap.add_argument("--param", default="doc_boost", help="the RetrievalConfig field to grid (doc_boost, doc_specificity)")
    a = ap.parse_args()
    cfg = Config().with_(index_dir=a.index, encoder=EncoderConfig(backend="none"))
    s = Searcher.open(cfg)
    sets = {g: [q for q in (json.loads(x) for x in g.read_text(encoding="utf-8").splitlines() if x.strip())
                if q.get("evidence")] for g in a.gold}
    located = {g: [(q, spans(s, q)) for q in qs] for g, qs in sets.items()}
    print(f"| {a.param} | gold | n | R@5 | MRR@10 |\n| --- | --- | --- | --- | --- |")
    for v in [float(x) for x in a.grid.split(",")]:
        s.cfg = cfg.with_(retrieval=replace(cfg.retrieval, **{a.param: v}))
        for g, rows in located.items():
            r5 = mrr = 0.0
            for q, sp in rows:
                hits = s.search(q["question"], 10)
                rel = [any(h.doc_name == d and h.chunk.start < e and b < h.chunk.end for d, b, e in sp) for h in hits]
                r5 += any(rel[:5])
                mrr += next((1 / (i + 1) for i, x in enumerate(rel) if x), 0.0)
            print(f"| {v} | {g.name} | {len(rows)} | {r5 / len(rows):.3f} | {mrr / len(rows):.3f} |")


if __name__ == "__main__":
    main()
