"""Dev loop for answers through the REAL pipeline: ``PolicyQA.open(Config())`` over the default index.

Asks every question of a gold-format JSONL file (the public gold set by default; also
``tests/data/own_questions.jsonl``), scores the answers with ``eval.scoring.answer_correct``
(the shared README's rules) and prints accuracy overall / by type / by lang, abstention
figures, latency and the failures.

    .venv/bin/python scripts/dev_answers.py [--gold PATH ...] [--k 10] [--quiet] [--calib]

The index at ``Config().index_dir`` (``var/index``) must already be built over data/samples.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from config import Config  # noqa: E402
from eval.scoring import answer_correct  # noqa: E402
from retrieval.engine import PolicyQA  # noqa: E402

GOLD = Path("/work/shared/eval/seeds_gold.jsonl")
OWN = ROOT / "tests" / "data" / "own_questions.jsonl"


def load(path: Path) -> list[dict]:
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            try:
                out.append(json.loads(line))
            except json.JSONDecodeError as e:
                raise ValueError(f"{path}:{n}: not JSON: {e}") from e
    return out


def is_correct(g: dict, ans) -> bool:
    if g["type"] == "unanswerable":
        return ans.abstained
    return (not ans.abstained) and answer_correct(ans.answer, g["answer"], g.get("aliases") or [], g["type"])


def run(qa: PolicyQA, golds: list[dict], k: int | None, quiet: bool, calib: bool, label: str) -> float:
    by: dict[str, list[int]] = defaultdict(list)
    fails = []
    false_abst = n_ans = abst_ok = n_unans = 0
    times: list[float] = []
    rows = []
    for g in golds:
        t0 = time.perf_counter()
        ans = qa.ask(g["question"], k=k, use_llm=False)
        times.append(time.perf_counter() - t0)
        ok = is_correct(g, ans)
        unans = g["type"] == "unanswerable"
        if unans:
            n_unans += 1
            abst_ok += int(ans.abstained)
        else:
            n_ans += 1
            false_abst += int(ans.abstained)
        for key in ("ALL", f"type:{g['type']}", f"lang:{g.get('lang', '?')}"):
            by[key].append(int(ok))
        rows.append((ans.confidence, unans, ok, g["id"]))
        if not ok:
            fails.append((g, ans))
    print(f"== {label}: {len(golds)} questions")
    for key, v in sorted(by.items(), key=lambda kv: (kv[0] != "ALL", kv[0])):
        print(f"  {key:20s} {sum(v) / len(v):.3f}  ({sum(v)}/{len(v)})")
    if n_unans:
        print(f"  unanswerable abstained: {abst_ok}/{n_unans}")
    print(f"  false abstentions: {false_abst}/{n_ans} = {false_abst / max(n_ans, 1):.3f}")
    times.sort()
    print(f"  ask latency: median {times[len(times) // 2] * 1000:.0f} ms, max {times[-1] * 1000:.0f} ms")
    if calib:
        for conf, unans, ok, gid in sorted(rows):
            print(f"  {conf:.3f} {'UNANSWERABLE' if unans else ('ok' if ok else 'wrong')} {gid}")
    if not quiet:
        print("  FAILURES")
        for g, a in fails:
            c1 = a.citations[0].hit.doc_name[:3] if a.citations else "-"
            print(f"  - {g['id']} [{g['type']}/{a.answer_type}/{g.get('lang')}] conf={a.confidence:.2f} cite={c1} "
                  f"{g['question']}")
            print(f"      gold: {g['answer']}   ev: {(g.get('evidence') or [{}])[0].get('doc', '')[:3]}")
            print(f"      got : {a.answer[:120]}")
            print(f"      sent: {a.supporting[:160]!r}")
    return sum(by["ALL"]) / max(len(by["ALL"]), 1)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--gold", action="append", help="gold-format JSONL (repeatable); default: public gold + own")
    ap.add_argument("--k", type=int, default=None)
    ap.add_argument("--quiet", action="store_true")
    ap.add_argument("--calib", action="store_true", help="print confidences of every question")
    args = ap.parse_args()
    paths = [Path(p) for p in args.gold] if args.gold else [p for p in (GOLD, OWN) if p.exists()]
    t0 = time.perf_counter()
    qa = PolicyQA.open(Config())
    print(f"index: {qa.cfg.index_dir} (opened in {time.perf_counter() - t0:.1f} s)")
    for p in paths:
        run(qa, load(p), args.k, args.quiet, args.calib, p.name)


if __name__ == "__main__":
    main()
