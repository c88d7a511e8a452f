"""The passages of the document a query names score the title's words as if they held them (Searcher._credit_titles),
and an English-only title is matched through the Chinese words its document uses (docmatch.title_aliases)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from config import Config, EncoderConfig


def _law() -> str:
    """A law whose articles, after the first, say 合作区; fifteen of them also repeat its full name."""
    arts = ["东湖山水合作区发展促进条例", "", "第一条 为了推动东湖山水合作区（以下简称合作区）建设，制定本条例。"]
    for i in range(2, 16):
        arts.append(f"第{i}条 东湖山水合作区管理委员会应当加强第{i}项工作。" + f"东湖山水合作区有关部门按照职责做好第{i}项保障，"
                    f"各单位予以配合，确保任务落实到位，定期报告进展情况。" * 5)
    arts.append("第十六条 合作区管理委员会由省、市双方联合组建，实行双主任制。" + "合作区管理委员会负责重大规划、重大政策的研究决策，"
                "统筹推进合作区各项建设工作，协调解决重大问题。" * 5)
    return "\n".join(arts) + "\n"


@pytest.fixture(scope="module")
def searcher(tmp_path_factory):
    from index.build import build_index
    from retrieval.search import Searcher

    root = tmp_path_factory.mktemp("credit")
    docs = root / "docs"
    docs.mkdir()
    (docs / "law.txt").write_text(_law(), encoding="utf-8")
    (docs / "other.txt").write_text("某县农业发展办法\n\n第一条 加强农业生产管理，发展特色产业。\n", encoding="utf-8")
    for i in range(40):  # as in a real corpus, the title's words are rare and 管理委员会, 实行, 制度 common
        (docs / f"zone{i}.txt").write_text(f"第{i}开发区管理办法\n\n第一条 开发区管理委员会实行目标管理制度，主任负责日常工作。\n",
                                           encoding="utf-8")
    (docs / "guide.txt").write_text("为推进试验区建设工作，特制定本指引。\n一、试验区建设以人工智能创新为重点，到2023年布局建设20个左右试验区。\n",
                                    encoding="utf-8")
    (docs / "manifest.jsonl").write_text(
        '{"file": "guide.txt", "title": "Working Guide for Establishing AI Innovation Test Zones"}\n', encoding="utf-8")
    cfg = Config().with_(index_dir=root / "idx", encoder=EncoderConfig(backend="none"))
    build_index([docs], cfg)
    return Searcher.open(cfg)


def _rank(s, q: str, needle: str) -> int:
    hits = s.search(q, k=10)
    return next((r for r, h in enumerate(hits, 1) if needle in h.chunk.text), 99)


def test_passage_of_the_named_document_ranks_by_its_own_words(searcher):
    q = "东湖山水合作区管理委员会实行什么样的主任制度？"
    with_credit = _rank(searcher, q, "双主任制")
    without = _rank(type(searcher)(searcher.index, replace(searcher.cfg, retrieval=replace(
        searcher.cfg.retrieval, title_credit=False)), searcher.analyzer, searcher.encoder), q, "双主任制")
    assert with_credit == 1 and without > with_credit, (with_credit, without)


def test_english_only_title_matches_a_chinese_question_through_its_text(searcher):
    from retrieval.query import analyze_query

    res = searcher.search_full("人工智能创新试验区建设工作指引提出布局多少个试验区？")
    scores = searcher.doc_scores(res.bm25_terms, analyze_query("人工智能创新试验区建设工作指引"))
    names = [d.name for d in searcher.index.docs]
    assert scores[names.index("guide.txt")] > scores[names.index("other.txt")]
    assert "工作" in searcher._docmatch.doc_tokens[names.index("guide.txt")]


@pytest.mark.parametrize("weight, found", [(0.5, True), (0.0, False)])
def test_pinyin_name_finds_its_river(tmp_path, weight, found):
    """An English question spelling a river's name in pinyin reaches the regulation on that river (not on another)."""
    from index.build import build_index
    from retrieval.search import Searcher

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text("某市沙颍河保护条例\n\n第一条 为了保护沙颍河，制定本条例。\n第二条 沙颍河实行河长制。\n", encoding="utf-8")
    (docs / "b.txt").write_text("某市贾鲁河保护条例\n\n第一条 为了保护贾鲁河，制定本条例。\n第二条 贾鲁河实行河长制。\n", encoding="utf-8")
    cfg = Config().with_(index_dir=tmp_path / "idx", encoder=EncoderConfig(backend="none"))
    build_index([docs], cfg)
    s = Searcher.open(cfg.with_(retrieval=replace(cfg.retrieval, pinyin_weight=weight)))
    res = s.search_full("Which system applies to the Jialu River under its regulation?", 2)
    assert ("Jialu" not in res.analysis.uncovered) is found
    if found:
        assert res.hits[0].doc_name == "b.txt" and any(e.source == "pinyin" for e in res.analysis.expansions)
