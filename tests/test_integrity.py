"""Integrity (#18 part 2): a damaged or truncated index file is found on open with a clear message and the command
that repairs it — never a traceback from numpy, FAISS or SQLite — and ``verify`` checks every checksum."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import SAMPLES

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture()
def built(tmp_path):
    from config import Config, EncoderConfig
    from index.build import build_index
    from tests.test_vectors import CountingEncoder

    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copy(SAMPLES / "004_d46042affa9808e8.txt", docs)
    cfg = Config().with_(index_dir=tmp_path / "idx", encoder=EncoderConfig(backend="none"))
    build_index([docs], cfg, encoder=CountingEncoder())
    from index.versions import current_version_dir

    return cfg, current_version_dir(cfg.index_dir)


def _truncate(p: Path) -> None:
    p.write_bytes(p.read_bytes()[: max(1, p.stat().st_size // 2)])


def _flip(p: Path) -> None:
    b = bytearray(p.read_bytes())
    b[len(b) // 2] ^= 0xFF
    p.write_bytes(bytes(b))


@pytest.mark.parametrize("rel,damage", [
    ("bm25/bm25_data.npy", _truncate), ("dense/dense.faiss", _truncate), ("docs.sqlite", _truncate),
    ("bm25/bm25_indptr.npy", lambda p: p.unlink()), ("manifest.json", lambda p: p.write_text("{not json")),
])
def test_a_damaged_file_is_named_on_open(built, rel, damage):
    from index.store import IndexCorruptError
    from retrieval.engine import PolicyQA
    from tests.test_vectors import CountingEncoder

    cfg, vdir = built
    damage(vdir / rel)
    with pytest.raises(IndexCorruptError) as e:
        PolicyQA.open(cfg, encoder=CountingEncoder())
    msg = str(e.value)
    assert "--rebuild" in msg and ("manifest" in rel or Path(rel).parts[0] in msg)


def test_verify_finds_a_changed_byte_the_size_check_cannot(built):
    cfg, vdir = built
    env_cmd = [sys.executable, "cli.py", "verify", "--index", str(cfg.index_dir)]
    ok = subprocess.run(env_cmd, capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert ok.returncode == 0 and "OK" in ok.stdout
    _flip(vdir / "bm25" / "bm25_data.npy")  # same size: only the checksum tells
    bad = subprocess.run(env_cmd, capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert bad.returncode == 1 and "bm25/bm25_data.npy" in bad.stderr and "Traceback" not in bad.stderr


def test_the_cli_says_what_is_damaged_without_a_traceback(built):
    cfg, vdir = built
    _truncate(vdir / "docs.sqlite")
    out = subprocess.run([sys.executable, "cli.py", "ask", "太原市科技创新", "--index", str(cfg.index_dir)],
                         capture_output=True, text=True, cwd=ROOT, timeout=120, env={"POLICYQA_ENCODER": "none",
                                                                                      "PATH": "/usr/bin:/bin"})
    assert out.returncode != 0 and "docs.sqlite" in out.stderr and "Traceback" not in out.stderr


def test_a_damaged_vector_cache_is_set_aside_and_rebuilt(tmp_path):
    import numpy as np

    from index.vector_cache import VectorCache, text_hash

    path = tmp_path / "vectors.sqlite"
    with VectorCache(path) as c:
        c.put_many("e", [(text_hash("a"), np.ones(4, np.float32))])
    path.write_bytes(b"SQLite format 3\0" + b"\xff" * 4096)  # a header, then garbage
    with VectorCache(path) as c:
        assert c.set_aside is not None and c.set_aside.exists()
        assert c.count() == 0  # nothing of the damaged file is trusted
        c.put_many("e", [(text_hash("a"), np.ones(4, np.float32))])
        assert c.count("e") == 1
