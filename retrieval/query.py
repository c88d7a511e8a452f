"""Query analysis: language, Chinese/English parts, regions, years, numbers and English → Chinese expansions.

The documents are Chinese; an English (or mixed) question only reaches BM25 through the
Chinese terms its words expand to. ``QueryAnalysis.bm25_terms`` builds that weighted query so
that one English phrase weighs about as much as the same term typed in Chinese.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from retrieval.lexicon import STOPWORDS, Expansion, Lexicon, default_lexicon, english_words
from retrieval.numbers_en import YEAR as _YEAR
from retrieval.numbers_en import _english_numbers, english_number  # noqa: F401 - english_number re-exported
from retrieval.qtype import asked_count, classify, question_periods, question_regions, session_years

ROOT = Path(__file__).resolve().parent.parent
REGION_NAMES_PATH = ROOT / "data" / "region_names_en.tsv"

_CJK = r"\u3400-\u9fff\uf900-\ufaff"
_CJK_RE = re.compile(f"[{_CJK}]")
# A Chinese part: CJK text with the digits, percent signs and punctuation that live inside it.
_ZH_PART = re.compile(
    f"[{_CJK}0-9.%·、，。：；！？“”‘’（）《》〔〕【】—–~～]*[{_CJK}][{_CJK}0-9.%·、，。：；“”‘’（）《》〔〕【】—–~～]*"
)
_EN_WORD = re.compile(r"[A-Za-z]+(?:['’&][A-Za-z]+)*")
_ACRONYM = re.compile(r"^(?:[A-Z0-9&]+|[A-Z][a-z]?&[A-Z][a-z]?)$")  # R&D, S&T, GDP, 5G

# Five-Year Plans: name → years covered.
PLANS = {
    "十一五": (2006, 2010),
    "十二五": (2011, 2015),
    "十三五": (2016, 2020),
    "十四五": (2021, 2025),
    "十五五": (2026, 2030),
}
_PLAN_ORD = {
    "11": "十一五",
    "12": "十二五",
    "13": "十三五",
    "14": "十四五",
    "15": "十五五",
    "eleventh": "十一五",
    "twelfth": "十二五",
    "thirteenth": "十三五",
    "fourteenth": "十四五",
    "fifteenth": "十五五",
}
_PLAN_EN = re.compile(
    r"\b(1[1-5])(?:th)?\s*(?:five[\s-]*year[\s-]*plan|fyp)\b|\b(eleventh|twelfth|thirteenth|fourteenth|"
    r"fifteenth)\s+five[\s-]*year[\s-]*plan\b",
    re.IGNORECASE,
)
_PLAN_ZH = re.compile("|".join(PLANS))

_YEAR_RANGE = re.compile(
    rf"(?<![\d.,])({_YEAR})\s*年?\s*(?:[-–—~～至到]|to|through|until|and)\s*({_YEAR})(?![\d%])", re.IGNORECASE
)
_YEAR_ONE = re.compile(rf"(?<![\d.,])({_YEAR})(?![\d%亿万千百家个项人名件元倍]|,\d|\.\d)")

_NUM_ZH = re.compile(
    r"\d+(?:\.\d+)?\s*(?:万亿|萬億|亿|億|万|萬|千)?\s*(?:元|美元|家|个|個|项|項|人|名|件|%|％|倍)?"
    r"|[零〇一二两兩三四五六七八九十百千]+(?:万亿|萬億|亿|億|万|萬)元?"
)

# Question frames that ask for a place ("which province …", "哪个省") are masked, not expanded.
_REGION_Q_EN = re.compile(
    r"\b[Ww](?:hich|hat|HICH|HAT)\s+(?:(?!(?:did|does|do|is|are|was|were|has|have|had)\b)[a-z][a-z\-]*\s+)?"
    r"(?:[Pp]rovinces?|[Rr]egions?|[Cc]it(?:y|ies)|[Cc]ount(?:y|ies)|[Mm]unicipalit(?:y|ies)|[Pp]laces?)\b(?:['’]s\b)?"
    r"|\b[Ww]here\b"
)

# "how long / how far / how old / how often" ask for a quantity; the adjective is the question's grammar
# ("long" is not 悠久).
_HOW_Q_EN = re.compile(r"\bhow\s+(?:long|far|old|often|soon|frequently)\b", re.IGNORECASE)


@lru_cache(maxsize=1)
def _opencc():
    import opencc

    return opencc.OpenCC("t2s"), opencc.OpenCC("s2t")


def to_simplified(text: str) -> str:
    return _opencc()[0].convert(text)


def script_of(text: str) -> str:
    """Return "zh-hant" when converting to simplified changes more characters than converting to traditional."""
    cjk = "".join(_CJK_RE.findall(text))
    if not cjk:
        return "zh"
    t2s, s2t = _opencc()
    to_s = sum(a != b for a, b in zip(cjk, t2s.convert(cjk), strict=False))
    to_t = sum(a != b for a, b in zip(cjk, s2t.convert(cjk), strict=False))
    return "zh-hant" if to_s > to_t else "zh"


# ---------------------------------------------------------------- regions


@dataclass(frozen=True)
class _Place:
    short: str
    province: str
    kind: str  # province | city


@lru_cache(maxsize=1)
def _region_table() -> tuple[dict[tuple[str, ...], _Place], dict[str, _Place]]:
    """(English name words → place, Chinese name → place) from data/region_names_en.tsv."""
    if not REGION_NAMES_PATH.is_file():
        raise FileNotFoundError(f"{REGION_NAMES_PATH}: region name table not found")
    en: dict[tuple[str, ...], _Place] = {}
    zh: dict[str, _Place] = {}
    for n, line in enumerate(REGION_NAMES_PATH.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        cols = line.split("\t")
        if len(cols) < 4:
            raise ValueError(f"{REGION_NAMES_PATH}:{n}: expected english, chinese, province, kind columns")
        place = _Place(cols[1], cols[2], cols[3])
        for name in cols[0].split("|"):
            key = tuple(w.lower() for w in re.findall(r"[A-Za-z]+(?:'[A-Za-z]+)?", name))
            if key and key not in en:  # first wins: provinces come first, then the better-known city
                en[key] = place
        zh.setdefault(place.short, place)
        if len(cols) > 4 and cols[4]:
            zh.setdefault(cols[4], place)
    return en, zh


def _regions_zh(text: str) -> list[tuple[str, str]]:
    """(province, city or "") for each place named in Chinese text (either script)."""
    try:  # the shared gazetteer of ingest (same names as document metadata)
        from ingest.regions import find_regions, province_of
    except ImportError:
        find_regions = None
    if find_regions is not None:
        out = []
        for name in find_regions(text):
            prov = province_of(name)
            if prov and prov != "全国":
                out.append((prov, "" if prov == name else name))
        return out
    _, zh = _region_table()
    s = to_simplified(text)
    names = sorted(zh, key=len, reverse=True)
    pat = re.compile("|".join(re.escape(n) for n in names))
    return [
        (zh[m.group(0)].province, zh[m.group(0)].short if zh[m.group(0)].kind == "city" else "")
        for m in pat.finditer(s)
    ]


def _regions_en(text: str) -> tuple[list[tuple[str, str]], list[tuple[int, int]]]:
    """Places named in English text and their spans ("Province"/"City" suffixes included)."""
    en, _ = _region_table()
    words = [(m.group(0), m.start(), m.end()) for m in re.finditer(r"[A-Za-z]+(?:['’][A-Za-z]+)?", text)]
    found: list[tuple[str, str]] = []
    spans: list[tuple[int, int]] = []
    i = 0
    while i < len(words):
        hit = None
        for n in (3, 2, 1):
            if i + n > len(words):
                continue
            key = tuple(re.sub(r"['’]s$", "", w.lower()) for w, *_ in words[i : i + n])
            if key in en and words[i][0][:1].isupper():  # names are capitalised: "shanxi" in prose is rare
                hit = (en[key], n)
                break
        if hit is None:
            i += 1
            continue
        place, n = hit
        end = words[i + n - 1][2]
        if i + n < len(words) and words[i + n][0].lower() in ("province", "city", "municipality", "prefecture"):
            end = words[i + n][2]
            n += 1
        found.append((place.province, place.short if place.kind == "city" else ""))
        spans.append((words[i][1], end))
        i += n
    return found, spans


# ---------------------------------------------------------------- numbers and years


def _years(text: str) -> tuple[list[int], list[tuple[int, int]], list[str]]:
    """(years, year ranges, plans) named in text; Five-Year Plans count as their year range."""
    ranges: list[tuple[int, int]] = []
    plans: list[str] = []
    for m in _PLAN_EN.finditer(text):
        plans.append(_PLAN_ORD[(m.group(1) or m.group(2)).lower()])
    plans += _PLAN_ZH.findall(text)
    taken = []
    for m in _YEAR_RANGE.finditer(text):
        a, b = int(m.group(1)), int(m.group(2))
        if a <= b:
            ranges.append((a, b))
            taken.append((m.start(), m.end()))
    singles = [int(m.group(1)) for m in _YEAR_ONE.finditer(text) if not any(s <= m.start() < e for s, e in taken)]
    for p in dict.fromkeys(plans):
        ranges.append(PLANS[p])
    years = set(singles)
    for a, b in ranges:
        years.update(range(a, b + 1))
    return sorted(years), list(dict.fromkeys(ranges)), list(dict.fromkeys(plans))


# ---------------------------------------------------------------- analysis


def _dedupe(xs: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(x for x in xs if x))


def _mask(text: str, spans: list[tuple[int, int]]) -> str:
    """Replace spans by a phrase break so that the lexicon neither expands nor joins across them."""
    chars = list(text)
    for s, e in spans:
        for i in range(s, e):
            chars[i] = " "
        if s < len(chars):
            chars[s] = "|"
    return "".join(chars)


@dataclass(frozen=True)
class QueryAnalysis:
    """What a query asks for, and the Chinese terms an English query should be searched with.

    ``regions`` are province short names (a named city adds its province); ``cities`` keeps the
    cities themselves. ``years`` lists every year named (ranges and Five-Year Plans expanded);
    ``numbers`` are figures in the form Chinese documents use. ``entity_terms`` are the Chinese forms
    of places and figures that the query gave in English, with their BM25 weights.

    Example::

        >>> q = analyze_query("Which province targets 50 billion yuan of technology contract turnover by 2025?")
        >>> q.lang, q.qtype, q.numbers, q.years
        ('en', 'which-region', ('500亿元',), (2025,))
        >>> [e.terms[0] for e in q.expansions]
        ['目标', '技术合同成交额']
    """

    text: str
    lang: str  # zh | zh-hant | en | mixed
    zh_parts: tuple[str, ...]
    en_parts: tuple[str, ...]
    regions: tuple[str, ...]
    cities: tuple[str, ...]
    years: tuple[int, ...]
    year_ranges: tuple[tuple[int, int], ...]
    plans: tuple[str, ...]
    numbers: tuple[str, ...]
    expansions: tuple[Expansion, ...]
    qtype: str
    entity_terms: tuple[tuple[str, float], ...] = ()
    uncovered: tuple[str, ...] = ()  # English content words the lexicon has no Chinese for (see uncovered_words)
    # What the answer step reads (retrieval/answer/base.py), analysed here once: the province-level places the
    # question names (folded short forms), its years and plan periods as strings, the items it asks for if a list.
    places: tuple[str, ...] = ()
    periods: tuple[str, ...] = ()
    asked_count: int | None = None

    @property
    def is_english(self) -> bool:
        return self.lang in ("en", "mixed")

    @property
    def year_from(self) -> int | None:
        return self.years[0] if self.years else None

    @property
    def year_to(self) -> int | None:
        return self.years[-1] if self.years else None

    def bm25_terms(self, tokenize: Callable[[str], list[str]], expansion_scale: float = 1.0) -> dict[str, float]:
        """Weighted BM25 query: token → weight.

        Chinese parts give each token weight 1 per occurrence. An English phrase spreads its
        weight over its candidates (``Expansion.term_shares``), and each candidate's tokens carry
        that share, so a one-candidate glossary phrase weighs exactly what the same Chinese term
        typed by a user would; CEDICT phrases weigh less (the search step first reweights the
        candidates by the corpus: ``retrieval/senses.py``). Places and figures given in English
        add their Chinese forms.
        """
        w: dict[str, float] = defaultdict(float)
        for part in self.zh_parts:
            for tok in tokenize(part):
                w[tok] += 1.0
        for exp in self.expansions:
            if exp.source == "title":
                continue  # a document's name: it steers the document match (Searcher.doc_scores), not the passages
            shares = exp.term_shares()
            toks = [tokenize(term) for term in exp.terms]
            for ts, share in zip(toks, shares, strict=True):
                for tok in ts:
                    w[tok] += exp.weight * share * expansion_scale
        for term, weight in self.entity_terms:
            for tok in tokenize(term):
                w[tok] += weight
        return {t: round(v, 6) for t, v in w.items() if v > 0}


_UNSAFE = re.compile(r"[\ud800-\udfff\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_query(text: str) -> str:
    """A typed or pasted question without what no text holds: lone surrogates and control characters (a space each,
    so the words around them stay apart).

        >>> clean_query("技术" + chr(0xD800) + "合同" + chr(27) + "[31m")
        '技术 合同 [31m'
    """
    return _UNSAFE.sub(" ", text) if isinstance(text, str) else text


def analyze_query(text: str, lexicon: Lexicon | None = None, expand: bool = True) -> QueryAnalysis:
    """Analyse a Chinese, English or mixed question (see ``QueryAnalysis``).

    ``lexicon`` defaults to the shared glossary + CEDICT lexicon; ``expand=False`` skips expansion.
    """
    if not isinstance(text, str) or not text.strip():
        raise ValueError("empty query: type a question in Chinese or English")
    norm = unicodedata.normalize("NFKC", text).strip()  # full-width digits/letters → ASCII

    zh_parts = _dedupe(p.strip("，。：；！？、“”‘’（）《》【】 ") for p in _ZH_PART.findall(norm))
    en_text = _ZH_PART.sub(" | ", norm)
    en_parts = _dedupe(p.strip(" |,.;:!?\"'()") for p in re.split(r"\s*\|\s*", en_text) if re.search(r"[A-Za-z0-9]", p))
    en_words = [w for p in en_parts for w in _EN_WORD.findall(p) if not _ACRONYM.match(w) and len(w) >= 2]
    if zh_parts and en_words:
        lang = "mixed"
    elif zh_parts:
        lang = script_of("".join(zh_parts))
    else:
        lang = "en"

    places = _regions_zh("".join(zh_parts))
    entity: list[tuple[str, float]] = []
    numbers: list[str] = []
    for p in zh_parts:
        numbers += [
            m.group(0).strip()
            for m in _NUM_ZH.finditer(p)
            if not re.fullmatch(rf"{_YEAR}", m.group(0).strip()) and m.group(0).strip()
        ]
    expansions: list[Expansion] = []
    uncovered: list[str] = []
    lex = lexicon if lexicon is not None else (default_lexicon() if expand else None)
    for part in en_parts:
        en_places, place_spans = _regions_en(part)
        places += en_places
        for prov, city in en_places:
            entity.append((city or prov, 1.0))
        nums, num_spans = _english_numbers(part)
        numbers += nums
        entity += [(n, 1.0) for n in nums]
        frames = [(m.start(), m.end()) for m in (*_REGION_Q_EN.finditer(part), *_HOW_Q_EN.finditer(part))]
        year_spans = [(m.start(), m.end()) for m in re.finditer(rf"(?<!\d){_YEAR}(?!\d)", part)]
        entity += [(m.group(0), 0.5) for m in re.finditer(rf"(?<![\d,.]){_YEAR}(?![\d,])", part)]
        if expand and lex is not None:
            masked = _mask(part, place_spans + num_spans + frames + year_spans)
            found = lex.lookup(masked)
            expansions += found
            uncovered += uncovered_words(masked, found)

    years, ranges, plans = _years(norm)
    years = sorted({*years, *session_years(text)})  # 十三届全国人大三次会议 → 2020
    regions = _dedupe(p for p, _ in places)
    cities = _dedupe(c for _, c in places)
    return QueryAnalysis(
        text=text,
        lang=lang,
        zh_parts=zh_parts,
        en_parts=en_parts,
        regions=regions,
        cities=cities,
        years=tuple(years),
        year_ranges=tuple(ranges),
        plans=tuple(plans),
        numbers=_dedupe(numbers),
        expansions=tuple(expansions),
        qtype=classify(norm),  # the same typing the answer step uses (retrieval/qtype.py)
        entity_terms=tuple(dict.fromkeys(entity)),
        uncovered=_dedupe(uncovered),
        places=question_regions(text),
        periods=question_periods(text),
        asked_count=asked_count(text),
    )


# Words that carry no searchable meaning in a question even though no lexicon layer lists them.
_GENERIC_EN = frozenset("""
    get got gets take took taken make makes made give gave gives go goes went put puts keep kept set sets let
    hold holds held run runs ran bring brought say told
    become became becomes come came show shows shown see saw seen find found use used help helps want wants
    like also still yet ever already now new old main key total overall specific particular certain various
    approximately roughly about around exactly least most really actually please tell know known called
""".split())


def _bare(word: str) -> str:
    """Lower case without a possessive: "Court's" → "court" (both sides of the coverage test)."""
    w = word.lower().replace("’", "'")
    return w[:-2] if w.endswith("'s") else w


def uncovered_words(text: str, expansions: Sequence[Expansion]) -> tuple[str, ...]:
    """Content words of an English ``text`` that no expansion covers: they cannot be searched in Chinese.

    Stopwords, generic verbs, acronyms, short words and inflected verb forms (-ed/-ing, which are
    mostly the question's grammar: "held", "listed") are left out. The answer step counts the rest as
    terms no passage can hold, so a question about something the documents never mention ("Nobel
    laureates") gets a lower confidence instead of a confident answer from its other words.

        >>> uncovered_words("How many Nobel laureates work there", [])
        ('Nobel', 'laureates', 'work')
    """
    covered = {_bare(w) for e in expansions for w, *_ in english_words(e.span)}
    out: list[str] = []
    for w, *_ in english_words(text):
        lw = _bare(w)
        if lw in covered or lw in STOPWORDS or lw in _GENERIC_EN or len(lw) < 3 or _ACRONYM.match(w):
            continue
        if re.search(r"(ed|ing)$", lw) and len(lw) > 5:
            continue
        out.append(w)
    return tuple(dict.fromkeys(out))
