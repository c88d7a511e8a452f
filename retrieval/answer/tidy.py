"""Span edges a reader would not cut at: an enumeration mark (（一）, 二）, 3.) before a clause, a closing quote or
bracket whose opening one is outside the span, an opening one whose closing one is, and clause punctuation.

    >>> [tidy(t) for t in ("一）总警监、副总警监", "》已经局长办公会审议", "国家监察委员会主任”", "“一个国家")]
    ['总警监、副总警监', '已经局长办公会审议', '国家监察委员会主任', '一个国家']
    >>> tidy("《民法典》的规定"), tidy("（一）"), tidy("第一、二项"), tidy("十一五、十二五")
    ('《民法典》的规定', '（一）', '第一、二项', '十一五、十二五')
"""

from __future__ import annotations

import re

_PAIRS = {"“": "”", "‘": "’", "《": "》", "（": "）", "(": ")", "「": "」", "『": "』", "【": "】", "〔": "〕"}
_CLOSE = {v: k for k, v in _PAIRS.items()}
# An enumeration mark that opens a clause: （一） (1) 一） 二、 3. ①
MARK_RE = (r"(?:[（(][一二三四五六七八九十\d]{1,3}[)）]|[一二三四五六七八九十\d]{1,3}[)）]|[一二三四五六七八九十]{1,2}、|"
           r"\d{1,2}[.．](?!\d)|[①②③④⑤⑥⑦⑧⑨⑩])")
_MARK = re.compile("^" + MARK_RE)
# The opening of an aside that names something for short: （以下简称综保区）
ASIDE_HEAD = r"[（(](?:以下简称|以下称|简称|下称)"
_PUNCT = "、，,。；;：:！!？? \u3000"
CLAUSE_CUT = "，,。；;：:、（）()"  # where the clause a figure or span sits in begins


def clause_start(f: str, a: int) -> int:
    """Where the clause holding position ``a`` of ``f`` begins: after the last clause mark before ``a``.

        >>> clause_start("粮食产量八千亿斤，钢产量六千万吨", 12)
        9
    """
    return max((i + 1 for i in range(a - 1, -1, -1) if f[i] in CLAUSE_CUT), default=0)


def edges(text: str) -> tuple[int, int]:
    """How many characters to cut from the start and the end of ``text`` (see the module docstring)."""
    a, b = 0, len(text)
    changed = True
    while changed and a < b:
        changed = False
        s = text[a:b]
        m = _MARK.match(s)
        if m and m.end() < len(s):
            a += m.end()
            changed = True
            continue
        if s[0] in _PUNCT or (s[0] in _CLOSE and _CLOSE[s[0]] not in s) or (s[0] in _PAIRS and _PAIRS[s[0]] not in s):
            a += 1
            changed = True
            continue
        if s[-1] in _PUNCT or (s[-1] in _CLOSE and _CLOSE[s[-1]] not in s) or (s[-1] in _PAIRS and _PAIRS[s[-1]] not in s):
            b -= 1
            changed = True
    return (a, len(text) - b) if a < b else (0, 0)


def tidy(text: str) -> str:
    """``text`` without the edges ``edges`` finds; unchanged when nothing would be left."""
    a, z = edges(text)
    return text[a:len(text) - z]
