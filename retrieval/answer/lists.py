"""List candidates: enumerations in a sentence (A、B和C, after 包括/分别是/：, quoted terms) and across
sentences (一是…二是…, ；-separated items after 即：), each with how many items it has.

    >>> from retrieval.answer.lists import enumerations
    >>> [items for _, _, items, _, _ in enumerations("有效期分为五年、十年、二十年和长期。")][-1]
    ['有效期分为五年', '十年', '二十年', '长期']
    >>> [items for _, _, items, _, _ in enumerations("遵循政府主导、社会参与的原则", bounds=frozenset({0, 2, 4, 6, 7, 9, 11, 12, 14}))]
    [['遵循政府主导', '社会参与的原则']]
    >>> [items for _, _, items, _, _ in enumerations("国徽中间是天安门，周围是谷穗和齿轮。")]
    [['谷穗', '齿轮']]
    >>> _trim_first(['有效期分为五年', '十年'], "有效期分为哪几种")
    ['五年', '十年']
"""

from __future__ import annotations

import re

from retrieval.answer import legacy
from retrieval.answer.base import Candidate, Context, proximity
from retrieval.answer.clause_values import clause_value_lists
from retrieval.answer.tidy import ASIDE_HEAD
from retrieval.sentences import fold


def enumerations(text: str, q: str = "", bounds: frozenset[int] | None = None
                 ) -> list[tuple[int, int, list[str], float, bool]]:
    """``(start, end, items, cue, quoted)`` of the enumerations of one sentence (``cue``: the text counts or announces
    them; ``quoted``: the items are the quoted terms, taken whole);
    ``bounds``, the sentence's word boundaries, keep 和/与 inside words (参与, 共和) from splitting items."""
    out = [(a, b, items, base, quoted) for a, b, items, base, quoted in legacy._list_candidates(text, q, bounds)
           if len(items) >= 2]
    for m in _PAIR.finditer(text):  # 周围是谷穗和齿轮: two items joined by 和, no 、 run
        a, b, j = m.start(1), m.end(2), m.end(1)
        if bounds is not None and (j not in bounds or m.start(2) not in bounds):
            continue  # 和 inside a word (参与, 共和)
        if not any(x <= a and b <= y for x, y, *_ in out):
            out.append((a, b, [m.group(1), m.group(2)], 0.2, False))
    return out


# Two items after a copula or 包括, joined by 和/与/及, running to the clause end: …周围是谷穗和齿轮。
_PAIR = re.compile(r"(?:是|为|有|包括|包含|分为|分成)([^、，,。；;：:\s和与及“”]{1,12})(?:和|与|以及|及)"
                   r"([^、，,。；;：:\s和与及“”]{1,12})(?=[，,。；;]|$)")


# Words that lead into an enumeration's first item (把我国建成具有A、B…, 包含A、B…) or follow its last one (…C为试点,
# …C的社会主义强国, …C五类): grammar of the sentence, not of the items.
_LEAD_IN = re.compile(r"^(?:的|为|是|有|把|将|对|在|以|由|从|向|和|及|与|即|指|是指|系指|：|:|包括|包含|含有|具有|分为|分成|划分为|"
                      r"分别|分别为|分别是|主要|主要有|共有|共|设|设有|实行|列为|确定|遴选|选定|[一两二三四五六七八九十\d]+[个种类项批大])$")
# Function words that lead in only at the start or right after another lead-in (和 inside 广东省和澳门… joins words).
_WEAK_LEAD = re.compile(r"^(?:的|和|及|与|在|以|由|从|向|对|有|共)$")
# (Not 的: a last item may hold one — 吊销公安机关发放的许可证; an attributive list keeps its head, which scoring allows.)
_TAIL = re.compile(r"^(?:为|等|作为|是|这|共|[一两二三四五六七八九十\d]+(?:个|种|类|项|大|方面|级|部分|省|市|区|县|家|所|条|批)\w*)$")
_ASIDE = re.compile(ASIDE_HEAD + r"[^）)]*(?:[）)]|$)")


def trim_items(items: list[str], q: str, words) -> list[str]:
    """Cut the question's wording and lead-in words off the first item, and the sentence's tail off the last, at word
    boundaries (``words``: the segmenter), never leaving an item much shorter than the shortest of the others.

        >>> cut = lambda t: {"有效期分为五年": ["有效期", "分为", "五年"], "长期为准": ["长期", "为", "准"],
        ...                  "具有现代农业": ["具有", "现代", "农业"]}.get(t, [t])
        >>> trim_items(["有效期分为五年", "十年", "长期为准"], "有效期分为哪几种", cut)
        ['五年', '十年', '长期']
        >>> trim_items(["具有现代农业", "现代工业"], "具有哪四个现代", cut)
        ['现代农业', '现代工业']
    """
    items = [_ASIDE.sub("", x) or x for x in items]  # 内蒙古自治区（以下简称四省区） → 内蒙古自治区
    if len(items) < 2:
        return items
    floor = max(1, min(len(x) for x in items[1:-1] or items[1:]) - 1)
    first, cut, pos = items[0], 0, 0
    for w in words(first)[:-1]:
        f = fold(w)
        if any(x.startswith(w) for x in items[1:]):
            break  # the items' own parallel head (现代农业、现代工业)
        pos += len(w)
        if len(first) - pos < floor:
            break
        # after a lead-in verb anywhere (把全市建成具有|A); after a function word or the question's words only right
        # after a cut
        contiguous = cut == pos - len(w)
        if (_LEAD_IN.match(f) and (contiguous or not _WEAK_LEAD.match(f))) or (len(f) >= 2 and f in q and contiguous):
            cut = pos
    items = [first[cut:], *items[1:]]
    last = items[-1]
    floor = max(1, min(len(x) for x in items[:-1]) - 1)
    suffix = _shared_suffix(items[:-1])
    for j in range(len(suffix), 0, -1):  # the others all end in (城)区: 南湖区|为首批试点区
        at = last.find(suffix[-j:], max(0, floor - j))
        if 0 <= at and at + j < len(last):
            items[-1] = last[:at + j]
            return items
    pos = 0
    for i, w in enumerate(words(last)):
        if i and pos >= floor and _TAIL.match(fold(w)):
            items[-1] = last[:pos]
            break
        pos += len(w)
    return items


def _shared_suffix(items: list[str]) -> str:
    """The ending all of at least two items share (东城区、西城区 → 城区), '' when they share none."""
    if len(items) < 2:
        return ""
    k = 0
    while all(len(x) > k for x in items) and len({x[-1 - k] for x in items}) == 1:
        k += 1
    return items[0][len(items[0]) - k:] if k else ""


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
            found = [(s, s.start + a, s.start + b, items, base, quoted)
                     for a, b, items, base, quoted in enumerations(s.text, q, bounds)]
            found += legacy._block_candidates(s, ctx.hits)
            for sent, a, b, items, base, quoted in found:
                if quoted:
                    items = list(items)
                elif ctx.segment is not None:
                    items = trim_items(list(items), q, ctx.segment)
                else:
                    items = _trim_first(legacy._trim_items(list(items), q) or list(items), q)
                if len(items) < 2:
                    continue
                variants = [(items, 0.0)]
                cut = cut_last(items, ctx.segment) if ctx.segment is not None and not quoted else None
                if cut is not None:
                    variants.append((cut, 1.0))
                for items, tail_cut in variants:
                    out.append(self._candidate(ctx, s, sent, a, b, items, base, tail_cut))
        out.extend(_region_lists(ctx))
        out.extend(clause_value_lists(ctx))  # （一）…税率为百分之七；（二）…税率为百分之五 → 百分之七、百分之五
        return out

    @staticmethod
    def _candidate(ctx: Context, s, sent, a: int, b: int, items: list[str], base: float, tail_cut: float) -> Candidate:
        q = ctx.wording
        in_q = sum(1 for it in items if fold(it) in q) / len(items)
        n = len(items)
        return Candidate("list", s, a, b, "、".join(items), {
            "tail_cut": tail_cut,
            "n_items": min(n, 10) / 10.0,
            "count_match": 1.0 if ctx.want and n == ctx.want else 0.0,
            "count_off": 1.0 if ctx.want and n != ctx.want else 0.0,
            "list_cue": base,
            "items_in_q": in_q,
            "block": 1.0 if sent is not s else 0.0,
            "prox": proximity(ctx, s, max(0, a - s.start), max(0, b - s.start)),
            "max_item_len": max(len(it) for it in items) / 30.0,
        })


def cut_last(items: list[str], words) -> list[str] | None:
    """The last item, when it is more than three characters longer than the others, cut at a word boundary to at most
    their length plus two: an enumeration's last item runs on into the sentence (…内蒙古自治区的相关区域, …重庆市人民政府负责); None when it does not.

        >>> cut = lambda t: {"重庆市人民政府负责": ["重庆市", "人民政府", "负责"]}.get(t, [t])
        >>> cut_last(["湖北省", "重庆市人民政府负责"], cut), cut_last(["培育企业", "优化创新创业环境"], cut)
        (['湖北省', '重庆市'], None)
        >>> cut_last(["江西省", "湖南省人民政府负责"], lambda t: ["湖南省人民政府", "负责"])
        ['江西省', '湖南省']
    """
    others, last = items[:-1], items[-1]
    longest = max(len(x) for x in others)
    if len(last) <= longest + 3:
        return None  # a little longer is an item's own wording (东北亚创新交流合作基地 after 创新人才集聚高地)
    floor = max(1, min(len(x) for x in others) - 1)
    pos, best = 0, 0
    for w in words(last):
        pos += len(w)
        if pos > longest + 2:
            break
        if pos >= floor:
            best = pos
    ends = {x[-1] for x in others}
    if not best and len(ends) == 1:  # the segmenter joined the item to what follows (湖南省人民政府): the others' ending
        best = last.rfind(ends.pop(), 0, longest + 2) + 1
    return [*others, last[:best]] if 0 < best <= len(last) - 3 else None


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
