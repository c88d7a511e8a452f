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
    title_en: str = ""  # an English title a sidecar gave, when ``title`` is the Chinese one the text itself states
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
class Region:
    """Where a stretch ``[start, end)`` of a converted file's stored text came from: a page of a PDF, a table of a
    DOCX or web page, a row of that table. ``label`` is the page number, the table number, or ``"table.row"``;
    a table's ``header`` is its first row (repeated in what is indexed for the table's later passages)."""

    start: int
    end: int
    kind: str  # "page" | "table" | "row"
    label: str
    header: str = ""

    def to_list(self) -> list:
        return [self.start, self.end, self.kind, self.label, self.header]

    @classmethod
    def from_list(cls, x: list) -> Region:
        return cls(int(x[0]), int(x[1]), str(x[2]), str(x[3]), str(x[4]) if len(x) > 4 else "")


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
    regions: tuple[Region, ...] = ()  # pages, tables and rows of a converted file (PDF, DOCX, HTML)

    def location(self, start: int, end: int) -> str:
        """Where ``[start, end)`` of the stored text lies in the original file, Chinese first; "" for plain text.

            >>> d = Document("d", "a.pdf", "/a.pdf", "x" * 30, DocMeta(), "h", regions=(
            ...     Region(0, 10, "page", "1"), Region(10, 30, "page", "2"), Region(12, 30, "table", "1", "| 指标 |"),
            ...     Region(20, 25, "row", "1.3")))
            >>> d.location(21, 24), d.location(5, 15), d.location(0, 3)
            ('第2页 表1第3行 / p. 2, table 1, row 3', '第1–2页 表1 / pp. 1–2, table 1', '第1页 / p. 1')
        """
        over = [r for r in self.regions if r.start < max(end, start + 1) and start < r.end]
        pages = [r.label for r in over if r.kind == "page"]
        tables = [r.label for r in over if r.kind == "table"]
        rows = [r.label for r in over if r.kind == "row"]
        zh: list[str] = []
        en: list[str] = []
        if pages:
            a, b = pages[0], pages[-1]
            zh.append(f"第{a}页" if a == b else f"第{a}–{b}页")
            en.append(f"p. {a}" if a == b else f"pp. {a}–{b}")
        if len(rows) == 1:
            t, r = rows[0].split(".", 1)
            zh.append(f"表{t}第{r}行")
            en.append(f"table {t}, row {r}")
        elif tables:
            zh.append(f"表{tables[0]}")
            en.append(f"table {tables[0]}")
        return f"{' '.join(zh)} / {', '.join(en)}" if zh else ""


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
