"""Date candidates: full dates, month-day (每年6月9日), year-month, years and year ranges, hours of the day (8时至18时),
Arabic or Chinese.

Features say which form the question asks for (a day every year, an effective date, a range) and whether
the words around the date say it is when a law takes effect, was adopted or was issued.

    >>> [t for _, _, t, _ in find_dates("本条例自二〇二五年三月十五日起施行，每年6月9日为生态保护日。")]
    ['二〇二五年三月十五日', '6月9日']
    >>> [t for _, _, t, _ in find_dates("采暖期为11月15日至次年3月20日，爱鸟周为四月二十三日至二十九日")]
    ['11月15日至次年3月20日', '四月二十三日至二十九日']
    >>> [t for _, _, t, _ in find_dates("每日8时至18时禁止遛犬，夜间二十二时至次日六时停止施工，24小时值守")]
    ['每日8时至18时', '二十二时至次日六时']
"""

from __future__ import annotations

import re

from retrieval.answer import legacy
from retrieval.answer.base import Candidate, Context, proximity
from retrieval.sentences import fold

_CN = "〇零一二三四五六七八九十"
_MD_A = r"\d{1,2}月\d{1,2}日"
_MD_C = rf"[{_CN}]{{1,2}}月[{_CN}]{{1,3}}日"
_HM_A = r"\d{1,2}(?::\d\d|时(?:\d{1,2}分|半)?)"
_HM_C = rf"[{_CN}]{{1,3}}时(?:[{_CN}]{{1,3}}分|半)?"
_PATTERNS = (
    # 8时至18时, 二十二时至次日六时, 7:00-9:00: hours of the day (when dogs may not be walked, works must stop)
    ("clock_range", re.compile(rf"(?:每日|每天|当日)?(?<!\d){_HM_A}\s*[—–\-~～至到]\s*(?:次日|翌日)?{_HM_A}")),
    ("clock_range", re.compile(rf"(?:每日|每天|当日)?(?<![{_CN}]){_HM_C}\s*[—–\-~～至到]\s*(?:次日|翌日)?{_HM_C}")),
    ("range", re.compile(r"(?:19|20)\d\d年?\s*[—–\-~～至到]\s*(?:19|20)\d\d年?")),
    # 11月15日至次年3月20日, 四月二十三日至二十九日: a span of days every year
    ("md_range", re.compile(rf"(?<!\d){_MD_A}\s*[—–\-~～至到]\s*(?:次年|翌年|当年)?(?:{_MD_A}|\d{{1,2}}日)")),
    ("md_range", re.compile(rf"(?<![{_CN}]){_MD_C}\s*[—–\-~～至到]\s*(?:次年|翌年|当年)?(?:{_MD_C}|[{_CN}]{{1,3}}日)")),
    ("full", re.compile(r"(?:19|20)\d\d年\d{1,2}月\d{1,2}日|(?:19|20)\d\d-\d{1,2}-\d{1,2}|(?:19|20)\d\d/\d{1,2}/\d{1,2}")),
    ("full", re.compile(rf"[一二][{_CN}]{{3}}年[{_CN}]{{1,2}}月[{_CN}]{{1,3}}日")),
    ("ym", re.compile(r"(?:19|20)\d\d年\d{1,2}月(?!\d)")),
    ("ym", re.compile(rf"[一二][{_CN}]{{3}}年[{_CN}]{{1,2}}月(?![{_CN}])")),
    ("md", re.compile(r"(?<!\d)\d{1,2}月\d{1,2}日")),  # dates with a year were taken above
    ("md", re.compile(rf"(?<![{_CN}])[{_CN}]{{1,2}}月[{_CN}]{{1,3}}日")),
    ("y", re.compile(r"(?<!\d)(?:19|20)\d\d年")),
    ("y", re.compile(rf"[一二][{_CN}]{{3}}年")),
)
_EFFECT = re.compile(r"施行|生效|起实施|起执行")
_ADOPT = re.compile(r"通过|批准|审议")
_ISSUE = re.compile(r"发布|印发|公布|签发|成文")
_Q_EFFECT = re.compile(r"施行|生效|实施|effect|effective|in force|implemented")
_Q_ADOPT = re.compile(r"通过|批准|adopted|passed|approved")
_Q_ISSUE = re.compile(r"发布|印发|公布|published|issued|released")
_Q_YEARLY = re.compile(r"每年|每一年|几月几日|every year|each year|annual|day of the year")
_Q_CLOCK = re.compile(r"时间段|时段|几点|几时|什么时间|哪个时间|哪段时间|what time|which hours|what hours|time of day")
_Q_RANGE = re.compile(r"起止|期限|哪几年|哪几天|从哪天到|period|from .* to|start and end|which days")


def find_dates(f: str) -> list[tuple[int, int, str, str]]:
    """``(start, end, text, form)`` of the dates of a folded sentence, longest first where they overlap."""
    out: list[tuple[int, int, str, str]] = []
    taken: list[tuple[int, int]] = []
    for form, rx in _PATTERNS:
        for m in rx.finditer(f):
            a, b = m.start(), m.end()
            if any(x <= a and b <= y for x, y in taken):
                continue
            taken.append((a, b))
            out.append((a, b, m.group(0), form))
    out.sort(key=lambda x: x[0])
    return out


class DateProposer:
    kind = "date"

    def propose(self, ctx: Context) -> list[Candidate]:
        q = ctx.question_folded
        asks = {"effect": bool(_Q_EFFECT.search(q)), "adopt": bool(_Q_ADOPT.search(q)),
                "issue": bool(_Q_ISSUE.search(q)), "yearly": bool(_Q_YEARLY.search(q)), "range": bool(_Q_RANGE.search(q)),
                "clock": bool(_Q_CLOCK.search(q))}
        out: list[Candidate] = []
        # The best sentences, and the short lines of the documents' heads (where issue dates stand).
        heads = [s for s in ctx.sents[8:] if ctx.hits[s.hit].chunk.ordinal == -3 and s.end - s.start <= 40][:6]
        for s in [*ctx.sents[:8], *heads]:
            f = s.folded
            for a, b, t, form in find_dates(f):
                if fold(t) in q:
                    continue  # the question's own date is a condition, not the answer
                around = f[max(0, a - 12):min(len(f), b + 12)]
                after = f[b:b + 12]
                feats = {
                    f"form_{form}": 1.0,
                    "effect_cue": 1.0 if _EFFECT.search(after) else 0.0,
                    "adopt_cue": 1.0 if _ADOPT.search(around) else 0.0,
                    "issue_cue": 1.0 if _ISSUE.search(around) else 0.0,
                    "prox": proximity(ctx, s, a, b),
                    "head": 1.0 if ctx.hits[s.hit].chunk.ordinal == -3 else 0.0,
                }
                for k, v in asks.items():
                    feats[f"asks_{k}"] = 1.0 if v else 0.0
                feats["effect_fit"] = feats["effect_cue"] * feats["asks_effect"]
                feats["adopt_fit"] = feats["adopt_cue"] * feats["asks_adopt"]
                feats["issue_fit"] = feats["issue_cue"] * feats["asks_issue"]
                feats["yearly_fit"] = (1.0 if form == "md" else 0.0) * feats["asks_yearly"]
                feats["range_fit"] = (1.0 if form in ("range", "md_range") else 0.0) * feats["asks_range"]
                feats["clock_fit"] = (1.0 if form == "clock_range" else 0.0) * feats["asks_clock"]
                raw = s.text[a:b]
                out.append(Candidate("date", s, s.start + a, s.start + b, raw, feats, legacy._english_date(t)))
        # The document's own date (its header or metadata) answers "when was it issued".
        seen: set[str] = set()
        for s in ctx.sents[:3]:
            h = ctx.hits[s.hit]
            if h.meta.date and len(h.meta.date) == 10 and h.chunk.doc_id not in seen:
                seen.add(h.chunk.doc_id)
                feats = {"from_meta": 1.0, **{f"asks_{k}": 1.0 if v else 0.0 for k, v in asks.items()}}
                feats["meta_issue_fit"] = feats["asks_issue"]
                out.append(Candidate("date", s, s.start, s.end, h.meta.date, feats, legacy._english_date(h.meta.date)))
        return out
