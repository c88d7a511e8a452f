"""Number answers: the unit and category a question asks for, candidate figures in the best sentences and how each is
scored — administrative-level qualifiers, proximity to the question's terms, attachment to the metric asked, local
cues, the governing year/period — and the English rendering of a figure.
"""

from __future__ import annotations

import math
import re

from retrieval import qtype
from retrieval.answer.legacy.common import _MASK, _NUM, _ORDINAL, _YEAR, _Sent, _Span, _Terms
from retrieval.qtype import PERIOD_YEARS
from retrieval.sentences import fold

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
