"""Date answers: full dates, year–month, month–day, years and year ranges in the best sentences, the issue date of a
document for "when was it published" questions (short date lines near the title, then the document's metadata), and
the English rendering of a date.
"""

from __future__ import annotations

import re

from retrieval.answer.legacy.common import (
    _DATE_FULL,
    _DATE_MD,
    _DATE_RANGE,
    _DATE_Y,
    _DATE_YM,
    _EN_MONTHS,
    _Sent,
    _Span,
)
from retrieval.sentences import fold, split_sentences

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
