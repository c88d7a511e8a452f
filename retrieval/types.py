"""Types that retrieval returns: hits, citations, answers, and the filters a search takes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ingest.types import Chunk, DocMeta


@dataclass(frozen=True)
class Filters:
    """Restrict a search. Empty fields mean "no restriction".

    ``regions`` are province-level short names (``黑龙江``); a hit matches when its
    document's region or city is among them. ``years`` is an inclusive range.
    ``docs`` are file names or doc ids.
    """

    regions: tuple[str, ...] = ()
    year_from: int | None = None
    year_to: int | None = None
    doc_types: tuple[str, ...] = ()
    docs: tuple[str, ...] = ()

    def is_empty(self) -> bool:
        return not (self.regions or self.year_from or self.year_to or self.doc_types or self.docs)


@dataclass(frozen=True)
class Hit:
    """One retrieved passage with its document's metadata and its scores.

    ``scores`` holds the per-retriever scores (``bm25``, ``dense``) and ``fused``;
    ``score`` is the final ranking score.
    """

    chunk: Chunk
    doc_name: str
    meta: DocMeta
    score: float
    scores: dict[str, float] = field(default_factory=dict)
    rank: int = 0
    location: str = ""  # page / table of a converted file (``Document.location``); "" for plain text

    @property
    def text(self) -> str:
        return self.chunk.text

    def to_json(self) -> dict[str, Any]:
        return {
            "doc": self.doc_name,
            "doc_id": self.chunk.doc_id,
            "title": self.meta.title,
            "title_en": self.meta.title_en,
            "region": self.meta.region,
            "city": self.meta.city,
            "date": self.meta.date,
            "doc_type": self.meta.doc_type,
            "section": self.chunk.section_path,
            "start": self.chunk.start,
            "end": self.chunk.end,
            "text": self.chunk.text,
            "score": round(self.score, 6),
            "scores": {k: round(v, 6) for k, v in self.scores.items()},
            **({"location": self.location} if self.location else {}),
        }


@dataclass(frozen=True)
class Citation:
    """A numbered source passage: ``n`` is what ``[n]`` in the answer refers to."""

    n: int
    hit: Hit
    # Offsets of the supporting sentence and of the answer span, in the document's
    # stored text (not relative to the chunk); None when not applicable.
    sentence_span: tuple[int, int] | None = None
    answer_span: tuple[int, int] | None = None
    location: str = ""  # where the answer (else the sentence, else the passage) lies in a converted file: 第3页 / p. 3

    def to_json(self) -> dict[str, Any]:
        h = self.hit
        d = {
            "n": self.n,
            "doc": h.doc_name,
            "doc_id": h.chunk.doc_id,
            "title": h.meta.title,
            "title_en": h.meta.title_en,
            "region": h.meta.region,
            "section": h.chunk.section_path,
            "start": h.chunk.start,
            "end": h.chunk.end,
            "text": h.chunk.text,
            "score": round(h.score, 6),
        }
        if self.location:
            d["location"] = self.location
        if self.sentence_span:
            d["sentence_start"], d["sentence_end"] = self.sentence_span
        if self.answer_span:
            d["answer_start"], d["answer_end"] = self.answer_span
        return d


NOT_FOUND = "未在文档中找到答案 / Not found in the documents"


@dataclass(frozen=True)
class Answer:
    """The result of ``ask``.

    ``answer`` is short (a phrase, a figure, a list) or ``NOT_FOUND`` when ``abstained``.
    ``answer_type`` is one of number, which-region, date, list, fact, which-doc.
    ``supporting`` is the sentence(s) the answer was taken from.
    """

    question: str
    answer: str
    answer_type: str
    abstained: bool
    confidence: float
    supporting: str = ""
    citations: tuple[Citation, ...] = ()
    hits: tuple[Hit, ...] = ()  # all retrieved passages, cited or not
    method: str = "extractive"  # "extractive" | "llm" | "table" (the targets table, retrieval/target_answer.py)
    english: str = ""  # mechanical English rendering of the answer, when there is one
    note: str = ""  # why the answer came this way when that is not the usual one (an LLM that failed, …)

    def to_json(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "answer": self.answer,
            "answer_en": self.english,
            "answer_type": self.answer_type,
            "abstained": self.abstained,
            "confidence": round(self.confidence, 4),
            "supporting": self.supporting,
            "method": self.method,
            "citations": [c.to_json() for c in self.citations],
            **({"note": self.note} if self.note else {}),
        }
