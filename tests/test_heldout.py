"""Held-out guard: 42 questions over data/samples written apart from the public gold set.

tests/data/heldout_questions.jsonl was written to check that the system is not only good at the
public gold wording: other phrasings, more English and traditional-Chinese questions, and nine
unanswerable ones (figures the documents do not state, other provinces or years, figures the
Hebei speech masks as X). Code must never key on these questions; fix causes, not questions.

Measured (default configuration, 2026-11-25): answer accuracy 1.000, abstention accuracy 1.000,
false abstention 0.000, MRR@10 0.970.

Since issue 14 these questions are part of the answer scorer's TRAINING data (scripts/train_answer_scorer.py),
so this is no longer a held-out measure but a guard that the fitted model still serves the sample documents;
the held-out measure of the scorer is the gov lockbox (tests/data/gov/lockbox.jsonl). Measured 2026-12-01:
abstention accuracy 0.778; floors with a margin.
"""

from __future__ import annotations

from pathlib import Path

import pytest

HELDOUT = Path(__file__).resolve().parent / "data" / "heldout_questions.jsonl"
FLOORS = {"answer_accuracy": 0.85, "abstention_accuracy": 0.65, "mrr@10": 0.90}
MAX_FALSE_ABSTENTION = 0.10


@pytest.fixture(scope="module")
def heldout_report(sample_qa):
    from eval.configs import DEFAULT, get_config
    from eval.gold import load_gold
    from eval.metrics import aggregate, grouped
    from eval.runner import locate, run_questions

    ec = get_config(DEFAULT)
    located = locate(load_gold(HELDOUT), sample_qa, str(HELDOUT))  # every quote must be in data/samples
    rows = run_questions(sample_qa, located, mode=ec.mode, k=10)
    return aggregate(rows), grouped(rows, "lang")


def test_heldout_set_is_balanced():
    from eval.gold import load_gold

    qs = load_gold(HELDOUT)
    langs = {q.lang for q in qs}
    assert {"zh", "zh-hant", "en", "mixed"} <= langs
    assert sum(1 for q in qs if not q.answerable) >= 8
    assert len({q.id for q in qs}) == len(qs) >= 40


def test_heldout_meets_its_floors(heldout_report):
    r, _ = heldout_report
    got = {"answer_accuracy": r["answer_accuracy"], "abstention_accuracy": r["abstention_accuracy"],
           "mrr@10": r["retrieval"]["mrr@10"]}
    low = {k: round(v, 3) for k, v in got.items() if v < FLOORS[k]}
    assert not low, f"held-out below the floor {FLOORS}: {low}"
    assert r["false_abstention_rate"] <= MAX_FALSE_ABSTENTION, r["false_abstention_rate"]


@pytest.mark.parametrize("lang", ["en", "zh-hant", "mixed", "zh"])
def test_no_language_collapses(heldout_report, lang):
    _, by_lang = heldout_report
    # Each language keeps most of its questions right (answers and abstentions together). The sets are small
    # (9 traditional, 9 mixed, 15 English questions): 0.7 allows two misses in nine, not a pin under today's score.
    assert by_lang[lang]["overall_accuracy"] >= 0.7, (lang, by_lang[lang])
