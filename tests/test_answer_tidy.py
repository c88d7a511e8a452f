"""Answer span edges (retrieval/answer/tidy.py): marks and unmatched quotes cut, everything else kept."""

from __future__ import annotations

import pytest

from retrieval.answer.tidy import edges, tidy


@pytest.mark.parametrize(("span", "expected"), [
    ("（二）市场监督管理部门", "市场监督管理部门"),
    ("3.县级人民政府", "县级人民政府"),
    ("②林业主管部门", "林业主管部门"),
    ("三、加强组织领导", "加强组织领导"),
    ("”和有关规定", "和有关规定"),
    ("市长签署”", "市长签署"),
    ("《森林法", "森林法"),
    ("，由市人民政府决定。", "由市人民政府决定"),
    # kept whole
    ("《中华人民共和国森林法》", "《中华人民共和国森林法》"),
    ("“放管服”改革", "“放管服”改革"),
    ("十三五、十四五", "十三五、十四五"),
    ("3.5%", "3.5%"),
    ("（一）", "（一）"),
    ("”", "”"),
    ("", ""),
])
def test_tidy(span, expected):
    assert tidy(span) == expected


def test_edges_are_counts_from_each_end():
    assert edges("（一）县级人民政府；") == (3, 1)
