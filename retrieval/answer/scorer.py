"""The fitted answer scorer: a logistic regression over candidate features, read from a data file.

``data/answer_scorer.json`` holds the feature names, weights, intercept, the abstention threshold and
the cross-validated figures behind them; ``scripts/train_answer_scorer.py`` writes it. Scoring needs
no machine-learning library: a dot product and a sigmoid.

    >>> s = Scorer({"cov": 2.0, "kind_match": 1.0}, intercept=-2.0, threshold=0.4)
    >>> round(s.prob({"cov": 1.0, "kind_match": 1.0}), 3)
    0.731
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

DEFAULT_PATH = Path(__file__).resolve().parents[2] / "data" / "answer_scorer.json"


@dataclass(frozen=True)
class Scorer:
    weights: dict[str, float]
    intercept: float = 0.0
    threshold: float = 0.5  # abstain when the best candidate's probability is below this
    min_coverage: float = 0.0  # abstain when the answer's sentence holds less of the question's terms than this
    means: dict[str, float] = field(default_factory=dict)  # standardisation (features are centred/scaled
    scales: dict[str, float] = field(default_factory=dict)  # by the training data's mean and spread)
    meta: dict = field(default_factory=dict)
    rank_weights: dict[str, float] = field(default_factory=dict)  # candidate ranker (conditional logit)
    calibrator: dict = field(default_factory=dict)  # {"weights": {logit, margin, share}, "intercept"}
    min_coverage_en: float = 0.0  # min_coverage for English and mixed questions (their terms are translations)
    threshold_en: float | None = None  # the threshold for English and mixed questions (None: ``threshold``)
    rank_blend: float = 0.0  # ranking score = ranker + rank_blend × the candidate model's logit (fitted)

    def threshold_for(self, english: bool) -> float:
        """The abstention threshold for a question in English (or mixed) or in Chinese."""
        return self.threshold_en if english and self.threshold_en is not None else self.threshold

    def _z(self, feats: dict[str, float], weights: dict[str, float]) -> float:
        z = 0.0
        for k, w in weights.items():
            x = feats.get(k, 0.0)
            if k in self.means:
                x = (x - self.means[k]) / (self.scales.get(k) or 1.0)
            z += w * x
        return z

    def rank_score(self, feats: dict[str, float]) -> float:
        """The ranker's score of a candidate (higher = more likely the answer among its question's candidates)."""
        if not self.rank_weights:
            return self.logit(feats)
        z = self._z(feats, self.rank_weights)
        return z + self.rank_blend * self.logit(feats) if self.rank_blend else z

    def confidence(self, rank_scores: list[float], top_prob: float, feats: dict[str, float] | None = None) -> float:
        """P(the best-ranked candidate is right), from the ranker's scores (best first), its own probability and
        (``feats``, the best candidate's features) whether its sentence holds the question's subject."""
        if not self.calibrator:
            return top_prob
        x = calib_inputs(rank_scores, top_prob, feats)
        return _sigmoid(self.calibrator.get("intercept", 0.0)
                        + sum(w * x.get(k, 0.0) for k, w in self.calibrator["weights"].items()))

    def logit(self, feats: dict[str, float]) -> float:
        return self.intercept + self._z(feats, self.weights)

    def prob(self, feats: dict[str, float]) -> float:
        return _sigmoid(self.logit(feats))


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


# Question-level evidence beside the ranker's scores: whether the answer's sentence holds the question's subject.
CALIB_EXTRA = ("sent_subject_missing", "sent_rarest_missing", "clause_subject_missing", "clause_modifier_missing")


def calib_inputs(rank_scores: list[float], top_prob: float, feats: dict[str, float] | None = None) -> dict[str, float]:
    """The calibrator's inputs: the best candidate's probability (as a logit), its ranker margin over the second,
    its softmax share among its question's candidates, and ``CALIB_EXTRA`` of its features."""
    p = min(max(top_prob, 1e-6), 1 - 1e-6)
    s0 = rank_scores[0]
    margin = s0 - rank_scores[1] if len(rank_scores) > 1 else 5.0
    share = 1.0 / sum(math.exp(max(-50.0, s - s0)) for s in rank_scores)
    out = {"logit": math.log(p / (1 - p)), "margin": min(margin, 5.0), "share": share}
    for k in CALIB_EXTRA:
        out[k] = (feats or {}).get(k, 0.0)
    return out


@lru_cache(maxsize=4)
def load_scorer(path: str | None = None) -> Scorer:
    """The scorer stored at ``path`` (default ``data/answer_scorer.json``); a clear error when it is missing."""
    p = Path(path) if path else DEFAULT_PATH
    try:
        d = json.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError as e:
        raise FileNotFoundError(f"{p}: 答案评分模型缺失 / answer scorer missing — run scripts/train_answer_scorer.py") from e
    return Scorer(d["weights"], d.get("intercept", 0.0), d.get("threshold", 0.5), d.get("min_coverage", 0.0),
                  d.get("means", {}), d.get("scales", {}), d.get("meta", {}), d.get("rank_weights", {}),
                  d.get("calibrator", {}), d.get("min_coverage_en", d.get("min_coverage", 0.0)),
                  d.get("threshold_en"), d.get("rank_blend", 0.0))
