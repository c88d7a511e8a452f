"""Query analysis: language, regions, years, numbers, expansions and the weighted BM25 query."""

from __future__ import annotations

import re

import pytest

from retrieval.lexicon import Lexicon
from retrieval.query import analyze_query, english_number, script_of


@pytest.fixture(scope="module")
def lex() -> Lexicon:
    return Lexicon(cedict=False)  # fast and deterministic; the CEDICT layer is tested in test_lexicon


def A(text, lex):
    return analyze_query(text, lexicon=lex)


def simple_tokenize(text: str) -> list[str]:
    """Test stand-in for the project analyzer: CJK bigrams plus ASCII words/numbers."""
    out = []
    for run in re.findall(r"[\u4e00-\u9fff]+|[A-Za-z0-9.%]+", text):
        if run[0] >= "\u4e00":
            out += [run[i : i + 2] for i in range(max(1, len(run) - 1))]
        else:
            out.append(run.lower())
    return out


@pytest.mark.parametrize(
    "text, lang",
    [
        ("哪个省份将2025年技术合同成交额目标设定为500亿元?", "zh"),
        ("黑龍江省科技廳2026年的技術合同成交額目標是多少?", "zh-hant"),
        ("How many high-tech enterprises did Zhejiang certify?", "en"),
        ("How many 高新技术企业 did Zhejiang certify in 2020?", "mixed"),
        ("2025年R&D经费投入强度是多少?", "zh"),  # an acronym alone does not make a question mixed
        ("GDP增长多少", "zh"),
    ],
)
def test_lang(lex, text, lang):
    assert A(text, lex).lang == lang


def test_script_of():
    assert script_of("技術合同成交額") == "zh-hant"
    assert script_of("技术合同成交额") == "zh"
    assert script_of("合同") == "zh"  # same in both scripts → simplified


@pytest.mark.parametrize(
    "text, regions, cities",
    [
        ("What did Heilongjiang achieve?", ("黑龙江",), ()),
        ("Shanxi's plan", ("山西",), ()),
        ("Shaanxi Province plan", ("陕西",), ()),
        ("the Cangzhou speech", ("河北",), ("沧州",)),
        ("Zhejiang and Hebei", ("浙江", "河北"), ()),
        ("Inner Mongolia targets", ("内蒙古",), ()),
        ("黑龍江省的目标", ("黑龙江",), ()),
        ("沧州市科技局", ("河北",), ("沧州",)),
        ("high technology in the province", (), ()),
    ],
)
def test_regions(lex, text, regions, cities):
    q = A(text, lex)
    assert q.regions == regions
    assert q.cities == cities


def test_region_question_mixed(lex):
    q = A("which province targets 500亿 contract turnover", lex)
    assert q.qtype == "which-region"
    assert q.lang == "mixed"
    assert "技术合同成交额" in [t for e in q.expansions for t in e.terms]
    assert "500亿" in q.numbers
    assert not any(e.span.lower() == "province" for e in q.expansions)  # the question frame is not a search term


@pytest.mark.parametrize(
    "text, expected",
    [
        ("a target of 50 billion yuan", "500亿元"),
        ("5,000 high-tech enterprises", "5000"),
        ("grow by 20 percent", "20%"),
        ("grow by 2.5%", "2.5%"),
        ("30 billion yuan", "300亿元"),
        ("1.2 trillion yuan", "1.2万亿元"),
        ("3.5 million yuan", "350万元"),
        ("100 million yuan", "1亿元"),
        ("3,178 enterprises", "3178"),
    ],
)
def test_english_numbers(lex, text, expected):
    assert expected in A(text, lex).numbers


def test_numbers_skip_years_and_ordinals(lex):
    q = A("the 14th Five-Year Plan ends in 2025", lex)
    assert q.numbers == ()


def test_english_number_direct():
    assert english_number("50", scale="billion", unit="yuan") == "500亿元"
    with pytest.raises(ValueError):
        english_number("abc")


def test_chinese_numbers_kept(lex):
    q = A("技术合同成交额突破500亿元,增长13.2%", lex)
    assert q.numbers == ("500亿元", "13.2%")


@pytest.mark.parametrize(
    "text, years, ranges, plans",
    [
        ("in 2025", (2025,), (), ()),
        ("the 2021–2023 action plan", (2021, 2022, 2023), ((2021, 2023),), ()),
        ("2021年至2023年", (2021, 2022, 2023), ((2021, 2023),), ()),
        ("十四五期间", tuple(range(2021, 2026)), ((2021, 2025),), ("十四五",)),
        ("the 14th Five-Year Plan", tuple(range(2021, 2026)), ((2021, 2025),), ("十四五",)),
        ("the 13th Five-Year Plan", tuple(range(2016, 2021)), ((2016, 2020),), ("十三五",)),
        ("新增2000家企业", (), (), ()),  # a count, not a year
    ],
)
def test_years(lex, text, years, ranges, plans):
    q = A(text, lex)
    assert q.years == years
    assert q.year_ranges == ranges
    assert q.plans == plans


def test_plan_expands_to_chinese(lex):
    q = A("goals of the 14th Five-Year Plan", lex)
    assert "十四五" in [t for e in q.expansions for t in e.terms]


@pytest.mark.parametrize(
    "text, qtype",
    [
        ("Which province has the most patents?", "which-region"),
        ("哪个省份的目标最高", "which-region"),
        ("How many enterprises were certified?", "number"),
        ("On what date was the conference held?", "date"),
        ("What did Cangzhou City plan?", "fact"),
        ("技术合同成交额是多少", "number"),
        # English forms typed as the Chinese ones are (sentences written for the test)
        ("What top speed does the city's bicycle rule allow?", "number"),
        ("How close to the river may a factory be built?", "number"),
        ("What ceiling on rent increases does the ordinance set?", "number"),
        ("What four kinds of permit does the regulation create?", "list"),
        ("Which county's rule says the festival dates back more than 200 years?", "which-region"),
        ("Which bridge is longer, the north one or the south one?", "compare"),
        ("Did the 2019 or the 2020 plan set the higher target?", "compare"),
    ],
)
def test_question_type(text, qtype):
    assert analyze_query(text).qtype == qtype


def test_bm25_terms_english_matches_chinese_weight(lex):
    zh = A("技术合同成交额", lex).bm25_terms(simple_tokenize)
    en = A("technology contract turnover", lex).bm25_terms(simple_tokenize)
    assert en == zh  # one glossary phrase with one candidate = the Chinese term typed by a user


def test_bm25_terms_split_across_candidates(lex):
    q = A("high-tech enterprises", lex)
    w = q.bm25_terms(simple_tokenize)
    exp = q.expansions[0]
    assert len(exp.terms) >= 2
    per_term = sum(len(simple_tokenize(t)) for t in exp.terms) / len(exp.terms)
    assert sum(w.values()) == pytest.approx(per_term)  # the phrase weighs one average candidate


def test_bm25_terms_mixed_and_entities(lex):
    q = A("How many 高新技术企业 did Zhejiang certify in 2020?", lex)
    w = q.bm25_terms(simple_tokenize)
    assert w["高新"] == 1.0  # Chinese part, as typed
    assert w["浙江"] == 1.0  # region named in English
    assert w["2020"] == 0.5
    assert "认定" in w


def test_bm25_cedict_weighs_less(tmp_path, monkeypatch):
    import retrieval.lexicon as L

    p = tmp_path / "cedict.txt"
    p.write_text("光刻機 光刻机 [guang1 ke4 ji1] /photolithography machine/\n", encoding="utf-8")
    monkeypatch.setattr(L, "cedict_path", lambda: p)
    q = analyze_query("photolithography machine", lexicon=Lexicon(glossary=False, cache_dir=tmp_path / "c"))
    w = q.bm25_terms(simple_tokenize)
    assert set(w) == {"光刻", "刻机"} and all(0 < v < 1 for v in w.values())


def test_no_expansion_switch():
    q = analyze_query("technology contract turnover", expand=False)
    assert q.expansions == ()


@pytest.mark.parametrize("bad", ["", "   ", None])
def test_empty_query_raises(bad):
    with pytest.raises(ValueError, match="empty query"):
        analyze_query(bad)


@pytest.mark.parametrize(
    "text, regions",
    [
        ("Which province's plan targets 60 platforms?", ("",)),  # the frame, with its possessive, is masked
        ("Which city's speech mentions 5 parks?", ("",)),
    ],
)
def test_region_frame_possessive_is_masked(lex, text, regions):
    q = A(text, lex)
    assert q.qtype == "which-region"
    assert not any(e.span.lower() in ("s", "province's", "city's") for e in q.expansions)


@pytest.mark.parametrize(
    "text, region",
    [
        ("SHANXI and Shanxi Province", "山西"),
        ("Shaanxi's targets", "陕西"),
        ("the Xi'an high-tech zone", "陕西"),
        ("Taiyuan", "山西"),
    ],
)
def test_shanxi_shaanxi_not_confused(lex, text, region):
    q = A(text, lex)
    assert q.regions and q.regions[0] == region
    assert {"山西", "陕西"} - {region} & set(q.regions) == set()


@pytest.mark.parametrize(
    "text, expected",
    [
        ("4,720 work permits", "4720"),
        ("0.5 percentage points", "0.5个百分点"),
        ("65 per cent", "65%"),
        ("1.5 million", "150万"),
        ("US$ 2 billion dollars", "20亿美元"),
        ("956.42 billion yuan", "9564.2亿元"),
    ],
)
def test_more_english_numbers(lex, text, expected):
    assert expected in A(text, lex).numbers


@pytest.mark.parametrize(
    "text, expected",
    [("全省高新技术企业达到3178家", "3178家"), ("突破500億元", "500億元"), ("增长20%", "20%")],
)
def test_chinese_figures_both_scripts(lex, text, expected):
    assert expected in A(text, lex).numbers


def test_english_figure_is_a_bm25_entity(lex):
    w = A("Which province reported 3,178 high-tech enterprises?", lex).bm25_terms(simple_tokenize)
    assert w["3178"] == 1.0


@pytest.mark.parametrize("question,expected", [
    ("How many Nobel laureates work in Zhejiang's provincial laboratories?", {"Nobel", "laureates"}),
    ("How many high-tech enterprises did Zhejiang certify in 2020?", set()),
    ("Which province held the conference?", set()),  # -ed verbs and question frames are grammar
])
def test_uncovered_english_words(question, expected):
    from retrieval.query import analyze_query

    assert set(analyze_query(question).uncovered) == expected


@pytest.mark.parametrize("q, word", [("Under the Supreme People's Court's provisions on lending", "People's"),
                                     ("the State Council's special rules", "Council's")])
def test_possessive_words_count_as_covered(q, word):
    assert word not in analyze_query(q).uncovered


@pytest.mark.parametrize("q", ["How long is a licence suspended?", "how far from the river may one build?",
                               "How often is the census held?"])
def test_how_long_is_grammar_not_a_search_term(q):
    spans = [e.span.lower() for e in analyze_query(q).expansions]
    assert not any(s in ("long", "far", "often") for s in spans), spans


@pytest.mark.parametrize("q, form", [("Which city marks September 5 every year as its day?", "9月5日"),
                                     ("What happened on 1 May 2020 in the province?", "2020年5月1日"),
                                     ("What was set on Oct. 12th, 2019?", "2019年10月12日")])
def test_english_dates_become_the_documents_form(q, form):
    from retrieval.query import analyze_query

    qa = analyze_query(q, expand=False)
    assert form in qa.numbers, qa.numbers
