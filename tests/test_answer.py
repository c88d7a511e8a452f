"""Answer extraction on hand-written passages (no retriever, no analyzer: a bigram stand-in tokenizer)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from ingest.types import Chunk, DocMeta
from retrieval.answer import extract_answer
from retrieval.qtype import asked_count, classify, question_periods, question_regions
from retrieval.sentences import fold, split_sentences
from retrieval.types import NOT_FOUND, Hit


def tok(s: str) -> list[str]:
    s = fold(s)
    out = re.findall(r"[a-z]+|\d+(?:\.\d+)?", s)
    for run in re.findall(r"[\u4e00-\u9fff]+", s):
        out.extend(run[i : i + 2] for i in range(len(run) - 1)) if len(run) > 1 else out.append(run)
    return out


def norm(s: str) -> str:
    return fold(s)


# Each document: (doc text, meta). Passages are cut from a document with a prefix so that chunk
# offsets are not zero and citation offsets can be checked against the document text.
PREFIX = "目录\n一、总体要求\n"
DOCS = {
    "plan.txt": (
        PREFIX + "到2025年,全省技术合同成交额突破500亿元,高新技术企业数量达到5000家。"
        "到2026年,全省技术合同成交额达到550亿元,高新技术企业数量突破6000家。\n"
        "实施科技型企业三年行动计划(2024—2026年)。本计划自2024年3月1日起施行。",
        DocMeta(title="某省科技振兴行动计划", region="黑龙江", date="2024-02-20", year=2024),
    ),
    "report.txt": (
        PREFIX + "全省研发投入连续5年下降的态势得到扭转,研发经费增长13%以上,占GDP比重达2.9%。"
        "重点打造数字经济、生物医药、高端装备三大产业集群。"
        "全市新增高新技术企业X家,总数达到X家。"
        "省科技厅党组书记、厅长王建国作工作报告。"
        "把科技成果转化作为“一号工程”来抓。"
        "评价指标总数由48个减少到10个。",
        DocMeta(title="2021年全省科技工作会议报告", region="浙江", date="2021-03-05", year=2021),
    ),
}


def make_hits(*names_and_ranges: tuple[str, int, int]) -> list[Hit]:
    hits = []
    for r, (name, a, b) in enumerate(names_and_ranges):
        text, meta = DOCS[name]
        hits.append(Hit(Chunk(name, r, a, b, text[a:b]), name, meta, score=1.0 / (r + 1), rank=r + 1))
    return hits


def whole(name: str) -> tuple[str, int, int]:
    text = DOCS[name][0]
    return (name, len(PREFIX), len(text))


def ask(q: str, hits, **kw):
    return extract_answer(q, hits, tokenize=tok, normalize=norm, **kw)


def check_offsets(ans) -> None:
    """Every citation's spans point at exact document text; the answer span holds the answer."""
    for c in ans.citations:
        doc = DOCS[c.hit.doc_name][0]
        assert doc[c.hit.chunk.start : c.hit.chunk.end] == c.hit.chunk.text
        if c.sentence_span:
            a, b = c.sentence_span
            assert c.hit.chunk.start <= a < b <= c.hit.chunk.end
            assert doc[a:b] in c.hit.chunk.text
    first = ans.citations[0]
    if first.answer_span and ans.answer_type in ("number", "date", "list", "fact"):
        a, b = first.answer_span
        span = doc_text(first)[a:b]
        if ans.answer_type == "list":
            assert all(item in span for item in ans.answer.split("、"))
        else:
            assert span in ans.answer


def doc_text(c) -> str:
    return DOCS[c.hit.doc_name][0]


@pytest.mark.parametrize(
    "question, expected",
    [
        ("到2025年全省技术合同成交额的目标是多少?", "500亿元"),
        ("到2026年技术合同成交额要达到多少?", "550亿元"),
        ("到2026年高新技术企业数量力争突破多少家?", "6000家"),
        ("到2025年高新技术企业数量达到多少家?", "5000家"),
    ],
)
def test_number_metric_and_year(question, expected):
    ans = ask(question, make_hits(whole("plan.txt"), whole("report.txt")))
    assert not ans.abstained
    assert ans.answer == expected
    assert ans.answer_type == "number"
    check_offsets(ans)


@pytest.mark.parametrize(
    "question, expected",
    [
        ("研发经费占GDP比重达到多少?", "2.9%"),
        ("研发经费增长多少?", "13%以上"),
        ("评价指标精简成了多少个?", "10个"),
        # A figure the question itself states is a condition, never the answer.
        ("评价指标总数由48个减少到多少个?", "10个"),
        ("How many indicators remain after cutting the 48 indicators?", "10个"),
    ],
)
def test_number_local_cues(question, expected):
    ans = ask(question, make_hits(whole("report.txt")))
    assert ans.answer == expected


def test_number_for_other_year_abstains():
    # The passages state figures for 2025 and 2026 only.
    ans = ask("2023年全省技术合同成交额是多少?", make_hits(whole("plan.txt")))
    assert ans.abstained and ans.answer == NOT_FOUND


def test_which_region_from_metadata():
    hits = make_hits(whole("plan.txt"), whole("report.txt"))
    ans = ask("哪个省份扭转了研发投入连续5年下降的态势?", hits)
    assert ans.answer_type == "which-region"
    assert ans.answer == "浙江省"
    assert ans.citations[0].hit.doc_name == "report.txt"
    en = ask("Which province reversed the five-year decline of R&D investment?", hits,
             expansions=["研发投入", "下降", "扭转"])
    assert en.answer == "浙江省 (Zhejiang)"


def test_list_with_count():
    ans = ask("重点打造的三大产业集群是哪三个?", make_hits(whole("report.txt")))
    assert ans.answer_type == "list"
    for item in ("数字经济", "生物医药", "高端装备"):
        assert item in ans.answer
    assert ans.answer == "数字经济、生物医药、高端装备"
    check_offsets(ans)


@pytest.mark.parametrize(
    "question, expected",
    [
        ("本计划从哪一天起施行?", "2024年3月1日"),
        ("科技型企业三年行动计划的起止年份是?", "2024—2026年"),
    ],
)
def test_dates(question, expected):
    ans = ask(question, make_hits(whole("plan.txt")))
    assert ans.answer_type == "date"
    assert ans.answer == expected
    check_offsets(ans)


def test_masked_figure_abstains():
    ans = ask("全市新增高新技术企业多少家?", make_hits(whole("report.txt")))
    assert ans.abstained and ans.answer == NOT_FOUND


@pytest.mark.parametrize("question", ["南极洲的企鹅数量是多少只?", "How many penguins live in Antarctica?"])
def test_unrelated_question_abstains(question):
    # The subject check needs real words (the project analyzer's segmenter), not the bigram stand-in.
    from config import Config
    from index.build import make_analyzer

    ans = ask(question, make_hits(whole("plan.txt"), whole("report.txt")), words=make_analyzer(Config()).words)
    assert ans.abstained


def test_other_region_abstains():
    ans = ask("江苏省到2026年技术合同成交额要达到多少?", make_hits(whole("plan.txt")))
    assert ans.abstained


def test_english_question_with_expansions():
    hits = make_hits(whole("plan.txt"), whole("report.txt"))
    ans = ask("How much technology contract turnover should the province reach by 2026?", hits,
              expansions=["技术合同", "成交额"])
    assert not ans.abstained
    assert ans.answer == "550亿元 (55 billion yuan)"
    assert ans.english == "55 billion yuan"
    check_offsets(ans)


@pytest.mark.parametrize(
    "question, expected",
    [
        ("在全省科技工作会议上作工作报告的厅长是谁?", "王建国"),
        ("把什么作为“一号工程”来抓?", "科技成果转化"),
    ],
)
def test_fact_short_span(question, expected):
    ans = ask(question, make_hits(whole("report.txt")))
    assert ans.answer == expected
    check_offsets(ans)


def test_citations_numbered_and_exact():
    hits = make_hits(("report.txt", len(PREFIX), len(PREFIX) + 60), whole("plan.txt"))
    ans = ask("到2026年技术合同成交额要达到多少?", hits)
    assert [c.n for c in ans.citations] == list(range(1, len(ans.citations) + 1))
    first = ans.citations[0]
    assert first.hit.doc_name == "plan.txt"
    a, b = first.answer_span
    assert DOCS["plan.txt"][0][a:b] == "550亿元"
    s, e = first.sentence_span
    assert "550亿元" in DOCS["plan.txt"][0][s:e]
    assert 0.0 <= ans.confidence <= 1.0


def test_no_hits_and_empty_question():
    assert ask("技术合同成交额是多少?", []).abstained
    with pytest.raises(ValueError):
        ask("  ", [])


@pytest.mark.parametrize(
    "question, qtype",
    [
        ("哪个省份将技术合同成交额目标设定为500亿元?", "which-region"),
        ("哪個省份把研發投入列為重點?", "which-region"),
        ("到2026年技术合同成交额要达到多少?", "number"),
        ("评价指标精简成了多少个?", "number"),
        ("该市上一年技术合同成交额在全省排第几?", "number"),
        ("三年行动计划的起止年份是?", "date"),
        ("这份文件是哪天发布的?", "date"),
        ("浙江重点打造的三大科创高地是哪三个?", "list"),
        ("哪两个地级市参加了会商?", "list"),
        ("作工作报告的厅长是谁?", "fact"),
        ("这个计划叫什么名字?", "fact"),
        ("Which province aims to build a new highland?", "which-region"),
        ("How many foreign experts were brought in?", "number"),
        ("How much R&D investment did enterprises make?", "number"),
        ("On what date was the conference held?", "date"),
        ("When was the plan issued?", "date"),
        ("Which two provinces target 5,000 enterprises?", "list"),
        ("What are the two full coverages?", "list"),
        ("Who convened the meeting?", "fact"),
        ("How many 高新技术企业 did Zhejiang certify?", "number"),
        ("Which province plans R&D经费投入年均增幅20%?", "which-region"),
        ("哪份文件提出了科技振兴行动计划?", "which-doc"),
        ("Which regulation sets the heating season?", "which-doc"),
        ("Which State Council regulation requires two directly run shops?", "which-doc"),
        ("Which flower does the city's greening regulation name as its emblem?", "fact"),
        ("Which agency must the Water Law's flood plans be filed with?", "fact"),
    ],
)
def test_classify(question, qtype):
    assert classify(question) == qtype


def test_question_analysis():
    assert asked_count("分别是哪三个?") == 3
    assert asked_count("Which two cities were listed?") == 2
    assert question_regions("How many enterprises did Jiangsu certify?") == ("江苏",)
    assert question_regions("黑龍江省的目標") == ("黑龙江",)
    assert question_periods("按照“十四五”目标,到2025年") == ("2025", "十四五")


def test_split_sentences_offsets():
    text = "  一是加强平台建设。二是培育企业；\n三是优化环境!"
    spans = split_sentences(text)
    assert [text[a:b] for a, b in spans] == ["一是加强平台建设。", "二是培育企业；", "三是优化环境!"]
    assert len(fold("黑龍江省ＡＢ")) == len("黑龍江省ＡＢ")


# ---- figures tied to their metric, enumerations, place lists, templates, reading beyond the passage --------

METRICS = PREFIX + ("全省新认定甲类企业6449家、乙类中小企业16032家(年度目标分别为4000家、10000家)。"
                    "登记技术合同16914项,成交金额956.42亿元,分别比上期增长49.96%、82.80%。")


def one_doc(text: str, name: str = "x.txt", region: str = "浙江") -> list[Hit]:
    DOCS[name] = (text, DocMeta(title="某省科技工作总结", region=region))
    return make_hits(whole(name))


@pytest.mark.parametrize(
    "question, expected",
    [
        ("新认定乙类中小企业多少家?", "16032家"),  # the figure attached to the metric, not the target in brackets
        ("新认定甲类企业多少家?", "6449家"),
        ("乙类中小企业的年度目标是多少家?", "10000家"),  # 分别为 maps positionally onto the metrics
        ("甲类企业的年度目标是多少家?", "4000家"),
        ("成交金额比上期增长了多少?", "82.80%"),
        ("登记技术合同比上期增长了多少?", "49.96%"),
    ],
)
def test_number_attachment_and_respectively(question, expected):
    ans = ask(question, one_doc(METRICS))
    assert ans.answer == expected, (ans.answer, ans.supporting)


@pytest.mark.parametrize(
    "text, question, items",
    [
        (PREFIX + "实现“3个倍增”,即:研发经费投入年均增长20%,五年实现倍增;技术合同成交额倍增,达到530亿元以上;"
         "省级重点实验室(含省实验室)数量倍增,达到210个以上。",
         "“3个倍增”分别是哪三项指标?", ["研发经费投入", "技术合同成交额", "省级重点实验室数量"]),
        (PREFIX + "坚持以“互联网+”、生命健康、新材料三大科创高地为主攻方向,加快建设创新强省。",
         "重点建设的三大科创高地是哪三个?", ["互联网+", "生命健康", "新材料"]),
        (PREFIX + "今年做好两方面工作,一方面制定市级科技计划项目管理、专项经费管理、项目验收管理三个办法,规范项目管理。",
         "要制定的三个市级科技计划管理办法分别管什么?", ["项目管理", "专项经费管理", "项目验收管理"]),
        (PREFIX + "加强厅市共商工作,先后与甲山市和乙水市召开厅市共商会议,签署了合作议定书。",
         "科技厅先后和哪两个地级市开了厅市共商会议?", ["甲山市", "乙水市"]),
        (PREFIX + "区域创新实力不断增强。丙河市、丁岭市列为省创新型县(市、区)试点,总数达到8个。",
         "Which two county-level cities were listed as innovative county pilots?", ["丙河市", "丁岭市"]),
    ],
)
def test_lists(text, question, items):
    # Which items are found, whatever the fitted confidence and coverage floor for this toy passage (threshold 0).
    ans = ask(question, one_doc(text), expansions=["创新型", "试点", "列为"], abstain_threshold=0.0)
    assert ans.answer_type == "list"
    assert not ans.abstained, ans
    for it in items:
        assert it in ans.answer, (ans.answer, ans.supporting)
    assert len(ans.answer) <= 60


def test_template_fact():
    text = PREFIX + "充分发挥示范区优势,以黑土地现代农业为主题、以水稻为主导产业,建设农业科技服务样板区。"
    ans = ask("示范区以哪种作物为主导产业?", one_doc(text))
    assert ans.answer == "水稻"
    check_offsets(ans)


def test_doc_text_label_line_and_anchor():
    # The retrieved passage stops right before the label line; doc_text lets the extractor read on.
    body = "推进粮食科技创新工程,建设粮食产后服务中心。"
    text = PREFIX + body + "\n牵头单位:省发展改革委\n配合单位:省粮储局\n" + "其他工作另行部署。" * 5
    name = "tasks.txt"
    DOCS[name] = (text, DocMeta(title="某省实施方案", region="黑龙江"))
    hits = make_hits((name, len(PREFIX), len(PREFIX) + len(body)))
    docs = {name: text}
    ans = ask("粮食科技创新工程的配合单位是哪个部门?", hits, doc_text=docs.get)
    assert ans.answer == "省粮储局", ans
    a, b = ans.citations[0].answer_span
    assert text[a:b] == "省粮储局"
    # Without the document text the label line is out of reach.
    assert ask("粮食科技创新工程的配合单位是哪个部门?", hits).answer != "省粮储局"


def test_doc_text_anchor_figure():
    # A figure the question names, in a part of a retrieved document that was not retrieved.
    lead = "全省科技工作会议召开。会议总结了一年来的工作。"
    text = PREFIX + lead + "其他内容。" * 60 + "大力推动规上企业研发活动全覆盖,高新技术企业总数达3178家。"
    name = "conf.txt"
    DOCS[name] = (text, DocMeta(title="全省科技工作会议召开", region="山西"))
    hits = make_hits((name, len(PREFIX), len(PREFIX) + len(lead)), whole("plan.txt"))
    ans = ask("Which province reported 3,178 high-tech enterprises?", hits, expansions=["高新技术企业", "总数"],
              doc_text=lambda d: DOCS[d][0])
    assert ans.answer.startswith("山西省"), ans
    assert any("3178" in c.hit.text for c in ans.citations)


# ---- a second, self-written question set through the real pipeline (guards against tuning to the gold set) ----

OWN = Path(__file__).parent / "data" / "own_questions.jsonl"


def test_own_questions_accuracy(sample_qa):
    from eval.scoring import answer_correct

    rows = [json.loads(x) for x in OWN.read_text(encoding="utf-8").splitlines() if x.strip()]
    assert len(rows) >= 15
    ok, wrong = 0, []
    for g in rows:
        a = sample_qa.ask(g["question"], use_llm=False)
        if g["type"] == "unanswerable":
            good = a.abstained
        else:
            good = not a.abstained and answer_correct(a.answer, g["answer"], g["aliases"], g["type"])
        ok += good
        if not good:
            wrong.append((g["id"], g["answer"], a.answer))
    # 18/19 measured; the threshold leaves room for one more miss.
    assert ok / len(rows) >= 0.88, wrong


@pytest.mark.parametrize(
    "question",
    ["通过线上平台帮助120家企业引进的技术人员有多少?", "Through the online platform, how many technicians did it help 120 enterprises bring in?"],
)
def test_figure_stated_in_question_is_not_the_answer(question):
    text = "一、人才工作\n通过线上平台帮助120家企业引进技术人员860名，举办对接活动15场。"
    meta = DocMeta(title="某市人才工作总结", region="浙江", year=2021)
    hit = Hit(Chunk("t.txt", 0, 0, len(text), text), "t.txt", meta, score=1.0, rank=1)
    ans = ask(question, [hit], expansions=["线上平台", "帮助", "企业", "引进", "技术人员"])
    assert not ans.abstained
    assert "860" in ans.answer and "120" not in ans.answer


@pytest.mark.parametrize("question,expected", [
    ("What was Heilongjiang's R&D expenditure in 2019?", "number"),
    ("Shanxi 十四五 target for 省级重点实验室?", "number"),
    ("How many 外国专家 made the national recommendation list?", "number"),
    ("河北省科技创新三年行动计划的起止年份是哪几年？", "date"),
    ("List the three provinces that set targets", "list"),
    ("职工按照本人工资的百分之几缴纳保险费？", "number"),
])
def test_classify_general_cases(question, expected):
    from retrieval.qtype import classify

    assert classify(question) == expected


def test_counted_thing_without_chinese_form_abstains():
    from ingest.types import Chunk, DocMeta
    from retrieval.answer import extract_answer
    from retrieval.types import Hit

    text = "新认定省级重点实验室30家、培育5家。"
    hit = Hit(Chunk("d", 0, 0, len(text), text), "d.txt", DocMeta(region="浙江"), 1.0)
    tok = lambda s: [s[i:i + 2] for i in range(len(s) - 1)]  # noqa: E731
    q = "How many Nobel laureates work in Zhejiang's provincial key laboratories?"
    kw = dict(tokenize=tok, normalize=str, expansions=["省级", "重点实验室"], use_llm=False)
    assert extract_answer(q, [hit], uncovered=("Nobel", "laureates"), **kw).abstained
    assert not extract_answer(q, [hit], uncovered=(), **kw).abstained


def test_enumeration_mark_is_not_a_figure():
    from ingest.types import Chunk, DocMeta
    from retrieval.answer import extract_answer
    from retrieval.types import Hit

    text = "3.冰雪产业技术。开展冰雪装备材料技术研究。"
    hit = Hit(Chunk("d", 0, 0, len(text), text), "d.txt", DocMeta(region="黑龙江"), 1.0)
    tok = lambda s: [s[i:i + 2] for i in range(len(s) - 1)]  # noqa: E731
    a = extract_answer("冰雪产业技术的预算是多少?", [hit], tokenize=tok, normalize=str, use_llm=False)
    assert a.answer != "3"


# ---- mixed / traditional-script weaknesses: own passages ------------------------------------------------

NEWS = ("工作动态\n\n某市召开科技创新大会\n\n作者: 编辑部\n时间:2022-06-15\n\n"
        "6月10日,市科技局召开全市科技创新大会。会议部署了下半年重点工作。"
        "会议要求,各区要在7月1日前报送年度计划。")
LABS = ("优化调整省级重点实验室,2022年新建15家省重点实验室。"
        "新建国家级工程技术研究中心3家。"
        "到2025年,国家级重点实验室总数达到8个以上;省级重点实验室(含省实验室)数量倍增,到达150个以上;"
        "中试基地实现9个重点产业集群全覆盖。")
TALENT = ("入选国家引才计划的海外专家人选达52名,连续三年保持全省第一;"
          "入选科技部创新创业人才27名。")
GOALS = ("(二)发展目标。到2027年,科技实力实现新跃升,成为全国数字经济策源地、青年人才集聚高地和"
         "长三角成果转化基地。")
ORGS = ("三是深化院地合作,与清华大学共建“智能装备联合研发中心”,与中科院共建先进储能材料研究院,"
        "与复旦大学共建数字医疗研究所。")
OWN_DOCS = {"news.txt": NEWS, "labs.txt": LABS, "talent.txt": TALENT, "goals.txt": GOALS, "orgs.txt": ORGS}


def own_hits(name: str, *ranges: tuple[int, int]) -> list[Hit]:
    text = OWN_DOCS[name]
    meta = DocMeta(title=name, region="", date="", year=None)
    return [Hit(Chunk(name, r, a, b, text[a:b]), name, meta, score=1.0 / (r + 1), rank=r + 1)
            for r, (a, b) in enumerate(ranges)]


@pytest.mark.parametrize(
    "question, expected",
    [
        ("某市科技创新大会的新闻是哪一天发布的?", "2022-06-15"),
        ("某市科技創新大會的新聞是哪一天發布的？", "2022-06-15"),
        ("When was the news item on the city's science conference published?", "2022-06-15"),
        # Not a publication question: the in-text date of the meeting stays the answer.
        ("某市科技创新大会是哪天召开的?", "6月10日"),
    ],
)
def test_publication_date_prefers_header_line(question, expected):
    body = NEWS.index("6月10日")
    hits = own_hits("news.txt", (body, len(NEWS)))
    # Which date is chosen, whatever the fitted confidence of this toy passage (threshold 0).
    ans = ask(question, hits, doc_text=OWN_DOCS.get, abstain_threshold=0.0)
    assert not ans.abstained
    assert ans.answer.startswith(expected)


@pytest.mark.parametrize(
    "question, expected",
    [
        # The figure counts the asked noun at another level: reject it, abstain if nothing else fits.
        ("2022年计划新建几家国家重点实验室?", None),
        ("2022年計畫新建幾家國家重點實驗室？", None),
        ("2022年新建几家省重点实验室?", "15家"),
        ("新建国家级工程技术研究中心多少家?", "3家"),
        ("到2025年国家级重点实验室要达到多少个?", "8个以上"),
        ("到2025年省级重点实验室要达到多少个?", "150个以上"),
        ("2025 target for 省级重点实验室 (including provincial labs)?", "150个以上"),
    ],
)
def test_number_level_qualifier(question, expected):
    # Abstention cases see only the sentence that counts provincial labs.
    hits = own_hits("labs.txt", (0, LABS.index("。") + 1) if expected is None else (0, len(LABS)))
    ans = ask(question, hits)
    if expected is None:
        assert ans.abstained, ans.answer
    else:
        assert not ans.abstained
        assert ans.answer.startswith(expected)


@pytest.mark.parametrize(
    "question, expected",
    [
        ("入选国家引才计划的海外专家有多少名?", "52名"),
        ("How many 海外专家 made the national talent programme list?", "52名"),
    ],
)
def test_number_count_noun_between_metric_and_figure(question, expected):
    ans = ask(question, own_hits("talent.txt", (0, len(TALENT))))
    assert not ans.abstained
    assert ans.answer.startswith(expected)


@pytest.mark.parametrize(
    "question",
    ["到2027年要成为全国的什么策源地、什么高地和什么基地?", "到2027年要成為全國的什麼策源地、什麼高地和什麼基地？"],
)
def test_list_one_item_per_wh_gap(question):
    assert classify(question) == "list"
    ans = ask(question, own_hits("goals.txt", (0, len(GOALS))))
    assert not ans.abstained
    assert [fold(x) for x in ans.answer.split("、")] == ["数字经济策源地", "青年人才集聚高地", "长三角成果转化基地"]


@pytest.mark.parametrize(
    "question, expected",
    [
        # The English description, once translated, picks the right one of several names.
        ("与中科院共建的 research institute for advanced energy storage materials 叫什么?", "先进储能材料研究院"),
        ("与清华大学共建的研发中心叫什么?", "智能装备联合研发中心"),
    ],
)
def test_called_prefers_name_holding_question_terms(question, expected):
    ans = ask(question, own_hits("orgs.txt", (0, len(ORGS))), expansions=("先进", "储能", "材料", "研究院"))
    assert not ans.abstained
    assert ans.answer == expected
