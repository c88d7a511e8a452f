"""Years and periods of target statements: 到2025年, 2022—2026年, “十四五”, 今年 / 明年 (the document's year), 今后五年,
and the period a paragraph sets for the target sentences that follow.

    >>> year_of("到2025年，全省技术合同成交额突破500亿元。", 2022)
    '2025'
    >>> year_of("“十四五”期间年均增长7%。", 2021), year_of("今后五年年均增长7%。", 2011), year_of("今年增长5%左右。", 2025)
    ('2021-2025', '2011-2015', '2025')
"""

from __future__ import annotations

import re

_YEAR_TO = re.compile(r"(?:到|至|在)(\d{4})年|(\d{4})年(?:前|底|末|以前|左右)")
_BARE_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})年(?![\d月]|以来|起)")
_PERIOD = re.compile(r"(\d{4})\s*[-—－至到～~]\s*(\d{4})年")
# A five-year plan by its number: quoted (“十四五”) or followed by a period word (七五计划, 十三五期间); not the 九五 of
# 一九五九年 nor the 十五 of 第十五届.
_FYP = re.compile(r"“(十[一二三四五]?五|[六七八九]五)”|(?<![〇零一二三四五六七八九十第])(十[一二三四五]?五|[六七八九]五)"
                  r"(?=计划|规划|期间|时期|期末|末|以来)")
_FYP_START = {"六五": 1981, "七五": 1986, "八五": 1991, "九五": 1996, "十五": 2001, "十一五": 2006, "十二五": 2011,
              "十三五": 2016, "十四五": 2021, "十五五": 2026}
_NEXT_YEARS = re.compile(r"(?:今后|未来|此后)([二三四五六七八九十])年")
_CN_DIGIT = {c: i for i, c in enumerate("零一二三四五六七八九十")}


def _period(years: tuple[int, int]) -> str:
    return f"{years[0]}-{years[1]}"


def year_of(sent: str, doc_year: int | None, kind: str = "") -> str | None:
    m = _YEAR_TO.search(sent)
    if m:
        return m.group(1) or m.group(2)
    if doc_year and ("今年" in sent or "本年" in sent):
        return str(doc_year)
    m = _PERIOD.search(sent)
    if m:
        return _period((int(m.group(1)), int(m.group(2))))
    m = _YEAR_TO.search(sent)
    if m:
        return m.group(1) or m.group(2)
    m = _FYP.search(sent)
    if m and (m.group(1) or m.group(2)) in _FYP_START:
        s = _FYP_START[m.group(1) or m.group(2)]
        return _period((s, s + 4))
    m = _NEXT_YEARS.search(sent)
    if m and doc_year:  # 今后五年 in a 2011 report: 2011-2015
        n = _CN_DIGIT.get(m.group(1), 0)
        if n > 1:
            return _period((doc_year, doc_year + n - 1))
    m = _BARE_YEAR.search(sent)
    if m:
        return m.group(1)
    if doc_year:
        if "今年" in sent or "本年" in sent:
            return str(doc_year)
        if "明年" in sent:
            return str(doc_year + 1)
        if kind != "target" and ("去年" in sent or "上年" in sent):  # a target "比上年提高" is still this year's
            return str(doc_year - 1)
    return None


_FRAMES = re.compile(r"目标|指标|任务是|预期")


def context_year(s: str, bounds: list[int], si: int, a: int, back: int = 2) -> str | None:
    r"""The target year or period a target sentence without one (its figure at ``a``) inherits from the sentences
    before it in its paragraph: 「“十四五”科技工作的总体目标是：…。即：…达到530亿元以上」 is a 2021–2025 target.
    Only a year a target is set for (到2025年, 2021—2025年, “十四五”) by a sentence that frames targets (目标, 指标,
    任务是, 预期) carries over, not a bare year of the past nor a programme's name (“十四五”育种专项).

        >>> s = "“十四五”的总体目标是：实现倍增。即：技术合同成交额达到530亿元以上。"
        >>> context_year(s, [0, 15, len(s)], 1, s.index("530"))
        '2021-2025'
        >>> s = "“十四五”的总体目标是：实现倍增。\n技术合同成交额达到530亿元以上。"
        >>> context_year(s, [0, 15, len(s)], 1, s.index("530")) is None
        True
    """
    para = s.rfind("\n", 0, a) + 1
    for j in range(si - 1, max(-1, si - 1 - back), -1):
        if bounds[j + 1] <= para:
            return None  # the paragraph starts after that sentence
        prev = s[max(bounds[j], para):bounds[j + 1]]
        if not _FRAMES.search(prev):
            continue  # 推进实施“十四五”育种专项: a programme's name, not the period the targets are set for
        m = _YEAR_TO.search(prev)
        if m:
            return m.group(1) or m.group(2)
        m = _PERIOD.search(prev)
        if m:
            return _period((int(m.group(1)), int(m.group(2))))
        m = _FYP.search(prev)
        if m and (m.group(1) or m.group(2)) in _FYP_START:
            st = _FYP_START[m.group(1) or m.group(2)]
            return _period((st, st + 4))
    return None
