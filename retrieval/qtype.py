"""Question typing and the small facts an answer extractor needs from a question.

``classify`` returns one of ``number | which-region | date | list | fact | which-doc`` for
Chinese (simplified or traditional), English and mixed questions. It is rule based: the
question words of each type are few and stable in both languages.

>>> classify("哪个省份将技术合同成交额的目标设定为500亿元?")
'which-region'
>>> classify("How many high-tech enterprises did Zhejiang certify in 2020?")
'number'
>>> asked_count("浙江重点打造的三大科创高地是哪三个?")
3
"""

from __future__ import annotations

import re

from retrieval.sentences import fold

TYPES = ("number", "which-region", "date", "list", "fact", "which-doc", "compare")

# Province-level divisions: short form → (full form, English). Short forms follow DocMeta.region.
PROVINCES: dict[str, tuple[str, str]] = {
    "北京": ("北京市", "Beijing"), "天津": ("天津市", "Tianjin"), "上海": ("上海市", "Shanghai"),
    "重庆": ("重庆市", "Chongqing"), "河北": ("河北省", "Hebei"), "山西": ("山西省", "Shanxi"),
    "辽宁": ("辽宁省", "Liaoning"), "吉林": ("吉林省", "Jilin"), "黑龙江": ("黑龙江省", "Heilongjiang"),
    "江苏": ("江苏省", "Jiangsu"), "浙江": ("浙江省", "Zhejiang"), "安徽": ("安徽省", "Anhui"),
    "福建": ("福建省", "Fujian"), "江西": ("江西省", "Jiangxi"), "山东": ("山东省", "Shandong"),
    "河南": ("河南省", "Henan"), "湖北": ("湖北省", "Hubei"), "湖南": ("湖南省", "Hunan"),
    "广东": ("广东省", "Guangdong"), "海南": ("海南省", "Hainan"), "四川": ("四川省", "Sichuan"),
    "贵州": ("贵州省", "Guizhou"), "云南": ("云南省", "Yunnan"), "陕西": ("陕西省", "Shaanxi"),
    "甘肃": ("甘肃省", "Gansu"), "青海": ("青海省", "Qinghai"), "台湾": ("台湾省", "Taiwan"),
    "内蒙古": ("内蒙古自治区", "Inner Mongolia"), "广西": ("广西壮族自治区", "Guangxi"),
    "西藏": ("西藏自治区", "Tibet"), "宁夏": ("宁夏回族自治区", "Ningxia"),
    "新疆": ("新疆维吾尔自治区", "Xinjiang"), "香港": ("香港特别行政区", "Hong Kong"),
    "澳门": ("澳门特别行政区", "Macao"),
}
_EN_TO_REGION = {en.lower(): short for short, (_, en) in PROVINCES.items()}
_EN_TO_REGION.update({"shaanxi": "陕西", "inner mongolia": "内蒙古", "macau": "澳门"})

_CN_NUM = "零〇一二两三四五六七八九十百"
_CN_DIGIT = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_EN_NUM = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10}

_DOC_NOUN_ZH = "文件|文档|通知|报告|讲话|政策|法律|法规|规章|条例|规定|办法|决议|司法解释|规则|规范|细则|意见|方案|决定|规划|修正案|法"
_DOC_NOUN_EN = ("documents?|file|report|notice|policy|law|regulations?|rules|resolution|guidelines?|measures|provisions|"
                "plan|interpretation|amendment|decision|opinions")
_WHICH_DOC = re.compile(rf"哪一?(?:份|篇|部)[^，,。？?]{{0,16}}?(?:{_DOC_NOUN_ZH})|哪(?:一|个)?(?:项|个)[^，,。？?]{{0,8}}?(?:{_DOC_NOUN_ZH})|哪一?年的[^，,。？?]{{0,10}}(?:报告|修正案|决议)"
                        rf"|\bwhich (?!province|region|city|cities|municipalit|county|district|special administrative)(?:year's )?"
                        # not past an auxiliary: in "which song does the Anthem Law name" the law is the clause's
                        rf"(?:(?!(?:does|did|do|is|was|are|were|has|have|had|must|can|may|should|will) )\S+ ){{0,5}}?"
                        rf"(?:{_DOC_NOUN_EN})\b(?! (?:of|on) which)", re.I)
# "哪一年的报告定得更高", "which report set the larger …", "A和B，哪个城市的更长": a comparison of two sides.
_COMPARE_ZH = re.compile(r"哪[^，,。？?]{0,20}?(?:更|较)(?:高|低|多|少|大|小|长|短|早|晚|严|宽|重|轻|快|慢)|哪[^，,。？?]{0,12}?(?:先|后)(?:写入|施行|通过|实施|颁布)")
_COMPARE_EN = re.compile(r"\b(?:which|did)\b[^?]*\b(?:higher|lower|larger|bigger|smaller|more|fewer|less|longer|shorter|earlier|"
                         r"later|greater|stricter|older|younger)\b", re.I)
# A comparison names two sides ("A or B", "between", "both"); a comparative before "than 300 years" only quantifies.
_TWO_SIDES_EN = re.compile(r"\bor\b|\bbetween\b|\bboth\b|\bthe two\b|\bvs\.?|\bversus\b|\band\b|\bthan\b", re.I)
_QUANTIFIER_EN = re.compile(r"\b(?:more|less|fewer|longer|shorter|higher|lower|greater|larger|smaller|older|younger)"
                            r" than (?:\d|a |an |one|two|three|four|five|six|seven|eight|nine|ten|half|twice)", re.I)
_REGION_ZH = re.compile(r"(哪|什么|何)(个|一个)?(省份|省|自治区|直辖市|地区|城市|市|地级市|特别行政区|经济特区|特区|自治县|自治州|县|区)"
                        r"(?![^，,。?？]{0,4}(分别|和))")
# "which Shandong city's …", "which prefecture-level city in Henan": up to two words before the place noun
_REGION_EN = re.compile(r"\bwhich (?:(?!two |three |four |five |six |\d)[\w\-]+ ){0,2}?(province|region|city|municipality|"
                        r"special administrative region|special economic zone|autonomous county|county|district|"
                        r"provincial-level region)(?![s\-])\b|"
                        r"\bwhat (province|city)\b|\bin which provincial", re.I)
_DATE_ZH = re.compile(r"哪(一)?(天|日)|几号|什么(时候|日期|时间)|何时|哪(一)?年(?!度)|日期|起止|年份|哪个月|几月")
_DATE_EN = re.compile(r"\b(what|which) (date|day|year|month)\b|(?:^|[,;:(]\s*|\b(?:since|until|and|or) )when\b|\bon what date\b|\bdate\b|"
                      r"\bat what [\w\s-]{0,20}\btime\b|\bstart and end dates?\b", re.I)
_NUMBER_ZH = re.compile(r"多少|多大|多长|多久|多远|多高|多深|多重|几(个|家|项|名|人|倍|成|批|所|次|座|种|年|天|日|米|小时|个月|岁|周岁|分钟|"
                        r"公里|层|级|分)|第几|排(名|第)|比重|占比|强度|增幅|增速|(百分)比|百分之几|千分之几")
_NUMBER_EN = re.compile(r"\bhow (many|much|long|far|old|close|quickly|soon|often|high|big|large|deep|wide|tall|heavy)\b|"
                        r"\bwhat (?:[\w\-]+ ){0,2}?(multiple|share|percentage|proportion|amount|value|level|ratio|rank|"
                        r"fine|penalty|rate|fee|limit|age|range|speed|scale|ceiling|cap|cut|distance|size|threshold|quota|"
                        r"capacity|density|height|width|length)\b|\b(maximum|minimum)\b|\brange of\b|"
                        r"\bwhat was the (value|amount|total|number)|\bwhat (is|was) the (number|total)", re.I)
# "What was X's R&D expenditure …", "… target for X?": a metric noun asks for a figure even without "how many".
_METRIC_EN = re.compile(r"\b(expenditure|spending|investment|turnover|budget|revenue|output|funding|income|intensity|"
                        r"growth rate|value added|headcount)s?\b", re.I)
_TARGET_EN = re.compile(r"\btargets? (for|of)\b", re.I)
_LIST_ZH = re.compile(r"哪(几|些|两|三|四|五|六|七|八|九|十|\d)|分别(是|为|管|指)|依次(是|为)|包括(哪|什么)|有哪|哪[几两三四五六七八九十]{1,2}(?:个)?大|哪[“\"「]|"
                      r"[一二三四五六七八九十\d]+(项|个|大|种|类)[^，,。?？]{0,10}(是什么|有哪些|是哪些)")
# "list" only as the request ("list the …"), not the noun ("made the recommendation list").
_LIST_EN = re.compile(r"\b(?:which|what) (two|three|four|five|six|seven|eight|nine|ten)\b|\bwhat are (the )?\b|\bname (the|which)\b|"
                      r"\bwhich (?:\S+ )?(sectors|functions|options|items|measures|tasks|areas|industries|fields|rivers|types|"
                      r"kinds|categories|forms|sources|groups|bodies)\b|"
                      r"\bnames which\b|^\s*list\b|\blist (the|all|every)\b|"
                      # which/what + a plural noun + a verb: "which emergency hotlines are excluded"
                      r"\b(?:which|what) (?:[a-z\-]+ ){0,2}[a-z]+[^sui\W]s (?:are|were|do|must|can|may|should|have)\b", re.I)
# "起止年份是哪几年" asks for years, not for a list.
_YEARS_ASKED = re.compile(r"起止|哪(几|一|两)?年(?!度)|年份")


# Several wh-gaps in one question ("成为什么高地和什么基地") ask for one item per gap: a list.
_GAPS = re.compile(r"什么(?=[\u4e00-\u9fff])|哪(?:一|个|种|类)(?=[\u4e00-\u9fff])")


def _is_english(q: str) -> bool:
    latin = len(re.findall(r"[A-Za-z]", q))
    cjk = len(re.findall(r"[\u4e00-\u9fff]", q))
    return latin > cjk


def classify(question: str) -> str:
    """Type of the answer a question asks for (see ``TYPES``)."""
    q = fold(question)
    if _COMPARE_ZH.search(q) or (_COMPARE_EN.search(q) and _TWO_SIDES_EN.search(q) and not _QUANTIFIER_EN.search(q)):
        return "compare"
    if _WHICH_DOC.search(q):
        return "which-doc"
    # "which two provinces" asks for a list of regions, not one region.
    if re.search(r"which (two|three|four|five) (provinces|regions|cities)", q, re.I) or re.search(
        r"哪(两|三|四|五|几|些)(个)?(省|市|地|城)", q
    ):
        return "list"
    if _REGION_ZH.search(q) or _REGION_EN.search(q):
        return "which-region"
    if re.search(r"哪几天|起止日期|start and end", q, re.I):
        return "date"
    if _YEARS_ASKED.search(q) and not re.search(r"多少年|how many years", q, re.I):
        return "date"
    if _LIST_ZH.search(q) or _LIST_EN.search(q) or len(_GAPS.findall(q)) >= 2:
        return "list"
    if re.search(r"\bhow (many|much)\b", q, re.I) and not re.search(r"\b(what|which|on what) (date|day|year|month)\b|"
                                                                   r"^\s*when\b", q, re.I):
        return "number"  # "how many days in advance … of the date of a session" counts days
    if _DATE_ZH.search(q) or _DATE_EN.search(q):
        # "多少年" / "how many years" ask for a count.
        if re.search(r"多少年|how many years", q, re.I):
            return "number"
        return "date"
    if _NUMBER_ZH.search(q) or _NUMBER_EN.search(q):
        return "number"
    if _is_english(q) or re.search(r"[A-Za-z]{3}", q):
        if _METRIC_EN.search(q) or _TARGET_EN.search(q):
            return "number"
    return "fact"


def asked_count(question: str) -> int | None:
    """The number of items a list question asks for: 哪三个 / 三大 / 5个倍增 / which two."""
    q = fold(question)
    m = re.search(rf"哪([{_CN_NUM}\d]+)[个项家大种所条方位]?", q) or re.search(
        rf"([{_CN_NUM}\d]+)(个|项|家|大|种|所|条)(?=[^，,。?？]{{0,10}}(分别|是哪|哪|包括))", q
    ) or re.search(rf"([{_CN_NUM}\d]+)(大)", q)
    if m:
        return cn_int(m.group(1))
    m = re.search(r"\b(two|three|four|five|six|seven|eight|nine|ten)\b", q, re.I)
    if m and _is_english(q):
        return _EN_NUM[m.group(1).lower()]
    return None


def cn_int(s: str) -> int | None:
    """Small Chinese or Arabic integer → int (一 … 九十九); None when not one."""
    if s.isdigit():
        return int(s)
    if not s or any(ch not in _CN_NUM for ch in s):
        return None
    if s == "十":
        return 10
    if "十" in s:
        a, _, b = s.partition("十")
        return (_CN_DIGIT.get(a, 1) if a else 1) * 10 + (_CN_DIGIT.get(b, 0) if b else 0)
    if len(s) == 1:
        return _CN_DIGIT.get(s)
    return None


def asks_city(question: str) -> bool:
    q = fold(question)
    return bool(re.search(r"哪(个|一个)?(城市|市|地级市)|which (city|municipality)|what city", q, re.I))


def is_english(question: str) -> bool:
    return _is_english(question)


def question_regions(question: str) -> tuple[str, ...]:
    """Province-level regions a question names (short forms), in Chinese or English."""
    q = fold(question)
    found: list[str] = []
    for short in PROVINCES:
        if short in q and short not in found:
            found.append(short)
    if "龙江" in q and "黑龙江" not in found and "黑龙江" not in q:
        found.append("黑龙江")  # 龙江 is the common short name of Heilongjiang
    for en, short in _EN_TO_REGION.items():
        if re.search(rf"\b{en}\b", q) and short not in found:
            found.append(short)
    return tuple(found)


def question_periods(question: str) -> tuple[str, ...]:
    """Years (``2025``) and plan periods (``十四五``) a question names, as strings."""
    q = fold(question)
    out: list[str] = []
    for m in re.finditer(r"(?<!\d)((?:19|20)\d\d)(?!\d)", q):
        out.append(m.group(1))
    for m in re.finditer(r"(十[一二三四五六七八九]五)", q):
        out.append(m.group(1))
    m = re.search(r"\b(\d+)(st|nd|rd|th) five-year plan", q, re.I)
    if m:
        n = int(m.group(1))
        names = {13: "十三五", 14: "十四五", 15: "十五五"}
        if n in names:
            out.append(names[n])
    out += [str(y) for y in session_years(question)]
    return tuple(dict.fromkeys(out))


# The year each National People's Congress held its first session; its later sessions follow one a year, except the
# 2nd NPC's third and fourth (1962, 1963). Historical fact, shared by the Chinese and English forms below.
NPC_FIRST_YEAR = {1: 1954, 2: 1959, 3: 1964, 4: 1975, 5: 1978, 6: 1983, 7: 1988, 8: 1993, 9: 1998, 10: 2003,
                  11: 2008, 12: 2013, 13: 2018, 14: 2023}
_NPC_SESSION_YEAR = {(2, 3): 1962, (2, 4): 1963}
_NPC_ZH = re.compile(r"第?([一二三四五六七八九十]{1,3})届全国(?:人民代表大会|人大)(?!常务委员会|常委会)第?([一二三四五六七八九十])次")
_EN_ORD = {w: i for i, w in enumerate("first second third fourth fifth sixth seventh eighth ninth tenth eleventh "
                                       "twelfth thirteenth fourteenth".split(), 1)}
_ORD_EN = r"\d{1,2}(?:st|nd|rd|th)|" + "|".join(_EN_ORD)
_NPC_EN = re.compile(rf"\b(?P<s>{_ORD_EN}) session of the (?P<n>{_ORD_EN}) (?:national people['’]s congress|npc)\b", re.I)


def _ordinal(s: str) -> int | None:
    s = s.lower()
    return int(re.match(r"\d+", s).group(0)) if s[:1].isdigit() else _EN_ORD.get(s)


def session_years(question: str) -> tuple[int, ...]:
    """Years of the National People's Congress sessions a question names (十三届全国人大三次会议 → 2020).

        >>> session_years("十三届全国人大三次会议的决议"), session_years("第二届全国人民代表大会第三次会议")
        ((2020,), (1962,))
        >>> session_years("the Second Session of the 12th National People's Congress"), session_years("十三届全国人大常委会第三次会议")
        ((2014,), ())
    """
    out: list[int] = []
    for m in _NPC_ZH.finditer(fold(question)):
        n, k = cn_int(m.group(1)), cn_int(m.group(2))
        if n in NPC_FIRST_YEAR and k:
            out.append(_NPC_SESSION_YEAR.get((n, k), NPC_FIRST_YEAR[n] + k - 1))
    for m in _NPC_EN.finditer(question):
        k, n = _ordinal(m.group("s")), _ordinal(m.group("n"))
        if n in NPC_FIRST_YEAR and k:
            out.append(_NPC_SESSION_YEAR.get((n, k), NPC_FIRST_YEAR[n] + k - 1))
    return tuple(dict.fromkeys(out))


# Plan periods and their years: a question about "十四五" accepts a figure stated "by 2025".
PERIOD_YEARS = {"十二五": range(2011, 2016), "十三五": range(2016, 2021), "十四五": range(2021, 2026),
                "十五五": range(2026, 2031)}


def english_region(short: str) -> str:
    return PROVINCES.get(short, ("", ""))[1]


def is_municipality(place: str) -> bool:
    """Whether a province-level place (short or full name) is a city: the four 直辖市.

        >>> is_municipality("重庆"), is_municipality("上海市"), is_municipality("山东"), is_municipality("济南市")
        (True, True, False, False)
    """
    full = PROVINCES.get(place, (place, ""))[0]
    return full.endswith("市") and any(full == v[0] for v in PROVINCES.values())


def full_region(short: str) -> str:
    return PROVINCES.get(short, (short, ""))[0]
