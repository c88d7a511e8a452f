"""List candidates read across parallel enumerated clauses: the value each clause gives the thing asked.

Laws set rates, ranks and limits one numbered clause at a time — （一）纳税人在市区的，税率为百分之七；（二）在县城、镇的，
税率为百分之五；… — so "依次是多少" is answered by the value after the shared word (税率) in each clause, not by the
clauses' heads. A run of two or more consecutively numbered clauses around a top sentence, a word of the question's
subject that every clause of the run holds, and after it in each clause a figure (or a short phrase): those values,
in order, are one list candidate.

    >>> text = "第四条 税率如下：（一）在市区的，税率为百分之七；（二）在县城、镇的，税率为百分之五；（三）其他的，税率为百分之一。"
    >>> [(items, word) for _, _, items, word in parallel_values(text, 0, len(text), ("税率", "纳税人"))]
    [(['百分之七', '百分之五', '百分之一'], '税率')]
    >>> text = ("税率：（一）销售货物，税率为百分之十三。（二）销售下列货物，税率为百分之九：1.粮食；2.图书。"
    ...         "（三）销售服务，税率为百分之六。（四）出口货物，税率为零。")
    >>> [items for _, _, items, _ in parallel_values(text, 0, len(text), ("税率",))]
    [['百分之十三', '百分之九', '百分之六']]
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from retrieval.answer.base import Candidate, Context, proximity
from retrieval.answer.legacy.common import _Sent
from retrieval.answer.legacy.lists import _ENUM_MARK, _mark_value
from retrieval.sentences import fold

_LINK = re.compile(r"^\s*(?:为|是|按|按照|定为|实行|适用|：|:)?\s*")
_STOP = re.compile(r"[，,。；;：:\n]")
_MAX_PHRASE = 12  # characters: a value that is not a figure is a short phrase (总警监), or the clause is no list item
_WINDOW = (400, 800)  # characters around the sentence searched for the run (as legacy._block_candidates)


def parallel_values(text: str, lo: int, hi: int, words: Sequence[str], figures: bool = False
                    ) -> list[tuple[int, int, list[str], str]]:
    """``(start, end, values, word)`` for each run of numbered clauses in ``text[lo:hi]`` that all hold one of
    ``words`` with a value after it (the first such word of ``words``); ``figures``: only figures are values."""
    from retrieval.answer.number import find_quantities  # noqa: PLC0415 - number imports this package's base

    runs: list[list[re.Match]] = []
    open_run: dict[str, list[re.Match]] = {}  # per style of mark: （一） and 1. number their own levels
    for m in _ENUM_MARK.finditer(text, lo, hi):
        style = re.sub(r"[一二三四五六七八九十\d]+", "#", m.group(0))
        run = open_run.get(style)
        if run and _mark_value(m.group(0)) == _mark_value(run[-1].group(0)) + 1:
            run.append(m)
        elif _mark_value(m.group(0)) == 1:
            open_run[style] = [m]
            runs.append(open_run[style])
    out = []
    for run in (r for r in runs if len(r) >= 2):
        stop = re.compile(r"[。\n]").search(text, run[-1].end())
        end = stop.start() if stop else len(text)
        segs = [(m.end(), run[k + 1].start() if k + 1 < len(run) else end) for k, m in enumerate(run)]
        shared = [w for w in words if len(w) >= 2 and sum(w in text[a:b] for a, b in segs[:2]) == 2]
        for w in shared:
            values: list[str] = []
            for a, b in segs:
                if w not in text[a:b]:
                    break  # the run of clauses that give the word a value ends here (（四）出口货物，税率为零)
                seg = text[a:b]
                after = seg[seg.rfind(w) + len(w):]
                after = after[_LINK.match(after).end():]
                clause = _STOP.split(after, maxsplit=1)[0].strip()
                qty = find_quantities(fold(clause))
                if qty and qty[0][0] <= 2:
                    per = re.fullmatch(r"每[\u4e00-\u9fff]{1,2}", clause[:qty[0][0]])  # 每亩三百元: the rate's base too
                    values.append(clause[0 if per else qty[0][0]:qty[0][1]])
                elif not figures and 2 <= len(clause) <= _MAX_PHRASE:
                    values.append(clause)
                else:
                    break
            if len(values) >= 2 and len(set(values)) > 1:
                last = segs[len(values) - 1][1]
                stop = _STOP.search(text, text.rfind(values[-1], 0, last) + len(values[-1]))
                out.append((run[0].start(), stop.start() if stop and stop.start() <= last else last, values, w))
                break
    return out


def clause_value_lists(ctx: Context) -> list[Candidate]:
    """The list candidates of ``parallel_values`` around the best sentences (chunk offsets)."""
    words = ctx.subject or tuple(w for g in ctx.subject_groups for w in g)
    if not words:
        return []
    # the words of the question's own clause first (税率 of 适用的税率依次是多少), each set longest first
    asked = set(ctx.asked)
    words = sorted(words, key=lambda w: (w not in asked, -len(w)))
    figures = bool(re.search(r"多少|几|百分之几|how (?:many|much)|what (?:rate|amount|share)", ctx.question_folded, re.I))
    out: list[Candidate] = []
    seen: set[tuple[int, int]] = set()
    for s in ctx.sents[:6]:
        text = ctx.hits[s.hit].chunk.text
        lo, hi = max(0, s.start - _WINDOW[0]), min(len(text), s.end + _WINDOW[1])
        for a, b, values, _word in parallel_values(text, lo, hi, words, figures):
            if (s.hit, a) in seen or not (a <= s.end and b >= s.start):
                continue  # the run must hold the sentence that ranked
            seen.add((s.hit, a))
            run = _Sent(s.hit, a, b, text[a:b], fold(text[a:b]), s.coverage, s.score)
            n = len(values)
            out.append(Candidate("list", s, a, b, "、".join(values), {
                "clause_values": 1.0, "block": 1.0, "list_cue": 0.3,
                "n_items": min(n, 10) / 10.0,
                "count_match": 1.0 if ctx.want and n == ctx.want else 0.0,
                "count_off": 1.0 if ctx.want and n != ctx.want else 0.0,
                "items_in_q": sum(1 for v in values if fold(v) in ctx.wording) / n,
                "prox": proximity(ctx, run, 0, len(run.text)),
                "max_item_len": max(len(v) for v in values) / 30.0,
            }))
    return out
