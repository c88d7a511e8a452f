"""File loaders, registered by suffix, and ``load_file`` which turns one file into a Document.

A loader turns raw bytes into ``LoadedText`` (text, encoding, extra skip spans). New formats plug
in with the decorator, without touching this module::

    @register_loader(".html", ".htm")
    def load_html(path: Path, data: bytes) -> LoadedText: ...

Example:
    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "a.txt"
    >>> _ = p.write_bytes("浙江省科技厅关于印发工作要点的通知\\r\\n一、总体要求".encode("gb18030"))
    >>> doc = load_file(p)
    >>> doc.encoding, doc.text.splitlines()[1], doc.meta.region, doc.meta.doc_type
    ('gb18030', '一、总体要求', '浙江', 'notice')
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from config import IngestLimits
from ingest.chrome import chrome_spans
from ingest.encoding import decode_bytes
from ingest.metadata import infer_metadata, localize_title
from ingest.types import Document, LoadError, Region, sha256_bytes


@dataclass(frozen=True)
class LoadedText:
    text: str  # newline-normalised stored text
    encoding: str
    skip_spans: tuple[tuple[int, int], ...] = ()  # format-specific spans never to index (besides chrome)
    regions: tuple[Region, ...] = ()  # pages, tables, rows of a converted file
    meta: dict[str, str] | None = None  # metadata the file states (a page's 发文机关, a DOCX title); rules fill the rest
    source: str = ""  # how the text was obtained ("PDF, 12 pages, text layer"; "DOCX"; "HTML main content")


Loader = Callable[[Path, bytes], LoadedText]
_LOADERS: dict[str, Loader] = {}


@dataclass
class FileBudget:
    """The limits of the file being loaded, the time it started, and what its loader cut (``budget()``)."""

    limits: IngestLimits
    started: float
    cuts: list[str]

    def over_time(self) -> bool:
        return time.monotonic() - self.started > self.limits.max_seconds

    def cut(self, what: str) -> None:
        self.cuts.append(what)


_BUDGET: ContextVar[FileBudget | None] = ContextVar("policyqa_file_budget", default=None)


def budget() -> FileBudget:
    """The budget of the file ``load_file`` is loading (loaders read their page caps and deadline here)."""
    b = _BUDGET.get()
    return b if b is not None else FileBudget(IngestLimits(), time.monotonic(), [])


def register_loader(*suffixes: str) -> Callable[[Loader], Loader]:
    """Decorator: register ``fn(path, data) -> LoadedText`` for the given suffixes (``".txt"``)."""

    bad = [s for s in suffixes if not s.startswith(".")]
    if bad or not suffixes:
        raise ValueError(f"suffixes must start with '.': {bad or suffixes!r}")

    def deco(fn: Loader) -> Loader:
        for s in suffixes:
            _LOADERS[s.lower()] = fn
        return fn

    return deco


def supported_suffixes() -> tuple[str, ...]:
    return tuple(sorted(_LOADERS))


def loader_for(path: Path) -> Loader | None:
    return _LOADERS.get(Path(path).suffix.lower())


@register_loader(".txt", ".md", ".markdown", ".text")
def load_plain_text(path: Path, data: bytes) -> LoadedText:
    # Markdown is stored as is; the chunker recognises '#' headings.
    text, enc = decode_bytes(data, str(path))
    return LoadedText(text, enc)


def make_doc_id(path: Path, root: Path | None = None) -> str:
    """sha1 of "file name + NUL + path relative to the ingested folder", 16 hex chars.

    Why not the content hash: an edited file keeps its id, so a rebuild replaces its chunks.
    Why relative, not absolute: the same corpus ingested from another checkout gets the same ids.
    """
    path = Path(path)
    try:
        rel = path.resolve().relative_to(Path(root).resolve()).as_posix() if root else path.name
    except ValueError:
        rel = path.name
    return hashlib.sha1(f"{path.name}\0{rel}".encode()).hexdigest()[:16]


def _merge_spans(*groups: tuple[tuple[int, int], ...]) -> tuple[tuple[int, int], ...]:
    spans = sorted(s for g in groups for s in g if s[0] < s[1])
    out: list[tuple[int, int]] = []
    for s, e in spans:
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return tuple(out)


def load_file(path: Path, overrides: dict[str, Any] | None = None, root: Path | None = None,
              limits: IngestLimits | None = None) -> Document:
    """Load one file into a Document; ``overrides`` (sidecar values) win over inferred metadata.

    Raises LoadError(path, reason) for unsupported, unreadable, empty, binary, undecodable or too large files.
    What ``limits`` cut (text beyond ``max_chars``, pages beyond ``max_pages``, pages after ``max_seconds``) is
    kept in the metadata's ``cut`` field, which ``ingest`` reports.
    """
    path = Path(path)
    limits = limits or IngestLimits()
    loader = loader_for(path)
    if loader is None:
        raise LoadError(str(path), f"不支持的格式，已跳过 / skipped: unsupported format {path.suffix or '(none)'!r}; "
                                   f"supported: {', '.join(supported_suffixes())}")
    try:
        size = path.stat().st_size
        if size > limits.max_file_mb * 2**20:
            raise LoadError(str(path), f"文件过大，已跳过 / skipped: {size / 2**20:,.0f} MB is over the limit of "
                                       f"{limits.max_file_mb:,.0f} MB (limits.max_file_mb)")
        data = path.read_bytes()
    except OSError as e:
        raise LoadError(str(path), f"无法读取 / cannot read file: {e.strerror or e}") from None
    if not data.strip():
        raise LoadError(str(path), "空文件 / empty file")
    b = FileBudget(limits, time.monotonic(), [])
    token = _BUDGET.set(b)
    try:
        loaded = loader(path, data)
    finally:
        _BUDGET.reset(token)
    if not loaded.text.strip():
        raise LoadError(str(path), "空文件 / empty file (no text after decoding)")
    if len(loaded.text) > limits.max_chars:
        cut_at = loaded.text.rfind("\n", 0, limits.max_chars) + 1 or limits.max_chars
        b.cut(f"text cut at {cut_at:,} of {len(loaded.text):,} characters (limits.max_chars)")
        loaded = LoadedText(loaded.text[:cut_at], loaded.encoding,
                            tuple((s, min(e, cut_at)) for s, e in loaded.skip_spans if s < cut_at),
                            tuple(replace(r, end=min(r.end, cut_at)) for r in loaded.regions if r.start < cut_at),
                            loaded.meta, loaded.source)
    meta = infer_metadata(loaded.text, path.name)
    stated = {k: v for k, v in (loaded.meta or {}).items() if v}
    if stated:
        meta = meta.with_overrides(stated)
    if b.cuts:
        meta = meta.with_overrides({"cut": "; ".join(b.cuts)})
    if overrides:
        try:
            meta = meta.with_overrides(overrides)
        except (TypeError, ValueError) as e:
            raise LoadError(str(path), f"元数据有误 / bad metadata override: {e}") from None
    meta = localize_title(meta, loaded.text)
    src = meta.source or str(path)
    meta = meta.with_overrides({"source": f"{src} ({loaded.source})" if loaded.source else src})
    return Document(
        doc_id=make_doc_id(path, root),
        name=path.name,
        path=str(path.resolve()),
        text=loaded.text,
        meta=meta,
        content_hash=sha256_bytes(data),
        encoding=loaded.encoding,
        skip_spans=_merge_spans(chrome_spans(loaded.text), loaded.skip_spans),
        regions=loaded.regions,
    )


from ingest import formats  # noqa: E402,F401  (registers the HTML, DOCX and PDF loaders)
