"""Fact answers (who / what name / which organisation / what): a person's name by a title, quoted names, organisation
names ending in the kind asked, document numbers, ``label：value`` lines, the question read as a template with its
wh-word as the gap, and otherwise the part of the best clause that the question's terms do not cover.
"""

from __future__ import annotations

import re

from retrieval.answer.legacy.common import _ORG_SUFFIX, _TITLE_WORDS, _Sent, _Span, _Terms
from retrieval.answer.legacy.numbers import _proximity, _term_positions
from retrieval.sentences import fold, free_runs, split_clauses

# ---- fact questions --------------------------------------------------------------------------------


def _fact_span(question, top: list[_Sent], terms: _Terms, hits) -> _Span | None:
    q = fold(question)
    s = top[0]
    f = s.folded
    # Who: a person's name next to a title (厅长 张三 / 张三院士).
    if re.search(r"是谁|谁|哪位|\bwho\b|\bwhom\b", q, re.I):
        span = _person(s, q)
        if span and not span.titled:
            # An untitled name in the best sentence loses to a name standing by a title the question
            # asks about (director → 厅长) in one of the next sentences (bylines: 省科技厅厅长 张长斌).
            for t in top[1:6]:
                alt = _person(t, q)
                if alt and alt.titled and any(w in terms.weights for w in re.findall(_TITLE_WORDS, alt.sent.folded)):
                    return alt
        if span:
            return span
        for t in top[1:6]:
            alt = _person(t, q)
            if alt and alt.titled and any(w in terms.weights for w in re.findall(_TITLE_WORDS, alt.sent.folded)):
                return alt
    # What is it called: a quoted name not already in the question.
    kind = re.search(r"(?:哪|什么|which\s*)(?:所|家|个|一个)?(" + _ORG_SUFFIX + r"|高校|机构|单位|部门)", q)
    en_kind = re.search(r"\b(institute|university|bank|zone|park|department|agency|center|centre|lab)\b", q, re.I)
    if re.search(r"叫什么|名字|名称|称为|简称|命名|什么计划|called|named|name of", q, re.I):
        quoted = [_Span(s, s.start + m.start(1), s.start + m.end(1), m.group(1), s.score + 0.3)
                  for m in re.finditer(r"[“\"「『‘]([^”\"」』’]{2,20})[”\"」』’]", s.text) if fold(m.group(1)) not in q]
        if kind or en_kind:
            # Several names in one sentence: the one that holds the question's own words (an English
            # description translated by the lexicon) wins over the first quoted one.
            org = _organisation(s, q, kind.group(1) if kind else en_kind.group(1).lower(), terms)
            if org is not None:
                quoted.append(org)
        if quoted:
            return max(quoted, key=lambda sp: (_term_content(fold(sp.answer), terms), -quoted.index(sp)))
    # Which organisation: a name ending in the kind asked for.
    if re.search(r"文号|字号|document number", q):
        for t in top[:5]:
            span = _doc_number(t, hits)
            if span:
                return span
    span = _label_value(top, terms, hits, q)
    if span:
        return span
    span = _template(top[:3], q)
    if span:
        return span
    if kind or en_kind:
        span = _organisation(s, q, kind.group(1) if kind else en_kind.group(1).lower(), terms)
        if span:
            return span
    # Otherwise: the shortest clause that holds the most question terms, minus the question's words.
    clauses = split_clauses(s.text)
    best = None
    for a, b in clauses:
        cf = f[a:b]
        hit_w = sum(w for t, w in terms.weights.items() if t in cf)
        key = (hit_w, -(b - a))
        if best is None or key > best[0]:
            best = (key, a, b)
    if best is None:
        return None
    _, a, b = best
    cf = f[a:b]
    # Residual: characters of the clause not covered by question terms; the longest run is the answer.
    covered = [False] * (b - a)
    for t in terms.weights:
        if len(t) < 2:
            continue
        for m in re.finditer(re.escape(t), cf):
            for i in range(m.start(), m.end()):
                covered[i] = True
    runs = [(x, y) for x, y in free_runs(covered) if re.search(r"[\u4e00-\u9fff\w]{2,}", cf[x:y])]
    if runs:
        # The answer sits on the side of the question's terms where the question puts its wh-word:
        # 把什么比作“X” → the run before X; X是什么 → the run after it.
        wh = re.search(r"什么|哪|谁|what|which|who", q)
        first_term = min((q.find(t) for t in terms.weights if len(t) >= 2 and t in q and t in cf), default=-1)
        before = wh is not None and first_term >= 0 and wh.start() < first_term
        first_cov = next((i for i, c in enumerate(covered) if c), 0)

        def run_score(r):
            x, y = r
            side = (y <= first_cov) if before else (x >= first_cov)
            return (y - x) + (6 if side else 0)

        x, y = max(runs, key=run_score)
        piece = s.text[a + x : a + y]
        stripped = piece.strip("，,。；;：:、 是为的了在把将由和与“”\"‘’「」（）()")
        stripped = re.sub(r"(这一|这个|这些|那些|等)$", "", stripped).strip("，,、 ")
        if 2 <= len(stripped) <= 40:
            off = piece.find(stripped)
            return _Span(s, s.start + a + x + off, s.start + a + x + off + len(stripped), stripped, s.score)
    clause = s.text[a:b]
    if len(clause) > 60:
        return None if s.coverage < 0.5 else _Span(s, s.start + a, s.start + a + 60, clause[:60], s.score - 0.2)
    return _Span(s, s.start + a, s.start + b, clause, s.score - 0.1)


_WH = re.compile(r"哪(?:一|几)?(?:种|个|些|类|项|家|所|位|方面)?|什么")


def _template(top: list[_Sent], q: str) -> _Span | None:
    """Match the question as a pattern with its wh-word as the gap: 以哪种作物为主导产业 → 以(水稻)为主导产业.

    The gap may swallow the noun after the wh-word (作物), so the right context is tried from
    several offsets; both contexts are taken from the question's own characters.
    """
    m = _WH.search(q)
    if not m:
        return None
    left = q[max(0, m.start() - 2):m.start()]
    left = left[-1:] if left[-1:] and re.match(r"[\u4e00-\u9fff]", left[-1:]) else ""
    for skip in range(0, 4):
        for k in (5, 4, 3, 2):
            right = q[m.end() + skip:m.end() + skip + k]
            if len(right) < k or not re.fullmatch(r"[\u4e00-\u9fff]+", right):
                continue
            if not left and k < 4:
                continue
            rx = re.escape(left) + r"([^，,。；;:：、\s]{2,12}?)" + re.escape(right)
            for s in top:
                for mm in re.finditer(rx, s.folded):
                    val = mm.group(1)
                    if val in q or _WH.search(val):
                        continue
                    a, b = mm.start(1), mm.end(1)
                    return _Span(s, s.start + a, s.start + b, s.text[a:b], s.score + 0.2)
    return None


def _person(s: _Sent, q: str) -> _Span | None:
    f = s.folded
    cands: list[tuple[int, int, bool]] = []  # (start, end, tagged as a person name by jieba)
    try:
        import jieba.posseg as pseg  # noqa: PLC0415 - lazy: loads a dictionary

        pos = 0
        for w in pseg.cut(f):
            if w.flag.startswith("nr") and 2 <= len(w.word) <= 4 and not re.search(_TITLE_WORDS, w.word):
                cands.append((pos, pos + len(w.word), True))
            pos += len(w.word)
    except Exception:  # pragma: no cover - jieba is a dependency; keep the rule-based names
        pass
    # Title then name (厅长 张长斌) or name then title (刘永坦院士). Names are 2–3 CJK characters.
    for m in re.finditer(r"(?:" + _TITLE_WORDS + r")\s*([\u4e00-\u9fff]{3})", f):
        cands.append((m.start(1), m.end(1), False))
    for m in re.finditer(r"([\u4e00-\u9fff]{3})(?=" + _TITLE_WORDS + r")", f):
        cands.append((m.start(1), m.end(1), False))
    cands = [c for c in cands if fold(s.text[c[0] : c[1]]) not in q and not re.search(r"[省市县区厅局党组委]", f[c[0] : c[1]])]
    if not cands:
        return None

    def rank(c):
        a, b, tagged = c
        near = re.search(_TITLE_WORDS, f[max(0, a - 4) : b + 4]) is not None
        return (not tagged, b - a != 3, not near, a)

    a, b, _ = min(cands, key=rank)
    titled = re.search(_TITLE_WORDS, f[max(0, a - 4) : b + 4]) is not None
    return _Span(s, s.start + a, s.start + b, s.text[a:b], s.score + 0.2, titled=titled)


_ORG_STOP = re.compile(r"与|和|同|在|由|是|为|了|的|共建|联合|依托|隶属于|隶属|属于|成立|建设|支持|推动|推进|加快|打造|"
                       r"组建|设立|以|对|向|把|将|及|等|到|从|于")


def _term_content(name: str, terms: _Terms) -> int:
    """Characters of ``name`` covered by question terms of two or more characters."""
    covered = set()
    for t in terms.weights:
        if len(t) >= 2 and not t.isdigit():
            for m in re.finditer(re.escape(t), name):
                covered.update(range(m.start(), m.end()))
    return len(covered)


def _organisation(s: _Sent, q: str, kind: str, terms: _Terms) -> _Span | None:
    f = s.folded
    suffix = {"高校": "大学|学院", "institute": "研究所|研究院|所|院", "university": "大学|学院", "bank": "银行",
              "zone": "高新区|开发区|示范区|园区", "park": "园区|产业园", "department": "厅|局|委|部|办",
              "agency": "局|厅|委|办", "center": "中心", "centre": "中心", "lab": "实验室", "机构": _ORG_SUFFIX,
              "单位": _ORG_SUFFIX, "部门": "厅|局|委|部|办|署"}.get(kind, kind)
    term_pos = _term_positions(f, terms)
    best = None
    for m in re.finditer(r"(?:" + suffix + r")", f):
        end = m.end()
        # Extend backwards over the name until punctuation or a function word.
        a = m.start()
        while a > 0 and re.match(r"[\u4e00-\u9fff\da-z]", f[a - 1]) and m.start() - a < 14:
            if _ORG_STOP.search(f[a - 1 : m.start()][:2]) and a < m.start() - 1:
                w = _ORG_STOP.match(f[a - 1 : m.start()])
                if w:
                    a = min(m.start(), a - 1 + w.end())  # past the whole stop word (共建 → not 建…)
                    break
            a -= 1
        cut = None
        for w in _ORG_STOP.finditer(f[a : m.start()]):
            cut = w.end()
        if cut is not None:
            a += cut
        name = f[a:end]
        if len(name) <= len(m.group(0)) or name in q:
            continue
        score = _proximity(a, end, term_pos, f) + 0.02 * len(name)
        if best is None or score > best[0]:
            best = (score, a, end)
    if best is None:
        return None
    _, a, b = best
    return _Span(s, s.start + a, s.start + b, s.text[a:b], s.score + 0.2)


def _doc_number(s: _Sent, hits) -> _Span | None:
    """A document number (黑政办发〔2022〕41号) anywhere in the passage of ``s``: it stands on its own line."""
    text = hits[s.hit].chunk.text
    m = re.search(r"[\u4e00-\u9fff]{1,10}[〔\[［(（]\d{4}[〕\]］)）]\s*\d+\s*[号號]", text)
    if not m:
        return None
    fake = _Sent(s.hit, m.start(), m.end(), m.group(0), fold(m.group(0)), s.coverage, s.score)
    return _Span(fake, m.start(), m.end(), m.group(0), s.score + 0.3)


def _label_value(top: list[_Sent], terms: _Terms, hits, q: str) -> _Span | None:
    """``配合单位：省粮储局`` — a question term used as a label, just after the best sentence (or in the
    other top passages: a label line often starts the next chunk)."""
    labels = sorted((t for t in terms.weights if len(t) >= 3), key=lambda t: -terms.weights[t])
    # The phrase right before 是哪/是什么/为 in the question is the label asked about (配合单位是哪个部门).
    m = re.search(r"([\u4e00-\u9fff]{2,6})(?:是|为)(?:哪|什么|谁)", q)
    if m:
        label = m.group(1).split("的")[-1]
        labels[:0] = [label[-k:] for k in range(len(label), 1, -1)]
    s0 = top[0]
    windows = [(s0, s0.start, s0.end + 600)]
    # The passage that continues the best one (same document, starting where it ends), if retrieved.
    end0 = hits[s0.hit].chunk.end
    for j, h in enumerate(hits):
        if j != s0.hit and h.chunk.doc_id == hits[s0.hit].chunk.doc_id and 0 <= h.chunk.start - end0 <= 100 or (
            j != s0.hit and h.chunk.doc_id == hits[s0.hit].chunk.doc_id and h.chunk.start < end0 < h.chunk.end
            and h.chunk.start > hits[s0.hit].chunk.start
        ):
            windows.append((_Sent(j, 0, 0, "", "", s0.coverage, s0.score - 0.05), max(0, end0 - h.chunk.start), 300))
    for s in top[1:3]:
        if s.hit != s0.hit:
            windows.append((s, 0, s.end + 600))
    # The stored text right after the best passage (a context hit, when the document text is available).
    for j, h in enumerate(hits):
        if h.chunk.ordinal == -2 and h.chunk.doc_id == hits[s0.hit].chunk.doc_id and h.chunk.start == end0:
            windows.append((_Sent(j, 0, 0, "", "", s0.coverage, s0.score - 0.05), 0, 300))
    for t in labels:
        for s, lo, hi in windows:
            text = hits[s.hit].chunk.text
            f = fold(text)
            hi = min(len(f), hi)
            m = re.search(re.escape(t) + r"\s*[:：]\s*([^，,。；;：:〕\]）)\n]{2,30})", f[lo:hi])
            if m:
                a, b = lo + m.start(), lo + m.end(1)
                fake = _Sent(s.hit, a, b, text[a:b], f[a:b], s.coverage, s.score)
                va = lo + m.start(1)
                return _Span(fake, va, b, text[va:b], s.score + 0.25)
    return None
