"""The naive baseline: fixed-size chunking with exact offsets, and the best-overlap-sentence answer."""

from __future__ import annotations

import pytest

from config import ChunkerConfig
from ingest.chunking import chunk_document
from ingest.types import Chunk, DocMeta, Document
from retrieval.answer_naive import naive_answer
from retrieval.types import Hit


def _doc(text, skip=()):
    return Document("d", "d.txt", "/d.txt", text, DocMeta(), "h", skip_spans=tuple(skip))


FIXED = ChunkerConfig(strategy="fixed", size=10, overlap=3)


@pytest.mark.parametrize(
    "text, skip, expected",
    [
        ("abcdefghijklmnopqrstuvwxyz", (), [(0, 10), (7, 17), (14, 24), (21, 26)]),
        ("abcdefghij", (), [(0, 10)]),  # exactly one window, no redundant tail
        ("abcdefghijk", (), [(0, 10), (7, 11)]),
        ("  abc  \n\n  ", (), [(2, 5)]),  # blanks trimmed
        ("", (), []),
        ("abcdefNAVNAVghijklmnopq", [(6, 12)], [(0, 6), (12, 22), (19, 23)]),  # chrome never inside a window
        ("NAVabc", [(0, 3)], [(3, 6)]),
        ("第一章 总则\n一、总体要求\n内容", (), [(0, 10), (7, 16)]),  # headings mean nothing here
    ],
)
def test_fixed_windows_exact_offsets(text, skip, expected):
    chunks = chunk_document(_doc(text, skip), FIXED)
    assert [(c.start, c.end) for c in chunks] == expected
    for i, c in enumerate(chunks):
        assert c.text == text[c.start:c.end] and c.section == () and c.ordinal == i


def test_fixed_on_a_sample_document():
    from pathlib import Path

    from ingest.loaders import load_file

    path = Path(__file__).resolve().parents[1] / "data" / "samples" / "004_d46042affa9808e8.txt"
    doc = load_file(path)
    chunks = chunk_document(doc, ChunkerConfig(strategy="fixed", size=500, overlap=50))
    assert all(c.text == doc.text[c.start:c.end] and len(c.text) <= 500 for c in chunks)
    assert all(b.start < a.end for a, b in zip(chunks, chunks[1:], strict=False) if b.start - a.start == 450)


@pytest.mark.parametrize("size, overlap", [(0, 0), (10, 10), (10, -1)])
def test_fixed_rejects_bad_sizes(size, overlap):
    with pytest.raises(ValueError, match="fixed chunking"):
        chunk_document(_doc("abc"), ChunkerConfig(strategy="fixed", size=size, overlap=overlap))


def test_unknown_strategy():
    with pytest.raises(ValueError, match="strategy"):
        chunk_document(_doc("abc"), ChunkerConfig(strategy="semantic"))


def _tok(s):
    return [s[i:i + 2] for i in range(len(s) - 1)]


def _hit(text, start=0, name="d.txt"):
    return Hit(Chunk("d", 0, start, start + len(text), text), name, DocMeta(), 1.0)


def test_naive_answer_takes_best_overlap_sentence_with_document_offsets():
    hits = [_hit("加强基础研究。培育高新技术企业。", 100), _hit("到2025年，高新技术企业达到5000家。", 300)]
    a = naive_answer("高新技术企业达到多少家", hits, tokenize=_tok)
    assert not a.abstained and a.answer == "到2025年，高新技术企业达到5000家。"
    assert a.citations[0].hit is hits[1] and a.citations[0].sentence_span == (300, 300 + len(a.answer))
    assert a.hits == tuple(hits)


def test_naive_answer_ties_go_to_the_better_ranked_hit_and_zero_overlap_abstains():
    hits = [_hit("甲乙丙。"), _hit("甲乙丁。")]
    assert naive_answer("甲乙", hits, tokenize=_tok).citations[0].hit is hits[0]
    a = naive_answer("火星基地", hits, tokenize=_tok)
    assert a.abstained and a.citations == ()
    assert naive_answer("火星", [], tokenize=_tok).abstained
