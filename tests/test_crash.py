"""Crash safety (#18 part 1): a build killed with SIGKILL at each point of its work leaves the previous index
opening and answering, and a rerun completes without re-encoding what was cached (index/faults.py)."""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.conftest import SAMPLES

ROOT = Path(__file__).resolve().parents[1]
# A build in a child process with the deterministic fake encoder of the vector tests; prints its report.
BUILD = """
import json, sys
sys.path.insert(0, {root!r})
from pathlib import Path
from config import Config, EncoderConfig
from index.build import build_index
from tests.test_vectors import CountingEncoder
cfg = Config().with_(index_dir=Path({index!r}), encoder=EncoderConfig(backend="none"), keep_versions=1,
                     backend={backend!r}, milvus_grace_s=0)
from dataclasses import replace
cfg = cfg.with_(encoder=replace(cfg.encoder, batch_size=4, bm25_first_chars={first}))
enc = CountingEncoder()
rep = build_index([Path({folder!r})], cfg, encoder=enc)
print(json.dumps({{"encoded": rep.encoded, "cached": rep.cached, "version": rep.version, "calls": enc.calls}}))
"""


def _build(index: Path, folder: Path, crash: str = "", first: int = 10**9,
           backend: str = "local") -> subprocess.CompletedProcess:
    code = BUILD.format(root=str(ROOT), index=str(index), folder=str(folder), first=first, backend=backend)
    env = {"PATH": "/usr/bin:/bin", "HF_HUB_OFFLINE": "1", **({"POLICYQA_CRASH_AT": crash} if crash else {})}
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, env=env, timeout=300)


def _answers(index: Path, backend: str = "local") -> tuple[str, int]:
    from config import Config, EncoderConfig
    from retrieval.engine import PolicyQA
    from tests.test_vectors import CountingEncoder

    qa = PolicyQA.open(Config().with_(index_dir=index, encoder=EncoderConfig(backend="none"), backend=backend),
                       encoder=CountingEncoder())
    try:
        return qa.searcher.index.path.name, len(qa.search("科技创新", k=3))
    finally:
        if qa.searcher.store is not None:
            qa.searcher.store.backend.close()  # a Milvus Lite file serves one process: let the next build open it


@pytest.mark.parametrize("point", ["encode:3", "bm25", "sqlite", "dense", "switch", "current", "prune"])
def test_a_killed_build_keeps_the_previous_index_and_resumes(tmp_path, point):
    folder = tmp_path / "docs"
    folder.mkdir()
    shutil.copy(SAMPLES / "004_d46042affa9808e8.txt", folder)
    index = tmp_path / "idx"
    first = _build(index, folder)
    assert first.returncode == 0, first.stderr
    v1 = json.loads(first.stdout)["version"]
    shutil.copy(SAMPLES / "002_01b5886914dff447.txt", folder)  # the next build has new passages to encode
    killed = _build(index, folder, crash=point)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    version, n_hits = _answers(index)
    if point in ("prune",):
        assert version != v1  # killed after the switch: the new version is already the one that answers
    else:
        assert version == v1  # the previous version still opens …
    assert n_hits > 0  # … and answers
    rerun = _build(index, folder)
    assert rerun.returncode == 0, rerun.stderr
    rep = json.loads(rerun.stdout)
    v1_vectors = json.loads(first.stdout)["encoded"]
    if point == "encode:3":
        assert rep["cached"] >= v1_vectors + 8  # the two batches (of 4) committed before the kill are reused
    elif point in ("bm25", "sqlite"):  # killed before encoding: the first build's vectors are reused, the new encoded
        assert rep["cached"] >= v1_vectors and rep["encoded"] > 0
    else:
        assert rep["encoded"] == 0  # killed after encoding: every vector comes from the cache
    assert _answers(index)[0] == rep["version"]
    assert not list(index.glob(".staging-*")) or point in ("encode:3", "bm25", "sqlite", "dense")


@pytest.mark.slow  # three child builds per point into Milvus Lite, ~55 s in all
@pytest.mark.parametrize("point", ["milvus", "switch", "prune"])
def test_a_killed_build_on_milvus_keeps_the_previous_collection_serving(tmp_path, point):
    """``backend = "milvus"``: a version's collection is written before the version is published, so a build killed
    while loading Milvus (or at the switch) leaves the previous version answering from its collection; the rerun
    publishes, and the killed build's collection is dropped."""
    from index.backends.milvus import close_client, open_client
    from index.milvus_sync import collection_for, index_key

    folder = tmp_path / "docs"
    folder.mkdir()
    shutil.copy(SAMPLES / "004_d46042affa9808e8.txt", folder)
    index = tmp_path / "idx"
    first = _build(index, folder, backend="milvus")
    assert first.returncode == 0, first.stderr
    v1 = json.loads(first.stdout)["version"]
    shutil.copy(SAMPLES / "002_01b5886914dff447.txt", folder)
    killed = _build(index, folder, crash=point, backend="milvus")
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    version, n_hits = _answers(index, "milvus")
    assert (version == v1) == (point != "prune") and n_hits > 0
    rerun = _build(index, folder, backend="milvus")
    assert rerun.returncode == 0, rerun.stderr
    v3 = json.loads(rerun.stdout)["version"]
    assert _answers(index, "milvus") == (v3, _answers(index, "local")[1])  # Milvus answers as the local store does
    client = open_client(str(index / "milvus.db"))
    names = {c for c in client.list_collections() if c.startswith(collection_for(index_key(index), ""))}
    close_client(client)
    on_disk = {collection_for(index_key(index), p.name) for p in (index / "versions").iterdir()}
    assert collection_for(index_key(index), v3) in names and names <= on_disk


def test_a_kill_while_the_bm25_side_is_already_published(tmp_path):
    """A long dense stage publishes BM25 first; killed during encoding, that BM25 version answers, the status
    says interrupted, and the rerun finishes the hybrid index from the cache."""
    folder = tmp_path / "docs"
    folder.mkdir()
    shutil.copy(SAMPLES / "004_d46042affa9808e8.txt", folder)
    index = tmp_path / "idx"
    killed = _build(index, folder, crash="encode:2", first=0)
    assert killed.returncode == -signal.SIGKILL
    from index.dense_stage import read_status

    st = read_status(index)
    assert st is not None and not st.running() and st.encoded >= 4
    assert _answers(index)[1] > 0
    rerun = _build(index, folder, first=0)
    rep = json.loads(rerun.stdout)
    assert rerun.returncode == 0 and rep["cached"] >= 4 and read_status(index) is None


def test_a_full_disk_fails_clearly_and_keeps_the_previous_index(tmp_path):
    """The file-size limit of the child (RLIMIT_FSIZE) stands in for a full disk: the write of the new version
    fails, the CLI says so without a traceback, the staging folder is gone and the previous version answers."""
    folder = tmp_path / "docs"
    folder.mkdir()
    shutil.copy(SAMPLES / "004_d46042affa9808e8.txt", folder)
    index = tmp_path / "idx"
    assert _build(index, folder).returncode == 0
    v1 = _answers(index)[0]
    for n in ("000_f030060b1378ff53.txt", "001_5a2869ce575e3cf1.txt", "002_01b5886914dff447.txt"):
        shutil.copy(SAMPLES / n, folder)
    code = ("import resource, signal, runpy, sys; signal.signal(signal.SIGXFSZ, signal.SIG_IGN); "
            "resource.setrlimit(resource.RLIMIT_FSIZE, (40_000, 40_000)); "
            f"sys.argv = ['cli.py', 'ingest', {str(folder)!r}, '--index', {str(index)!r}, '--quiet']; "
            "runpy.run_path('cli.py', run_name='__main__')")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=300,
                         env={"PATH": "/usr/bin:/bin", "POLICYQA_ENCODER": "none"})
    assert out.returncode != 0 and "Traceback" not in out.stderr and "untouched" in out.stderr, out.stderr
    assert _answers(index)[0] == v1 and not list(index.glob(".staging-*"))


@contextmanager
def _small_filesystem(path: Path, size: str):
    """A tmpfs of ``size`` mounted at ``path`` (this machine's tests run as root; CI's too)."""
    path.mkdir(parents=True, exist_ok=True)
    out = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)], capture_output=True,
                         text=True)
    if out.returncode != 0:
        pytest.fail(f"cannot mount a tmpfs for the full-disk test (needs root): {out.stderr.strip()}")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], capture_output=True)


def test_a_really_full_disk_keeps_the_previous_index_and_a_rerun_completes(tmp_path):
    """A real small filesystem (tmpfs, 3 MB) fills up while a new version is written: the CLI says so without a
    traceback, no staging folder is left, the previous version answers; once there is room, the rerun completes."""
    folder = tmp_path / "docs"
    folder.mkdir()
    shutil.copy(SAMPLES / "004_d46042affa9808e8.txt", folder)
    env = {"PATH": "/usr/bin:/bin", "POLICYQA_ENCODER": "none"}

    def ingest(index: Path) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "cli.py", "ingest", str(folder), "--index", str(index), "--quiet"],
                              capture_output=True, text=True, cwd=ROOT, env=env, timeout=300)

    with _small_filesystem(tmp_path / "disk", "3M") as disk:
        index = disk / "idx"
        assert ingest(index).returncode == 0
        v1 = _answers(index)[0]
        for i in range(60):  # about 1.2 MB of text: its version does not fit beside the first
            (folder / f"notice_{i:02d}.txt").write_text(
                f"第{i}号通知\n" + "".join(f"第{j}条 各地区各部门要加强科技创新工作，落实第{i}项任务第{j}款。\n"
                                         for j in range(300)), encoding="utf-8")
        out = ingest(index)
        assert out.returncode != 0 and "Traceback" not in out.stderr, out.stderr
        assert "磁盘已满" in out.stderr and "untouched" in out.stderr, out.stderr
        assert _answers(index)[0] == v1 and not list(index.glob(".staging-*"))
        subprocess.run(["mount", "-o", "remount,size=64M", str(disk)], check=True, capture_output=True)
        again = ingest(index)
        assert again.returncode == 0, again.stderr
        name, hits = _answers(index)
        assert name != v1 and hits > 0
