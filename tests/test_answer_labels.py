"""The grade a figure is for (retrieval/answer/labels.py), on sentences written for these tests."""

import pytest

from retrieval.answer.labels import label_fit, quoted, respective_label
from retrieval.answer.number import find_quantities


def _fit(sentence: str, figure: str, asked: list[str]) -> float:
    a = sentence.index(figure)
    return label_fit(sentence, a, a + len(figure), asked, find_quantities(sentence))


RESPECTIVE = "走私货物偷逃税额在二十万元以上、一百万元以上、五百万元以上的，应当分别认定为“数额较大”、“数额巨大”、“数额特别巨大”。"


@pytest.mark.parametrize(("figure", "label"), [("二十万元以上", "数额较大"), ("一百万元以上", "数额巨大"),
                                               ("五百万元以上", "数额特别巨大")])
def test_respective_labels_follow_the_order_of_the_figures(figure, label):
    a = RESPECTIVE.index(figure)
    assert respective_label(RESPECTIVE, a, a + len(figure), find_quantities(RESPECTIVE)) == label


@pytest.mark.parametrize(("figure", "asked", "fit"), [
    ("二十万元以上", ["数额较大"], 1.0),
    ("一百万元以上", ["数额较大"], -1.0),   # a sibling grade
    ("五百万元以上", ["数额特别巨大"], 1.0),
    ("一百万元以上", ["情节恶劣"], 0.0),    # a label of another kind: no evidence either way
    ("一百万元以上", [], 0.0),
])
def test_respective_fit(figure, asked, fit):
    assert _fit(RESPECTIVE, figure, asked) == fit


def test_fewer_labels_than_figures_assign_nothing():
    s = "罚款一万元以上、五万元以上、十万元以上的，分别认定为“较重”、“严重”。"
    assert respective_label(s, s.index("五万"), s.index("五万") + 6, find_quantities(s)) is None


def test_a_graded_sentence_labels_its_figure():
    s = "违法所得在三十万元以上，并且造成恶劣影响的，可以认定为“情节特别严重”。"
    assert _fit(s, "三十万元以上", ["情节严重"]) == -1.0
    assert _fit(s, "三十万元以上", ["情节特别严重"]) == 1.0


def test_a_quoted_reference_is_no_grade():
    s = "“八五”期间全市用于科技的投入达到120亿元，比“七五”期间增长一倍。"
    assert _fit(s, "120亿元", ["八五"]) == 0.0


def test_quoted_terms_in_either_script():
    assert quoted("稱為「數額較大」、“情节严重”") == ["數額較大", "情节严重"]


def test_the_answer_is_the_quoted_grades_figure():
    from ingest.types import Chunk, DocMeta
    from retrieval.answer.extract import extract_answer
    from retrieval.types import Hit

    hit = Hit(Chunk("d", 0, 0, len(RESPECTIVE), RESPECTIVE), "d.txt", DocMeta(), 1.0, {"bm25": 9.0})
    tok = lambda s: [s[i:i + 2] for i in range(len(s) - 1)]  # noqa: E731
    a = extract_answer("走私货物偷逃税额达到多少属于“数额巨大”？", [hit], tokenize=tok, normalize=str, abstain_threshold=0.0)
    assert a.answer == "一百万元以上"


def test_numbered_items_inherit_the_headers_grade():
    from retrieval.answer.labels import header_labels

    text = ("第四条 具有下列情形之一的，应当认定为“情节特别严重”：（一）非法经营数额在三千万元以上的；（二）违法所得在六十万元以上的。"
            "第五条 罚金按违法所得计算。")
    item = text.index("（二）")
    inherited = header_labels(text, item)
    assert inherited == ["情节特别严重"]
    s = text[item:text.index("。") + 1]
    a = s.index("六十万")
    assert label_fit(s, a, a + 6, ["情节严重"], find_quantities(s), inherited) == -1.0
    assert header_labels(text, text.index("第五条")) == []  # no numbered item
    assert header_labels("罚款如下：（一）五千元；", 0) == []  # the item itself, nothing before it
