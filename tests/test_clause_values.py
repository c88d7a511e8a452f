"""Values read across parallel numbered clauses (retrieval/answer/clause_values.py)."""

from __future__ import annotations

import pytest

from retrieval import qtype
from retrieval.answer.clause_values import parallel_values


def values(text: str, words, figures: bool = False) -> list[list[str]]:
    return [items for _, _, items, _ in parallel_values(text, 0, len(text), words, figures)]


@pytest.mark.parametrize(("text", "words", "figures", "expected"), [
    # one value per clause, after the shared word
    ("（一）一类区域，补助标准为每亩三百元；（二）二类区域，补助标准为每亩二百元；（三）三类区域，补助标准为每亩一百元。",
     ("补助标准",), True, [["每亩三百元", "每亩二百元", "每亩一百元"]]),
    # a sub-list (1. 2.) inside an item does not break the outer run
    ("（一）甲类，限额为五十万元：1.设备；2.软件。（二）乙类，限额为二十万元。", ("限额",), True, [["五十万元", "二十万元"]]),
    # phrases, when the question asks no figure
    ("（一）一级，由省人民政府审批；（二）二级，由市人民政府审批。", ("一级",), False, []),
    ("一是首席专家；二是骨干专家；三是青年专家。", ("专家",), False, []),  # no value after the word: no list
    # the run stops at the first clause without a value for the word
    ("（一）县城，费率为百分之二；（二）乡镇，费率为百分之一；（三）其他地方，免收。", ("费率",), True,
     [["百分之二", "百分之一"]]),
    # all clauses the same value: nothing to list
    ("（一）甲，税率为百分之三；（二）乙，税率为百分之三。", ("税率",), True, []),
    # a single numbered clause is no run
    ("（一）甲，税率为百分之三。", ("税率",), True, []),
    ("", ("税率",), True, []),
])
def test_parallel_values(text, words, figures, expected):
    assert values(text, words, figures) == expected


@pytest.mark.parametrize("q", ["纳税人在市区、县城和其他地方的，适用税率依次是多少？", "三类区域的补助标准依次为多少？"])
def test_in_order_questions_ask_for_a_list(q):
    assert qtype.classify(q) == "list"
