"""English figures in questions → the way Chinese documents write them (50 billion yuan → 500亿元, 20 percent → 20%).

    >>> english_number("50", scale="billion", unit="yuan"), english_number("3.5", unit="percent")
    ('500亿元', '3.5%')
    >>> _english_numbers("a 1,200 million yuan fund in 2025")
    (['12亿元'], [(2, 20)])
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

YEAR = r"(?:19[5-9]\d|20\d\d)"  # a year as questions write it (the query analysis uses it too)

_SCALE_EN = {
    "trillion": Decimal(10) ** 12,
    "billion": Decimal(10) ** 9,
    "bn": Decimal(10) ** 9,
    "million": Decimal(10) ** 6,
    "mn": Decimal(10) ** 6,
    "thousand": Decimal(1000),
}
_UNIT_EN = [
    (re.compile(r"^(?:yuan|rmb|cny|renminbi)$", re.I), "元"),
    (re.compile(r"^(?:us\s*dollars?|usd|dollars?)$", re.I), "美元"),
    (re.compile(r"^(?:percent|per\s*cent|%)$", re.I), "%"),
    (re.compile(r"^percentage\s*points?$", re.I), "个百分点"),
]
_NUM_EN = re.compile(
    r"(?<![\w.])(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(?!\d)(?:st|nd|rd|th)?"
    r"(?:\s*(trillion|billion|million|thousand|bn|mn)\b)?"
    r"(?:\s*(yuan|rmb|cny|renminbi|us\s*dollars?|usd|dollars?|percentage\s*points?|per\s*cent|percent|%)(?![a-z]))?",
    re.IGNORECASE,
)


def _fmt(d: Decimal) -> str:
    s = format(d.normalize(), "f")
    return s.rstrip("0").rstrip(".") if "." in s else s


def english_number(value: str, frac: str = "", scale: str = "", unit: str = "") -> str:
    """English figure → the way Chinese documents write it: 50 billion yuan → 500亿元, 20 percent → 20%."""
    try:
        d = Decimal(value.replace(",", "") + (frac or ""))
    except InvalidOperation as e:
        raise ValueError(f"not a number: {value!r}") from e
    zh_unit = ""
    for pat, u in _UNIT_EN:
        if unit and pat.match(unit.strip()):
            zh_unit = u
    if scale:
        d *= _SCALE_EN[scale.lower()]
        if d >= Decimal(10) ** 12 and d % (Decimal(10) ** 10) == 0:
            return _fmt(d / Decimal(10) ** 12) + "万亿" + zh_unit
        if d >= Decimal(10) ** 8:
            return _fmt(d / Decimal(10) ** 8) + "亿" + zh_unit
        if d >= Decimal(10) ** 4:
            return _fmt(d / Decimal(10) ** 4) + "万" + zh_unit
    return _fmt(d) + zh_unit


_MONTHS = ("january february march april may june july august september october november december").split()
_MONTH = r"(" + "|".join(m.capitalize() for m in _MONTHS) + r"|" + "|".join(m[:3].capitalize() for m in _MONTHS) + r")\.?"
_MONTH_DAY = re.compile(rf"\b{_MONTH}\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+({YEAR}))?|"
                        rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}\b(?:,?\s+({YEAR}))?")


def _month_days(text: str) -> tuple[list[str], list[tuple[int, int]]]:
    """English month-day dates as documents write them: "September 5" → 9月5日, "5 May 2020" → 2020年5月5日."""
    out, spans = [], []
    for m in _MONTH_DAY.finditer(text):
        month, day, year = (m.group(1), m.group(2), m.group(3)) if m.group(1) else (m.group(5), m.group(4), m.group(6))
        mi = next(i for i, name in enumerate(_MONTHS, 1) if name.startswith(month.lower().rstrip(".")[:3]))
        d = int(day)
        if not 1 <= d <= 31:
            continue
        out.append(f"{year}年{mi}月{d}日" if year else f"{mi}月{d}日")
        spans.append((m.start(), m.end()))
    return out, spans


def _english_numbers(text: str) -> tuple[list[str], list[tuple[int, int]]]:
    """Figures of an English text in the forms Chinese documents write, with their spans.

        >>> _english_numbers("designated September 5 every year, since 1 May 2020")
        (['9月5日', '2020年5月1日'], [(11, 22), (41, 51)])
    """
    out, spans = _month_days(text)
    for m in _NUM_EN.finditer(text):
        if any(a <= m.start() < b for a, b in spans):
            continue  # the day of a date
        value, frac, scale, unit = m.group(1), m.group(2) or "", m.group(3) or "", m.group(4) or ""
        tail = text[m.end(1) + len(frac) : m.end(1) + len(frac) + 2].lower()
        if tail in ("st", "nd", "rd", "th") and not (scale or unit):
            continue  # ordinal: 14th
        if re.fullmatch(YEAR, value) and not (frac or scale or unit):
            continue  # a year, handled by _years
        out.append(english_number(value, frac, scale, unit))
        spans.append((m.start(), m.end()))
    return out, spans


_WORDS = {w: i for i, w in enumerate("zero one two three four five six seven eight nine ten eleven twelve thirteen "
                                     "fourteen fifteen sixteen seventeen eighteen nineteen".split())}
_WORDS.update({w: 10 * i for i, w in enumerate("twenty thirty forty fifty sixty seventy eighty ninety".split(), 2)})
_WORD_NUM = re.compile(r"\b(" + "|".join(sorted(_WORDS, key=len, reverse=True)) + r")(?:[\s\-]+(one|two|three|four|five|"
                       r"six|seven|eight|nine))?\b", re.I)


def word_numbers(text: str) -> list[str]:
    """Figures an English text writes in words, as digits: "originally set for five years" → ['5'].

        >>> word_numbers("set for five years, cut by twenty-one days")
        ['5', '21']
    """
    out = []
    for m in _WORD_NUM.finditer(text):
        v = _WORDS[m.group(1).lower()] + (_WORDS[m.group(2).lower()] if m.group(2) else 0)
        out.append(str(v))
    return out
