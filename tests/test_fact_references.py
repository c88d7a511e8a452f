"""Fact spans that answer nothing: bare article references, function phrases, spans opening with a conjunction."""

import pytest

from ingest.types import Chunk, DocMeta
from retrieval.answer.base import Candidate, build_context
from retrieval.answer.extract import mismatched
from retrieval.answer.facts import FactProposer, is_reference
from retrieval.types import Hit


@pytest.mark.parametrize(("text", "ref"), [("第十七条", True), ("第三条第二款", True), ("第七章", True), ("之日起", True),
                                         ("第十七条规定的机关", False), ("市场监督管理部门", False), ("十七条", False)])
def test_is_reference(text, ref):
    assert is_reference(text) is ref


def test_a_reference_is_never_a_fact_answer():
    s = "第九条 参观者进入展区，须征得管理单位的同意。"
    hit = Hit(Chunk("d", 0, 0, len(s), s), "d.txt", DocMeta(), 1.0, {"bm25": 9.0})
    ctx = build_context("参观者进入展区需要满足什么条件？", (hit,), tokenize=lambda t: [t[i:i + 2] for i in range(len(t) - 1)],
                        normalize=str)
    sent = ctx.sents[0]
    assert mismatched(Candidate("fact", sent, 0, 3, "第九条", {}))
    assert not mismatched(Candidate("fact", sent, 21, 25, "管理单位", {}))
    assert all(c.text != "第九条" for c in FactProposer().propose(ctx))


def test_a_name_interrupted_by_an_aside_is_proposed_whole():
    s = "开发区管委会与临港综合保税区（以下简称综保区）管理委员会合署办公。"
    hit = Hit(Chunk("d", 0, 0, len(s), s), "d.txt", DocMeta(), 1.0, {"bm25": 9.0})
    ctx = build_context("开发区管委会与哪个机构合署办公？", (hit,), tokenize=lambda t: [t[i:i + 2] for i in range(len(t) - 1)],
                        normalize=str)
    got = {c.text: (c.start, c.end) for c in FactProposer().propose(ctx)}
    assert "临港综合保税区管理委员会" in got
    a, b = got["临港综合保税区管理委员会"]
    assert s[a:b] == "临港综合保税区（以下简称综保区）管理委员会"  # the cited span is the text as written
