"""Evaluation metrics: span-overlap relevance, ranx retrieval scores, answer scores, paired tests.

Relevance (../shared/eval/README.md): a retrieved passage is relevant when its character span
overlaps an evidence span in the same document, so scores do not depend on the chunking.

Retrieval is scored with ranx over *evidence units*: each evidence quote of a question is one
relevant item (a quote found at several places counts once, covered by any of them). A ranked
list of passages becomes a ranx run where each passage stands for the first evidence unit(s) it
newly covers, or for a non-relevant placeholder. So:

* Recall@k = fraction of the question's evidence quotes covered by the top k passages
  (a compare question with evidence in two documents needs both for full recall);
* MRR@10 = 1 / rank of the first relevant passage (ranx's MRR, unchanged);
* nDCG@10 rewards covering distinct quotes early; a second passage covering the same quote adds nothing;
* hit rate@k = 1 when any quote is covered in the top k.

Each cutoff is computed on the run cut to the top k *passages* (ranx's metric without cutoff),
so a passage covering two quotes does not push another passage out of the top k.

    >>> from eval.gold import EvidenceSpan
    >>> ev = [EvidenceSpan("a.txt", 100, 120, 0)]
    >>> relevant_flags([("a.txt", 0, 90), ("b.txt", 100, 130), ("a.txt", 110, 300)], ev)
    [False, False, True]
    >>> s = retrieval_scores({"q": ([("a.txt", 0, 90), ("a.txt", 110, 300)], ev)})["q"]
    >>> s["mrr@10"], s["recall@1"], s["recall@5"]
    (0.5, 0.0, 1.0)
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from eval.gold import EvidenceSpan

Passage = tuple[str, int, int]  # (document name, start, end) in the document's stored text
CUTOFFS = (1, 5, 10)
RETRIEVAL_KEYS = ("recall@1", "recall@5", "recall@10", "mrr@10", "ndcg@10", "hit_rate@5", "hit_rate@10")


def overlaps(p: Passage, s: EvidenceSpan) -> bool:
    """Same document and the half-open character ranges intersect."""
    return p[0] == s.doc and p[1] < s.end and s.start < p[2]


def relevant_flags(passages: Sequence[Passage], spans: Sequence[EvidenceSpan]) -> list[bool]:
    return [any(overlaps(p, s) for s in spans) for p in passages]


def covered_units(p: Passage, spans: Sequence[EvidenceSpan]) -> set[int]:
    return {s.ev for s in spans if overlaps(p, s)}


def evidence_run(passages: Sequence[Passage], spans: Sequence[EvidenceSpan], k: int) -> dict[str, float]:
    """A ranx run for one question from its top ``k`` passages (see the module docstring)."""
    run: dict[str, float] = {}
    seen: set[int] = set()
    for r, p in enumerate(passages[:k]):
        new = sorted(covered_units(p, spans) - seen)
        seen.update(new)
        ids = [f"ev{u}" for u in new] or [f"p{r}"]
        for j, item in enumerate(ids):
            run[item] = float(k - r) - j * 1e-3  # strictly decreasing: rank order is kept
    return run or {"p_none": 0.0}


def retrieval_scores(
    questions: Mapping[str, tuple[Sequence[Passage], Sequence[EvidenceSpan]]],
) -> dict[str, dict[str, float]]:
    """Per question: Recall@1/5/10, MRR@10, nDCG@10, hit rate@5/10 (answerable questions only)."""
    from ranx import Qrels, Run, evaluate

    qs = {qid: v for qid, v in questions.items() if v[1]}
    out: dict[str, dict[str, float]] = {qid: {} for qid in qs}
    if not qs:
        return out
    qrels = Qrels({qid: {f"ev{s.ev}": 1 for s in spans} for qid, (_, spans) in qs.items()})
    for k in CUTOFFS:
        run = Run({qid: evidence_run(p, spans, k) for qid, (p, spans) in qs.items()})
        metrics = ["recall"] + (["hit_rate"] if k > 1 else []) + (["mrr", "ndcg"] if k == 10 else [])
        evaluate(qrels, run, metrics, return_mean=False, save_results_in_run=True)
        for m in metrics:
            for qid, v in run.scores[m].items():
                out[qid][f"{m}@{k}"] = float(v)
    return out


# ------------------------------------------------------------------ per-question results and aggregates


@dataclass
class QuestionResult:
    """One question answered by one configuration, with what is needed to score and to show it."""

    qid: str
    question: str
    lang: str
    type: str
    gold_answer: str
    answer: str
    abstained: bool
    correct: bool  # answerable: answer matches gold; unanswerable: abstained
    latency_ms: float
    confidence: float | None = None  # the system's estimated probability that its answer is right
    passages: list[Passage] = field(default_factory=list)  # ranked retrieved passages
    previews: list[str] = field(default_factory=list)  # first characters of each passage
    cited: list[Passage] = field(default_factory=list)
    spans: list[EvidenceSpan] = field(default_factory=list)
    retrieval: dict[str, float] = field(default_factory=dict)

    @property
    def answerable(self) -> bool:
        return self.type != "unanswerable"

    @property
    def citation_precision(self) -> float | None:
        """Share of cited passages overlapping evidence; None when not applicable (unanswerable, abstained, none)."""
        if not self.answerable or self.abstained or not self.cited:
            return None
        return sum(relevant_flags(self.cited, self.spans)) / len(self.cited)

    def to_json(self) -> dict[str, Any]:
        flags = relevant_flags(self.passages, self.spans)
        cflags = relevant_flags(self.cited, self.spans)
        return {
            "id": self.qid, "question": self.question, "lang": self.lang, "type": self.type,
            "gold_answer": self.gold_answer, "answer": self.answer, "abstained": self.abstained,
            "correct": self.correct,
            "confidence": None if self.confidence is None else round(self.confidence, 4),
            "latency_ms": round(self.latency_ms, 1),
            "retrieval": {k: round(v, 4) for k, v in self.retrieval.items()},
            "citation_precision": self.citation_precision,
            "evidence": [{"doc": s.doc, "start": s.start, "end": s.end, "ev": s.ev} for s in self.spans],
            "hits": [{"rank": i + 1, "doc": p[0], "start": p[1], "end": p[2], "relevant": f, "preview": pv}
                     for i, (p, f, pv) in enumerate(zip(self.passages, flags, self.previews, strict=False))],
            "citations": [{"doc": p[0], "start": p[1], "end": p[2], "relevant": f} for p, f in zip(self.cited, cflags, strict=True)],
        }


def _mean(xs: Iterable[float | None]) -> float | None:
    vals = [x for x in xs if x is not None]
    return sum(vals) / len(vals) if vals else None


def percentile(xs: Sequence[float], q: float) -> float | None:
    """Linear-interpolated percentile (numpy's default), None for no data."""
    if not xs:
        return None
    s = sorted(xs)
    pos = (len(s) - 1) * q / 100
    lo, hi = math.floor(pos), math.ceil(pos)
    return s[lo] + (s[hi] - s[lo]) * (pos - lo)


def aggregate(results: Sequence[QuestionResult]) -> dict[str, Any]:
    """One metrics block (report.json shape); a metric without questions to average is None."""
    ans = [r for r in results if r.answerable]
    una = [r for r in results if not r.answerable]
    lat = [r.latency_ms for r in results]
    return {
        "n": len(results),
        "n_answerable": len(ans),
        "retrieval": {k: _mean(r.retrieval.get(k) for r in ans) for k in RETRIEVAL_KEYS},
        "answer_accuracy": _mean(float(r.correct) for r in ans),
        "abstention_accuracy": _mean(float(r.abstained) for r in una),
        "false_abstention_rate": _mean(float(r.abstained) for r in ans),
        "citation_precision": _mean(r.citation_precision for r in ans),
        "overall_accuracy": _mean(float(r.correct) for r in results),  # answerable right + unanswerable abstained
        "latency_ms": {"p50": percentile(lat, 50), "p95": percentile(lat, 95)},
        "calibration": calibration(results),
    }


# ------------------------------------------------------------------ calibration

N_BINS = 10


def calibration_bins(pairs: Sequence[tuple[float, bool]], n_bins: int = N_BINS) -> list[dict[str, Any]]:
    """``n_bins`` equal-width confidence bins over [0, 1] (the last one closed; out-of-range values clipped).

    Each bin: ``lo``, ``hi``, ``n``, ``mean_confidence`` and ``accuracy`` (None for an empty bin).
    """
    edges = [i / n_bins for i in range(1, n_bins)]  # inner edges; a value on an edge goes to the upper bin
    members: list[list[tuple[float, bool]]] = [[] for _ in range(n_bins)]
    for c, ok in pairs:
        members[bisect_right(edges, c)].append((c, ok))
    return [{"lo": i / n_bins, "hi": (i + 1) / n_bins, "n": len(m),
             "mean_confidence": _mean(c for c, _ in m), "accuracy": _mean(float(ok) for _, ok in m)}
            for i, m in enumerate(members)]


def expected_calibration_error(bins: Sequence[Mapping[str, Any]]) -> float | None:
    """ECE = sum over bins of (share of answers in the bin) x |accuracy - mean confidence|; None without answers."""
    total = sum(b["n"] for b in bins)
    if not total:
        return None
    return sum(b["n"] / total * abs(b["accuracy"] - b["mean_confidence"]) for b in bins if b["n"])


def calibration(results: Sequence[QuestionResult], n_bins: int = N_BINS) -> dict[str, Any]:
    """How well ``confidence`` predicts a right answer.

    * ``ece`` and ``bins``: over the questions answered (not abstained), answerable or not (an answer to an
      unanswerable question is wrong); ``n`` of them.
    * ``brier``: mean (confidence - correct)² over the answerable questions, an abstention counting as the
      confidence it reported with correct = False; ``n_brier`` of them.

    Questions without a confidence (None) are left out of both.
    """
    answered = [(float(r.confidence), r.correct) for r in results if not r.abstained and r.confidence is not None]
    bins = calibration_bins(answered, n_bins)
    scored = [(float(r.confidence), r.correct and not r.abstained) for r in results
              if r.answerable and r.confidence is not None]
    return {
        "n": len(answered),
        "ece": expected_calibration_error(bins),
        "brier": _mean((c - float(ok)) ** 2 for c, ok in scored),
        "n_brier": len(scored),
        "bins": bins,
    }


def grouped(results: Sequence[QuestionResult], key: str) -> dict[str, dict[str, Any]]:
    """``aggregate`` per value of ``key`` ("lang" or "type"), groups in first-seen order."""
    groups: dict[str, list[QuestionResult]] = {}
    for r in results:
        groups.setdefault(getattr(r, key), []).append(r)
    return {g: aggregate(rs) for g, rs in groups.items()}


# ------------------------------------------------------------------ paired tests


def mcnemar_exact(a: Sequence[bool], b: Sequence[bool]) -> dict[str, float | int]:
    """Exact McNemar test (two-sided binomial on the discordant pairs) for paired right/wrong outcomes."""
    if len(a) != len(b):
        raise ValueError("mcnemar_exact: both systems must answer the same questions")
    only_a = sum(1 for x, y in zip(a, b, strict=True) if x and not y)
    only_b = sum(1 for x, y in zip(a, b, strict=True) if y and not x)
    n = only_a + only_b
    if n == 0:
        p = 1.0
    else:
        from scipy.stats import binomtest

        p = float(binomtest(only_a, n, 0.5).pvalue)
    return {"only_a": only_a, "only_b": only_b, "p_value": p}


def compare_mrr(
    questions_a: Mapping[str, tuple[Sequence[Passage], Sequence[EvidenceSpan]]],
    questions_b: Mapping[str, tuple[Sequence[Passage], Sequence[EvidenceSpan]]],
    names: tuple[str, str] = ("a", "b"),
) -> dict[str, Any]:
    """ranx ``compare`` (paired Student's t-test) on MRR@10 over the answerable questions both share."""
    from ranx import Qrels, Run, compare

    ids = [q for q in questions_a if questions_a[q][1] and q in questions_b]
    if len(ids) < 2:
        return {"metric": "mrr@10", "p_value": None, "n": len(ids)}
    qrels = Qrels({q: {f"ev{s.ev}": 1 for s in questions_a[q][1]} for q in ids})
    runs = [Run({q: evidence_run(qs[q][0], qs[q][1], 10) for q in ids}, name=n)
            for qs, n in ((questions_a, names[0]), (questions_b, names[1]))]
    import warnings

    with warnings.catch_warnings():  # identical per-question scores make scipy warn; p is still defined
        warnings.simplefilter("ignore", RuntimeWarning)
        rep = compare(qrels, runs=runs, metrics=["mrr"], max_p=0.05, stat_test="student").to_dict()
    p = rep[names[0]]["comparisons"][names[1]]["mrr"]
    return {"metric": "mrr@10", "test": "paired t-test (ranx compare)", "n": len(ids),
            names[0]: float(rep[names[0]]["scores"]["mrr"]), names[1]: float(rep[names[1]]["scores"]["mrr"]),
            "p_value": float(p)}
