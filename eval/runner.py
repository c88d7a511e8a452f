"""Run a gold set over a corpus with named configurations and score every answer.

One index per distinct build setting (chunker, analyzer, encoder) and corpus lives in
``<index_root>/<build key>/``; all of them share one vector cache, so a passage text is encoded
once ever. Each index is loaded once; each configuration gets one Searcher for all questions.
An index that only BM25 configurations read is built without dense vectors (``plan_indexes``).

Subset evaluation: ``subset_configs`` run, in the same report as ``<name>@subset``, over
``<index_root>/subsets/<hash>/``, a folder of symlinks to the gold set's evidence documents plus
``subset_distractors`` random others (``make_subset``); e.g. BM25 over all of a large corpus and
hybrid, whose encoding is the slow part, over a few hundred documents.

Usage (builds indexes, so not a doctest)::

    from pathlib import Path
    from eval.runner import run
    report = run(Path("../shared/eval/seeds_gold.jsonl"), Path("data/samples"),
                 out=Path("var/eval/seeds"), configs=["hybrid-minmax", "naive"])
    report["configs"]["hybrid-minmax"]["retrieval"]["mrr@10"]
    report = run(Path("../shared/eval/gov_dev.jsonl"), Path("../shared/corpus/gov"), configs=["bm25"],
                 subset_configs=["hybrid-minmax"], subset_distractors=300)
    report["configs"]["hybrid-minmax@subset"]["n_docs"]
"""

from __future__ import annotations

import filecmp
import hashlib
import json
import os
import random
import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import Any

from config import ROOT, Config
from eval.configs import CONFIGS, DEFAULT, EvalConfig, build_key, get_config
from eval.gold import EvidenceNotFoundError, GoldQuestion, LocatedGold, load_gold, locate_evidence
from eval.metrics import QuestionResult, aggregate, compare_mrr, grouped, mcnemar_exact, retrieval_scores
from eval.scoring import answer_correct

# callable(stage, done, total): "build <key> <substage>" while indexing, then the configuration name per question
Progress = Callable[[str, int, int], None]

DEFAULT_INDEX_ROOT = ROOT / "var" / "eval" / "index"
BASELINE = "naive"
SUBSET_SUFFIX = "@subset"  # configurations run over the subset corpus are reported as "<name>@subset"
SUBSET_DISTRACTORS = 300


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
    subset_configs: Sequence[str] = (),
    subset_distractors: int = SUBSET_DISTRACTORS,
    subset_seed: int = 0,
) -> dict[str, Any]:
    """Evaluate ``configs`` (default: all) and return the report dict; write the files when ``out`` is given.

    ``subset_configs`` are also run, in the same report as ``<name>@subset``, over a subset of the corpus:
    every document the gold evidence names plus ``subset_distractors`` others drawn with ``subset_seed``
    (see ``make_subset``) — e.g. BM25 over a large corpus and hybrid over a subset in one run.
    """
    r = evaluate(gold, corpus, configs, index_root=index_root, base=base, k=k, use_llm=use_llm, progress=progress,
                 subset_configs=subset_configs, subset_distractors=subset_distractors, subset_seed=subset_seed)
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
    subset_configs: Sequence[str] = (),
    subset_distractors: int = SUBSET_DISTRACTORS,
    subset_seed: int = 0,
) -> EvalRun:
    """Like ``run`` but also returns the per-question results and writes nothing."""
    from retrieval.engine import PolicyQA
    from retrieval.search import Searcher

    progress = progress or (lambda *a: None)
    corpus = Path(corpus)
    if not corpus.is_dir():
        raise FileNotFoundError(f"{corpus}: the corpus must be a folder of documents")
    questions = load_gold(gold)  # raises GoldError naming file and line
    names = list(dict.fromkeys(configs or [c.name for c in CONFIGS]))
    ecs = [get_config(n) for n in names]
    subset_ecs = [get_config(n) for n in dict.fromkeys(subset_configs or ())]
    if subset_ecs and subset_distractors < 0:
        raise ValueError(f"subset distractors must be 0 or more, not {subset_distractors}")
    base = base or Config()
    index_root = Path(index_root or DEFAULT_INDEX_ROOT)
    if base.vector_cache is None:
        base = base.with_(vector_cache=index_root / "vectors.sqlite")

    cfgs, keys = plan_indexes(ecs, base, str(corpus.resolve()))
    encoder = None
    if base.encoder.backend != "none" and any(ec.mode != "bm25" for ec in [*ecs, *subset_ecs]):
        from index.encoders import make_encoder

        encoder = make_encoder(base.encoder)  # one model for every build and query

    # Build (or reuse) one index per distinct build setting; the default's first, so that a gold file
    # whose quotes cannot be found stops the run before any slow encoding.
    order = sorted(dict.fromkeys(keys.values()), key=lambda key: key != keys.get(DEFAULT, keys[names[0]]))
    loaded, analyzers, located = _build_and_load(order, cfgs, keys, corpus, index_root, encoder, questions, gold,
                                                 lambda s, d, t, key: progress(f"build {key} {s}", d, t))
    n_docs = {key: len(ix.docs) for key, ix in loaded.items()}

    jobs = [(ec.name, ec, cfgs[ec.name], keys[ec.name], located) for ec in ecs]
    subset: Subset | None = None
    if subset_ecs:
        subset = make_subset(corpus, questions, index_root / "subsets", subset_distractors, subset_seed)
        s_cfgs, s_keys = plan_indexes(subset_ecs, base, str(subset.folder.resolve()))
        s_order = list(dict.fromkeys(s_keys.values()))
        s_loaded, s_analyzers, s_located = _build_and_load(
            s_order, s_cfgs, s_keys, subset.folder, index_root, encoder, questions, gold,
            lambda s, d, t, key: progress(f"build subset {key} {s}", d, t))
        loaded.update(s_loaded)
        analyzers.update(s_analyzers)
        n_docs.update({key: len(ix.docs) for key, ix in s_loaded.items()})
        jobs += [(ec.name + SUBSET_SUFFIX, ec, s_cfgs[ec.name], s_keys[ec.name], s_located) for ec in subset_ecs]

    results: dict[str, list[QuestionResult]] = {}
    report_keys: dict[str, str] = {}
    scopes: dict[str, dict[str, Any]] = {}
    for name, ec, c, key, loc in jobs:
        cfg = c.with_(index_dir=index_root / key)
        enc = encoder if cfg.encoder.backend != "none" else None
        qa = PolicyQA(Searcher(loaded[key], cfg, analyzers[key], enc))
        results[name] = run_questions(qa, loc, mode=ec.mode, k=k, use_llm=use_llm,
                                      progress=lambda d, t, n=name: progress(n, d, t))
        report_keys[name] = key
        scopes[name] = {"scope": "subset" if name.endswith(SUBSET_SUFFIX) else "full", "n_docs": n_docs[key]}

    meta: dict[str, Any] = {"gold": str(gold), "corpus": str(corpus), "index_root": str(index_root),
                            "backend": base.backend}
    if subset is not None:
        meta["subset"] = {**subset.to_json(), "configs": [n for n, *_ in jobs if n.endswith(SUBSET_SUFFIX)]}
    report = build_report(results, **meta, keys=report_keys, scopes=scopes)
    return EvalRun(report, results)


def plan_indexes(ecs: Sequence[EvalConfig], base: Config, corpus_key: str) -> tuple[dict[str, Config], dict[str, str]]:
    """Per configuration: its ``Config`` and index build key over the corpus named by ``corpus_key``.

    An index that only BM25 configurations use is built without the dense encoder (nothing would read its
    vectors, and encoding a large corpus is the slow part); one that any other mode uses keeps it.
    """
    cfgs = {ec.name: ec.apply(base) for ec in ecs}
    keys = {n: build_key(c, corpus_key) for n, c in cfgs.items()}
    dense_keys = {keys[ec.name] for ec in ecs if ec.mode != "bm25"}
    for ec in ecs:
        c = cfgs[ec.name]
        if keys[ec.name] not in dense_keys and c.encoder.backend != "none":
            cfgs[ec.name] = c = c.with_(encoder=replace(c.encoder, backend="none"))
            keys[ec.name] = build_key(c, corpus_key)
    return cfgs, keys


def _build_and_load(order, cfgs, keys, corpus: Path, index_root: Path, encoder, questions, gold, progress):
    """Build (or reuse) and load the index of each key in ``order``; evidence located in the first one."""
    from index.build import build_index, expected_settings, make_analyzer
    from index.store import load_index

    loaded: dict[str, Any] = {}
    analyzers: dict[str, Any] = {}
    located: LocatedGold | None = None
    for key in order:
        name = next(n for n in cfgs if keys[n] == key)
        cfg = cfgs[name].with_(index_dir=index_root / key)
        enc = encoder if cfg.encoder.backend != "none" else None
        build_index([corpus], cfg, encoder=enc, progress=lambda s, d, t, key=key: progress(s, d, t, key))
        analyzers[key] = make_analyzer(cfg)
        loaded[key] = load_index(cfg.index_dir, expect=expected_settings(cfg, analyzers[key], enc))
        if located is None:
            located = locate_evidence(questions, {d.name: d.text for d in loaded[key].docs})
            if located.missing:
                raise EvidenceNotFoundError(str(gold), located.missing)
    assert located is not None
    return loaded, analyzers, located


# ------------------------------------------------------------------ subset corpus


@dataclass
class Subset:
    """A folder of links to part of a corpus: the gold set's evidence documents plus random distractors."""

    folder: Path
    corpus: Path
    evidence: list[str]  # paths relative to the corpus
    distractors: list[str]
    requested: int
    seed: int
    link: str  # "symlink" or "copy" (when the file system refuses symlinks)
    sidecars: list[str] = field(default_factory=list)

    @property
    def n_docs(self) -> int:
        return len(self.evidence) + len(self.distractors)

    def to_json(self) -> dict[str, Any]:
        return {"folder": str(self.folder), "corpus": str(self.corpus), "n_docs": self.n_docs,
                "n_evidence_docs": len(self.evidence), "n_distractors": len(self.distractors),
                "requested_distractors": self.requested, "seed": self.seed, "link": self.link,
                "sidecars": self.sidecars}


def make_subset(corpus: Path, questions: Sequence[GoldQuestion], root: Path, n_distractors: int = SUBSET_DISTRACTORS,
                seed: int = 0) -> Subset:
    """Create (or refresh) ``root/<hash>/``: links to every corpus document named in the evidence of
    ``questions`` and to ``n_distractors`` others drawn at random with ``seed`` (all of them when fewer).

    Documents are what the index builder would read (``ingest.pipeline.scan_folder``), matched to the evidence
    by file name, at their paths relative to the corpus. The corpus's metadata sidecars (``manifest.jsonl``,
    ``metadata.csv/jsonl``) are linked too, so documents get the same metadata as in the full corpus. The
    folder name hashes the corpus path and the chosen files, so the same gold set, size and seed reuse it.
    Symlinks are used; a file system that refuses them gets copies.
    """
    from ingest.metadata import SIDECAR_NAMES
    from ingest.pipeline import scan_folder

    corpus = Path(corpus)
    rels = [p.relative_to(corpus).as_posix() for p in scan_folder(corpus)]
    wanted = {e.doc for q in questions for e in q.evidence}
    evidence = [r for r in rels if PurePosixPath(r).name in wanted]
    others = [r for r in rels if PurePosixPath(r).name not in wanted]
    distractors = sorted(random.Random(seed).sample(others, min(max(0, n_distractors), len(others))))
    sidecars = [n for n in SIDECAR_NAMES if (corpus / n).is_file()]
    chosen = sorted([*evidence, *distractors]) + sidecars
    digest = hashlib.sha256(json.dumps({"corpus": str(corpus.resolve()), "files": chosen},
                                       ensure_ascii=False).encode()).hexdigest()[:12]
    folder = Path(root) / digest
    folder.mkdir(parents=True, exist_ok=True)
    links = [_place(corpus / rel, folder / rel) for rel in chosen]
    keep = {folder / rel for rel in chosen}
    for p in sorted(folder.rglob("*"), reverse=True):  # drop what a previous, different selection left
        rel = p.relative_to(folder)
        if rel.parts[0].startswith("."):
            continue
        if (p.is_symlink() or p.is_file()) and p not in keep:
            p.unlink()
        elif p.is_dir() and not p.is_symlink() and not any(p.iterdir()):
            p.rmdir()
    sub = Subset(folder, corpus.resolve(), evidence, distractors, n_distractors, seed,
                 "copy" if "copy" in links else "symlink", sidecars)
    (folder / ".subset.json").write_text(json.dumps({**sub.to_json(), "evidence": evidence,
                                                     "distractors": distractors}, ensure_ascii=False, indent=1),
                                         encoding="utf-8")
    return sub


def _place(src: Path, dst: Path) -> str:
    """``dst`` becomes a symlink to ``src`` (or a copy when symlinks fail); kept when already right."""
    target = src.resolve()
    if dst.is_symlink():
        if dst.resolve() == target:
            return "symlink"
        dst.unlink()
    elif dst.is_file():
        if filecmp.cmp(src, dst, shallow=False):
            return "copy"
        dst.unlink()
    dst.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.symlink(target, dst)
        return "symlink"
    except (OSError, NotImplementedError):
        shutil.copy2(src, dst)
        return "copy"


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
        answer=a.answer, abstained=a.abstained, correct=correct, latency_ms=ms, confidence=float(a.confidence),
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
    scopes = meta.pop("scopes", {})
    report: dict[str, Any] = {
        "default": default,
        "n_questions": len(next(iter(results.values()), [])),
        **meta,
        "configs": {},
    }
    for n, rows in results.items():
        ec = get_config(n.removesuffix(SUBSET_SUFFIX))
        scope = scopes.get(n, {})
        desc = ec.description
        if scope.get("scope") == "subset":
            desc += f" — over the subset corpus of {scope.get('n_docs')} documents"
        report["configs"][n] = {
            "description": desc, "mode": ec.mode, "index": keys.get(n, ""), **scope,
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
