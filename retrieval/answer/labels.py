"""Which quoted label a figure belongs to: 十万元以上、五十万元以上的，应当分别认定为“数额较大”、“数额巨大”.

Legal texts state thresholds for several labelled grades in one sentence, the figures in one run and the labels
in another after 分别 ("respectively"): the k-th figure is the k-th label's. Elsewhere a sentence grades its figure
with one quoted label (…的，可以认定为“情节特别严重”). A question that quotes a label (“数额较大”, “情节严重”,
“两重”) asks for that label's figure, not a sibling's — a label of the same kind (sharing half its
characters) that the question does not name.

    >>> from retrieval.answer.number import find_quantities as fq
    >>> f = "纳税人逃避缴纳税款十万元以上、五十万元以上的，应当分别认定为“数额较大”、“数额巨大”。"
    >>> respective_label(f, f.index("十万"), f.index("、"), fq(f)), respective_label(f, f.index("五十万"), f.index("的"), fq(f))
    ('数额较大', '数额巨大')
    >>> label_fit(f, f.index("五十万"), f.index("的"), ["数额较大"], fq(f))
    -1.0
    >>> label_fit(f, f.index("十万"), f.index("、"), ["数额较大"], fq(f))
    1.0
    >>> g = "非法经营数额在一千二百五十万元以上的，可以认定为“情节特别严重”。"
    >>> label_fit(g, g.index("一千"), g.index("的"), ["情节严重"], fq(g))
    -1.0
    >>> label_fit(g, g.index("一千"), g.index("的"), ["数额较大"], fq(g)), label_fit(g, 0, 2, [], fq(g))
    (0.0, 0.0)
"""

from __future__ import annotations

import re

from retrieval.answer.tidy import MARK_RE

_QUOTED = re.compile(r"[“\"「『‘]([^”\"」』’]{1,16})[”\"」』’]")
# The figures of one run: quantities joined by 、 / 和 / 或者 / ， (一万元以上、五万元以上、十万元以上).
_JOIN = re.compile(r"^(?:、|，|,|和|或者|或|及|以及)$")
_RESPECTIVE = re.compile(r"分别")
# A sentence that grades its figure: …的，可以认定为“情节特别严重” (not 比“六五”期间增长: a reference, not a grade).
_GRADED = re.compile(r"(?:认定为|视为|属于|构成|定为)[^。；;“\"「『]{0,20}[“\"「『]")


def quoted(text: str) -> list[str]:
    """The quoted terms of a (folded) text, in order.

        >>> quoted("应当认定为“数额较大”、「数额巨大」")
        ['数额较大', '数额巨大']
    """
    return [m.group(1) for m in _QUOTED.finditer(text)]


def _runs(f: str, spans) -> list[list[tuple[int, int]]]:
    """The runs of figures of a sentence, each a list of ``(start, end)``: neighbours joined by a separator only.
    ``spans``: the sentence's quantities ``(start, end, text)`` (``number.find_quantities``)."""
    spans = sorted({(a, b) for a, b, *_ in spans})
    # the outermost figure at each place (a range and its two ends → the range)
    outer = [s for s in spans if not any(o != s and o[0] <= s[0] and s[1] <= o[1] for o in spans)]
    runs: list[list[tuple[int, int]]] = []
    for s in outer:
        if runs and _JOIN.match(f[runs[-1][-1][1]:s[0]]):
            runs[-1].append(s)
        else:
            runs.append([s])
    return runs


def respective_label(f: str, a: int, b: int, spans) -> str | None:
    """The label a figure at ``[a, b)`` of the folded sentence ``f`` is assigned by 分别, or None."""
    for run in _runs(f, spans):
        if len(run) < 2:
            continue
        idx = next((i for i, (x, y) in enumerate(run) if x <= a and b <= y), None)
        if idx is None:
            continue
        rest = f[run[-1][1]:]
        m = _RESPECTIVE.search(rest)
        if not m:
            return None
        labels = [x.group(1) for x in _QUOTED.finditer(rest, m.end())]
        if len(labels) < len(run):
            return None
        return labels[idx]
    return None


def _siblings(x: str, y: str) -> bool:
    """Labels of one kind: they share at least half of the shorter one's characters (数额较大 / 数额巨大, 两重 / 两新,
    not 十四五 / 十大产业)."""
    return 2 * len(set(x) & set(y)) >= min(len(set(x)), len(set(y)))


_ITEM = re.compile(r"^\s*" + MARK_RE)
_HEADER = re.compile(r"[^。\n：:]*(?:认定为|视为|属于|构成|定为)[^。\n：:]*[：:]\s*$")


HEADER_REACH = 600  # characters before a numbered item its header may stand (a few items of a legal article)


def header_labels(text: str, start: int, reach: int = HEADER_REACH) -> list[str]:
    """The grade a numbered item inherits from the clause that announces the items: …具有下列情形之一的，应当认定为
    “情节严重”：（一）非法经营数额在五百万元以上的；— [] when the item at ``start`` of ``text`` (folded) is no numbered
    item or no grading header announces it.

        >>> t = "具有下列情形之一的，应当认定为“情节严重”：（一）数额在五百万元以上的；（二）违法所得在十万元以上的。"
        >>> header_labels(t, t.index("（二）")), header_labels(t, 0)
        (['情节严重'], [])
    """
    if not _ITEM.match(text[start:start + 8]):
        return []
    lo = max(0, start - reach)
    colon = max(text.rfind("：", lo, start), text.rfind(":", lo, start))
    if colon < 0 or re.search(r"[。\n](?!\s*" + MARK_RE + ")", text[colon:start]):
        return []  # a full stop after the header that is not an item's: the items ended
    head = _HEADER.search(text, max(text.rfind("。", lo, colon), text.rfind("\n", lo, colon)) + 1, colon + 1)
    return quoted(head.group(0)) if head else []


def label_fit(f: str, a: int, b: int, asked: list[str], spans, inherited: list[str] = ()) -> float:
    """+1 the figure is for a label the question quotes, −1 for a sibling label it does not, 0 unknown.

    ``asked``: the question's quoted terms (folded). The label is the 分别 one when the sentence assigns
    labels so, else the quoted terms after a grading verb (认定为, 视为, 属于, 构成) that follows the figure, else
    ``inherited``, the grade of the header announcing the figure's numbered item (:func:`header_labels`).
    """
    if not asked:
        return 0.0
    own = respective_label(f, a, b, spans)
    graded = _GRADED.search(f, b)
    labels = [own] if own else quoted(f[graded.end() - 1:]) if graded else list(inherited)
    if not labels:
        return 0.0
    if any(q in lab or lab in q for q in asked for lab in labels):
        return 1.0
    if any(_siblings(q, lab) for q in asked for lab in labels):
        return -1.0
    return 0.0
