"""Run a gold set over a corpus with named configurations and score every answer.

One index per distinct build setting (chunker, analyzer, encoder) and corpus lives in
``<index_root>/<build key>/``; all of them share one vector cache, so a passage text is encoded
once ever. Each index is loaded once; each configuration gets one Searcher for all questions.

    >>> from pathlib import Path
    >>> from eval.runner import run
    >>> report = run(Path("../shared/eval/seeds_gold.jsonl"), Path("data/samples"),
    ...              out=Path("var/eval/seeds"), configs=["hybrid-minmax", "naive"])   # doctest: +SKIP
    >>> report["configs"]["hybrid-minmax"]["retrieval"]["mrr@10"]                       # doctest: +SKIP
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from config import ROOT, Config
from eval.configs import CONFIGS, DEFAULT, build_key, get_config
from eval.gold import EvidenceNotFoundError, GoldQuestion, LocatedGold, load_gold, locate_evidence
from eval.metrics import QuestionResult, aggregate, compare_mrr, grouped, mcnemar_exact, retrieval_scores
from eval.scoring import answer_correct

# callable(stage, done, total): "build <key> <substage>" while indexing, then the configuration name per question
Progress = Callable[[str, int, int], None]

DEFAULT_INDEX_ROOT = ROOT / "var" / "eval" / "index"
BASELINE = "naive"


@dataclass
class EvalRun:
    report: dict[str, Any]
    results: dict[str, list[QuestionResult]]  # configuration name -> per-question results (gold order)


def run(
    gold: Path,
    corpus: Path,
    out: Path | None = None,
    configs: Sequence[str] | None = None,
    *,
    index_root: Path | None = None,
    base: Config | None = None,
    k: int = 10,
    use_llm: bool = False,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Evaluate ``configs`` (default: all) and return the report dict; write the files when ``out`` is given."""
    r = evaluate(gold, corpus, configs, index_root=index_root, base=base, k=k, use_llm=use_llm, progress=progress)
    if out is not None:
        from eval.report import write_outputs

        write_outputs(r.report, r.results, Path(out))
    return r.report


def evaluate(
    gold: Path,
    corpus: Path,
    configs: Sequence[str] | None = None,
    *,
    index_root: Path | None = None,
    base: Config | None = None,
    k: int = 10,
    use_llm: bool = False,
    progress: Progress | None = None,
) -> EvalRun:
    """Like ``run`` but also returns the per-question results and writes nothing."""
    from index.build import build_index, expected_settings, make_analyzer
    from index.store import load_index
    from retrieval.engine import PolicyQA
    from retrieval.search import Searcher

    progress = progress or (lambda *a: None)
    corpus = Path(corpus)
    if not corpus.is_dir():
        raise FileNotFoundError(f"{corpus}: the corpus must be a folder of documents")
    questions = load_gold(gold)  # raises GoldError naming file and line
    names = list(dict.fromkeys(configs or [c.name for c in CONFIGS]))
    ecs = [get_config(n) for n in names]
    base = base or Config()
    index_root = Path(index_root or DEFAULT_INDEX_ROOT)
    if base.vector_cache is None:
        base = base.with_(vector_cache=index_root / "vectors.sqlite")
    corpus_key = str(corpus.resolve())

    encoder = None
    if base.encoder.backend != "none":
        from index.encoders import make_encoder

        encoder = make_encoder(base.encoder)  # one model for every build and query

    # Build (or reuse) one index per distinct build setting; the default's first, so that a gold file
    # whose quotes cannot be found stops the run before any slow encoding.
    cfgs = {ec.name: ec.apply(base) for ec in ecs}
    keys = {n: build_key(c, corpus_key) for n, c in cfgs.items()}
    order = sorted(dict.fromkeys(keys.values()), key=lambda key: key != keys.get(DEFAULT, keys[names[0]]))
    loaded: dict[str, Any] = {}
    analyzers: dict[str, Any] = {}
    located: LocatedGold | None = None
    for key in order:
        name = next(n for n in names if keys[n] == key)
        cfg = cfgs[name].with_(index_dir=index_root / key)
        build_index([corpus], cfg, encoder=encoder, progress=lambda s, d, t, key=key: progress(f"build {key} {s}", d, t))
        analyzers[key] = make_analyzer(cfg)
        loaded[key] = load_index(cfg.index_dir, expect=expected_settings(cfg, analyzers[key], encoder))
        if located is None:
            located = locate_evidence(questions, {d.name: d.text for d in loaded[key].docs})
            if located.missing:
                raise EvidenceNotFoundError(str(gold), located.missing)

    results: dict[str, list[QuestionResult]] = {}
    for ec in ecs:
        key = keys[ec.name]
        cfg = cfgs[ec.name].with_(index_dir=index_root / key)
        qa = PolicyQA(Searcher(loaded[key], cfg, analyzers[key], encoder))
        results[ec.name] = run_questions(qa, located, mode=ec.mode, k=k, use_llm=use_llm,
                                         progress=lambda d, t, n=ec.name: progress(n, d, t))

    report = build_report(results, gold=str(gold), corpus=str(corpus), index_root=str(index_root), keys=keys)
    return EvalRun(report, results)


def locate(questions: list[GoldQuestion], qa, gold_path: str = "gold") -> LocatedGold:
    """Evidence spans in the stored texts of ``qa``'s index; raises EvidenceNotFoundError listing misses."""
    located = locate_evidence(questions, {d.name: d.text for d in qa.searcher.index.docs})
    if located.missing:
        raise EvidenceNotFoundError(gold_path, located.missing)
    return located


def run_questions(qa, located: LocatedGold, *, mode: str = "hybrid", k: int = 10, use_llm: bool = False,
                  progress: Callable[[int, int], None] | None = None) -> list[QuestionResult]:
    """Ask every question with one ``PolicyQA`` and score it (retrieval scores filled in)."""
    rows = []
    qs = located.questions
    for i, q in enumerate(qs):
        if progress:
            progress(i, len(qs))
        rows.append(_ask(qa, q, located.spans[q.id], k, mode, use_llm))
    if progress:
        progress(len(qs), len(qs))
    scores = retrieval_scores({r.qid: (r.passages, r.spans) for r in rows})
    for r in rows:
        r.retrieval = scores.get(r.qid, {})
    return rows


def _ask(qa, q: GoldQuestion, spans, k: int, mode: str, use_llm: bool) -> QuestionResult:
    t0 = time.perf_counter()
    a = qa.ask(q.question, k, use_llm=use_llm, mode=mode)
    ms = (time.perf_counter() - t0) * 1000
    if q.answerable:
        correct = not a.abstained and answer_correct(a.answer, q.answer, q.aliases, q.type)
    else:
        correct = a.abstained
    return QuestionResult(
        qid=q.id, question=q.question, lang=q.lang, type=q.type, gold_answer=q.answer,
        answer=a.answer, abstained=a.abstained, correct=correct, latency_ms=ms,
        passages=[(h.doc_name, h.chunk.start, h.chunk.end) for h in a.hits],
        previews=[h.chunk.text[:80].replace("\n", " ") for h in a.hits],
        cited=[(c.hit.doc_name, c.hit.chunk.start, c.hit.chunk.end) for c in a.citations] if not a.abstained else [],
        spans=list(spans),
    )


def build_report(results: dict[str, list[QuestionResult]], **meta: Any) -> dict[str, Any]:
    """The report.json dict from per-question results of each configuration."""
    names = list(results)
    default = DEFAULT if DEFAULT in results else names[0]
    keys = meta.pop("keys", {})
    report: dict[str, Any] = {
        "default": default,
        "n_questions": len(next(iter(results.values()), [])),
        **meta,
        "configs": {},
    }
    for n, rows in results.items():
        ec = get_config(n)
        report["configs"][n] = {
            "description": ec.description, "mode": ec.mode, "index": keys.get(n, ""),
            **aggregate(rows),
            "by_lang": grouped(rows, "lang"),
            "by_type": grouped(rows, "type"),
        }
    if default in results and BASELINE in results and default != BASELINE:
        a, b = results[default], results[BASELINE]
        report["significance"] = {
            "a": default, "b": BASELINE,
            "retrieval": compare_mrr({r.qid: (r.passages, r.spans) for r in a},
                                     {r.qid: (r.passages, r.spans) for r in b}, (default, BASELINE)),
            "answers": {"test": "exact McNemar (paired, all questions: right answer or right abstention)",
                        **mcnemar_exact([r.correct for r in a], [r.correct for r in b])},
        }
    return report
