"""Gold-set validation (clear errors naming file and line) and evidence location."""

from __future__ import annotations

import json

import pytest

from eval.gold import EvidenceNotFoundError, GoldError, load_gold, locate_evidence

GOOD = {"id": "q1", "question": "目标是多少?", "lang": "zh", "type": "number", "answer": "500亿元",
        "aliases": ["500亿"], "evidence": [{"doc": "a.txt", "quote": "突破500亿元"}]}
UNANS = {"id": "u1", "question": "火星基地何时建成?", "lang": "zh", "type": "unanswerable", "answer": "",
         "aliases": [], "evidence": []}


def _write(tmp_path, lines):
    p = tmp_path / "gold.jsonl"
    p.write_text("\n".join(x if isinstance(x, str) else json.dumps(x, ensure_ascii=False) for x in lines) + "\n",
                 encoding="utf-8")
    return p


def test_load_good(tmp_path):
    qs = load_gold(_write(tmp_path, [GOOD, "", UNANS]))
    assert [q.id for q in qs] == ["q1", "u1"]
    assert qs[0].evidence[0].quote == "突破500亿元" and qs[0].aliases == ("500亿",)
    assert not qs[1].answerable


@pytest.mark.parametrize(
    "lines, message",
    [
        ([GOOD, "{not json"], "gold.jsonl:2: not valid JSON"),
        ([["a list"]], "gold.jsonl:1: each line must be a JSON object"),
        ([{k: v for k, v in GOOD.items() if k != "question"}], "gold.jsonl:1: missing or empty 'question'"),
        ([{k: v for k, v in GOOD.items() if k != "id"}], "missing or empty 'id'"),
        ([GOOD, {**GOOD, "question": "again"}], "gold.jsonl:2: duplicate id 'q1'"),
        ([{**GOOD, "type": "opinion"}], "unknown type 'opinion'"),
        ([{**GOOD, "lang": "fr"}], "unknown lang 'fr'"),
        ([{**GOOD, "evidence": [{"doc": "a.txt"}]}], "'evidence' must be a list of {doc, quote}"),
        ([{**GOOD, "answer": ""}], "answerable question without 'answer'"),
        ([{**GOOD, "evidence": []}], "answerable question without 'evidence'"),
        ([{**UNANS, "answer": "2030年"}], "unanswerable question has an empty answer"),
        ([{**GOOD, "aliases": "500亿"}], "'aliases' must be a list"),
        ([], "no questions"),
    ],
)
def test_validation_errors(tmp_path, lines, message):
    with pytest.raises(GoldError, match=message.replace("{", r"\{").replace("}", r"\}").replace("(", r"\(")):
        load_gold(_write(tmp_path, lines))


def test_missing_file(tmp_path):
    with pytest.raises(GoldError, match="file not found"):
        load_gold(tmp_path / "nope.jsonl")


def test_locate_evidence_exact_repeated_and_whitespace_folded(tmp_path):
    q2 = {**GOOD, "id": "q2", "evidence": [{"doc": "a.txt", "quote": "创新 驱动"}, {"doc": "b.txt", "quote": "加强"}]}
    qs = load_gold(_write(tmp_path, [GOOD, q2]))
    texts = {"a.txt": "到2025年突破500亿元。坚持创新\n驱动。再次突破500亿元", "b.txt": "加强基础研究"}
    loc = locate_evidence(qs, texts)
    assert loc.missing == []
    spans = loc.spans["q1"]
    assert [texts["a.txt"][s.start:s.end] for s in spans] == ["突破500亿元", "突破500亿元"]
    assert {s.ev for s in spans} == {0}
    folded = loc.spans["q2"]
    assert texts["a.txt"][folded[0].start:folded[0].end] == "创新\n驱动" and folded[0].ev == 0
    assert folded[1].doc == "b.txt" and folded[1].ev == 1


def test_quotes_not_found_are_listed_not_guessed(tmp_path):
    bad = [{**GOOD, "id": "q2", "evidence": [{"doc": "a.txt", "quote": "突破600亿元"}]},
           {**GOOD, "id": "q3", "evidence": [{"doc": "missing.txt", "quote": "突破500亿元"}]}]
    qs = load_gold(_write(tmp_path, [GOOD, *bad]))
    loc = locate_evidence(qs, {"a.txt": "全省突破500亿元。"})
    assert loc.missing == [("q2", "a.txt", "突破600亿元"), ("q3", "missing.txt", "突破500亿元")]
    err = EvidenceNotFoundError("gold.jsonl", loc.missing)
    assert "2 evidence quote(s) not found" in str(err) and "q3: missing.txt" in str(err)


def test_gold_file_not_utf8_or_a_folder(tmp_path):
    bad = tmp_path / "g.jsonl"
    bad.write_bytes(b'{"id": "a", "question": "q", "type": "fact"}\n{"id": "\xff"}\n')
    with pytest.raises(GoldError, match="g.jsonl:2: 不是 UTF-8"):
        load_gold(bad)
    with pytest.raises(GoldError, match="cannot read"):
        load_gold(tmp_path)
