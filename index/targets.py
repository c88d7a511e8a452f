"""Policy targets table: every statement of a quantity, with metric, value, comparator, year and kind.

Extraction runs at index time over each document's stored text (rules plus the number normaliser of
``index/numbers.py``; no model). The text is folded to simplified script character by character, so every offset
is an offset into the stored text, whatever script the document is in. Metrics come from ``data/metrics.tsv``
(canonical name, English name, phrases), which users may extend.

>>> rows = extract_targets("到2025年，全省技术合同成交额突破500亿元。", doc_year=2022, region="黑龙江")
>>> r = rows[0]
>>> (r.metric, r.value, r.unit, r.comparator, r.year, r.kind, r.quantity)
('技术合同成交额', 50000000000.0, '元', '>=', '2025', 'target', '500亿元')
>>> r = extract_targets("今年发展主要预期目标是：国内生产总值增长5%左右。", doc_year=2025, doc_type="report")[0]
>>> (r.metric, r.value, r.comparator, r.year, r.kind, r.growth)
('国内生产总值增长', 0.05, '~', '2025', 'target', True)
>>> r = extract_targets("违反本条例的，处五千元以上二万元以下罚款。", doc_type="regulation")[0]
>>> (r.metric, r.min, r.max, r.kind, r.quantity)
('罚款', 5000.0, 20000.0, 'limit', '五千元以上二万元')
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from pathlib import Path

from index.analyzer import is_traditional, policy_tw2s, to_simplified
from index.metrics import METRICS_PATH, SHARE_OF, MetricTable, load_metrics
from index.numbers import parse_quantity
from index.target_years import context_year, year_of

# Raise when the extraction rules change: an index built by older rules (or with another metrics.tsv) is then
# rebuilt by the next ingest, even when no document changed (its vectors come from the cache).
EXTRACTOR_VERSION = 7


def targets_fingerprint(path: Path = METRICS_PATH) -> str:
    """What the targets table of an index was extracted with: the rules' version and the metrics file's digest."""
    import hashlib

    digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()[:16] if Path(path).exists() else "-"
    return f"{EXTRACTOR_VERSION}:{digest}"
KINDS = ("target", "actual", "limit")


@dataclass(frozen=True)
class TargetRow:
    """One quantity statement. ``value`` is in base units (元, a fraction for % and 百分点, a count); ranges set
    ``min``/``max`` (``value`` = ``min``). ``start``/``end`` are the figure's offsets and ``sent_start``/``sent_end``
    the sentence's, both in the document's stored text."""

    metric: str  # canonical name from data/metrics.tsv, "" when the text names none of them
    subject: str  # what is measured, as written (short)
    value: float
    unit: str
    comparator: str  # ">=", "<=", "~", "="
    aspirational: bool
    year: str | None  # "2025", "2021-2025", or None
    kind: str  # one of KINDS
    growth: bool  # a rate of change, not a level
    quantity: str  # the figure as written
    start: int
    end: int
    sent_start: int
    sent_end: int
    min: float | None = None
    max: float | None = None

    def to_dict(self) -> dict:
        return asdict(self)


# ---------------------------------------------------------------- figures

_NUM = r"(?:\d(?:[ \u3000]?\d)*(?:,\d{3})*(?:[ \u3000]?\.[ \u3000]?\d(?:[ \u3000]?\d)*)?|[零〇一二两三四五六七八九十百千]+(?:点[零〇一二三四五六七八九]+)?)"
_SCALE = r"(?:万亿|亿|万|千(?![克米瓦]))"
# Units of money, ratios, counts and measures; not time (年 月 日 天 小时: dates and durations are not figures),
# not 条 / 类 / 级 / 种 / 批 / 次 / 届 (article numbers and enumerations).
_UNITS = sorted([
    "元", "美元", "欧元", "港元", "日元", "%", "个百分点", "百分点", "倍",
    "家", "个", "项", "人", "名", "户", "所", "座", "台", "套", "件", "辆", "艘", "架", "只", "头", "张", "床", "人次",
    "吨", "斤", "亩", "公顷", "千瓦", "兆瓦", "千瓦时", "度", "公里", "千米", "平方公里", "平方米", "立方米", "米", "公斤", "千克",
], key=len, reverse=True)
_UNIT = "(?:" + "|".join(re.escape(u) for u in _UNITS) + ")"
_ONE = rf"(?:百分之{_NUM}|{_NUM}[ \u3000]?{_SCALE}?{_UNIT})"
# A range: 5000元以上2万元以下 / 6%—6.5% / 1至3万元 (the first figure takes the unit of the second).
_RANGE = rf"(?:{_NUM}{_SCALE}?{_UNIT}?(?:以上)?(?:至|到|—|－|-|～|~){_ONE}|{_ONE}以上(?:、)?{_ONE}(?=以下))"
_FIGURE = re.compile(rf"(?<![\d.第])(?:{_RANGE}|{_ONE})")
_FULLWIDTH = str.maketrans("０１２３４５６７８９％．，", "0123456789%.,")
_COUNT_UNITS = frozenset({"个", "项", "家", "名", "户", "所", "座", "台", "套", "件", "只", "张", "人", "头", "辆", "艘", "架"})
_CN_ONLY = re.compile(r"^[零〇一二两三四五六七八九十百千万亿点]+")
_RANGE_SPLIT = re.compile(r"(?:以上)?(?:、)?(?:至|到|—|－|-|～|~)|以上、?")


def _parse(fig: str) -> tuple[float, str, float | None, float | None] | None:
    """(value, unit, min, max) of a figure or range as written; None when it is not a quantity."""
    parts = [p for p in _RANGE_SPLIT.split(fig) if p]
    qs = [parse_quantity(p) for p in parts]
    if len(parts) == 2 and qs[1] is not None:
        if qs[0] is None or (qs[0].unit == "" and qs[1].unit):  # 1至3万元: the first takes the second's scale
            scale = re.search(_SCALE + "?" + _UNIT + "$", parts[1])
            qs[0] = parse_quantity(parts[0] + (scale.group(0) if scale else ""))
        if qs[0] is None:
            return None
        lo, hi = sorted((_base(qs[0].value, qs[0].unit), _base(qs[1].value, qs[1].unit)))
        return lo, _unit(qs[1].unit), lo, hi
    q = qs[0] if len(qs) == 1 else None
    if q is None:
        return None
    return _base(q.value, q.unit), _unit(q.unit), None, None


def _base(v: float, unit: str) -> float:
    return v / 100 if unit in ("%", "百分点", "个百分点") else v


def _unit(unit: str) -> str:
    return "百分点" if unit == "个百分点" else unit


# ---------------------------------------------------------------- rules over the clause around a figure

_SENT_END = re.compile(r"[。！？!?\n]")
_CLAUSE_END = re.compile(r"[，,；;：:。！？!?\n]")
_GE_AFTER = re.compile(r"^(?:以上|多|余|之上)")
_LE_AFTER = re.compile(r"^(?:以下|以内|之内|之下)")
_APPROX_AFTER = re.compile(r"^(?:左右|上下)")
_GE_BEFORE = re.compile(r"(?:突破|超过|超|不少于|不低于|至少|高于|多于|逾)$")
_LE_BEFORE = re.compile(r"(?:不超过|不高于|不得超过|低于|少于|最高|最多|上限为?|控制在)$")
_APPROX_BEFORE = re.compile(r"(?:约|大约|近|接近|大概)$")
_ASPIRE = re.compile(r"力争|争取|努力")
_GROWTH = re.compile(r"(?:增长|增加|提高|下降|降低|上涨|减少|增速|增幅|涨幅|降幅|上升|回落|递增|递减)(?:了)?(?:幅度)?"
                     r"(?:为|是|达|达到)?$")
_GROWTH_METRIC = re.compile(r"(?:增长|涨幅)$")
_LEVEL_TO = re.compile(r"(?:到|至)$")
_LIMIT = re.compile(r"罚款|罚金|没收|处.{0,12}(?:以上|以下)|数额(?:较大|巨大|特别巨大)|不得(?:超过|低于|少于|高于)|收费标准")
_TARGET = re.compile(
    # not 好于预期 / 经过艰苦努力: what turned out better than expected, by past effort, is an actual
    r"到\d{4}年|\d{4}年(?:前|底|末|以前)|目标|(?<![于出])预期|力争|争取|确保|计划|规划|拟|安排|今年|明年|将|(?<![主重需只纲])要|预计|"
    r"力求|(?<!艰苦)(?<!经过)努力|控制在|"
    r"“?十[一二三四五]?五”?(?:期间|末|时期)|实现.{0,6}翻|达到.{0,3}以上"
)
_ACTUAL = re.compile(r"去年|上年|过去|已经|已|完成了?|实现了|增长了|累计|截至|截止|共有|现有|达到了|比.{0,4}年增长|取得|建成了")
# 800亿元，比上年增长12%: a figure compared with the year before is a reported one
_COMPARED = re.compile(r"[^，。；;]{0,4}[，,、]?(?:比上年|同比|较上年|比去年)")
# Section headings of a report: its review of the past year(s) states actuals, its plan targets.
_HEADING = re.compile(r"(?m)^[ \t　]*(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）)[^\n]{0,40}$")
_REVIEW = re.compile(r"回顾|过去|总结|成就|成绩")
_PLAN = re.compile(r"今年|总体要求|任务|目标|安排|建议|\d{4}年.{0,6}(?:工作|发展)")
_LEGAL_TYPES = re.compile(r"regulation|law|judicial|rule|constitution|条例|法|规定|办法|解释")
_REPORT_TYPES = re.compile(r"report|报告")
_SUBJECT_TRIM = re.compile(
    r"^(?:(?:到|至)?\d{4}年(?:前|底|末)?|今年|全年|全省|全市|全国|力争|争取|确保|其中|同时|预计|要|将|使|并|和|及)+"
)
_SUBJECT_TAIL = re.compile(
    r"(?:比上年|同比|分别)?(?:达到|达|突破|超过|超|增长|增加|提高到?|下降|降低|为|是|约|控制在|不低于|不少于|不超过|"
    r"稳定在|保持在|实现|完成|处|共|累计|合计|以上|以下)+$"
)


_MAX_SENT = 400  # characters read on each side of a figure (gov corpus sentences: median 38, p99 142, max 921)
_RISE = re.compile(r"增长|递增|增加|提高")
_FROM_LAST = re.compile(r"[从由](去年|上年|今年)(?:的|预计的?)?")


def _growth_metric(table: MetricTable, s: str, ss: int, cs: int, a: int, level: str) -> str:
    """The growth metric of a growth figure at ``a`` whose clause names no growth phrase: the subject of one before
    it in the clause (工农业总产值将比上年增长14.1%), or — the clause being short — in the clause before
    (工农业总产值，比1980年预计增长5.5%); else the growth counterpart of the level metric found (国民生产总值达到
    15500亿元左右，平均每年增长7.5% → 国内生产总值增长)."""
    if not _RISE.search(s[max(cs, a - 8):a]):
        return ""  # 下降23%: a fall is no growth target of an output (单位国内生产总值能耗 is its own metric)
    g = table.growth_of(s[cs:a])
    if not g and cs > ss and a - cs <= 12:
        pcs = max((x.end() for x in _CLAUSE_END.finditer(s, ss, cs - 1)), default=ss)
        g = table.growth_of(s[pcs:cs])
    if not g and level and level + "增长" in table.phrase_to_metric:
        last = [e for _, e, m in table.find_all(s[ss:a]) if m == level]
        if last and not SHARE_OF.match(s, ss + last[-1]):
            g = table.phrase_to_metric[level + "增长"]
    return g


def _comparator(before: str, after: str) -> str:
    if _APPROX_AFTER.match(after):
        return "~"
    if _GE_AFTER.match(after):
        return ">="
    if _LE_AFTER.match(after):
        return "<="
    if _GE_BEFORE.search(before):
        return ">="
    if _LE_BEFORE.search(before):
        return "<="
    if _APPROX_BEFORE.search(before):
        return "~"
    return "="


def _subject(prefix: str) -> str:
    s = _SUBJECT_TAIL.sub("", _SUBJECT_TRIM.sub("", prefix.strip()))
    return s[-16:]


def fold(text: str) -> str:
    """Simplified script of the same length as ``text`` (offsets carry over): OpenCC's Taiwan phrases (契約 →
    合同) per sentence where they keep the length, else character by character; full-width digits folded."""
    s = to_simplified(text)
    if is_traditional(text[:2000]):
        conv = policy_tw2s()
        parts = re.split(r"(?<=[。！？!?\n])", text)
        folded = []
        for p in parts:
            c = conv(p)
            folded.append(c if len(c) == len(p) else to_simplified(p))
        s = "".join(folded)
    return s.translate(_FULLWIDTH)


def extract_targets(text: str, doc_year: int | None = None, region: str = "", doc_type: str = "",
                    title: str = "", metrics: MetricTable | None = None) -> list[TargetRow]:
    """Every quantity statement of ``text`` (a document's stored text) as rows; see the module docstring."""
    table = metrics or load_metrics()
    s = fold(text)
    legal = bool(_LEGAL_TYPES.search(doc_type)) or bool(re.search(r"(?:条例|法|规定|办法|解释|规则|细则)$", title))
    report = bool(_REPORT_TYPES.search(doc_type)) or "报告" in title
    rows: list[TargetRow] = []
    headings = [(h.start(), "actual" if _REVIEW.search(h.group(0)) else "target") for h in _HEADING.finditer(s)
                if report and (_REVIEW.search(h.group(0)) or _PLAN.search(h.group(0)))]
    hi_, mode = 0, ""
    sent_bounds = [0] + [m.end() for m in _SENT_END.finditer(s)] + [len(s)]
    si = 0
    for m in _FIGURE.finditer(s):
        a, b = m.start(), m.end()
        while si + 1 < len(sent_bounds) and sent_bounds[si + 1] <= a:
            si += 1
        ss, se = sent_bounds[si], sent_bounds[min(si + 1, len(sent_bounds) - 1)]
        # A "sentence" of a text without sentence ends (a 50 MB single line) is read around the figure only: the
        # rules look a few clauses back and forth, and a whole-line window made extraction quadratic (hours).
        ss, se = max(ss, a - _MAX_SENT), min(se, b + _MAX_SENT)
        fig = m.group(0)
        parsed = _parse(fig)
        if parsed is None:
            continue
        value, unit, lo, hi = parsed
        if _CN_ONLY.match(fig) and (value == 1 or (unit in _COUNT_UNITS and value < 20)):
            continue  # 两个维护, 三项制度, “最后一公里”: an enumeration or a figure of speech, not a quantity
        sent = s[ss:se]
        cs = max((x.end() for x in _CLAUSE_END.finditer(s, ss, a)), default=ss)
        prev = rows[-1] if rows and rows[-1].end >= cs and rows[-1].sent_start == ss else None
        # 国内生产总值达到134.9万亿元、增长5%: a second figure of the clause reads from the first one on
        prefix = s[prev.end if prev else cs : a]
        found = table.find_all(prefix)
        own = _subject(prefix)  # 政府负债率控制在50%: the clause names its own subject, the clause before is not asked
        if (not found and prev is None and len(prefix) <= 10 and cs > ss  # 技术合同成交额，到2025年突破500亿元
                and not (len(own) >= 3 and re.search(r"(?:率|额|量|值|指数|比重|规模)$", own))):
            pcs = max((x.end() for x in _CLAUSE_END.finditer(s, ss, cs - 1)), default=ss)
            found = table.find_all(s[pcs : cs - 1])
        if not found:  # 处五千元以上二万元以下罚款: the metric right after the figure
            nxt = _CLAUSE_END.search(s, b, b + 8)
            found = [f for f in table.find_all(s[b : nxt.start() if nxt else b + 8]) if f[0] <= 3]
        metric = found[-1][2] if found else ""
        subject = own
        if prev is not None and not found and len(subject) <= 4:  # 分别增长8.9%、7.7%: the same subject
            metric, subject = prev.metric, prev.subject
        after = s[b : b + 4]
        before = prefix[-6:]
        growth = bool(_GROWTH.search(prefix.rstrip("约近超过"))) and not _LEVEL_TO.search(prefix)
        if prev is not None and len(prefix) <= 2 and not growth:  # 、7.7%: as the figure before; …的2050亿元增长40%: a rate
            growth = prev.growth
        elif found and unit == "%" and _GROWTH_METRIC.search(metric) and not _LEVEL_TO.search(prefix):
            growth = True  # 经济增长预期目标为7%左右: the metric is a rate
        if growth and not _GROWTH_METRIC.search(metric or "-"):
            metric = _growth_metric(table, s, ss, cs, a, metric) or metric
        head = s[ss:a]
        while hi_ < len(headings) and headings[hi_][0] <= a:
            mode = headings[hi_][1]
            hi_ += 1
        if legal or _LIMIT.search(s[cs : min(se, b + 12)]):
            kind = "limit"
        else:
            t, act = len(_TARGET.findall(head)), len(_ACTUAL.findall(head))
            t, act = t + (mode == "target"), act + (mode == "actual") + bool(_COMPARED.match(s, b, min(len(s), b + 14)))
            kind = "target" if t > act or (t == act and not report) else "actual"
        year = year_of(sent, doc_year, kind)
        since = _FROM_LAST.search(s, max(cs, a - 8), a)
        if since and since.end() == a and kind != "limit":  # 赤字率从去年的2.1%提高到2.3%: 2.1% is last year's
            # (由今年预计的3%提高到4%: this year's estimate); the figure it rises or falls to is the target
            this = since.group(1) == "今年"
            kind, year = "actual", (str(doc_year if this else doc_year - 1) if doc_year else None)
        if year is None and kind == "target":
            year = context_year(s, sent_bounds, si, a)
        if year is None and report and doc_year and kind in ("target", "actual"):
            # a report's plan is for its own year; its review, unless the sentence says otherwise, for the last
            year = str(doc_year) if kind == "target" else (str(doc_year - 1) if mode == "actual" else None)
        rows.append(TargetRow(
            metric=metric, subject=subject or metric, value=value, unit=unit,
            comparator=_comparator(before, after), aspirational=bool(_ASPIRE.search(head[-40:])), year=year,
            kind=kind, growth=growth, quantity=text[a:b], start=a, end=b, sent_start=ss, sent_end=se,
            min=lo, max=hi,
        ))
    return rows


# ---------------------------------------------------------------- storage (a table of the version's docs.sqlite)

_COLS = ("doc_idx", "metric", "subject", "value", "min", "max", "unit", "comparator", "aspirational", "year", "kind",
         "growth", "quantity", "start", "end", "sent_start", "sent_end")


@dataclass(frozen=True)
class StoredTarget:
    """A row of the targets table: the document it comes from (index into the loaded documents) and the row."""

    doc_idx: int
    row: TargetRow


def write_targets(db: Path, docs) -> int:
    """Extract the targets of ``docs`` (``ingest.types.Document``) into the ``targets`` table of ``db``."""
    import sqlite3

    con = sqlite3.connect(db)
    try:
        con.execute(f"CREATE TABLE targets ({', '.join(chr(34) + c + chr(34) for c in _COLS)})")
        n = 0
        for i, d in enumerate(docs):
            rows = extract_targets(d.text, d.meta.year, d.meta.region, d.meta.doc_type, d.meta.title)
            con.executemany(
                f"INSERT INTO targets VALUES ({','.join('?' * len(_COLS))})",
                [(i, *(getattr(r, c) for c in _COLS[1:])) for r in rows],
            )
            n += len(rows)
        con.execute("CREATE INDEX targets_metric ON targets(metric)")
        con.commit()
        return n
    finally:
        con.close()


def read_targets(db: Path) -> list[StoredTarget] | None:
    """All rows of the ``targets`` table; None when the index predates the table (rebuild to extract)."""
    import sqlite3

    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        try:
            cur = con.execute(f"SELECT {', '.join(chr(34) + c + chr(34) for c in _COLS)} FROM targets")
        except sqlite3.OperationalError:
            return None
        out = []
        for t in cur:
            kw = dict(zip(_COLS[1:], t[1:], strict=True))
            kw["aspirational"], kw["growth"] = bool(kw["aspirational"]), bool(kw["growth"])
            out.append(StoredTarget(int(t[0]), TargetRow(**kw)))
        return out
    finally:
        con.close()
