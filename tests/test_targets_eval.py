"""Regression guard of the targets table against the hand labels (tests/data/targets/, scripts/eval_targets.py).

The floors sit about 0.08 under the figures measured when the labels were written (gov: recall 0.844, precision
0.912, kind right on 134 of 135 found labels; seeds: 0.932, 0.943, 212 of 232; GDP growth targets of the 52 national work reports: recall 0.730,
precision 0.900 then, 0.973 / 0.973 since growth subjects, headline sentences, plan numbers and phrase order are read, 2026-12-02), so that real changes can trade one figure against another."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FLOORS = {
    "labels_gov.jsonl": {"recall": 0.76, "precision": 0.83, "kind": 0.90, "docs": 10},
    "labels_seeds.jsonl": {"recall": 0.85, "precision": 0.86, "kind": 0.84, "docs": 5},
}


def _script():
    spec = importlib.util.spec_from_file_location("eval_targets", ROOT / "scripts" / "eval_targets.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_extraction_holds_its_precision_and_recall(name):
    mod = _script()
    r = mod.score_labels(mod.LABELS / name, {}, mod.LABELS / "gov_docs.txt" if "gov" in name else None)
    floor = FLOORS[name]
    found = sum(k["found"] for k in r["per_kind"].values())
    kind_ok = sum(k["kind_ok"] for k in r["per_kind"].values())
    assert r["labels"] >= 100 and r["docs"] >= floor["docs"]
    assert r["recall"] >= floor["recall"], r
    assert r["precision"] >= floor["precision"], r
    assert kind_ok / found >= floor["kind"], r


def test_the_gdp_growth_chart_finds_the_reports_targets():
    """Per national work report, the growth target a chart of 国内生产总值增长 plots for the report's year."""
    mod = _script()
    r = mod.score_gdp(mod.LABELS / "gdp_targets.jsonl", {})
    assert r["reports"] >= 50 and r["with_target"] >= 30
    assert r["recall"] >= 0.89 and r["precision"] >= 0.89, r
    assert r["no_target_right"] >= r["reports"] - r["with_target"] - 2, r
