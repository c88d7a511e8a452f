"""The naive answer of the baseline: the retrieved sentence sharing the most query tokens.

No question type, no span extraction, no qualifiers: the whole best sentence is the answer
(``RetrievalConfig.answer == "naive"``). It abstains only when no sentence shares a token.
This is the yardstick the real extractor is measured against, not something to improve.

    >>> from ingest.types import Chunk, DocMeta
    >>> from retrieval.types import Hit
    >>> text = "加强基础研究。到2025年，全省技术合同成交额突破500亿元。"
    >>> hit = Hit(Chunk("d", 0, 0, len(text), text), "d.txt", DocMeta(), 1.0)
    >>> tok = lambda s: [s[i:i + 2] for i in range(len(s) - 1)]
    >>> a = naive_answer("技术合同成交额目标", [hit], tokenize=tok)
    >>> a.answer, a.citations[0].sentence_span
    ('到2025年，全省技术合同成交额突破500亿元。', (7, 31))
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from retrieval.sentences import split_sentences
from retrieval.types import NOT_FOUND, Answer, Citation, Hit


def naive_answer(question: str, hits: Sequence[Hit], *, tokenize: Callable[[str], list[str]]) -> Answer:
    """Best-overlap sentence among ``hits`` (ties go to the better-ranked hit, then the earlier sentence)."""
    q = set(tokenize(question))
    best: tuple[int, Hit, tuple[int, int]] | None = None
    for h in hits:
        text = h.chunk.text
        for a, b in split_sentences(text):
            overlap = len(q & set(tokenize(text[a:b])))
            if overlap > 0 and (best is None or overlap > best[0]):
                best = (overlap, h, (a, b))
    if best is None:
        return Answer(question=question, answer=NOT_FOUND, answer_type="fact", abstained=True, confidence=0.0,
                      hits=tuple(hits), method="naive")
    overlap, h, (a, b) = best
    sentence = h.chunk.text[a:b]
    span = (h.chunk.start + a, h.chunk.start + b)
    return Answer(
        question=question, answer=sentence, answer_type="fact", abstained=False,
        confidence=overlap / max(1, len(q)), supporting=sentence,
        citations=(Citation(n=1, hit=h, sentence_span=span, answer_span=span),), hits=tuple(hits), method="naive",
    )
