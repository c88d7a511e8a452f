"""Answer extraction: from retrieved passages to a short answer with numbered citations.

Without an LLM the answer is extractive. Every sentence of the top passages is scored by how
much of the question's key terms (weighted by their rarity among those sentences) it holds,
with the question's region and year/period as qualifiers that may also be satisfied by the
document's metadata. Then a span is taken from the best sentences according to the question
type (``retrieval/qtype.py``): a figure with its unit for the metric asked, a region from the
document's metadata, a date, a list, or the shortest phrase that answers a "who / what name"
question. Weak evidence → ``Answer(abstained=True, answer=NOT_FOUND)``.

Since issue 14 this first version is no longer the answer step: its pick is one candidate among those of
the typed proposers (``retrieval/answer/extract.py``), and several of its scores are features of the fitted
scorer. Example (runnable; ``str.split``-style stand-ins for the project analyzer)::

    >>> from ingest.types import Chunk, DocMeta
    >>> from retrieval.types import Hit
    >>> text = "到2025年，全省技术合同成交额突破500亿元。"
    >>> hit = Hit(Chunk("d", 0, 0, len(text), text), "d.txt", DocMeta(region="黑龙江"), 1.0)
    >>> tok = lambda s: [s[i:i + 2] for i in range(len(s) - 1)]
    >>> a = _extractive("到2025年技术合同成交额目标是多少?", (hit,), tok, str, (), 0.35, (3, 0.85), ())
    >>> a.answer, a.citations[0].answer_span
    ('500亿元', (18, 23))
"""

from __future__ import annotations

# Every module-level name of the former single-file legacy.py (its imports included), so that ``legacy.<name>``
# resolves as before. The definitions live in the submodules; imports run one way, without cycles:
# common <- regions <- lists <- sentences; common <- numbers <- facts; common <- dates; core imports them all.
import math as math
import os as os
import re as re
from collections.abc import Callable as Callable
from collections.abc import Sequence as Sequence
from dataclasses import dataclass as dataclass
from dataclasses import replace as replace

from ingest.types import Chunk as Chunk
from retrieval import qtype as qtype
from retrieval.answer.legacy.common import _DATE_FULL as _DATE_FULL
from retrieval.answer.legacy.common import _DATE_MD as _DATE_MD
from retrieval.answer.legacy.common import _DATE_RANGE as _DATE_RANGE
from retrieval.answer.legacy.common import _DATE_Y as _DATE_Y
from retrieval.answer.legacy.common import _DATE_YM as _DATE_YM
from retrieval.answer.legacy.common import _EN_MONTHS as _EN_MONTHS
from retrieval.answer.legacy.common import _EN_STOP as _EN_STOP
from retrieval.answer.legacy.common import _MASK as _MASK
from retrieval.answer.legacy.common import _NUM as _NUM
from retrieval.answer.legacy.common import _ORDINAL as _ORDINAL
from retrieval.answer.legacy.common import _ORG_SUFFIX as _ORG_SUFFIX
from retrieval.answer.legacy.common import _QWORDS as _QWORDS
from retrieval.answer.legacy.common import _TITLE_WORDS as _TITLE_WORDS
from retrieval.answer.legacy.common import _UNITS as _UNITS
from retrieval.answer.legacy.common import _YEAR as _YEAR
from retrieval.answer.legacy.common import MISSING_WEIGHT as MISSING_WEIGHT
from retrieval.answer.legacy.common import DocText as DocText
from retrieval.answer.legacy.common import Normalize as Normalize
from retrieval.answer.legacy.common import Tokenize as Tokenize
from retrieval.answer.legacy.common import _Sent as _Sent
from retrieval.answer.legacy.common import _Span as _Span
from retrieval.answer.legacy.common import _Terms as _Terms
from retrieval.answer.legacy.core import _abstain as _abstain
from retrieval.answer.legacy.core import _citations as _citations
from retrieval.answer.legacy.core import _counted_uncovered as _counted_uncovered
from retrieval.answer.legacy.core import _extractive as _extractive
from retrieval.answer.legacy.core import _uncovered as _uncovered
from retrieval.answer.legacy.dates import _PUBLISH_Q as _PUBLISH_Q
from retrieval.answer.legacy.dates import _PUBLISH_VERB as _PUBLISH_VERB
from retrieval.answer.legacy.dates import _date_span as _date_span
from retrieval.answer.legacy.dates import _english_date as _english_date
from retrieval.answer.legacy.dates import _overlaps as _overlaps
from retrieval.answer.legacy.facts import _ORG_STOP as _ORG_STOP
from retrieval.answer.legacy.facts import _WH as _WH
from retrieval.answer.legacy.facts import _doc_number as _doc_number
from retrieval.answer.legacy.facts import _fact_span as _fact_span
from retrieval.answer.legacy.facts import _label_value as _label_value
from retrieval.answer.legacy.facts import _organisation as _organisation
from retrieval.answer.legacy.facts import _person as _person
from retrieval.answer.legacy.facts import _template as _template
from retrieval.answer.legacy.facts import _term_content as _term_content
from retrieval.answer.legacy.lists import _BLOCK_TRIGGER as _BLOCK_TRIGGER
from retrieval.answer.legacy.lists import _CN as _CN
from retrieval.answer.legacy.lists import _COUNT_SUFFIX as _COUNT_SUFFIX
from retrieval.answer.legacy.lists import _ENUM_MARK as _ENUM_MARK
from retrieval.answer.legacy.lists import _GAP as _GAP
from retrieval.answer.legacy.lists import _GAP_STOP as _GAP_STOP
from retrieval.answer.legacy.lists import _GENERIC_PLACES as _GENERIC_PLACES
from retrieval.answer.legacy.lists import _ITEM_SEP as _ITEM_SEP
from retrieval.answer.legacy.lists import _LEAD_VERBS as _LEAD_VERBS
from retrieval.answer.legacy.lists import _PLACE_KIND_EN as _PLACE_KIND_EN
from retrieval.answer.legacy.lists import _PLACE_KIND_ZH as _PLACE_KIND_ZH
from retrieval.answer.legacy.lists import _PREDICATE as _PREDICATE
from retrieval.answer.legacy.lists import _TRIGGER as _TRIGGER
from retrieval.answer.legacy.lists import _block_candidates as _block_candidates
from retrieval.answer.legacy.lists import _clause_head as _clause_head
from retrieval.answer.legacy.lists import _clean_items as _clean_items
from retrieval.answer.legacy.lists import _gap_list as _gap_list
from retrieval.answer.legacy.lists import _list_candidates as _list_candidates
from retrieval.answer.legacy.lists import _list_span as _list_span
from retrieval.answer.legacy.lists import _mark_value as _mark_value
from retrieval.answer.legacy.lists import _place_kind as _place_kind
from retrieval.answer.legacy.lists import _place_list as _place_list
from retrieval.answer.legacy.lists import _region_list as _region_list
from retrieval.answer.legacy.lists import _trim_items as _trim_items
from retrieval.answer.legacy.numbers import _LEVEL_EN as _LEVEL_EN
from retrieval.answer.legacy.numbers import _LEVEL_EN_RX as _LEVEL_EN_RX
from retrieval.answer.legacy.numbers import _LEVEL_KIND as _LEVEL_KIND
from retrieval.answer.legacy.numbers import _LEVEL_NOUN as _LEVEL_NOUN
from retrieval.answer.legacy.numbers import _LEVEL_ZH as _LEVEL_ZH
from retrieval.answer.legacy.numbers import _RATE_WORDS as _RATE_WORDS
from retrieval.answer.legacy.numbers import _RESPECTIVELY as _RESPECTIVELY
from retrieval.answer.legacy.numbers import _TARGET_WORDS as _TARGET_WORDS
from retrieval.answer.legacy.numbers import _all_after as _all_after
from retrieval.answer.legacy.numbers import _attach_fit as _attach_fit
from retrieval.answer.legacy.numbers import _big as _big
from retrieval.answer.legacy.numbers import _category as _category
from retrieval.answer.legacy.numbers import _context_fit as _context_fit
from retrieval.answer.legacy.numbers import _english_number as _english_number
from retrieval.answer.legacy.numbers import _expected_unit as _expected_unit
from retrieval.answer.legacy.numbers import _governing_period_score as _governing_period_score
from retrieval.answer.legacy.numbers import _level as _level
from retrieval.answer.legacy.numbers import _number_span as _number_span
from retrieval.answer.legacy.numbers import _proximity as _proximity
from retrieval.answer.legacy.numbers import _qualifier_fit as _qualifier_fit
from retrieval.answer.legacy.numbers import _question_qualifiers as _question_qualifiers
from retrieval.answer.legacy.numbers import _term_positions as _term_positions
from retrieval.answer.legacy.regions import _city_span as _city_span
from retrieval.answer.legacy.regions import _region_of as _region_of
from retrieval.answer.legacy.regions import _region_span as _region_span
from retrieval.answer.legacy.sentences import _QUOTED as _QUOTED
from retrieval.answer.legacy.sentences import _anchor_hits as _anchor_hits
from retrieval.answer.legacy.sentences import _anchor_rx as _anchor_rx
from retrieval.answer.legacy.sentences import _anchors as _anchors
from retrieval.answer.legacy.sentences import _context_hits as _context_hits
from retrieval.answer.legacy.sentences import _has_anchor as _has_anchor
from retrieval.answer.legacy.sentences import _key_terms as _key_terms
from retrieval.answer.legacy.sentences import _num_ok as _num_ok
from retrieval.answer.legacy.sentences import _period_match as _period_match
from retrieval.answer.legacy.sentences import _region_named as _region_named
from retrieval.answer.legacy.sentences import _score_sentences as _score_sentences
from retrieval.qtype import PERIOD_YEARS as PERIOD_YEARS
from retrieval.qtype import classify as classify
from retrieval.sentences import fold as fold
from retrieval.sentences import split_clauses as split_clauses
from retrieval.sentences import split_sentences as split_sentences
from retrieval.types import NOT_FOUND as NOT_FOUND
from retrieval.types import Answer as Answer
from retrieval.types import Citation as Citation
from retrieval.types import Hit as Hit
