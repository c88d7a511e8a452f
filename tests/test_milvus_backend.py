"""The Milvus backend against a real Milvus Lite (started by the tests in a temporary folder): the store's own
operations, and search / ask over the samples with ``backend = "milvus"`` next to the embedded store."""

from __future__ import annotations

import numpy as np
import pytest

from index.backends.base import ChunkFilter, ChunkRow
from index.backends.milvus import MilvusBackend, MilvusBackendError, where_expr

TEXTS = [  # sentences written for these tests
    ("a", "山东", 2023, "policy", "山东省支持人工智能产业发展，到2025年产业规模达到500亿元"),
    ("b", "北京", 2024, "report", "北京市加快建设数字经济标杆城市"),
    ("c", "山东", 2025, "report", "青岛市人工智能产业园新增企业100家"),
    ('d"q', "广东", 2022, "policy", "广东省推进制造业数字化转型"),
]


def _rows(dim=4, seed=0):
    rng = np.random.default_rng(seed)
    return [ChunkRow(f"{d}:0", d, 0, 0, len(t), t, region=r, year=y, doc_type=ty,
                     vector=rng.random(dim).astype(np.float32)) for d, r, y, ty, t in TEXTS]


@pytest.fixture(scope="module")
def tokenize():
    from index.analyzer import Analyzer

    return Analyzer().tokenize


@pytest.fixture(params=["policyqa", "jieba"])
def store(request, tmp_path, tokenize):
    b = MilvusBackend(str(tmp_path / "m.db"), dim=4, analysis=request.param, tokenize=tokenize)
    assert b.analysis == request.param
    b.add(_rows())
    yield b
    b.close()


def test_sparse_search_finds_the_term_and_filters(store):
    res = store.sparse_search({"人工智能": 1.0}, 5)
    assert set(res.ids) == {"a:0", "c:0"} and (res.scores > 0).all()
    assert store.sparse_search({"人工智能": 1.0}, 5, ChunkFilter(year_from=2024)).ids == ["c:0"]
    assert store.sparse_search({"数字": 1.0}, 5, ChunkFilter(regions=("北京",))).ids == ["b:0"]
    assert store.sparse_search({"数字": 1.0}, 5, ChunkFilter(doc_types=("policy",))).ids == ['d"q:0']
    assert store.sparse_search({"数字": 1.0}, 5, ChunkFilter(doc_ids=('d"q',))).ids == ['d"q:0']  # quote escaped
    assert store.sparse_search({}, 5).ids == []


def test_a_released_collection_is_loaded_again_and_searched(store):
    """Milvus answers code 101 for a released collection (a Lite server restarted by another thread's last client):
    the search loads it and asks once more."""
    store.client.release_collection(store.collection)
    assert store.sparse_search({"人工智能": 1.0}, 5).ids
    store.client.release_collection(store.collection)
    assert store.count() == len(TEXTS) and store.fetch(["a:0"])


def test_term_weights_change_the_order(store):
    """A heavier term counts more: the query text repeats it (index/backends/base.query_text)."""
    first = store.sparse_search({"人工智能": 1.0, "青岛": 0.1}, 2).ids[0]
    second = store.sparse_search({"人工智能": 0.1, "青岛": 1.0}, 2).ids[0]
    assert second == "c:0" and store.sparse_search({"山东省": 1.0, "青岛": 0.05}, 2).ids[0] == "a:0"
    assert first in {"a:0", "c:0"}


def test_dense_and_hybrid(store):
    rows = _rows()
    res = store.dense_search(rows[1].vector, 2)
    assert res.ids[0] == "b:0" and res.scores[0] == pytest.approx(1.0, abs=1e-4)
    assert store.dense_search(rows[1].vector, 2, ChunkFilter(regions=("山东",))).ids[0] in {"a:0", "c:0"}
    rrf = store.hybrid_search({"人工智能": 1.0}, rows[2].vector, 3)
    assert rrf.ids[0] == "c:0"  # first in both lists
    weighted = store.hybrid_search({"人工智能": 1.0}, rows[2].vector, 3, dense_weight=0.9)
    assert weighted.ids[0] == "c:0"


def test_delete_upsert_persist_and_reopen(tmp_path, tokenize):
    path = str(tmp_path / "p.db")
    b = MilvusBackend(path, dim=4, tokenize=tokenize)
    b.add(_rows())
    b.remove_docs(["b"])
    b.add([ChunkRow("a:0", "a", 0, 0, 6, "浙江省海洋经济", region="浙江", year=2020, vector=np.ones(4, np.float32))])
    assert b.count() == 3
    assert b.fetch(["a:0", "b:0"])[0]["region"] == "浙江" and len(b.fetch(["a:0", "b:0"])) == 1
    b.close()
    again = MilvusBackend(path)  # reopened: loaded, its dimension and analysis read from the collection
    assert again.dim == 4 and again.count() == 3 and again.analysis == "policyqa"
    assert again.sparse_search({"海洋": 1.0}, 3).ids == ["a:0"]
    again.close()
    with pytest.raises(MilvusBackendError, match="dimension"):
        MilvusBackend(path, dim=8)
    with pytest.raises(MilvusBackendError, match="jieba"):
        MilvusBackend(path, analysis="jieba")
    with pytest.raises(MilvusBackendError, match="unknown Milvus analysis"):
        MilvusBackend(path, analysis="whitespace")


def test_rows_without_tokens_need_a_tokenizer(tmp_path):
    b = MilvusBackend(str(tmp_path / "t.db"))
    with pytest.raises(MilvusBackendError, match="tokenizer"):
        b.add([ChunkRow("a:0", "a", 0, 0, 2, "山东")])
    b.add([ChunkRow("a:0", "a", 0, 0, 2, "山东", tokens=("山东", "省会"))])  # a row's own tokens are used as given
    assert b.sparse_search({"省会": 1.0}, 3).ids == ["a:0"]
    b.close()


def test_term_codes_are_single_standard_tokens():
    from index.backends.milvus import term_code

    codes = {term_code(t) for t in ["人工智能", "2025年", "500亿", "gdp", "人工", "工智"]}
    assert len(codes) == 6 and all(c.isalnum() and c.isascii() and c == c.lower() for c in codes)


def test_bm25_only_collection_has_no_dense_side(tmp_path, tokenize):
    b = MilvusBackend(str(tmp_path / "s.db"), tokenize=tokenize)
    b.add([ChunkRow(r.chunk_id, r.doc_id, 0, 0, 1, r.text, region=r.region, year=r.year) for r in _rows()])
    assert b.sparse_search({"数字": 1.0}, 5, ChunkFilter(year_to=2022)).ids == ['d"q:0']
    with pytest.raises(MilvusBackendError, match="dense"):
        b.dense_search(np.ones(4, np.float32), 3)
    b.close()


@pytest.mark.parametrize("where, expect", [
    (None, ""),
    (ChunkFilter(), ""),
    (ChunkFilter(year_from=2020, year_to=2022), "year >= 2020 and year <= 2022 and year > 0"),
    (ChunkFilter(doc_types=("law",), doc_ids=("x\\y",)), 'doc_type in ["law"] and doc_id in ["x\\\\y"]'),
])
def test_where_expr(where, expect):
    assert where_expr(where) == expect


# -- the whole pipeline on Milvus -------------------------------------------------------------------------------

QUESTIONS = ["黑龙江省数字经济发展的目标是什么", "浙江省高新技术企业数量目标", "which province targets digital economy growth"]


@pytest.fixture(scope="module")
def milvus_qa(sample_milvus_qa):
    return sample_milvus_qa


def test_search_on_milvus_matches_the_local_store(sample_qa, milvus_qa):
    info = milvus_qa.searcher.info()
    assert info["backend"] == "milvus" and info["milvus_chunks"] == info["chunks"]
    for q in QUESTIONS:
        local = [h.chunk.chunk_id for h in sample_qa.search(q, k=5)]
        remote = [h.chunk.chunk_id for h in milvus_qa.search(q, k=5)]
        # The same analyzer's terms and BM25 parameters on both; scores differ a little (Milvus' IDF is per segment,
        # query weights are repeated terms), so the top five may swap at their edge, not more.
        assert remote and len(set(local[:5]) & set(remote[:5])) >= 4, (q, local, remote)
        assert milvus_qa.search(q, k=1)[0].doc_name in {h.doc_name for h in sample_qa.search(q, k=5)}


def test_filters_and_answers_on_milvus(sample_qa, milvus_qa):
    import json

    from eval.scoring import answer_correct
    from retrieval.types import Filters
    from tests.conftest import ROOT

    for flt in (Filters(regions=("浙江",)), Filters(year_from=2024), Filters(year_to=2023), Filters(doc_types=("plan",)),
                Filters(docs=(sample_qa.searcher.index.docs[0].name,))):
        local = [h.chunk.chunk_id for h in sample_qa.search("数字经济 发展目标", k=10, filters=flt)]
        got = milvus_qa.search("数字经济 发展目标", k=10, filters=flt)
        remote = [h.chunk.chunk_id for h in got]
        allowed = {d.name for d, ok in zip(sample_qa.searcher.index.docs, sample_qa.searcher.doc_mask(flt), strict=True)
                   if ok}
        assert {h.doc_name for h in got} <= allowed, flt
        assert len(set(local[:5]) & set(remote[:5])) >= min(4, len(local[:5])), (flt, local, remote)
    gold = [json.loads(line) for line in (ROOT / "tests/data/heldout_questions.jsonl").read_text("utf-8").splitlines()
            if line.strip()]
    right = {"local": 0, "milvus": 0}
    for g in gold:
        if not g.get("answer"):
            continue
        for name, qa in (("local", sample_qa), ("milvus", milvus_qa)):
            right[name] += answer_correct(qa.ask(g["question"]).answer, g["answer"], g.get("aliases", []), g["type"])
    # Measured 2026-12-04 (our analyzer's terms in Milvus): the same count on both; a margin of one answer.
    assert right["milvus"] >= right["local"] - 1 and right["local"] >= 25, right


@pytest.mark.slow  # five builds into one Milvus Lite file, ~20 s
def test_indexes_sharing_one_milvus_keep_their_own_collections(tmp_path):
    """Each index folder has its own key; a sync drops only that index's older collections."""
    import shutil
    import time

    from config import Config, EncoderConfig
    from index.backends.milvus import close_client, open_client
    from index.build import build_index
    from index.milvus_sync import PREFIX
    from tests.conftest import SAMPLES

    uri = str(tmp_path / "shared.db")
    cfg_a = Config().with_(index_dir=tmp_path / "a", encoder=EncoderConfig(backend="none"), backend="milvus",
                           milvus_uri=uri)
    build_index([SAMPLES], cfg_a)
    one = tmp_path / "one"
    one.mkdir()
    shutil.copy(sorted(p for p in SAMPLES.iterdir() if p.suffix == ".txt")[0], one)
    cfg_b = cfg_a.with_(index_dir=tmp_path / "b")
    build_index([one], cfg_b)
    from index.milvus_sync import collection_for, index_key

    def on_disk(cfg):
        key = index_key(cfg.index_dir)
        return {collection_for(key, p.name) for p in (cfg.index_dir / "versions").iterdir()}

    def listed():
        client = open_client(uri)
        names = {c for c in client.list_collections() if c.startswith(PREFIX)}
        close_client(client)
        return names

    for n in range(3):  # new versions of b: b keeps the collections of its versions on disk (two), a keeps its own;
        # the superseded ones stay for the grace period (readers of that version still search them), then go
        (one / f"extra{n}.txt").write_text(f"浙江省推进海洋经济高质量发展，到{2027 + n}年海洋生产总值达到1.2万亿元。\n",
                                           encoding="utf-8")
        build_index([one], cfg_b)
    from index.versions import current_version_dir

    a_now = collection_for(index_key(cfg_a.index_dir), current_version_dir(cfg_a.index_dir).name)
    assert len(on_disk(cfg_b)) == 2 and on_disk(cfg_b) | {a_now} <= listed()
    retired = listed() - on_disk(cfg_a) - on_disk(cfg_b)
    assert len(retired) == 2  # b's first two versions, pruned from disk, within the grace period
    from index.milvus_sync import drop_stale

    assert drop_stale(cfg_b) == [] and set(drop_stale(cfg_b, now=time.time() + cfg_b.milvus_grace_s + 1)) == retired
    assert on_disk(cfg_b) | {a_now} <= listed() <= on_disk(cfg_a) | on_disk(cfg_b)


# -- the commands with --backend ---------------------------------------------------------------------------------

def _cli(*args: str):
    import subprocess
    import sys

    from tests.conftest import ROOT

    return subprocess.run([sys.executable, "cli.py", *args], capture_output=True, text=True, cwd=ROOT, timeout=600,
                          env={"PATH": "/usr/bin:/bin", "HF_HUB_OFFLINE": "1", "POLICYQA_ENCODER": "none"})


@pytest.mark.slow  # ~75 s of subprocesses; `make test-slow` (CI) runs it
def test_backend_flag_on_ingest_search_ask_info_and_eval(tmp_path):
    import json

    from tests.helpers import write_eval_corpus
    from tests.test_eval_runner import DOCS, GOLD

    root, corpus, gold, _ = write_eval_corpus(tmp_path, DOCS, GOLD)
    idx, uri = tmp_path / "idx", tmp_path / "m.db"
    common = ["--index", str(idx), "--backend", "milvus", "--milvus-uri", str(uri)]
    ing = _cli("ingest", str(corpus), *common, "--quiet")
    assert ing.returncode == 0, ing.stderr
    info = json.loads(_cli("info", *common, "--json").stdout)
    assert info["backend"] == "milvus" and info["milvus_chunks"] == info["chunks"] and info["milvus_analysis"] == "policyqa"
    assert info["milvus_collection"].startswith("policyqa_")
    assert json.loads(_cli("info", "--index", str(idx), "--json").stdout)["backend"] == "local"  # the default
    hits = json.loads(_cli("search", "研发投入强度", *common, "--json").stdout)["hits"]
    assert hits and hits[0]["doc"] == "plan.txt"
    ans = json.loads(_cli("ask", "到2030年研发投入强度目标是多少?", *common, "--json").stdout)
    assert "3.5%" in ans["answer"]
    bad = _cli("info", "--index", str(idx), "--backend", "cassandra")
    assert bad.returncode != 0 and "unknown backend" in bad.stderr and "Traceback" not in bad.stderr
    missing = _cli("search", "研发", "--index", str(idx), "--backend", "milvus", "--milvus-uri", str(tmp_path / "no.db"))
    assert missing.returncode != 0 and "ingest" in missing.stderr and "Traceback" not in missing.stderr
    ev = _cli("eval", "--gold", str(gold), "--corpus", str(corpus), "--out", str(tmp_path / "out"), "--config", "bm25",
              "--index", str(tmp_path / "evidx"), "--encoder", "none", "--backend", "milvus", "--quiet")
    assert ev.returncode == 0, ev.stderr
    rep = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    assert rep["configs"]["bm25"]["answer_accuracy"] >= 0.5 and rep["backend"] == "milvus"
    assert "chunk store: milvus" in (tmp_path / "out" / "report.md").read_text(encoding="utf-8")
    assert list((tmp_path / "evidx").rglob("milvus.db"))  # the evaluation's index was searched in Milvus


def test_the_token_and_uri_credentials_are_not_shown():
    from config import Config
    from retrieval.store import BackendLists

    cfg = Config().with_(milvus_token="user:secret")
    assert cfg.to_dict()["milvus_token"] == "***" and "secret" not in repr(cfg)

    class _B:
        collection, analysis = "c", "policyqa"

        def count(self):
            return 0

    lists = BackendLists.__new__(BackendLists)
    lists.backend, lists.uri = _B(), "http://user:secret@host:19530"
    assert "secret" not in str(lists.info()) and "host:19530" in lists.info()["milvus_uri"]


def test_an_unreachable_server_is_a_clear_error():
    from index.backends.milvus import open_client

    with pytest.raises(MilvusBackendError, match="reachable") as e:
        open_client("http://127.0.0.1:1")
    assert "127.0.0.1:1" in str(e.value) and "Lite" not in str(e.value)
