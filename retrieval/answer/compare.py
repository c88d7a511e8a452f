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
from dataclasses import dataclass

from index.numbers import parse_quantity
from retrieval import qtype
from retrieval.sentences import fold
from retrieval.types import Answer, Citation

_UP = re.compile(r"(?:更|较)(?:高|多|大|长|晚|严|重|快)|后(?:写入|施行|通过)|\b(?:higher|larger|bigger|more|longer|later|greater|"
                 r"stricter|older)\b", re.I)
_DOWN = re.compile(r"(?:更|较)(?:低|少|小|短|早|宽|轻|慢)|先(?:写入|施行|通过)|\b(?:lower|smaller|fewer|less|shorter|earlier|"
                   r"younger)\b", re.I)
_TIME = re.compile(r"早|晚|先|后|earlier|later|first", re.I)


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
    """The two sides a comparison names: ``(label, kind, key)`` with kind ``year`` or ``region``."""
    years = [p for p in qtype.question_periods(question) if p.isdigit()]
    if len(years) >= 2:
        return [(f"{y}年", "year", y) for y in years[:2]]
    places = _places(question)
    if len(places) >= 2:
        return [(name, "region", short) for name, short in places[:2]]
    return []


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
    for form in [f for f in forms if f]:
        f = re.escape(form)
        new = re.sub(rf"{_CONN}\s*(?:the\s+)?{f}(?:'s)?", "", q, count=1)
        if new == q:
            new = re.sub(rf"(?:the\s+)?{f}(?:的|'s)?\s*{_CONN}\s*", "", q, count=1)
        if new != q:
            q = new
            break
    m = _ASK.search(q)
    if m:  # 哪一年的赤字率更高 → 赤字率是多少
        inner = re.sub(r"^哪(?:一|个)?(?:年|地|省|市|城市|份|部|条|个|一方|方)?(?:的)?", "", m.group(0))
        when = re.search(r"早|晚", m.group(0)[-1])
        inner = re.sub(r"(?:更|较)\S$", "", inner).rstrip("得")
        q = q[:m.start()] + inner + ("是哪一天" if when else "是多少") + q[m.end():]
    return re.sub(r"\s+", " ", q).strip()


def date_value(text: str) -> float | None:
    m = re.search(r"((?:19|20)\d\d)\D+?(\d{1,2})\D+?(\d{1,2})", text) or re.search(r"((?:19|20)\d\d)", text)
    if not m:
        return None
    parts = [int(x) for x in m.groups()] + [0, 0]
    return parts[0] * 10_000 + parts[1] * 100 + parts[2]


def compare_answer(question: str, ask_side: Callable[[str, tuple[str, str, str]], SideValue], threshold: float
                   ) -> Answer | None:
    """The comparison's answer from the two sides' values, or None when the question has not two sides or a
    side has no value (the caller then answers it as an ordinary question)."""
    sides = sides_of(question)
    d = direction(question)
    if len(sides) != 2 or d == 0:
        return None
    vals = [ask_side(side_question(question, sides, i), sides[i]) for i in range(2)]
    if any(v.value is None for v in vals) or vals[0].value == vals[1].value:
        return None
    win, lose = sorted(vals, key=lambda v: -v.value * d)
    conf = sum(v.confidence for v in vals) / 2  # both sides must hold; their mean is the estimate
    rel = ("晚于" if d > 0 else "早于") if _TIME.search(question) else ("高于" if d > 0 else "低于")
    text = f"{win.label}（{win.shown}）{rel}{lose.label}（{lose.shown}）"
    cites = tuple(Citation(n=i + 1, hit=c.hit, sentence_span=c.sentence_span, answer_span=c.answer_span)
                  for i, c in enumerate(v.citation for v in (win, lose) if v.citation is not None))
    abstained = False  # both sides have a value: the comparison stands (see the module docstring)
    return Answer(question=question, answer=text if not abstained else "", answer_type="compare",
                  abstained=abstained, confidence=conf, supporting=" / ".join(v.shown for v in vals),
                  citations=cites, method="extractive")


def value_of(text: str, kind: str) -> float | None:
    """A comparable number for an answer span: a quantity, or a date as YYYYMMDD."""
    if kind == "date":
        return date_value(text)
    q = parse_quantity(text)
    if q is not None:
        return q.value
    m = re.search(r"\d+(?:\.\d+)?", text)
    return float(m.group(0)) if m else None
