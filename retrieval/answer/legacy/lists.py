"""List answers: enumerations within a sentence (after 分别是/包括/：, runs of 、-separated items, several quoted terms),
enumerations spread over a passage (即：A；B；C / 一是…二是…), one item per wh-gap of the question, names of places of the
kind asked, and regions across documents.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from retrieval import qtype
from retrieval.answer.legacy.common import _Sent, _Span, _Terms
from retrieval.answer.legacy.regions import _region_of
from retrieval.sentences import fold

# ---- lists -----------------------------------------------------------------------------------------

_ITEM_SEP = re.compile(r"[、，,；;]|以及|和|及|与")
_TRIGGER = re.compile(r"分别是|分别为|包括|包含|主要有|主要是|即|[:：]")
_CN = "一二三四五六七八九十两"
# Item markers of an enumeration spread over sentences: 一是… 二是…, (1)… (2)…, 1. … 2. …, 第一，…
_ENUM_MARK = re.compile(rf"(?:(?<=^)|(?<=[；;。：:\s，,]))(?:[{_CN}]是|[（(][{_CN}\d]{{1,2}}[)）]|\d{{1,2}}[.、．](?!\d)|第[{_CN}][，,、])")
_BLOCK_TRIGGER = re.compile(r"(?:即|如下|具体(?:是|为|包括)|主要(?:是|有|包括)|分别是|包括)\s*[:：]?|[:：]")
_COUNT_SUFFIX = re.compile(rf"^[”\"」』]?\s*(?:等)?([{_CN}\d]{{1,3}})(?:个|项|大|种|类|方面|条|家|所|项目)")
# Where a clause item's head noun phrase ends: the first figure or predicate.
_PREDICATE = re.compile(r"\d|年均|倍增|翻番|增长|增幅|达到|达|实现|提高|提升|突破|保持|力争|超过|不低于|取得|持续|稳定|进入|居")
_PLACE_KIND_ZH = re.compile(rf"哪(?:[{_CN}几些]|\d+)?(?:个|座)?(地级市|县级市|城市|地市|市|县|区)")
_PLACE_KIND_EN = re.compile(r"\b(?:which|what)\b[^?]{0,30}?\b(cities|city|counties|county|districts|district)\b", re.I)
_GENERIC_PLACES = re.compile(r"^(?:[全各该本我省地县城级][市县区]|省市|县市|市县|市区|城区|地级市|县级市|城市|地市|市地|[市县区])$")


def _list_span(question, top: list[_Sent], terms: _Terms, hits, english: bool) -> _Span | None:
    q = fold(question)
    want = qtype.asked_count(question)
    if re.search(r"哪(两|三|四|五|几|些)(个)?(省|地区)|which (two|three|four|five|\d) (provinces|regions)", q, re.I):
        return _region_list(top, hits, want, english)
    span = _gap_list(top[:6], q)
    if span is not None:
        return span
    kind = _place_kind(q)
    if kind:
        span = _place_list(top[:6], q, kind, want)
        if span is not None:
            return span
    best: _Span | None = None
    for s in top[:6]:
        cands = [(s, s.start + a, s.start + b, items, base, quoted)
                 for a, b, items, base, quoted in _list_candidates(s.text, q)]
        cands += _block_candidates(s, hits)
        for src, a, b, items, base, quoted in cands:
            n = len(items)
            if n < 2:
                continue
            fit = base
            if want:
                fit += 0.4 if n == want else (-0.1 if n > want else -0.4)
            if not quoted:
                items = _trim_items(items, q)
            text = "、".join(items)
            if len(text) > 100:
                fit -= 0.5
            score = s.score + fit
            if best is None or score > best.score:
                best = _Span(src, a, b, text, score)
    if best is not None and want and best.score < top[0].score:
        return best if best.score > top[0].score - 0.3 else None
    return best


_GAP = re.compile(r"什么|哪(?:一|个|种|类)")
_GAP_STOP = re.compile(r"[，,。；;、?？！!\s]|和|及|与|以及|或")


def _gap_list(top: list[_Sent], q: str) -> _Span | None:
    """One item per wh-gap: 成为什么策源地、什么高地和什么基地 → 创新发展策源地、人才集聚高地、合作基地.

    Each gap's head noun (the characters after the wh-word) must end an item, all in one sentence and in
    the question's order; the item reaches back to the previous separator, less a lead-in the question
    itself states (成为全国…).
    """
    gaps = list(_GAP.finditer(q))
    if len(gaps) < 2:
        return None
    heads = []
    for g in gaps:
        stop = _GAP_STOP.search(q, g.end())
        head = q[g.end():stop.start() if stop else len(q)]
        head = re.sub(r"(?:的|呢|吗|等)$", "", head)
        if not re.fullmatch(r"[\u4e00-\u9fff]{1,6}", head):
            return None
        heads.append(head)
    for s in top:
        f = s.folded
        pos, items, first = 0, [], None
        for head in heads:
            i = f.find(head, pos)
            if i < 0:
                break
            seps = [m.end() for m in _GAP_STOP.finditer(f, pos, i)]
            lo = seps[-1] if seps else pos
            seg = f[lo:i]
            k = len(seg)
            while k >= 2 and seg[:k] not in q:
                k -= 1
            seg = seg[k:] if k >= 2 else seg
            seg = re.sub(r"^(?:的|为|是|成为|建成|打造)", "", seg)
            if not 1 <= len(seg) <= 14:
                break
            a = i - len(seg)
            first = a if first is None else first
            items.append(s.text[a:i + len(head)])
            pos = i + len(head)
        if len(items) == len(heads):
            return _Span(s, s.start + first, s.start + pos, "、".join(items), s.score + 0.3)
    return None


def _split(seg: str, offset: int, sep: re.Pattern[str], bounds: frozenset[int] | None) -> list[str]:
    """``seg`` split at ``sep``; a conjunction (和/及/与) splits only where it is a word of its own (``bounds``: word
    boundaries of the sentence, ``offset``: where ``seg`` starts in it), never inside 参与 or 中华人民共和国."""
    parts, last = [], 0
    last_comma = seg.rfind("、")
    for m in sep.finditer(seg):
        conj = m.group(0) in ("和", "及", "以及", "与")
        if conj and m.start() < last_comma:
            continue  # a conjunction joins the final item (A、B和C); before a 、 it is inside an item (A及B、C)
        if bounds is not None and conj and not (offset + m.start() in bounds and offset + m.end() in bounds):
            continue
        parts.append(seg[last:m.start()])
        last = m.end()
    parts.append(seg[last:])
    return parts


_RUN_SEP = re.compile(r"、|以及|和|及|与")


def _list_candidates(text: str, q: str = "", bounds: frozenset[int] | None = None
                     ) -> list[tuple[int, int, list[str], float, bool]]:
    """Enumerations in a sentence: after 分别是/包括/：, runs of 、-separated items, several quoted terms.

    Returns ``(start, end, items, base score, quoted)``; an enumeration followed by a count that
    equals its length (``A、B、C三大高地`` / ``A、B、C三个办法``) scores higher.
    """
    out: list[tuple[int, int, list[str], float, bool]] = []
    m = _TRIGGER.search(text)
    if m:
        a = m.end()
        b = len(text.rstrip("。；;！!"))
        items = _clean_items(_split(text[a:b], a, _ITEM_SEP, bounds))
        if items and max(len(x) for x in items) <= 30:
            out.append((a, b, items, 0.3, False))
    for m in re.finditer(r"[^、，,。；;：:\s]{1,24}(?:、[^、，,。；;：:\s]{1,24})+(?:(?:和|及|以及|与)[^、，,。；;：:\s]{1,24})?",
                         text):
        parts = _split(m.group(0), m.start(), _RUN_SEP, bounds)
        base = 0.2
        c = re.search(rf"(等)?([{_CN}\d]{{1,3}})(?:个|项|大|种|类|方面|条|家|所)(\w{{0,2}})", parts[-1])
        if c and qtype.cn_int(c.group(2)) == len(parts):
            base += 0.3  # 新材料三大科创高地: the text counts its own items
            if q and len(c.group(3)) == 2 and c.group(3) in q:
                base += 0.3  # …三个办法 for a question about 管理办法: counted as the question's noun
        items = _clean_items(parts)
        out.append((m.start(), m.end(), items, base, False))
    quotes = list(re.finditer(r"[“\"「『]([^”\"」』]{1,20})[”\"」』]", text))
    if len(quotes) >= 2:
        base = 0.1
        c = _COUNT_SUFFIX.match(text[quotes[-1].end():])
        if c and qtype.cn_int(c.group(1)) == len(quotes):
            base += 0.3
        out.append((quotes[0].start(), quotes[-1].end(), [q.group(1) for q in quotes], base, True))
    return out


def _block_candidates(s: _Sent, hits) -> list[tuple[_Sent, int, int, list[str], float, bool]]:
    """Enumerations spread over several sentences of the passage: ``即：A…；B…；C…。`` or ``一是…二是…``.

    Each item is the head noun phrase of its clause (up to the first figure or predicate):
    ``技术合同成交额倍增,达到530亿元以上`` → ``技术合同成交额``. Offsets are chunk offsets.
    """
    text = hits[s.hit].chunk.text
    out = []
    # (a) a trigger in this sentence, items in the following ；-separated segments up to the 。
    trig = None
    for m in _BLOCK_TRIGGER.finditer(text, s.start, s.end):
        trig = m
    if trig is not None:
        a = trig.end()
        stop = re.compile(r"[。\n]").search(text, a)
        b = stop.start() if stop else len(text)
        segs = [(x.start(), x.end()) for x in re.finditer(r"[^；;]+", text[a:b])]
        if len(segs) >= 2:
            items = [_clause_head(text[a + x:a + y]) for x, y in segs]
            items = [i for i in items if i]
            if len(items) >= 2 and max(map(len, items)) <= 30:
                fake = _Sent(s.hit, a, b, text[a:b], fold(text[a:b]), s.coverage, s.score)
                out.append((fake, a, b, items, 0.35, False))
    # (b) numbered items (一是/二是, (1)/(2)) around this sentence
    lo, hi = max(0, s.start - 400), min(len(text), s.end + 800)
    marks = [m for m in _ENUM_MARK.finditer(text, lo, hi)]
    if len(marks) >= 2:
        runs: list[list[re.Match]] = [[marks[0]]]
        for m in marks[1:]:
            if _mark_value(m.group(0)) == _mark_value(runs[-1][-1].group(0)) + 1:
                runs[-1].append(m)
            elif _mark_value(m.group(0)) == 1:
                runs.append([m])
        for run in runs:
            if len(run) < 2:
                continue
            a, end_last = run[0].start(), run[-1].end()
            stop = re.compile(r"[。；;\n]").search(text, end_last)
            b = stop.start() if stop else len(text)
            if not (a <= s.end and b >= s.start) and not (0 <= a - s.end <= 40):
                continue  # the run is not where the best sentence is
            items = []
            for k, m in enumerate(run):
                seg_end = run[k + 1].start() if k + 1 < len(run) else b
                items.append(_clause_head(text[m.end():seg_end], enumerated=True))
            items = [i for i in items if i]
            if len(items) >= 2 and max(map(len, items)) <= 30:
                fake = _Sent(s.hit, a, b, text[a:b], fold(text[a:b]), s.coverage, s.score)
                out.append((fake, a, b, items, 0.3, False))
    return out


def _mark_value(mark: str) -> int:
    digits = re.sub(rf"[^{_CN}\d]", "", mark)
    return qtype.cn_int(digits) or 0


def _clause_head(seg: str, enumerated: bool = False) -> str:
    """The head of an enumerated clause: up to the first comma/colon, then the first figure/predicate."""
    seg = _ENUM_MARK.sub("", seg.strip(), count=1) if not enumerated else seg
    seg = re.split(r"[，,。：:；;]", seg.strip(), maxsplit=1)[0]
    seg = re.sub(r"[（(][^)）]{0,20}[)）]", "", seg)  # 省级重点实验室(含省实验室)数量 → 省级重点实验室数量
    m = _PREDICATE.search(seg)
    if m and m.start() >= 2:
        seg = seg[: m.start()]
    return seg.strip(" 　“”\"‘’「」『』《》")


def _place_kind(q: str) -> str | None:
    m = _PLACE_KIND_ZH.search(q)
    if m:
        k = m.group(1)
        return "县" if k == "县" else ("区" if k == "区" else "市")
    m = _PLACE_KIND_EN.search(q)
    if m:
        w = m.group(1).lower()
        return "区" if w.startswith("district") else ("县" if w.startswith("count") and "cit" not in q[m.end():m.end() + 16] else "市")
    return None


def _place_list(top: list[_Sent], q: str, kind: str, want: int | None) -> _Span | None:
    """Names of places of the kind asked (``牡丹江市和绥化市`` for 哪两个地级市) in the best sentences."""
    best: _Span | None = None
    for s in top:
        names: list[tuple[int, int]] = []
        for m in re.finditer(kind, s.folded):
            a = m.start()
            while a > 0 and m.start() - a < 4 and re.match(r"[\u4e00-\u9fff]", s.folded[a - 1]) and not re.match(
                    r"[与和及、将把在对以从到由向为是的等省]", s.folded[a - 1]):
                a -= 1
            name = s.folded[a:m.end()]
            if (len(name) < 2 or _GENERIC_PLACES.match(name) or name in q or name[-2:] in q
                    or re.search(r"城市$|[型级域][市县区]$", name)):
                continue
            if (a, m.end()) not in names and s.text[a:m.end()] not in [s.text[x:y] for x, y in names]:
                names.append((a, m.end()))
        if len(names) < 2:
            continue
        fit = 0.0
        if want:
            fit += 0.3 if len(names) == want else -0.2
            names = names[:want] if len(names) > want else names
        score = s.score + fit
        if best is None or score > best.score:
            a, b = names[0][0], names[-1][1]
            best = _Span(s, s.start + a, s.start + b, "、".join(s.text[x:y] for x, y in names), score)
    if best is not None and best.score < top[0].score - 0.3:
        return None
    return best


def _clean_items(parts: Sequence[str]) -> list[str]:
    """Quotes and lead-ins dropped; the count that closes an enumeration (A、B、C等三个方面) cut off the last item."""
    items = []
    for k, p in enumerate(parts):
        p = re.sub(r"[“”\"‘’「」『』]", "", p).strip(" 　《》（）()[]")
        p = re.sub(r"^(?:一方面|另一方面|首先|其次|同时|此外)", "", p)
        if k == len(parts) - 1:
            p = re.sub(r"(?<=\w{2})(等)?[0-9一二三四五六七八九十两]+(个|项|家|大|种|类|所|条|方面)\w{0,4}$", "", p)
        p = re.sub(r"等$", "", p)
        if p:
            items.append(p)
    return items


_LEAD_VERBS = re.compile(r"^(?:重点|着力|加快|大力|积极|全面)?(?:打造|建设|推进|新设立|设立|包括|实施|围绕|聚焦|培育|发展|"
                         r"形成|构建|建立|制定|是|为|有|在|以|对|把|将|由)")


def _trim_items(items: list[str], q: str) -> list[str]:
    """Cut words of the question (and a leading verb) off the first item: 重点打造数字经济 → 数字经济."""
    if not items:
        return items
    first = items[0]
    ff = fold(first)
    for k in range(len(ff) - 2, 1, -1):
        if ff[:k] in q:
            first = first[k:]
            break
    first = _LEAD_VERBS.sub("", first) or first
    return [first, *items[1:]]


def _region_list(top: list[_Sent], hits, want: int | None, english: bool) -> _Span | None:
    """Regions of the documents whose best sentences satisfy the question (cross-document lists)."""
    regions: list[str] = []
    first = None
    for s in top:
        if s.coverage < top[0].coverage * 0.7:
            continue
        short, _ = _region_of(hits[s.hit], s.folded)
        if short and short not in regions:
            regions.append(short)
            first = first or s
        if want and len(regions) >= want:
            break
    if len(regions) < 2 or first is None:
        return None
    ans = "、".join(qtype.full_region(r) for r in regions)
    en = " and ".join(qtype.english_region(r) for r in regions)
    return _Span(first, first.start, first.end, ans, first.score, en if english else "")
