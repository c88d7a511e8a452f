"""Sentence and clause splitting with exact character offsets, plus a length-preserving text fold.

Answers must point at exact characters of the stored document text, so nothing here
rewrites text: splitters return ``(start, end)`` offsets into the string they were given,
and :func:`fold` maps a string to a comparable form of the *same length* (traditional →
simplified per character, full-width → half-width, lowercase) so that a position found
in the folded text is the same position in the original.

>>> s = "一是加强平台建设。二是培育企业；三是优化环境!"
>>> [s[a:b] for a, b in split_sentences(s)]
['一是加强平台建设。', '二是培育企业；', '三是优化环境!']
>>> fold("黑龍江省ＡＢ")
'黑龙江省ab'
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Sentence ends: Chinese and Western terminal punctuation, semicolons (policy prose chains
# whole statements with "；") and line breaks (titles, date lines and list items stand alone).
_SENT_END = re.compile(r"[。！？!?；;]+[”」』’\"]*|\n+")
_CLAUSE_END = re.compile(r"[，,：:、]")  # only used for clause splitting (finer than sentences)
_CLAUSE_STRONG = re.compile(r"[，,：:；;。！？!?\n]")


def split_sentences(text: str, *, max_len: int = 150) -> list[tuple[int, int]]:
    """Split ``text`` into sentences; return ``(start, end)`` offsets with surrounding blanks trimmed.

    Sentences longer than ``max_len`` are cut further at commas so that one run-on
    paragraph without a full stop does not become a single "sentence".
    """
    spans: list[tuple[int, int]] = []
    pos = 0
    for m in _SENT_END.finditer(text):
        _add_trimmed(text, pos, m.end(), spans, max_len)
        pos = m.end()
    _add_trimmed(text, pos, len(text), spans, max_len)
    return spans


def split_clauses(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Split ``text[start:end]`` at commas, colons and sentence ends; offsets are into ``text``."""
    end = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    pos = start
    for m in _CLAUSE_STRONG.finditer(text, start, end):
        _add_trimmed(text, pos, m.start(), spans, 10**9)
        pos = m.end()
    _add_trimmed(text, pos, end, spans, 10**9)
    return spans


def _add_trimmed(text: str, a: int, b: int, out: list[tuple[int, int]], max_len: int) -> None:
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    if b - a <= 0:
        return
    if b - a <= max_len:
        out.append((a, b))
        return
    # Run-on sentence: cut at the comma nearest to max_len, repeatedly.
    while b - a > max_len:
        cut = -1
        for m in re.finditer(r"[，,]", text[a : a + max_len]):
            cut = a + m.end()
        if cut <= a:
            cut = a + max_len
        out.append((a, cut))
        a = cut
    if b > a:
        out.append((a, b))


@lru_cache(maxsize=1)
def _t2s():
    try:
        import opencc  # noqa: PLC0415 - optional at import time, present in requirements

        return opencc.OpenCC("t2s")
    except Exception:  # pragma: no cover - fold degrades to NFKC + lowercase
        return None


def free_runs(covered: list[bool]) -> list[tuple[int, int]]:
    """Maximal ``(start, end)`` runs of positions that are not covered.

    >>> free_runs([True, False, False, True, False])
    [(1, 3), (4, 5)]
    """
    runs, i = [], 0
    while i < len(covered):
        if covered[i]:
            i += 1
            continue
        j = i
        while j < len(covered) and not covered[j]:
            j += 1
        runs.append((i, j))
        i = j
    return runs


def fold(text: str) -> str:
    """Length-preserving normalisation: per-character NFKC, traditional → simplified, lowercase.

    Any character whose normal form is not exactly one character is kept as it is, so
    ``len(fold(s)) == len(s)`` always holds and offsets carry over.
    """
    chars = []
    for ch in text:
        n = unicodedata.normalize("NFKC", ch).lower()
        chars.append(n if len(n) == 1 else ch)
    s = "".join(chars)
    conv = _t2s()
    if conv is None:
        return s
    t = conv.convert(s)
    if len(t) == len(s):
        return t
    # Rare: a conversion changed the length; fall back to converting character by character.
    out = []
    for ch in s:
        c = conv.convert(ch)
        out.append(c if len(c) == 1 else ch)
    return "".join(out)
