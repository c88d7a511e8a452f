"""Where a sentence fills the question's gap: align the words around the question word with the sentence.

A Chinese question is mostly the answering sentence with one phrase replaced by a question word:
考区的变更由【哪个机构】决定 ↔ 考区的变更由【市招生委员会】决定. The question's clause is cut at its question word into
a left context (考区的变更由) and a right context (决定, after the asked noun 机构); a sentence holding the end of the
left context and, after it, the start of the right context has the answer between them. Only one side found still
marks where the answer starts (南端为|永定门，) or ends (|国务院有关部门 可以决定). The asked noun is kept when the
sentence writes it right after the gap (通过什么方式出席 → 网络视频方式).

    >>> [g.text for g in gaps("考区的变更由市人民政府招生委员会决定。", "考区的变更由哪个机构决定？")]
    ['市人民政府招生委员会']
    >>> [g.text for g in gaps("北端为鼓楼，南端为永定门，全长7.8公里。", "中轴线的南端是哪一处建筑？")]
    ['永定门']
    >>> [g.text for g in gaps("组成人员可以通过网络视频方式出席会议。", "组成人员可以通过什么方式出席会议？")]
    ['网络视频方式']
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Question words, longest first; what follows one (up to 3 characters) may be the asked noun (机构, 方式, 建筑).
_WH = re.compile(r"哪一个|哪一位|哪一种|哪一类|哪一项|哪一处|哪一级|哪一|哪个|哪家|哪种|哪类|哪项|哪位|哪些|哪里|哪儿|哪|"
                 r"什么|何种|何处|何|谁")
_CLAUSE = re.compile(r"[，,。；;：:？?！!、（）()\s]")
# Copulas the question and the sentence exchange (南端是哪 ↔ 南端为永定门).
_COPULA = {"是": "为", "为": "是"}
# Words that end a clause's subject rather than belong to it (国务院有关部门|可以决定).
_MODAL_TAIL = re.compile(r"(?:可以|应当|应|有权|负责|依法|统一|须|必须|予以|会同)$")
_MAX = 40
_LEAD = "由经向对在将把按以从被"


@dataclass(frozen=True)
class Gap:
    """A span ``[start, end)`` of a (folded) sentence in the question's gap: ``left`` characters of the left context
    end right before it, ``right`` of the right context start right after it (or after the asked noun); 0 = not
    found (以水稻【为主导产业】 matches five of 为主导产业, 以黑土地现代农业【为主】题 two)."""

    start: int
    end: int
    text: str
    left: int
    right: int


def contexts(q: str) -> tuple[str, str, bool] | None:
    """``(left, right, determiner)`` around the first question word of a folded Chinese question, within its clause;
    ``determiner``: the question word takes a noun (什么方式, 哪个机构), so ``right`` may start with it.

        >>> contexts("依照本条例，考区的变更由哪个机构决定？")
        ('考区的变更由', '机构决定', True)
    """
    m = _WH.search(q)
    if m is None:
        return None
    lo = max((x.end() for x in _CLAUSE.finditer(q, 0, m.start())), default=0)
    hi = next((x.start() for x in _CLAUSE.finditer(q, m.end())), len(q))
    return q[lo:m.start()], q[m.end():hi], m.group(0) not in ("谁", "哪里", "哪儿", "何处")


def _left_anchor(f: str, left: str) -> list[tuple[int, int]]:
    """``(end, k)``: where the last ``k`` (≥ 2) characters of ``left`` end in ``f``, longest first."""
    out: list[tuple[int, int]] = []
    for k in range(min(8, len(left)), 1, -1):
        tail = left[-k:]
        forms = {tail}
        if tail[-1] in _COPULA:
            forms.add(tail[:-1] + _COPULA[tail[-1]])
        for t in forms:
            for m in re.finditer(re.escape(t), f):
                out.append((m.end(), k))
        if out:
            return out
    return out


def gaps(f: str, q: str, segment=None) -> list[Gap]:
    """Spans of folded sentence ``f`` in the gap of folded question ``q``; [] for a question without a question word.
    ``segment`` (the segmenter) tells how long the asked noun is (委员会, 方式); without it, two characters."""
    ctx = contexts(q)
    if ctx is None:
        return []
    left, right, determiner = ctx
    noun_len = 0
    if determiner and right:
        noun_len = len(segment(right)[0]) if segment is not None else 2
    out: list[Gap] = []
    starts = _left_anchor(f, left) if len(left) >= 2 else []
    for a, k in starts:
        b, found = _right_end(f, a, right, noun_len)
        if not found:
            stop = _CLAUSE.search(f, a)
            b = stop.start() if stop else len(f)
        if 2 <= b - a <= _MAX:
            out.append(Gap(a, b, f[a:b], k, found))  # found: characters of the right context matched
    if not starts and len(right) >= 2:
        for skip in range(0, min(3, len(right) - 1) + 1):
            r = right[skip:skip + 2]
            if len(r) < 2:
                break
            hits = [m.start() for m in re.finditer(re.escape(r), f)]
            for b in hits:
                lo = max((x.end() for x in _CLAUSE.finditer(f, 0, b)), default=0)
                while lo < b - 2 and f[lo] in _LEAD:
                    lo += 1  # 由|市人民政府批准: the preposition belongs to the clause, not the answer
                cut = _MODAL_TAIL.search(f[lo:b])
                end = b - len(cut.group(0)) if cut else b
                if 2 <= end - lo <= _MAX:
                    out.append(Gap(lo, end, f[lo:end], 0, _common(f[b:], right[skip:])))
            if hits:
                break
    return out


def _common(x: str, y: str) -> int:
    """Length of the common prefix of ``x`` and ``y``."""
    n = 0
    while n < min(len(x), len(y)) and x[n] == y[n]:
        n += 1
    return n


def _right_end(f: str, a: int, right: str, noun_len: int = 0) -> tuple[int, int]:
    """Where the gap opened at ``a`` ends, and whether the right context was found: before the right context's first
    two characters, skipping up to three characters of asked noun (which then stay in the span). A right context that
    starts with the asked noun (its first ``noun_len`` characters) keeps it in the span when the sentence writes it
    there: 通过【网络视频方式】出席 for 通过什么方式出席. The second value: how many characters of the right context
    the sentence writes there (0: not found)."""
    stop = _CLAUSE.search(f, a)
    limit = min(stop.start() if stop else len(f), a + _MAX + 3)
    for skip in range(0, min(3, max(0, len(right) - 2)) + 1):
        r = right[skip:skip + 2]
        if len(r) < 2:
            break
        i = f.find(r, a + 1, limit + 2)
        if i <= a:
            continue
        n = noun_len
        if not skip and n and len(right) >= n + 2 and f[i + n:i + n + 2] == right[n:n + 2]:
            return i + n, _common(f[i + n:], right[n:])  # the right context starts with the asked noun: keep it
        return i, _common(f[i:], right[skip:])
    return limit, 0
