"""Chunker: exact offsets, section boundaries, chrome exclusion, heading detection, sizes."""

from pathlib import Path

import pytest

from config import ChunkerConfig
from ingest.chunking import chunk_document, heading_label, heading_rank
from ingest.loaders import load_file
from ingest.types import DocMeta, Document

SAMPLES = Path(__file__).resolve().parent.parent / "data" / "samples"
CFG = ChunkerConfig()


@pytest.fixture(scope="module")
def sample_chunks():
    out = []
    for p in sorted(SAMPLES.glob("*.txt")):
        doc = load_file(p, root=SAMPLES)
        out.append((doc, chunk_document(doc, CFG)))
    return out


def _doc(text, spans=()):
    return Document("d", "t.txt", "/t.txt", text, DocMeta(), "h", skip_spans=tuple(spans))


def test_offsets_exact_on_samples(sample_chunks):
    for doc, chunks in sample_chunks:
        assert chunks
        for i, c in enumerate(chunks):
            assert c.text == doc.text[c.start:c.end]
            assert c.ordinal == i and c.doc_id == doc.doc_id
            assert c.text == c.text.strip(" \t\n\u3000\xa0")
        assert all(a.start < b.start for a, b in zip(chunks, chunks[1:], strict=False))


def test_chrome_not_in_chunks(sample_chunks):
    for doc, chunks in sample_chunks:
        for s, e in doc.skip_spans:
            for c in chunks:
                assert e <= c.start or s >= c.end, (doc.name, doc.text[s:e], c.text[:40])


def test_sizes_within_bounds(sample_chunks):
    for doc, chunks in sample_chunks:
        for c in chunks:
            # a heading prefixed to the first piece of a long paragraph may exceed size by the heading
            assert len(c.text) <= CFG.size + 60, (doc.name, len(c.text))
        avg = sum(len(c.text) for c in chunks) / len(chunks)
        assert 150 <= avg <= CFG.size


def test_no_chunk_crosses_section(sample_chunks):
    for doc, chunks in sample_chunks:
        for c in chunks:
            # every heading line inside a chunk must be on the chunk's own section path
            labels = set(c.section)
            for line in c.text.split("\n"):
                r = heading_rank(line)
                if r is not None and not (20 <= r < 30 and "第" in "".join(c.section)):
                    assert heading_label(line, r) in labels, (doc.name, line, c.section)


def test_section_paths_on_traditional_sample(sample_chunks):
    doc, chunks = sample_chunks[1]
    paths = {c.section for c in chunks}
    assert ("一、總體要求", "(一)指導思想") in paths
    assert all(len(label) <= 30 for p in paths for label in p)


def test_lead_items_are_packed_not_headings(sample_chunks):
    doc, chunks = sample_chunks[0]
    lead = [c for c in chunks if "——自主创新能力不断提升" in c.text]
    assert len(lead) == 1 and lead[0].section == ("一、“十三五”和2020年工作回顾",)


@pytest.mark.parametrize("line,rank_order,label", [
    ("第一章 总则", 11, "第一章 总则"), ("第二節 組織", 12, "第二節 組織"),
    ("第十条 本办法自发布之日起施行。", 30, "第十条"), ("第十條 本辦法自發布之日起施行。", 30, "第十條"),
    ("第一千零三条 本编自公布之日起施行。", 30, "第一千零三条"), ("第一千二百条 其他。", 30, "第一千二百条"),
    ("一、总体要求", 20, "一、总体要求"), ("二、重點任務", 20, "二、重點任務"),
    ("（一）指导思想。坚持以人民为中心。", 21, "（一）指导思想"), ("(一)指導思想。堅持以…", 21, "(一)指導思想"),
    ("1.数位技术", 22, "1.数位技术"), ("2、加强基础研究", 22, "2、加强基础研究"), ("3．强化企业主体", 22, "3．强化企业主体"),
    ("（1）完善机制", 23, "（1）完善机制"), ("(2)健全體系", 23, "(2)健全體系"), ("## 附则", 2, "附则"),
])
def test_heading_detection_both_scripts(line, rank_order, label):
    assert heading_rank(line) == rank_order
    assert heading_label(line, rank_order) == label


@pytest.mark.parametrize("line", [
    "一是领导高度重视。", "——自主创新能力不断提升。获得国家科学技术奖64项。", "1.5亿元用于支持基础研究。",
    "（一）采用先进技术、设备或者科学管理方法的；", "2021年全省科技工作会议召开", "同志们：",
])
def test_not_headings(line):
    assert heading_rank(line) is None


def test_nesting_and_skipped_levels():
    text = "一、总体要求\n（一）指导思想。坚持创新。\n1.数位技术\n发展数字经济。\n二、重点任务\n1.加强研究\n内容。"
    chunks = chunk_document(_doc(text), CFG)
    paths = [c.section for c in chunks]
    assert ("一、总体要求", "（一）指导思想", "1.数位技术") in paths
    assert ("二、重点任务", "1.加强研究") in paths  # 1. directly under 一、 (skipped level) nests correctly
    for c in chunks:
        assert c.text == text[c.start:c.end]


def test_articles_keep_their_items():
    text = "第一章 总则\n第三条 鼓励下列企业：\n（一）采用先进技术的；\n（二）出口产品的。\n第四条 其他规定。"
    chunks = chunk_document(_doc(text), CFG)
    assert [c.section for c in chunks] == [("第一章 总则", "第三条"), ("第一章 总则", "第四条")]
    assert "（二）出口产品的。" in chunks[0].text


def test_articles_numbered_past_a_thousand_keep_their_items():
    text = "第一章 总则\n第一千零八条 收费分为下列两档：\n（一）第一档：小型车辆、摩托车；\n（二）第二档：大型车辆。\n第一千零九条 其他规定。"
    chunks = chunk_document(_doc(text), CFG)
    assert [c.section for c in chunks] == [("第一章 总则", "第一千零八条"), ("第一章 总则", "第一千零九条")]
    assert "（二）第二档：大型车辆。" in chunks[0].text


def test_long_section_split_at_sentence_ends_with_overlap():
    sent = "这是一个关于科技创新政策的完整句子，用来测试切分是否发生在句末。"
    text = "一、长段落\n" + sent * 40
    chunks = chunk_document(_doc(text), CFG)
    assert len(chunks) >= 3
    for c in chunks:
        assert c.text == text[c.start:c.end]
        assert c.section == ("一、长段落",)
        assert c.text.endswith("。")
        assert len(c.text) <= CFG.size + len("一、长段落\n")
    assert chunks[0].text.startswith("一、长段落")
    assert any(b.start < a.end for a, b in zip(chunks, chunks[1:], strict=False))  # overlap between pieces


def test_short_paragraphs_packed_and_chrome_splits():
    text = "一、要求\n第一段。\n第二段。\n打印 关闭\n第三段。"
    s = text.index("打印 关闭")
    chunks = chunk_document(_doc(text, [(s, s + 5)]), CFG)
    assert [c.text for c in chunks] == ["一、要求\n第一段。\n第二段。", "第三段。"]


def test_whitespace_only_and_empty():
    assert chunk_document(_doc("\n\u3000\n  \n"), CFG) == []


def test_heading_with_body_not_prefixed_to_next_long_paragraph():
    body = "这是正文句子，用于填充长度。" * 27  # ~380 chars
    text = "（一）加强领导。" + body + "\n" + "第二段很长的正文内容。" * 45
    chunks = chunk_document(_doc(text), CFG)
    for c in chunks:
        assert len(c.text) <= CFG.size + CFG.min_size
        assert c.text == text[c.start:c.end]
