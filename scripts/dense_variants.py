"""Which text units earn the dense encoder's cost? Retrieval and answers of one hybrid index, its dense side swapped.

    .venv/bin/python scripts/dense_variants.py --index var/eval/index/2eade3670b09 \\
        --cache var/exp/vectors.sqlite ../shared/eval/gov_dev.jsonl tests/data/gov/dev.jsonl

The index is any hybrid index (e.g. the evaluation runner's subset of the gov corpus, where a dense vector for
every chunk is affordable). For each variant the dense side gives every chunk the cosine of the unit holding it
and is fused with BM25 as the search always does; everything else (BM25, document matching, answers) is left as
configured. Variants (``--variants``, comma-separated):

- ``bm25``: no dense side (the reference row);
- ``chunk``: a vector per chunk, title/region/section prefix in the text (what ``ingest`` embeds today);
- ``chunk-bare``: a vector per chunk, the chunk's text alone;
- ``parent``: a vector per window of consecutive chunks of ~``--parent-chars`` characters (prefix + text);
- ``section``: a vector per section (prefix + its first ``--head-chars`` characters);
- ``doc``: a vector per document, its title + first ``--head-chars`` characters;
- ``doc+section``: the mean of the two cosines.

Questions whose evidence (or, for unanswerable near misses, ``near`` document) is not in the index are left out.
Prints, per variant: the characters encoded (the cost: the encoder's time is linear in them), R@5 and MRR@10 by
language, answer accuracy and unanswerable abstained. Vectors are cached by text in ``--cache``, so a rerun costs
nothing and an interrupted one resumes.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from config import Config  # noqa: E402
from eval.scoring import answer_correct  # noqa: E402
from index.build import indexed_text  # noqa: E402
from index.vector_cache import VectorCache, encode_with_cache  # noqa: E402
from retrieval.engine import PolicyQA  # noqa: E402

VARIANTS = ("bm25", "chunk", "chunk-bare", "parent", "section", "doc", "doc+section")


@dataclass
class Units:
    """Texts to embed and, per chunk, the unit whose vector scores it."""

    texts: list[str]
    unit_of_chunk: np.ndarray


class UnitDense:
    """Stands in for ``DenseIndex``: a chunk's score is the mean cosine of its units over one or more unit sets."""

    def __init__(self, parts: list[tuple[np.ndarray, np.ndarray]]):
        self.parts = parts  # (unit vectors, unit_of_chunk)

    def search(self, qvec: np.ndarray, k: int, mask: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        q = np.asarray(qvec, dtype=np.float32).reshape(-1)
        sc = sum((m @ q)[u] for m, u in self.parts) / len(self.parts)
        if mask is not None:
            sc = np.where(mask, sc, -np.inf)
        k = min(k, len(sc))
        top = np.argpartition(-sc, k - 1)[:k]
        top = top[np.argsort(-sc[top], kind="stable")]
        keep = np.isfinite(sc[top])
        return top[keep], sc[top][keep]


def chunk_units(index, prefix: bool) -> Units:
    texts = [indexed_text(index.doc_of_chunk(i), index.chunk(i), prefix) for i in range(index.n_chunks)]
    return Units(texts, np.arange(index.n_chunks))


def _head(d, section: tuple[str, ...] = ()) -> str:
    m = d.meta
    place = m.region + (f" {m.city}" if m.city and m.city != m.region else "")
    return " ".join(x for x in (m.title, place, " ".join(section)) if x)


def parent_units(index, chars: int) -> Units:
    """Consecutive chunks of one document joined until a window holds ``chars`` characters of the source."""
    texts: list[str] = []
    unit = np.zeros(index.n_chunks, dtype=np.int64)
    for di, d in enumerate(index.docs):
        ids = index.chunks_of_doc(di)
        start = 0
        while start < len(ids):
            end = start
            first = index.chunk(ids[start])
            while end + 1 < len(ids) and index.chunk(ids[end + 1]).end - first.start <= chars:
                end += 1
            last = index.chunk(ids[end])
            unit[ids[start:end + 1]] = len(texts)
            texts.append(f"{_head(d, first.section)}\n{d.text[first.start:last.end]}")
            start = end + 1
    return Units(texts, unit)


def section_units(index, head: int) -> Units:
    texts: list[str] = []
    unit = np.zeros(index.n_chunks, dtype=np.int64)
    for di, d in enumerate(index.docs):
        by_sec: dict[tuple[str, ...], list[int]] = collections.defaultdict(list)
        for i in index.chunks_of_doc(di):
            by_sec[tuple(index.chunk(i).section)].append(i)
        for sec, ids in by_sec.items():
            first = index.chunk(ids[0])
            unit[ids] = len(texts)
            texts.append(f"{_head(d, sec)}\n{d.text[first.start:first.start + head]}")
    return Units(texts, unit)


def doc_units(index, head: int) -> Units:
    texts = [f"{_head(d)}\n{d.text[:head]}" for d in index.docs]
    return Units(texts, np.asarray(index.chunk_doc, dtype=np.int64))


def load_questions(paths: list[Path], names: set[str]) -> list[dict]:
    out = []
    for p in paths:
        for line in p.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            q = json.loads(line)
            if q["type"] == "unanswerable":
                if q.get("near") in names:
                    out.append(q)
            elif q["evidence"] and all(e["doc"] in names for e in q["evidence"]):
                out.append(q)
    return out


def evaluate(qa: PolicyQA, questions: list[dict], mode: str) -> dict:
    docs = {d.name: d.text for d in qa.searcher.index.docs}
    rows = collections.defaultdict(lambda: collections.Counter())
    for q in questions:
        ans = qa.ask(q["question"], mode=mode)
        lang = "en" if q["lang"] in ("en", "mixed") else "zh"
        for key in ("all", lang):
            r = rows[key]
            if q["type"] == "unanswerable":
                r["n_un"] += 1
                r["un_ok"] += ans.abstained
                continue
            r["n"] += 1
            r["ok"] += (not ans.abstained) and answer_correct(ans.answer, q["answer"], q.get("aliases", []), q["type"])
            spans = []
            for ev in q["evidence"]:
                i = docs[ev["doc"]].find(ev["quote"])
                spans.append((ev["doc"], i, i + len(ev["quote"])))
            rank = next((h.rank for h in ans.hits[:10] for d, b, e in spans
                         if h.doc_name == d and h.chunk.start < e and b < h.chunk.end), None)
            r["r5"] += rank is not None and rank <= 5
            r["mrr"] += 1.0 / rank if rank else 0.0
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("gold", nargs="+", type=Path)
    ap.add_argument("--index", type=Path, required=True, help="a hybrid index folder")
    ap.add_argument("--cache", type=Path, default=Path("var/exp/vectors.sqlite"))
    ap.add_argument("--variants", default=",".join(VARIANTS))
    ap.add_argument("--parent-chars", type=int, default=1000)
    ap.add_argument("--head-chars", type=int, default=400)
    ap.add_argument("--json", type=Path, help="also write the table as JSON")
    a = ap.parse_args()

    qa = PolicyQA.open(Config().with_(index_dir=a.index))
    s = qa.searcher
    if s.encoder is None or s.index.dense is None:
        sys.exit(f"{a.index}: 不是混合索引 / not a hybrid index (no dense side)")
    index = s.index
    questions = load_questions(a.gold, {d.name for d in index.docs})
    print(f"{len(questions)} questions over {len(index.docs)} documents, {index.n_chunks} chunks", file=sys.stderr)
    a.cache.parent.mkdir(parents=True, exist_ok=True)
    cache = VectorCache(a.cache)
    makers = {
        "chunk": lambda: chunk_units(index, True), "chunk-bare": lambda: chunk_units(index, False),
        "parent": lambda: parent_units(index, a.parent_chars), "section": lambda: section_units(index, a.head_chars),
        "doc": lambda: doc_units(index, a.head_chars),
    }
    built: dict[str, tuple[np.ndarray, np.ndarray, int, float]] = {}

    def unit_set(name: str):
        if name not in built:
            u = makers[name]()
            t0 = time.time()
            vecs = encode_with_cache(s.encoder, u.texts, cache, batch_size=16,
                                     progress=lambda d, n: print(f"\r  {name}: {d}/{n}", end="", file=sys.stderr))
            print(file=sys.stderr)
            built[name] = (vecs, u.unit_of_chunk, sum(len(t) for t in u.texts), time.time() - t0)
        return built[name]

    table = []
    for v in a.variants.split(","):
        if v not in VARIANTS:
            sys.exit(f"unknown variant {v!r}: use {', '.join(VARIANTS)}")
        if v == "bm25":
            rows, chars, n_units = evaluate(qa, questions, "bm25"), 0, 0
        else:
            parts = [unit_set(p) for p in v.split("+")]
            index_dense = index.dense
            s.index = replace(index, dense=UnitDense([(m, u) for m, u, _c, _t in parts]))
            try:
                rows = evaluate(qa, questions, "hybrid")
            finally:
                s.index = replace(s.index, dense=index_dense)
            chars, n_units = sum(p[2] for p in parts), sum(len(p[0]) for p in parts)
        line = {"variant": v, "units": n_units, "chars": chars}
        for key in ("all", "zh", "en"):
            r = rows[key]
            n = max(1, r["n"])
            line[key] = {"n": r["n"], "R@5": r["r5"] / n, "MRR@10": r["mrr"] / n, "answers": r["ok"] / n,
                         "unans": r["un_ok"] / max(1, r["n_un"])}
        table.append(line)
    cache.close()

    print("| variant | units | chars encoded | R@5 | MRR@10 | answers | unans abstained | "
          "R@5 zh | R@5 en | answers zh | answers en |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for t in table:
        al, zh, en = t["all"], t["zh"], t["en"]
        print(f"| {t['variant']} | {t['units']} | {t['chars']:,} | {al['R@5']:.3f} | {al['MRR@10']:.3f} | "
              f"{al['answers']:.3f} | {al['unans']:.3f} | {zh['R@5']:.3f} | {en['R@5']:.3f} | "
              f"{zh['answers']:.3f} | {en['answers']:.3f} |")
    n = table[0]["all"]["n"] if table else 0
    print(f"\n{len(questions)} questions ({n} answerable); R@5 and answers over answerable ones.")
    if a.json:
        a.json.write_text(json.dumps(table, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
