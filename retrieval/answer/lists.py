"""List candidates: enumerations in a sentence (A、B和C, after 包括/分别是/：, quoted terms) and across
sentences (一是…二是…, ；-separated items after 即：), each with how many items it has.

    >>> from retrieval.answer.lists import enumerations
    >>> [items for _, _, items, _ in enumerations("有效期分为五年、十年、二十年和长期。")][-1]
    ['有效期分为五年', '十年', '二十年', '长期']
    >>> [items for _, _, items, _ in enumerations("遵循政府主导、社会参与的原则", bounds=frozenset({0, 2, 4, 6, 7, 9, 11, 12, 14}))]
    [['遵循政府主导', '社会参与的原则']]
    >>> _trim_first(['有效期分为五年', '十年'], "有效期分为哪几种")
    ['五年', '十年']
"""

from __future__ import annotations

import re

from retrieval.answer import legacy
from retrieval.answer.base import Candidate, Context, proximity
from retrieval.sentences import fold


def enumerations(text: str, q: str = "", bounds: frozenset[int] | None = None) -> list[tuple[int, int, list[str], float]]:
    """``(start, end, items, cue)`` of the enumerations of one sentence (``cue``: the text counts or announces them);
    ``bounds``, the sentence's word boundaries, keep 和/与 inside words (参与, 共和) from splitting items."""
    return [(a, b, items, base) for a, b, items, base, _quoted in legacy._list_candidates(text, q, bounds)
            if len(items) >= 2]


def _trim_first(items: list[str], q: str) -> list[str]:
    """Cut the first item after the last stretch of the question's wording: 证件的有效期分为五年 → 五年."""
    f = fold(items[0])
    end = 0
    for i in range(len(f) - 1):
        if f[i:i + 2] in q:
            end = i + 2
    if 0 < end < len(f):
        return [items[0][end:], *items[1:]]
    return items


class ListProposer:
    kind = "list"

    def propose(self, ctx: Context) -> list[Candidate]:
        q = ctx.wording
        out: list[Candidate] = []
        for s in ctx.sents[:6]:
            bounds = ctx.boundaries(s.folded) if ctx.segment is not None else None
            found = [(s, s.start + a, s.start + b, items, base) for a, b, items, base in enumerations(s.text, q, bounds)]
            found += [(fs, a, b, items, base) for fs, a, b, items, base, _q in legacy._block_candidates(s, ctx.hits)]
            for sent, a, b, items, base in found:
                items = _trim_first(legacy._trim_items(list(items), q) or list(items), q)
                if len(items) < 2:
                    continue
                in_q = sum(1 for it in items if fold(it) in q) / len(items)
                n = len(items)
                out.append(Candidate("list", s, a, b, "、".join(items), {
                    "n_items": min(n, 10) / 10.0,
                    "count_match": 1.0 if ctx.want and n == ctx.want else 0.0,
                    "count_off": 1.0 if ctx.want and n != ctx.want else 0.0,
                    "list_cue": base,
                    "items_in_q": in_q,
                    "block": 1.0 if sent is not s else 0.0,
                    "prox": proximity(ctx, s, max(0, a - s.start), max(0, b - s.start)),
                    "max_item_len": max(len(it) for it in items) / 30.0,
                }))
        out.extend(_region_lists(ctx))
        return out


_ASKS_REGIONS = re.compile(r"哪(?:两|三|四|五|几|些)(?:个)?(?:省|地区|城市|市)|which (?:two|three|four|five|\d) "
                           r"(?:provinces|regions|cities)", re.I)


def _region_lists(ctx: Context) -> list[Candidate]:
    """"Which two provinces …": the regions of the best passages' documents, in rank order, as one list."""
    if not _ASKS_REGIONS.search(ctx.question_folded) or not ctx.sents:
        return []
    from retrieval import qtype

    names: list[str] = []
    for s in ctx.sents[:10]:
        r = ctx.hits[s.hit].meta.region
        if r and r != "全国" and qtype.full_region(r) not in names:
            names.append(qtype.full_region(r))
    want = ctx.want or 2
    if len(names) < 2:
        return []
    s = ctx.sents[0]
    return [Candidate("list", s, s.start, s.end, "、".join(names[:want]), {
        "region_list": 1.0, "count_match": 1.0 if len(names) >= want else 0.0})]
