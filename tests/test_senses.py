"""Corpus-aware sense choice (retrieval/senses.py) over a small BM25 index of hand-written passages."""

import numpy as np
import pytest

from index.bm25 import BM25Index
from retrieval.lexicon import Expansion
from retrieval.senses import SenseChooser

PASSAGES = [["法院", "审理", "利息"], ["法院", "利息", "借贷"], ["兴趣", "爱好"], ["法院", "判决"], ["借贷", "利息"]]
DOC_OF = np.array([0, 0, 1, 2, 3])  # passages 0 and 1 are one document


@pytest.fixture
def chooser():
    return SenseChooser(BM25Index.build(PASSAGES), DOC_OF, cooccurrence=True)


def test_a_sense_the_corpus_never_has_gets_nothing(chooser):
    court = Expansion("court", ("宫廷", "法院"), 0.5, "cedict", (0.7, 0.3))
    got = chooser.choose([court], lambda t: [t])[0]
    assert got.shares == pytest.approx((0.0, 1.0))


@pytest.mark.parametrize("cooccurrence", [True, False])
def test_total_weight_and_single_candidates_are_kept(cooccurrence):
    c = SenseChooser(BM25Index.build(PASSAGES), DOC_OF, cooccurrence=cooccurrence)
    interest = Expansion("interest", ("兴趣", "利息"), 0.5, "cedict", (0.5, 0.5))
    lending = Expansion("lending", ("借贷",), 1.0, "glossary")
    a, b = c.choose([interest, lending], lambda t: [t])
    assert sum(a.shares) == pytest.approx(1.0)
    assert b is lending


def test_cooccurrence_prefers_the_sense_that_shares_documents(chooser):
    # 利息 and 借贷 share documents; 兴趣 never meets 借贷
    interest = Expansion("interest", ("兴趣", "利息"), 0.5, "cedict", (0.5, 0.5))
    lending = Expansion("lending", ("借贷", "贷款"), 0.5, "cedict", (0.5, 0.5))
    a, _ = chooser.choose([interest, lending], lambda t: [t])
    freq_only = SenseChooser(BM25Index.build(PASSAGES), DOC_OF, cooccurrence=False).choose([interest, lending],
                                                                                          lambda t: [t])[0]
    assert a.shares[1] > freq_only.shares[1] > a.shares[0]
