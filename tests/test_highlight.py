import pytest

from retrieval.highlight import merge_spans, render_html, shift, term_spans


def test_term_spans_simple():
    text = "到2025年,全省技术合同成交额突破500亿元"
    (a, b, kind), = term_spans(text, ["技术合同成交额"])
    assert text[a:b] == "技术合同成交额" and kind == "term"


def test_overlapping_terms_merge():
    assert merge_spans([(0, 3), (2, 5), (7, 8)]) == [(0, 5), (7, 8)]


def test_aligned_normaliser_maps_back_to_traditional_text():
    def aligned(s):  # per-character stand-in for the analyzer's normalize_aligned
        table = str.maketrans("術臺", "术台")
        return s.translate(table), list(range(len(s)))

    text = "技術合同成交額"
    spans = term_spans(text, ["技术"], aligned=aligned)
    assert [text[a:b] for a, b, _ in spans] == ["技術"]


@pytest.mark.parametrize(
    "text",
    ["<script>alert(1)</script>", '<img src=x onerror="alert(1)">', "a & b < c", "\"'><svg onload=alert(1)>"],
)
def test_render_escapes_untrusted_text(text):
    out = render_html(text, [(0, 3, "term")])
    assert "<script" not in out and "<img" not in out and "<svg" not in out
    assert out.count("<mark") == 1


def test_answer_wins_over_term():
    out = render_html("abcdef", [(0, 4, "term"), (2, 3, "answer")])
    assert out == '<mark class="term">ab</mark><mark class="answer">c</mark><mark class="term">d</mark>ef'


def test_shift():
    assert shift([(105, 110, "answer")], 100) == [(5, 10, "answer")]
