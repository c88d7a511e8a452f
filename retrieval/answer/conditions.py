"""Figures under conditions the question states: 已满10年不满20年的，年休假10天 — of parallel ；-clauses (brackets of
years of service, income, age) the one that states all of the question's own figures holds its answer; a figure of a
sibling clause that states fewer is another bracket's.

    >>> f = "已满1年不满10年的，年休假5天；已满10年不满20年的，年休假10天；已满20年的，年休假15天。"
    >>> held = clause_conditions(f, {"10", "20"})
    >>> [h for _, h in held], condition_off(held, f.index("5天"), 2), condition_off(held, f.index("10天"), 2)
    ([1, 2, 1], 1.0, 0.0)
"""

from __future__ import annotations

import re

from retrieval import qtype
from retrieval.sentences import fold

_CLAUSE_END = re.compile(r"[；;]")
_FIGURE = re.compile(r"\d+(?:\.\d+)?|[零〇一二两三四五六七八九十百千]{2,}")


def clause_conditions(f: str, conditions: set[str]) -> list[tuple[int, int]]:
    """``(clause end, how many of conditions it states)`` per ；-clause of the folded sentence ``f``; [] for a
    sentence of one clause or no conditions. ``conditions``: the figures the question states (digits).
    """
    if not conditions or not _CLAUSE_END.search(f):
        return []
    out, start = [], 0
    for m in [*_CLAUSE_END.finditer(f), None]:
        end = m.start() if m else len(f)
        figs = set()
        for x in _FIGURE.finditer(f, start, end):
            v = x.group(0)
            if not v[0].isdigit():
                n = qtype.cn_int(v)
                v = str(n) if n is not None else ""
            figs.add(v)
        out.append((end, len(conditions & figs)))
        start = end + 1
    return out


def full_sentence(text: str, a: int, b: int) -> tuple[int, str]:
    """(start, folded text) of the 。-sentence of ``text`` around the clause ``[a, b)``."""
    lo = max(text.rfind("。", 0, a), text.rfind("\n", 0, a)) + 1
    ends = [i for i in (text.find("。", b - 1), text.find("\n", b - 1)) if i >= 0]
    hi = min(ends) if ends else len(text)
    return lo, fold(text[lo:max(hi, b)])


def condition_off(held: list[tuple[int, int]], pos: int, n: int) -> float:
    """1 when the clause holding ``pos`` states fewer of the question's ``n`` figures than a sibling clause that states
    them all (``held`` from :func:`clause_conditions`)."""
    if not held or max(h for _, h in held) < n:
        return 0.0
    mine = next(h for e, h in held if pos <= e)
    return 1.0 if mine < n else 0.0
