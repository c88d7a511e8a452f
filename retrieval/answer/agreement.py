"""Whether a candidate's document and sentence agree with the year, period, NPC session and place the question names.

Features for the fitted scorer (``doc_year_match``, ``period_in_sent``, ``region_match`` …) and for the hard rules of
``extract.mismatched`` (``doc_year_other``, ``session_other``, ``doc_year_named_other``, ``region_other``,
``region_absent``).

    >>> from ingest.types import Chunk, DocMeta
    >>> from retrieval.answer.base import build_context
    >>> from retrieval.types import Hit
    >>> text = "（2020年5月28日第十三届全国人民代表大会第三次会议通过）"
    >>> hit = Hit(Chunk("d", 0, 0, len(text), text), "d.txt", DocMeta(title="决议", year=2020), 1.0)
    >>> tok = lambda s: [s[i:i + 2] for i in range(len(s) - 1)]
    >>> ctx = build_context("十二届全国人大二次会议的决议哪天通过？", (hit,), tokenize=tok, normalize=str)
    >>> f = agreement(ctx, hit, ctx.sents[0])
    >>> f["session_other"], f["doc_year_other"]
    (1.0, 1.0)
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from retrieval import qtype
from retrieval.sentences import fold
from retrieval.types import Hit

if TYPE_CHECKING:
    from retrieval.answer.base import Context, Sentence


def agreement(ctx: Context, h: Hit, s: Sentence) -> dict[str, float]:
    """The agreement features of sentence ``s`` of hit ``h`` (see the module docstring)."""
    f: dict[str, float] = {}
    # Year / period the question asks vs the document: the year of a report or law, its title, its text.
    if ctx.periods:
        title = fold(h.meta.title)
        years = [p for p in ctx.periods if p.isdigit()]
        f["doc_year_match"] = 1.0 if (h.meta.year and str(h.meta.year) in years) or any(p in title for p in ctx.periods) else 0.0
        f["period_in_sent"] = 1.0 if any(p in s.folded for p in ctx.periods) else 0.0
        f["doc_year_other"] = 1.0 if (h.meta.year and years and f["doc_year_match"] == 0.0) else 0.0
    if ctx.sessions:  # the question names an NPC session (十二届全国人大二次会议): a text or title naming only others
        stated = set(qtype.session_years(s.folded + " " + fold(h.meta.title)))
        f["session_other"] = 1.0 if stated and not stated & set(ctx.sessions) else 0.0
    if ctx.doc_years:
        # The question dates its document; a document whose title states another year is another document.
        title_years = re.findall(r"(?:19|20)\d\d", h.meta.title)
        f["doc_year_named_other"] = 1.0 if title_years and not set(title_years) & set(ctx.doc_years) else 0.0
    if ctx.regions:
        meta = {fold(h.meta.region), fold(h.meta.city)} - {""}
        named = any(r in meta or r in s.folded or r in fold(h.meta.title) for r in ctx.regions)
        f["region_match"] = 1.0 if named else 0.0
        f["region_other"] = 1.0 if (not named and h.meta.region and h.meta.region != "全国") else 0.0
        # …nor in the text just before the sentence or its section: a national figure for 上海市有几个
        f["region_absent"] = 0.0 if named or any(r in ctx.window(s) for r in ctx.regions) else 1.0
    return f
