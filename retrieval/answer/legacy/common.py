"""Shared pieces of the rule-based extractor: the callable types it is given, the regexes and word lists every step
reads (question words, English stop words, figures with units, dates, titles, organisation suffixes), and the frozen
records passed between steps — ``_Sent`` (a scored sentence), ``_Span`` (an answer span in a sentence) and
``_Terms`` (weighted question terms).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

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
    r"(?P<num>\d+(?:,\d{3})*(?:\.\d+)?)\s*(?P<mag>万亿|亿|万|千(?![克米瓦]))?(?P<unit>" + _UNITS + r")?"
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


@dataclass(frozen=True)
class _Terms:
    weights: dict[str, float]  # normalized term → weight
    missing: int = 0  # English content words with no Chinese form that no passage holds
