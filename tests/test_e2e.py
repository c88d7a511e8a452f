"""End to end over data/samples: build, search, ask, offsets, incremental re-ingest, atomic versions. The search and
ask tests run on both backends (``any_qa``: the embedded store and Milvus Lite)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from tests.conftest import ROOT, SAMPLES


def test_build_report(sample_build):
    assert sample_build.n_docs == 5
    assert sample_build.n_chunks > 100
    assert sample_build.skipped == []


def test_every_chunk_offset_is_exact(sample_qa):
    idx = sample_qa.searcher.index
    for i in range(idx.n_chunks):
        c = idx.chunk(i)
        d = idx.doc_of_chunk(i)
        assert c.text == d.text[c.start:c.end]
        assert c.text.strip() == c.text and c.text


@pytest.mark.parametrize(
    "query",
    ["高新技术企业 2025 目标", "技术合同成交额", "科技振興行動計畫", "high-tech enterprises", "R&D经费 翻番", "紫丁香"],
)
def test_hits_carry_exact_offsets(any_qa, query):
    hits = any_qa.search(query, k=10)
    assert hits
    idx = any_qa.searcher.index
    for h in hits:
        doc = idx.doc_by_id(h.chunk.doc_id)
        assert h.text == doc.text[h.chunk.start:h.chunk.end]
        assert h.doc_name == doc.name
        assert {"fused"} <= set(h.scores)


@pytest.mark.parametrize(
    "name,region,city",
    [
        ("000_f030060b1378ff53.txt", "黑龙江", ""),
        ("001_5a2869ce575e3cf1.txt", "黑龙江", ""),
        ("002_01b5886914dff447.txt", "浙江", ""),
        ("003_d23cbd7b0a7a361d.txt", "河北", "沧州"),
        ("004_d46042affa9808e8.txt", "山西", ""),
    ],
)
def test_sample_regions(sample_qa, name, region, city):
    d = sample_qa.searcher.index.doc_by_id(name)
    assert d.meta.region == region
    if city:
        assert d.meta.city == city


def test_region_filter(any_qa):
    from retrieval.types import Filters

    hits = any_qa.search("技术合同成交额", k=10, filters=Filters(regions=("山西",)))
    assert hits and all(h.meta.region == "山西" for h in hits)


def test_doc_filter(any_qa):
    from retrieval.types import Filters

    hits = any_qa.search("科技", k=5, filters=Filters(docs=("002_01b5886914dff447.txt",)))
    assert hits and {h.doc_name for h in hits} == {"002_01b5886914dff447.txt"}


def test_issue_example_question(any_qa):
    a = any_qa.ask("which province targets 500亿 contract turnover")
    assert not a.abstained
    assert "黑龙江" in a.answer
    assert any(
        c.hit.doc_name == "000_f030060b1378ff53.txt" and "突破500亿元" in c.hit.text for c in a.citations
    ), [(c.hit.doc_name, c.hit.text[:50]) for c in a.citations]
    for c in a.citations:
        assert c.n >= 1


# Questions written for this test (not from any gold file), answers read off the samples.
@pytest.mark.parametrize(
    "question,expect",
    [
        ("浙江2020年新认定科技型中小企业多少家？", "16032"),
        ("黑龙江“十三五”期间获得国家科学技术奖多少项？", "64"),
        ("浙江2020年全省R&D经费支出同比增长了多少？", "10.2%"),
        ("哪个省份连续2年获2项国务院督查激励？", "浙江"),
    ],
)
def test_own_questions(any_qa, question, expect):
    a = any_qa.ask(question)
    assert not a.abstained, a
    assert expect in a.answer, (a.answer, a.supporting)


def test_unrelated_question_abstains(any_qa):
    a = any_qa.ask("江苏省2020年新认定了多少家高新技术企业？")
    assert a.abstained


# ---------------------------------------------------------------- incremental, atomic, errors


@pytest.fixture()
def small_cfg(tmp_path):
    from config import Config, EncoderConfig

    return Config().with_(index_dir=tmp_path / "idx", encoder=EncoderConfig(backend="none"))


def _copy_samples(dst: Path, names=("002_01b5886914dff447.txt", "004_d46042affa9808e8.txt")) -> Path:
    dst.mkdir(parents=True, exist_ok=True)
    for n in names:
        shutil.copy(SAMPLES / n, dst / n)
    return dst


def test_incremental_reingest(tmp_path, small_cfg):
    from index.build import build_index

    folder = _copy_samples(tmp_path / "docs")
    r1 = build_index([folder], small_cfg)
    assert sorted(r1.added) == ["002_01b5886914dff447.txt", "004_d46042affa9808e8.txt"]
    r2 = build_index([folder], small_cfg)
    assert not r2.rebuilt and r2.version == r1.version
    # change one, add one, delete one
    (folder / "004_d46042affa9808e8.txt").write_text("山西省科技厅通知\n\n一、总体要求\n全省技术合同成交额达到600亿元。\n", encoding="utf-8")
    shutil.copy(SAMPLES / "000_f030060b1378ff53.txt", folder / "000_f030060b1378ff53.txt")
    (folder / "002_01b5886914dff447.txt").unlink()
    r3 = build_index([folder], small_cfg)
    assert r3.changed == ["004_d46042affa9808e8.txt"]
    assert r3.added == ["000_f030060b1378ff53.txt"]
    assert r3.removed == ["002_01b5886914dff447.txt"]
    assert r3.n_docs == 2 and r3.version != r1.version


def test_bad_file_is_skipped_with_reason(tmp_path, small_cfg):
    from index.build import build_index

    folder = _copy_samples(tmp_path / "docs", names=("004_d46042affa9808e8.txt",))
    (folder / "broken.txt").write_bytes(b"\x00\x01\x02\xff\xfe\x00" * 200)
    (folder / "empty.md").write_bytes(b"")
    rep = build_index([folder], small_cfg)
    assert rep.n_docs == 1
    skipped = {Path(p).name: reason for p, reason in rep.skipped}
    assert set(skipped) == {"broken.txt", "empty.md"}
    assert all(reason for reason in skipped.values())


def test_interrupted_build_keeps_previous_version(tmp_path, small_cfg):
    from index.build import build_index
    from index.store import load_index

    folder = _copy_samples(tmp_path / "docs")
    r1 = build_index([folder], small_cfg)
    shutil.copy(SAMPLES / "000_f030060b1378ff53.txt", folder / "000_f030060b1378ff53.txt")

    class Boom(Exception):
        pass

    def progress(stage, done, total):
        if stage == "tokenize" and done > 0:
            raise Boom()

    with pytest.raises(Boom):
        build_index([folder], small_cfg, progress=progress)
    idx = load_index(small_cfg.index_dir)
    assert idx.path.name == r1.version and len(idx.docs) == 2
    assert not list(small_cfg.index_dir.glob(".staging-*"))


def test_mismatched_settings_say_rebuild(tmp_path, small_cfg):
    from config import AnalyzerConfig
    from index.build import build_index
    from index.store import IndexMismatchError
    from retrieval.search import Searcher

    build_index([_copy_samples(tmp_path / "docs")], small_cfg)
    other = replace(small_cfg, analyzer=AnalyzerConfig(bigrams=False))
    with pytest.raises(IndexMismatchError, match="rebuild"):
        Searcher.open(other)


def test_bm25_only_index_opens_with_the_default_encoder_configured(tmp_path, small_cfg, monkeypatch):
    """An index built with ``--encoder none`` opens as BM25 only under a configuration that names an encoder (no
    encoder is loaded, nothing asks for a rebuild) and says which retrievers it has."""
    from config import EncoderConfig
    from index import encoders
    from index.build import build_index
    from retrieval.engine import PolicyQA

    build_index([_copy_samples(tmp_path / "docs")], small_cfg)

    def no_encoder(*a, **k):
        raise AssertionError("a BM25-only index must not load an encoder")

    monkeypatch.setattr(encoders, "make_encoder", no_encoder)
    qa = PolicyQA.open(small_cfg.with_(encoder=EncoderConfig()))  # the default, dense encoder
    assert qa.searcher.encoder is None
    assert qa.searcher.info()["retrievers"] == ["bm25"]
    assert qa.search("科技创新")  # answers from the BM25 side


def test_missing_index_message(tmp_path):
    from config import Config, EncoderConfig
    from index.store import IndexMissingError
    from retrieval.search import Searcher

    with pytest.raises(IndexMissingError, match="ingest"):
        Searcher.open(Config().with_(index_dir=tmp_path / "nothing", encoder=EncoderConfig(backend="none")))


def test_metadata_override_survives_reindex(tmp_path, small_cfg):
    from index.build import build_index
    from index.store import load_index, save_override

    folder = _copy_samples(tmp_path / "docs")
    build_index([folder], small_cfg)
    save_override(small_cfg.index_dir, "004_d46042affa9808e8.txt", {"region": "陕西", "doc_type": "report"})
    build_index([folder], small_cfg)
    build_index([folder], small_cfg, rebuild=True)
    d = load_index(small_cfg.index_dir).doc_by_id("004_d46042affa9808e8.txt")
    assert d.meta.region == "陕西" and d.meta.doc_type == "report"


# ---------------------------------------------------------------- CLI JSON (public interface)


def _cli(*args, cfg) -> str:
    env = {"POLICYQA_INDEX_DIR": str(cfg.index_dir), "HF_HUB_OFFLINE": "1", "PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, str(ROOT / "cli.py"), *args], capture_output=True, text=True, env=env,
                         cwd=ROOT, timeout=300)
    assert out.returncode == 0, out.stderr
    return out.stdout


def test_cli_json_interfaces(sample_cfg, sample_build, tmp_path):
    a = json.loads(_cli("ask", "which province targets 500亿 contract turnover", "--json", cfg=sample_cfg))
    for key in ("question", "answer", "answer_type", "abstained", "confidence", "citations"):
        assert key in a
    for key in ("n", "doc", "title", "region", "section", "start", "end", "text"):
        assert key in a["citations"][0]
    batch = tmp_path / "q.jsonl"
    batch.write_text('{"id": "a", "question": "紫丁香计划"}\n{"id": "b", "question": "高新技术企业"}\n', encoding="utf-8")
    lines = _cli("search", "--batch", str(batch), "--k", "3", cfg=sample_cfg).strip().splitlines()
    rows = [json.loads(x) for x in lines]
    assert [r["id"] for r in rows] == ["a", "b"]
    for key in ("doc", "title", "region", "section", "start", "end", "text", "score", "scores"):
        assert key in rows[0]["hits"][0]
