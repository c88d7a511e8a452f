"""Figures under conditions the question states (conditions.py, number.stated_units), own sentences."""

import pytest

from ingest.types import Chunk, DocMeta
from retrieval.answer.conditions import clause_conditions, condition_off
from retrieval.answer.extract import extract_answer
from retrieval.answer.number import stated_units
from retrieval.types import Hit

BRACKETS = "第五条 个人年收入不超过3万元的，补贴2000元；超过3万元不超过6万元的，补贴1000元；超过6万元的，不予补贴。"


def _ask(q: str, text: str) -> str:
    hit = Hit(Chunk("d", 0, 0, len(text), text), "d.txt", DocMeta(), 1.0, {"bm25": 9.0})
    tok = lambda s: [s[i:i + 2] for i in range(len(s) - 1)]  # noqa: E731
    return extract_answer(q, [hit], tokenize=tok, normalize=str, abstain_threshold=0.0).answer


def test_clauses_count_the_questions_figures():
    held = clause_conditions(BRACKETS, {"3", "6"})
    assert [h for _, h in held] == [1, 2, 1]
    assert condition_off(held, BRACKETS.index("2000"), 2) == 1.0
    assert condition_off(held, BRACKETS.index("1000"), 2) == 0.0


@pytest.mark.parametrize(("conditions", "counts"), [(set(), []), ({"9"}, [0, 0, 0])])
def test_no_conditions_or_none_stated(conditions, counts):
    held = clause_conditions(BRACKETS, conditions)
    assert [h for _, h in held] == counts
    assert all(condition_off(held, i, len(conditions)) == 0.0 for i in range(len(BRACKETS)))  # no clause has them all


def test_a_single_clause_sentence_has_no_siblings():
    assert clause_conditions("年收入超过3万元不超过6万元的，补贴1000元。", {"3", "6"}) == []


def test_the_answer_is_the_bracket_the_question_states():
    # the passage's sentences are split at ；, the clauses still compared within their 。-sentence
    # (without the rule: 2000元, the first clause, which holds more of the question's words)
    assert _ask("个人年收入超过3万元不超过6万元的，补贴多少元？", BRACKETS) == "1000元"
    years = "职工累计缴费满5年不满15年的，每月发放补助300元；满15年不满25年的，每月发放补助500元；满25年的，每月发放补助800元。"
    assert _ask("职工累计缴费满15年不满25年的，每月补助多少元？", years) == "500元"


def test_a_stated_figure_in_another_unit_can_be_the_answer():
    assert stated_units("工作满10年的职工可休几天？") == {"10": {"年"}}
    assert _ask("工作满10年的职工每年可休几天？", "职工工作满10年的，每年休假10天。") == "10天"


def test_the_questions_own_figure_is_not_the_answer():
    got = _ask("罚款200元以上的案件由哪一级机关在几日内决定？", "罚款200元以上的，由县级机关在15日内决定。")
    assert "200" not in got
