"""Whether a sentence is about what the question asks: its subject words found in the sentence's reading window.

A figure or phrase in a sentence that lacks the question's rarest word (棉花 of "1985年棉花产量", 国防 of "国防预算")
answers about something else, however many of the question's other words the sentence shares. The window is the
sentence, the text just before it in its passage, and the document's title and section (where a question's naming
words — the law, the report, the year — are found). A word counts half when only its first or last two characters
appear (财政赤字 ↔ 赤字率): the segmenter and the writer cut words differently.

    >>> subject_missing(["棉花", "产量", "规划"], {"棉花": 6.0, "产量": 3.0, "规划": 2.0}, "到一九八五年，粮食产量达到八千亿斤")
    (0.727, 1.0)
    >>> subject_missing(["财政赤字", "当年"], {"财政赤字": 5.0, "当年": 1.0}, "今年赤字率拟按3.2%左右安排")
    (0.583, 1.0)
"""

from __future__ import annotations

import re
from collections.abc import Sequence

WINDOW = 120  # characters of the passage before the sentence that belong to its reading (a clause or two)


def content_words(words: Sequence[str]) -> tuple[str, ...]:
    """The Chinese words of two or more characters, each once."""
    return tuple(dict.fromkeys(w for w in words if len(w) >= 2 and re.fullmatch(r"[\u4e00-\u9fff]+", w)))


def _found(w: str, text: str, idf: dict[str, float]) -> float:
    """1 when ``w`` is in ``text``; for a part of it (its first or last two characters), the part's share of the
    word's information (IDF), at most a half: 赤字 of 财政赤字 tells much, 预算 of 国防预算 little."""
    if w in text:
        return 1.0
    if len(w) >= 3:
        parts = [p for p in (w[:2], w[-2:]) if p in text]
        if parts:
            whole = idf.get(w, 1.0) or 1.0
            return max(min(0.5, 0.5 * idf.get(p, whole) / whole) for p in parts)
    return 0.0


def subject_missing(words: Sequence[str], idf: dict[str, float], window: str) -> tuple[float, float]:
    """(IDF-weighted share of ``words`` missing from ``window``, 1.0 when the rarest of them is not fully there);
    ``(0.0, 0.0)`` without words. ``idf`` may also hold the two-character parts of the words."""
    if not words:
        return 0.0, 0.0
    total = sum(idf.get(w, 1.0) for w in words) or 1.0
    miss = sum(idf.get(w, 1.0) * (1.0 - _found(w, window, idf)) for w in words)
    rarest = max(words, key=lambda w: idf.get(w, 1.0))
    return round(miss / total, 3), 1.0 if _found(rarest, window, idf) < 1.0 else 0.0


def modifier_missing(words: Sequence[str], idf: dict[str, float], window: str) -> float:
    """The largest IDF share of a question word missing from ``window`` while the word after it — the head it
    modifies — is there: 棉花 of 棉花|产量 beside 粮食产量, 调查 of 城镇调查|失业率 beside 城镇登记失业率, 国防 of
    国防预算 beside 一般公共预算. A sentence about the head with another modifier answers about another thing.
    Four-character words are read as two halves.

        >>> modifier_missing(["棉花", "产量"], {"棉花": 6.0, "产量": 3.0}, "粮食产量达到八千亿斤")
        0.667
        >>> modifier_missing(["国防预算"], {}, "一般公共预算支出规模"), modifier_missing(["粮食", "产量"], {}, "粮食产量")
        (0.5, 0.0)
    """
    seq: list[str] = []
    for w in words:
        seq.extend([w[:2], w[2:]] if len(w) == 4 else [w])
    total = sum(idf.get(w, 1.0) for w in seq) or 1.0
    worst = 0.0
    for m, head in zip(seq, seq[1:], strict=False):
        if m not in window and head in window:
            worst = max(worst, idf.get(m, 1.0) / total)
    return round(worst, 3)
