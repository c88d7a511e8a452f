"""Metadata rules, chrome detection and the region gazetteer."""

from pathlib import Path

import pytest

from ingest.chrome import chrome_spans, is_chrome
from ingest.loaders import load_file
from ingest.metadata import infer_doc_type, infer_metadata, infer_script, parse_date
from ingest.regions import (
    all_provinces,
    english_to_region,
    find_regions,
    infer_region,
    province_of,
    region_english,
    short_name,
)

SAMPLES = Path(__file__).resolve().parent.parent / "data" / "samples"


@pytest.fixture(scope="module")
def sample_docs():
    return {p.name[:3]: load_file(p, root=SAMPLES) for p in sorted(SAMPLES.glob("*.txt"))}


# Expected values come from the project issue (a spec), not from tuning.
@pytest.mark.parametrize("key,region,city,date,script", [
    ("000", "黑龙江", "", "2021-03-26", "simplified"),
    ("001", "黑龙江", "", "2022-08-22", "traditional"),
    ("002", "浙江", "", "2021-03-05", "simplified"),
    ("003", "河北", "沧州", "", "simplified"),
    ("004", "山西", "", "2021-04-02", "simplified"),
])
def test_sample_metadata(sample_docs, key, region, city, date, script):
    m = sample_docs[key].meta
    assert (m.region, m.city, m.date, m.script) == (region, city, date, script)
    if date:
        assert m.year == int(date[:4])


@pytest.mark.parametrize("key,title_part,doc_type", [
    ("000", "锚定目标谋创新", "report"),
    ("001", "科技振興行動計畫", "notice"),
    ("002", "浙江省科学技术厅2020年工作总结和2021年工作思路", "report"),
    ("004", "2021年全省科技工作会议召开", "news"),
])
def test_sample_titles(sample_docs, key, title_part, doc_type):
    m = sample_docs[key].meta
    assert title_part in m.title
    assert not m.title.startswith(("当前位置", "公司动态", "發展歷史"))
    assert m.doc_type == doc_type


def test_sample_details(sample_docs):
    assert "为龙江高质量发展提供坚强科技支撑" in sample_docs["000"].meta.title
    m1 = sample_docs["001"].meta
    assert m1.doc_number == "黑政辦發〔2022〕41號" and m1.issuer == "黑龙江省人民政府办公厅"
    assert sample_docs["003"].meta.doc_type == "speech"


def test_chrome_never_real_content(sample_docs):
    for doc in sample_docs.values():
        for s, e in doc.skip_spans:
            assert e - s <= 120 and "\n" not in doc.text[s:e]
    d2 = sample_docs["002"]
    chrome = [d2.text[s:e] for s, e in d2.skip_spans]
    assert any("浏览次数" in c for c in chrome) and "打印 关闭" in chrome
    assert not any("浙江省科学技术厅2020年工作总结" in c for c in chrome)


@pytest.mark.parametrize("line", [
    "当前位置：首页 > 政务公开 > 通知公告", "打印 关闭", "【打印本页】【关闭窗口】", "浏览次数：1234", "瀏覽次數:",
    "版权所有：某某省科学技术厅", "作者: admin", "发布日期：2021-03-05 10:36 信息来源：省科技厅",
    "索引号: 002482090/2021-00216 发布机构: 省科技厅", "字号：大 中 小", "分享到：", "上一篇：关于开展…的通知",
    "扫一扫在手机打开当前页", "时间:2021-04-02", "下面是小编为大家整理的工作总结，供大家参考。",
])
def test_chrome_lines(line):
    assert is_chrome(line)
    text = "正文第一段。\n" + line + "\n正文第二段。"
    assert [text[s:e] for s, e in chrome_spans(text)] == [line.strip()]


@pytest.mark.parametrize("line", [
    "（一）同一诽谤信息实际被点击、浏览次数达到五千次以上的；",
    "第十四条 承办单位：由大会秘书处根据代表建议确定承办单位。",
    "3.封面应庄重、美观，页边距、字体大小及行距可适当进行调整。",
    "一、总体要求", "浙江省科学技术厅", "会议由省科技厅主办，时间为两天。",
])
def test_content_lines_are_not_chrome(line):
    assert not is_chrome(line)


@pytest.mark.parametrize("s,iso", [
    ("2022年8月22日", "2022-08-22"), ("发布日期: 2021-03-05 10:36", "2021-03-05"), ("2021/3/5", "2021-03-05"),
    ("二〇二一年三月五日", "2021-03-05"), ("2020年12月", "2020-12"), ("2021.04.02", "2021-04-02"),
    ("第2021号", ""), ("2021年13月1日", ""),
])
def test_parse_date(s, iso):
    assert parse_date(s) == iso


@pytest.mark.parametrize("title,kind", [
    ("关于印发某省科技创新行动计划的通知", "notice"), ("2021年政府工作报告", "report"),
    ("某市2022年科技工作要点", "plan"), ("在全市科技工作会议上的讲话", "speech"),
    ("浙江省科学技术进步条例", "regulation"), ("科技成果转化管理办法", "regulation"),
    ("全省科技工作会议召开", "news"), ("风景", "other"),
])
def test_doc_type(title, kind):
    assert infer_doc_type(title) == kind


@pytest.mark.parametrize("text,num", [
    ("黑政办发〔2022〕41号", "黑政办发〔2022〕41号"), ("浙科发[2021]5号", "浙科发[2021]5号"),
    ("冀政字（2020）12號", "冀政字（2020）12號"), ("晋科发(2021)第3号", "晋科发(2021)第3号"),
])
def test_doc_number(text, num):
    m = infer_metadata("某某通知\n" + text + "\n各有关单位：\n正文。", "x.txt")
    assert m.doc_number == num


def test_script():
    assert infer_script("黑龍江省人民政府辦公廳關於印發科技振興行動計畫的通知") == "traditional"
    assert infer_script("黑龙江省人民政府办公厅关于印发科技振兴行动计划的通知") == "simplified"


@pytest.mark.parametrize("name,prov", [
    ("沧州", "河北"), ("沧州市", "河北"), ("黑龍江", "黑龙江"), ("黑龙江省", "黑龙江"), ("龙江", "黑龙江"),
    ("内蒙古自治区", "内蒙古"), ("呼和浩特", "内蒙古"), ("哈尔滨市", "黑龙江"), ("杭州", "浙江"), ("太原", "山西"),
    ("西安", "陕西"), ("全国", "全国"), ("火星", ""),
])
def test_province_of(name, prov):
    assert province_of(name) == prov


def test_gazetteer_helpers():
    assert len(all_provinces()) == 34 and "黑龙江" in all_provinces()
    assert short_name("广西壮族自治区") == "广西" and short_name("上海市") == "上海"
    assert region_english("黑龙江") == "Heilongjiang" and region_english("沧州") == "Cangzhou"


@pytest.mark.parametrize("word,zh", [
    ("Heilongjiang", "黑龙江"), ("Shanxi", "山西"), ("Shaanxi", "陕西"), ("Cangzhou", "沧州"),
    ("Inner Mongolia", "内蒙古"), ("zhejiang province", "浙江"), ("Hangzhou City", "杭州"), ("Atlantis", ""),
])
def test_english_to_region(word, zh):
    assert english_to_region(word) == zh


def test_find_regions_traditional_and_aliases():
    c = find_regions("黑龍江省推進龍江振興，泊頭市和河間市企業來滄投資。")
    assert c["黑龙江"] == 2 and c["沧州"] == 3


@pytest.mark.parametrize("text,title,expect", [
    ("本市推进科技创新。杭州市科技局。", "杭州市科技创新条例", ("浙江", "杭州")),
    ("全省科技工作会议召开，省科技厅部署。山西转型发展。山西", "", ("山西", "")),
    ("第一条 为了规范……", "中华人民共和国科学技术进步法", ("全国", "")),
    ("没有任何地名的文本。", "", ("", "")),
])
def test_infer_region(text, title, expect):
    assert infer_region(text, title=title) == expect
