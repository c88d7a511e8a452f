"""Querying the policy targets table of an index (rows extracted at index time by ``index/targets.py``).

A metric is given as its canonical name, any phrase of ``data/metrics.tsv`` (GDP增长 → 国内生产总值增长) or its
English name, or else as free text matched inside the rows' subjects. Documents' regions and years come from their
metadata; a row's own ``year`` is the year or period the figure is for.

Example (over a built index ``ix``)::

    rows = query_targets(ix, TargetFilter(metric="赤字率", kinds=("target",)))
    for r in rows: print(r.doc_year, r.row.quantity, r.sentence)
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from index.analyzer import to_simplified
from index.metrics import load_metrics
from index.store import LoadedIndex
from index.targets import TargetRow, read_targets


@dataclass(frozen=True)
class TargetFilter:
    """Which rows to return. Empty fields do not filter. ``year_from``/``year_to`` bound the figure's year (a
    period counts when it overlaps), falling back to the document's year when the row names none."""

    metric: str = ""
    regions: tuple[str, ...] = ()
    year_from: int | None = None
    year_to: int | None = None
    kinds: tuple[str, ...] = ()
    growth: bool | None = None
    docs: tuple[str, ...] = ()


@dataclass(frozen=True)
class TargetResult:
    """A row with the document it comes from and its sentence (exact stored text)."""

    row: TargetRow
    doc: str  # document name (file)
    doc_idx: int
    title: str
    region: str
    doc_year: int | None
    sentence: str

    def to_dict(self) -> dict:
        return {"doc": self.doc, "title": self.title, "region": self.region, "doc_year": self.doc_year,
                "sentence": self.sentence, **self.row.to_dict()}


def resolve_metric(text: str) -> tuple[str, bool]:
    """(canonical metric, True) for a canonical name, phrase or English name; (folded text, False) otherwise.

    >>> resolve_metric("GDP增长"), resolve_metric("deficit ratio"), resolve_metric("外汇储备")
    (('国内生产总值增长', True), ('赤字率', True), ('外汇储备', False))
    """
    t = to_simplified(text.strip())
    table = load_metrics()
    if t in table.phrase_to_metric:
        return table.phrase_to_metric[t], True
    low = t.lower()
    for name, en in table.english.items():
        if en.lower() == low:
            return name, True
    return t, False


def _years(y: str | None) -> tuple[int, int] | None:
    if not y:
        return None
    m = re.fullmatch(r"(\d{4})(?:-(\d{4}))?", y)
    if not m:
        return None
    a = int(m.group(1))
    return a, int(m.group(2) or a)


def query_targets(ix: LoadedIndex, f: TargetFilter) -> list[TargetResult] | None:
    """Rows of the index's targets table that pass ``f``, in document order; None when the index has no table
    (built before it existed: rebuild)."""
    stored = _table(ix)
    if stored is None:
        return None
    metric, canonical = resolve_metric(f.metric) if f.metric else ("", False)
    out = []
    for st in stored:
        r = st.row
        d = ix.docs[st.doc_idx]
        if metric and (r.metric != metric if canonical else metric not in r.subject and metric != r.metric):
            continue
        if f.regions and d.meta.region not in f.regions:
            continue
        if f.kinds and r.kind not in f.kinds:
            continue
        if f.growth is not None and r.growth != f.growth:
            continue
        if f.docs and d.name not in f.docs:
            continue
        if f.year_from is not None or f.year_to is not None:
            span = _years(r.year) or ((d.meta.year, d.meta.year) if d.meta.year else None)
            if span is None:
                continue
            if (f.year_from is not None and span[1] < f.year_from) or (f.year_to is not None and span[0] > f.year_to):
                continue
        out.append(TargetResult(row=r, doc=d.name, doc_idx=st.doc_idx, title=d.meta.title, region=d.meta.region,
                                doc_year=d.meta.year, sentence=d.text[r.sent_start : r.sent_end].strip()))
    return out


def _table(ix: LoadedIndex):
    cached = ix.__dict__.get("_targets")
    if cached is None:
        import sqlite3

        try:
            cached = read_targets(ix.path / "docs.sqlite")
        except (sqlite3.Error, OSError):  # the version was replaced and pruned since it was opened: reopen
            return None
        ix.__dict__["_targets"] = cached if cached is not None else False
    return cached if cached is not False else None


def by_document(rows: list[TargetResult]) -> dict[int, list[TargetResult]]:
    """Rows grouped by document, in document order."""
    out: dict[int, list[TargetResult]] = {}
    for r in rows:
        out.setdefault(r.doc_idx, []).append(r)
    return out


def pick_result(rows: list[TargetResult], year: int | None) -> TargetResult | None:
    """``pick_for_chart`` over one document's results."""
    p = pick_for_chart([r.row for r in rows], year, [r.sentence for r in rows])
    return next((r for r in rows if r.row is p), None)


# A report's headline targets: the sentence that says what this year's targets are (今年发展主要预期目标是：…).
_HEADLINE = re.compile(r"今年|预期目标|主要目标")
# A period's rate per year (年均增长7%, 平均每年递增4%), which a chart of yearly rates can plot, not its total.
_ANNUAL = re.compile(r"年均|平均每年|每年平均|每年递增")


def pick_for_chart(rows: list[TargetRow], year: int | None, sentences: list[str] | None = None) -> TargetRow | None:
    """The one row of a document a chart of a metric plots for ``year``: a row for exactly that year, else for a
    period holding it — given the rows' ``sentences``, a year's row in a headline sentence (今年…预期目标) first, and
    an annual rate (年均, 平均每年) before a total — else None; otherwise the first in document order.

    >>> from index.targets import extract_targets
    >>> rows = extract_targets("今年国内生产总值增长5%左右。“十五”期间年均增长7%。", doc_year=2001, doc_type="report")
    >>> pick_for_chart(rows, 2001).quantity
    '5%'
    >>> text = "全年国内生产总值增长2.3%。今年发展主要预期目标是：国内生产总值增长6%以上。"
    >>> rows = [r for r in extract_targets(text, doc_year=2021, doc_type="report") if r.kind == "target"]
    >>> pick_for_chart(rows, 2021, [text[r.sent_start:r.sent_end] for r in rows]).quantity
    '6%'
    """
    if year is None:
        return None
    sents = ([to_simplified(x) for x in sentences] if sentences is not None and len(sentences) == len(rows)
             else [""] * len(rows))
    cands = [(i, r, x, _clause_before(x, r)) for i, (r, x) in enumerate(zip(rows, sents, strict=True))]
    exact = [c for c in cands if c[1].year == str(year)]
    if exact:
        return min(exact, key=lambda c: (not _HEADLINE.search(c[2]), not _ANNUAL.search(c[3]), c[0]))[1]
    spans = [c for c in cands if _covers(c[1], year, bool(_ANNUAL.search(c[3])))]
    if not spans:
        return None
    table = load_metrics()
    return min(spans, key=lambda c: (not _ANNUAL.search(c[3]), table.rank_in(c[1].metric, c[1].subject), c[0]))[1]


def _covers(r: TargetRow, year: int, annual: bool) -> bool:
    """Whether the row's year or period holds ``year``; an annual rate up to a later year counts for each year before
    it (到1992年…平均每年增长7.5%, in a 1988 report)."""
    sp = _years(r.year)
    if sp and annual and sp[0] == sp[1] and sp[0] > year:
        return True
    return bool(sp) and sp[0] <= year <= sp[1]


def _clause_before(sentence: str, r: TargetRow) -> str:
    """The words of ``sentence`` before the row's figure, back to the previous figure or clause (its own wording)."""
    i = sentence.find(to_simplified(r.quantity))
    head = sentence[:i] if i >= 0 else sentence
    return re.split(r"[，,；;。]", head)[-1]
