"""Answer extraction: from retrieved passages to a short answer with numbered citations.

Without an LLM the answer is extractive. Every sentence of the top passages is scored by how
much of the question's key terms (weighted by their rarity among those sentences) it holds,
with the question's region and year/period as qualifiers that may also be satisfied by the
document's metadata. Then a span is taken from the best sentences according to the question
type (``retrieval/qtype.py``): a figure with its unit for the metric asked, a region from the
document's metadata, a date, a list, or the shortest phrase that answers a "who / what name"
question. Weak evidence → ``Answer(abstained=True, answer=NOT_FOUND)``.

When an OpenAI-compatible endpoint is configured (``retrieval/llm.py``) its answer is used
if every ``[n]`` it cites is a given passage; otherwise the extractive answer stands.

Example (runnable; ``str.split``-style stand-ins for the project analyzer)::

    >>> from ingest.types import Chunk, DocMeta
    >>> from retrieval.types import Hit
    >>> text = "到2025年，全省技术合同成交额突破500亿元。"
    >>> hit = Hit(Chunk("d", 0, 0, len(text), text), "d.txt", DocMeta(region="黑龙江"), 1.0)
    >>> tok = lambda s: [s[i:i + 2] for i in range(len(s) - 1)]
    >>> a = extract_answer("到2025年技术合同成交额目标是多少?", [hit], tokenize=tok, normalize=str)
    >>> a.answer, a.citations[0].answer_span
    ('500亿元', (18, 23))
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from ingest.types import Chunk
from retrieval import qtype
from retrieval.qtype import PERIOD_YEARS, classify
from retrieval.sentences import fold, split_clauses, split_sentences
from retrieval.types import NOT_FOUND, Answer, Citation, Hit

Tokenize = Callable[[str], list[str]]
Normalize = Callable[[str], str]
DocText = Callable[[str], str]

# Question words carry no evidence: they are cut out of the question before it is tokenized.
_QWORDS = re.compile(
    r"哪个省份|哪个省|哪个城市|哪个市|哪些|哪几个|哪几|哪个|哪一天|哪天|哪一年|哪年|哪一|哪所|哪家|哪种|哪项|哪位|哪方面|哪|"
    r"多少|几个|几家|几项|第几|是什么|叫什么名字|叫什么|什么|是谁|谁|分别是|分别|是否|具体|请问|吗|呢|[?？]"
)
_EN_STOP = set(
    "what which who whom whose how many much the a an of in on at to for by did does do is are was were be been "
    "its it his her their there this that these those and or as per with from under according into than should "
    "would could will can has have had s 's plan plans give given make made newly total date when year years "
    "province provinces city one two three four five six seven eight nine ten names name corpus".split()
)
# Numbers in prose: 500亿元, 2.5%左右, 1,159家, 530亿元以上. Units are listed longest first.
_UNITS = ("个百分点|百分点|万元|亿元|美元|元|人次|万人|平方米|平方公里|公里|千米|家|项|个|名|位|人|件|台|套|所|座|种|篇|"
          "倍|%|‰|亩|吨|户|次|批|天|岁|支|条|款|部|届|场|份|株|只|头|年|月|日")
_NUM = re.compile(
    r"(?P<num>\d+(?:,\d{3})*(?:\.\d+)?)\s*(?P<mag>万亿|亿|万|千)?(?P<unit>" + _UNITS + r")?"
    r"(?P<qual>左右|以上|以下|以内|之内|多|余)?"
)
_ORDINAL = re.compile(r"第(?P<num>[一二三四五六七八九十\d]+)(?P<unit>名|位)?")
_MASK = re.compile(r"(?<![a-z])x{1,3}(?:l?x)?(?:多|余)?(?:万亿|亿|万|千)?(?:" + _UNITS + r")", re.I)
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)(?:年|—|–|-|~|至)|(十[一二三四五六]五)")
_DATE_RANGE = re.compile(r"(?:19|20)\d\d(?:年)?\s*[—–\-~～至到]\s*(?:19|20)\d\d年?")
_DATE_FULL = re.compile(r"(?:19|20)\d\d年\d{1,2}月\d{1,2}日|(?:19|20)\d\d-\d{1,2}-\d{1,2}|(?:19|20)\d\d/\d{1,2}/\d{1,2}"
                        r"|(?:19|20)\d\d\.\d{1,2}\.\d{1,2}")
_DATE_MD = re.compile(r"(?<![\d年])\d{1,2}月\d{1,2}日")
_DATE_YM = re.compile(r"(?:19|20)\d\d年\d{1,2}月(?!\d)")
_DATE_Y = re.compile(r"(?:19|20)\d\d年")
_TITLE_WORDS = "厅长|副厅长|院士|书记|副书记|市长|副市长|省长|副省长|主任|局长|部长|县长|区长|主席|教授|研究员|同志|专家|校长|董事长"
_ORG_SUFFIX = ("大学|学院|银行|研究所|研究院|科学院|实验室|局|厅|委员会|委|办公室|高新区|开发区|园区|示范区|公司|集团|中心|医院|"
               "所|院|部|署|站|基地")
# Weight of one uncovered English word relative to an average question term (see ``_score_sentences``).
MISSING_WEIGHT = 0.5
_EN_MONTHS = ("January February March April May June July August September October November December").split()


@dataclass(frozen=True)
class _Sent:
    hit: int  # index into hits
    start: int  # offsets in the chunk text
    end: int
    text: str
    folded: str
    coverage: float  # weighted share of key terms found (sentence, context, metadata)
    score: float


@dataclass(frozen=True)
class _Span:
    sent: _Sent
    start: int  # offsets in the chunk text
    end: int
    answer: str
    score: float
    english: str = ""
    conflict: bool = False  # a figure stated for another year than the question's
    titled: bool = False  # a person's name standing by a title (厅长 张三)


# ---------------------------------------------------------------------------------------------
# public entry point


def extract_answer(
    question: str,
    hits: Sequence[Hit],
    *,
    tokenize: Tokenize,
    normalize: Normalize,
    query_regions: Sequence[str] = (),
    abstain_threshold: float = 0.35,
    max_citations: int = 3,
    cite_ratio: float = 0.85,
    expansions: Sequence[str] = (),
    use_llm: bool | None = None,
    doc_text: DocText | None = None,
    uncovered: Sequence[str] | None = None,
) -> Answer:
    """Answer ``question`` from ``hits`` (best first) — extractively, or with the configured LLM.

    ``expansions`` are Chinese terms the retrieval layer derived from an English question; they
    count like the question's own terms. ``query_regions`` are regions the query analysis found
    (short forms); regions named in the question are added. ``use_llm``: None = when configured.
    ``doc_text`` maps a ``doc_id`` to the document's stored text: with it the extractor also reads
    beyond the retrieved passages — sentences of the retrieved documents that hold a figure or a
    quoted phrase of the question, the text right after the best passage (label lines such as
    ``配合单位：…``) and the document head (issue dates).
    ``uncovered`` are English content words of the question that have no Chinese expansion
    (``QueryAnalysis.uncovered``); None = derive them when ``expansions`` show a lexicon in use.
    They count as question terms no sentence holds, which lowers the confidence.
    """
    if not isinstance(question, str) or not question.strip():
        raise ValueError("extract_answer: the question is empty")
    hits = tuple(hits)
    if uncovered is None:
        uncovered = _uncovered(question) if expansions else ()
    extractive = _extractive(question, hits, tokenize, normalize, query_regions, abstain_threshold,
                             (max_citations, cite_ratio), tuple(expansions), doc_text, tuple(uncovered))
    if use_llm is False or not hits:
        return extractive
    from retrieval import llm  # noqa: PLC0415 - only when an endpoint may be configured

    cfg = llm.config_from_env()
    if cfg is None:
        return extractive
    return llm.answer_with_llm(question, hits, cfg, fallback=extractive) or extractive


# ---------------------------------------------------------------------------------------------
# the extractive path


def _uncovered(question: str) -> tuple[str, ...]:
    if not re.search(r"[A-Za-z]{3}", question):
        return ()
    from retrieval.query import analyze_query  # noqa: PLC0415 - only for English words; the lexicon is cached

    return analyze_query(question).uncovered


def _extractive(question, hits, tokenize, normalize, query_regions, threshold, cite: tuple[int, float], expansions,
                doc_text=None, uncovered: tuple[str, ...] = ()) -> Answer:
    qt = classify(question)
    english = qtype.is_english(question)
    if not hits:
        return _abstain(question, qt, hits)
    orig = hits
    n_scored = len(hits)
    if doc_text is not None:
        hits = hits + _anchor_hits(question, hits, doc_text)
        n_scored = len(hits)
        hits = hits + _context_hits(hits[:3], doc_text)
    regions = tuple(dict.fromkeys([*qtype.question_regions(question), *(fold(r) for r in query_regions)]))
    if qt == "which-region":
        regions = ()  # the region is what is asked, not a qualifier
    periods = qtype.question_periods(question)
    terms = _key_terms(question, expansions, tokenize, normalize, regions, periods, hits, uncovered)
    want = qtype.asked_count(question) if qt == "list" else None
    sents = _score_sentences(hits[:n_scored], terms, regions, periods, tokenize, normalize, qt, want,
                             _anchors(question))
    if not sents:
        return _abstain(question, qt, orig)
    sents.sort(key=lambda s: -s.score)
    top = sents[:8]

    span: _Span | None = None
    masked = False
    if qt == "number":
        span, masked = _number_span(question, top, terms, periods, hits)
    elif qt == "date":
        span = _date_span(question, top, hits)
    elif qt == "which-region":
        span = _region_span(question, top, hits, english)
    elif qt == "list":
        span = _list_span(question, top, terms, hits, english)
    elif qt == "which-doc":
        s = top[0]
        h = hits[s.hit]
        span = _Span(s, s.start, s.end, h.meta.title or h.doc_name, s.score)
    if span is None and qt in ("fact", "list"):
        span = _fact_span(question, top, terms, hits)
    if span is None or masked:
        return _abstain(question, qt, orig, confidence=0.2 if masked else 0.1, supporting=top[0].text)

    best = span.sent
    rank_prior = 1.0 / (1 + 0.3 * span.sent.hit)
    confidence = max(0.0, min(1.0, 0.75 * best.coverage + 0.15 * rank_prior + 0.1 * min(1.0, span.score)))
    h = hits[best.hit]
    if regions and h.meta.region and not _region_named(regions, h, best.folded, fold(h.chunk.text),
                                                        fold(h.meta.title + " " + " ".join(h.chunk.section))):
        # The question is about another region than the document that would answer it.
        return _abstain(question, qt, orig, confidence=min(confidence, 0.2), supporting=best.text)
    if span.conflict:
        # The figure found is stated for another year/period than the one asked.
        return _abstain(question, qt, orig, confidence=min(confidence, 0.25), supporting=best.text)
    if uncovered and qt == "number" and _counted_uncovered(question, uncovered, hits):
        # "How many Nobel laureates …": the very thing counted has no Chinese form in any passage.
        confidence = min(confidence, 0.5 * confidence, threshold - 0.01)
    if confidence < threshold:
        return _abstain(question, qt, orig, confidence=confidence, supporting=best.text)
    answer = span.answer.strip()
    if english and span.english and span.english not in answer:
        answer = f"{answer} ({span.english})"
    if len(answer) > 100:
        answer = answer[:100]
    cites = _citations(span, top, hits, *cite)  # (max_citations, cite_ratio)
    return Answer(question=question, answer=answer, answer_type=qt, abstained=False, confidence=confidence,
                  supporting=best.text, citations=cites, hits=orig, method="extractive", english=span.english)


def _counted_uncovered(question: str, uncovered: tuple[str, ...], hits) -> bool:
    """Whether the noun a "how many / how much" question counts is one of its uncovered English words."""
    m = re.search(r"\bhow (?:many|much)\s+((?:[A-Za-z][\w'’-]*\s*){1,3})", question, re.I)
    if not m:
        return False
    pool = fold(" ".join(h.chunk.text for h in hits))
    head = {w.lower() for w in re.findall(r"[A-Za-z][\w'’-]*", m.group(1))}
    return any(w.lower() in head and w.lower() not in pool for w in uncovered)


_QUOTED = re.compile(r"[“\"「『‘]([^”\"」』’]{4,30})[”\"」』’]")


def _anchors(question: str) -> list[str]:
    """Literal strings of the question worth finding verbatim: figures of 3+ digits and quoted Chinese phrases."""
    q = re.sub(r"(?<=\d),(?=\d{3})", "", fold(question))
    out = [m.group(0) for m in re.finditer(r"(?<![\d.])\d{3,}(?:\.\d+)?(?![\d])", q)
           if not re.fullmatch(r"(19|20)\d\d", m.group(0))]
    out += [m.group(1) for m in _QUOTED.finditer(q) if re.search(r"[\u4e00-\u9fff]{2}", m.group(1))]
    return out


def _anchor_rx(anc: str) -> str:
    # Figures may be written with thousands separators (3,178) in the document.
    return r"(?<![\d.,])" + ",?".join(map(re.escape, anc)) + r"(?!\d)" if anc[0].isdigit() else re.escape(anc)


def _has_anchor(f: str, anc: str) -> bool:
    return re.search(_anchor_rx(anc), f) is not None


def _anchor_hits(question: str, hits: tuple[Hit, ...], doc_text: DocText) -> tuple[Hit, ...]:
    """Passages of the retrieved documents that hold an anchor of the question but were not retrieved."""
    anchors = _anchors(question)
    if not anchors:
        return ()
    out: list[Hit] = []
    seen: set[str] = set()
    for h in hits[:10]:
        doc_id = h.chunk.doc_id
        if doc_id in seen:
            continue
        seen.add(doc_id)
        try:
            text = doc_text(doc_id)
        except Exception:  # noqa: BLE001 - a missing document only means no extra context
            continue
        if not text:
            continue
        ftext = fold(text)
        for anc in anchors:
            for m in re.finditer(_anchor_rx(anc), ftext):
                pos = m.start()
                if any(x.chunk.doc_id == doc_id and x.chunk.start <= pos < x.chunk.end for x in (*hits, *out)):
                    continue
                a = max(0, pos - 200)
                b = min(len(text), m.end() + 200)
                spans = [(x + a, y + a) for x, y in split_sentences(text[a:b])]
                inside = [k for k, (x, y) in enumerate(spans) if x <= pos < y]
                if not inside:
                    continue
                k = inside[0]
                lo, hi = spans[max(0, k - 1)][0], spans[min(len(spans) - 1, k + 1)][1]
                if k == 0 and a > 0:
                    lo = spans[k][0]
                chunk = Chunk(doc_id, -1, lo, hi, text[lo:hi], h.chunk.section)
                out.append(Hit(chunk=chunk, doc_name=h.doc_name, meta=h.meta, score=hits[-1].score,
                               scores={"anchor": 1.0}, rank=len(hits) + len(out) + 1))
                if len(out) >= 3:
                    return tuple(out)
    return tuple(out)


def _context_hits(hits: tuple[Hit, ...], doc_text: DocText) -> tuple[Hit, ...]:
    """The text right after each of the best passages (ordinal -2) and the head of the best document (-3)."""
    out: list[Hit] = []
    for j, h in enumerate(hits):
        try:
            text = doc_text(h.chunk.doc_id)
        except Exception:  # noqa: BLE001
            continue
        if not text:
            continue
        a, b = h.chunk.end, min(len(text), h.chunk.end + 300)
        if b - a > 5:
            out.append(replace(h, chunk=Chunk(h.chunk.doc_id, -2, a, b, text[a:b], h.chunk.section)))
        if j == 0 and h.chunk.start > 0:
            out.append(replace(h, chunk=Chunk(h.chunk.doc_id, -3, 0, min(len(text), 500),
                                              text[: min(len(text), 500)], ())))
    return tuple(out)


def _abstain(question, qt, hits, confidence: float = 0.0, supporting: str = "") -> Answer:
    cites = tuple(Citation(n=i + 1, hit=h) for i, h in enumerate(hits[:3]))
    return Answer(question=question, answer=NOT_FOUND, answer_type=qt, abstained=True, confidence=confidence,
                  supporting=supporting, citations=cites, hits=tuple(hits))


# ---- key terms and sentence scoring ------------------------------------------------------------


@dataclass(frozen=True)
class _Terms:
    weights: dict[str, float]  # normalized term → weight
    missing: int = 0  # English content words with no Chinese form that no passage holds


def _key_terms(question, expansions, tokenize, normalize, regions, periods, hits, uncovered=()) -> _Terms:
    q = _QWORDS.sub("，", fold(question))
    q = re.sub(r"(?<=\d),(?=\d{3})", "", q)
    toks = [t for t in tokenize(normalize(q))]
    for e in expansions:
        toks.extend(tokenize(normalize(e)))
    pool = fold(" ".join(h.chunk.text + " " + h.meta.title for h in hits))
    qualifiers = {fold(r) for r in regions} | set(periods)
    out: dict[str, float] = {}
    for t in toks:
        t = fold(t).strip()
        if not t or not re.search(r"\w", t) or t in _EN_STOP:
            continue
        if t in qualifiers or any(t in r for r in qualifiers if len(t) >= 2 and not t.isdigit()):
            continue  # scored separately as qualifiers
        if re.fullmatch(r"(19|20)\d\d年?", t) and t[:4] in periods:
            continue
        if re.fullmatch(r"[a-z][a-z\-']*", t) and t not in pool:
            continue  # English words that no passage contains (the expansions carry their meaning)
        out[t] = 1.0
    missing = sum(1 for w in uncovered if w.lower() not in pool)
    return _Terms(out, missing)


def _score_sentences(hits, terms: _Terms, regions, periods, tokenize, normalize, qt, want=None,
                     anchors: Sequence[str] = ()) -> list[_Sent]:
    raw: list[tuple[int, int, int, str, str, set[str]]] = []
    for i, h in enumerate(hits):
        text = h.chunk.text
        for a, b in split_sentences(text):
            s = text[a:b]
            if not re.search(r"\w", s):
                continue
            f = fold(s)
            raw.append((i, a, b, s, f, set(fold(t) for t in tokenize(normalize(s)))))
    if not raw:
        return []
    n = len(raw)
    weights: dict[str, float] = {}
    for t in terms.weights:
        df = sum(1 for r in raw if t in r[5] or t in r[4])
        idf = math.log((n + 1) / (max(df, 1) + 0.5)) + 0.5
        length = 1.0 if len(t) >= 2 else 0.4
        weights[t] = idf * length
    total_terms = sum(weights.values())
    q_weight = 0.0
    # Qualifiers (region, period) are each worth as much as a strong term.
    qual_w = max([*weights.values(), 1.0]) * 1.2
    q_weight = qual_w * (len(regions) + (1 if periods else 0))
    # An uncovered English word weighs like an average term that no sentence can hold.
    miss_w = MISSING_WEIGHT * (total_terms / len(weights) if weights else 1.0) * terms.missing
    denom = total_terms + q_weight + miss_w or 1.0

    by_hit: dict[int, list[int]] = {}
    for k, r in enumerate(raw):
        by_hit.setdefault(r[0], []).append(k)
    out: list[_Sent] = []
    for k, (i, a, b, s, f, toks) in enumerate(raw):
        h = hits[i]
        siblings = by_hit[i]
        pos = siblings.index(k)
        context = " ".join(raw[j][4] for j in siblings[max(0, pos - 2) : pos])  # preceding sentences
        title = fold(h.meta.title + " " + " ".join(h.chunk.section))
        got = 0.0
        for t, w in weights.items():
            if t in toks or t in f:
                got += w
            elif t in context or t in title:
                got += 0.4 * w
        for r in regions:
            meta_regions = {fold(h.meta.region), fold(h.meta.city)}
            if r in f:
                got += qual_w
            elif r in meta_regions or r in title:
                got += 0.8 * qual_w
            elif r in context:
                got += 0.5 * qual_w
        if periods:
            got += qual_w * _period_match(periods, f, context, title)
        coverage = got / denom
        if regions and h.meta.region and not _region_named(regions, h, f, context, title):
            coverage *= 0.4  # the question names another region than this document's
        bonus = 0.0
        if qt == "number" and any(_num_ok(m) for m in _NUM.finditer(f)):
            bonus += 0.08
        if qt == "date" and (_DATE_FULL.search(f) or _DATE_RANGE.search(f) or _DATE_MD.search(f)):
            bonus += 0.08
        if qt == "list" and "、" in f:
            bonus += 0.05
        if qt == "list" and want and any(len(c[2]) == want for c in _list_candidates(s)):
            bonus += 0.1
        if anchors and any(_has_anchor(f, x) for x in anchors):
            bonus += 0.3  # the sentence states the very figure / quoted phrase the question names
        if len(s) < 6:
            bonus -= 0.1
        # Long run-on sentences collect terms by chance: a mild length penalty.
        bonus -= 0.06 * max(0.0, math.log2(len(s) / 80))
        score = coverage + bonus + 0.04 / (1 + i)
        out.append(_Sent(i, a, b, s, f, coverage, score))
    return out


def _region_named(regions, h: Hit, f: str, context: str, title: str) -> bool:
    meta = {fold(h.meta.region), fold(h.meta.city)} - {""}
    return any(r in meta or r in f or r in context or r in title for r in regions)


def _period_match(periods, f: str, context: str, title: str) -> float:
    """1 when the sentence names the question's year/period, less when only its context does."""
    def names(text: str) -> bool:
        for p in periods:
            if p in text:
                return True
            if p.isdigit():
                for per, yrs in PERIOD_YEARS.items():
                    if int(p) == yrs[-1] and per in text:
                        return True
            elif p in PERIOD_YEARS and str(PERIOD_YEARS[p][-1]) + "年" in text:
                return True
        return False

    if names(f):
        return 1.0
    if names(context):
        return 0.6
    if names(title):
        return 0.5
    return 0.0


def _num_ok(m: re.Match) -> bool:
    unit = m.group("unit") or ""
    if unit in ("年", "月", "日"):
        return False
    return bool(unit or m.group("mag"))


# ---- number questions ----------------------------------------------------------------------------


def _expected_unit(question: str) -> tuple[str, str]:
    """(category, classifier) a number question asks for: money | percent | ordinal | count | any."""
    q = fold(question)
    m = re.search(r"(?:多少|几)(万亿|亿|万)?(元|家|项|个|名|位|人次|人|件|台|套|所|座|种|篇|倍|亩|吨|户|次|批)", q)
    if m:
        unit = m.group(2)
        if unit == "元":
            return "money", "元"
        if unit == "倍":
            return "ratio", "倍"
        return "count", unit
    if re.search(r"第几|排第|排名|\brank", q):
        return "ordinal", ""
    # 同比/环比 (year-on-year, period-on-period) changes are always stated as rates.
    if re.search(r"比重|占比|强度|比例|增幅|增速|增长率|同比|环比|百分之|%|share|percentage|proportion|intensity|\brate\b"
                 r"|year[- ]on[- ]year", q):
        return "percent", ""
    if re.search(r"增长|提高|下降|减少|增加|grow|increase|decrease|rise", q):
        return "any", ""  # a change can be stated as an amount or as a rate
    if re.search(r"金额|资金|经费|成交额|交易额|产值|增加值|收入|投资|投入|营收|value|how much|amount|yuan|investment", q):
        return "money", ""
    if re.search(r"how many|多少|几", q):
        return "count", ""
    return "any", ""


def _category(m: re.Match) -> str:
    unit = m.group("unit") or ""
    if unit.endswith("元"):
        return "money"
    if unit in ("%", "‰", "个百分点", "百分点"):
        return "percent"
    if unit == "倍":
        return "ratio"
    if unit in ("年", "月", "日"):
        return "date"
    if unit:
        return "count"
    return "money" if m.group("mag") in ("亿", "万亿") else "bare"


def _number_span(question, top: list[_Sent], terms: _Terms, periods, hits) -> tuple[_Span | None, bool]:
    cat, classifier = _expected_unit(question)
    qf = fold(question)
    best: _Span | None = None
    best_top = top[0].score
    masked_hit = False
    # Figures the question states are its conditions ("help 195 employers bring in how many …"), not the answer.
    given = {n.replace(",", "") for n in re.findall(r"\d[\d,]*(?:\.\d+)?", qf)}
    quals = _question_qualifiers(qf)
    for s in top[:6]:
        if s.score < best_top - 0.25:
            break
        f = s.folded
        term_pos = _term_positions(f, terms)
        cands: list[tuple[int, int, str, float]] = []
        for m in _NUM.finditer(f):
            c = _category(m)
            if c == "date" or c == "bare" and cat not in ("any", "count"):
                continue
            if re.fullmatch(r"(19|20)\d\d", m.group("num")) and not m.group("unit"):
                continue  # a bare year
            if f[m.end() : m.end() + 1] == "年" or f[max(0, m.start() - 1) : m.start()] in ("第",):
                continue
            if not (m.group("unit") or m.group("mag")) and f[m.end() : m.end() + 1] in (".", "、", ")", "）"):
                continue  # an enumeration mark ("3.冰雪产业技术"), not a figure
            if cat not in ("any",) and c != cat:
                continue
            if m.group("num").replace(",", "") in given:
                continue
            fit = 0.0
            if classifier and (m.group("unit") or "").endswith(classifier):
                fit += 0.3
            elif classifier and cat == "count":
                fit -= 0.3
            end = m.end()
            cands.append((m.start(), end, s.text[m.start() : end], fit))
        if cat == "ordinal":
            for m in _ORDINAL.finditer(f):
                cands.append((m.start(), m.end(), s.text[m.start() : m.end()], 0.2))
        for a, b, txt, fit in cands:
            qual = _qualifier_fit(f, a, b, quals)
            if qual is None:
                continue  # 省级重点实验室20家 does not answer a question about 国家重点实验室
            fit += qual
            prox = _proximity(a, b, term_pos, f)
            per = _governing_period_score(f, a, periods, hits[s.hit].chunk.text, s.start)
            score = s.score + 0.5 * prox + fit + per + _context_fit(f, a, b, qf) + _attach_fit(f, a, b, terms, qf)
            if best is None or score > best.score:
                best = _Span(s, s.start + a, s.start + b, txt, score, _english_number(txt), conflict=per <= -0.4)
        # A masked figure ("X亿元") next to the metric in the best sentence: the text hides the answer.
        if s is top[0] and cat in ("money", "count", "percent", "any"):
            for m in _MASK.finditer(f):
                if _proximity(m.start(), m.end(), term_pos, f) > 0.3:
                    masked_hit = True
    if best is not None and best.sent is not top[0] and masked_hit and best.sent.score < top[0].score - 0.05:
        return None, True
    if best is None:
        return None, masked_hit
    if masked_hit and best.sent is top[0]:
        masked_hit = False
    return best, masked_hit and best.sent is not top[0]


# Administrative level of a counted thing: 国家重点实验室 vs 省级重点实验室 vs 市级….
_LEVEL_ZH = r"国家级|国家|全国|省级|省|市级|市|县级|县"
_LEVEL_EN = {"national": "国家", "state": "国家", "provincial": "省", "municipal": "市", "city": "市", "county": "县"}
_LEVEL_NOUN = re.compile(rf"({_LEVEL_ZH})((?:重点|工程|技术|创新|研究|实验|产业|科技|企业|农业|高新|制造业|孵化)"
                         r"[\u4e00-\u9fff]{0,8}?(?:实验室|中心|基地|园区|平台|企业|研究院|孵化器|众创空间|园|区))")
_LEVEL_EN_RX = re.compile(r"\b(national|state|provincial|municipal|city|county)[- ]level\b|"
                          r"\b(national|state|provincial|municipal|county)\b\s*([\u4e00-\u9fff]{2,12})", re.I)


_LEVEL_KIND = re.compile(r"(?:实验室|中心|基地|园区|平台|企业|研究院|孵化器|众创空间|园|区)$")


def _level(word: str) -> str:
    return {"国家级": "国家", "全国": "国家", "省级": "省", "市级": "市", "县级": "县"}.get(word, word)


def _question_qualifiers(q: str) -> tuple[tuple[str, str], ...]:
    """(level, noun) pairs the question names: 国家重点实验室 → ("国家", "重点实验室").

    The noun is what the level qualifies; a figure stated for the same noun at another level is another metric.
    """
    out = [(_level(m.group(1)), m.group(2)) for m in _LEVEL_NOUN.finditer(q)]
    for m in _LEVEL_EN_RX.finditer(q):
        if m.group(3):  # "provincial 重点实验室" in a mixed question
            noun = _LEVEL_NOUN.match("省" + m.group(3))
            if noun:
                out.append((_LEVEL_EN[m.group(2).lower()], noun.group(2)))
    return tuple(dict.fromkeys(out))


def _qualifier_fit(f: str, a: int, b: int, quals) -> float | None:
    """None when the figure counts the asked kind of thing at another level; a bonus when at the asked level.

    The figure's metric is the nearest mention of the same kind (…实验室) in its clause, before it
    (省级重点实验室(含省实验室)数量倍增,到达210个以上) or right after it (新建20家省重点实验室).
    """
    if not quals:
        return 0.0
    lo = max(f.rfind(c, 0, a) for c in "；;。") + 1
    his = [i for i in (f.find(c, b) for c in "；;。") if i >= 0]
    hi = min(his) if his else len(f)
    fit = 0.0
    for level, noun in quals:
        kind = _LEVEL_KIND.search(noun)
        if kind is None:
            continue
        best = None
        for m in re.finditer(re.escape(kind.group(0)), f[lo:hi]):
            s0 = lo + m.start()
            d = a - s0 if s0 < a else 2 * (s0 - b)
            if best is None or d < best[0]:
                pre = re.search(rf"(?<![全我本各该])({_LEVEL_ZH})[\u4e00-\u9fff]{{0,6}}$", f[max(lo, s0 - 9):s0])
                best = (d, _level(pre.group(1)) if pre else "")
        if best is None or not best[1]:
            continue
        if best[1] != level:
            return None
        fit += 0.3
    return fit


def _term_positions(f: str, terms: _Terms) -> list[tuple[int, int, float]]:
    out = []
    for t, w in terms.weights.items():
        if len(t) < 2:
            continue
        for m in re.finditer(re.escape(t), f):
            out.append((m.start(), m.end(), w * (1.0 + 0.3 * min(len(t), 6))))
    return out


def _proximity(a: int, b: int, term_pos: list[tuple[int, int, float]], f: str = "") -> float:
    """How close a span sits to the question's terms: same clause counts most (numbers follow their metric)."""
    if not term_pos:
        return 0.0
    lo = max((f.rfind(c, 0, a) for c in "，,；;：:"), default=-1) + 1 if f else 0
    his = [i for i in (f.find(c, b) for c in "，,；;：:") if i >= 0] if f else []
    hi = min(his) if his else len(f)
    best: dict[tuple[int, int], float] = {}
    total: dict[int, float] = {}
    for s, e, w in term_pos:
        key = (s, e)
        total[s] = max(total.get(s, 0.0), w)
        if e <= a:
            d = a - e
            same = s >= lo
        elif s >= b:
            d = 2.5 * (s - b)
            same = e <= hi
        else:
            d, same = 0, True
        c = w * (1.0 if same else 0.35) * math.exp(-d / 25.0)
        best[key] = max(best.get(key, 0.0), c)
    denom = sum(total.values()) or 1.0
    return min(1.0, 1.5 * sum(best.values()) / denom)


_TARGET_WORDS = re.compile(r"目标|计划|预期|预计|力争|任务|target|goal|plan|aim")
_RESPECTIVELY = re.compile(r"分别(?:为|是|达到?|增长|下降|提高|比[^，,；;。]{0,12}?(?:增长|下降|提高|减少))")


def _attach_fit(f: str, a: int, b: int, terms: _Terms, q: str) -> float:
    """How a figure is tied to the metric the question asks about.

    * ``科技型中小企业16032家`` — a question term right before the figure (allowing 达/为/突破…)
      is the strongest cue: the figure belongs to that metric.
    * ``(年度目标分别为4000家、10000家)`` — figures inside a parenthetical that states a target are
      not the actual value unless the question asks for the target.
    * ``A…、B…分别为x、y`` — figures of a 分别 enumeration map positionally onto the metrics
      enumerated before it; the one whose metric is a question term wins.
    """
    fit = 0.0
    asks_target = bool(_TARGET_WORDS.search(q))
    head = re.sub(r"(?:达到|达|为|突破|超过|约|共|计|累计|新增|增加|净增|增长|总数|合计)$", "", f[max(0, a - 16):a])
    head = re.sub(r"(?:达到|达|为|突破|超过|约|共|计|累计)$", "", head)
    # A count noun between metric and figure still ties them: 外国专家人选达46名, 企业数量为120家.
    head = re.sub(r"(?:人选|人数|数量|总数|总量|个数|家数|规模)$", "", head)
    # Longest stretch of the question's own wording that ends right at the figure (tokenizer-independent).
    k = 0
    while k < len(head) and re.match(r"[\u4e00-\u9fffa-z&]", head[-(k + 1)]) and head[-(k + 1):] in q:
        k += 1
    # …or a key term (expansions of an English question count) that ends right there.
    k = max([k, *(len(t) for t in terms.weights if len(t) >= 2 and not t.isdigit() and head.endswith(t))])
    if k >= 2:
        fit += 0.1 + 0.05 * min(k, 6)
    if asks_target and _TARGET_WORDS.search(f) and not _TARGET_WORDS.search(f[max(0, a - 30):a]):
        fit -= 0.2  # the sentence states a target elsewhere: this figure is the actual value
    # Inside an open parenthesis?
    open_at = max(f.rfind("(", 0, a), f.rfind("（", 0, a))
    close_at = max(f.rfind(")", 0, a), f.rfind("）", 0, a))
    if open_at > close_at:
        paren = f[open_at:a]
        if _TARGET_WORDS.search(paren):
            fit += 0.1 if asks_target else -0.45
        else:
            fit -= 0.1
    # Positional mapping of 分别 enumerations.
    lo = max(f.rfind(c, 0, a) for c in "；;。")
    m = None
    for m2 in _RESPECTIVELY.finditer(f, lo + 1, a):
        m = m2
    if m is not None and not re.search(r"[，,；;]", f[m.end():a]):
        items = [x for x in re.split(r"[、和]", f[m.end():]) if x]
        idx = len(re.findall(r"[、和]", f[m.end():a]))
        before = f[lo + 1:m.start()]
        cut = max(before.rfind("("), before.rfind("（"))
        before = (before[:cut] if cut >= 0 else before).rstrip("，, ")
        heads = [x for x in re.split(r"[、，,]", before) if x.strip()]
        n = min(len(items), len(heads))
        if n >= 2 and idx < n:
            heads = heads[len(heads) - n:]
            # Which enumerated metric matches the question best (longest matching terms)?
            match = [sum(len(t) for t in terms.weights if len(t) >= 2 and not t.isdigit() and t in h) for h in heads]
            if match[idx] == max(match) and match.count(max(match)) == 1:
                fit += 0.3
            else:
                fit -= 0.2
    return fit


_RATE_WORDS = ("比重", "占比", "强度", "比例", "增幅", "增速", "增长", "率")


def _context_fit(f: str, a: int, b: int, q: str) -> float:
    """Local cues: 从75项增加到100项 → the figure after 到; 占GDP比重达2.9% vs 增长13% for a share question."""
    fit = 0.0
    before = f[max(0, a - 3) : a]
    lo = max((f.rfind(c, 0, a) for c in "，,；;：:"), default=-1) + 1
    clause_before = f[lo:a]
    if re.search(r"[从由]$|[从由]\S?$", before) and re.search(r"[到至为成]", f[b : b + 8]):
        fit -= 0.35
    if re.search(r"(到|至|为|成|达|达到|突破|超过)$", before):
        fit += 0.05
    asked = [w for w in _RATE_WORDS if w in q]
    if asked:
        if any(w in clause_before for w in asked):
            fit += 0.25
        elif any(w in clause_before for w in _RATE_WORDS):
            fit -= 0.2
    return fit


def _governing_period_score(f: str, a: int, periods, chunk_text: str, sent_start: int) -> float:
    """Prefer a figure under the year/period the question names; penalise one under another year."""
    if not periods:
        return 0.0
    last = None
    for m in _YEAR.finditer(f[:a]):
        last = m.group(1) or m.group(2)
    weight = 0.35
    if last is None:
        prev = fold(chunk_text[max(0, sent_start - 200) : sent_start])
        for m in _YEAR.finditer(prev):
            last = m.group(1) or m.group(2)
        weight = 0.15
        if last is None:
            return 0.0
    for p in periods:
        if p == last:
            return weight
        if p.isdigit() and last in PERIOD_YEARS and int(p) in PERIOD_YEARS[last] and int(p) == PERIOD_YEARS[last][-1]:
            return weight * 0.8
        if p in PERIOD_YEARS and last.isdigit() and int(last) == PERIOD_YEARS[p][-1]:
            return weight * 0.8
    if weight < 0.35 and _all_after(last, periods):
        # The passage sets out a plan period that starts after every year asked: a target for the
        # future is no figure for a past year (山西2020年… vs “十四五”目标 530亿元).
        return -0.45
    return -weight * 1.2


def _all_after(period: str, asked) -> bool:
    start = PERIOD_YEARS[period][0] if period in PERIOD_YEARS else None
    if start is None:
        return False
    years = [int(p) for p in asked if p.isdigit()]
    return bool(years) and len(years) == len(asked) and all(y < start for y in years)


def _english_number(txt: str) -> str:
    f = fold(txt)
    m = _NUM.match(f)
    if not m:
        m2 = _ORDINAL.match(f)
        if m2:
            n = qtype.cn_int(m2.group("num"))
            return f"No. {n}" if n else ""
        return ""
    num = float(m.group("num").replace(",", ""))
    mag = {"万亿": 1e12, "亿": 1e8, "万": 1e4, "千": 1e3}.get(m.group("mag") or "", 1)
    unit = m.group("unit") or ""
    qual = {"左右": "about ", "以上": "over ", "以下": "under ", "以内": "within ", "多": "over ", "余": "over "}.get(
        m.group("qual") or "", "")
    value = num * mag
    if unit.endswith("元"):
        if unit == "万元":
            value *= 1e4
        elif unit == "亿元":
            value *= 1e8
        cur = "US dollars" if unit == "美元" else "yuan"
        return f"{qual}{_big(value)} {cur}"
    if unit in ("%", "‰"):
        return f"{qual}{m.group('num')}{unit}"
    if unit in ("个百分点", "百分点"):
        return f"{qual}{m.group('num')} percentage points"
    return f"{qual}{_big(value)}"


def _big(v: float) -> str:
    for div, word in ((1e12, "trillion"), (1e9, "billion"), (1e6, "million")):
        if v >= div:
            x = v / div
            return f"{x:.4f}".rstrip("0").rstrip(".") + f" {word}"
    return f"{v:,.2f}".rstrip("0").rstrip(".")


# ---- dates ---------------------------------------------------------------------------------------


_PUBLISH_Q = re.compile(r"发布|印发|发文|成文|签发|刊发|刊登|公布|published|issued|released?|publication|posted")
_PUBLISH_VERB = re.compile(r"发布|印发|发文|成文|签发|刊发|刊登|公布|发表")


def _date_span(question, top: list[_Sent], hits) -> _Span | None:
    q = fold(question)
    wants_range = bool(re.search(r"起止|起讫|从哪年|期限|哪几年|年限|period|from .* to", q))
    wants_issue = bool(re.search(r"发布|印发|发文|成文|签发|哪天|哪一天|日期|published|issued|release|dated|date", q))
    # "When was it published/issued": the document's own date (header line, metadata), not a date the text
    # mentions (a meeting held on 3月30日) — unless that date's clause itself says it was issued.
    publication = bool(_PUBLISH_Q.search(q)) and not re.search(r"召开|举行|举办|开幕|held|convened|took place", q)
    best: _Span | None = None
    for s in top[:6]:
        f = s.folded
        for rx, fit in ((_DATE_RANGE, 0.5 if wants_range else -0.1), (_DATE_FULL, 0.4), (_DATE_MD, 0.25),
                        (_DATE_YM, 0.1), (_DATE_Y, -0.2)):
            for m in rx.finditer(f):
                if best is not None and _overlaps(best, s, m):
                    continue
                score = s.score + fit
                if publication and not _PUBLISH_VERB.search(f[max(0, m.start() - 20) : m.end() + 20]):
                    score -= 0.4
                if best is None or score > best.score:
                    best = _Span(s, s.start + m.start(), s.start + m.end(), s.text[m.start() : m.end()], score,
                                 _english_date(f[m.start() : m.end()]))
    if wants_issue and (best is None or best.score < top[0].score + 0.1):
        # Issue dates sit on their own line near the title: look at the short date lines of the top passages.
        heads = [_Sent(j, 0, 0, "", "", top[0].coverage, top[0].score - 0.05) for j, h in enumerate(hits)
                 if h.chunk.ordinal == -3 and h.chunk.doc_id == hits[top[0].hit].chunk.doc_id]
        for s in [*top[:3], *heads]:
            h = hits[s.hit]
            text = h.chunk.text
            for a, b in split_sentences(text):
                f = fold(text[a:b])
                m = _DATE_FULL.search(f)
                if m and b - a <= 40:
                    fake = _Sent(s.hit, a, b, text[a:b], f, s.coverage, s.score)
                    score = s.score + 0.35
                    if best is None or score > best.score:
                        best = _Span(fake, a + m.start(), a + m.end(), text[a + m.start() : a + m.end()], score,
                                     _english_date(f[m.start() : m.end()]))
        if (best is None or _DATE_FULL.search(fold(best.answer)) is None) and hits[top[0].hit].meta.date:
            s = top[0]
            d = hits[s.hit].meta.date
            return _Span(s, s.start, s.end, d, s.score, _english_date(d))
    return best


def _overlaps(best: _Span, s: _Sent, m: re.Match) -> bool:
    return best.sent is s and best.start < s.start + m.end() and s.start + m.start() < best.end


def _english_date(d: str) -> str:
    m = re.fullmatch(r"((?:19|20)\d\d)(?:年|-|/|\.)(\d{1,2})(?:月|-|/|\.)(\d{1,2})日?", d)
    if m:
        y, mo, da = int(m.group(1)), int(m.group(2)), int(m.group(3))
        if 1 <= mo <= 12:
            return f"{_EN_MONTHS[mo - 1]} {da}, {y}"
    m = re.fullmatch(r"(\d{1,2})月(\d{1,2})日", d)
    if m and 1 <= int(m.group(1)) <= 12:
        return f"{_EN_MONTHS[int(m.group(1)) - 1]} {int(m.group(2))}"
    m = re.fullmatch(r"((?:19|20)\d\d)年?\s*[—–\-~～至到]\s*((?:19|20)\d\d)年?", d)
    if m:
        return f"{m.group(1)}–{m.group(2)}"
    return ""


# ---- regions ---------------------------------------------------------------------------------------


def _region_of(h: Hit, f: str) -> tuple[str, tuple[int, int] | None]:
    if h.meta.region and h.meta.region != "全国":
        return fold(h.meta.region), None
    for short in qtype.PROVINCES:
        i = f.find(short)
        if i >= 0:
            return short, (i, i + len(short))
    title = fold(h.meta.title)
    for short in qtype.PROVINCES:
        if short in title:
            return short, None
    return "", None


def _city_span(question, top: list[_Sent]) -> _Span | None:
    """A city the best sentences name that the question does not: 黑龙江哪个城市实施了X → 齐齐哈尔."""
    try:
        from ingest.regions import find_regions, province_of
    except ImportError:  # pragma: no cover - the gazetteer ships with ingest
        return None
    q = fold(question)
    for s in top[:2]:
        for name in find_regions(s.folded):
            prov = province_of(name)
            if not prov or prov == name or name in q or fold(name) in q:
                continue
            i = s.folded.find(fold(name))
            if i < 0:
                continue
            return _Span(s, s.start + i, s.start + i + len(name), s.text[i : i + len(name)], s.score)
    return None


def _region_span(question, top: list[_Sent], hits, english: bool) -> _Span | None:
    s = top[0]
    h = hits[s.hit]
    if qtype.asks_city(question) and not h.meta.city and qtype.question_regions(question):
        # The question names the province and asks which of its cities: read the city off the text.
        span = _city_span(question, top)
        if span:
            return span
    short, pos = _region_of(h, s.folded)
    if not short:
        return None
    full = qtype.full_region(short)
    ans = full
    if qtype.asks_city(question) and h.meta.city:
        city = h.meta.city if h.meta.city.endswith(("市", "州", "盟", "区")) else h.meta.city + "市"
        ans = f"{full}{city}"
    # Point at the name when the sentence writes it; otherwise the sentence itself supports the answer.
    i = s.folded.find(short)
    a, b = (s.start + i, s.start + i + len(short)) if i >= 0 else (s.start, s.end)
    return _Span(s, a, b, ans, s.score, qtype.english_region(short))


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


def _list_candidates(text: str, q: str = "") -> list[tuple[int, int, list[str], float, bool]]:
    """Enumerations in a sentence: after 分别是/包括/：, runs of 、-separated items, several quoted terms.

    Returns ``(start, end, items, base score, quoted)``; an enumeration followed by a count that
    equals its length (``A、B、C三大高地`` / ``A、B、C三个办法``) scores higher.
    """
    out: list[tuple[int, int, list[str], float, bool]] = []
    m = _TRIGGER.search(text)
    if m:
        a = m.end()
        b = len(text.rstrip("。；;！!"))
        items = _clean_items(_ITEM_SEP.split(text[a:b]))
        if items and max(len(x) for x in items) <= 30:
            out.append((a, b, items, 0.3, False))
    for m in re.finditer(r"[^、，,。；;：:\s]{1,24}(?:、[^、，,。；;：:\s]{1,24})+(?:(?:和|及|以及|与)[^、，,。；;：:\s]{1,24})?",
                         text):
        parts = re.split(r"、|以及|和|及|与", m.group(0))
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
    items = []
    for p in parts:
        p = re.sub(r"[“”\"‘’「」『』]", "", p).strip(" 　《》（）()[]")
        p = re.sub(r"^(?:一方面|另一方面|首先|其次|同时|此外)", "", p)
        p = re.sub(r"(?<=\w{2})(等)?[0-9一二三四五六七八九十两]+(个|项|家|大|种|所|条|方面).*$", "", p)
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


# ---- fact questions --------------------------------------------------------------------------------


def _fact_span(question, top: list[_Sent], terms: _Terms, hits) -> _Span | None:
    q = fold(question)
    s = top[0]
    f = s.folded
    # Who: a person's name next to a title (厅长 张三 / 张三院士).
    if re.search(r"是谁|谁|哪位|\bwho\b|\bwhom\b", q, re.I):
        span = _person(s, q)
        if span and not span.titled:
            # An untitled name in the best sentence loses to a name standing by a title the question
            # asks about (director → 厅长) in one of the next sentences (bylines: 省科技厅厅长 张长斌).
            for t in top[1:6]:
                alt = _person(t, q)
                if alt and alt.titled and any(w in terms.weights for w in re.findall(_TITLE_WORDS, alt.sent.folded)):
                    return alt
        if span:
            return span
        for t in top[1:6]:
            alt = _person(t, q)
            if alt and alt.titled and any(w in terms.weights for w in re.findall(_TITLE_WORDS, alt.sent.folded)):
                return alt
    # What is it called: a quoted name not already in the question.
    kind = re.search(r"(?:哪|什么|which\s*)(?:所|家|个|一个)?(" + _ORG_SUFFIX + r"|高校|机构|单位|部门)", q)
    en_kind = re.search(r"\b(institute|university|bank|zone|park|department|agency|center|centre|lab)\b", q, re.I)
    if re.search(r"叫什么|名字|名称|称为|简称|命名|什么计划|called|named|name of", q, re.I):
        quoted = [_Span(s, s.start + m.start(1), s.start + m.end(1), m.group(1), s.score + 0.3)
                  for m in re.finditer(r"[“\"「『‘]([^”\"」』’]{2,20})[”\"」』’]", s.text) if fold(m.group(1)) not in q]
        if kind or en_kind:
            # Several names in one sentence: the one that holds the question's own words (an English
            # description translated by the lexicon) wins over the first quoted one.
            org = _organisation(s, q, kind.group(1) if kind else en_kind.group(1).lower(), terms)
            if org is not None:
                quoted.append(org)
        if quoted:
            return max(quoted, key=lambda sp: (_term_content(fold(sp.answer), terms), -quoted.index(sp)))
    # Which organisation: a name ending in the kind asked for.
    if re.search(r"文号|字号|document number", q):
        for t in top[:5]:
            span = _doc_number(t, hits)
            if span:
                return span
    span = _label_value(top, terms, hits, q)
    if span:
        return span
    span = _template(top[:3], q)
    if span:
        return span
    if kind or en_kind:
        span = _organisation(s, q, kind.group(1) if kind else en_kind.group(1).lower(), terms)
        if span:
            return span
    # Otherwise: the shortest clause that holds the most question terms, minus the question's words.
    clauses = split_clauses(s.text)
    best = None
    for a, b in clauses:
        cf = f[a:b]
        hit_w = sum(w for t, w in terms.weights.items() if t in cf)
        key = (hit_w, -(b - a))
        if best is None or key > best[0]:
            best = (key, a, b)
    if best is None:
        return None
    _, a, b = best
    cf = f[a:b]
    # Residual: characters of the clause not covered by question terms; the longest run is the answer.
    covered = [False] * (b - a)
    for t in terms.weights:
        if len(t) < 2:
            continue
        for m in re.finditer(re.escape(t), cf):
            for i in range(m.start(), m.end()):
                covered[i] = True
    runs = []
    i = 0
    while i < len(cf):
        if covered[i]:
            i += 1
            continue
        j = i
        while j < len(cf) and not covered[j]:
            j += 1
        runs.append((i, j))
        i = j
    runs = [(x, y) for x, y in runs if re.search(r"[\u4e00-\u9fff\w]{2,}", cf[x:y])]
    if runs:
        # The answer sits on the side of the question's terms where the question puts its wh-word:
        # 把什么比作“X” → the run before X; X是什么 → the run after it.
        wh = re.search(r"什么|哪|谁|what|which|who", q)
        first_term = min((q.find(t) for t in terms.weights if len(t) >= 2 and t in q and t in cf), default=-1)
        before = wh is not None and first_term >= 0 and wh.start() < first_term
        first_cov = next((i for i, c in enumerate(covered) if c), 0)

        def run_score(r):
            x, y = r
            side = (y <= first_cov) if before else (x >= first_cov)
            return (y - x) + (6 if side else 0)

        x, y = max(runs, key=run_score)
        piece = s.text[a + x : a + y]
        stripped = piece.strip("，,。；;：:、 是为的了在把将由和与“”\"‘’「」（）()")
        stripped = re.sub(r"(这一|这个|这些|那些|等)$", "", stripped).strip("，,、 ")
        if 2 <= len(stripped) <= 40:
            off = piece.find(stripped)
            return _Span(s, s.start + a + x + off, s.start + a + x + off + len(stripped), stripped, s.score)
    clause = s.text[a:b]
    if len(clause) > 60:
        return None if s.coverage < 0.5 else _Span(s, s.start + a, s.start + a + 60, clause[:60], s.score - 0.2)
    return _Span(s, s.start + a, s.start + b, clause, s.score - 0.1)


_WH = re.compile(r"哪(?:一|几)?(?:种|个|些|类|项|家|所|位|方面)?|什么")


def _template(top: list[_Sent], q: str) -> _Span | None:
    """Match the question as a pattern with its wh-word as the gap: 以哪种作物为主导产业 → 以(水稻)为主导产业.

    The gap may swallow the noun after the wh-word (作物), so the right context is tried from
    several offsets; both contexts are taken from the question's own characters.
    """
    m = _WH.search(q)
    if not m:
        return None
    left = q[max(0, m.start() - 2):m.start()]
    left = left[-1:] if left[-1:] and re.match(r"[\u4e00-\u9fff]", left[-1:]) else ""
    for skip in range(0, 4):
        for k in (5, 4, 3, 2):
            right = q[m.end() + skip:m.end() + skip + k]
            if len(right) < k or not re.fullmatch(r"[\u4e00-\u9fff]+", right):
                continue
            if not left and k < 4:
                continue
            rx = re.escape(left) + r"([^，,。；;:：、\s]{2,12}?)" + re.escape(right)
            for s in top:
                for mm in re.finditer(rx, s.folded):
                    val = mm.group(1)
                    if val in q or _WH.search(val):
                        continue
                    a, b = mm.start(1), mm.end(1)
                    return _Span(s, s.start + a, s.start + b, s.text[a:b], s.score + 0.2)
    return None


def _person(s: _Sent, q: str) -> _Span | None:
    f = s.folded
    cands: list[tuple[int, int, bool]] = []  # (start, end, tagged as a person name by jieba)
    try:
        import jieba.posseg as pseg  # noqa: PLC0415 - lazy: loads a dictionary

        pos = 0
        for w in pseg.cut(f):
            if w.flag.startswith("nr") and 2 <= len(w.word) <= 4 and not re.search(_TITLE_WORDS, w.word):
                cands.append((pos, pos + len(w.word), True))
            pos += len(w.word)
    except Exception:  # pragma: no cover - jieba is a dependency; keep the rule-based names
        pass
    # Title then name (厅长 张长斌) or name then title (刘永坦院士). Names are 2–3 CJK characters.
    for m in re.finditer(r"(?:" + _TITLE_WORDS + r")\s*([\u4e00-\u9fff]{3})", f):
        cands.append((m.start(1), m.end(1), False))
    for m in re.finditer(r"([\u4e00-\u9fff]{3})(?=" + _TITLE_WORDS + r")", f):
        cands.append((m.start(1), m.end(1), False))
    cands = [c for c in cands if fold(s.text[c[0] : c[1]]) not in q and not re.search(r"[省市县区厅局党组委]", f[c[0] : c[1]])]
    if not cands:
        return None

    def rank(c):
        a, b, tagged = c
        near = re.search(_TITLE_WORDS, f[max(0, a - 4) : b + 4]) is not None
        return (not tagged, b - a != 3, not near, a)

    a, b, _ = min(cands, key=rank)
    titled = re.search(_TITLE_WORDS, f[max(0, a - 4) : b + 4]) is not None
    return _Span(s, s.start + a, s.start + b, s.text[a:b], s.score + 0.2, titled=titled)


_ORG_STOP = re.compile(r"与|和|同|在|由|是|为|了|的|共建|联合|依托|隶属于|隶属|属于|成立|建设|支持|推动|推进|加快|打造|"
                       r"组建|设立|以|对|向|把|将|及|等|到|从|于")


def _term_content(name: str, terms: _Terms) -> int:
    """Characters of ``name`` covered by question terms of two or more characters."""
    covered = set()
    for t in terms.weights:
        if len(t) >= 2 and not t.isdigit():
            for m in re.finditer(re.escape(t), name):
                covered.update(range(m.start(), m.end()))
    return len(covered)


def _organisation(s: _Sent, q: str, kind: str, terms: _Terms) -> _Span | None:
    f = s.folded
    suffix = {"高校": "大学|学院", "institute": "研究所|研究院|所|院", "university": "大学|学院", "bank": "银行",
              "zone": "高新区|开发区|示范区|园区", "park": "园区|产业园", "department": "厅|局|委|部|办",
              "agency": "局|厅|委|办", "center": "中心", "centre": "中心", "lab": "实验室", "机构": _ORG_SUFFIX,
              "单位": _ORG_SUFFIX, "部门": "厅|局|委|部|办|署"}.get(kind, kind)
    term_pos = _term_positions(f, terms)
    best = None
    for m in re.finditer(r"(?:" + suffix + r")", f):
        end = m.end()
        # Extend backwards over the name until punctuation or a function word.
        a = m.start()
        while a > 0 and re.match(r"[\u4e00-\u9fff\da-z]", f[a - 1]) and m.start() - a < 14:
            if _ORG_STOP.search(f[a - 1 : m.start()][:2]) and a < m.start() - 1:
                w = _ORG_STOP.match(f[a - 1 : m.start()])
                if w:
                    a = min(m.start(), a - 1 + w.end())  # past the whole stop word (共建 → not 建…)
                    break
            a -= 1
        cut = None
        for w in _ORG_STOP.finditer(f[a : m.start()]):
            cut = w.end()
        if cut is not None:
            a += cut
        name = f[a:end]
        if len(name) <= len(m.group(0)) or name in q:
            continue
        score = _proximity(a, end, term_pos, f) + 0.02 * len(name)
        if best is None or score > best[0]:
            best = (score, a, end)
    if best is None:
        return None
    _, a, b = best
    return _Span(s, s.start + a, s.start + b, s.text[a:b], s.score + 0.2)


def _doc_number(s: _Sent, hits) -> _Span | None:
    """A document number (黑政办发〔2022〕41号) anywhere in the passage of ``s``: it stands on its own line."""
    text = hits[s.hit].chunk.text
    m = re.search(r"[\u4e00-\u9fff]{1,10}[〔\[［(（]\d{4}[〕\]］)）]\s*\d+\s*[号號]", text)
    if not m:
        return None
    fake = _Sent(s.hit, m.start(), m.end(), m.group(0), fold(m.group(0)), s.coverage, s.score)
    return _Span(fake, m.start(), m.end(), m.group(0), s.score + 0.3)


def _label_value(top: list[_Sent], terms: _Terms, hits, q: str) -> _Span | None:
    """``配合单位：省粮储局`` — a question term used as a label, just after the best sentence (or in the
    other top passages: a label line often starts the next chunk)."""
    labels = sorted((t for t in terms.weights if len(t) >= 3), key=lambda t: -terms.weights[t])
    # The phrase right before 是哪/是什么/为 in the question is the label asked about (配合单位是哪个部门).
    m = re.search(r"([\u4e00-\u9fff]{2,6})(?:是|为)(?:哪|什么|谁)", q)
    if m:
        label = m.group(1).split("的")[-1]
        labels[:0] = [label[-k:] for k in range(len(label), 1, -1)]
    s0 = top[0]
    windows = [(s0, s0.start, s0.end + 600)]
    # The passage that continues the best one (same document, starting where it ends), if retrieved.
    end0 = hits[s0.hit].chunk.end
    for j, h in enumerate(hits):
        if j != s0.hit and h.chunk.doc_id == hits[s0.hit].chunk.doc_id and 0 <= h.chunk.start - end0 <= 100 or (
            j != s0.hit and h.chunk.doc_id == hits[s0.hit].chunk.doc_id and h.chunk.start < end0 < h.chunk.end
            and h.chunk.start > hits[s0.hit].chunk.start
        ):
            windows.append((_Sent(j, 0, 0, "", "", s0.coverage, s0.score - 0.05), max(0, end0 - h.chunk.start), 300))
    for s in top[1:3]:
        if s.hit != s0.hit:
            windows.append((s, 0, s.end + 600))
    # The stored text right after the best passage (a context hit, when the document text is available).
    for j, h in enumerate(hits):
        if h.chunk.ordinal == -2 and h.chunk.doc_id == hits[s0.hit].chunk.doc_id and h.chunk.start == end0:
            windows.append((_Sent(j, 0, 0, "", "", s0.coverage, s0.score - 0.05), 0, 300))
    for t in labels:
        for s, lo, hi in windows:
            text = hits[s.hit].chunk.text
            f = fold(text)
            hi = min(len(f), hi)
            m = re.search(re.escape(t) + r"\s*[:：]\s*([^，,。；;：:〕\]）)\n]{2,30})", f[lo:hi])
            if m:
                a, b = lo + m.start(), lo + m.end(1)
                fake = _Sent(s.hit, a, b, text[a:b], f[a:b], s.coverage, s.score)
                va = lo + m.start(1)
                return _Span(fake, va, b, text[va:b], s.score + 0.25)
    return None


# ---- citations ---------------------------------------------------------------------------------------


def _citations(span: _Span, top: list[_Sent], hits, max_citations: int, cite_ratio: float) -> tuple[Citation, ...]:
    """[1] = the passage holding the answer; then other passages whose best sentence scores at least
    ``cite_ratio`` of the answer's sentence (0.85 measured: citation precision 0.56 → 0.88 on the public set,
    answers unchanged; lower values cite more near-miss context)."""
    h = hits[span.sent.hit]
    base = h.chunk.start
    ans_span = (base + span.start, base + span.end) if span.end > span.start else None
    cites = [Citation(n=1, hit=h, sentence_span=(base + span.sent.start, base + span.sent.end), answer_span=ans_span)]
    used = {span.sent.hit}
    for s in top:
        if len(cites) >= max_citations:
            break
        if s.hit in used or s.score < cite_ratio * span.sent.score:
            continue
        used.add(s.hit)
        hb = hits[s.hit].chunk.start
        cites.append(Citation(n=len(cites) + 1, hit=hits[s.hit], sentence_span=(hb + s.start, hb + s.end)))
    return tuple(cites)


def llm_configured() -> bool:
    """True when an OpenAI-compatible endpoint is configured in the environment."""
    return bool((os.environ.get("POLICYQA_LLM_BASE_URL") or os.environ.get("OPENAI_BASE_URL"))
                and os.environ.get("POLICYQA_LLM_MODEL"))
