"""Number candidates: every quantity a sentence states, in Arabic or Chinese numerals, with its unit.

``500亿元``, ``4.8%左右``, ``六千万吨``, ``３，６８０亿斤``, ``二百元以上一千元以下`` (a range is one candidate and
so is each end), ``百分之二十``, ``十个工作日``. Features say whether the unit is the kind the question
asks for, how the figure is tied to the question's metric and whether it sits under the year asked.

    >>> from retrieval.answer.number import find_quantities
    >>> [t for _, _, t in find_quantities("钢产量六千万吨，罚款二百元以上一千元以下，增长4.8%左右")]
    ['六千万吨', '二百元以上一千元以下', '二百元以上', '一千元以下', '4.8%左右']
"""

from __future__ import annotations

import re

from index.numbers import parse_quantity
from retrieval import qtype
from retrieval.answer import legacy
from retrieval.answer.base import Candidate, Context, head_fit, proximity
from retrieval.answer.conditions import clause_conditions, condition_off, full_sentence
from retrieval.answer.labels import HEADER_REACH, header_labels, label_fit, quoted
from retrieval.sentences import fold

_CN = "零〇一二两三四五六七八九十百千"
_UNIT = (
    "个百分点|百分点|个工作日|工作日|个月|个小时|万元|亿元|美元|元|人次|万人|平方公里|平方米|立方米|公顷|公里|千米|厘米|毫米|米|"
    "千瓦时|千瓦|毫升|千克|公斤|分贝|小时|分钟|周岁|家|项|个|名|位|人|件|台|套|所|座|种|篇|倍|%|‰|亩|吨|斤|户|次|批|天|日|周|岁|支|条|款|"
    "部|届|场|份|株|只|头|辆|张|分|级|类|年|月"
)
_QUAL = r"(?:左右|以上|以下|以内|之内|多|余|内)?"
_ARABIC = r"\d+(?:,\d{3})*(?:\.\d+)?"
_CHINESE = rf"[{_CN}]+(?:(?:万亿|亿|万)[{_CN}]+)*(?:点[{_CN}]+)?"
_ONE = (rf"(?:(?:日|每日)?[千万]分之(?:{_ARABIC}|{_CHINESE})|百分之(?:{_ARABIC}|{_CHINESE})|(?:{_ARABIC})\s*(?:万亿|千亿|千万|亿|万|千(?![克米瓦]))?\s*(?:{_UNIT})?"
        rf"|(?:{_CHINESE})(?:万亿|亿|万)?(?:{_UNIT})){_QUAL}")
_QTY = re.compile(rf"(?<![\d.,{_CN}])({_ONE})(?:(?:至|到|—|-|~|～)?\s*({_ONE}))?")
_YEARLIKE = re.compile(r"^(?:19|20)\d\d$")
_CN_YEAR = re.compile(rf"^[{_CN}]{{4}}年$")


def find_quantities(f: str) -> list[tuple[int, int, str]]:
    """``(start, end, text)`` of the quantities of a folded sentence; a range also yields each of its ends."""
    out: list[tuple[int, int, str]] = []
    for m in _QTY.finditer(f):
        one, two = m.group(1), m.group(2)
        if not _plausible(one, f, m.start(1), m.end(1)):
            continue
        if two and _plausible(two, f, m.start(2), m.end(2)):
            out.append((m.start(), m.end(), f[m.start():m.end()]))
            out.append((m.start(1), m.end(1), one))
            out.append((m.start(2), m.end(2), two))
        else:
            out.append((m.start(1), m.end(1), one))
    return out


def _plausible(t: str, f: str, a: int, b: int) -> bool:
    t0 = t.rstrip("左右以上下内之多余")
    if _YEARLIKE.match(t0) or _CN_YEAR.match(t0) or re.fullmatch(r"(?:19|20)\d\d年", t0):
        return False  # a year
    if re.fullmatch(r"\d+", t0) and f[b:b + 1] in (".", "、", ")", "）"):
        return False  # an enumeration mark
    if re.fullmatch(r"[一二三四五六七八九十]", t0[:1]) and len(t0) == 1:
        return False
    if f[max(0, a - 1):a] == "第":
        return False  # an ordinal (第三条)
    if re.fullmatch(r"一(?:批|个|项|种|类|次|家|件|条|款|部|支|场|份|名|位|人|户|所|座|台|套|篇|级|分)", t0):
        return False  # 一批 / 一项: an article, not a count
    if re.fullmatch(rf"[{_CN}]+[月日]", t0) and f[max(0, a - 1):a] in "年月":
        return False  # part of a date
    if re.fullmatch(r"\d{1,2}[月日]", t0) and (f[b:b + 1] in "0123456789" or f[max(0, a - 1):a] in "年月"):
        return False
    return parse_quantity(t) is not None or bool(re.search(rf"[{_CN}\d]", t0))


class NumberProposer:
    """Every quantity of the best sentences; the question's own figures and dates are left out."""

    kind = "number"

    def __init__(self, max_sents: int = 8, reach: int = 2):
        self.max_sents = max_sents
        self.reach = reach  # the sentences with a figure are sought among the first max_sents × reach

    def propose(self, ctx: Context) -> list[Candidate]:
        cat, classifier = expected_unit(ctx.question_folded)
        quals = legacy._question_qualifiers(ctx.question_folded)
        asked_labels = quoted(ctx.question_folded)
        conditions = {g for g in ctx.given if not _YEARLIKE.match(g)}
        stated = None if ctx.english else stated_units(ctx.question_folded)
        out: list[Candidate] = []
        used = 0
        ordinal = _ordinal_pattern(classifier) if cat == "ordinal" else None
        for s in ctx.sents[: self.max_sents * self.reach]:
            if used >= self.max_sents:
                break
            f = s.folded
            found = find_quantities(f)
            ords = list(ordinal.finditer(f)) if ordinal is not None else []
            if not found and not ords:
                continue  # a sentence without a figure takes no place among the ones read
            used += 1
            term_pos = ctx.term_positions(f)
            h = ctx.hits[s.hit]
            # the full sentence (to its 。) the clause belongs to: sentences are split at ；
            lo, full = full_sentence(h.chunk.text, s.start, s.end) if conditions else (s.start, f)
            held = clause_conditions(full, conditions)
            w = max(0, s.start - HEADER_REACH)  # fold only the window a header may stand in
            inherited = header_labels(fold(h.chunk.text[w:s.start + 8]), s.start - w) if asked_labels else []
            for a, b, t in found:
                raw = s.text[a:b]
                q = parse_quantity(t)
                num = re.sub(r"[^\d.]", "", t)
                if not num:  # 二十四小时 for a question that says 24小时: its figure in Chinese numerals
                    lead = re.match(rf"[{_CN}]+", t)
                    v = qtype.cn_int(lead.group(0)) if lead else None
                    num = str(v) if v is not None else ""
                if num and num in ctx.given and (stated is None or _same_unit(stated.get(num), t)):
                    continue  # the question's own figure (已满10年 is stated; 10天 in another unit is not)
                unit_cat = _cat(unit_of(t, q.unit if q else ""))
                qual = legacy._qualifier_fit(f, a, b, quals)
                feats = {
                    "unit_match": 1.0 if cat != "any" and unit_cat == cat else 0.0,
                    "unit_mismatch": 1.0 if cat not in ("any",) and unit_cat not in (cat, "bare") else 0.0,
                    "unit_time": 1.0 if unit_cat == "time" else 0.0,
                    "bare": 1.0 if unit_cat == "bare" else 0.0,
                    "clf_match": 1.0 if classifier and raw.rstrip("左右以上下内之多余").endswith(classifier) else 0.0,
                    # the question writes its unit (多少亿斤, 几年, 多少元) and this figure is in another
                    "unit_explicit_off": 1.0 if classifier and _off_unit(raw, q.unit if q else "", cat, classifier) else 0.0,
                    # a duration for a count, sum or rate, or a sum or rate for a duration: 0 of the 857 right
                    # candidates of the 523 training questions, 128 wrong ones (2026-12-02)
                    "unit_kind_off": 1.0 if _kind_off(cat, unit_cat) else 0.0,
                    "qualifier": 1.0 if re.search(r"(左右|以上|以下|以内|之内|多|余)$", t) else 0.0,
                    "is_range": 1.0 if re.search(r"以上.+以下|至|到|—|~|～", t[1:]) else 0.0,
                    "cn_numeral": 1.0 if re.match(rf"[{_CN}]", t) else 0.0,
                    "prox": proximity(ctx, s, a, b),
                    "prox_clause": legacy._proximity(a, b, term_pos, f),
                    "attach": legacy._attach_fit(f, a, b, ctx.terms, ctx.wording),
                    "head_fit": head_fit(ctx, f, a),
                    "local": legacy._context_fit(f, a, b, ctx.wording),
                    "period_gov": legacy._governing_period_score(f, a, ctx.periods, h.chunk.text, s.start),
                    "level_bad": 1.0 if qual is None else 0.0,
                    "level_ok": qual if qual else 0.0,
                    # the quoted grade the figure is for (“数额较大”) against the one the question quotes
                    "label_fit": label_fit(f, a, b, asked_labels, found, inherited),
                    # the ；-clause holds fewer of the question's own figures (已满10年不满20年) than a sibling clause
                    # that holds them all: another bracket's figure
                    "condition_off": condition_off(held, s.start - lo + a, len(conditions)),
                }
                out.append(Candidate("number", s, s.start + a, s.start + b, raw, feats, legacy._english_number(raw)))
            for m in ords:  # 排第几 / 第几届: 第四名, 第七届, 第十七次全国代表大会
                end = m.end() + _shared_head(ctx.question_folded, classifier, f[m.end():])
                raw = s.text[m.start():end]
                out.append(Candidate("number", s, s.start + m.start(), s.start + end, raw,
                                     {"ordinal_fit": 1.0, "prox": proximity(ctx, s, m.start(), m.end())},
                                     legacy._english_number(raw)))
        return out


_UNIT_AFTER = re.compile(rf"(\d+(?:\.\d+)?)\s*((?:万亿|亿|万)?(?:{_UNIT})?)")
_SAME = {"日": "天", "个月": "月", "周岁": "岁"}


def stated_units(qf: str) -> dict[str, set[str]]:
    """The units a (folded, Chinese) question writes after each of its figures ('' for a bare figure).

        >>> stated_units("已满10年但不满20年的职工可休多少天？")
        {'10': {'年'}, '20': {'年'}}
    """
    out: dict[str, set[str]] = {}
    for m in _UNIT_AFTER.finditer(qf):
        out.setdefault(m.group(1), set()).add(_SAME.get(m.group(2), m.group(2)))
    return out


def _same_unit(units: set[str] | None, t: str) -> bool:
    """Whether the figure ``t`` is in a unit the question writes its figure in (or either has none)."""
    if not units:
        return True
    u = unit_of(t)
    u = _SAME.get(u, u)
    return "" in units or not u or u in units


def _ordinal_pattern(classifier: str) -> re.Pattern:
    """第N + the classifier the question asks with (第几届 → 第七届); 第N名/位 for a rank (排第几)."""
    clf = re.escape(classifier) if classifier else "(?:名|位)"
    return re.compile(rf"第[一二三四五六七八九十百零〇\d]{{1,4}}{clf}")


def _shared_head(question: str, classifier: str, after: str) -> int:
    """How many characters after an ordinal repeat the noun the question puts after its 第几 (第几次全国代表大会 →
    第十七次|全国代表大会): the answer names the thing counted, as the question does.

        >>> _shared_head("迎接第几次全国代表大会召开？", "次", "全国代表大会胜利召开")
        6
    """
    m = re.search(rf"第几{re.escape(classifier)}([\u4e00-\u9fff]{{1,12}})", question) if classifier else None
    if not m:
        return 0
    n = 0
    for x, y in zip(m.group(1), after, strict=False):
        if x != y:
            break
        n += 1
    return n if n >= 2 else 0


# What an English number question asks for, read off the noun it asks about ("what fine", "how much notice",
# "what steel output target"): first match in the asked phrase wins, so a rate is a percentage even of money.
_EN_UNIT = (
    (r"\b(?:percent|percentage|share|rates?|ratios?|proportion)\b", "percent"),
    (r"\b(?:times|fold|multiple)\b", "ratio"),
    (r"\b(?:days?|hours?|years?|months?|weeks?|minutes?|period|term|notice|age|long|deadline|interval|soon|often|"
     r"ahead|advance|beforehand)\b",
     "time"),
    (r"\b(?:yuan|rmb|fines?|penalty|penalties|budget|spending|expenditure|investment|income|revenue|payout|"
     r"subsid(?:y|ies)|rewards?|bonus|funds?|funding|wages?|salary|costs?|fees?|compensation|deficit|prices?|"
     r"turnover|capital|gdp|awards?|scale|bonds?|loans?|lending)\b", "money"),
    (r"\b(?:tons?|tonnes?|met(?:re|er)s?|kilomet(?:re|er)s?|km|kg|kilograms?|millilit(?:re|er)s?|ml|mu|hectares?|"
     r"square|speed|distance|far|close|output|area|weight|volume|height|dbm|power)\b", "count"),
)
# Where an English question says what it asks for: the words after "how much/many/long/far" or after "what/which"
# up to the verb; a "five-year plan" or "per year" there is a name or a rate, not the unit asked.
_EN_ASKED = re.compile(r"\b(?:how\s+(?:much|many|long|far|close|old|often|soon|high|big|large)|what|which)\b\s*"
                       r"((?:(?!\b(?:is|are|was|were|does|do|did|must|can|could|should|shall|will|would|has|have|had|"
                       r"may|might)\b)[^,?;:])*)")
_EN_NOT_UNIT = re.compile(r"\b[a-z]+-year\b|\b(?:per|a|each|every)\s+(?:year|month|day)\b|\b(?:19|20)\d\d\b")


def expected_unit(q: str) -> tuple[str, str]:
    """(category, classifier) a number question asks for: money | percent | ratio | time | count | ordinal | any.

        >>> expected_unit("几个工作日内"), expected_unit("罚款多少元"), expected_unit("how many days of leave")
        (('time', '个工作日'), ('money', '元'), ('time', ''))
    """
    m = re.search(r"第几([\u4e00-\u9fff])", q)
    if m:  # 第几届 / 第几次 / 第几条: an ordinal of that classifier
        return "ordinal", m.group(1)
    if re.search(r"率(?:是|为|定为|拟按|按|达到|控制在|要达到)?(?:多少|几)|rate\b", q):
        return "percent", ""
    m = re.search(rf"(?:多少|几)(?:万亿|亿|万)?({_UNIT})", q)
    if m:
        u = m.group(1)
        c = _cat(u)
        return ("count" if c == "bare" else c), u
    if re.search(r"[a-z]{3}", q):
        m2 = _EN_ASKED.search(q)
        m3 = re.search(r"\bwhat\s+(?:is|was|are|were)\b([^,?;:]*)", q)  # "what is the maximum fine …"
        asked = [m.group(0) for m in (m2, m3) if m is not None and m.group(1).strip()]
        for scope in asked:
            scope = _EN_NOT_UNIT.sub(" ", scope)
            for rx, c in _EN_UNIT:
                if re.search(rx, scope):
                    return c, ""
        if re.search(r"\bhow much\b", q):  # "how much will the city contribute", "how much did prices rise"
            # (a change, but "rise to" asks the level it reaches: the subject's unit, else money)
            change = r"\b(?:rise|rose|risen|grow|grew|grown|increase|fall|fell|drop)\w*\b"
            if re.search(change + r"(?!\s+to\b)", q):
                return "percent", ""
            if re.search(change, q):
                for rx, c in _EN_UNIT:
                    if re.search(rx, _EN_NOT_UNIT.sub(" ", q)):
                        return c, ""
            return "money", ""
        if re.search(r"\bhow many\b", q):
            return "count", ""
        scope = _EN_NOT_UNIT.sub(" ", q)
        for rx, c in _EN_UNIT:
            if re.search(rx, scope):
                return c, ""
    zh = _zh_asked(q)
    if zh is not None:
        return zh, ""
    return legacy._expected_unit(q)


# What a Chinese number question asks for, by the noun next to its question word: 赤字率是多少 → a percentage,
# 财政赤字规模是多少 → money, 罚款幅度 → money, 涨幅控制在多少 → a percentage, 增长多少 → a change (either).
_ZH_ASKED = (
    ("percent", r"率|比重|占比|比例|增幅|增速|涨幅|降幅|强度|同比|环比|百分之几"),
    ("any", r"增长|提高|下降|减少|增加|上涨|降低"),
    ("money", r"赤字|预算|资金|经费|金额|罚款|罚金|补贴|补助|奖励|奖金|投资|投入|收入|产值|增加值|债券|国债|费用|价格|工资|"
              r"成交额|销售额|营业额|交易额|营收|税额|赔偿|资助|贷款|支出|规模|总额|税收|拨款|基金|元"),
    ("time", r"期限|任期|时限|多久|多长时间|年限|有效期|年龄|周岁|工期|时长|假期|产假|年休假|服役期"),
    ("count", r"产量|面积|距离|人数|数量|数目|总数|就业|人口|长度|高度|重量|容量|功率|速度|时速|吨|米|公里|亩"),
)
_ZH_QWORD = re.compile(r"多少|几|多大|多长|多高|多重|多远|多快|多久")


def _zh_asked(q: str) -> str | None:
    """The unit category of the cue word right after the question word, else of the one that ends nearest before it
    (None without either).

        >>> _zh_asked("除拘留外还要并处多少罚款"), _zh_asked("赤字率是多少"), _zh_asked("按工资总额的多少比例缴纳")
        ('money', 'percent', 'percent')
        >>> _zh_asked("缴费凭证要保存多长时间"), _zh_asked("补贴资金多久拨付一次")
        ('time', 'time')
    """
    m = _ZH_QWORD.search(q)
    if m is None:
        return None
    if re.match(r"多久|多长(?:的)?时间", q[m.start():]):
        return "time"  # 工资台账要保存多长时间: a duration, whatever noun (工资) came before
    for cat, rx in _ZH_ASKED:  # the noun the question word modifies: 并处多少罚款, 按多少比例
        if re.match(rf"(?:{rx})", q[m.end():]):
            return cat
    best: tuple[int, str] | None = None
    for cat, rx in _ZH_ASKED:
        for c in re.finditer(rx, q[: m.start()]):
            d = m.start() - c.end()
            if best is None or d < best[0]:
                best = (d, cat)
    return best[1] if best is not None else None


_TIME_BASE = {"年": "y", "周年": "y", "月": "m", "个月": "m", "日": "d", "天": "d", "工作日": "d", "个工作日": "d",
              "周": "w", "小时": "h", "个小时": "h", "分钟": "min", "岁": "age", "周岁": "age"}


def unit_flags(question_folded: str, raw: str) -> dict[str, float]:
    """The proposer's two unit checks for a figure proposed elsewhere (the first version's pick): whether it is in
    another unit than the question writes (``unit_explicit_off``) or of another kind (``unit_kind_off``).

        >>> unit_flags("专家聘期是几年", "80 项"), unit_flags("专家聘期是几年", "五年")["unit_explicit_off"]
        ({'unit_explicit_off': 1.0, 'unit_kind_off': 0.0}, 0.0)
        >>> unit_flags("how many models", "0—15天")["unit_kind_off"]
        1.0
    """
    cat, classifier = expected_unit(question_folded)
    m = _QTY.search(raw.replace(" ", ""))
    if m is None:
        return {"unit_explicit_off": 0.0, "unit_kind_off": 0.0}
    t = m.group(0)
    q = parse_quantity(t)
    unit = q.unit if q else ""
    return {"unit_explicit_off": 1.0 if classifier and _off_unit(t, unit, cat, classifier) else 0.0,
            "unit_kind_off": 1.0 if _kind_off(cat, _cat(unit_of(t, unit))) else 0.0}


def _kind_off(cat: str, got: str) -> bool:
    """A duration where a count, sum or rate is asked, or a sum or rate where a duration is (a length in metres
    may answer "how long", so a count is not off for a duration)."""
    return (cat in ("count", "money", "percent") and got == "time") or (cat == "time" and got in ("money", "percent",
                                                                                                   "ratio"))


def _off_unit(raw: str, unit: str, cat: str, classifier: str) -> bool:
    """A figure in another unit than the one the question writes: 一点五倍 for 多少斤, 三天 for 几年, 1 for 多少亿元.

        >>> _off_unit("三天", "天", "time", "年"), _off_unit("五年", "年", "time", "年"), _off_unit("八千亿斤", "亿斤", "count", "斤")
        (True, False, False)
    """
    stem = raw.rstrip("左右以上下内之多余 ")
    unit = unit_of(raw, unit)
    got = _cat(unit)
    if cat == "time":
        return got != "time" or _TIME_BASE.get(unit) != _TIME_BASE.get(classifier)
    if cat in ("money", "percent", "ratio"):
        return got != cat
    return got not in ("count", "bare") or (got == "count" and not stem.endswith(classifier[-1]))


def unit_of(raw: str, parsed: str = "") -> str:
    """The unit of a figure without its qualifier: the normaliser's (``parsed``) or, for a figure it does not read,
    the unit as written.

        >>> unit_of("七日内", "日内"), unit_of("十五个工作日内"), unit_of("0—15天"), unit_of("500亿元", "元")
        ('日', '个工作日', '天', '元')
    """
    unit = parsed or re.sub(rf"^[\d.,{_CN}]+(?:万亿|亿|万)?(?:[—\-~～至到][\d.,{_CN}]+(?:万亿|亿|万)?)?", "",
                            raw.replace(" ", "").rstrip("左右以上下内之多余"))
    return re.sub(r"(?:左右|以上|以下|以内|之内|内|多|余)$", "", unit)


def _cat(unit: str) -> str:
    if not unit:
        return "bare"
    if unit.endswith("元"):
        return "money"
    if unit in ("%", "‰", "百分点", "个百分点"):
        return "percent"
    if unit == "倍":
        return "ratio"
    if unit in ("年", "月", "日", "天", "周", "小时", "个小时", "分钟", "工作日", "个工作日", "个月", "岁", "周岁"):
        return "time"
    return "count"
