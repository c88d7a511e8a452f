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
from collections.abc import Callable, Sequence
from functools import lru_cache

WINDOW = 120  # characters of the passage before the sentence that belong to its reading (a clause or two)


_NOUNISH = re.compile(r"^(?:n|vn|an|l|j|i|eng)")  # nouns (and verbal/adjectival nouns, idioms, abbreviations)
_ASKING = re.compile(r"^(?:多长|多久|多高|多大|多远|多重|多快|多少|百分之几|几)")


def subject_words(question: str, words: Sequence[str]) -> tuple[str, ...]:
    """The words of a (folded, simplified) Chinese question that say what it asks about: its nouns. Verbs and
    adverbs that frame the question (提到, 回顾, 修订, 当年, 一般), question-word compounds (多长时间) and
    two-character strings the segmenter made up across a word boundary (天向 of 多少天|向, none of them in its
    dictionary) are left out; a sentence that lacks them may still answer.

        >>> subject_words("报告回顾五年成就时，授予了多少人博士学位", ["报告", "回顾", "五年", "成就", "时", "授予", "多少", "博士学位"])
        ('报告', '成就', '博士学位')
    """
    import jieba  # noqa: PLC0415 - the tagger loads its model on first use
    import jieba.posseg as posseg  # noqa: PLC0415

    jieba.setLogLevel(60)
    frame = {p.word for p in posseg.lcut(question) if not _NOUNISH.match(p.flag)}
    known = jieba.dt.FREQ
    return tuple(w for w in content_words(words)
                 if w not in frame and not _ASKING.match(w) and not (len(w) == 2 and not known.get(w)))


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


def groups_missing(groups: Sequence[Sequence[str]], idf: dict[str, float], window: str) -> tuple[float, float]:
    """:func:`subject_missing` for an English question: each of its words is a group of Chinese alternatives (the
    dictionary's senses); a group is found when any alternative is, and weighs what its commonest alternative does
    (the sense the corpus writes most).

        >>> groups_missing([("国防", "防务"), ("预算",)], {"国防": 4.0, "防务": 8.0, "预算": 2.0}, "国防支出")
        (0.333, 0.0)
        >>> groups_missing([("电子烟",), ("罚款", "罚金")], {"电子烟": 9.0, "罚款": 2.0, "罚金": 5.0}, "处以罚款")
        (0.818, 1.0)
    """
    groups = [g for g in groups if g]
    if not groups:
        return 0.0, 0.0
    weight = [min(idf.get(w, 1.0) for w in g) for g in groups]
    found = [max(_found(w, window, idf) for w in g) for g in groups]
    total = sum(weight) or 1.0
    miss = sum(w * (1.0 - f) for w, f in zip(weight, found, strict=True))
    rarest = max(range(len(groups)), key=lambda i: weight[i])
    return round(miss / total, 3), 1.0 if found[rarest] < 1.0 else 0.0


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


# Words that name the scope, not the kind (我国人口 is the 全国人口 asked; 本市, 各级, 上述…)
_SCOPE = re.compile(r"^(?:我|本|各|该|上述|其|全|这|此|当|同)")


@lru_cache(maxsize=4096)
def _noun1(w: str) -> bool:
    """A one-character noun modifier (钢|产量, 煤|产量), as the tagger reads it on its own."""
    import jieba.posseg as posseg  # noqa: PLC0415

    return len(w) == 1 and [p.flag for p in posseg.lcut(w)] == ["n"]


@lru_cache(maxsize=4096)
def _scope(w: str) -> bool:
    """A word of scope or time (我国, 全国, 本市, 今年, 上半年), not of kind: 今年|高校毕业生 is the 全国高校毕业生 asked."""
    import jieba.posseg as posseg  # noqa: PLC0415 - the tagger loads its model on first use

    return bool(_SCOPE.match(w)) or any(p.flag in ("t", "r", "m") for p in posseg.lcut(w))


def sibling_heads(words: Sequence[str], question: str, window: str, sentence: str,
                  segment: Callable[[str], Sequence[str]]) -> dict[str, str]:
    """The heads of the question's metric that the sentence gives another modifier, each with that modifier.

    The question asks for 棉花|产量; the sentence says 粮食|产量 and no 棉花 is in its reading ``window``: its figures of
    产量 are other metrics' (八千亿斤 of 粮食产量, and 六千万吨 of 钢产量 beside it; 城镇登记失业率 for 城镇调查失业率) — a
    figure whose own clause holds such a head is never the answer. ``words`` are the question's subject words in
    order, ``sentence`` the folded sentence, ``segment`` the segmenter. The modifier must be a word of two or more
    characters (or a one-character noun: 钢|产量) that the question lacks, that shares no character with the question's (全国 ↔ 我国) and that names
    no scope or time (我国, 今年).

        >>> seg = lambda s: ["到一九八五年", "，", "粮食产量", "达到", "八千亿斤", "，", "钢产量", "六千万吨"]
        >>> f = "到一九八五年，粮食产量达到八千亿斤，钢产量六千万吨"
        >>> sibling_heads(["棉花", "产量"], "1985年棉花产量达到多少", f, f, seg)
        {'产量': '粮食'}
        >>> sibling_heads(["粮食", "产量"], "1985年粮食产量达到多少", f, f, seg)
        {}
        >>> sibling_heads(["全国", "产量"], "全国产量达到多少", "今年产量达到", "今年产量达到", lambda s: ["今年", "产量", "达到"])
        {}
    """
    out: dict[str, str] = {}
    cut = None
    for m, head in zip(words, words[1:], strict=False):
        if head in out or m + head not in question or m in window or head not in sentence or _scope(m):
            continue
        cut = cut or list(segment(sentence))
        for i, w in enumerate(cut):
            # the modifier: the word before the head, or the rest of a compound ending in it (粮食产量)
            prev = cut[i - 1] if w == head and i else (w[:-len(head)] if len(w) > len(head) and w.endswith(head) else "")
            if prev and (len(prev) >= 2 or _noun1(prev)) and re.fullmatch(r"[\u4e00-\u9fff]+", prev) and prev not in question \
                    and not set(prev) & set(m) and not _scope(prev):
                out[head] = prev
                break
    return out
