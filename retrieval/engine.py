"""The question-answering facade used by the CLI, the app and the evaluation.

    >>> from config import Config
    >>> from retrieval.engine import PolicyQA
    >>> qa = PolicyQA.open(Config())                                            # doctest: +SKIP
    >>> a = qa.ask("which province targets 500亿 contract turnover")            # doctest: +SKIP
    >>> a.answer, [c.hit.doc_name for c in a.citations]                        # doctest: +SKIP
"""

from __future__ import annotations

from config import Config
from retrieval.answer import extract_answer
from retrieval.search import Searcher
from retrieval.types import Answer, Filters, Hit


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
        res = self.searcher.search_full(question, k or self.cfg.retrieval.k, filters, **search_kw)
        an = self.searcher.analyzer
        if self.cfg.retrieval.answer == "naive":  # the evaluation baseline (eval/configs.py "naive")
            from retrieval.answer_naive import naive_answer

            return naive_answer(question, res.hits, tokenize=an.tokenize)
        return extract_answer(question, res.hits, use_llm=use_llm, **self.answer_kwargs(res))

    def answer_kwargs(self, res) -> dict:
        """What the answer step takes from a search result besides the question and hits (one query analysis)."""
        an = self.searcher.analyzer
        expansions = [t for e in res.analysis.expansions for t in e.terms] if res.analysis.expansions else []
        return dict(tokenize=an.tokenize, normalize=an.normalize, query_regions=res.analysis.regions,
                    abstain_threshold=self.cfg.retrieval.abstain_threshold, expansions=expansions,
                    doc_text=self._doc_text, uncovered=res.analysis.uncovered, qt=res.analysis.qtype)
