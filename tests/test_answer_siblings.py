"""A figure of a sibling metric (subject.sibling_heads): the question's head word with another modifier; own sentences."""

import jieba
import pytest

from ingest.types import Chunk, DocMeta
from retrieval.answer.extract import NOT_FOUND, extract_answer
from retrieval.answer.subject import sibling_heads
from retrieval.types import Hit

jieba.setLogLevel(60)
PLAN = "到二〇三〇年，小麦产量达到一千五百万吨，油料产量三百万吨。"


def _ask(q: str, text: str) -> str:
    hit = Hit(Chunk("d", 0, 0, len(text), text), "d.txt", DocMeta(title="某省农业发展规划"), 1.0, {"bm25": 9.0})
    tok = lambda s: [s[i:i + 2] for i in range(len(s) - 1)]  # noqa: E731
    return extract_answer(q, [hit], tokenize=tok, normalize=str, abstain_threshold=0.0,
                          words=jieba.lcut, segment=jieba.lcut).answer


def test_another_modifier_of_the_asked_head_is_found():
    seg = lambda s: [w for w in ("小麦", "产量", "达到", "一千五百万吨", "，", "油料", "三百万吨") if w in s]  # noqa: E731
    assert sibling_heads(["玉米", "产量"], "玉米产量达到多少", PLAN, PLAN, seg) == {"产量": "小麦"}


@pytest.mark.parametrize(("words", "question", "reason"), [
    (["小麦", "产量"], "小麦产量达到多少", "the modifier asked is in the sentence"),
    (["全国", "产量"], "全国产量达到多少", "no head with another modifier that is not a scope word"),
    (["玉米", "面积"], "玉米面积有多大", "the head asked is not in the sentence"),
])
def test_no_sibling(words, question, reason):
    text = "到二〇三〇年，我国产量达到一千五百万吨，比上年增长三成。" if words[0] == "全国" else PLAN
    assert sibling_heads(words, question, text, text, jieba.lcut) == {}, reason


def test_the_sibling_metrics_figures_are_not_the_answer():
    # without the rule: 一千五百万吨, the figure of 小麦产量, for a question about 玉米产量
    assert _ask("到2030年玉米产量要达到多少？", PLAN) == NOT_FOUND
    assert _ask("到2030年小麦产量要达到多少？", PLAN) == "一千五百万吨"


@pytest.mark.parametrize(("text", "sibling"), [
    ("去年全省铁产量达到九百万吨，比上年增长一成。", {"产量": "铁"}),  # a one-character noun modifies the head too
    ("去年全省总产量达到九百万吨，比上年增长一成。", {}),  # 总 names the whole, not another kind
    ("去年全省年产量达到九百万吨，比上年增长一成。", {}),  # 年 names the time
])
def test_one_character_modifiers(text, sibling):
    assert sibling_heads(["铜", "产量"], "去年全省铜产量达到多少", text, text, jieba.lcut) == sibling
