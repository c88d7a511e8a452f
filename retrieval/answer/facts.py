"""Fact candidates: the phrase of a sentence that the question leaves open — a body, a name, a condition.

Each clause of the best sentences is cut where the question's own wording ends, and what remains up to
the clause end is a candidate; so are quoted names, organisation names and a name before 同志/a title.
Features say how much of the candidate the question already holds (little, for the answer itself) and
how much of the rest of the sentence it holds (much: the sentence is about the question).

    >>> from retrieval.answer.facts import phrases
    >>> got = [t for _, _, t in phrases("全国绿化委员会每10年组织开展一次全国古树名木资源普查", "谁组织古树名木资源普查")]
    >>> "全国绿化委员会" in got, "古树名木资源普查" in got
    (True, False)
"""

from __future__ import annotations

import bisect
import re

from retrieval.answer.base import Candidate, Context, proximity
from retrieval.answer.gap import Gap
from retrieval.answer.tidy import ASIDE_HEAD
from retrieval.sentences import free_runs, split_clauses

_DOC_NO = re.compile(r"[\u4e00-\u9fff]{1,10}[〔\[［(（]\d{4}[〕\]］)）]\d{1,4}号")
_ASKS_DOC_NO = re.compile(r"文号|字号|发文号|document number|reference number")
_ORG = re.compile(r"[\u4e00-\u9fff]{2,16}?(?:委员会|人民政府|政府|办公室|部门|中心|局|厅|部|署|院|会|所|公署|机构|组织|法院|检察院|银行)")
_QUOTED = re.compile(r"[“\"「『‘《]([^”\"」』’》]{2,24})[”\"」』’》]")
_PERSON = re.compile(r"([\u4e00-\u9fff]{2,3})(?=同志|总理|主席|委员长|副主任|主任|部长|省长|市长)")
# A name after its title (国务院总理李克强所作的, 副主任李人俊同志, 刘庆峰等15位代表): up to the word that ends it.
_TITLED = re.compile(r"(?:总理|主席|委员长|主任|部长|省长|市长|县长|区长|镇长|乡长|厅长|局长|处长|院长|校长|行长|会长|社长|"
                     r"董事长|理事长|秘书长|书记|代表)"
                     r"([\u4e00-\u9fff]{2,3}?)(?=同志|所作|所做|作了|作的|等|和|、|，|,|。|$)"
                     r"|^([\u4e00-\u9fff]{2,3}?)(?=等\d+位|等[一二三四五六七八九十]+位)")
_CUE_BEFORE = re.compile(r"(?:由|是|为|指|即|称|设立|实行|建立|授权|交由|部署在|报请|报|向|经)$")
# An article label that opens a clause (第六条 …) is the law's numbering, never part of an answer.
_ARTICLE = re.compile(r"^第[一二三四五六七八九十百零〇\d]+条\s*")
_VERB_AFTER = re.compile(r"^(?:负责|组织|承担|决定|制定|发布|实施|主管|统一|会同|应当|可以|依法|每)")


# What kind of thing a fact question asks for: the noun after its question word (哪个机构, 什么仪式, 哪一职位).
_ASKED = re.compile(r"(?:哪一个|哪个|哪一|哪家|哪种|哪类|哪项|哪位|什么|何种|哪)([\u4e00-\u9fff]{1,3})")
_ORG_NOUNS = ("机构", "部门", "单位", "机关", "组织", "部", "局", "司", "委员会", "法院", "检察院", "企业", "公司", "银行",
              "中心", "团体", "政府", "主体", "处", "厅", "办")
_ORG_END = re.compile(r"(?:委员会|人民政府|政府|办公室|办公厅|部门|中心|局|厅|部|署|院|会|所|公署|机构|组织|法院|检察院|银行|司|"
                      r"公司|集团|小组|单位|机关|处|站|队|社|馆|校|大学)$")
_ASKED_ORG_EN = re.compile(r"\b(?:which|what)\s+(?:[a-z\-]+\s+){0,2}(?:bod(?:y|ies)|departments?|authorit(?:y|ies)|agenc(?:y|ies)|"
                           r"bureaus?|organs?|offices?|courts?|committees?|institutions?|organi[sz]ations?|ministr(?:y|ies)|"
                           r"units?|entit(?:y|ies)|compan(?:y|ies)|banks?|governments?|administrations?)\b", re.I)
_PERSON_NOUNS = ("人", "位", "总理", "领导", "同志", "官员")
_ASKED_PERSON_EN = re.compile(r"\b(?:which|what)\s+(?:[a-z\-']+\s+){0,3}(?:premier|vice-premier|minister|vice-minister|"
                              r"deputy|deputies|chairman|chairwoman|chairperson|president|leader|official|person|director|"
                              r"governor|mayor|secretary|spokesperson)s?\b", re.I)


_ASKED_ZH_NOUN_EN = re.compile(r"\b(?:which|what)\s+([\u4e00-\u9fff]{2,6})(?![\u4e00-\u9fff])", re.I)


def asked_kind(q: str) -> tuple[str, str]:
    """(kind, noun) a fact question asks for: ("org", 部门), ("person", 总理), ("noun", 仪式), or ("", "").

        >>> asked_kind("由哪个部门负责？"), asked_kind("举行什么仪式？"), asked_kind("谁签署证书？")
        (('org', '部门'), ('noun', '仪式'), ('who', ''))
        >>> asked_kind("which municipal department enforces the rules?"), asked_kind("delivered by which State Council premier?")
        (('org', ''), ('person', ''))
        >>> asked_kind("which 主管部门 approves the plan?"), asked_kind("what 仪式 is held?"), asked_kind("what 办法 applies?")
        (('org', ''), ('noun', '仪式'), ('noun', '办法'))
    """
    if _ASKED_PERSON_EN.search(q):
        return "person", ""
    if _ASKED_ORG_EN.search(q):
        return "org", ""
    m = _ASKED.search(q)
    if m is None and (mixed := _ASKED_ZH_NOUN_EN.search(q)):  # which 责任单位 …: the Chinese noun's own kind
        n = mixed.group(1)
        kind = next((k for k, nouns in (("org", _ORG_NOUNS), ("person", _PERSON_NOUNS))
                     for x in nouns if n.endswith(x)), "noun")  # 主管部门, 责任单位; not 办法 for 办
        return kind, n if kind == "noun" else ""
    if m is None:
        return ("who", "") if re.search(r"谁|\bwho\b|\bwhom\b", q) else ("", "")
    n = m.group(1)
    for org in _ORG_NOUNS:
        if n.startswith(org):
            return "org", org
    for per in _PERSON_NOUNS:
        if n.startswith(per):
            return "person", per
    return "noun", n[:2]


def _qchars(q: str) -> set[str]:
    return {q[i:i + 2] for i in range(len(q) - 1)}


def _share_in_q(t: str, qb: set[str]) -> float:
    bg = [t[i:i + 2] for i in range(len(t) - 1)]
    return sum(1 for b in bg if b in qb) / len(bg) if bg else 0.0


def phrases(f: str, q: str) -> list[tuple[int, int, str]]:
    """``(start, end, text)`` candidate phrases of one folded sentence for question ``q`` (folded)."""
    qb = _qchars(q)
    out: list[tuple[int, int, str]] = []
    for a, b in split_clauses(f):
        seg = f[a:b]
        # Cut the clause where a run of the question's wording starts or stops: what is left is new.
        covered = [False] * len(seg)
        for i in range(len(seg) - 1):
            if seg[i:i + 2] in qb:
                covered[i] = covered[i + 1] = True
        if any(covered):
            # Every maximal run the question's wording does not cover is what the clause adds.
            out.extend((a + i, a + j, seg[i:j]) for i, j in free_runs(covered) if j - i >= 2)
        for m in _ORG.finditer(seg):
            out.append((a + m.start(), a + m.end(), m.group(0)))
    for m in _QUOTED.finditer(f):
        out.append((m.start(1), m.end(1), m.group(1)))
    for m in _PERSON.finditer(f):
        out.append((m.start(1), m.end(1), m.group(1)))
    for m in _TITLED.finditer(f):
        g = 1 if m.group(1) else 2
        out.append((m.start(g), m.end(g), m.group(g)))
    for m in _DOC_NO.finditer(f):
        out.append((m.start(), m.end(), m.group(0)))
    seen: set[tuple[int, int]] = set()
    uniq = []
    for a, b, t in out:
        t2 = _ARTICLE.sub("", t.strip("，,。；;：:、 ")).strip("，,。；;：:、 ")
        if len(t2) < 2 or len(t2) > 40 or (a, b) in seen:
            continue
        seen.add((a, b))
        off = t.find(t2)
        uniq.append((a + off, a + off + len(t2), t2))
    return uniq


_LEAD = "由是为经向对在和与及将把按以的之"
# The drafting frame of a legal text, a poor answer: 之日起, 第十七条, 本条例 (a feature); spans that open with
# 以下简称 or 有下列 are dropped outright (_NEVER).
_FRAME = re.compile(r"^(?:下列|前款|本条|本款|本法|本条例|本规定|本办法|依照|之日起|第[一二三四五六七八九十百\d]+[条款项章节])"
                    r"|(?:之日起|情形之一|以下简称|规定的|的规定)$")
_NEVER = re.compile(r"(?:以下简称|以下称|下称|有下列|下列情形)")
# Spans that answer nothing: a bare article reference (第三十八条, 第五项, 第七章) or a function phrase (之日起); and spans
# whose first word is a conjunction (或者向, 并设立, 及其所属): in the 9,691 training candidates 41 such, none right
# (2026-12-06); 13 bare references, none right, 7 of them the first version's pick.
_REFERENCE = re.compile(r"^(?:第[一二三四五六七八九十百千零〇\d]+[条款项章节目](?:第[一二三四五六七八九十百\d]+[款项])?|之日起)$")
def is_reference(t: str) -> bool:
    """A bare article reference or function phrase, no answer to a fact question.

        >>> is_reference("第十七条"), is_reference("第三条第二款"), is_reference("第十七条规定的机关")
        (True, True, False)
    """
    return bool(_REFERENCE.match(t.strip()))


_CONJ = frozenset({"和", "及", "与", "或", "或者", "并", "并且", "及其", "以及", "而", "且"})
_PAIRS = ("《》", "（）", "()", "“”", "「」", "〈〉")


def unbalanced(t: str) -> bool:
    """A span that opens or closes a bracket or quote without its partner (》和证章, 《国徽法): cut mid-name.

        >>> unbalanced("》和证章"), unbalanced("《国徽法》"), unbalanced("市长")
        (True, False, False)
    """
    return any(t.count(o) != t.count(c) for o, c in _PAIRS)


def snap(f: str, a: int, b: int, bounds: frozenset[int], reach: int = 3) -> tuple[int, int]:
    """Widen ``[a, b)`` to the nearest word boundaries (at most ``reach`` characters each way) and drop one leading
    function word: 市数据资源主管部 → 市数据资源主管部门, 由市红十字会 → 市红十字会.

        >>> f = "由市数据资源主管部门统筹负责"
        >>> f[slice(*snap(f, 1, 9, frozenset({0, 2, 4, 6, 10, 12, 14})))]
        '市数据资源主管部门'
    """
    lo, hi = snap_bounds(a, b, bounds, reach)
    if lo < a and all(c in _LEAD for c in f[lo:a]):
        lo = a  # widening would only add a function word (jieba joins 由市)
    if hi - lo >= 3 and f[lo] in _LEAD and lo + 1 in bounds:
        lo += 1
    return lo, hi


class FactProposer:
    kind = "fact"

    def propose(self, ctx: Context) -> list[Candidate]:
        q = ctx.wording
        qb = _qchars(q)
        ask, noun = asked_kind(q)
        out: list[Candidate] = []
        for s in ctx.sents[:5]:
            f = s.folded
            rest_share = _share_in_q(f, qb)
            bounds = ctx.boundaries(f)
            # A span that cuts a word (主管部 of 主管部门, 民代表大会 of 人民代表大会) is replaced by the span widened
            # to the word boundaries: the cut one is never the answer as written.
            found = []
            gap_list = ctx.gaps(s)
            spans = phrases(f, q) + [(g.start, g.end, g.text) for g in gap_list]
            for a, b, t in spans:
                a2, b2 = snap(f, a, b, bounds)
                found.append((a2, b2, f[a2:b2]) if (a2, b2) != (a, b) else (a, b, t))
            found += _across_asides(f, found)
            starts = sorted(bounds)
            for a, b, t in dict.fromkeys(found):
                if _NEVER.match(t.lstrip("（(「“《〈 ")):
                    continue  # 以下简称北京中轴线 as written is no answer (asked for the short name, it is what follows)
                first = starts[i] if (i := bisect.bisect_right(starts, a)) < len(starts) else b
                if is_reference(t) or (a in bounds and f[a:min(first, b)] in _CONJ):
                    continue
                raw = s.text[a:b] if len(t) == b - a else _ASIDE_IN.sub("", s.text[a:b], count=1)
                gap = _gap_features(a, b, gap_list, bounds)
                out.append(Candidate("fact", s, s.start + a, s.start + b, raw, {
                    **gap,
                    "q_share": _share_in_q(t, qb),
                    "sent_q_share": rest_share,
                    "org": 1.0 if _ORG.fullmatch(t) else 0.0,
                    "quoted": 1.0 if a > 0 and f[a - 1] in "“\"「『‘《" else 0.0,
                    "person": 1.0 if (_PERSON.match(f[a:]) and b - a <= 3) or _is_titled(f, a, b) else 0.0,
                    "cue_before": 1.0 if _CUE_BEFORE.search(f[max(0, a - 4):a]) else 0.0,
                    "verb_after": 1.0 if _VERB_AFTER.search(f[b:b + 4]) else 0.0,
                    "clause_start": 1.0 if a == 0 or f[a - 1] in "，,；;：:。" else 0.0,
                    "clause_end": 1.0 if b >= len(f) or f[b] in "，,；;：:。、" else 0.0,
                    "prox": proximity(ctx, s, a, b),
                    "has_digit": 1.0 if re.search(r"\d", t) else 0.0,
                    "frame": 1.0 if _FRAME.search(t) else 0.0,
                    "unbalanced": 1.0 if unbalanced(t) else 0.0,
                    "doc_no_fit": 1.0 if _DOC_NO.fullmatch(t) and _ASKS_DOC_NO.search(q) else 0.0,
                    "word_start": 1.0 if a in bounds else 0.0,
                    "word_end": 1.0 if b in bounds else 0.0,
                    # the candidate is the kind of thing asked for: a body for 哪个部门, a name for 谁, 仪式 for 什么仪式
                    "ask_org_fit": 1.0 if ask in ("org", "who") and _ORG_END.search(t) else 0.0,
                    "ask_org_miss": 1.0 if ask == "org" and not _ORG_END.search(t) else 0.0,
                    "ask_person_fit": 1.0 if ask in ("person", "who") and (
                        (_PERSON.match(f[a:]) and b - a <= 3) or _is_titled(f, a, b)) else 0.0,
                    "ask_noun_fit": 1.0 if ask == "noun" and len(noun) == 2 and noun in t[-4:] else 0.0,
                    # the value of a label the question names: 配合单位：省粮储局 for "配合单位是哪个部门"
                    "label_fit": 1.0 if a >= 3 and f[a - 1] in ":：" and f[max(0, a - 5):a - 1][-2:] in q else 0.0,
                }))
        return out


# A name an aside interrupts: 郑州新郑综合保税区（以下简称综保区）管理委员会 names the 管理委员会, not the 保税区.
_ASIDE_IN = re.compile(ASIDE_HEAD + r"[^（）()]{1,12}[）)]")
_ASIDE_THEN_BODY = re.compile(_ASIDE_IN.pattern + r"([\u4e00-\u9fff]{0,6}?(?:管理委员会|委员会|管委会|办公室|领导小组|管理局|局|厅|"
                              r"中心|院|部|委|办))(?![长员会])")


def _across_asides(f: str, found: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Spans followed by an aside and the rest of a body's name, as that whole name without the aside.

        >>> f = "管委会与郑州新郑综合保税区（以下简称综保区）管理委员会实行一个机构"
        >>> a = f.index("郑州"); b = f.index("（")
        >>> _across_asides(f, [(a, b, f[a:b])])[0][2]
        '郑州新郑综合保税区管理委员会'
    """
    out = []
    for a, b, t in found:
        m = _ASIDE_THEN_BODY.match(f, b)
        if m:
            out.append((a, m.end(), t + m.group(1)))
    return out


def _gap_features(a: int, b: int, gap_list: list[Gap], bounds: frozenset[int]) -> dict[str, float]:
    """How well span ``[a, b)`` fills the question's gap in its sentence (``gap.py``): the same span (up to word
    boundaries), how much of the left context ends right before it, whether the right context starts right after."""
    if not gap_list:
        return {}
    out = {"gap_exact": 0.0, "gap_left": 0.0, "gap_right": 0.0, "gap_overlap": 0.0}
    for g in gap_list:
        ga, gb = snap_bounds(g.start, g.end, bounds)
        if (a, b) in ((g.start, g.end), (ga, gb)):
            out["gap_exact"] = 1.0
        if a in (g.start, ga):
            out["gap_left"] = max(out["gap_left"], g.left / 8.0)
        if b in (g.end, gb) and g.right:
            out["gap_right"] = 1.0
            # how much of the question's wording after the gap follows the span (为主导产业 vs 为主|题)
            out["gap_right_len"] = max(out.get("gap_right_len", 0.0), min(g.right, 8) / 8.0)
        inter = max(0, min(b, g.end) - max(a, g.start))
        out["gap_overlap"] = max(out["gap_overlap"], inter / max(b - a, g.end - g.start))
    return out


def snap_bounds(a: int, b: int, bounds: frozenset[int], reach: int = 3) -> tuple[int, int]:
    """``[a, b)`` widened to the nearest word boundaries within ``reach``."""
    lo = max((x for x in bounds if a - reach <= x <= a), default=a)
    hi = min((x for x in bounds if b <= x <= b + reach), default=b)
    return lo, hi


def _is_titled(f: str, a: int, b: int) -> bool:
    """``f[a:b]`` is a name that a title introduces (总理|李克强) or that opens a list of deputies (刘庆峰|等15位)."""
    return any(m.start(m.lastindex) == a and m.end(m.lastindex) == b for m in _TITLED.finditer(f))
