"""Questions that name a National People's Congress session instead of a year (qtype.session_years; the hard rule
``session_other`` in extract.mismatched); sentences written for these tests."""

import pytest

from ingest.types import Chunk, DocMeta
from retrieval.answer.extract import NOT_FOUND, extract_answer
from retrieval.qtype import question_periods, session_years
from retrieval.query import analyze_query
from retrieval.types import Hit


@pytest.mark.parametrize("text, years", [
    ("十三届全国人大三次会议", (2020,)),
    ("第十四届全国人民代表大会第一次会议", (2023,)),
    ("第五届全国人民代表大会第四次会议", (1981,)),
    ("第二届全国人民代表大会第四次会议", (1963,)),  # the 2nd NPC skipped 1961
    ("十三屆全國人大五次會議", (2022,)),
    ("the Third Session of the 13th National People's Congress", (2020,)),
    ("the 2nd session of the twelfth NPC", (2014,)),
    ("十三届全国人大常委会第三次会议", ()),  # the Standing Committee meets several times a year
    ("第十五届全国人民代表大会第一次会议", ()),  # not yet held: no year guessed
])
def test_session_years(text, years):
    assert session_years(text) == years


def test_the_session_year_steers_like_a_year():
    qa = analyze_query("十二届全国人大二次会议批准的政府工作报告提出了什么目标？")
    assert qa.years == (2014,) and qa.periods == question_periods(qa.text) == ("2014",)


def _ask(question: str) -> str:
    hits = []
    for i, (title, text, year) in enumerate([
        ("第十三届全国人民代表大会第三次会议关于政府工作报告的决议",
         "（2020年5月28日第十三届全国人民代表大会第三次会议通过）会议批准这个报告。", 2020),
        ("第十二届全国人民代表大会第二次会议关于政府工作报告的决议", "第十二届全国人民代表大会第二次会议批准这个报告。", 2014),
    ]):
        hits.append(Hit(Chunk(f"d{i}", 0, 0, len(text), text), f"d{i}.txt", DocMeta(title=title, year=year), 1.0 - i / 10,
                        {"bm25": 9.0 - i}))
    tok = lambda s: [s[i:i + 2] for i in range(len(s) - 1)]  # noqa: E731
    return extract_answer(question, hits, tokenize=tok, normalize=str, abstain_threshold=0.0).answer


def test_another_sessions_date_is_not_the_answer():
    # without the rule: 2020年5月28日, the date another session adopted its resolution
    assert _ask("十二届全国人大二次会议关于政府工作报告的决议是哪一天通过的？") == NOT_FOUND
    assert _ask("十三届全国人大三次会议关于政府工作报告的决议是哪一天通过的？").startswith("2020年5月28日")
