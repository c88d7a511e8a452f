"""A question that names a place its evidence never names (base.common_features ``region_absent``); own sentences."""

import pytest

from ingest.types import Chunk, DocMeta
from retrieval.answer.extract import NOT_FOUND, extract_answer
from retrieval.types import Hit

LIST = "第一批全国文明示范街区名单公布，共有15个街区入选，覆盖东中西部。"


def _ask(q: str, text: str, title: str = "关于公布第一批全国文明示范街区名单的通知") -> str:
    hit = Hit(Chunk("d", 0, 0, len(text), text), "d.txt", DocMeta(title=title, region="全国"), 1.0, {"bm25": 9.0})
    tok = lambda s: [s[i:i + 2] for i in range(len(s) - 1)]  # noqa: E731
    return extract_answer(q, [hit], tokenize=tok, normalize=str, abstain_threshold=0.0).answer


def test_a_national_total_is_not_the_count_of_a_province():
    # without the rule: 15个, the national total, for the count of one province
    assert _ask("第一批全国文明示范街区名单中，江苏省有几个街区入选？", LIST) == NOT_FOUND


@pytest.mark.parametrize("text", [
    "第一批全国文明示范街区名单公布，其中江苏省有3个街区入选。",  # the sentence names it
    "江苏省：\n第一批全国文明示范街区名单公布，共有3个街区入选。",  # the text just before it does
])
def test_the_place_named_near_the_figure(text):
    assert _ask("第一批全国文明示范街区名单中，江苏省有几个街区入选？", text) == "3个"


def test_the_place_in_the_title():
    assert _ask("江苏省文明示范街区名单中有几个街区入选？", LIST, title="江苏省文明示范街区名单") == "15个"
