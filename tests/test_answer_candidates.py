"""The answer package's parts, on sentences written for these tests: proposers, scorer, doc matcher, script."""

from __future__ import annotations

import functools
import json
from dataclasses import replace

import pytest

from ingest.types import Chunk, DocMeta
from retrieval.answer.base import build_context
from retrieval.answer.date import DateProposer, find_dates
from retrieval.answer.extract import candidates, mismatched, to_asker_script
from retrieval.answer.facts import FactProposer, phrases
from retrieval.answer.lists import ListProposer
from retrieval.answer.number import NumberProposer, expected_unit, find_quantities
from retrieval.answer.region import RegionProposer
from retrieval.answer.scorer import DEFAULT_PATH, Scorer, load_scorer
from retrieval.docmatch import DocMatcher
from retrieval.types import Hit


def tok(s: str) -> list[str]:
    return [s[i:i + 2] for i in range(len(s) - 1)]


def hits_of(*texts: str, meta: DocMeta | None = None) -> tuple[Hit, ...]:
    meta = meta or DocMeta(title="某市条例", region="浙江", city="湖州", year=2021)
    return tuple(Hit(Chunk(f"d{i}", 0, 0, len(t), t), f"d{i}.txt", meta, 1.0 / (i + 1), {"bm25": 10.0 / (i + 1)})
                 for i, t in enumerate(texts))


@functools.lru_cache(maxsize=1)
def _analyzer():
    from index.analyzer import Analyzer

    return Analyzer()


def real_context(q: str, *texts: str, **kw):
    """The answer context of ``q`` over ``texts`` with the project analyzer (its words and word boundaries)."""
    an = _analyzer()
    return build_context(q, hits_of(*texts), tokenize=an.tokenize, normalize=an.normalize, segment=an.cut,
                         words=an.words, **kw)


@pytest.mark.parametrize("text, want", [
    ("全年粮食产量达到八千亿斤", "八千亿斤"),
    ("处五百元以上三千元以下的罚款", "五百元以上三千元以下"),
    ("赤字率拟按３．２％安排", "3.2%"),
    ("增长百分之十二", "百分之十二"),
    ("应当在十个工作日内答复", "十个工作日"),
    ("新建5G基站231.2万个", "231.2万个"),
    ("按日加收滞纳款项千分之三的滞纳金", "千分之三"),
    ("逾期利息按照日万分之二点五计算", "日万分之二点五"),
])
def test_quantities_found(text, want):
    from retrieval.sentences import fold

    assert any(t.startswith(fold(want)) for _, _, t in find_quantities(fold(text)))


@pytest.mark.parametrize("text", ["第三条 本办法所称", "二〇二一年五月", "一是加强监管", "2024年起施行"])
def test_not_quantities(text):
    assert find_quantities(text) == []


@pytest.mark.parametrize("q, cat", [("罚款多少元？", "money"), ("几个工作日内办结？", "time"), ("多少家企业？", "count"),
                                    ("占比是多少？", "percent"), ("how many days of leave?", "time"),
                                    ("Under the 2015 five-year plan, what income per head was planned?", "money"),
                                    ("how much notice must a tenant give?", "time"), ("what grain output was reached?", "count"),
                                    ("what is the highest penalty for littering?", "money"),
                                    ("how many museums opened?", "count"), ("what tax rate applies each year?", "percent"),
                                    ("今年的财政赤字规模是多少？", "money"), ("物价涨幅控制在多少？", "percent"),
                                    ("违者罚款幅度是多少？", "money"), ("小麦产量达到多少？", "count"), ("合同期限是多久？", "time"),
                                    ("财政收入增长了多少？", "any"), ("how much did prices rise last year?", "percent"),
                                    ("how much was spending on schools planned to rise to?", "money"),
                                    ("how much will grain output grow to by 2030?", "count")])
def test_expected_unit(q, cat):
    assert expected_unit(q)[0] == cat


def test_dates_forms():
    got = {(t, form) for _, _, t, form in find_dates("本规定自2023年7月1日起施行，每年5月10日为保护日，2021—2025年。")}
    assert ("2023年7月1日", "full") in got and ("5月10日", "md") in got and ("2021—2025年", "range") in got


def test_date_proposer_marks_effective_date():
    ctx = build_context("本条例从哪天起施行？", hits_of("本条例经审议于2022年3月1日通过，自2022年6月1日起施行。"),
                        tokenize=tok, normalize=str)
    cands = {c.text: c.features for c in DateProposer().propose(ctx)}
    assert cands["2022年6月1日"]["effect_fit"] == 1.0 and cands["2022年3月1日"]["effect_fit"] == 0.0


def test_date_proposer_reads_hours_of_the_day():
    ctx = build_context("景区每天什么时间段禁止车辆通行？", hits_of("景区内每日7时30分至19时禁止机动车通行，2021年5月1日起施行。"),
                        tokenize=tok, normalize=str)
    cands = {c.text: c.features for c in DateProposer().propose(ctx)}
    assert cands["每日7时30分至19时"]["clock_fit"] == 1.0 and cands["2021年5月1日"]["clock_fit"] == 0.0


def test_number_proposer_skips_figures_the_question_states():
    ctx = build_context("帮助120家企业引进了多少名人才？", hits_of("帮助120家企业引进人才350名。"), tokenize=tok, normalize=str)
    texts = [c.text for c in NumberProposer().propose(ctx)]
    assert "350名" in texts and "120家" not in texts


@pytest.mark.parametrize("question, passage, want, not_want", [
    ("本市承办的是第几届园艺博览会？", "本市将于明年承办第九届园艺博览会，预计接待游客300万人次。", "第九届园艺博览会", "300万人次"),
    ("代表团出席的是第几次全体会议？", "代表团出席了第3次全体会议，审议了2项议案。", "第3次全体会议", "2项"),
    ("该县粮食产量排全省第几名？", "该县粮食产量居全省第五名，增长了百分之三。", "第五名", None),
    ("本市承办的是第几届园艺博览会？", "本市承办了第九届园艺博览会。", "第九届园艺博览会", None),
])
def test_number_proposer_reads_ordinals(question, passage, want, not_want):
    """A 第几 question takes the ordinal with its classifier, and the noun the question counts when the sentence
    repeats it; a sentence holding only an ordinal is still read."""
    texts = [c.text for c in NumberProposer().propose(build_context(question, hits_of(passage), tokenize=tok,
                                                                    normalize=str))]
    assert want in texts
    assert not_want is None or not_want in texts  # the other figures stay candidates, for the scorer to weigh


def test_number_proposer_reads_past_sentences_without_figures():
    """Sentences with no figure take no place among those read: a figure ninth in rank is still proposed, one far
    beyond the reach is not."""
    texts = [f"客户身份资料应当保存，第{i}条另有规定的除外。" for i in range(1, 11)] + ["相关材料至少存放十年。"]
    ctx = build_context("客户身份资料应当保存多少年？", hits_of(*texts), tokenize=tok, normalize=str)
    assert "十年" in [c.text for c in NumberProposer(max_sents=4, reach=4).propose(ctx)]
    assert "十年" not in [c.text for c in NumberProposer(max_sents=4, reach=1).propose(ctx)]


def test_region_proposer_reads_metadata_city():
    ctx = build_context("哪个城市规定束犬绳不得超过1.8米？", hits_of("束犬绳长度不得超过1.8米。"), tokenize=tok, normalize=str)
    texts = [c.text for c in RegionProposer().propose(ctx)]
    assert "湖州市" in texts


@pytest.mark.parametrize("question", ["哪个城市设立了统一的政务服务平台？", "Which municipality runs a unified service platform?"])
def test_a_municipality_is_a_city(question):
    # A 直辖市's document has a province-level region and no city; a sentence may name one; both fit "which city".
    meta = DocMeta(title="某市优化营商环境条例", region="重庆", year=2021)
    hits = (Hit(Chunk("d0", 0, 0, 40, "本市建设统一的政务服务平台。天津市、驻马店市参照执行。"), "d0.txt", meta, 1.0,
                {"bm25": 10.0}),)
    ctx = build_context(question, hits, tokenize=tok, normalize=str)
    fit = {c.text: c.features["city_fit"] for c in RegionProposer().propose(ctx)}
    assert fit["重庆市"] == 1.0 and fit["天津"] == 1.0 and fit["驻马店"] == 1.0


def test_list_proposer_counts_items():
    ctx = build_context("有效期分为哪几种？", hits_of("证件的有效期分为五年、十年、二十年和长期。"), tokenize=tok, normalize=str)
    lists = [c for c in ListProposer().propose(ctx)]
    assert any(c.text == "五年、十年、二十年、长期" for c in lists)


def test_list_proposer_cuts_a_last_item_that_runs_on():
    """Besides the enumeration as split, a variant whose last item is cut to the others' length (tail_cut)."""
    ctx = real_context("哪两个省级人民政府负责移民工作？", "江西省、湖南省人民政府负责本行政区域内的移民安置工作。")
    lists = {c.text: c.features["tail_cut"] for c in ListProposer().propose(ctx)}
    assert lists.get("江西省、湖南省") == 1.0
    ctx = real_context("有哪几项重点任务？", "重点任务是加强平台建设、培育企业主体、优化创新环境。")
    assert all(f["tail_cut"] == 0.0 for f in (c.features for c in ListProposer().propose(ctx) if c.kind == "list"))


def test_fact_proposer_skips_drafting_frames():
    """The span 以下简称… is never an answer as written; the named thing around it still is a candidate."""
    ctx = real_context("依照本条例，东湖绿道的起点是哪一处建筑？", "依照本条例，东湖绿道（以下简称绿道）的起点为听涛轩。")
    texts = [c.text for c in FactProposer().propose(ctx)]
    assert "听涛轩" in texts and not any("以下简称" in t for t in texts)


def test_fact_phrases_cut_question_words():
    got = [t for _, _, t in phrases("日常工作由市红十字会承担", "日常工作由哪个机构承担")]
    assert "市红十字会" in got


def test_mismatch_rules():
    from retrieval.answer.base import Candidate

    assert mismatched(Candidate("number", None, 0, 0, "", {"number_period_gov": -0.42}))
    assert mismatched(Candidate("region", None, 0, 0, "", {"region_other": 1.0}))
    assert not mismatched(Candidate("number", None, 0, 0, "", {"number_period_gov": 0.35}))
    assert mismatched(Candidate("fact", None, 0, 0, "", {"cov": 0.0}))  # the sentence holds none of the question
    assert not mismatched(Candidate("fact", None, 0, 0, "", {"cov": 0.05}))


@pytest.mark.parametrize("text, q, off, ok", [
    ("任期三天，每届五年。", "每届任期几年？", "三天", "五年"),
    ("产量为1949年的一点五倍，达到三千亿斤。", "粮食产量是多少斤？", "一点五倍", "三千亿斤"),
    ("应当在三个月内答复，逾期30天视为同意。", "几个月内答复？", "30天", "三个月内"),
])
def test_figure_in_another_unit_than_the_question_writes_is_never_the_answer(text, q, off, ok):
    ctx = build_context(q, hits_of(text), tokenize=tok, normalize=str)
    by_text = {c.text: c for c in candidates(ctx, None)}
    assert by_text[off].features["number_unit_explicit_off"] == 1.0 and mismatched(by_text[off])
    assert by_text[ok].features["number_unit_explicit_off"] == 0.0 and not mismatched(by_text[ok])


def test_candidates_have_common_and_kind_features():
    ctx = build_context("2021年技术合同成交额是多少？", hits_of("2021年技术合同成交额达到530亿元。"), tokenize=tok, normalize=str)
    cs = candidates(ctx, None)
    c = next(c for c in cs if c.text == "530亿元")
    assert c.features["kind_match"] == 1.0 and c.features["number_unit_match"] == 1.0 and "cov" in c.features


def test_scorer_probability_and_standardisation():
    s = Scorer({"x": 1.0}, intercept=0.0, means={"x": 1.0}, scales={"x": 2.0})
    assert s.prob({"x": 1.0}) == pytest.approx(0.5)
    assert s.prob({"x": 3.0}) > 0.7 > s.prob({}) is not None


def test_threshold_per_script():
    s = Scorer({"x": 1.0}, threshold=0.3, threshold_en=0.2)
    assert s.threshold_for(False) == 0.3 and s.threshold_for(True) == 0.2
    assert Scorer({"x": 1.0}, threshold=0.3).threshold_for(True) == 0.3  # no English threshold stored: the shared one


def test_english_question_uses_its_threshold():
    """An English question is answered at a confidence the Chinese threshold would abstain at."""
    from retrieval.answer.extract import _extractive

    text = "到2025年，全省技术合同成交额突破500亿元。"
    hits = hits_of(text, meta=DocMeta(region="黑龙江"))
    q = "What technology contract turnover target is set for 2025?"
    _, scored = _extractive(q, hits, tok, str, (), 0.0, 3, 0.85, ("技术合同成交额",), None, (), "number")
    p = scored[0][1]
    base = load_scorer()
    strict = replace(base, threshold=min(0.99, p + 0.01), threshold_en=max(0.0, p - 0.01))
    ans, _ = _extractive(q, hits, tok, str, (), None, 3, 0.85, ("技术合同成交额",), None, (), "number", strict)
    assert not ans.abstained
    ans, _ = _extractive(q, hits, tok, str, (), None, 3, 0.85, ("技术合同成交额",), None, (), "number",
                         replace(strict, threshold_en=None))
    assert ans.abstained


def test_stored_scorer_is_fitted_and_documented():
    d = json.loads(DEFAULT_PATH.read_text(encoding="utf-8"))
    sc = load_scorer()
    assert sc.weights and 0.0 < sc.threshold < 1.0 and 0.0 < sc.threshold_for(True) < 1.0
    assert d["meta"]["cv"].startswith("GroupKFold") and d["meta"]["questions"] >= 300
    assert "lockbox" not in " ".join(d["meta"]["trained_on"])


def test_doc_matcher_prefers_named_title_and_year():
    metas = [DocMeta(title="2019年政府工作报告", year=2019), DocMeta(title="2020年政府工作报告", year=2020),
             DocMeta(title="养犬管理条例", year=2020)]
    sc = DocMatcher(metas, tok).scores({"政府": 1.0, "报告": 1.0}, years=(2019,))
    assert sc.argmax() == 0 and sc[2] < sc[1]


@pytest.mark.parametrize("spec, named_first", [(0.0, False), (0.3, True), (1.0, True)])
def test_doc_specificity_prefers_the_title_that_is_the_named_document(spec, named_first):
    """Two titles hold the question's 森林法; the one that is no more than it wins once specificity is on."""
    metas = [DocMeta(title="某省实施森林法办法细则", year=2001), DocMeta(title="森林法", year=1998),
             DocMeta(title="种子法", year=2000), DocMeta(title="草原法", year=2002)]
    m = DocMatcher(metas, lambda s: [s[i:i + 3] for i in range(len(s) - 2)] or [s])
    sc = m.scores({"森林法": 1.0}, specificity=spec)
    assert bool(sc[1] > sc[0]) is named_first and sc[2] == sc[3] == 0.0  # off: both hold it, the same share


@pytest.mark.parametrize("q, a, want", [("國務院何時發布？", "国务院办公厅", "國務院辦公廳"),
                                         ("国务院何时发布？", "國務院辦公廳", "国务院办公厅"),
                                         ("When was it issued?", "国务院", "国务院")])
def test_answer_in_askers_script(q, a, want):
    assert to_asker_script(q, a) == want


def test_sentences_are_distinct_across_overlapping_passages():
    """Two overlapping chunks of one document repeat a sentence; the context holds it once."""
    from ingest.types import Chunk, DocMeta
    from retrieval.answer.base import build_context
    from retrieval.types import Hit

    text = "第一条 本条例适用于全市。第二条 养犬登记费为每只五百元。第三条 其他事项另行规定。"
    a, b = Chunk("d", 0, 0, 26, text[:26]), Chunk("d", 1, 13, len(text), text[13:])
    hits = [Hit(a, "d.txt", DocMeta(), 1.0), Hit(b, "d.txt", DocMeta(), 0.9)]
    tok = lambda s: [s[i:i + 2] for i in range(len(s) - 1)]  # noqa: E731
    ctx = build_context("养犬登记费是多少？", hits, tokenize=tok, normalize=str)
    starts = [ctx.hits[s.hit].chunk.start + s.start for s in ctx.sents]
    assert len(starts) == len(set(starts))
    assert sum("登记费" in s.text for s in ctx.sents) == 1


@pytest.mark.parametrize("text, q, item", [
    ("防汛工作坚持统一指挥、分级负责、社会参与、科学调度的原则。", "防汛工作坚持哪些原则？", "社会参与"),
    ("本条例适用于中华人民共和国境内的港口、码头和航道。", "本条例适用于哪些设施？", "码头"),
])
def test_list_items_are_not_split_inside_words(text, q, item):
    """和/与 split items only where they are words of their own (not inside 参与, 共和国)."""
    ctx = real_context(q, text)
    lists = [c.text.split("、") for c in ListProposer().propose(ctx)]
    assert any(item in items for items in lists), lists
    assert not any(x in ("社会参", "中华人民共") for items in lists for x in items), lists


@pytest.mark.parametrize("text, q, want", [
    # the question's wording and a lead-in verb come off the first item, at word boundaries
    ("本办法所称的补贴对象包含种粮农民、农机合作社和家庭农场。", "补贴对象有哪些？", "种粮农民、农机合作社、家庭农场"),
    # a head the items share (现代…) stays, even where the question uses it
    ("要把全市建成具有现代服务业、现代制造业和现代农业的中心城市。", "要建成具有哪些现代产业的城市？",
     "现代服务业、现代制造业、现代农业"),
    # a count after the last item closes the list; a 一个 before the first does not cut it away
    ("监测项目包含地表水质、地下水位及水温、土壤墒情三类。", "监测项目包含哪三类？", "地表水质、地下水位及水温、土壤墒情"),
    # the predicate after the last item is not part of it
    ("确定东城区、西城区和南湖区为首批试点区。", "确定了哪几个区为试点区？", "东城区、西城区、南湖区"),
])
def test_list_items_trimmed_to_the_enumeration(text, q, want):
    """First and last items cut to what the sentence enumerates; 及 inside an item (before a 、) does not split it."""
    ctx = real_context(q, text)
    texts = [c.text for c in ListProposer().propose(ctx)]
    assert want in texts, texts


@pytest.mark.parametrize("text, q, want, feature", [
    # the phrase where the question has its question word, between the words around it
    ("园区的日常管理由市商务局负责。", "园区的日常管理由哪个部门负责？", "市商务局", "gap_exact"),
    ("评审结果经公示后，由市人民政府批准。", "评审结果由谁批准？", "市人民政府", "gap_exact"),
    ("申请人可以通过书面方式提出异议。", "申请人可以通过什么方式提出异议？", "书面方式", "gap_exact"),
    ("公园东侧为体育中心，西侧为图书馆。", "公园西侧是哪一座建筑？", "图书馆", "gap_exact"),
    # a name after its title, for a question that asks for a person
    ("大会听取了市长张大明所作的政府工作报告。", "Which mayor delivered the report?", "张大明", "ask_person_fit"),
    ("县政府委托副县长王丽同志作了说明。", "谁作了说明？", "王丽", "ask_person_fit"),
    ("陈明等12位代表：", "which deputy led the group of deputies?", "陈明", "ask_person_fit"),
])
def test_fact_proposer_marks_the_asked_phrase(text, q, want, feature):
    from retrieval.answer.facts import FactProposer

    marked = {c.text for c in FactProposer().propose(real_context(q, text)) if c.features.get(feature)}
    assert want in marked, marked


def test_sentence_without_the_questions_rarest_word_is_marked():
    """A figure in a sentence that lacks what the question counts (大豆) carries the missing-subject features."""
    idf = {"大豆": 6.0, "小麦": 6.0, "全县": 2.0, "产量": 2.0, "达到": 1.0}
    ctx = real_context("全县大豆产量达到多少？", "全县小麦产量达到十二万吨。", "全县大豆产量达到三万吨。", term_idf=idf.get)
    assert "大豆" in ctx.subject
    from retrieval.answer.base import common_features

    feats = {c.text: common_features(ctx, c) for c in NumberProposer().propose(ctx)}
    assert feats["十二万吨"]["sent_rarest_missing"] == 1.0 and feats["三万吨"]["sent_rarest_missing"] == 0.0
    assert feats["十二万吨"]["sent_subject_missing"] > feats["三万吨"]["sent_subject_missing"]


@pytest.mark.parametrize("text, want", [("空机重量小于0.25千克", "0.25千克"), ("时速40千米", "40千米"),
                                        ("装机5千瓦", "5千瓦"), ("产值3千亿元", "3千亿元")])
def test_kilo_units_are_units_not_thousands(text, want):
    assert want in [t for _, _, t in find_quantities(text)]


def test_figure_the_question_gives_in_arabic_is_not_proposed_in_chinese_numerals():
    text = "驾驶人二十四小时内累计驾驶时间不得超过八小时。"
    ctx = build_context("驾驶人24小时内最多能开几个小时？", hits_of(text), tokenize=tok, normalize=str)
    got = [c.text for c in NumberProposer().propose(ctx)]
    assert "八小时" in got and not any(g.startswith("二十四") for g in got)


def test_english_question_wording_holds_its_chinese_terms():
    """An English question's fact candidates are cut where its Chinese wording ends, as a Chinese question's are."""
    from retrieval.answer.facts import FactProposer

    text = "古树名木资源普查由全国绿化委员会组织。"
    ctx = build_context("Which body organises the census of ancient and famous trees?", hits_of(text), tokenize=tok,
                        normalize=str, expansions=("古树名木", "资源普查", "组织"))
    assert ctx.english and "古树" in ctx.wording and "古树" not in ctx.question_folded
    assert "全国绿化委员会" in [c.text for c in FactProposer().propose(ctx)]


def test_answer_step_reads_the_search_steps_analysis():
    """With the search step's QueryAnalysis, the answer step takes type, places, periods and count from it."""
    from retrieval.query import analyze_query

    q = "浙江省2025年要建成哪三个中心？"
    qa = analyze_query(q, expand=False)
    assert qa.qtype == "list" and qa.places == ("浙江",) and qa.periods == ("2025",) and qa.asked_count == 3
    text = "到2025年，浙江省建成科创中心、人才中心和数据中心三个中心。"
    ctx = build_context(q, hits_of(text), tokenize=tok, normalize=str, analysis=replace(qa, periods=("2030",)))
    assert ctx.periods == ("2030",) and ctx.regions == ("浙江",) and ctx.want == 3
