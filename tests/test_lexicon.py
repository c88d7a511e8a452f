"""Lexicon: phrase-first matching, lemmas, stop glosses, CEDICT reverse index and its cache."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from retrieval.lexicon import (
    Expansion,
    Lexicon,
    LexiconError,
    build_cedict_index,
    lemma,
    load_cedict_index,
    load_glossary,
)


@pytest.fixture(scope="module")
def lex() -> Lexicon:
    return Lexicon(cedict=False)


@pytest.mark.parametrize(
    "word, expected",
    [
        ("enterprises", "enterprise"),
        ("Industries", "industry"),
        ("planning", "plan"),
        ("targeted", "target"),
        ("boxes", "box"),
        ("process", "process"),
        ("news", "news"),
        ("R&D", "r&d"),
        ("Zhejiang's", "zhejiang"),
        ("speed", "speed"),
        ("bring", "bring"),
    ],
)
def test_lemma(word, expected):
    assert lemma(word) == expected


def test_phrase_first_longest_match(lex):
    exps = lex.lookup("technology contract turnover")
    assert [(e.span, e.terms[0], e.source) for e in exps] == [
        ("technology contract turnover", "技术合同成交额", "glossary")
    ]
    # the single word alone still maps to something shorter
    assert lex.lookup("contract")[0].terms != ("技术合同成交额",)


@pytest.mark.parametrize(
    "text, term",
    [
        ("high-tech enterprises", "高新技术企业"),
        ("High tech enterprise", "高新技术企业"),
        ("R&D intensity", "研发投入强度"),
        ("the 14th Five-Year Plan", "十四五"),
        ("key laboratories", "重点实验室"),
        ("industrial parks", "产业园"),
        ("specialized and sophisticated SMEs", "专精特新中小企业"),
        ("value added", "增加值"),
    ],
)
def test_glossary_terms(lex, text, term):
    terms = [t for e in lex.lookup(text) for t in e.terms]
    assert term in terms


def test_phrases_do_not_cross_punctuation(lex):
    # "technology, contract turnover" must not be read as one phrase
    spans = [e.span for e in lex.lookup("technology, contract turnover")]
    assert "technology, contract turnover" not in spans
    assert spans == ["technology", "contract turnover"]


def test_stopwords_never_expand(lex):
    assert lex.lookup("which of the what how many") == []


def test_glossary_bad_line_names_file(tmp_path: Path):
    bad = tmp_path / "g.tsv"
    bad.write_text("contract turnover 技术合同成交额\n", encoding="utf-8")
    with pytest.raises(LexiconError, match="g.tsv:1"):
        load_glossary(bad)
    with pytest.raises(LexiconError, match="not found"):
        load_glossary(tmp_path / "missing.tsv")


def test_glossary_size_and_format():
    g = load_glossary()
    assert len(g) >= 400
    assert all(terms for terms in g.values())


FAKE_CEDICT = """\
# comment
合同 合同 [he2 tong5] /(business) contract/CL:份[fen4]/
契約 契约 [qi4 yue1] /agreement/contract/
約 约 [yue1] /contract/about/
張 张 [zhang1] /surname Zhang/to open up/
著 着 [zhe5] /variant of 著/used in 著名/
孵化器 孵化器 [fu1 hua4 qi4] /incubator (lit. and fig.)/
浙江 浙江 [Zhe4 jiang1] /Zhejiang province/
光 光 [guang1] /light/ray/a kind of glow/
"""


def _fake(tmp_path: Path) -> Path:
    p = tmp_path / "cedict_fake.txt"
    p.write_text(FAKE_CEDICT, encoding="utf-8")
    return p


def test_cedict_reverse_index_ranking_and_stop_glosses(tmp_path):
    idx = build_cedict_index(_fake(tmp_path), freqs={"合同": 50000, "契约": 800})
    weight, terms, shares = idx["contract"]
    assert terms[0] == "合同"  # first sense + frequent
    assert "约" not in terms  # single character dropped when multi-character candidates exist
    assert abs(sum(shares) - 1) < 1e-3 and 0 < weight <= 0.5
    assert idx["incubator"][1] == ["孵化器"]
    assert idx["incubator"][0] > weight  # one headword for a gloss → more specific → heavier
    keys = " ".join(idx)
    assert "surname" not in keys and "variant" not in keys and "used in" not in keys
    assert "zhejiang" not in idx  # proper names are not indexed
    assert "kind of glow" not in idx and "glow" not in idx


def test_cedict_cache_is_json(tmp_path, monkeypatch):
    import retrieval.lexicon as L

    monkeypatch.setattr(L, "cedict_path", lambda: _fake(tmp_path))
    idx = load_cedict_index(tmp_path / "cache")
    files = list((tmp_path / "cache").glob("*.json"))
    assert len(files) == 1 and json.loads(files[0].read_text(encoding="utf-8")) == idx
    assert load_cedict_index(tmp_path / "cache") == idx  # second call reads the cache


def test_glossary_wins_over_cedict(tmp_path, monkeypatch):
    import retrieval.lexicon as L

    monkeypatch.setattr(L, "cedict_path", lambda: _fake(tmp_path))
    both = Lexicon(cache_dir=tmp_path / "c")
    assert both.lookup("incubator")[0].source == "glossary"
    only = Lexicon(glossary=False, cache_dir=tmp_path / "c")
    e = only.lookup("incubators")[0]
    assert (e.source, e.terms) == ("cedict", ("孵化器",)) and e.weight < 1.0
    assert Lexicon(glossary=False, cedict=False).lookup("incubator") == []


def test_expansion_shares_default_equal():
    e = Expansion("x", ("甲", "乙"), 1.0, "glossary")
    assert e.term_shares() == (0.5, 0.5)


def test_real_cedict_layer():  # builds the CC-CEDICT index once (~5 s), then reads the JSON cache
    lex = Lexicon(glossary=False)
    e = lex.lookup("incubator")
    assert e and "孵化器" in e[0].terms
    assert all(x.source == "cedict" for x in lex.lookup("laser machine"))


def test_single_letters_never_reach_cedict(tmp_path, monkeypatch):
    import retrieval.lexicon as L

    p = tmp_path / "cedict.txt"
    p.write_text("微秒 微秒 [wei1 miao3] /s (abbr. for microsecond)/\n秒 秒 [miao3] /s/second/\n", encoding="utf-8")
    monkeypatch.setattr(L, "cedict_path", lambda: p)
    lex = Lexicon(glossary=False, cache_dir=tmp_path / "c")
    assert lex.lookup("s") == []  # the "s" left of a possessive or a unit letter
    assert [e.span for e in lex.lookup("second")] == ["second"]


@pytest.mark.parametrize(
    "word, good, misleading",
    [
        ("new", "新增", "新生"),
        ("date", "日期", "枣子"),
        ("level", "级", "平坦"),
        ("years", "年", "岁月"),
        ("issued", "印发", "发表"),
        ("foreigners", "外国人", "洋人"),
        ("high", "高", "轩昂"),
    ],
)
def test_common_words_override_misleading_dictionary_senses(word, good, misleading):
    # the glossary (which wins) holds plain policy senses of everyday words
    terms = [t for e in Lexicon(cedict=False).lookup(word) for t in e.terms]
    assert good in terms and misleading not in terms


@pytest.mark.parametrize(
    "text, spans",
    [
        ("R&D investment of enterprises", ["R&D investment", "enterprises"]),
        ("co-build a research institute", ["co-build", "research institute"]),
        ("newly certified high-tech enterprises", ["newly", "certified", "high-tech enterprises"]),
    ],
)
def test_phrase_first_spans(lex, text, spans):
    assert [e.span for e in lex.lookup(text)] == spans


@pytest.mark.parametrize(
    "text, term",
    [
        ("a week of science popularisation", "科普"),  # the glossary writes "popularization"
        ("an R&D center in Jinan", "研发中心"),  # the glossary writes "R&D centre"
        ("an innovation center in every province", "创新中心"),
        ("the national key labs program", "计划"),  # the glossary writes "programme"
    ],
)
def test_the_other_spelling_reaches_the_entry(lex, text, term):
    terms = [t for e in lex.lookup(text) for t in e.terms]
    assert term in terms


def test_a_word_known_as_written_keeps_its_spelling(lex):
    # "centre" is a glossary word: looked up as written, never turned into "center"
    assert lex._known_key("centre") == "centr" and lex._known_key("programme") == lex._known_key("Programme")
    assert lex._known_key("zzzzisation") == "zzzzisation"  # no spelling known either way: unchanged
