"""The dense stage of a long build: BM25 published first, progress and ETA by characters, a status file that
``info`` reads while it runs, an interrupted stage that says so and resumes from the vector cache."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from tests.conftest import SAMPLES
from tests.test_vectors import CountingEncoder

NAMES = ("002_01b5886914dff447.txt", "004_d46042affa9808e8.txt")


@pytest.fixture()
def folder(tmp_path) -> Path:
    d = tmp_path / "docs"
    d.mkdir()
    for n in NAMES:
        shutil.copy(SAMPLES / n, d / n)
    return d


def _cfg(tmp_path, first_chars: int):
    from dataclasses import replace

    from config import Config, EncoderConfig

    cfg = Config().with_(index_dir=tmp_path / "idx", encoder=EncoderConfig(backend="none"))
    return cfg.with_(encoder=replace(cfg.encoder, bm25_first_chars=first_chars, batch_size=8))


class Watching(CountingEncoder):
    """Looks at the index from outside while it encodes (as ``info`` or the app would, in another process)."""

    def __init__(self, cfg, **kw):
        super().__init__(**kw)
        self.cfg = cfg
        self.seen: list[dict] = []

    def encode_passages(self, texts, batch_size=16, progress=None):
        if self.calls == 2:
            from index.store import current_manifest
            from retrieval.engine import PolicyQA

            qa = PolicyQA.open(self.cfg, encoder=self)
            self.seen.append({"manifest": current_manifest(self.cfg.index_dir), "info": qa.searcher.info(),
                              "hits": qa.search("技术合同", k=3)})
        return super().encode_passages(texts, batch_size, progress)


def test_long_dense_stage_publishes_bm25_first_and_info_follows_it(tmp_path, folder):
    from index.build import build_index
    from retrieval.engine import PolicyQA

    cfg = _cfg(tmp_path, first_chars=0)
    enc = Watching(cfg)
    rep = build_index([folder], cfg, encoder=enc)
    seen = enc.seen[0]
    assert seen["manifest"]["encoder"] is None
    assert seen["manifest"]["dense_pending"] == {"name": enc.name, "dim": enc.dim}
    assert seen["info"]["retrievers"] == ["bm25"] and seen["hits"]
    build = seen["info"]["dense_build"]
    assert build["state"] == "running" and 0 < build["progress"] < 1
    assert "BM25" in build["message"] and "ETA" in build["message"]
    # Afterwards: the hybrid version is current, the status is gone, both versions were published.
    qa = PolicyQA.open(cfg, encoder=CountingEncoder())
    info = qa.searcher.info()
    assert info["retrievers"] == ["bm25", "dense"] and "dense_build" not in info
    assert not (cfg.index_dir / "dense_status.json").exists()
    assert len(list((cfg.index_dir / "versions").iterdir())) == 2
    assert rep.encoded == len(set(enc.encoded)) and rep.version == qa.searcher.index.path.name


def test_short_dense_stage_publishes_one_version(tmp_path, folder):
    from index.build import build_index

    cfg = _cfg(tmp_path, first_chars=10**9)
    build_index([folder], cfg, encoder=CountingEncoder())
    assert len(list((cfg.index_dir / "versions").iterdir())) == 1
    assert not (cfg.index_dir / "dense_status.json").exists()


def test_interrupted_dense_stage_says_so_and_resumes_from_the_cache(tmp_path, folder):
    from index.build import build_index
    from retrieval.engine import PolicyQA

    cfg = _cfg(tmp_path, first_chars=0)
    first = CountingEncoder(fail_on_call=4)
    with pytest.raises(KeyboardInterrupt):
        build_index([folder], cfg, encoder=first)
    qa = PolicyQA.open(cfg, encoder=CountingEncoder())
    info = qa.searcher.info()
    assert info["retrievers"] == ["bm25"] and qa.search("技术合同", k=3)
    assert info["dense_build"]["state"] == "interrupted"
    assert "ingest" in info["dense_build"]["message"] and info["dense_build"]["eta_seconds"] is None
    status = json.loads((cfg.index_dir / "dense_status.json").read_text(encoding="utf-8"))
    assert status["encoded"] == len(first.encoded) > 0
    again = CountingEncoder()
    rep = build_index([folder], cfg, encoder=again)
    assert not set(again.encoded) & set(first.encoded)  # nothing encoded twice
    assert rep.cached == len(first.encoded) and rep.encoded == len(again.encoded)
    assert "dense_build" not in PolicyQA.open(cfg, encoder=again).searcher.info()


def test_encode_stage_counts_characters_to_encode(tmp_path):
    from index.dense_stage import encode_stage
    from index.vector_cache import VectorCache

    texts = ["短", "一段稍长一些的文字", "短", "第三段"]
    calls: list[tuple[int, int]] = []
    with VectorCache(tmp_path / "v.sqlite") as cache:
        vecs, st = encode_stage(CountingEncoder(), texts, cache, tmp_path, batch_size=2,
                                progress=lambda d, n: calls.append((d, n)))
        assert vecs.shape == (4, 8) and np.allclose(vecs[0], vecs[2])
        assert st.to_encode == 3 and st.chars == 1 + 9 + 3 and st.cached == 0
        assert calls[0] == (0, 13) and calls[-1] == (13, 13)
        _, st2 = encode_stage(CountingEncoder(), texts, cache, tmp_path)
        assert st2.to_encode == 0 and st2.cached == 4 and st2.fraction() == 1.0


def test_build_chooses_hnsw_above_its_threshold(tmp_path, folder):
    from dataclasses import replace

    from config import DenseConfig
    from index.build import build_index
    from retrieval.engine import PolicyQA

    cfg = replace(_cfg(tmp_path, first_chars=10**9), dense=DenseConfig(hnsw_above=10))
    build_index([folder], cfg, encoder=CountingEncoder())
    qa = PolicyQA.open(cfg, encoder=CountingEncoder())
    assert qa.searcher.info()["dense_index"] == "HNSW32,Flat"
    hits = qa.search("技术合同成交额", k=5, mode="dense")
    assert len(hits) == 5 and len({(h.doc_name, h.chunk.start) for h in hits}) == 5
    small = replace(cfg, index_dir=tmp_path / "small", dense=DenseConfig())
    build_index([folder], small, encoder=CountingEncoder())
    assert PolicyQA.open(small, encoder=CountingEncoder()).searcher.info()["dense_index"] == "Flat"


def test_a_repeated_query_is_encoded_once(tmp_path, folder):
    from index.build import build_index
    from retrieval.engine import PolicyQA

    cfg = _cfg(tmp_path, first_chars=10**9)
    build_index([folder], cfg, encoder=CountingEncoder())
    enc = CountingEncoder()
    qa = PolicyQA.open(cfg, encoder=enc)
    first = qa.search("技术合同成交额", k=3)
    calls = enc.calls
    again = qa.search("技术合同成交额", k=3)
    assert enc.calls == calls and [h.chunk.start for h in first] == [h.chunk.start for h in again]
    qa.search("高新技术企业", k=3)
    assert enc.calls == calls + 1
