"""Data types that flow out of ingestion: documents, their metadata, and chunks.

Every type is a frozen dataclass so that a value can be hashed, cached and
shared between threads without defensive copies.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field, replace
from typing import Any

# Document types recognised by the metadata rules (``DocMeta.doc_type``).
DOC_TYPES = ("report", "notice", "plan", "speech", "regulation", "news", "other")


@dataclass(frozen=True)
class DocMeta:
    """Metadata of one document, inferred by rules and overridable by a sidecar file.

    ``region`` is a province-level name in its short form (``黑龙江``, ``浙江``, ``全国``
    for national documents) or ``""`` when unknown; ``city`` keeps a prefecture-level
    city when one was recognised (``沧州``).
    """

    title: str = ""
    date: str = ""  # ISO ``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``; "" when unknown
    year: int | None = None
    region: str = ""
    city: str = ""
    issuer: str = ""
    doc_number: str = ""  # e.g. 黑政办发〔2022〕41号
    script: str = "simplified"  # "simplified" | "traditional"
    doc_type: str = "other"  # one of DOC_TYPES
    source: str = ""  # where the text came from (file path, URL, page/table notes)
    extra: tuple[tuple[str, str], ...] = ()  # sidecar fields we do not model, kept as pairs

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["extra"] = dict(self.extra)
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> DocMeta:
        known = {f for f in cls.__dataclass_fields__}
        kw = {k: v for k, v in d.items() if k in known and k != "extra"}
        extra = d.get("extra") or {}
        kw["extra"] = tuple(sorted((str(k), str(v)) for k, v in dict(extra).items()))
        return cls(**kw)

    def with_overrides(self, overrides: dict[str, Any]) -> DocMeta:
        """Return a copy with the non-empty ``overrides`` applied (sidecar or user edits)."""
        known = {f for f in self.__dataclass_fields__} - {"extra"}
        kw: dict[str, Any] = {}
        extra = dict(self.extra)
        for k, v in overrides.items():
            if v is None or v == "":
                continue
            if k in known:
                if k == "year":
                    v = int(v)
                kw[k] = v if k == "year" else str(v)
            else:
                extra[str(k)] = str(v)
        if "date" in kw and "year" not in kw and kw["date"][:4].isdigit():
            kw["year"] = int(kw["date"][:4])
        kw["extra"] = tuple(sorted(extra.items()))
        return replace(self, **kw)


@dataclass(frozen=True)
class Document:
    """One source file after loading.

    ``text`` is the stored text: the decoded file with newlines normalised to ``\\n``
    and nothing else changed, so character offsets into it are exact.
    ``skip_spans`` are ``(start, end)`` ranges of page chrome (navigation, counters,
    copyright lines) that stay in ``text`` but are never indexed.
    """

    doc_id: str
    name: str  # file name, e.g. 000_f030060b1378ff53.txt (the ``doc`` of the JSON output)
    path: str  # absolute path at ingest time
    text: str
    meta: DocMeta
    content_hash: str  # sha256 of the raw file bytes
    encoding: str = "utf-8"
    skip_spans: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True)
class Chunk:
    """A passage of a document: ``text == document.text[start:end]``.

    ``section`` is the heading path from the document root to this passage,
    e.g. ``("二、重点任务", "（一）…", "1.数位技术")``.
    """

    doc_id: str
    ordinal: int  # position of the chunk within its document
    start: int
    end: int
    text: str
    section: tuple[str, ...] = field(default_factory=tuple)

    @property
    def chunk_id(self) -> str:
        return f"{self.doc_id}:{self.ordinal}"

    @property
    def section_path(self) -> str:
        return " > ".join(self.section)


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class LoadError(Exception):
    """A file that cannot be ingested; the message names the file and the reason."""

    def __init__(self, path: str, reason: str):
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: {reason}")
