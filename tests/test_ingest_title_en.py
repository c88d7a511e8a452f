"""A sidecar that gives a Chinese document an English title: the document keeps the Chinese title its text states
(cited, searched and answered with), the English one as ``title_en`` — which Chinese questions, which-doc answers
and the document matcher see (sentences written for these tests)."""

import json

import pytest

from ingest import load_folder
from ingest.metadata import chinese_title, localize_title
from ingest.types import DocMeta


@pytest.mark.parametrize("text, title", [
    ("城市绿道建设三年行动方案（2024-2026年）\n\n为改善人居环境，制定本方案。", "城市绿道建设三年行动方案（2024-2026年）"),
    ("各区县农业农村局：\n现将《乡村公路养护管理办法（试行）》印发给你们，请认真执行。", "乡村公路养护管理办法（试行）"),
    ("《社区食堂运营服务规范》已经市政府常务会议审议通过，现予公布。", "社区食堂运营服务规范"),
    # a document it cites is not its title, nor is an opening sentence
    ("为贯彻落实《全民健身计划》，结合本市实际，提出以下措施。", ""),
    ("持续推进公共服务均等化是一项长期任务\n各地要抓好落实。", ""),
    ("一、总体要求\n（一）指导思想", ""),
])
def test_chinese_title(text, title):
    assert chinese_title(text) == title


def test_localize_keeps_chinese_and_unknown_titles():
    zh = DocMeta(title="城市绿道建设方案")
    assert localize_title(zh, "另一个标题方案\n正文") is zh  # a Chinese title is never replaced
    en = DocMeta(title="Guidelines on Greenways")
    assert localize_title(en, "为改善人居环境，制定本意见。") is en  # no Chinese title stated: the English one stays


def test_sidecar_english_title_gives_way(tmp_path):
    (tmp_path / "a.txt").write_text("城市绿道建设三年行动方案\n\n为改善人居环境，到2026年建成绿道500公里。", encoding="utf-8")
    (tmp_path / "b.txt").write_text("为改善人居环境，到2026年建成绿道300公里。", encoding="utf-8")
    rows = [{"file": "a.txt", "title": "Three-Year Action Plan for Urban Greenways"},
            {"file": "b.txt", "title": "Opinions on Urban Greenways"}]
    (tmp_path / "manifest.jsonl").write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    loaded, skipped = load_folder(tmp_path)
    assert not skipped
    docs = {d.name: d.meta for d in loaded}
    assert (docs["a.txt"].title, docs["a.txt"].title_en) == ("城市绿道建设三年行动方案", "Three-Year Action Plan for Urban Greenways")
    assert (docs["b.txt"].title, docs["b.txt"].title_en) == ("Opinions on Urban Greenways", "")
    assert DocMeta.from_dict(docs["a.txt"].to_dict()) == docs["a.txt"]


def _which_doc(question: str) -> str:
    from ingest.types import Chunk
    from retrieval.answer.extract import extract_answer
    from retrieval.types import Hit

    text = "到2026年，全市建成绿道500公里，串联主要公园和滨水空间。"
    meta = DocMeta(title="城市绿道建设三年行动方案", title_en="Three-Year Action Plan for Urban Greenways", year=2024)
    hit = Hit(Chunk("d", 0, 0, len(text), text), "d.txt", meta, 1.0, {"bm25": 9.0})
    tok = lambda s: [s[i:i + 2] for i in range(len(s) - 1)]  # noqa: E731
    return extract_answer(question, [hit], tokenize=tok, normalize=str, abstain_threshold=0.0).answer


def test_which_doc_answers_name_the_chinese_title_first():
    assert _which_doc("哪份方案提出到2026年建成绿道500公里？") == "城市绿道建设三年行动方案"
    assert _which_doc("Which plan sets the goal of 500 km of greenways by 2026?") == (
        "城市绿道建设三年行动方案 (Three-Year Action Plan for Urban Greenways)")
