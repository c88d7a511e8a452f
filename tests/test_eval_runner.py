"""The evaluation runner end to end on a tiny corpus (BM25 only: no encoder, so it runs in seconds)."""

from __future__ import annotations

import json

import pytest

from eval.gold import EvidenceNotFoundError
from eval.runner import run
from tests.helpers import write_eval_corpus

DOCS = {
    "plan.txt": "某省科技创新规划\n一、发展目标\n到2030年，全省研发投入强度达到3.5%。\n二、重点任务\n"
                "建设一批新型研发机构，培育科技型中小企业2000家。\n",
    "notice.txt": "关于开展农业机械补贴的通知\n各县农业部门：\n补贴资金由县财政统一拨付，补贴比例为30%。\n",
}
GOLD = [
    {"id": "t1", "question": "到2030年研发投入强度目标是多少?", "lang": "zh", "type": "number", "answer": "3.5%",
     "aliases": [], "evidence": [{"doc": "plan.txt", "quote": "研发投入强度达到3.5%"}]},
    {"id": "t2", "question": "农业机械补贴比例是多少?", "lang": "zh", "type": "number", "answer": "30%",
     "aliases": [], "evidence": [{"doc": "notice.txt", "quote": "补贴比例为30%"}]},
    {"id": "t3", "question": "月球基地建设资金由谁拨付?", "lang": "zh", "type": "unanswerable", "answer": "",
     "aliases": [], "evidence": []},
]
METRIC_KEYS = {"retrieval", "answer_accuracy", "abstention_accuracy", "false_abstention_rate", "citation_precision",
               "latency_ms"}


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    return write_eval_corpus(tmp_path_factory.mktemp("evalrun"), DOCS, GOLD)


@pytest.fixture(scope="module")
def report(tiny):
    root, corpus, gold, base = tiny
    seen = []
    rep = run(gold, corpus, root / "out", ["hybrid-minmax", "bm25", "naive"], index_root=root / "index", base=base,
              progress=lambda s, d, t: seen.append((s, d, t)))
    rep["_progress"] = seen
    return rep


def test_report_json_shape(report, tiny):
    root = tiny[0]
    on_disk = json.loads((root / "out" / "report.json").read_text(encoding="utf-8"))
    assert on_disk["default"] == "hybrid-minmax" and on_disk["n_questions"] == 3
    assert set(on_disk["configs"]) == {"hybrid-minmax", "bm25", "naive"}
    for block in on_disk["configs"].values():
        assert METRIC_KEYS <= set(block)
        assert {"recall@1", "recall@5", "recall@10", "mrr@10", "ndcg@10"} <= set(block["retrieval"])
        assert set(block["latency_ms"]) == {"p50", "p95"}
        assert set(block["by_lang"]) == {"zh"} and set(block["by_type"]) == {"number", "unanswerable"}
        assert METRIC_KEYS <= set(block["by_type"]["number"])
    assert "p_value" in on_disk["significance"]["retrieval"] and "p_value" in on_disk["significance"]["answers"]


def test_scores_and_outputs(report, tiny):
    root = tiny[0]
    d = report["configs"]["hybrid-minmax"]
    assert d["retrieval"]["recall@5"] == 1.0  # two documents: the evidence is always in the top 5
    assert report["configs"]["naive"]["index"] != d["index"] == report["configs"]["bm25"]["index"]
    rows = [json.loads(x) for x in (root / "out" / "results.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 9 and {r["config"] for r in rows} == {"hybrid-minmax", "bm25", "naive"}
    assert all(h["doc"] in DOCS for r in rows for h in r["hits"])
    for name in ("report.md", "failures.md", "chart_hybrid-minmax.png", "chart_naive.png", "chart_overview.png"):
        assert (root / "out" / name).stat().st_size > 0
    md = (root / "out" / "report.md").read_text(encoding="utf-8")
    assert "| hybrid-minmax (default) |" in md and "McNemar" in md
    assert ("hybrid-minmax", 3, 3) in report["_progress"]


def test_reuses_indexes(tiny, report):
    root, corpus, gold, base = tiny
    before = sorted(p.name for p in (root / "index").iterdir())
    rep = run(gold, corpus, None, ["bm25"], index_root=root / "index", base=base)
    assert sorted(p.name for p in (root / "index").iterdir()) == before
    assert rep["default"] == "bm25" and "significance" not in rep


def test_unfound_quotes_stop_the_run(tiny, tmp_path):
    _, corpus, _, base = tiny
    bad = dict(GOLD[0], evidence=[{"doc": "plan.txt", "quote": "研发投入强度达到9.9%"}])
    gold = tmp_path / "bad.jsonl"
    gold.write_text(json.dumps(bad, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(EvidenceNotFoundError, match="t1: plan.txt"):
        run(gold, corpus, tmp_path / "out", ["bm25"], index_root=tmp_path / "index", base=base)
    assert not (tmp_path / "out").exists()


def test_unknown_config(tiny, tmp_path):
    _, corpus, gold, base = tiny
    with pytest.raises(ValueError, match="unknown evaluation configuration 'fancy'"):
        run(gold, corpus, None, ["fancy"], index_root=tmp_path / "i", base=base)
