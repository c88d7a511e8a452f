"""The question-answering facade used by the CLI, the app and the evaluation.

Usage (over a built index, so not a doctest)::

    from config import Config
    from retrieval.engine import PolicyQA
    qa = PolicyQA.open(Config())
    a = qa.ask("which province targets 500亿 contract turnover")
    a.answer, [c.hit.doc_name for c in a.citations]
"""

from __future__ import annotations

import re
from dataclasses import replace

from config import Config
from retrieval.answer import extract_answer
from retrieval.search import Searcher
from retrieval.types import NOT_FOUND, Answer, Filters, Hit


class PolicyQA:
    """Search plus answers over one loaded index."""

    def __init__(self, searcher: Searcher):
        self.searcher = searcher
        self.cfg = searcher.cfg

    @classmethod
    def open(cls, cfg: Config | None = None, encoder=None) -> PolicyQA:
        return cls(Searcher.open(cfg or Config(), encoder=encoder))

    def search(self, query: str, k: int | None = None, filters: Filters | None = None, **kw) -> list[Hit]:
        return self.searcher.search(query, k, filters, **kw)

    def _doc_text(self, doc_id: str) -> str:
        """Stored text of a document (for reading around the retrieved passages); "" when unknown."""
        d = self.searcher.index.doc_by_id(doc_id)
        return d.text if d is not None else ""

    def ask(self, question: str, k: int | None = None, filters: Filters | None = None, *, use_llm: bool | None = None,
            **search_kw) -> Answer:
        """Answer ``question`` from the indexed documents, or abstain."""
        from retrieval.query import clean_query

        question = clean_query(question)
        res = self.searcher.search_full(question, k or self.cfg.retrieval.k, filters, **search_kw)
        an = self.searcher.analyzer
        if self.cfg.retrieval.answer == "naive":  # the evaluation baseline (eval/configs.py "naive")
            from retrieval.answer_naive import naive_answer

            return naive_answer(question, res.hits, tokenize=an.tokenize)
        if self.cfg.retrieval.targets_table:  # which-region / which-doc questions about a target figure (#19)
            from retrieval.target_answer import answer_from_table, trend_from_table

            ans = answer_from_table(question, res.analysis, self.searcher.index, filters, tuple(res.hits)) or \
                trend_from_table(question, res.analysis, self.searcher.index, filters, tuple(res.hits))
            if ans is not None:
                return self.located(ans)
        if res.analysis.qtype == "compare" and self.cfg.retrieval.targets_table:
            from retrieval.target_answer import compare_from_table

            ans = compare_from_table(question, res.analysis, self.searcher.index, filters, tuple(res.hits))
            if ans is not None:
                return self.located(ans)
        if res.analysis.qtype == "compare":
            ans = self._compare(question, res, k or self.cfg.retrieval.k, filters, search_kw)
            if ans is not None:
                return self.located(ans)
        return self.located(extract_answer(question, res.hits, use_llm=use_llm, **self.answer_kwargs(res)))

    def located(self, ans: Answer) -> Answer:
        """``ans`` with each citation's place in a converted file (page, table row) — of the answer span when there
        is one, else of the sentence, else of the passage."""
        out = []
        for c in ans.citations:
            d = self.searcher.index.doc_by_id(c.hit.chunk.doc_id)
            if d is None or not d.regions:
                out.append(c)
                continue
            a, b = c.answer_span or c.sentence_span or (c.hit.chunk.start, c.hit.chunk.end)
            out.append(replace(c, location=d.location(a, b)))
        return replace(ans, citations=tuple(out)) if out else ans

    def _compare(self, question: str, res, k: int, filters: Filters | None, search_kw: dict) -> Answer | None:
        """Both sides of a comparison asked on their own (``retrieval/answer/compare.py``)."""
        from retrieval.answer import compare
        from retrieval.answer.extract import _extractive
        from retrieval.answer.scorer import load_scorer

        kind = "date" if compare._TIME.search(question) else "number"
        scorer = load_scorer()

        threshold = scorer.threshold_for(res.analysis.is_english)

        def side_answer(q_side: str, side: tuple[str, str, str], qt: str) -> Answer:
            f = filters
            if side[1] == "region":
                f = replace(filters or Filters(), regions=(side[2],))
            r = self.searcher.search_full(q_side, k, f, **search_kw)
            if not r.hits and f is not filters:
                r = self.searcher.search_full(q_side, k, filters, **search_kw)
            kw = self.answer_kwargs(r)
            a, _scored = _extractive(q_side, tuple(r.hits), kw["tokenize"], kw["normalize"], kw["query_regions"], 0.0, 3,
                                     0.85, tuple(kw["expansions"]), kw["doc_text"], tuple(kw["uncovered"]), qt, scorer,
                                     kw["term_idf"], kw["words"], kw["segment"], analysis=kw["analysis"])
            return a

        def ask_side(q_side: str, side: tuple[str, str, str]) -> compare.SideValue:
            a = side_answer(q_side, side, kind)
            shown = a.answer.split(" (")[0]
            value = None if a.abstained or not a.citations else compare.value_of(shown, kind, question)
            if kind == "number" and compare._LENGTH.search(question):
                # A length of time: a duration (三十日), or — when the side has none it would answer on its own (its
                # confidence under the abstention threshold) — a period written by its two ends (采暖期为11月15日至次年
                # 3月15日), in days; a figure without a time unit (二级) is no length.
                if value is not None and not compare.is_duration(shown):
                    value = None
                if value is None or a.confidence < threshold:
                    d = side_answer(q_side, side, "date")
                    days = None if d.abstained or not d.citations else compare.period_days(d.answer)
                else:
                    days = None
                if days is not None:
                    a, value, shown = d, float(days), f"{d.answer.split(' (')[0]}，{days}天"
            if value is None:
                return compare.SideValue(side[0], None, "", 0.0, None)
            label = side[0]
            if side[1] == "entity" and not re.search(r"[\u4e00-\u9fff]", label):
                label = a.citations[0].hit.meta.title or a.citations[0].hit.doc_name  # "the Civil Procedure Law"
            return compare.SideValue(label, value, shown, a.confidence, a.citations[0])

        ans = compare.compare_answer(question, ask_side, threshold)
        if ans is None:
            return None
        if ans.abstained:
            return Answer(question=question, answer=NOT_FOUND, answer_type="compare", abstained=True,
                          confidence=ans.confidence, supporting=ans.supporting, citations=ans.citations, hits=tuple(res.hits))
        return replace(ans, hits=tuple(res.hits))

    def answer_kwargs(self, res) -> dict:
        """What the answer step takes from a search result besides the question and hits (one query analysis)."""
        an = self.searcher.analyzer
        expansions = [t for e in res.analysis.expansions for t in e.terms] if res.analysis.expansions else []
        return dict(tokenize=an.tokenize, normalize=an.normalize, query_regions=res.analysis.regions,
                    abstain_threshold=self.cfg.retrieval.abstain_threshold, expansions=expansions,
                    doc_text=self._doc_text, uncovered=res.analysis.uncovered, qt=res.analysis.qtype,
                    term_idf=self._term_idf, words=an.words, segment=an.cut, analysis=res.analysis)

    def _term_idf(self, term: str) -> float | None:
        """Corpus IDF of an analyzer token; None when the corpus never has it."""
        bm = self.searcher.index.bm25
        i = bm.vocab.get(term)
        return float(bm.idf[i]) if i is not None else None
