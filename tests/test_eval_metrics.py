"""Evaluation metrics against hand-computed values; span-overlap relevance; paired tests."""

from __future__ import annotations

import math

import pytest

from eval.gold import EvidenceSpan
from eval.metrics import (
    QuestionResult,
    aggregate,
    evidence_run,
    grouped,
    mcnemar_exact,
    overlaps,
    percentile,
    relevant_flags,
    retrieval_scores,
)

EV = EvidenceSpan("a.txt", 100, 120, 0)


@pytest.mark.parametrize(
    "passage, expected",
    [
        (("a.txt", 0, 100), False),  # ends exactly where the evidence starts (half-open)
        (("a.txt", 0, 101), True),
        (("a.txt", 119, 400), True),
        (("a.txt", 120, 400), False),  # starts exactly where the evidence ends
        (("a.txt", 105, 110), True),  # inside
        (("a.txt", 50, 500), True),  # contains
        (("b.txt", 100, 120), False),  # same offsets, other document
    ],
)
def test_overlap(passage, expected):
    assert overlaps(passage, EV) is expected


def _q(passages, spans):
    return retrieval_scores({"q": (passages, spans)})["q"]


A, B = EvidenceSpan("a.txt", 100, 120, 0), EvidenceSpan("b.txt", 0, 10, 1)
MISS = ("c.txt", 0, 50)


@pytest.mark.parametrize(
    "passages, spans, expected",
    [
        # first relevant at rank 1, one quote
        ([("a.txt", 90, 130)], [A], {"recall@1": 1, "recall@5": 1, "mrr@10": 1, "ndcg@10": 1, "hit_rate@5": 1}),
        # first relevant at rank 3
        ([MISS, MISS, ("a.txt", 90, 130)], [A],
         {"recall@1": 0, "recall@5": 1, "mrr@10": 1 / 3, "ndcg@10": 1 / math.log2(4), "hit_rate@5": 1}),
        # two quotes (compare question), only one covered in the top 5
        ([("a.txt", 90, 130), MISS, MISS, MISS, MISS, MISS, ("b.txt", 5, 40)], [A, B],
         {"recall@1": 0.5, "recall@5": 0.5, "recall@10": 1.0, "mrr@10": 1.0,
          "ndcg@10": (1 + 1 / math.log2(8)) / (1 + 1 / math.log2(3))}),
        # a second passage on the same quote adds nothing to recall or nDCG
        ([("a.txt", 90, 110), ("a.txt", 110, 130)], [A, B],
         {"recall@5": 0.5, "mrr@10": 1.0, "ndcg@10": 1 / (1 + 1 / math.log2(3))}),
        # one passage covering both quotes of one document
        ([MISS, ("a.txt", 0, 500)], [A, EvidenceSpan("a.txt", 300, 310, 1)],
         {"recall@1": 0.0, "recall@5": 1.0, "mrr@10": 0.5}),
        # a quote found twice in its document counts once, covered by either place
        ([("a.txt", 500, 600)], [A, EvidenceSpan("a.txt", 520, 540, 0)], {"recall@1": 1.0, "mrr@10": 1.0}),
        # nothing relevant, and nothing retrieved at all
        ([MISS] * 10, [A], {"recall@10": 0, "mrr@10": 0, "ndcg@10": 0, "hit_rate@10": 0}),
        ([], [A], {"recall@10": 0, "mrr@10": 0, "hit_rate@10": 0}),
        # relevant only at rank 11: outside every cutoff
        ([MISS] * 10 + [("a.txt", 100, 101)], [A], {"recall@10": 0, "mrr@10": 0}),
    ],
)
def test_retrieval_scores_hand_computed(passages, spans, expected):
    got = _q(passages, spans)
    for key, val in expected.items():
        assert got[key] == pytest.approx(val), key


def test_unanswerable_questions_get_no_retrieval_scores():
    assert retrieval_scores({"u": ([MISS], [])}) == {}


def test_evidence_run_keeps_rank_order():
    run = evidence_run([MISS, ("a.txt", 0, 500)], [A, EvidenceSpan("a.txt", 300, 310, 1)], 10)
    assert sorted(run, key=run.get, reverse=True) == ["p0", "ev0", "ev1"]


def test_relevant_flags():
    assert relevant_flags([MISS, ("a.txt", 110, 111)], [A]) == [False, True]


def _r(qid, lang, qtype, correct, abstained, ms, cited=(), spans=(A,), retrieval=None):
    return QuestionResult(qid, "?", lang, qtype, "" if qtype == "unanswerable" else "x", "x", abstained, correct, ms,
                          cited=list(cited), spans=list(spans) if qtype != "unanswerable" else [],
                          retrieval=retrieval or {})


def test_aggregate_answer_metrics():
    rows = [
        _r("1", "zh", "number", True, False, 10, cited=[("a.txt", 100, 110), MISS], retrieval={"recall@5": 1.0}),
        _r("2", "zh", "number", False, True, 20, retrieval={"recall@5": 0.0}),
        _r("3", "en", "fact", False, False, 30, cited=[MISS], retrieval={"recall@5": 0.5}),
        _r("4", "en", "unanswerable", True, True, 40),
        _r("5", "zh", "unanswerable", False, False, 50),
    ]
    agg = aggregate(rows)
    assert agg["answer_accuracy"] == pytest.approx(1 / 3)
    assert agg["false_abstention_rate"] == pytest.approx(1 / 3)
    assert agg["abstention_accuracy"] == pytest.approx(0.5)
    assert agg["citation_precision"] == pytest.approx((0.5 + 0.0) / 2)  # abstained answer excluded
    assert agg["overall_accuracy"] == pytest.approx(2 / 5)
    assert agg["retrieval"]["recall@5"] == pytest.approx(0.5)
    assert agg["latency_ms"] == {"p50": 30, "p95": pytest.approx(48)}
    by_lang = grouped(rows, "lang")
    assert list(by_lang) == ["zh", "en"]
    assert by_lang["en"]["abstention_accuracy"] == 1.0 and by_lang["zh"]["abstention_accuracy"] == 0.0
    assert grouped(rows, "type")["unanswerable"]["answer_accuracy"] is None


@pytest.mark.parametrize("xs, q, expected", [([5], 50, 5), ([1, 2, 3, 4], 50, 2.5), ([], 50, None),
                                             ([1, 2, 3, 4, 5], 95, 4.8)])
def test_percentile(xs, q, expected):
    assert percentile(xs, q) == (pytest.approx(expected) if expected is not None else None)


@pytest.mark.parametrize(
    "a, b, only_a, only_b, p",
    [
        ([True] * 10, [False] * 10, 10, 0, 2 * 0.5**10),
        ([True, False], [True, False], 0, 0, 1.0),
        ([True, False, True], [False, True, True], 1, 1, 1.0),
    ],
)
def test_mcnemar_exact(a, b, only_a, only_b, p):
    r = mcnemar_exact(a, b)
    assert (r["only_a"], r["only_b"]) == (only_a, only_b)
    assert r["p_value"] == pytest.approx(p)
