"""Answer scoring as ../shared/eval/README.md defines it.

    >>> answer_correct("黑龙江省 (Heilongjiang)", "黑龙江省", [], "which-region")
    True
    >>> answer_correct("500億元", "500亿元", [], "number")
    True
    >>> answer_correct("新材料、“互联网+”、生命健康", "“互联网+”、生命健康、新材料", [], "list")
    True
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_QUOTES = "\"'“”‘’「」『』《》〈〉"
_NUM_RE = re.compile(
    r"[0-9零〇一二两三四五六七八九十百千万亿點点.,，]+\s*(?:billion|million|thousand|trillion|percent|%|亿|万|千)?"
    r"\s*(?:yuan|元|家|个|項|项|人|名|件|次|倍)?",
    re.I,
)


@lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def normalize_answer(s: str) -> str:
    """Traditional → simplified, full-width → half-width, case, spaces, quotes, thousands separators."""
    s = unicodedata.normalize("NFKC", s or "")
    s = _t2s().convert(s).lower()
    s = re.sub(r"(?<=\d),(?=\d{3})", "", s)
    s = "".join(ch for ch in s if not ch.isspace() and ch not in _QUOTES)
    return s


def too_long(answer: str, gold: str) -> bool:
    """An answer longer than 100 characters, or than 3× the gold answer where that is longer, is wrong."""
    return len(answer) > max(100, 3 * len(gold))


def _numbers_match(answer: str, gold: str) -> bool:
    try:
        from index.numbers import parse_quantity, quantities_equal
    except ImportError:  # pragma: no cover - the analyzer ships with the project
        return False
    g = parse_quantity(gold)
    if g is None:
        return False
    for m in _NUM_RE.finditer(answer):
        frag = m.group(0).strip(" ,，")
        if frag and parse_quantity(frag) is not None and quantities_equal(frag, gold):
            return True
    return False


def answer_correct(answer: str, gold: str, aliases: list[str] | tuple[str, ...], qtype: str) -> bool:
    if not gold:
        return False
    if too_long(answer, gold):
        return False
    na = normalize_answer(answer)
    for g in (gold, *aliases):
        ng = normalize_answer(g)
        if ng and ng in na:
            return True
    if qtype == "list":
        items = [normalize_answer(x) for x in re.split(r"[、]", gold) if x.strip()]
        if items and all(it in na for it in items):
            return True
    for g in (gold, *aliases):
        if _numbers_match(answer, g):
            return True
    return False
