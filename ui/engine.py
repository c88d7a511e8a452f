"""The loaded engine, once per process (st.cache_resource), keyed by index dir and live version.

Keying on the version in ``CURRENT`` means a build from the CLI or from the documents page is
picked up on the next interaction; ``clear()`` after an in-app build frees the old version.
"""

from __future__ import annotations

import time
from pathlib import Path

import streamlit as st

from config import Config, EncoderConfig
from index.store import IndexMissingError
from index.versions import current_version_dir


@st.cache_resource(show_spinner=False, max_entries=2)
def _encoder(backend: str, model: str):
    from index.encoders import make_encoder

    return make_encoder(EncoderConfig(backend=backend, model=model))


@st.cache_resource(show_spinner=False, max_entries=3)
def _engine(index_dir: str, version: str, backend: str, model: str):
    from retrieval.engine import PolicyQA

    cfg = Config().with_(index_dir=Path(index_dir))
    enc = _encoder(backend, model) if backend != "none" else None
    t0 = time.perf_counter()
    qa = PolicyQA.open(cfg, encoder=enc)
    qa.load_seconds = time.perf_counter() - t0  # shown in the index details
    return qa


def live_version(cfg: Config) -> str | None:
    v = current_version_dir(Path(cfg.index_dir))
    return v.name if v else None


def load_engine(cfg: Config):
    """The PolicyQA engine for ``cfg``'s live index; raises IndexMissingError / IndexMismatchError."""
    version = live_version(cfg)
    if version is None:
        raise IndexMissingError(f"No index at {cfg.index_dir}")
    return _engine(str(cfg.index_dir), version, cfg.encoder.backend, cfg.encoder.model)


def shared_encoder(cfg: Config):
    """The cached encoder, reused by in-app builds so the model is not loaded twice."""
    return _encoder(cfg.encoder.backend, cfg.encoder.model) if cfg.encoder.backend != "none" else None


def clear_engine() -> None:
    _engine.clear()
