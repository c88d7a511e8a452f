"""Highlighting built from offsets, never by pasting raw text into markup.

    >>> spans = term_spans("到2025年,全省技术合同成交额突破500亿元", ["技术合同成交额"])
    >>> spans
    [(9, 16, 'term')]
    >>> render_html("<b>x</b> 技术", [(9, 11, "term")])
    '&lt;b&gt;x&lt;/b&gt; <mark class="term">技术</mark>'
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable, Sequence

Span = tuple[int, int, str]  # (start, end, kind) in the text being rendered


def term_spans(
    text: str,
    terms: Iterable[str],
    aligned: Callable[[str], tuple[str, list[int]]] | None = None,
    min_len: int = 2,
) -> list[Span]:
    """Find every occurrence of ``terms`` in ``text``.

    ``aligned`` (the analyzer's ``normalize_aligned``) lets a simplified term match
    traditional text: matching runs on the normalised text, spans map back to ``text``.
    """
    if aligned is not None:
        norm, pos = aligned(text)
    else:
        norm, pos = text.lower(), list(range(len(text)))
    found: list[tuple[int, int]] = []
    for t in sorted({t.lower() for t in terms if t and len(t) >= min_len}, key=len, reverse=True):
        start = norm.find(t)
        while start >= 0:
            end = start + len(t)
            a = pos[start]
            b = pos[end - 1] + 1
            found.append((a, b))
            start = norm.find(t, end)
    return [(a, b, "term") for a, b in merge_spans(found)]


def merge_spans(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[list[int]] = []
    for a, b in sorted(spans):
        if out and a <= out[-1][1]:
            out[-1][1] = max(out[-1][1], b)
        else:
            out.append([a, b])
    return [(a, b) for a, b in out]


def render_html(text: str, spans: Sequence[Span], classes: dict[str, str] | None = None) -> str:
    """Escape ``text`` and wrap the spans in ``<mark>``; spans of kind ``answer`` win
    over ``term`` where they overlap. Every character of ``text`` is escaped."""
    classes = classes or {}
    n = len(text)
    # Per-character kind; answer > sentence > term.
    prio = {"term": 1, "sentence": 2, "answer": 3}
    kind = [""] * n
    for a, b, k in spans:
        for i in range(max(0, a), min(n, b)):
            if prio.get(k, 0) > prio.get(kind[i], 0):
                kind[i] = k
    out: list[str] = []
    i = 0
    while i < n:
        j = i
        while j < n and kind[j] == kind[i]:
            j += 1
        piece = html.escape(text[i:j])
        k = kind[i]
        if k:
            out.append(f'<mark class="{html.escape(classes.get(k, k))}">{piece}</mark>')
        else:
            out.append(piece)
        i = j
    return "".join(out)


def shift(spans: Iterable[tuple[int, int, str]], offset: int) -> list[Span]:
    """Move document-offset spans into a chunk's frame (or back, with a negative offset)."""
    return [(a - offset, b - offset, k) for a, b, k in spans]
