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
