"""Targets table (#19): extraction rules on sentences written for these tests, storage in the index, the CLI."""

from __future__ import annotations

import json

import pytest

from index.targets import extract_targets


def _one(text: str, **kw):
    rows = extract_targets(text, **kw)
    assert len(rows) == 1, rows
    return rows[0]


@pytest.mark.parametrize(
    ("text", "kw", "want"),
    [
        # metric, value, unit, comparator, year, kind, growth
        ("到2030年，全市技术合同成交额超过120亿元。", {"doc_year": 2024}, ("技术合同成交额", 1.2e10, "元", ">=", "2030", "target", False)),
        ("今年的预期目标是城镇新增就业1100万人以上。", {"doc_year": 2019, "doc_type": "report"}, ("城镇新增就业", 1.1e7, "人", ">=", "2019", "target", False)),
        ("赤字率拟按3.2%安排。", {"doc_year": 2030, "doc_type": "report"}, ("赤字率", 0.032, "%", "=", "2030", "target", False)),
        ("去年居民消费价格上涨百分之一点五。", {"doc_year": 2021, "doc_type": "report"}, ("居民消费价格涨幅", 0.015, "%", "=", "2020", "actual", True)),
        ("“十四五”期间，研发经费投入强度提高到2.8%左右。", {"doc_year": 2021}, ("研发经费投入强度", 0.028, "%", "~", "2021-2025", "target", False)),
        ("全省森林覆盖率力争达到30%。", {"doc_year": 2022}, ("森林覆盖率", 0.30, "%", "=", None, "target", False)),
        ("城镇登记失业率控制在4.5%以内。", {"doc_year": 2012, "doc_type": "report"}, ("城镇登记失业率", 0.045, "%", "<=", "2012", "target", False)),
        ("2035年粮食產量穩定在1.3萬億斤以上。", {"doc_year": 2023}, ("粮食产量", 1.3e12, "斤", ">=", "2035", "target", False)),
    ],
)
def test_one_statement(text, kw, want):
    r = _one(text, **kw)
    got = (r.metric, r.value, r.unit, r.comparator, r.year, r.kind, r.growth)
    assert got[0] == want[0] and got[2:] == want[2:] and got[1] == pytest.approx(want[1])
    assert text[r.start : r.end] == r.quantity  # offsets into the text as given, traditional or not


def test_a_fine_range_is_one_limit_with_min_and_max():
    r = _one("违反前款规定的，由主管部门责令改正，处二千元以上一万元以下的罚款。", doc_type="regulation")
    assert (r.kind, r.min, r.max, r.value, r.metric) == ("limit", 2000.0, 10000.0, 2000.0, "罚款")


def test_ranges_with_a_dash_and_a_shared_unit():
    r = _one("力争全年经济增长6%—6.5%。", doc_year=2019, doc_type="report")
    assert (r.min, r.max, r.metric, r.aspirational) == (0.06, 0.065, "国内生产总值增长", True)
    r = _one("每户补贴1至3万元。", doc_year=2022)
    assert (r.min, r.max) == (1e4, 3e4)


def test_several_figures_of_one_clause_keep_their_subject():
    """The second figure reads the first one's subject; a growth figure of a level metric is the metric's growth."""
    rows = extract_targets("去年国内生产总值达到120万亿元、增长8%，服务业和制造业增加值分别增长9%、7%。",
                           doc_year=2022, doc_type="report")
    assert [(r.quantity, r.metric, r.growth) for r in rows][:2] == [("120万亿元", "国内生产总值", False),
                                                                     ("8%", "国内生产总值增长", True)]
    assert rows[3].subject == rows[2].subject and rows[3].growth


@pytest.mark.parametrize("text", ["坚持两个毫不动摇，落实三项制度。", "打通“最后一公里”。", "根据本法第十二条第三款。",
                                  "2025年3月1日起施行。", "应当在三十日内作出决定。"])
def test_names_dates_durations_and_article_numbers_are_not_figures(text):
    assert extract_targets(text) == []


def test_a_report_review_section_states_actuals_and_its_plan_targets():
    text = ("一、2029年工作回顾\n粮食产量达到1.4万亿斤。\n二、2030年经济社会发展总体要求和政策取向\n"
            "粮食产量1.4万亿斤以上。\n")
    rows = extract_targets(text, doc_year=2030, doc_type="report")
    assert [(r.kind, r.year) for r in rows] == [("actual", "2029"), ("target", "2030")]


def test_the_table_is_built_with_the_index_and_queried_by_the_cli(tmp_path):
    from typer.testing import CliRunner

    from cli import app

    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "a.txt").write_text("某省科技创新规划\n到2027年，全省技术合同成交额突破800亿元。\n", encoding="utf-8")
    (folder / "b.txt").write_text("某市科技创新规划\n到2027年，全市技术合同成交额达到90亿元。\n高新技术企业达到300家。\n",
                                  encoding="utf-8")
    runner = CliRunner()
    idx = str(tmp_path / "idx")
    res = runner.invoke(app, ["ingest", str(folder), "--encoder", "none", "--index", idx])
    assert res.exit_code == 0, res.output
    res = runner.invoke(app, ["targets", "--metric", "technology contract turnover", "--sort", "value", "--json",
                              "--index", idx])
    assert res.exit_code == 0, res.output
    rows = json.loads(res.output)
    assert [r["quantity"] for r in rows] == ["800亿元", "90亿元"] and rows[0]["year"] == "2027"
    text = (folder / rows[1]["doc"]).read_text(encoding="utf-8")
    assert text[rows[1]["start"] : rows[1]["end"]] == "90亿元"
    res = runner.invoke(app, ["targets", "--csv", "--kind", "target", "--index", idx])
    assert res.exit_code == 0 and res.output.splitlines()[0].startswith("doc,title,region")
    assert len(res.output.strip().splitlines()) == 4
    res = runner.invoke(app, ["targets", "--kind", "wish", "--index", idx])
    assert res.exit_code == 1 and "unknown --kind" in res.output


def test_a_which_region_question_about_a_target_figure_is_answered_from_the_table(tmp_path):
    from config import Config, EncoderConfig
    from index.build import build_index
    from retrieval.engine import PolicyQA

    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "a.txt").write_text("甘肃省科技创新规划\n到2027年，全省技术合同成交额突破800亿元。\n", encoding="utf-8")
    (folder / "b.txt").write_text("江西省科技创新规划\n到2027年，全省技术合同成交额达到400亿元。\n", encoding="utf-8")
    (folder / "c.txt").write_text("江西省统计公报\n2026年全省技术合同成交额800亿元，比上年增长12%。\n",
                                  encoding="utf-8")  # an actual
    cfg = Config().with_(index_dir=tmp_path / "idx", encoder=EncoderConfig(backend="none"))
    build_index([folder], cfg)
    qa = PolicyQA.open(cfg)
    for q in ("哪个省提出技术合同成交额突破800亿元？", "Which province targets 80 billion yuan of technology contract turnover?"):
        a = qa.ask(q)
        assert a.method == "table" and a.answer.startswith("甘肃") and "江西" not in a.answer, (q, a.answer)
        c = a.citations[0]
        assert c.hit.doc_name == "a.txt" and c.hit.chunk.text.count("800亿元") == 1
        text = (folder / "a.txt").read_text(encoding="utf-8")
        assert text[c.answer_span[0] : c.answer_span[1]] == "800亿元"
        assert a.hits  # the passages the search found are kept
    a = qa.ask("哪个省提出技术合同成交额突破650亿元？")  # no such target: the passage answer decides
    assert a.method != "table"


def test_a_comparison_of_two_years_on_a_metric_is_answered_from_the_table(tmp_path):
    from config import Config, EncoderConfig
    from index.build import build_index
    from retrieval.engine import PolicyQA

    folder = tmp_path / "docs"
    folder.mkdir()
    for year, ratio in ((2031, "3.1%"), (2032, "2.9%")):
        (folder / f"r{year}.txt").write_text(
            f"{year}年政府工作报告\n一、{year - 1}年工作回顾\n去年赤字率为2.5%。\n二、{year}年经济社会发展总体要求和政策取向\n"
            f"今年赤字率拟按{ratio}左右安排。\n", encoding="utf-8")
    cfg = Config().with_(index_dir=tmp_path / "idx", encoder=EncoderConfig(backend="none"))
    build_index([folder], cfg)
    qa = PolicyQA.open(cfg)
    a = qa.ask("2031年和2032年的政府工作报告，哪一年安排的赤字率更高？")
    assert a.method == "table" and a.answer == "2031年（3.1%）高于2032年（2.9%）", a.answer
    assert [c.hit.doc_name for c in a.citations] == ["r2031.txt", "r2032.txt"]
    a = qa.ask("Which report set the lower deficit ratio, 2031 or 2032?")
    assert a.answer.startswith("2032年（2.9%）低于2031年"), a.answer


def test_a_trend_question_lists_the_metric_year_by_year_from_the_table(tmp_path):
    from config import Config, EncoderConfig
    from index.build import build_index
    from retrieval.engine import PolicyQA

    folder = tmp_path / "docs"
    folder.mkdir()
    for year, rate in ((2040, "4%"), (2041, "4.5%"), (2042, "3.5%")):
        (folder / f"r{year}.txt").write_text(f"{year}年政府工作报告\n今年发展主要预期目标是：国内生产总值增长{rate}左右。\n"
                                             f"国内生产总值达到200万亿元。\n", encoding="utf-8")
    cfg = Config().with_(index_dir=tmp_path / "idx", encoder=EncoderConfig(backend="none"))
    build_index([folder], cfg)
    qa = PolicyQA.open(cfg)
    for q in ("How has the GDP growth target changed since 2041?", "2041年以来国内生产总值增长目标有何变化？"):
        a = qa.ask(q)
        assert a.method == "table" and a.answer == "2041年 4.5% [1]；2042年 3.5% [2]", (q, a.answer)
        assert [c.hit.doc_name for c in a.citations] == ["r2041.txt", "r2042.txt"]


@pytest.mark.parametrize("event, want", [
    ({"selection": {"pt": [{"i": 1}]}}, "b"),
    ({"selection": {"pt": [{"i": 0}]}}, "a"),
    ({"selection": {"pt": []}}, None),
    ({"selection": {}}, None),
    (None, None),
    ({"selection": {"pt": [{"i": 7}]}}, None),  # a stale index (the filters changed under the selection)
])
def test_chart_selection_names_its_row(event, want):
    from ui.pages.targets import ChartPoint, selected

    pts = [ChartPoint("2024", "", "a"), ChartPoint("2025", "", "b")]
    got = selected(event, pts)
    assert (got.result if got else None) == want


@pytest.mark.parametrize("text, year", [
    # the period is set by the sentence before, which frames the targets
    ("“十四五”期间全市科技工作的主要目标是：实现三个翻番。即：高新技术企业数量达到3000家以上。", "2021-2025"),
    ("到2027年的发展目标如下。全市技术合同成交额突破200亿元。", "2027"),
    # a programme's name is no period; another paragraph does not carry over
    ("启动“十四五”种业专项。全市新建农业科技园区12家。", None),
    ("“十四五”的主要目标是：实现翻番。\n全市新建农业科技园区12家。", None),
])
def test_a_target_takes_the_period_its_paragraph_sets(text, year):
    rows = [r for r in extract_targets(text, doc_year=None, region="") if r.kind == "target" and r.value >= 12]
    assert rows and rows[-1].year == year, rows


@pytest.mark.parametrize("text, value", [
    ("明年全市工农业总产值将比今年增长百分之十二。", 0.12),  # words between the subject and 增长
    ("全省工农业总产值，比上年预计增长6.5%。", 0.065),  # the subject in the clause before
    ("到2030年，使国民生产总值达到9000亿元左右，平均每年增长6%左右。", 0.06),  # a level metric's growth
])
def test_growth_figures_find_their_growth_metric(text, value):
    rows = [r for r in extract_targets(text, doc_year=2025) if r.growth]
    assert [(r.metric, r.value) for r in rows] == [("国内生产总值增长", value)]


@pytest.mark.parametrize("text", [
    "今后五年，单位国内生产总值能耗和用水量分别下降13%、16%。",  # a fall of an intensity
    "服务业增加值在国内生产总值中的比重提高3个百分点。",  # a share of GDP
])
def test_falls_and_shares_are_not_gdp_growth(text):
    assert not [r for r in extract_targets(text, doc_year=2025) if r.metric == "国内生产总值增长"]


def test_chart_pick_prefers_headline_and_annual_rates():
    from retrieval.targets import pick_for_chart

    text = ("今后五年，经济增长预期目标是年均增长7%。全年国内生产总值增长2.3%。"
            "今年发展主要预期目标是：国内生产总值增长6%左右。")
    rows = [r for r in extract_targets(text, doc_year=2026, doc_type="report") if r.metric == "国内生产总值增长"]
    assert [r.year for r in rows][0] == "2026-2030"  # 今后五年 in a 2026 report
    sents = [text[r.sent_start:r.sent_end] for r in rows]
    assert pick_for_chart(rows, 2026, sents).quantity == "6%"
    text = "到2032年，力争国内生产总值五年内增长40%，平均每年增长7%左右。"
    rows = [r for r in extract_targets(text, doc_year=2028, doc_type="report") if r.growth]
    assert pick_for_chart(rows, 2028, [text[r.sent_start:r.sent_end] for r in rows]).quantity == "7%"


def test_new_extraction_rules_or_metrics_rebuild_an_unchanged_index(tmp_path, monkeypatch):
    """An index whose targets table came from older rules or another metrics.tsv is rebuilt by the next ingest."""
    import index.build as build
    from config import Config, EncoderConfig

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "plan.txt").write_text("黑龙江省科技规划\n到2025年，全省技术合同成交额突破500亿元。\n", encoding="utf-8")
    cfg = Config().with_(index_dir=tmp_path / "index", encoder=EncoderConfig(backend="none"))
    assert build.build_index([docs], cfg).rebuilt
    assert not build.build_index([docs], cfg).rebuilt  # nothing changed
    monkeypatch.setattr(build, "targets_fingerprint", lambda: "99:another-metrics-file")
    assert build.build_index([docs], cfg).rebuilt


@pytest.mark.parametrize("text", ["经过艰苦努力，全年粮食产量增长2.1%。", "经济恢复好于预期，全年出口增长4.5%。"])
def test_past_effort_and_better_than_expected_report_actuals(text):
    rows = extract_targets(text, doc_year=2021, doc_type="report")
    assert rows and all(r.kind == "actual" for r in rows), rows


def test_a_clause_with_its_own_subject_does_not_borrow_the_metric_before():
    rows = extract_targets("五年总体赤字率控制在3%以内，地方政府负债率控制在60%左右。", doc_year=2030, doc_type="report")
    assert [(r.quantity, r.metric) for r in rows] == [("3%", "赤字率"), ("60%", "")]


@pytest.mark.parametrize("text, start_year", [("今年拟将赤字率从去年的2.4%提高到2.7%。", "2030"),
                                              ("明年的计划，要求赤字率由今年预计的2.4%提高到2.7%。", "2031")])
def test_the_figure_a_change_starts_from_is_an_actual(text, start_year):
    rows = extract_targets(text, doc_year=2031, doc_type="report")
    assert [(r.quantity, r.kind, r.year) for r in rows][0] == ("2.4%", "actual", start_year)
    assert rows[1].kind == "target"


@pytest.mark.parametrize("text, year", [
    ("一九五九年的钢产量将增长百分之三十。", None),  # the 九五 of a year in Chinese numerals is no plan
    ("第十五届运动会期间新建场馆12座。", None),  # nor the 十五 of an ordinal
    ("“十五”期间，全省新建场馆12座。", "2001-2005"),
    ("七五计划期间，全省新建场馆12座。", "1986-1990"),
])
def test_five_year_plans_by_number(text, year):
    rows = extract_targets(text)
    assert rows and rows[0].year == year, rows


def test_chart_across_years_draws_a_line_per_region():
    from retrieval.targets import TargetResult
    from ui.pages.targets import chart_points, chart_spec

    def res(idx, region, year, value):
        doc = f"report_{idx}.txt"
        row = extract_targets(f"今年地区生产总值增长{value}%左右。", doc_year=year, doc_type="report")[0]
        return TargetResult(row=row, doc=doc, doc_idx=idx, title=doc, region=region, doc_year=year, sentence="")

    rows = [res(0, "山东", 2024, 5), res(1, "山东", 2025, 5.5), res(2, "浙江", 2025, 6)]
    pts = chart_points(rows, "year")
    assert [(p.series, p.x) for p in pts] == [("山东", "2024"), ("山东", "2025"), ("浙江", "2025")]
    spec = chart_spec(pts, "year", "国内生产总值增长", "年份", "地区").to_dict()
    assert spec["encoding"]["color"]["field"] == "series" and spec["params"][0]["name"] == "pt"
    assert "color" not in chart_spec(pts[:2], "year", "m", "年份", "地区").to_dict()["encoding"]


def test_a_line_without_sentence_ends_is_read_around_each_figure():
    """A 50 MB single line took hours (each figure re-read the whole line); a figure's sentence is now at most a
    few hundred characters around it."""
    text = "全省技术合同成交额突破3000亿元，高新技术企业数量达到3万家，" * 5_000
    rows = extract_targets(text, doc_year=2025)
    assert len(rows) == 10_000
    r = rows[-1]
    assert r.start - r.sent_start <= 400 and r.sent_end - r.end <= 400 and r.metric == "高新技术企业数量"
