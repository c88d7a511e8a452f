"""Comparisons: "which of A and B is higher", "did the 2024 or the 2025 report set the larger …".

The question is split into its two sides (two years, or two places); each side is asked on its own — the
question with the other side left out, and for places restricted to that place's documents — and its best
figure (or date, for earlier/later) is taken with its citation. The side whose value wins is the answer,
with both values: 「2019年（2.8%）高于2018年（2.6%）」. The confidence is the mean of the two sides'.

    >>> sides_of("2018年和2019年的政府工作报告，哪一年安排的财政赤字率更高？")
    [('2018年', 'year', '2018'), ('2019年', 'year', '2019')]
    >>> direction("哪个城市的采暖期更长？"), direction("Which law was adopted earlier?")
    (1, -1)
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace

from index.numbers import parse_quantity
from retrieval import qtype
from retrieval.sentences import fold
from retrieval.types import Answer, Citation

_UP = re.compile(r"(?:更|较)(?:高|多|大|长|晚|严|重|快)|后(?:写入|施行|通过)|\b(?:higher|larger|bigger|more|longer|later|greater|"
                 r"stricter|older)\b", re.I)
_DOWN = re.compile(r"(?:更|较)(?:低|少|小|短|早|宽|轻|慢)|先(?:写入|施行|通过)|\b(?:lower|smaller|fewer|less|shorter|earlier|"
                   r"younger)\b", re.I)
# A comparison in time (which came first), not in size: 更早, 先施行, earlier — not 收到商品后 or first-instance.
_TIME = re.compile(r"(?:更|较)(?:早|晚)|早于|晚于|[先后](?:写入|施行|通过|实施|颁布|发布|出台|制定|生效)|\b(?:earlier|later)\b|"
                   r"\bfirst\b(?!-)", re.I)


# A comparison of lengths of time (哪个更长, 持续时间更短): each side asks 多长时间, so that a duration (三十日) is
# what its number extractor looks for, not a count.
_LENGTH = re.compile(r"(?:更|较)(?:长|短)|\b(?:longer|shorter)\b", re.I)
# A period written by its two ends: 11月10日至次年3月20日, 每年的11月1日到次年的4月30日.
_MD = r"([\d一二三四五六七八九十]{1,3})月([\d一二三四五六七八九十]{1,3})日"
_PERIOD = re.compile(_MD + r"\s*(?:至|到|—|－|-|~|～)\s*(?:次年|翌年|第二年)?(?:的)?" + _MD)


@dataclass(frozen=True)
class SideValue:
    label: str  # 2019年 / 上海市
    value: float | None
    shown: str  # the figure as the document writes it
    confidence: float
    citation: Citation | None


def direction(question: str) -> int:
    """+1 when the question asks which side is higher / more / later, -1 for lower / fewer / earlier, 0 unknown."""
    q = fold(question)
    up, down = _UP.search(q), _DOWN.search(q)
    if up and not down:
        return 1
    if down and not up:
        return -1
    if up and down:
        return 1 if up.start() > down.start() else -1
    return 0


def sides_of(question: str) -> list[tuple[str, str, str]]:
    """The two sides a comparison names: ``(label, kind, key)`` with kind ``year``, ``region`` or ``entity``."""
    years = [p for p in qtype.question_periods(question) if p.isdigit()]
    if len(years) >= 2:
        return [(f"{y}年", "year", y) for y in years[:2]]
    places = _places(question)
    if len(places) >= 2:
        return [(name, "region", short) for name, short in places[:2]]
    return [(label, "entity", phrase) for label, phrase in entities(question)]


_ZH_CONN = re.compile(r"和|与|同|跟|还是|或者|或")
# Where a side that names a document ends: 食品安全法|规定的…, 行政复议法|申请行政复议的期限.
_DOC_END = re.compile(r"(?:法|条例|规定|办法|决定|细则|规则|解释|宪法修正案)(?=规定|中|里|所|对|的|申请|直接|$)")
_EN_SIDES = re.compile(r"[:,]\s*(?:the\s+|china's\s+)?(?P<a>[^,:;?]{2,60}?)\s+or\s+(?:the\s+|its\s+)?(?P<b>[^,:;?]{2,60}?)"
                       r"\s*\?*\s*$", re.I)


def entities(question: str) -> list[tuple[str, str]]:
    """The two things a comparison weighs when they are neither years nor places (two laws, two terms), each as
    ``(label, phrase)``: the name shown in the answer and the words of the question that name that side.

        >>> [x for x, _ in entities("个人信息保护法和数据安全法，哪一部先施行？")]
        ['个人信息保护法', '数据安全法']
        >>> entities("行政诉讼法规定的期限和行政复议法申请复议的期限，哪个更长？")[1]
        ('行政复议法', '行政复议法申请复议的期限')
        >>> [x for x, _ in entities("Which was adopted earlier, the 户口登记条例 or the 国籍法?")]
        ['户口登记条例', '国籍法']
    """
    q = fold(question)
    m = _EN_SIDES.search(q)
    if m:
        return [(m.group(k).strip(), m.group(k).strip()) for k in ("a", "b")]
    ask = re.search(r"哪", q)
    if ask is None:
        return []
    clauses = [c for c in re.split(r"[，,；;：:]", q[:ask.start()]) if _ZH_CONN.search(c)]
    if not clauses:
        return []
    clause = clauses[-1]
    c = _ZH_CONN.search(clause)
    a, b = clause[:c.start()], clause[c.end():]
    b = re.split(r"相比|比较|两者|二者", b)[0]
    out = []
    for side in (a, b):
        phrase = re.sub(r"^(?:按照|依照|根据|按)", "", side.strip("“”《》\"' "))
        d = _DOC_END.search(phrase)
        label = phrase[:d.end()] if d else phrase
        if not 2 <= len(label) <= 30:
            return []
        out.append((label, phrase))
    return out


def _places(question: str) -> list[tuple[str, str]]:
    q = fold(question)
    found: list[tuple[int, str, str]] = []
    try:
        from ingest.regions import find_regions
    except ImportError:  # pragma: no cover - the gazetteer ships with ingest
        return []
    for short in find_regions(q):
        i = q.find(fold(short))
        if i < 0:
            continue
        full = qtype.full_region(short) if short in qtype.PROVINCES else (short if short.endswith("市") else short + "市")
        found.append((i, full, short))
    for short in qtype.question_regions(question):  # English place names
        if not any(s == short for _, _, s in found):
            i = q.find(qtype.english_region(short).lower())
            found.append((i if i >= 0 else 10_000 + len(found), qtype.full_region(short), short))
    found.sort()
    return [(full, short) for _, full, short in found]


_CONN = r"(?:和|与|及|、|或|还是|,|，|\s+or\s+|\s+and\s+|\s+vs\.?\s+)"
_ASK = re.compile(r"哪(?:一|个)?(?:年|地|省|市|城市|份|部|条|个|一方|方)?(?:的)?[^，,。？?]{0,20}?(?:更|较)(?:高|低|多|少|大|小|长|短|早|晚|严|宽|重|轻|快|慢)")


def side_question(question: str, sides: list[tuple[str, str, str]], keep: int) -> str:
    """The question with the other side's mention removed (``keep`` is the index of the side asked).

        >>> side_question("2018年和2019年的报告，哪一年的赤字率更高？", sides_of("2018年和2019年"), 1)
        '2019年的报告，赤字率是多少？'
    """
    q = question
    other = sides[1 - keep]
    forms = [other[0], other[2] + "年" if other[1] == "year" else "", other[2],
             qtype.english_region(other[2]) if other[1] == "region" else ""]
    if other[1] == "entity":
        forms = [other[2], other[0]]  # the whole phrase naming the other side, then its name
    for form in [f for f in forms if f]:
        f = re.escape(form)
        new = re.sub(rf"{_CONN}\s*(?:the\s+|its\s+)?{f}(?:'s)?", "", q, count=1, flags=re.I)
        if new == q:
            new = re.sub(rf"(?:the\s+)?{f}(?:的|'s)?\s*{_CONN}\s*", "", q, count=1, flags=re.I)
        if new != q:
            q = new
            break
    else:
        if other[1] == "year":  # "the 七五 plan draft (1986 report)": the other year wherever it stands
            q = re.sub(rf"(?<!\d){other[2]}(?!\d)年?", "", q, count=1)
    m = _ASK.search(q)
    if m:  # 哪一年的赤字率更高 → 赤字率是多少
        inner = re.sub(r"^哪(?:一|个)?(?:年|地|省|市|城市|份|部|条|个|一方|方)?(?:的)?", "", m.group(0))
        when = re.search(r"早|晚", m.group(0)[-1])
        inner = re.sub(r"(?:更|较)\S$", "", inner).rstrip("得")
        ask = "是哪一天" if when else ("是多长时间" if _LENGTH.search(m.group(0)) else "是多少")
        q = q[:m.start()] + inner + ask + q[m.end():]
    return re.sub(r"\s+", " ", q).strip()


def date_value(text: str) -> float | None:
    """A date as YYYYMMDD for comparing; a month-day without a year (八月八日, 11月) as MMDD.

        >>> date_value("2021年9月1日"), date_value("八月八日"), date_value("每年11月")
        (20210901, 808, 1100)
    """
    m = re.search(r"((?:19|20)\d\d)\D+?(\d{1,2})\D+?(\d{1,2})", text) or re.search(r"((?:19|20)\d\d)", text)
    if m:
        parts = [int(x) for x in m.groups()] + [0, 0]
        return parts[0] * 10_000 + parts[1] * 100 + parts[2]
    md = re.search(r"([\d一二三四五六七八九十]{1,3})月(?:([\d一二三四五六七八九十]{1,3})日)?", text)
    if md:
        month = qtype.cn_int(md.group(1)) if not md.group(1).isdigit() else int(md.group(1))
        day = (qtype.cn_int(md.group(2)) if not md.group(2).isdigit() else int(md.group(2))) if md.group(2) else 0
        if month and 1 <= month <= 12:
            return month * 100 + (day or 0)
    return None


def duration_days(text: str) -> float | None:
    """A length of time in days (a quantity in a unit of time, 以内/以上 ignored), or None for any other span.

        >>> duration_days("六个月以内"), duration_days("三十日"), duration_days("十个工作日内"), duration_days("二级")
        (180.0, 30.0, 14.0, None)
    """
    t = re.sub(r"(?:以内|之内|内|以上|以下|左右)$", "", fold(text).strip())
    m = re.fullmatch(r"(.+?)个?工作日", t)  # the number parser has no working days: 十个工作日 reads as 十日 × 7/5
    q = parse_quantity(m.group(1) + "日") if m else parse_quantity(t)
    if q is None:
        return None
    unit = "工作日" if m else re.sub(r"(?:以内|之内|内)$", "", q.unit)
    return q.value * _DAYS[unit] if unit in _DAYS else None


def is_duration(text: str) -> bool:
    """Whether an answer span is a length of time.

        >>> is_duration("六个月以内"), is_duration("三十日"), is_duration("二级")
        (True, True, False)
    """
    return duration_days(text) is not None


def period_days(text: str) -> int | None:
    """The length in days, both ends counted, of a period written by its ends (a year without 29 February); a period
    whose end falls before its start runs into the next year.

        >>> period_days("每年11月15日至次年3月15日"), period_days("6月1日至8月31日"), period_days("十五天")
        (121, 92, None)
    """
    import datetime as dt  # noqa: PLC0415

    m = _PERIOD.search(fold(text))
    if m is None:
        return None
    m1, d1, m2, d2 = (int(x) if x.isdigit() else qtype.cn_int(x) for x in m.groups())
    try:
        start, end = dt.date(2001, m1, d1), dt.date(2001, m2, d2)
    except (TypeError, ValueError):
        return None
    if end < start:
        end = end.replace(year=2002)
    return (end - start).days + 1


def compare_answer(question: str, ask_side: Callable[[str, tuple[str, str, str]], SideValue], threshold: float
                   ) -> Answer | None:
    """The comparison's answer from the two sides' values, or None when the question has not two sides or a
    side has no value (the caller then answers it as an ordinary question)."""
    sides = sides_of(question)
    d = direction(question)
    if len(sides) != 2 or d == 0:
        return None
    vals = [ask_side(side_question(question, sides, i), sides[i]) for i in range(2)]
    if any(v.value is None for v in vals):
        return None
    if _TIME.search(question) and (vals[0].value >= 10_000) != (vals[1].value >= 10_000):
        # a date with its year against a month-day: compare the time of year (八月八日 vs 2010年11月25日)
        vals = [replace(v, value=v.value % 10_000) for v in vals]
    if vals[0].value == vals[1].value:
        return None
    win, lose = sorted(vals, key=lambda v: -v.value * d)
    conf = sum(v.confidence for v in vals) / 2  # both sides must hold; their mean is the estimate
    if _TIME.search(question):
        rel = "晚于" if d > 0 else "早于"
    elif _LENGTH.search(question):
        rel = "长于" if d > 0 else "短于"
    else:
        rel = "高于" if d > 0 else "低于"
    text = f"{win.label}（{win.shown}）{rel}{lose.label}（{lose.shown}）"
    cites = tuple(Citation(n=i + 1, hit=c.hit, sentence_span=c.sentence_span, answer_span=c.answer_span)
                  for i, c in enumerate(v.citation for v in (win, lose) if v.citation is not None))
    abstained = False  # both sides have a value: the comparison stands (see the module docstring)
    return Answer(question=question, answer=text if not abstained else "", answer_type="compare",
                  abstained=abstained, confidence=conf, supporting=" / ".join(v.shown for v in vals),
                  citations=cites, method="extractive")


_DAYS = {"年": 365.0, "周年": 365.0, "个月": 30.0, "月": 30.0, "周": 7.0, "星期": 7.0, "日": 1.0, "天": 1.0,
         "个工作日": 7 / 5, "工作日": 7 / 5, "小时": 1 / 24, "分钟": 1 / 1440}  # five working days a week
_LOW_END = re.compile(r"下限|最低|最少|至少|起点|\b(?:minimum|lowest|least|at least)\b", re.I)


def value_of(text: str, kind: str, question: str = "") -> float | None:
    """A comparable number for an answer span: a quantity, or a date as YYYYMMDD. A range (二百元以上二千元以下,
    3%-5%) compares by its upper end, or its lower end when the question asks a minimum.

        >>> value_of("二百元以上二千元以下", "number"), value_of("3%-5%", "number", "最低税率哪个更高？")
        (2000.0, 3.0)
        >>> value_of("六个月内", "number") > value_of("六十日", "number")
        True
    """
    if kind == "date":
        return date_value(text)
    days = duration_days(text)
    if days is not None:
        return days  # durations compare in days: 六个月 > 六十日
    q = parse_quantity(re.sub(r"(?:以内|之内|内|以上|以下|左右)$", "", text.strip()))
    if q is not None:
        return q.value
    from retrieval.answer.number import find_quantities

    ends = [parse_quantity(t) for a, b, t in find_quantities(fold(text)) if (a, b) != (0, len(text))]
    vals = [e.value for e in ends if e is not None]
    if len(vals) >= 2:
        return min(vals) if _LOW_END.search(question) else max(vals)
    if vals:
        return vals[0]
    m = re.search(r"\d+(?:\.\d+)?", text)
    return float(m.group(0)) if m else None
