"""Helpers shared by tests (not fixtures: plain functions the test modules call)."""

from __future__ import annotations

import json
from pathlib import Path


def write_eval_corpus(root: Path, docs: dict[str, str], gold: list[dict], extra: dict[str, str] | None = None):
    """A tiny corpus folder (``docs`` plus ``extra`` files such as a manifest), a gold file, and a BM25-only base
    configuration with its own vector cache, under ``root``: what an evaluation-runner test runs on."""
    from config import Config, EncoderConfig

    corpus = root / "corpus"
    corpus.mkdir()
    for name, text in {**docs, **(extra or {})}.items():
        (corpus / name).write_text(text, encoding="utf-8")
    gold_path = root / "gold.jsonl"
    gold_path.write_text("\n".join(json.dumps(g, ensure_ascii=False) for g in gold), encoding="utf-8")
    base = Config().with_(encoder=EncoderConfig(backend="none"), vector_cache=root / "vec.sqlite")
    return root, corpus, gold_path, base


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_http(url: str, proc, timeout: float, what: str) -> None:
    """Poll ``url`` until it answers 200; raise when ``proc`` exits first or ``timeout`` seconds pass."""
    import time
    import urllib.request

    deadline = time.time() + timeout
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        if time.time() > deadline:
            raise TimeoutError(f"{what} did not start within {timeout}s")
        time.sleep(0.3)


def stop_group(proc) -> None:
    """SIGTERM a server's process group, SIGKILL it if it lingers (servers started with start_new_session)."""
    import os
    import signal
    import subprocess

    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(10)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait(10)
