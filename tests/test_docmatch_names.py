"""Documents named by their title written out in the question (retrieval/docmatch.py ``DocMatcher.named``)."""

from __future__ import annotations

import pytest

from index.analyzer import Analyzer
from ingest.types import DocMeta
from retrieval.docmatch import DocMatcher, name_forms

TITLES = ["中华人民共和国森林法", "森林法实施条例", "中华人民共和国森林法（2019修订）", "浙江省森林管理条例",
          "森林管理条例", "江西省森林防火条例", "关于加强森林防火工作的通知"]


@pytest.fixture(scope="module")
def matcher():
    a = Analyzer()
    return DocMatcher([DocMeta(title=t) for t in TITLES], a.tokenize, normalize=a.normalize), a


@pytest.mark.parametrize(("question", "places", "expected"), [
    ("森林法规定林地分为哪几类？", (), {"中华人民共和国森林法", "中华人民共和国森林法（2019修订）"}),
    ("依照《森林法实施条例》，采伐许可证由谁核发？", (), {"森林法实施条例"}),  # the longest name, not also 森林法
    ("森林管理条例规定的罚款是多少？", (), {"森林管理条例"}),
    ("浙江的森林管理条例规定的罚款是多少？", (), {"浙江省森林管理条例"}),  # the place named: the local title instead
    ("What fine does the 森林管理条例 set in this province?", ("浙江",), {"浙江省森林管理条例"}),
    ("江西省森林防火条例规定的防火期是哪几个月？", (), {"江西省森林防火条例"}),
    ("森林防火期从哪天开始？", (), set()),  # no title written out
    ("依照森林法，林木採伐要辦理什麼證件？", (), {"中华人民共和国森林法", "中华人民共和国森林法（2019修订）"}),
])
def test_named_documents(matcher, question, places, expected):
    m, a = matcher
    got = {TITLES[i] for i, x in enumerate(m.named(a.normalize(question), places)) if x}
    assert got == expected


def test_a_named_title_adds_its_weight_to_the_title_match(matcher):
    m, a = matcher
    terms = {t: 1.0 for t in a.tokenize("森林法规定林地分为哪几类")}
    plain = m.scores(terms)
    named = m.scores(terms, named=a.normalize("森林法规定林地分为哪几类"), name_weight=0.3)
    assert (named - plain)[0] == pytest.approx(0.3) and (named - plain)[1] == pytest.approx(0.0)


@pytest.mark.parametrize(("title", "forms"), [
    ("中华人民共和国森林法", ("中华人民共和国森林法", "森林法")),
    ("中华人民共和国宪法", ("中华人民共和国宪法",)),  # 宪法 alone is a word of any sentence
    ("森林法实施条例（2018修订）", ("森林法实施条例（2018修订）", "森林法实施条例")),
    ("", ()),
])
def test_name_forms(title, forms):
    assert name_forms(title) == forms


def test_a_year_the_title_names_matches_like_the_documents_own():
    # A report on 2022 published in 2023; a plan's period is no year of its own.
    metas = [DocMeta(title="数字经济发展报告（2022年）", year=2023), DocMeta(title="数字经济发展情况的报告", year=2022),
             DocMeta(title="数字经济发展规划（2021-2025年）", year=2021)]
    m = DocMatcher(metas, tokenize=list)
    assert m.scores({}, years=(2022,)).tolist() == [0.5, 0.5, 0.0]
    assert m.scores({}, years=(2025,)).tolist() == [0.0, 0.0, 0.0]
