"""Calibration of the answers' confidence: ECE over 10 equal-width bins and the Brier score, by hand."""

from __future__ import annotations

import pytest

from eval.gold import EvidenceSpan
from eval.metrics import QuestionResult, aggregate, calibration, calibration_bins, expected_calibration_error
from eval.report import calibration_line, calibration_section, render_markdown

A = EvidenceSpan("a.txt", 0, 10, 0)


def _r(conf, correct, abstained=False, qtype="number", qid="q"):
    return QuestionResult(qid, "?", "zh", qtype, "" if qtype == "unanswerable" else "x", "x", abstained, correct, 1.0,
                          confidence=conf, spans=[] if qtype == "unanswerable" else [A])


def _many(conf, n_right, n_wrong):
    return [_r(conf, True) for _ in range(n_right)] + [_r(conf, False) for _ in range(n_wrong)]


def test_perfectly_calibrated_gives_zero():
    # 0.8 → 8 of 10 right; 0.2 → 1 of 5 right; 0.5 → 1 of 2 right
    rows = _many(0.8, 8, 2) + _many(0.2, 1, 4) + _many(0.5, 1, 1)
    c = calibration(rows)
    assert c["n"] == 17
    assert c["ece"] == pytest.approx(0.0, abs=1e-12)
    by_lo = {round(b["lo"], 1): b for b in c["bins"]}
    assert by_lo[0.8]["n"] == 10 and by_lo[0.8]["accuracy"] == pytest.approx(0.8)
    assert by_lo[0.2]["n"] == 5 and by_lo[0.5]["n"] == 2


def test_over_confident_gives_the_gap():
    # bin [0.9, 1.0]: 4 answers at 0.9, 2 right → gap 0.4; bin [0.3, 0.4): 6 at 0.3, none right → gap 0.3
    rows = _many(0.9, 2, 2) + _many(0.3, 0, 6)
    assert calibration(rows)["ece"] == pytest.approx(0.4 * 4 / 10 + 0.3 * 6 / 10)  # 0.34
    # all answers at 0.9 with 60 % right: ECE is the plain gap 0.3
    assert calibration(_many(0.9, 6, 4))["ece"] == pytest.approx(0.3)


def test_mean_confidence_within_a_bin():
    # one bin [0.6, 0.7): confidences 0.6 and 0.68 (mean 0.64), one of two right → |0.5 - 0.64| = 0.14
    c = calibration([_r(0.6, True), _r(0.68, False)])
    b = next(b for b in c["bins"] if b["n"])
    assert (b["lo"], b["hi"]) == pytest.approx((0.6, 0.7))
    assert b["mean_confidence"] == pytest.approx(0.64) and b["accuracy"] == 0.5
    assert c["ece"] == pytest.approx(0.14)


def test_bins_shape_and_edges():
    bins = calibration_bins([(0.0, True), (0.1, True), (0.95, False), (1.0, True), (1.3, True), (-0.2, False)])
    assert len(bins) == 10
    assert [(round(b["lo"], 1), round(b["hi"], 1)) for b in bins][:2] == [(0.0, 0.1), (0.1, 0.2)]
    assert set(bins[0]) == {"lo", "hi", "n", "mean_confidence", "accuracy"}
    assert [b["n"] for b in bins] == [2, 1, 0, 0, 0, 0, 0, 0, 0, 3]  # 1.0 in the last bin; out of range clipped
    assert bins[2]["mean_confidence"] is None and bins[2]["accuracy"] is None
    assert expected_calibration_error(bins[2:9]) is None


def test_abstentions_and_unanswerable_questions():
    rows = [
        _r(0.9, True, qid="1"),
        _r(0.9, False, qid="2"),
        _r(0.2, False, abstained=True, qid="3"),  # answerable, abstained: Brier only, as (0.2, wrong)
        _r(0.7, False, qtype="unanswerable", qid="4"),  # answered an unanswerable question: ECE only, wrong
        _r(0.1, True, abstained=True, qtype="unanswerable", qid="5"),  # right abstention: neither
    ]
    c = calibration(rows)
    assert c["n"] == 3 and c["n_brier"] == 3
    # bins: [0.9, 1.0] 2 answers, acc 0.5, conf 0.9 → 0.4; [0.7, 0.8) 1 answer, acc 0, conf 0.7 → 0.7
    assert c["ece"] == pytest.approx(2 / 3 * 0.4 + 1 / 3 * 0.7)
    assert c["brier"] == pytest.approx((0.1**2 + 0.9**2 + 0.2**2) / 3)


def test_no_answers_and_missing_confidence():
    c = calibration([_r(0.3, False, abstained=True)])
    assert c["n"] == 0 and c["ece"] is None and c["brier"] == pytest.approx(0.09)
    assert calibration([])["brier"] is None
    c = calibration([_r(None, True), _r(0.9, True)])  # a result without confidence is left out
    assert c["n"] == 1 and c["ece"] == pytest.approx(0.1) and c["brier"] == pytest.approx(0.01)


def test_in_aggregate_results_json_and_markdown():
    rows = _many(0.9, 2, 2) + _many(0.3, 0, 6)
    agg = aggregate(rows)
    assert agg["calibration"]["ece"] == pytest.approx(0.34)
    assert rows[0].to_json()["confidence"] == 0.9
    block = {**agg, "by_lang": {}, "by_type": {}, "description": "d"}
    md = "\n".join(calibration_section("bm25", block))
    assert "### Calibration" in md and "ECE 0.340" in md and "chart_calibration_bm25.png" in md
    assert "| 0.9–1.0 | 4 | 0.900 | 0.500 |" in md and "| 0.3–0.4 | 6 | 0.300 | 0.000 |" in md
    report = {"default": "bm25", "n_questions": 10, "configs": {"bm25": block}}
    assert "### Calibration" in render_markdown(report)
    assert calibration_line(report).startswith("Calibration: bm25 ECE 0.340 / Brier ")
