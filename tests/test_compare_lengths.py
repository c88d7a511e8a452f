"""Comparisons of lengths of time: a duration (三十日) or a period written by its two ends (11月15日至次年3月15日)."""

from __future__ import annotations

import pytest

from retrieval.answer.compare import is_duration, period_days, side_question, sides_of


@pytest.mark.parametrize(("text", "days"), [
    ("每年11月15日至次年3月15日", 121),
    ("每年的十一月一日到次年的四月三十日", 181),
    ("6月1日至8月31日", 92),
    ("１１月１日至次年４月３０日", 181),  # full-width digits, as some documents write them
    ("2月30日至3月1日", None),  # no such day
    ("三十日", None),
    ("2020年5月1日", None),
])
def test_period_days(text, days):
    assert period_days(text) == days


@pytest.mark.parametrize(("text", "expected"), [("三十日", True), ("六个月以内", True), ("十个工作日内", True),
                                                ("二级", False), ("3000亿元", False)])
def test_is_duration(text, expected):
    assert is_duration(text) is expected


def test_a_length_comparison_asks_each_side_for_a_length():
    q = "甲市和乙市的条例规定的公示时间，哪个城市的更长？"
    assert side_question(q, sides_of("济宁市和枣庄市"), 0).endswith("是多长时间？")


def test_length_comparisons_answer_from_periods_and_durations(tmp_path):
    from config import Config, EncoderConfig
    from index.build import build_index
    from retrieval.engine import PolicyQA

    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "济宁市供热条例.txt").write_text(
        "济宁市供热条例\n第十条 本市城市采暖期为每年11月15日至次年3月15日。\n"
        "第二十条 用户要求暂停用热的，应当在采暖期开始三十日前提出。\n名单应当向社会公示，公示时间不少于十五日。\n",
        encoding="utf-8")
    (folder / "枣庄市供热条例.txt").write_text(
        "枣庄市供热条例\n第九条 本市城市采暖期为每年11月10日至次年3月31日。\n"
        "第二十一条 供热企业应当在接到报修后二十四小时内修复。\n名单应当向社会公示，公示时间不少于三十日。\n",
        encoding="utf-8")
    cfg = Config().with_(index_dir=tmp_path / "idx", encoder=EncoderConfig(backend="none"))
    build_index([folder], cfg)
    qa = PolicyQA.open(cfg)
    a = qa.ask("济宁市和枣庄市的供热条例规定的城市采暖期，哪个城市的更长？")
    assert a.answer.startswith("枣庄市（11月10日至次年3月31日，142天）长于济宁市（11月15日至次年3月15日，121天）"), a.answer
    assert sorted(c.hit.doc_name for c in a.citations) == ["枣庄市供热条例.txt", "济宁市供热条例.txt"]
    a = qa.ask("济宁市和枣庄市的供热条例规定的公示时间，哪个城市的更短？")
    assert a.answer.startswith("济宁市（十五日）短于枣庄市（三十日）"), a.answer
