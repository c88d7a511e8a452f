"""Concurrency (#18 part 3): readers answering while a writer re-indexes the same store see one consistent version
(old or new, never a mix, never an error); two writers at once — the second fails clearly, nothing interleaves."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

OLD = "山东省科技厅关于推进科技成果转化的通知\n到2025年，全省技术合同成交额突破500亿元。\n高新技术企业数量达到1万家。"
NEW = "山东省科技厅关于推进科技成果转化的通知\n到2025年，全省技术合同成交额突破800亿元。\n高新技术企业数量达到2万家。"


def _cfg(tmp_path: Path, backend: str = "local"):
    from config import Config, EncoderConfig

    return Config().with_(index_dir=tmp_path / "idx", encoder=EncoderConfig(backend="none"), keep_versions=1,
                          backend=backend)


def _built(tmp_path: Path, backend: str = "local"):
    """A one-document folder (the OLD text) and its index: (folder, document, config)."""
    from index.build import build_index

    folder = tmp_path / "docs"
    folder.mkdir()
    doc = folder / "plan.txt"
    doc.write_text(OLD, encoding="utf-8")
    cfg = _cfg(tmp_path, backend)
    build_index([folder], cfg)
    return folder, doc, cfg


@pytest.mark.parametrize("backend", ["local", pytest.param("milvus", marks=pytest.mark.slow)])
def test_readers_during_reindexing_see_one_version_at_a_time(tmp_path, backend):
    """On Milvus (Lite: one process, so the readers are threads beside the writer) a version's collection is
    complete before the version is published and outlives it for the grace period: readers never meet half a
    corpus or a dropped collection."""
    from index.build import build_index
    from retrieval.engine import PolicyQA

    folder, doc, cfg = _built(tmp_path, backend)
    stop = threading.Event()
    errors: list[BaseException] = []
    seen: list[str] = []
    builds = [0]

    def writer() -> None:
        try:
            for i in range(12):
                doc.write_text(NEW if i % 2 == 0 else OLD, encoding="utf-8")
                build_index([folder], cfg)  # keep_versions=1: the version a reader has just opened is pruned
                builds[0] += 1
                # Let the readers answer at least once per version (on a loaded machine builds outrun them); they
                # keep reading all the time, so the next build still overlaps their opening of the index.
                read_before, deadline = len(seen), time.monotonic() + 60
                while len(seen) == read_before and time.monotonic() < deadline and not errors:
                    time.sleep(0.01)
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)
        finally:
            stop.set()

    def reader() -> None:
        try:
            while not stop.is_set():
                qa = PolicyQA.open(cfg)  # as the app does when CURRENT changes
                a = qa.ask("全省技术合同成交额要突破多少？")
                if qa.searcher.store is not None:
                    qa.searcher.store.backend.close()
                body = " ".join(c.hit.text for c in a.citations)
                figure = "500亿元" if "500亿元" in a.answer else "800亿元" if "800亿元" in a.answer else a.answer
                other = "2万家" if figure == "500亿元" else "1万家"
                assert figure in ("500亿元", "800亿元") and figure in body and other not in body, (a.answer, body)
                seen.append(figure)
        except BaseException as e:  # noqa: BLE001
            errors.append(e)

    threads = [threading.Thread(target=writer)] + [threading.Thread(target=reader) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(300)
    assert not errors, errors[0]
    assert builds[0] == 12 and len(seen) >= 12 and set(seen) == {"500亿元", "800亿元"}


def test_two_writers_at_once_the_second_fails_clearly(tmp_path):
    from index.build import build_index
    from index.store import IndexError_, load_index

    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "plan.txt").write_text(OLD, encoding="utf-8")
    cfg = _cfg(tmp_path)
    inside = threading.Event()
    release = threading.Event()

    def slow(stage, done, total):
        if stage == "tokenize" and not inside.is_set():
            inside.set()
            release.wait(30)

    first = threading.Thread(target=lambda: build_index([folder], cfg, progress=slow))
    first.start()
    assert inside.wait(30)
    with pytest.raises(IndexError_, match="Another build is running"):
        build_index([folder], cfg)
    release.set()
    first.join(60)
    assert len(load_index(cfg.index_dir).docs) == 1
    time.sleep(0)  # the lock is free again:
    assert build_index([folder], cfg, rebuild=True).n_docs == 1


def test_a_version_being_opened_is_not_pruned_until_the_reader_lets_go(tmp_path):
    """Pruning skips a version under a read lease and removes it at the next prune (index/versions.py)."""
    from index.build import build_index
    from index.store import load_index
    from index.versions import current_version_dir, prune_versions, read_lease

    folder, doc, cfg = _built(tmp_path)
    first = current_version_dir(cfg.index_dir)
    with read_lease(cfg.index_dir, first.name) as present:
        assert present
        doc.write_text(NEW, encoding="utf-8")
        build_index([folder], cfg)  # publishes and prunes with keep_versions=1
        assert first.is_dir(), "a version being read was pruned under the reader"
        assert current_version_dir(cfg.index_dir) != first
    prune_versions(cfg.index_dir, keep=1)
    assert not first.exists()
    assert "800亿元" in load_index(cfg.index_dir).docs[0].text


def test_a_version_pruned_before_the_lease_is_taken_is_skipped_for_the_current_one(tmp_path, monkeypatch):
    """The window between reading CURRENT and taking the lease: the loader finds the version gone and re-resolves."""
    from index import store
    from index.build import build_index

    folder, doc, cfg = _built(tmp_path)
    stale = store._current_name(cfg.index_dir)
    doc.write_text(NEW, encoding="utf-8")
    build_index([folder], cfg)
    names = iter([stale])
    real = store._current_name
    monkeypatch.setattr(store, "_current_name", lambda d: next(names, None) or real(d))
    assert "800亿元" in store.load_index(cfg.index_dir).docs[0].text
