"""English and mixed questions over Chinese documents: dense query text, fusion weights, figure
variants, pseudo-relevance feedback, and end-to-end questions (own wording) over the samples."""

from __future__ import annotations

from dataclasses import replace
from types import SimpleNamespace

import numpy as np
import pytest

from config import RetrievalConfig
from retrieval.lexicon import Lexicon
from retrieval.query import analyze_query
from retrieval.search import Searcher, dense_query_text, fusion_dense_weight, is_figure_token


@pytest.fixture(scope="module")
def lex() -> Lexicon:
    return Lexicon(cedict=False)


# ---------------------------------------------------------------- dense query text


def test_dense_query_appends_chinese_forms(lex):
    qa = analyze_query("R&D spending of enterprises in Shanxi in 2021", lexicon=lex)
    assert dense_query_text(qa, "original") == qa.text
    appended = dense_query_text(qa, "append")
    assert appended.startswith(qa.text) and "研发经费" in appended and "山西" in appended and "2021" in appended
    assert dense_query_text(qa, "chinese") == "研发经费 企业 山西 2021"


def test_dense_query_leaves_chinese_questions_alone(lex):
    qa = analyze_query("山西2021年研发经费是多少？", lexicon=lex)
    assert dense_query_text(qa, "append") == dense_query_text(qa, "chinese") == qa.text


def test_dense_query_mixed_keeps_its_chinese(lex):
    qa = analyze_query("How many 高新技术企业 did Zhejiang certify?", lexicon=lex)
    assert dense_query_text(qa, "chinese").split()[:1] == ["高新技术企业"]


def test_dense_query_unknown_mode(lex):
    with pytest.raises(ValueError, match="dense_query"):
        dense_query_text(analyze_query("plan", lexicon=lex), "translate")


@pytest.mark.parametrize("lang, expected", [("zh", 0.1), ("zh-hant", 0.1), ("en", 0.2), ("mixed", 0.3)])
def test_fusion_weight_per_language(lang, expected):
    rc = RetrievalConfig(dense_weight=0.1, dense_weight_en=0.2, dense_weight_mixed=0.3)
    assert fusion_dense_weight(lang, rc) == expected


# ---------------------------------------------------------------- figures


@pytest.mark.parametrize(
    "tok, yes",
    [("3178家", True), ("3178", True), ("500亿", True), ("20%", True), ("2.5%", True),
     ("2021", False), ("2021年", False), ("企业", False), ("3178家企业单位", False)],
)
def test_is_figure_token(tok, yes):
    assert is_figure_token(tok) is yes


def _fake_searcher(vocab: list[str], chunks: dict[int, str] | None = None, idf: dict[str, float] | None = None):
    """A Searcher shell over a stand-in index (only what the helpers under test read)."""
    s = object.__new__(Searcher)
    terms = list(vocab)
    idf = idf or {}
    s.index = SimpleNamespace(
        bm25=SimpleNamespace(vocab={t: i for i, t in enumerate(terms)},
                             idf=np.array([idf.get(t, 1.0) for t in terms])),
        chunk=lambda i: SimpleNamespace(text=(chunks or {})[i]),
    )
    s.analyzer = SimpleNamespace(tokenize=lambda text: text.split())
    s._sorted_vocab = None
    return s


def test_number_variants_match_counted_forms():
    s = _fake_searcher(["3178家", "3178项", "31780", "3178万", "3178亿元", "3178.5", "317", "企业"])
    out = s.with_number_variants({"3178": 2.0, "企业": 1.0})
    assert out == {"3178": 2.0, "企业": 1.0, "3178家": 2.0, "3178项": 2.0}  # no other quantity (万/亿, more digits)


def test_number_variants_keep_higher_weight():
    s = _fake_searcher(["60家"])
    assert s.with_number_variants({"60": 1.0, "60家": 3.0})["60家"] == 3.0


def test_feedback_terms_prefer_rare_and_shared():
    chunks = {0: "工作许可 外国人 发放 的", 1: "工作许可 外国人 来华", 2: "工作许可 专家"}
    idf = {"工作许可": 1.0, "外国人": 3.0, "来华": 4.0, "发放": 4.0, "专家": 0.5, "的": 0.1}
    s = _fake_searcher(list(idf), chunks, idf)
    out = s.feedback_terms([0, 1, 2], {"工作许可": 1.0}, n=2, weight=0.3)
    assert list(out) == ["外国人", "发放"]  # 2/3 × 3.0 beats 1/3 × 4.0; 来华 ties 发放 and loses on order
    assert out["外国人"] == pytest.approx(0.3) and out["发放"] < 0.3
    assert "工作许可" not in out and "的" not in out  # already asked; one character


# ---------------------------------------------------------------- end to end over the samples


def _evidence_rank(hits, doc_prefix: str, quote: str) -> int | None:
    for r, h in enumerate(hits, 1):
        if h.doc_name.startswith(doc_prefix) and quote in h.chunk.text:
            return r
    return None


@pytest.mark.parametrize(
    "question, doc, quote",
    [
        # English over a simplified document
        ("How much provincial fiscal S&T funding did Zhejiang grant for emergency COVID-19 research?",
         "002", "省财政科技资金补助5218万元"),
        # English over the traditional-script document
        ("How many key core technologies does Heilongjiang want to make breakthroughs in by 2026?",
         "001", "突破200項關鍵核心技術"),
        # traditional question over a simplified document, and the reverse
        ("浙江省財政科技資金為新冠肺炎疫情應急科研補助了多少萬元？", "002", "省财政科技资金补助5218万元"),
        ("黑龙江到2026年要在重点领域突破多少项关键核心技术？", "001", "突破200項關鍵核心技術"),
    ],
)
def test_evidence_in_top3(sample_qa, question, doc, quote):
    hits = sample_qa.search(question, k=10)
    rank = _evidence_rank(hits, doc, quote)
    assert rank is not None and rank <= 3, [(h.doc_name, h.chunk.text[:40]) for h in hits[:5]]


@pytest.mark.parametrize(
    "question, region",
    [
        ("Which province wants 200 key core technology breakthroughs?", "黑龙江"),
        ("Which province handed out 4720 work permits to foreign nationals coming to work in China in 2020?", "黑龙江"),
    ],
)
def test_which_province_in_english(sample_qa, question, region):
    a = sample_qa.ask(question)
    assert not a.abstained and region in a.answer


def test_english_figure_answer(sample_qa):
    a = sample_qa.ask("How much provincial fiscal S&T funding did Zhejiang grant for emergency COVID-19 research?")
    assert "5218万元" in a.answer


def test_english_weights_switch_changes_ranking(sample_qa):
    # the per-language weight is the one applied: an all-dense English setting ranks differently from the default
    s = sample_qa.searcher
    q = "How many key core technologies does Heilongjiang want to make breakthroughs in by 2026?"
    rc = replace(s.cfg.retrieval, dense_weight_en=1.0, region_boost=0.0, year_boost=0.0, doc_boost=0.0)
    dense_en = Searcher(s.index, s.cfg.with_(retrieval=rc), s.analyzer, s.encoder)
    a = [h.scores.get("dense", 0.0) for h in dense_en.search(q, k=5)]
    assert a == sorted(a, reverse=True)  # dense weight 1.0 for English: fused order is the dense order
    zh = dense_en.search("黑龙江到2026年要在重点领域突破多少项关键核心技术？", k=5)
    assert any("bm25" in h.scores for h in zh)  # Chinese questions keep their own weight
