from dataclasses import replace

import pytest

from config import AnalyzerConfig
from index.analyzer import Analyzer, is_traditional, load_user_dict, to_simplified


@pytest.fixture(scope="module")
def an() -> Analyzer:
    return Analyzer(AnalyzerConfig())


# ---------------------------------------------------------------- normalize

@pytest.mark.parametrize(
    "raw, norm",
    [
        ("\u2f45\u2faf", "方面"),  # Kangxi radicals ⽅⾯ from PDF extraction
        ("ＡＢＣ１２３％", "abc123%"),  # full-width → half-width, lowercase
        ("R&D Intensity", "r&d intensity"),
    ],
)
def test_normalize_unicode(an, raw, norm):
    assert an.normalize(raw) == norm


@pytest.mark.parametrize(
    "tw, cn",
    [("數位經濟", "数字经济"), ("最佳化", "优化"), ("智慧型手機", "智能手机"), ("智慧型", "智能"), ("軟體", "软件"), ("資訊", "信息")],
)
def test_tw2sp_vocabulary(an, tw, cn):
    assert an.normalize(tw) == cn


def test_opencc_off_keeps_script():
    a = Analyzer(AnalyzerConfig(opencc=""))
    assert a.normalize("數位") == "數位"


def test_numbers_normalised(an):
    assert an.normalize("五百億元") == "500亿元"
    assert an.normalize("1,159家") == "1159家"


def test_numbers_off():
    a = Analyzer(AnalyzerConfig(normalize_numbers=False))
    assert a.normalize("五百亿元") == "五百亿元"


# ---------------------------------------------------------------- aligned

@pytest.mark.parametrize("text", ["技術合同成交額達到500億元", "ＡＢＣ⽅⾯①㎡", "數位經濟 İstanbul", "", "plain ascii"])
def test_normalize_aligned_invariant(an, text):
    norm, pos = an.normalize_aligned(text)
    assert len(norm) == len(pos)
    assert pos == sorted(pos)
    assert all(0 <= p < len(text) for p in pos)
    if text:
        assert set(pos) == set(range(len(text)))  # every input char is represented


def test_normalize_aligned_maps_to_traditional_span(an):
    text = "全省技術合同成交額達到"
    norm, pos = an.normalize_aligned(text)
    i = norm.index("技术合同成交额")
    assert text[pos[i] : pos[i + 6] + 1] == "技術合同成交額"


def test_to_simplified_is_char_aligned():
    assert to_simplified("數位經濟") == "数位经济"
    assert len(to_simplified("臺灣資訊")) == 4


@pytest.mark.parametrize("text, trad", [("數位經濟", True), ("数字经济", False), ("著作权", False), ("abc", False)])
def test_is_traditional(text, trad):
    assert is_traditional(text) is trad


# ---------------------------------------------------------------- tokenize

SENT_CN = "到2025年，全省技术合同成交额突破五百亿元，高新技术企业达到1,159家，研发投入强度2.5%。"
SENT_TW = "到2025年，全省技術合同成交額突破五百億元，高新技術企業達到1,159家，研發投入強度2.5%。"


def test_user_dict_terms_whole(an):
    toks = an.tokenize(SENT_CN)
    for term in ("技术合同成交额", "高新技术企业", "研发投入强度"):
        assert term in toks
    assert "成交额" in toks  # compound sub-words for partial queries


def test_numbers_with_units_are_single_tokens(an):
    toks = an.tokenize(SENT_CN)
    for t in ("2025年", "2025", "500亿", "1159家", "2.5%"):
        assert t in toks
    assert "500" not in toks


def test_500yi_and_500yiyuan_share_token(an):
    assert "500亿" in an.tokenize("500亿元") and "500亿" in an.tokenize("500亿")
    assert "500亿" in an.tokenize("五百億元")


def test_identifiers_not_split_as_numbers(an):
    toks = an.tokenize("5g网络")
    assert "5" not in toks


def test_bigrams(an):
    toks = an.tokenize("科技振兴行动")
    assert {"科技", "技振", "振兴", "兴行", "行动"} <= set(toks)
    no_bg = Analyzer(AnalyzerConfig(bigrams=False)).tokenize("科技振兴行动")
    assert "技振" not in no_bg


def test_stopwords_and_punctuation_dropped(an):
    toks = an.tokenize("哪个省的技术合同成交额是多少？What is the turnover?")
    for t in ("哪个", "的", "是", "多少", "？", "?", "what", "is", "the"):
        assert t not in toks
    assert "turnover" in toks and "技术合同成交额" in toks


def test_negation_kept(an):
    assert "不得" in an.tokenize("不得超过")


def test_traditional_and_simplified_same_tokens(an):
    assert an.tokenize(SENT_TW) == an.tokenize(SENT_CN)


def test_empty(an):
    assert an.tokenize("") == [] and an.tokenize("  ，。 ") == []


def test_jieba_backend_same_tokens(an):
    j = Analyzer(AnalyzerConfig(tokenizer="jieba"))
    assert j.tokenize(SENT_CN) == an.tokenize(SENT_CN)


def test_extra_user_dict(tmp_path, an):
    p = tmp_path / "mine.txt"
    p.write_text("# my terms\n龙江创新券 100 n\n", encoding="utf-8")
    a = Analyzer(AnalyzerConfig(), [p])
    assert "龙江创新券" in a.tokenize("发放龙江创新券")
    assert "龙江创新券" not in an.tokenize("发放龙江创新券")
    assert a.fingerprint()["user_dict_sha256"] != an.fingerprint()["user_dict_sha256"]


def test_bad_user_dict_names_file(tmp_path):
    p = tmp_path / "bad.txt"
    p.write_text("词 10 n extra\n", encoding="utf-8")
    with pytest.raises(ValueError, match="bad.txt"):
        load_user_dict(p)
    with pytest.raises(FileNotFoundError, match="missing.txt"):
        Analyzer(AnalyzerConfig(), [tmp_path / "missing.txt"])


def test_bad_tokenizer_name():
    with pytest.raises(ValueError, match="tokenizer"):
        Analyzer(AnalyzerConfig(tokenizer="spacy"))


# ---------------------------------------------------------------- fingerprint

@pytest.mark.parametrize(
    "change",
    [{"opencc": "t2s"}, {"tokenizer": "jieba"}, {"bigrams": False}, {"stopwords": False}, {"normalize_numbers": False}],
)
def test_fingerprint_changes_with_settings(an, change):
    other = Analyzer(replace(AnalyzerConfig(), **change))
    assert other.fingerprint() != an.fingerprint()


def test_fingerprint_stable(an):
    assert Analyzer(AnalyzerConfig()).fingerprint() == an.fingerprint()
    assert {"version", "opencc", "tokenizer", "bigrams", "stopwords_sha256", "user_dict_sha256"} <= set(an.fingerprint())


@pytest.mark.parametrize("word", ["建立", "指标", "执行", "程序", "文件", "核心", "智慧城市", "档案"])
def test_mainland_policy_words_survive_tw2sp(an, word):
    assert an.normalize(word) == word  # stock tw2sp: 建立→创建, 指标→指针, 执行→运行 …


@pytest.mark.parametrize("tw, cn", [("執行", "执行"), ("指標", "指标"), ("關鍵核心技術", "关键核心技术"), ("建立", "建立")])
def test_traditional_policy_words_match_simplified(an, tw, cn):
    assert an.tokenize(tw) == an.tokenize(cn)
