"""The Streamlit app through streamlit.testing (no browser): ask, not found, search filters,
documents, language, source view, metadata edits and escaping of hostile documents."""

from __future__ import annotations

import re

import pytest

from tests.conftest import ROOT

APP = str(ROOT / "app.py")
QUESTION = "which province targets 500亿 contract turnover"

XSS_DOC = (
    "<script>alert(1)</script>关于数据安全示范园区建设的通知\n"
    "<img src=x onerror=alert(1)>\n"
    "各有关单位：\n"
    "一、工作目标\n"
    "为加强数据安全管理，到2025年全市建成数据安全示范园区10个。<script>alert(1)</script>\n"
    "二、保障措施\n"
    "各单位要落实数据安全责任，\"'><svg onload=alert(1)> 定期开展检查。\n"
)
PLAIN_DOC = (
    "关于推进科技成果转化的通知\n各有关单位：\n一、总体要求\n到2024年，全市技术合同成交额达到80亿元。\n"
    "二、重点任务\n建设一批中试基地，支持高校院所成果转化。\n"
)

FILLER = (
    "关于做好春季农业生产的通知\n各有关单位：\n一、抓好春耕备耕\n确保粮食播种面积稳定在500万亩以上。\n",
    "关于加强城市道路养护的意见\n一、总体目标\n到2026年，城市主干道完好率达到95%。\n",
    "关于推动文化旅游融合发展的实施方案\n一、主要任务\n打造精品旅游线路20条，培育文旅品牌。\n",
)


def _app(timeout: int = 120):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=timeout)
    at.run()
    assert not at.exception, at.exception
    return at


def _html(at) -> str:
    return "\n".join(h.proto.body for h in at.get("html"))


def _iframes(at) -> list[str]:
    out = []

    def walk(node):
        for c in getattr(node, "children", {}).values():
            if getattr(c, "type", "") == "iframe":
                out.append(c.proto.srcdoc)
            walk(c)

    walk(at._tree)
    return out


def _ask(at, q: str):
    at.text_input(key="q").input(q)
    next(b for b in at.button if b.proto.is_form_submitter).click()
    at.run()
    assert not at.exception, at.exception
    return at


@pytest.fixture
def sample_app(sample_cfg, sample_build, monkeypatch, tmp_path):
    monkeypatch.setenv("POLICYQA_INDEX_DIR", str(sample_cfg.index_dir))
    monkeypatch.setenv("POLICYQA_VECTOR_CACHE", str(sample_cfg.vector_cache_path))
    monkeypatch.setenv("POLICYQA_UPLOAD_DIR", str(tmp_path / "uploads"))
    monkeypatch.setenv("POLICYQA_EVAL_DIR", str(tmp_path / "eval"))
    return _app()


@pytest.fixture
def tiny_env(tmp_path, monkeypatch):
    """A small index without dense vectors (fast to build and rebuild)."""
    return _tiny(tmp_path, monkeypatch)


@pytest.fixture
def tiny_milvus_env(tmp_path, monkeypatch):
    """The small index, searched in Milvus Lite (``POLICYQA_BACKEND=milvus``, as a deployment would set it)."""
    monkeypatch.setenv("POLICYQA_BACKEND", "milvus")
    monkeypatch.setenv("POLICYQA_MILVUS_URI", str(tmp_path / "milvus.db"))
    return _tiny(tmp_path, monkeypatch)


def _tiny(tmp_path, monkeypatch):
    from config import Config
    from index.build import build_index

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "xss.txt").write_text(XSS_DOC, encoding="utf-8")
    (docs / "plain.txt").write_text(PLAIN_DOC, encoding="utf-8")
    for i, topic in enumerate(FILLER):  # BM25 idf needs a few documents that lack the query terms
        (docs / f"filler{i}.txt").write_text(topic, encoding="utf-8")
    for k, v in {"POLICYQA_INDEX_DIR": tmp_path / "index", "POLICYQA_ENCODER": "none",
                 "POLICYQA_VECTOR_CACHE": tmp_path / "vectors.sqlite", "POLICYQA_UPLOAD_DIR": tmp_path / "uploads",
                 "POLICYQA_EVAL_DIR": tmp_path / "eval"}.items():
        monkeypatch.setenv(k, str(v))
    report = build_index([docs], Config())
    assert report.n_docs == 2 + len(FILLER), report.to_json()
    return tmp_path


# ---------------------------------------------------------------- sample index


def test_ask_shows_answer_citations_and_marked_passage(sample_app):
    at = _ask(sample_app, QUESTION)
    page = _html(at)
    card = re.search(r'<div class="pq-card pq-answer" data-state="answer">.*?</ul></div>', page, re.S)
    assert card, "no answer card"
    assert "黑龙江" in card.group(0) and "[1]" in card.group(0)
    # A cited passage marks the answer/sentence and contains the figure.
    marked = re.findall(r'<mark class="(?:answer|sentence)">(.*?)</mark>', page)
    assert any("500亿" in m for m in marked), marked
    assert any(b.label.endswith("[1]") for b in at.button)


def test_not_found_state(sample_app):
    at = _ask(sample_app, "火星殖民地的人口是多少？")
    page = _html(at)
    assert 'data-state="not-found"' in page
    assert "未在文档中找到答案" in page and "Not found in these documents" in page


def test_source_view_highlights_and_targets_the_passage(sample_app):
    at = _ask(sample_app, QUESTION)
    at.button(key="cited_src_0").click().run()
    assert not at.exception
    (srcdoc,) = _iframes(at)
    target = re.search(r'<span id="pq-target" class="pq-target">(.*?)</span>(?!</mark>)', srcdoc, re.S)
    assert target and "500亿" in re.sub(r"<[^>]+>", "", target.group(1))
    assert "scrollTop" in srcdoc and 'id="pq-outline"' in srcdoc
    assert srcdoc.count("<script>") == 1  # only our scroll script
    at.button(key="src_close").click().run()
    assert _iframes(at) == []


def test_search_with_region_filter(sample_app):
    at = sample_app
    at.sidebar.radio(key="page").set_value("search").run()
    at.sidebar.multiselect(key="f_regions").set_value(["浙江"]).run()
    at.text_input(key="sq").input("科技创新 重点任务")
    next(b for b in at.button if b.proto.is_form_submitter).click()
    at.run()
    regions = re.findall(r'class="pq-hit"[^>]*data-region="([^"]*)"', _html(at))
    assert regions and set(regions) == {"浙江"}
    assert 'data-state="answer"' not in _html(at)  # search mode never answers


def test_documents_page_lists_the_samples(sample_app):
    at = sample_app
    at.sidebar.radio(key="page").set_value("docs").run()
    assert not at.exception
    df = at.dataframe[0].value
    assert len(df) == 5
    assert set(df["region"]) >= {"黑龙江", "浙江", "山西"}
    at.text_input(key="doc_filter").input("浙江").run()
    assert len(at.dataframe[0].value) == 1


def test_targets_page_lists_charts_and_opens_the_sentence(sample_app):
    at = sample_app
    at.sidebar.radio(key="page").set_value("targets").run()
    assert not at.exception, at.exception
    at.selectbox(key="tg_metric").set_value("技术合同成交额").run()
    assert not at.exception, at.exception
    df = at.dataframe[0].value
    values = " ".join(df.iloc[:, 4])
    assert "500亿元" in values and "530亿元" in values and "550" in values, values
    assert set(df.iloc[:, 0]) >= {"黑龙江", "山西"}
    at.radio(key="tg_by").set_value("region").run()
    assert not at.exception, at.exception
    at.selectbox(key="tg_sort").set_value("value").run()
    first = at.dataframe[0].value.iloc[0, 4]
    assert first.endswith("550億元") or first.endswith("550亿元"), first
    next(b for b in at.button if b.key == "tg_src_0").click().run()
    assert not at.exception, at.exception
    page = "\n".join(_iframes(at))
    assert re.search(r'<mark class="answer">550(?:億|亿)元</mark>', page), page[:300]


def test_language_toggle(sample_app):
    at = sample_app
    assert at.title[0].value == "PolicyQA 政策文件问答"
    at.sidebar.toggle(key="lang_en").set_value(True).run()
    assert at.title[0].value == "PolicyQA · Policy document Q&A"
    assert "Search" in at.sidebar.radio(key="page").options
    at = _ask(at, "火星殖民地的人口是多少？")
    assert "Not found in these documents" in _html(at)


# ---------------------------------------------------------------- hostile document, edits


def test_the_app_on_milvus_answers_and_rebuilds(tiny_milvus_env):
    """The app unchanged on the Milvus backend: an answer with its citation, then an in-app removal (a build that
    writes the new version's collection) after which the removed document no longer answers."""
    at = _ask(_app(), "全市技术合同成交额达到多少？")
    page = _html(at)
    assert 'data-state="answer"' in page and "80亿元" in page
    at.sidebar.radio(key="page").set_value("docs").run()
    at.selectbox(key="remove_doc").set_value("plain.txt").run()
    at.checkbox(key="remove_sure").check().run()
    at.button(key="remove_go").click().run()
    assert not at.exception
    at.sidebar.radio(key="page").set_value("ask").run()
    page = _html(_ask(at, "全市技术合同成交额达到多少？"))
    assert 'data-state="not-found"' in page and "80亿元" not in page


def test_xss_document_renders_as_text(tiny_env):
    at = _app()
    at = _ask(at, "数据安全示范园区")
    page = _html(at)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script" not in page and "<img" not in page and "<svg" not in page
    btn = next(b for b in at.button if "[1]" in b.label or "#1" in b.label)
    btn.click().run()
    (srcdoc,) = _iframes(at)
    assert "&lt;img src=x onerror=alert(1)&gt;" in srcdoc
    assert srcdoc.count("<script") == 1 and "<img" not in srcdoc and "<svg" not in srcdoc
    at.sidebar.radio(key="page").set_value("docs").run()
    assert any("<script>" in str(t) for t in at.dataframe[0].value["title"])  # shown as data, not markup


def test_edit_metadata_rebuilds_and_survives(tiny_env):
    at = _app()
    at.sidebar.radio(key="page").set_value("docs").run()
    at.selectbox(key="edit_doc").set_value("plain.txt").run()
    form_inputs = [ti for ti in at.text_input if ti.key not in ("doc_filter", "folder_path")]
    title, region, date = form_inputs[:3]
    region.input("上海")
    date.input("2024-05-01")
    next(b for b in at.button if b.proto.is_form_submitter).click()
    at.run()
    assert not at.exception
    df = at.dataframe[0].value
    row = df[df["name"] == "plain.txt"].iloc[0]
    assert row["region"] == "上海" and row["date"] == "2024-05-01"
    assert "上海" in (tiny_env / "index" / "overrides.json").read_text(encoding="utf-8")


def test_bad_date_is_refused(tiny_env):
    at = _app()
    at.sidebar.radio(key="page").set_value("docs").run()
    form_inputs = [ti for ti in at.text_input if ti.key not in ("doc_filter", "folder_path")]
    form_inputs[2].input("next spring")
    next(b for b in at.button if b.proto.is_form_submitter).click()
    at.run()
    assert any("YYYY" in e.value for e in at.error)


def test_remove_document(tiny_env):
    at = _app()
    at.sidebar.radio(key="page").set_value("docs").run()
    at.selectbox(key="remove_doc").set_value("xss.txt").run()
    at.checkbox(key="remove_sure").check().run()
    at.button(key="remove_go").click().run()
    assert not at.exception
    names = set(at.dataframe[0].value["name"])
    assert "xss.txt" not in names and "plain.txt" in names


def test_index_folder_reports_bad_files(tiny_env):
    bad = tiny_env / "more"
    bad.mkdir()
    (bad / "empty.txt").write_bytes(b"")
    (bad / "ok.txt").write_text(PLAIN_DOC.replace("80亿", "90亿"), encoding="utf-8")
    at = _app()
    at.sidebar.radio(key="page").set_value("docs").run()
    at.text_input(key="folder_path").input(str(bad))
    at.button(key="folder_go").click().run()
    assert not at.exception
    assert len(at.dataframe[0].value) == 2 + len(FILLER) + 1
    assert any("empty.txt" in c.value for c in at.code), [s.value for s in at.success]


def test_empty_state_without_index(tmp_path, monkeypatch):
    monkeypatch.setenv("POLICYQA_INDEX_DIR", str(tmp_path / "none"))
    monkeypatch.setenv("POLICYQA_ENCODER", "none")
    at = _app()
    assert any("还没有索引" in i.value for i in at.info)
    assert at.button(key="index_samples")


def test_evaluation_page_shows_an_existing_report(tiny_env):
    import json

    out = tiny_env / "eval" / "demo"
    out.mkdir(parents=True)
    report = {"default": "a", "n_questions": 3, "configs": {
        "a": {"retrieval": {"mrr@10": 0.5, "recall@5": 0.6}, "answer_accuracy": 0.4,
              "by_lang": {"zh": {"answer_accuracy": 0.5}}, "by_type": {"number": {"answer_accuracy": 0.3}}},
        "b": {"retrieval": {"mrr@10": 0.7, "recall@5": 0.6}, "answer_accuracy": 0.45, "by_lang": {}, "by_type": {}}}}
    (out / "report.json").write_text(json.dumps(report), encoding="utf-8")
    (out / "failures.md").write_text("# q1\n<script>alert(1)</script>", encoding="utf-8")
    at = _app()
    at.sidebar.radio(key="page").set_value("eval").run()
    assert not at.exception
    metrics = at.dataframe[0].value
    assert list(metrics["config"]) == ["a", "b"] and "retrieval.mrr@10" in metrics.columns
    cmp = at.dataframe[-1].value
    row = cmp[cmp["metric"] == "retrieval.mrr@10"].iloc[0]
    assert row["Δ"] == pytest.approx(0.2)
    assert any("<script>" in c.value for c in at.code)  # failures shown as plain text


# ---------------------------------------------------------------- pure helpers


@pytest.mark.parametrize(
    "stage,done,total,lo,hi",
    [("load", 0, 10, 0.0, 0.0), ("load", 10, 10, 0.15, 0.15), ("encode", 0, 0, 0.9, 0.9), ("write", 1, 1, 1.0, 1.0),
     ("encode", 50, 100, 0.64, 0.66), ("bogus", 1, 2, 0.0, 0.0)],
)
def test_progress_fraction(stage, done, total, lo, hi):
    from ui.logic import progress_fraction

    assert lo <= progress_fraction(stage, done, total) <= hi


def test_build_filters_full_year_range_means_no_restriction():
    from ui.logic import build_filters

    assert build_filters([], (2020, 2023), (2020, 2023), [], []).is_empty()
    f = build_filters(["浙江"], (2021, 2022), (2020, 2023), ["plan"], ["a.txt"])
    assert (f.regions, f.year_from, f.year_to, f.doc_types, f.docs) == (("浙江",), 2021, 2022, ("plan",), ("a.txt",))


def test_document_html_escapes_and_places_target_and_anchors():
    from ui.render import document_html

    text = "<b>标题</b>\n一、目标\n到2025年突破500亿元。\n二、措施\n<script>x</script>"
    s = text.index("到2025")
    e = text.index("\n二")
    out = document_html(text, (s, e), [(text.index("500"), text.index("500") + 5, "answer")],
                        [text.index("一、"), text.index("二、")])
    assert "<b>" not in out and "<script>" not in out and "&lt;script&gt;" in out
    inner = re.search(r'<span id="pq-target" class="pq-target">(.*?)</span>\n', out, re.S).group(1)
    assert re.sub(r"<[^>]+>", "", inner) == text[s:e]
    assert '<mark class="answer">500亿元</mark>' in inner
    assert out.index('id="pq-sec-0"') < out.index("一、") < out.index('id="pq-sec-1"') < out.index("二、")
    # Removing the markup gives back the (escaped) text exactly.
    import html

    assert html.unescape(re.sub(r"<[^>]+>", "", out)) == text


@pytest.mark.parametrize("passage", [None, (0, 0), (5, 3), (-5, 2), (10, 10_000)])
def test_document_html_tolerates_odd_passages(passage):
    import html

    from ui.render import document_html

    text = "0123456789abc"
    out = document_html(text, passage)
    assert html.unescape(re.sub(r"<[^>]+>", "", out)) == text
    assert out.count("<span") == out.count("</span>")


def test_outline_lists_each_heading_once_in_order():
    from ui.render import outline

    chunks = [(30, ("一", "（一）")), (0, ()), (10, ("一",)), (50, ("一", "（二）")), (70, ("二",)), (90, ("二",))]
    assert outline(chunks) == [(0, "一", 10), (1, "（一）", 30), (1, "（二）", 50), (0, "二", 70)]


def test_evaluation_page_runs_the_real_runner(tiny_env):
    """Run an evaluation from the page on a tiny gold file of our own (BM25 only: no encoder here)."""
    import json

    gold = tiny_env / "gold.jsonl"
    rows = [
        {"id": "t1", "question": "到2024年全市技术合同成交额达到多少？", "lang": "zh", "type": "number", "answer": "80亿元",
         "evidence": [{"doc": "plain.txt", "quote": "到2024年，全市技术合同成交额达到80亿元。"}]},
        {"id": "t2", "question": "全市要建成多少个数据安全示范园区？", "lang": "zh", "type": "number", "answer": "10个",
         "evidence": [{"doc": "xss.txt", "quote": "全市建成数据安全示范园区10个"}]},
        {"id": "t3", "question": "全市2024年森林覆盖率目标是多少？", "lang": "zh", "type": "unanswerable", "answer": "",
         "evidence": []},
    ]
    gold.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    at = _app()
    at.sidebar.radio(key="page").set_value("eval").run()
    at.text_input(key="eval_gold").input(str(gold))
    at.text_input(key="eval_corpus").input(str(tiny_env / "docs"))
    at.multiselect(key="eval_configs").set_value(["bm25"])
    out = tiny_env / "eval" / "from-page"
    at.text_input(key="eval_out").input(str(out))
    at.button(key="eval_go").click().run(timeout=300)
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["n_questions"] == 3 and set(report["configs"]) == {"bm25"}
    assert report["configs"]["bm25"]["retrieval"]["recall@5"] == 1.0


@pytest.mark.parametrize("args,frac", [((3, 4), 0.75), (("bm25", 1, 2), 0.5), ((0.3,), 0.3), (("x",), None),
                                       ((1, 0), None)])
def test_progress_from_args(args, frac):
    from ui.logic import progress_from_args

    got, _ = progress_from_args(*args)
    assert got == frac


@pytest.mark.parametrize("name,want", [("../../etc/passwd", "passwd"), ("a\\b.txt", "b.txt"), ("..", "upload"),
                                       (".hidden.txt", "hidden.txt"), ("政策.txt", "政策.txt")])
def test_safe_filename(name, want):
    from ui.logic import safe_filename

    assert safe_filename(name) == want


def test_skipped_lines_in_plain_words():
    from ui.logic import skipped_lines

    sk = [("/x/y/bad.pdf", "无法解析 / cannot parse the PDF")]
    assert skipped_lines(sk, "en") == ["bad.pdf: cannot parse the PDF"]
    assert skipped_lines(sk, "zh") == ["bad.pdf：无法解析"]


def test_every_string_has_both_languages():
    from ui.i18n import STRINGS

    for key, (zh, en) in STRINGS.items():
        assert zh and en, key
        assert set(re.findall(r"{(\w+)", zh)) == set(re.findall(r"{(\w+)", en)), key


def test_answer_card_shows_an_llm_note_as_text():
    from retrieval.types import Answer
    from ui.render import answer_card

    a = Answer(question="q", answer="550亿元", answer_type="number", abstained=False, confidence=0.9,
               note="LLM 未采用 / LLM answer not used: <script>alert(1)</script>")
    html = answer_card(a, "zh")
    assert '<div class="pq-note">' in html and "<script>" not in html and "&lt;script&gt;" in html


def test_what_a_limit_cut_is_listed_in_both_languages():
    from index.build import BuildReport
    from ui.logic import build_problem_lines

    rep = BuildReport(skipped=[("/d/empty.txt", "空文件 / empty file")],
                      cut=[("big.txt", "text cut at 100 of 200 characters (limits.max_chars)")])
    for lang, empty in (("zh", "空文件"), ("en", "empty file")):
        lines = build_problem_lines(rep, lang)
        assert lines[0] == f"empty.txt{'：' if lang == 'zh' else ': '}{empty}"
        assert lines[1].startswith("big.txt") and "limits.max_chars" in lines[1] and "cut" in lines[1]


def test_hit_card_shows_the_english_title_escaped():
    from ingest.types import Chunk, DocMeta
    from retrieval.types import Hit
    from ui.render import hit_card

    text = "到2026年建成绿道500公里。"
    meta = DocMeta(title="城市绿道建设方案", title_en="Plan <b>for</b> Greenways")
    out = hit_card(Hit(Chunk("d", 0, 0, len(text), text), "d.txt", meta, 1.0, {"bm25": 3.0}), terms=["绿道"],
                   aligned=None, lang="zh")
    head = re.search(r'<div class="pq-hit-head">(.*?)</div>', out).group(1)
    assert "城市绿道建设方案" in head and "Plan &lt;b&gt;for&lt;/b&gt; Greenways" in head and "<b>" not in head
    plain = hit_card(Hit(Chunk("d", 0, 0, len(text), text), "d.txt", DocMeta(title="城市绿道建设方案"), 1.0, {}),
                     terms=[], aligned=None, lang="zh")
    assert "pq-title-en" not in plain
