"""Shared fixtures: one index over data/samples per test session (dense encoding is the slow step)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

SAMPLES = ROOT / "data" / "samples"
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def sample_cfg(tmp_path_factory):
    from config import Config

    # A vector cache shared across test sessions on one machine keeps re-runs fast;
    # CI starts clean and encodes the samples once (about a minute and a half).
    index_dir = tmp_path_factory.mktemp("index")
    cache = Path(os.environ.get("POLICYQA_TEST_CACHE", ROOT / "var" / "test-cache")) / "vectors.sqlite"
    return Config().with_(index_dir=index_dir, vector_cache=cache)


@pytest.fixture(scope="session")
def sample_build(sample_cfg):
    from index.build import build_index

    return build_index([SAMPLES], sample_cfg)


@pytest.fixture(scope="session")
def sample_qa(sample_cfg, sample_build):
    from retrieval.engine import PolicyQA

    return PolicyQA.open(sample_cfg)


@pytest.fixture(scope="session")
def sample_milvus_qa(sample_cfg, sample_build, tmp_path_factory):
    """The samples searched in Milvus Lite (``backend = "milvus"``): the same local index copied into a Lite file."""
    from index.build import build_index
    from retrieval.engine import PolicyQA

    cfg = sample_cfg.with_(backend="milvus", milvus_uri=str(tmp_path_factory.mktemp("milvus") / "m.db"))
    build_index([SAMPLES], cfg)  # nothing changed locally: only the copy into Milvus
    qa = PolicyQA.open(cfg)
    yield qa
    qa.searcher.store.backend.close()


@pytest.fixture(params=["local", "milvus"])
def any_qa(request):
    """The sample engine on each backend: end-to-end tests that must hold on both take this."""
    return request.getfixturevalue("sample_qa" if request.param == "local" else "sample_milvus_qa")
