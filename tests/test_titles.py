"""English document names composed into indexed Chinese titles (retrieval/titles.py)."""

import pytest

from retrieval.lexicon import default_lexicon
from retrieval.titles import TitleTable

TITLES = ["中华人民共和国商标法", "中华人民共和国道路交通安全法", "中华人民共和国劳动合同法", "某市养犬管理条例",
          "关于加强食品安全工作的决定"]


@pytest.fixture(scope="module")
def table():
    return TitleTable(TITLES)


@pytest.mark.parametrize("question, title", [
    ("Under China's Trademark Law, how long is a registration valid?", "商标法"),
    ("What does the Road Traffic Safety Law say about helmets?", "道路交通安全法"),
    ("Under the Law on Road Traffic Safety, …", "道路交通安全法"),
    ("the labour contract law's rule on probation", "劳动合同法"),
])
def test_names_compose_to_titles(table, question, title):
    got = [t.title for t in table.compose(question, default_lexicon())]
    assert got == [title]


@pytest.mark.parametrize("question", [
    "Under the Copyright Law, how long does protection last?",  # composes (著作权法/版权法), but no such title here
    "What does the law say about fines?",  # a head word alone names nothing
    "Which plan sets the target?",
    "",
])
def test_no_title_without_a_matching_document(table, question):
    assert table.compose(question, default_lexicon()) == []


def test_covered_words_are_reported(table):
    (t,) = table.compose("Under China's Trademark Law, …", default_lexicon())
    assert t.span == "Trademark Law" and t.words == ("Trademark", "Law")


def test_title_terms_steer_the_document_match(tmp_path):
    """Over a real (BM25-only) index: the composed title joins the question's expansions and the document it
    names gets the best document match, although another document says 商标 and 法 more often."""
    from config import Config, EncoderConfig
    from index.build import build_index
    from retrieval.search import Searcher

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "trademark.txt").write_text("中华人民共和国商标法\n\n第三十九条 注册商标的有效期为十年，自核准注册之日起计算。\n",
                                        encoding="utf-8")
    (docs / "brands.txt").write_text("某市商标品牌发展办法\n\n" + "依法加强商标品牌建设，商标注册依法办理，商标保护依法进行。" * 3,
                                     encoding="utf-8")
    cfg = Config().with_(index_dir=tmp_path / "idx", encoder=EncoderConfig(backend="none"))
    build_index([docs], cfg)
    s = Searcher.open(cfg)
    res = s.search_full("How long is a registered trademark valid under the Trademark Law?")
    assert [e.terms for e in res.analysis.expansions if e.source == "title"] == [("商标法",)]
    scores = s.doc_scores(res.bm25_terms, res.analysis)
    names = [d.name for d in s.index.docs]
    assert scores[names.index("trademark.txt")] > scores[names.index("brands.txt")]
    assert res.hits[0].doc_name == "trademark.txt"
